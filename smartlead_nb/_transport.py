"""The one place where HTTP happens.

``Transport`` owns a single ``requests.Session`` and every rule about talking to SmartLead:

* the ``api_key`` query parameter, added to the prepared URL by an auth hook at the last
  moment (so no frame of ours holds the key when an error is raised) and redacted from
  everything else; it goes to ``base_url``'s origin only: an absolute URL to another origin is
  refused before sending, and redirects are never followed (a 3xx is a ``RedirectError``);
* an explicit User-Agent (SmartLead sits behind Cloudflare, which blocks bare Python clients);
* timeouts on every request;
* the client-side rate limit (see ``_ratelimit``), and ``X-RateLimit-*`` headers honoured: when
  the server says the window is spent, the next request waits for its reset;
* retries: urllib3's ``Retry`` repeats GET and DELETE on 429, 5xx and connection errors with
  backoff and jitter, honouring ``Retry-After`` (seconds or an HTTP date). A POST is repeated
  only after a 429, which SmartLead sends *instead of* doing the work; a POST that failed in any
  other way is never repeated, because SmartLead has no idempotency keys and a repeated
  "create campaign" would create a second campaign;
* one overall deadline per attempt (connect + read timeout): the read timeout restarts on
  every byte, so a server trickling its answer would otherwise hold a request for ever;
* a 2xx body that is not what was expected (an HTML page where JSON is due) is an
  ``UnexpectedResponse``, never an empty result;
* mapping every failure to a typed error from ``errors``; whatever else is raised inside (a
  ``ValueError`` from requests, vcrpy's "no recorded interaction") leaves redacted, with no
  frame below holding the key (see ``_redact.redacted_errors``).
"""

from __future__ import annotations

import logging
import math
import random
import socket
import threading
from contextlib import nullcontext
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import BaseHTTPResponse
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError
from urllib3.util.retry import Retry

from . import __version__
from ._paths import normalise_method, refuse_key_in_query, resolve
from ._ratelimit import RateLimit, key_fingerprint, limiter_adapter
from ._redact import REDACTED, redact, redacted_errors, register_secret
from .errors import (
    ApiFailure,
    InputError,
    LeadLimitExhausted,
    RateLimitError,
    RedirectError,
    SmartleadError,
    TransportError,
    UnexpectedResponse,
    error_class_for,
    error_message_from_body,
    html_title,
    parse_body,
)

if TYPE_CHECKING:  # a Protocol urllib3 defines for type checkers only
    from urllib3._base_connection import BaseHTTPConnection

log = logging.getLogger("smartlead_nb")

USER_AGENT = f"smartlead-nb/{__version__} (Jupyter toolkit for the SmartLead API)"
DEFAULT_TIMEOUT = (10.0, 90.0)  # (connect, read) seconds; a 400-lead upload can take a while
RETRYABLE_STATUS = (429, 500, 502, 503, 504)
# SmartLead reads and deletes are safe to repeat; creates and saves are not.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
# What a caller can expect from a 2xx body: JSON (most endpoints), text (the CSV leads
# export), or "any" of the two (reply-email-thread answers JSON or a bare OK). Anything else in
# a 2xx, and an HTML page always, is an UnexpectedResponse.
EXPECTS = ("json", "csv", "text", "any")
# The wait used when a 429's Retry-After is garbage or negative (and no body says better).
DEFAULT_RETRY_AFTER = 2.0


class Secret:
    """Holds the API key so that echoing a client, a session or a config never shows it.

    Made as early as possible (the first statement of whatever takes a key), so that no frame
    keeps the raw text in a variable a traceback printer could show.
    """

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


def as_secret(value: str | Secret | None) -> Secret | None:
    """``value`` as a ``Secret`` (surrounding blanks dropped), or ``None`` when it is empty.

    >>> as_secret("  abc-123 "), as_secret("  ")
    (Secret('********'), None)
    """
    if value is None or isinstance(value, Secret):
        return value
    text = str(value).strip()
    return Secret(text) if text else None


