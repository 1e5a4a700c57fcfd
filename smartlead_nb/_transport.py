"""The one place where HTTP happens.

``Transport`` owns a single ``requests.Session`` and every rule about talking to SmartLead:

* the ``api_key`` query parameter, added per request and redacted from everything else;
* an explicit User-Agent (SmartLead sits behind Cloudflare, which blocks bare Python clients);
* timeouts on every request;
* the client-side rate limit (see ``_ratelimit``), and ``X-RateLimit-*`` headers honoured: when
  the server says the window is spent, the next request waits for its reset;
* retries: urllib3's ``Retry`` repeats GET and DELETE on 429, 5xx and connection errors with
  backoff and jitter, honouring ``Retry-After`` (seconds or an HTTP date). A POST is repeated
  only after a 429, which SmartLead sends *instead of* doing the work; a POST that failed in any
  other way is never repeated, because SmartLead has no idempotency keys and a repeated
  "create campaign" would create a second campaign;
* mapping every failure to a typed error from ``errors``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import __version__
from ._ratelimit import RateLimit, key_fingerprint, limiter_adapter
from ._redact import redact, register_secret
from .errors import (
    ApiFailure,
    LeadLimitExhausted,
    RateLimitError,
    SmartleadError,
    TransportError,
    error_class_for,
    error_message_from_body,
    parse_body,
)

log = logging.getLogger("smartlead_nb")

USER_AGENT = f"smartlead-nb/{__version__} (Jupyter toolkit for the SmartLead API)"
DEFAULT_TIMEOUT = (10.0, 90.0)  # (connect, read) seconds; a 400-lead upload can take a while
RETRYABLE_STATUS = (429, 500, 502, 503, 504)
# SmartLead reads and deletes are safe to repeat; creates and saves are not.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


class Secret:
    """Holds the API key so that echoing a client, a session or a config never shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __reduce__(self):  # never pickle the key into a saved object
        raise TypeError("the API key cannot be pickled")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the transport tries before raising.

    ``total`` bounds attempts for GET/DELETE; ``post_429`` bounds re-sends of a POST that was
    answered 429 (not processed); waits follow ``Retry-After`` or exponential backoff with jitter.
    """

    total: int = 5
    post_429: int = 4
    backoff_factor: float = 0.5
    backoff_jitter: float = 0.5
    backoff_max: float = 60.0
    max_wait: float = 120.0  # longest single wait we accept from Retry-After / X-RateLimit-Reset

    def urllib3_retry(self) -> Retry:
        return Retry(
            total=self.total,
            connect=3,
            read=3,
            status=self.total,
            other=0,
            status_forcelist=RETRYABLE_STATUS,
            allowed_methods=IDEMPOTENT_METHODS,
            backoff_factor=self.backoff_factor,
            backoff_jitter=self.backoff_jitter,
            backoff_max=self.backoff_max,
            respect_retry_after_header=True,
            retry_after_max=self.max_wait,
            raise_on_status=False,
            raise_on_redirect=False,
        )


NO_RETRIES = RetryPolicy(total=0, post_429=0)


@dataclass
class RateLimitStatus:
    """What the last response said about the budget (``X-RateLimit-*``), if anything."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None  # unix time


@dataclass
class Response:
    """A successful exchange: the parsed body plus what a caller may want to inspect."""

    status: int
    body: Any
    headers: Mapping[str, str]
    retries: int = 0


