"""What every endpoint group needs: the request function, one generic paginator, the one
check that an answer has the shape the endpoint promises, and the read-time stamp every frame
the client returns carries (:func:`stamps_read_at`)."""

from __future__ import annotations

import functools
import threading
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterator, Mapping, TypeVar
from urllib.parse import urlsplit

from .._transport import Response, Transport
from ..errors import InputError, NotFoundError, UnexpectedResponse
from ..frames.tidy import to_int

# A shape an endpoint promises: a JSON object (dict), an array (list), or "rows", a tuple of
# keys: an array, or an object holding the array under one of those keys.
Shape = type | tuple[str, ...] | None


FrameMethod = TypeVar("FrameMethod", bound=Callable[..., Any])


def stamps_read_at(method: FrameMethod) -> FrameMethod:
    """Decorate a client method returning a DataFrame: the frame gets ``attrs["read_at"]``.

    ``read_at`` is when the read **started**, as a UTC ``pd.Timestamp``: the server's
    ``Date`` on the first answer of the read (SmartLead's clock; the sandbox's simulated
    one), else this machine's clock when the method was called. The start, not the end: a
    reply that arrives while later pages are read may be missing from pages already read,
    while everything up to the start is in the frame, so "as of ``read_at``" is what the
    frame can vouch for (``analysis.compare_variants`` judges as of it by default).

    ``attrs`` follow pandas' rules. Kept: selections (``[]``, ``loc``, ``query``), ``copy``,
    arithmetic, ``assign`` and new columns, sorting, ``drop_duplicates``,
    ``groupby(...).agg``/``.sum()``. Kept only when every frame has the same ``attrs``:
    ``merge``, ``join``, ``pd.concat``. Lost: ``groupby(...).size()``, ``value_counts``, a
    new DataFrame built from columns or records. tests/resources/test_read_at.py pins each.
    """
    @functools.wraps(method)
    def read(self: Resource, *args: Any, **kwargs: Any) -> Any:
        import pandas as pd

        started = datetime.now(timezone.utc)
        waiting = self._reads_waiting()
        waiting.append(None)
        try:
            frame = method(self, *args, **kwargs)
        finally:
            server = waiting.pop()
        frame.attrs["read_at"] = pd.Timestamp(server or started)
        return frame

    read.stamps_read_at = True          # type: ignore[attr-defined]  # for the enumeration test
    return read  # type: ignore[return-value]


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """The ``Date`` header as an aware UTC datetime, or None when absent or unreadable.

    >>> server_time({"Date": "Mon, 06 Jan 2025 09:00:00 GMT"}).isoformat()
    '2025-01-06T09:00:00+00:00'
    >>> server_time({"Date": "yesterday"}) is None
    True
    """
    text = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not isinstance(text, str):
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:            # RFC 9110: an HTTP date is always GMT
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


class Resource:
    """Base of the endpoint mixins. ``SmartleadClient`` provides ``_transport``."""

    _transport: Transport
    # The endpoint modules decorate with ``@Resource.stamps_read_at`` (no import to add).
    stamps_read_at = staticmethod(stamps_read_at)

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json: Any = None, check_ok: bool = True, subject: str | None = None,
              shape: Shape = None, expect: str = "json") -> Any:
        """Send one request and return its body, checked against ``shape``.

        A 404 is re-worded to name ``subject`` (e.g. "campaign 7"); a body of another shape
        (``shape=dict`` answered with a list, an object without the rows) is an
        :class:`~smartlead_nb.errors.UnexpectedResponse`, never an empty result.
        """
        try:
            response = self._transport.request(method, path, params=params, json=json,
                                               check_ok=check_ok, expect=expect)
        except NotFoundError as exc:
            if subject is None:
                raise
            error = NotFoundError(f"{subject} not found ({exc.message})", status=exc.status,
                                  body=exc.body, method=exc.method, url=exc.url,
                                  headers=exc.headers)
        else:
            self._note_server_time(response.headers)
            return check_shape(response, shape, method, self._route(path))
        raise error

    def _reads_waiting(self) -> list[datetime | None]:
        """This thread's reads in progress (innermost last), each waiting for its server time,
        the ``Date`` of the first answer it gets (see :func:`stamps_read_at`). Per thread, so
        an upload answered on another thread never dates this thread's read."""
        local = self.__dict__.setdefault("_reads", threading.local())
        if not hasattr(local, "waiting"):
            local.waiting = []
        return local.waiting

    def _note_server_time(self, headers: Mapping[str, str]) -> None:
        """Give every read still waiting for its time the server's ``Date`` of this answer."""
        waiting = self._reads_waiting()
        if not waiting or all(t is not None for t in waiting):
            return
        when = server_time(headers)
        if when is not None:
            waiting[:] = [when if t is None else t for t in waiting]

    def _route(self, path: str) -> str:
        """The URL path of ``path`` (``/api/v1/campaigns/7``): names an endpoint, no key."""
        return urlsplit(self._transport.url_for(path)).path

    def _paginate(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int,
        max_page_size: int,
        keys: tuple[str, ...],
        limit: int | None = None,
    ) -> Iterator[Any]:
        """Yield every row of an offset/limit list, page by page.

        ``keys`` name where the rows are when a page is an object (``("data",)``). Stops when
        a page comes back shorter than asked or empty; SmartLead's ``total_*`` fields are
        strings and reflect filters, so they are not trusted for stopping.
        """
        if not 1 <= page_size <= max_page_size:
            raise InputError(f"page_size must be between 1 and {max_page_size}, got {page_size}")

        def fetch(offset: int, size: int) -> list:
            query = dict(params or {}, offset=offset, limit=size)
            return list_rows(self._call("GET", path, params=query, shape=keys), *keys)

        return iter_pages(fetch, page_size, limit)