def check_timeout(timeout: Any) -> Any:
    """``timeout`` if requests can use it: seconds above 0, or a (connect, read) pair of them
    (``None`` in the pair: no limit on that phase); else an ``InputError`` naming it.

    >>> check_timeout((10, 90))
    (10, 90)
    """
    parts = timeout if isinstance(timeout, tuple) else (timeout,)

    def usable(part: Any) -> bool:
        if part is None:
            return True
        if isinstance(part, bool) or not isinstance(part, (int, float)):
            return False
        return math.isfinite(part) and part > 0

    if timeout is not None and not (len(parts) in (1, 2) and all(usable(p) for p in parts)):
        raise InputError(f"timeout={timeout!r}: use seconds above 0 (e.g. 30), or a (connect, "
                         f"read) pair such as (10, 90); nothing was sent")
    return timeout




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
        return _SaneRetry(
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
            # urllib3 annotates this int, but only copies it and compares seconds with it
            # (in parse_retry_after, overridden below), so a float wait works as it reads.
            retry_after_max=self.max_wait,  # type: ignore[arg-type]
            raise_on_status=False,
            redirect=0,  # never follow: the key is in the URL (requests is told the same)
            raise_on_redirect=False,
        )


class _SaneRetry(Retry):
    """urllib3's Retry, except that a garbage or negative ``Retry-After`` is not a crash.

    urllib3 raises ``InvalidHeader`` for ``Retry-After: soon`` or ``-5``, which requests turns
    into a connection error: a 429 would surface as a ``TransportError``. Here such a header
    counts as a 429 without a usable wait: urllib3 sleeps its exponential backoff instead.
    """

    def parse_retry_after(self, retry_after: str) -> float:
        seconds = _parse_retry_after(retry_after)
        if seconds is None:
            return 0.0  # falsy: urllib3 falls back to its backoff
        return min(seconds, self.retry_after_max)


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


@dataclass
class _Reply:
    """What one send brought back, copied out of ``requests.Response`` (whose URL holds the
    key) so that no object with the key outlives the send."""

    status: int
    headers: CaseInsensitiveDict
    content: bytes
    retries: int = 0
    cut_off: bool = False  # an earlier attempt failed after the request was sent
    content_type: str = field(init=False)

    def __post_init__(self) -> None:
        self.content_type = self.headers.get("Content-Type", "") or ""