class Transport:
    """Sends requests to one SmartLead base URL with one key. Not used directly by analysts."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        rate_limit: RateLimit | None = None,
        retry: RetryPolicy = RetryPolicy(),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        user_agent: str = USER_AGENT,
        honour_rate_headers: bool = True,
        identity: str | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("an API key is required")
        from . import replay

        if replay.replaying():
            # Replayed responses come from a file: nothing to pace, nothing to retry, no
            # window to wait for (429s and 5xx are never recorded anyway).
            rate_limit, retry, honour_rate_headers = None, NO_RETRIES, False
        self.base_url = base_url.rstrip("/")
        self._key = Secret(api_key)
        self.rate_limit = rate_limit
        self.retry = retry
        self.timeout = timeout
        self.honour_rate_headers = honour_rate_headers
        self.last_rate_limit = RateLimitStatus()
        self.requests_sent = 0
        self.retries_made = 0
        self._not_before = 0.0
        self._lock = threading.Lock()
        self.fingerprint = key_fingerprint(identity or self.base_url, api_key)  # names state files
        self.session = self._build_session(user_agent)

    def __repr__(self) -> str:
        limit = self.rate_limit.describe() if self.rate_limit else "no client-side limit"
        return f"Transport({self.base_url!r}, key=********, rate_limit={limit!r})"

    # -- set-up -------------------------------------------------------------------------------
    def _build_session(self, user_agent: str) -> requests.Session:
        session = requests.Session()
        session.headers["User-Agent"] = user_agent
        session.headers["Accept"] = "application/json, text/csv;q=0.9, */*;q=0.5"
        retry = self.retry.urllib3_retry()
        adapter: HTTPAdapter
        if self.rate_limit is not None:
            adapter = limiter_adapter(self.rate_limit, self.fingerprint, max_retries=retry,
                                      pool_maxsize=16)
        else:
            adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def close(self) -> None:
        self.session.close()

    # -- the one request path -----------------------------------------------------------------
    def url_for(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | None = None,
        timeout: float | tuple[float, float] | None = None,
        check_ok: bool = True,
    ) -> Response:
        """Send one request and return the parsed response, or raise a typed error.

        ``json`` is serialised here; ``data`` is a body already serialised as JSON (the bulk
        lead upload builds its bodies column-wise, faster than a dict per lead).
        """
        method = method.upper()
        url = self.url_for(path)
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        query["api_key"] = self._key.reveal()
        shown_url = _display_url(url, query)
        attempt = 0
        while True:
            self._wait_for_window()
            response, failure = self._send(method, url, query, json, data, timeout)
            if failure is not None:
                break  # raised below, outside the except block, so no key-bearing context
            retries = _retries_used(response)
            self.retries_made += retries
            self._note_rate_headers(response.headers)
            if (
                response.status_code == 429
                and method not in IDEMPOTENT_METHODS
                and attempt < self.retry.post_429
            ):
                # A 429 means SmartLead did not process the request: re-sending is safe.
                attempt += 1
                self.retries_made += 1
                wait = self._wait_after_429(response, attempt)
                log.info("429 on %s %s; retrying in %.1fs", method, shown_url, wait)
                time.sleep(wait)
                continue
            break
        if failure is not None:
            raise failure
        return self._finish(method, shown_url, response, retries, check_ok)

    def _send(self, method, url, query, json, data, timeout):
        try:
            with self._lock:
                self.requests_sent += 1
            t0 = time.monotonic()
            headers = {"Content-Type": "application/json"} if data is not None else None
            response = self.session.request(
                method, url, params=query, json=json, data=data, headers=headers,
                timeout=timeout or self.timeout,
            )
            log.debug("%s %s -> %s in %.2fs", method, _display_url(url, query),
                      response.status_code, time.monotonic() - t0)
            return response, None
        except requests.RequestException as exc:
            return None, _transport_error(method, _display_url(url, query), exc)

    def _finish(self, method, shown_url, response, retries, check_ok) -> Response:
        status = response.status_code
        body = parse_body(response.content, response.headers.get("Content-Type", ""))
        headers = dict(response.headers)
        if status == 404 and method == "DELETE" and retries:
            # An earlier attempt was cut off after the server deleted the thing: done.
            return Response(status=200, body={"ok": True}, headers=headers, retries=retries)
        if status >= 400:
            raise _http_error(method, shown_url, status, body, headers)
        if check_ok and isinstance(body, dict) and body.get("ok") is False:
            cls = LeadLimitExhausted if body.get("is_lead_limit_exhausted") else ApiFailure
            message = error_message_from_body(body, status)
            if cls is LeadLimitExhausted:
                message = (f"SmartLead lead credits are exhausted: {message}. "
                           f"{body.get('lead_import_stopped_count', 'Some')} leads were not imported.")
            raise cls(message, status=status, body=body, method=method, url=shown_url,
                      headers=headers)
        return Response(status=status, body=body, headers=headers, retries=retries)

    # -- budget helpers -----------------------------------------------------------------------
    def _note_rate_headers(self, headers: Mapping[str, str]) -> None:
        status = RateLimitStatus(
            limit=_int_header(headers, "X-RateLimit-Limit"),
            remaining=_int_header(headers, "X-RateLimit-Remaining"),
            reset_at=_reset_time(headers.get("X-RateLimit-Reset")),
        )
        if status.limit is None and status.remaining is None:
            return
        self.last_rate_limit = status
        if self.honour_rate_headers and status.remaining == 0 and status.reset_at:
            self._not_before = max(self._not_before, status.reset_at)

    def _wait_for_window(self) -> None:
        wait = self._not_before - time.time()
        if wait > 0:
            wait = min(wait, self.retry.max_wait)
            log.info("SmartLead says the rate window is spent; waiting %.1fs", wait)
            time.sleep(wait)

    def _wait_after_429(self, response: requests.Response, attempt: int) -> float:
        body = parse_body(response.content, response.headers.get("Content-Type", ""))
        retry_after = _retry_after_seconds(response.headers, body)
        if retry_after is None:
            retry_after = min(self.retry.backoff_factor * 2 ** attempt, self.retry.backoff_max)
        return min(retry_after, self.retry.max_wait) + random.uniform(0, self.retry.backoff_jitter)


# -- helpers (pure) ----------------------------------------------------------------------------
def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    return value


def _display_url(url: str, query: Mapping[str, Any]) -> str:
    shown = {k: ("REDACTED" if k == "api_key" else v) for k, v in query.items()}
    prepared = requests.Request("GET", url, params=shown).prepare().url or url
    return redact(prepared)


def _retries_used(response: requests.Response) -> int:
    retries = getattr(response.raw, "retries", None)
    history = getattr(retries, "history", None) or ()
    return len(history)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _reset_time(value: str | None) -> float | None:
    """``X-RateLimit-Reset`` is documented as a unix timestamp; some servers send seconds left."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 1e9 else time.time() + number


