"""Typed errors raised by the SmartLead client.

Every error raised because of an HTTP exchange derives from :class:`SmartleadError` and carries
what an analyst needs to understand it: the HTTP status, the parsed body, the method and the URL
with the API key redacted. Subclasses also derive from the built-in exception a Python user
would reach for first, so ``except ValueError`` catches a rejected payload and
``except KeyError`` an unknown id.

>>> try:
...     client.campaigns.get(999)              # doctest: +SKIP
... except NotFoundError as e:
...     print(e.status, e.message)
404 Campaign not found - Invalid campaign_id.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from ._redact import redact, redact_value, register_keys_in

__all__ = [
    "SmartleadError",
    "BadRequestError",
    "ValidationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "ServerError",
    "TransportError",
    "RedirectError",
    "UnexpectedResponse",
    "ApiFailure",
    "LeadLimitExhausted",
    "error_message_from_body",
    "InputError",
    "CampaignNotDrafted",
    "refusal",
]


class InputError(ValueError):
    """Bad input caught before any request was sent (a bad timezone, 401 leads, ...).

    Nothing was sent, so nothing needs undoing. The message names the value and what is allowed.
    """


def refusal(reason: str, how: str = "call again with confirm=True") -> str:
    """The sentence an unconfirmed call raises: what it would do, that nothing happened, how.

    >>> refusal("Starting campaign 7 sends email to real people")
    'Starting campaign 7 sends email to real people. Nothing was sent; if you mean it, call again with confirm=True.'
    """
    return f"{reason}. Nothing was sent; if you mean it, {how}."


class CampaignNotDrafted(InputError):
    """The campaign is no longer a draft (SmartLead says ACTIVE, PAUSED, STOPPED, ...), so the
    call changed nothing: launching again, or adding leads without ``confirm=True``.

    ``campaign_id`` and ``status`` are what SmartLead answered when asked just before.
    """

    def __init__(self, message: str, campaign_id: int | None = None,
                 status: str | None = None) -> None:
        super().__init__(message)
        self.campaign_id, self.status = campaign_id, status

    def __reduce__(self):  # the fields survive a pickle (InputError pickles by its message)
        return (type(self), (str(self), self.campaign_id, self.status))


class SmartleadError(Exception):
    """Base class of every error from an exchange with SmartLead (or the sandbox).

    Attributes:
        message: the server's own words when it gave any, else a description.
        status: the HTTP status code (``None`` for transport failures).
        body: the parsed JSON body, the text of a non-JSON body, or ``None`` when empty.
        method: ``"GET"``, ``"POST"``, ...
        url: the request URL with the ``api_key`` value replaced by ``REDACTED``.
        headers: the response headers (a plain dict), when there was a response.

    A key the server echoes back (in the body, a header, a redirect target) is redacted from
    all of them, so ``str()``, ``repr()`` and a pickle of the error never carry it.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        method: str | None = None,
        url: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        # Redact here too: a message may quote a URL from a lower layer.
        self.message = redact(message)
        self.status = status
        self.body = redact_value(body)
        self.method = method
        self.url = redact(url) if url else url
        self.headers = redact_value(dict(headers or {}))
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method and self.url else ""
        code = f"[{self.status}] " if self.status is not None else ""
        return f"{code}{self.message}{where}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"

    def __reduce__(self):  # errors must pickle (multiprocessing, IPython parallel)
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))


def _rebuild(cls, message, state):
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class BadRequestError(SmartleadError, ValueError):
    """400: SmartLead refused the payload or a parameter (invalid timezone, unknown key...)."""


class ValidationError(BadRequestError):
    """422: the request was well-formed but failed validation."""