class Transport:
    """Sends requests to one SmartLead base URL with one key. Not used directly by analysts."""

    @redacted_errors
    def __init__(
        self,
        base_url: str,
        api_key: str | Secret | None,
        *,
        rate_limit: RateLimit | None = None,
        retry: RetryPolicy = RetryPolicy(),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        user_agent: str = USER_AGENT,
        honour_rate_headers: bool = True,
        identity: str | None = None,
        one_at_a_time: bool = False,
    ) -> None:
        api_key = as_secret(api_key)   # first: no frame keeps the raw text
        if api_key is None:
            raise InputError("an API key is required")
        self.base_url = base_url.rstrip("/")
        self._key = api_key
        self.rate_limit = rate_limit
        self.retry = retry
        self.timeout = check_timeout(timeout)
        self.honour_rate_headers = honour_rate_headers
        self.last_rate_limit = RateLimitStatus()
        self.requests_sent = 0
        self.retries_made = 0
        self._not_before = 0.0
        self._lock = threading.Lock()
        # Held around each exchange when set: vcrpy's connection stubs lose exchanges that
        # several threads start at once (an upload's batches), so replay and recording send
        # one request at a time.
        self._one_at_a_time = threading.Lock() if one_at_a_time else nullcontext()
        self.fingerprint = key_fingerprint(identity or self.base_url,  # names state files
                                           self._key.reveal())
        self.session = self._build_session(user_agent)

    def __repr__(self) -> str:
        limit = self.rate_limit.describe() if self.rate_limit else "no client-side limit"
        return f"Transport({self.base_url!r}, key=********, rate_limit={limit!r})"

    # -- set-up -------------------------------------------------------------------------------
    def _build_session(self, user_agent: str) -> requests.Session:
        session = requests.Session()
        session.headers["User-Agent"] = user_agent
        session.headers["Accept"] = "application/json, text/csv;q=0.9, */*;q=0.5"
        session.auth = _KeyAuth(self._key)
        retry = self.retry.urllib3_retry()
        adapter: HTTPAdapter
        if self.rate_limit is not None:
            adapter = limiter_adapter(self.rate_limit, self.fingerprint, max_retries=retry,
                                      pool_maxsize=16)
        else:
            adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
        _watch_attempts(adapter)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def close(self) -> None:
        self.session.close()

    # -- the one request path -----------------------------------------------------------------
    def url_for(self, path: str) -> str:
        """The full URL sent for ``path``, built from the one reading of paths that the
        confirmation rule also uses (``_paths.resolve``): escapes decoded, dot segments and
        ``//`` resolved. A path leaving the API root, an absolute URL on another origin, and
        anything servers read in two ways are an ``InputError`` before anything is sent.

        >>> t = Transport("https://server.smartlead.ai/api/v1", "example-key-0000")
        >>> t.url_for("campaigns/")
        'https://server.smartlead.ai/api/v1/campaigns/'
        >>> t.url_for("../v1/campaigns/7/./status?x=1")
        'https://server.smartlead.ai/api/v1/campaigns/7/status?x=1'
        """
        target = resolve(path, self.base_url)
        url = f"{self.base_url}/{target.path}"
        return f"{url}?{target.query}" if target.query else url

    def relative_path(self, path: str) -> str:
        """``path`` relative to ``base_url`` as :meth:`url_for` sends it, without the query
        (for rules that look at the endpoint).

        >>> t = Transport("http://127.0.0.1:1/api/v1", "example-key-0000")
        >>> t.relative_path("http://127.0.0.1:1/api/v1/campaigns/7")
        'campaigns/7'
        """
        return resolve(path, self.base_url).path

    @redacted_errors
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
        expect: str = "json",
    ) -> Response:
        """Send one request and return the parsed response, or raise a typed error.

        ``json`` is serialised here; ``data`` is a body already serialised as JSON (the bulk
        lead upload builds its bodies column-wise, faster than a dict per lead). ``expect``
        says what a 2xx body must be: ``"json"`` (a JSON object or array), or ``"csv"`` /
        ``"text"`` (any text but an HTML page); anything else is an ``UnexpectedResponse``.
        """
        method = normalise_method(method)
        if timeout is not None:
            check_timeout(timeout)
        if expect not in EXPECTS:
            raise InputError(f"expect={expect!r}: use one of {', '.join(EXPECTS)}")
        url = self.url_for(path)
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        refuse_key_in_query(query)
        shown_url = _display_url(url, {**query, "api_key": REDACTED})
        limit = timeout or self.timeout
        attempt = 0
        while True:
            self._wait_for_window()
            with self._one_at_a_time:
                reply, failure = self._send(method, url, query, json, data, limit, shown_url)
            if failure is not None:
                break  # raised below, outside any except block, so with no context
            self.retries_made += reply.retries
            self._note_rate_headers(reply.headers)
            if (
                reply.status == 429
                and method not in IDEMPOTENT_METHODS
                and attempt < self.retry.post_429
            ):
                # A 429 means SmartLead did not process the request: re-sending is safe.
                attempt += 1
                self.retries_made += 1
                wait = self._wait_after_429(reply, attempt)
                log.info("429 on %s %s; retrying in %.1fs", method, shown_url, wait)
                time.sleep(wait)
                continue
            break
        if failure is not None:
            raise failure
        return self._finish(method, shown_url, reply, check_ok, expect)

    def _send(self, method, url, query, json, data, timeout, shown_url):
        """One send (urllib3 may repeat it inside); returns ``(reply, None)`` or
        ``(None, error)``. It never raises, and nothing it returns refers to the key."""
        with self._lock:
            self.requests_sent += 1
        watch = _Deadline(deadline_for(timeout))
        _attempts.watch = watch
        t0 = time.monotonic()
        try:
            headers = {"Content-Type": "application/json"} if data is not None else None
            response = self.session.request(
                method, url, params=query, json=json, data=data, headers=headers,
                timeout=timeout, allow_redirects=False,
            )
            content = response.content  # read here, inside the attempt's deadline
        except requests.RequestException as exc:
            return None, _transport_error(method, shown_url, exc, watch)
        finally:
            watch.cancel()
            _attempts.watch = None
        if watch.fired:  # the body was cut short by the deadline, even if it parsed
            response.close()
            return None, _deadline_error(method, shown_url, watch)
        log.debug("%s %s -> %s in %.2fs", method, shown_url, response.status_code,
                  time.monotonic() - t0)
        reply = _Reply(response.status_code, CaseInsensitiveDict(response.headers), content,
                       retries=_retries_used(response), cut_off=_cut_off_after_sending(response))
        response.close()
        return reply, None

    def _finish(self, method, shown_url, reply: _Reply, check_ok, expect) -> Response:
        status, headers = reply.status, dict(reply.headers)
        body = parse_body(reply.content, reply.content_type)
        if status == 404 and method == "DELETE" and reply.cut_off:
            # An earlier attempt was cut off after it was sent: the server deleted the thing
            # then. (After a 429 or a 5xx nothing was deleted, so a 404 is a real 404.)
            return Response(status=200, body={"ok": True}, headers=headers, retries=reply.retries)
        if 300 <= status < 400:
            raise _redirect_error(method, shown_url, status, body, reply.headers)
        if status >= 400:
            raise _http_error(method, shown_url, status, body, reply.headers)
        problem = unexpected_body(body, reply.content_type, expect, status)
        if problem:
            raise UnexpectedResponse(
                f"{method} {urlsplit(shown_url).path} answered {status} with {problem} "
                f"(Content-Type: {reply.content_type or 'none'}), not what this endpoint sends. "
                f"{_UNEXPECTED_HINT}", status=status, body=_excerpt(body), method=method,
                url=shown_url, headers=headers, content_type=reply.content_type)
        if check_ok and isinstance(body, dict) and body.get("ok") is False:
            cls = LeadLimitExhausted if body.get("is_lead_limit_exhausted") else ApiFailure
            message = error_message_from_body(body, status)
            if cls is LeadLimitExhausted:
                message = (f"SmartLead lead credits are exhausted: {message}. "
                           f"{body.get('lead_import_stopped_count', 'Some')} leads were not imported.")
            raise cls(message, status=status, body=body, method=method, url=shown_url,
                      headers=headers)
        return Response(status=status, body=body, headers=headers, retries=reply.retries)

    # -- budget helpers -----------------------------------------------------------------------
    def _note_rate_headers(self, headers: Mapping[str, str]) -> None:
        """Remember what the server says about the budget; the newest answer decides the wait.

        A spent window (``remaining == 0``) makes the next request wait for its reset, capped
        at ``retry.max_wait`` (the header does not say how long the window is, and a reset
        hours away would stall a notebook); any later answer replaces that wait.
        """
        status = RateLimitStatus(
            limit=_int_header(headers, "X-RateLimit-Limit"),
            remaining=_int_header(headers, "X-RateLimit-Remaining"),
            reset_at=_reset_time(headers.get("X-RateLimit-Reset")),
        )
        if status.limit is None and status.remaining is None:
            return
        self.last_rate_limit = status
        if not self.honour_rate_headers:
            return
        if status.remaining is not None and status.remaining <= 0 and status.reset_at:
            self._not_before = min(status.reset_at, time.time() + self.retry.max_wait)
        else:
            self._not_before = 0.0

    def _wait_for_window(self) -> None:
        wait = self._not_before - time.time()
        if wait > 0:
            wait = min(wait, self.retry.max_wait)
            log.info("SmartLead says the rate window is spent; waiting %.1fs", wait)
            time.sleep(wait)

    def _wait_after_429(self, reply: _Reply, attempt: int) -> float:
        body = parse_body(reply.content, reply.content_type)
        retry_after = _retry_after_seconds(reply.headers, body)
        if retry_after is None:
            retry_after = min(self.retry.backoff_factor * 2 ** attempt, self.retry.backoff_max)
        return min(retry_after, self.retry.max_wait) + random.uniform(0, self.retry.backoff_jitter)