def _retry_after_seconds(headers: Mapping[str, str], body: Any) -> float | None:
    """The wait a 429 asks for: ``Retry-After`` (seconds or HTTP date), else ``retry_after``
    in the body (``{"error": {"retry_after": 30}}`` or flat)."""
    header = headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            try:
                return max(0.0, Retry().parse_retry_after(header))  # HTTP-date form
            except Exception:
                pass
    if isinstance(body, dict):
        err = body.get("error")
        value = err.get("retry_after") if isinstance(err, dict) else body.get("retry_after")
        try:
            return max(0.0, float(value)) if value is not None else None
        except (TypeError, ValueError):
            return None
    return None


def _http_error(method: str, url: str, status: int, body: Any,
                headers: Mapping[str, str]) -> SmartleadError:
    cls = error_class_for(status)
    message = error_message_from_body(body, status)
    kwargs: dict[str, Any] = dict(status=status, body=body, method=method, url=url,
                                  headers=headers)
    if cls is RateLimitError:
        retry_after = _retry_after_seconds(headers, body)
        if retry_after:
            message = f"{message} (rate limited; retry after {retry_after:g}s)"
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)


def _transport_error(method: str, url: str, exc: requests.RequestException) -> TransportError:
    kind = type(exc).__name__
    if isinstance(exc, requests.Timeout):
        what = "timed out"
    elif isinstance(exc, requests.ConnectionError):
        what = "could not connect, or the connection was dropped"
    else:
        what = "failed"
    note = ""
    if method not in IDEMPOTENT_METHODS:
        note = (" The server may or may not have acted on it; it was not re-sent"
                " automatically (SmartLead has no idempotency keys).")
    # str(exc) quotes the URL with the key; redact() removes it.
    detail = redact(str(exc))
    return TransportError(f"{method} request {what} ({kind}: {detail}).{note}",
                          method=method, url=url)