class AuthenticationError(SmartleadError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(SmartleadError):
    """403: no access. Behind Cloudflare this may be an HTML page blocking the User-Agent."""


class NotFoundError(SmartleadError, KeyError):
    """404: the campaign, lead or path does not exist (or belongs to another account)."""

    # KeyError.__str__ would quote the message; keep SmartleadError's text.
    __str__ = SmartleadError.__str__


class ConflictError(SmartleadError):
    """Two writers met: a 409 from the server (the resource already exists), or a change the
    client saw another writer overwrite or make meanwhile (``leads.update`` reads the lead
    back after writing it).

    ``fields`` names the fields in conflict (``("company_name", "custom_fields.tier")``);
    empty for a server's 409, which does not say.
    """

    def __init__(self, message: str, *, fields: tuple[str, ...] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.fields = tuple(fields)


class RateLimitError(SmartleadError):
    """429: too many requests. ``retry_after`` is the wait in seconds the server asked for."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(SmartleadError):
    """5xx: SmartLead failed. Reads are retried automatically before this is raised."""


class TransportError(SmartleadError, ConnectionError):
    """No usable HTTP response: connection refused or dropped, timeout, TLS failure.

    For a POST the server may or may not have acted on it; the client never repeats a POST
    by itself in that case (SmartLead has no idempotency keys), so check before re-running.
    """


class RedirectError(SmartleadError):
    """3xx: the server sent the request elsewhere. Redirects are never followed, because the
    key is in the URL and would go wherever the redirect points.

    ``location`` is the target without its query string (which may carry the key). A redirect
    usually means ``base_url`` is wrong (``http://`` for ``https://``, a missing ``/api/v1``).
    """

    def __init__(self, message: str, *, location: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.location = redact(location) if location else location


class UnexpectedResponse(SmartleadError):
    """A 2xx answer whose body is not what the endpoint promises: an HTML page (a captive
    portal, a proxy's login page), truncated JSON, or a scalar where a list or record is due.

    ``content_type`` is the answer's ``Content-Type``. Nothing was read from the body, so
    nothing is lost by re-running once the network or ``base_url`` is fixed; for a POST the
    server may still have acted on the request.
    """

    def __init__(self, message: str, *, content_type: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.content_type = content_type


class ApiFailure(SmartleadError):
    """A 200 response whose body says ``ok: false`` (SmartLead reports some failures so)."""

    @property
    def error_code(self) -> str | None:
        return self.body.get("errorCode") if isinstance(self.body, dict) else None


class LeadLimitExhausted(ApiFailure):
    """The account ran out of lead credits part-way through an upload.

    ``stopped_count`` leads of the request were not imported.
    """

    @property
    def stopped_count(self) -> int | None:
        if isinstance(self.body, dict):
            value = self.body.get("lead_import_stopped_count")
            try:
                return int(value)
            except (TypeError, ValueError):
                return None
        return None


def parse_body(content: bytes, content_type: str = "") -> Any:
    """Parse a response body: JSON when it is JSON, text otherwise, ``None`` when empty.

    A key in a key field of the answer (a client key just created or reset, ``api_key`` or
    ``apiKey``) is registered for redaction here, the moment it arrives, before any error
    or log line can quote it.
    """
    if not content or not content.strip():
        return None
    text = content.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip()[:1] in ("{", "["):
        try:
            body = json.loads(text)
        except ValueError:
            pass
        else:
            register_keys_in(body, text)
            return body
    return text


def error_message_from_body(body: Any, status: int | None = None) -> str:
    """Find the human message in any of SmartLead's error shapes.

    Handles ``{"error": "..."}``, ``{"error": {"message": ..., "code": ...}}``,
    ``{"message": "..."}``, ``{"errorCode": ...}``, an HTML page (Cloudflare) and an empty body.
    """
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            msg = err.get("message") or err.get("code")
            details = err.get("details")
            if isinstance(details, dict) and details.get("field"):
                msg = f"{msg} (field {details['field']})"
            if msg:
                return str(msg)
        elif err:
            return str(err)
        for key in ("message", "errorCode", "msg"):
            if body.get(key):
                return str(body[key])
        return json.dumps(body)[:300]
    if isinstance(body, list):
        return json.dumps(body)[:300]
    if isinstance(body, str):
        text = body.strip()
        if text.lower().startswith(("<!doctype", "<html")) or "<body" in text.lower():
            title = html_title(text)
            hint = " (an HTML page, probably from Cloudflare in front of SmartLead)"
            return f"{title or 'HTML error page'}{hint}"
        return text[:300]
    return f"HTTP {status} with an empty body" if status else "empty response"


def html_title(text: str) -> str | None:
    low = text.lower()
    start = low.find("<title>")
    end = low.find("</title>")
    if start != -1 and end > start:
        return " ".join(text[start + 7 : end].split())
    return None


_STATUS_CLASSES: dict[int, type[SmartleadError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[SmartleadError]:
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return BadRequestError
    return SmartleadError