# -- the key, added at the last moment ---------------------------------------------------------
class _KeyAuth(requests.auth.AuthBase):
    """Adds ``api_key`` to the prepared URL. Its frame returns before anything is sent, so the
    key never sits in a local variable of a frame that is on the stack when an error is
    raised; the only long-lived holder is the ``Secret``."""

    def __init__(self, secret: "Secret") -> None:
        self._secret = secret

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        prepared.url = _with_key(prepared.url or "", self._secret)
        return prepared

    def __repr__(self) -> str:
        return "_KeyAuth(********)"


def _with_key(url: str, secret: "Secret") -> str:
    parts = urlsplit(url)
    extra = urlencode({"api_key": secret.reveal()})
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


# -- one deadline per attempt ------------------------------------------------------------------
def deadline_for(timeout: float | tuple[float, float] | None) -> float:
    """The longest one attempt may take: the connect timeout plus the read timeout.

    >>> deadline_for((10, 90)), deadline_for(5)
    (100.0, 10.0)
    """
    if timeout is None:  # no timeout asked for: no deadline either
        return math.inf
    if isinstance(timeout, tuple):
        if None in timeout:
            return math.inf
        return float(sum(timeout))
    return 2.0 * float(timeout)


_attempts = threading.local()  # the deadline of the send running in this thread, if any