def iter_pages(fetch: Callable[[int, int], list], page_size: int,
               limit: int | None = None) -> Iterator[Any]:
    """Rows of an offset/limit list, whatever carries the offset (a query, a JSON body):
    ``fetch(offset, page_size)`` returns one page; stops on a short or empty page, or after
    ``limit`` rows (SmartLead's ``total_*`` strings reflect filters, so they are not trusted).

    >>> rows = list(range(45))
    >>> list(iter_pages(lambda offset, size: rows[offset:offset + size], 20)) == rows
    True
    """
    offset, seen = 0, 0
    while True:
        page = fetch(offset, page_size)
        for row in page:
            yield row
            seen += 1
            if limit is not None and seen >= limit:
                return
        if len(page) < page_size:
            return
        offset += page_size


def check_shape(response: Response, shape: Shape, method: str, route: str) -> Any:
    """``response.body`` if it has ``shape``, else an ``UnexpectedResponse`` naming the endpoint.

    >>> check_shape(Response(200, [1], {}), list, "GET", "campaigns/")
    [1]
    >>> check_shape(Response(200, {"data": []}, {}), ("data",), "GET", "x")
    {'data': []}
    """
    body = response.body
    if shape is None or _has_shape(body, shape):
        return body
    wanted = (f"a {'list' if shape is list else 'JSON object'}" if isinstance(shape, type)
              else f"a list (or an object with {' or '.join(repr(k) for k in shape)})")
    got = type(body).__name__ if body is not None else "nothing"
    keys = f" with keys {sorted(body)[:8]}" if isinstance(body, dict) else ""
    content_type = response.headers.get("Content-Type") or response.headers.get("content-type")
    raise UnexpectedResponse(
        f"{method} {route} answered {response.status} with a {got}{keys} where {wanted} is due "
        f"(Content-Type: {content_type or 'none'}); nothing was read from it. If this persists, "
        f"SmartLead may have changed this endpoint: the raw body is on the error's .body",
        status=response.status, body=body, method=method, url=route,
        headers=response.headers, content_type=content_type)


def _has_shape(body: Any, shape: Shape) -> bool:
    if isinstance(shape, type):
        return isinstance(body, shape)
    if isinstance(body, list):
        return True
    if not isinstance(body, dict):
        return False
    for key in shape:
        value = body.get(key)
        if isinstance(value, list) or (isinstance(value, dict) and _has_shape(value, shape)):
            return True
    return False


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
    """The rows of a list response: a bare array, or under one of ``keys``.

    Call it on a body checked with ``shape=keys`` (see :func:`check_shape`): an unchecked
    body of another shape gives ``[]`` here, which would hide an answer that is not a list.
    """
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


def id_in_answer(body: Any, *places: str) -> int | None:
    """The first whole-number id found at ``places`` in a create/save answer, else None.

    SmartLead puts a new object's id in different places per endpoint and per docs version;
    ``"data.id"`` looks one level down. Text ids (``"9"``) are read as numbers.

    >>> id_in_answer({"ok": True, "data": {"id": "9"}}, "emailAccountId", "data.id", "id")
    9
    >>> id_in_answer({"ok": True}, "id") is None
    True
    """
    for place in places:
        value = body
        for key in place.split("."):
            value = value.get(key) if isinstance(value, Mapping) else None
        value = to_int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None
