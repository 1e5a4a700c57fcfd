"""What every endpoint group needs: the request function and one generic paginator."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from .._transport import Transport
from ..errors import InputError, NotFoundError


class Resource:
    """Base of the endpoint mixins. ``SmartleadClient`` provides ``_transport``."""

    _transport: Transport

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json: Any = None, check_ok: bool = True, subject: str | None = None) -> Any:
        """Send one request; a 404 is re-worded to name ``subject`` (e.g. "campaign 7")."""
        try:
            return self._transport.request(method, path, params=params, json=json,
                                           check_ok=check_ok).body
        except NotFoundError as exc:
            if subject is None:
                raise
            error = NotFoundError(f"{subject} not found ({exc.message})", status=exc.status,
                                  body=exc.body, method=exc.method, url=exc.url,
                                  headers=exc.headers)
        raise error

    def _paginate(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int,
        max_page_size: int,
        rows: Callable[[Any], list[Any]],
        limit: int | None = None,
    ) -> Iterator[Any]:
        """Yield every row of an offset/limit list, page by page.

        Stops when a page comes back shorter than asked or empty; SmartLead's ``total_*``
        fields are strings and reflect filters, so they are not trusted for stopping.
        """
        if not 1 <= page_size <= max_page_size:
            raise InputError(f"page_size must be between 1 and {max_page_size}, got {page_size}")
        offset, seen = 0, 0
        while True:
            query = dict(params or {}, offset=offset, limit=page_size)
            page = rows(self._call("GET", path, params=query))
            for row in page:
                yield row
                seen += 1
                if limit is not None and seen >= limit:
                    return
            if len(page) < page_size:
                return
            offset += page_size


def check_id(value: Any, what: str) -> int:
    """Ids are positive integers; refuse anything else before building a URL with it."""
    if isinstance(value, bool):
        raise InputError(f"{what} must be a positive whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a positive whole number, got {value!r}") from None
    if number <= 0 or (isinstance(value, float) and not value.is_integer()):
        raise InputError(f"{what} must be a positive whole number, got {value!r}")
    return number


def list_rows(body: Any, *keys: str) -> list[Any]:
    """The rows of a list response: a bare array, or under one of ``keys``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for key in keys:
            value = body.get(key)
            if isinstance(value, list):
                return value
            if isinstance(value, dict):  # {ok, data: {campaign_wise_performance: [...]}}
                nested = list_rows(value, *keys)
                if nested:
                    return nested
    return []