class _Deadline:
    """A timer per attempt that shuts the attempt's socket when the deadline passes, which
    wakes up a read that a trickling server would otherwise keep alive byte by byte."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._timer: threading.Timer | None = None
        self._conn: Any = None
        self._response: Any = None
        self._lock = threading.Lock()

    def start(self, conn: Any) -> None:
        """A new attempt on ``conn`` begins: (re)start the clock."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self.fired, self._conn, self._response = False, conn, None
            if not math.isfinite(self.seconds):
                return
            self._timer = threading.Timer(self.seconds, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def answered(self, response: Any) -> None:
        """The headers are in; the body is read from ``response``'s socket from now on
        (http.client detaches a closing connection's socket from the connection)."""
        with self._lock:
            self._response = response

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sock = getattr(self._conn, "sock", None) or _socket_of(self._response)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing left to wake

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._conn = self._response = None


def _socket_of(response: Any) -> Any:
    """The socket a urllib3 response reads from (``None`` for a replayed one)."""
    fp = getattr(getattr(response, "_fp", None), "fp", None)  # http.client's buffered reader
    return getattr(getattr(fp, "raw", None), "_sock", None)


class _WatchedPool(HTTPConnectionPool):
    """Starts the current thread's deadline when urllib3 starts an attempt on a connection.

    Mixed into urllib3's pools (not into its connection classes, which vcrpy replaces)."""

    def _make_request(self, conn: BaseHTTPConnection, *args: Any,
                      **kwargs: Any) -> BaseHTTPResponse:
        watch = getattr(_attempts, "watch", None)
        if watch is not None:
            watch.start(conn)
        response = super()._make_request(conn, *args, **kwargs)
        if watch is not None:
            watch.answered(response)
        return response


class _WatchedHTTPPool(_WatchedPool, HTTPConnectionPool):
    pass


class _WatchedHTTPSPool(_WatchedPool, HTTPSConnectionPool):
    pass


def _watch_attempts(adapter: HTTPAdapter) -> None:
    adapter.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool,
                                                  "https": _WatchedHTTPSPool}


# -- helpers (pure) ----------------------------------------------------------------------------
def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    return value


def _display_url(url: str, query: Mapping[str, Any]) -> str:
    prepared = requests.Request("GET", url, params=dict(query)).prepare().url or url
    return redact(prepared)


def _retries_used(response: requests.Response) -> int:
    return len(_history(response))


def _history(response: requests.Response) -> tuple:
    retries = getattr(response.raw, "retries", None)
    return tuple(getattr(retries, "history", None) or ())


def _cut_off_after_sending(response: requests.Response) -> bool:
    """Did an earlier attempt fail after the request went out (a read error, a dropped
    connection)? A connect error means nothing was sent; a 429 or 5xx means nothing was done."""
    return any(h.error is not None and not isinstance(h.error, ConnectTimeoutError)
               for h in _history(response))


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    number = _finite(headers.get(name))
    return int(number) if number is not None else None


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _reset_time(value: str | None) -> float | None:
    """``X-RateLimit-Reset`` as a unix time in seconds.

    Servers send a unix time in seconds (documented), in milliseconds (> 1e12), or the seconds
    left. The caller caps the wait, so a reset far away cannot stall anything.

    >>> _reset_time("1700000000000")
    1700000000.0
    """
    number = _finite(value)
    if number is None:
        return None
    if number > 1e12:
        return number / 1000.0
    return number if number > 1e9 else time.time() + number


def _parse_retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (a number or an HTTP date), or ``None`` when it is
    missing, garbage or negative: the caller then uses its backoff, a sane default."""
    if value is None or not str(value).strip():
        return None
    number = _finite(str(value).strip())
    if number is not None:
        return number if number >= 0 else None
    try:
        return max(0.0, Retry.parse_retry_after(Retry(), str(value)))  # HTTP-date form
    except Exception:
        return None


def _retry_after_seconds(headers: Mapping[str, str], body: Any) -> float | None:
    """The wait a 429 asks for: ``Retry-After`` (seconds or HTTP date), else ``retry_after``
    in the body (``{"error": {"retry_after": 30}}`` or flat). ``None`` if neither is usable."""
    header = _parse_retry_after(headers.get("Retry-After"))
    if header is not None:
        return header
    if isinstance(body, dict):
        err = body.get("error")
        value = err.get("retry_after") if isinstance(err, dict) else body.get("retry_after")
        number = _finite(value)
        return number if number is not None and number >= 0 else None
    return None


_UNEXPECTED_HINT = ("An HTML page in a successful answer usually comes from something between "
                    "you and SmartLead (a captive portal, a proxy or VPN login page): check the "
                    "network and base_url, then re-run.")


def unexpected_body(body: Any, content_type: str, expect: str, status: int) -> str | None:
    """What is wrong with a 2xx ``body`` for ``expect``, or ``None`` if it is fine.

    >>> unexpected_body("<html><title>Hotel Wi-Fi</title></html>", "text/html", "json", 200)
    "an HTML page ('Hotel Wi-Fi')"
    >>> unexpected_body({"ok": True}, "application/json", "json", 200) is None
    True
    """
    if status == 204 and body is None:
        return None
    if _is_html(body, content_type):
        title = html_title(body) if isinstance(body, str) else None
        return f"an HTML page ({title!r})" if title else "an HTML page"
    if expect == "any":
        return None
    if expect != "json":
        return None if body is None or isinstance(body, str) else f"JSON where {expect} is due"
    if isinstance(body, (dict, list)):
        return None
    if body is None:
        return "an empty body"
    if isinstance(body, str):
        return "text that is not valid JSON (cut short?)"
    return f"a bare JSON value ({str(body)[:40]}) where an object or a list is due"


def _is_html(body: Any, content_type: str) -> bool:
    if "html" in (content_type or "").lower():
        return True
    if isinstance(body, str):
        head = body.lstrip()[:200].lower()
        return head.startswith(("<!doctype html", "<html")) or "<body" in head
    return False


def _excerpt(body: Any) -> Any:
    return body[:500] if isinstance(body, str) else body


def _redirect_error(method: str, url: str, status: int, body: Any,
                    headers: Mapping[str, str]) -> RedirectError:
    location = headers.get("Location")
    target = _without_query(location) if location else None
    where = f"to {target}" if target else "with no Location"
    return RedirectError(
        f"the server answered {status}, a redirect {where}; redirects are never followed, "
        f"because the API key travels in the URL. Check base_url (https:// rather than "
        f"http://? the /api/v1 part?)", status=status, body=body, method=method, url=url,
        headers=headers, location=target)


def _without_query(url: str) -> str:
    """``url`` without its query string and fragment (either may carry the key)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="", fragment=""))


def _http_error(method: str, url: str, status: int, body: Any,
                headers: Mapping[str, str]) -> SmartleadError:
    cls = error_class_for(status)
    message = error_message_from_body(body, status)
    kwargs: dict[str, Any] = dict(status=status, body=body, method=method, url=url,
                                  headers=headers)
    if cls is RateLimitError:
        retry_after = _retry_after_seconds(headers, body)
        if retry_after is None and headers.get("Retry-After") is not None:
            retry_after = DEFAULT_RETRY_AFTER  # garbage or negative: a sane default, still a 429
        if retry_after:
            message = f"{message} (rate limited; retry after {retry_after:g}s)"
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)


_NOT_RESENT = (" The server may or may not have acted on it; it was not re-sent"
               " automatically (SmartLead has no idempotency keys).")


def _deadline_error(method: str, url: str, watch: "_Deadline") -> TransportError:
    note = _NOT_RESENT if method not in IDEMPOTENT_METHODS else ""
    return TransportError(
        f"{method} request took longer than its {watch.seconds:g} s deadline (connect + read "
        f"timeout) and was cut off: the server kept the answer coming too slowly.{note}",
        method=method, url=url)


def _transport_error(method: str, url: str, exc: requests.RequestException,
                     watch: "_Deadline | None" = None) -> TransportError:
    if watch is not None and watch.fired:
        return _deadline_error(method, url, watch)
    kind = type(exc).__name__
    if isinstance(exc, requests.Timeout):
        what = "timed out"
    elif isinstance(exc, requests.ConnectionError):
        what = "could not connect, or the connection was dropped"
    else:
        what = "failed"
    note = _NOT_RESENT if method not in IDEMPOTENT_METHODS else ""
    # str(exc) quotes the URL with the key; redact() removes it.
    detail = redact(str(exc))
    return TransportError(f"{method} request {what} ({kind}: {detail}).{note}",
                          method=method, url=url)
