"""HTTP front of the sandbox: auth, rate limiting, fault injection, routing and the request log.

``SandboxApp.handle`` is the whole pipeline, independent of sockets; ``SandboxHTTPServer``
and its handler only move bytes. Order per request: the front door, from the headers alone,
before the body is read (``guard.admit``: loopback Host and Origin 403, Content-Length
400/411/413, JSON Content-Type 415; refused requests are not logged) -> auth (401) -> rate
limit (429) -> faults (latency, then 429/500/503 instead of the work) -> the route, in one
database transaction (a body that is malformed or nested over ``guard.MAX_JSON_DEPTH`` is a
400 here) -> maybe drop the connection (work already done) -> log.

An unexpected exception is logged on the ``smartlead_nb.sandbox`` logger (stderr unless
logging is configured) and the client gets a plain 500 ``{"error": "Internal sandbox
error"}``: no traceback or file path ever leaves the process.
"""
from __future__ import annotations

import email.utils
import json
import logging
import socket
import sqlite3
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .analytics import routes as analytics_routes
from .block_list import routes as block_list_routes
from .campaigns import routes as campaigns_routes
from .clients import routes as clients_routes
from .control import routes as control_routes
from .email_accounts import routes as email_accounts_routes
from .errors import SandboxError
from .faults import FaultInjector, Faults
from .guard import MAX_JSON_DEPTH, admit, too_deep
from .inbox import routes as inbox_routes
from .leads import routes as leads_routes
from .ratelimit import RateLimiter, RateLimits, format_retry_after, retry_after_value
from .routing import ApiError, Request, Response, Router, error_answer
from .sequences import routes as sequences_routes
from .store import SandboxDatabaseError, Store
from .webhooks import routes as webhooks_routes

log = logging.getLogger("smartlead_nb.sandbox")

PREFIX = "/api/v1"
REQUEST_LOG_SIZE = 100_000   # oldest entries are forgotten beyond this

INTERNAL_ERROR = {"error": "Internal sandbox error"}
LISTEN_BACKLOG = 256   # 200 connections opened at once must all be accepted (default is 5)

_FAULT_BODIES = {
    "500": {"error": "Internal server error occurred"},
    "503": {"error": "Service temporarily unavailable"},
}


@dataclass
class Outcome:
    """A finished response, or ``drop=True`` to close the socket without one."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def _json_outcome(status: int, body, headers: dict[str, str] | None = None) -> Outcome:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Outcome(status, data, headers=dict(headers or {}))


# Every group's routes (path -> handler), in the order SmartLead's docs list the groups; the
# sandbox's own control routes last.
GROUP_ROUTES = (campaigns_routes, sequences_routes, leads_routes, email_accounts_routes,
                inbox_routes, analytics_routes, webhooks_routes, clients_routes,
                block_list_routes, control_routes)


def build_router() -> Router:
    router = Router()
    for group in GROUP_ROUTES:
        router.add_all(group.ROUTES)
    return router


class SandboxApp:
    """Everything behind the socket: configuration, state, limiter, faults and the log."""

    def __init__(self, store: Store, api_key: str, rate_limits: RateLimits | None,
                 faults: Faults | None, seed: int, lead_credits: int | None,
                 max_leads_per_request: int):
        self.store = store
        self.api_key = api_key
        self.seed = seed
        self.lead_credits = lead_credits
        self.max_leads_per_request = max_leads_per_request
        self.router = build_router()
        self.injector = FaultInjector(faults)
        self.rate_limits = rate_limits
        self._log_lock = threading.Lock()
        self.log: deque[dict] = deque(maxlen=REQUEST_LOG_SIZE)

    @property
    def rate_limits(self) -> RateLimits | None:
        return self._limiter.limits if self._limiter else None

    @rate_limits.setter
    def rate_limits(self, limits: RateLimits | None) -> None:
        # A fresh limiter: changing the limits also forgets the requests counted so far.
        self._limiter = RateLimiter(limits) if limits else None

    def log_snapshot(self) -> list[dict]:
        """A copy of the request log, oldest first."""
        with self._log_lock:
            return [dict(entry) for entry in self.log]

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()

    # -- the pipeline -------------------------------------------------------------------
    def handle(self, method: str, target: str, raw_body: bytes) -> Outcome:
        """Answer one HTTP request (``target`` is the request line's path + query)."""
        split = urlsplit(target)
        if not split.path.startswith(PREFIX + "/") and split.path != PREFIX:
            return _json_outcome(404, {"error": "Resource not found"})
        path = split.path[len(PREFIX):].rstrip("/") or "/"
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        key = query.pop("api_key", None)
        control = path == "/_sandbox" or path.startswith("/_sandbox/")
        body, body_error = _parse_body(raw_body)
        entry = {"method": method, "path": path, "query": dict(query), "json": body,
                 "status": None, "fault": None, "rate_limited": False,
                 "time": time.monotonic()}

        try:
            outcome = self._process(method, path, query, key, control, body, body_error,
                                    entry)
        except Exception:   # a sandbox bug: say so on our side, never to the client
            log.exception("sandbox error answering %s %s", method, path)   # no query: key
            outcome = _json_outcome(500, INTERNAL_ERROR)
        entry["status"] = outcome.status
        if not control:
            with self._log_lock:
                self.log.append(entry)
        return outcome

    def _process(self, method, path, query, key, control, body, body_error, entry) -> Outcome:
        if key is None or key != self.api_key:
            return _json_outcome(401, {"message": "Invalid API Key"})
        if control:
            return self._dispatch(method, path, query, body, body_error)

        headers: dict[str, str] = {}
        if self._limiter is not None:
            decision = self._limiter.check(key)
            headers = decision.headers()
            if not decision.allowed:
                entry["rate_limited"] = True
                wait = retry_after_value(decision.retry_after, self._limiter.limits.time_scale)
                return self._too_many(headers, wait, "Rate limit exceeded for this API key")

        is_upload = method == "POST" and path.startswith("/campaigns/") and \
            path.endswith("/leads") and path.count("/") == 3
        plan = self.injector.plan(is_upload)
        if plan.delay > 0:
            time.sleep(plan.delay)
        if plan.error:
            entry["fault"] = plan.error
            if plan.error == "429":
                scale = self._limiter.limits.time_scale if self._limiter else 1.0
                return self._too_many(headers, retry_after_value(scale, scale),
                                      "Rate limit exceeded (injected fault)")
            return _json_outcome(int(plan.error), _FAULT_BODIES[plan.error], headers)

        outcome = self._dispatch(method, path, query, body, body_error)
        outcome.headers.update(headers)
        if plan.drop:
            entry["fault"] = "drop"
            outcome.drop = True
        return outcome

    @staticmethod
    def _too_many(headers: dict[str, str], wait, message: str) -> Outcome:
        headers = dict(headers, **{"Retry-After": format_retry_after(wait)})
        body = {"error": {"code": "RATE_LIMIT_EXCEEDED",
                          "message": f"{message}. Retry after {wait} seconds.",
                          "retry_after": wait}}
        return _json_outcome(429, body, headers)

    def _dispatch(self, method, path, query, body, body_error) -> Outcome:
        try:
            handler, params = self.router.match(method, path)
            if body_error:
                raise ApiError(400, {"error": body_error})
            request = Request(method, path, params, query, body, self)
            with self.store.transaction():
                result = handler(request)
        except ApiError as exc:
            return _json_outcome(exc.status, exc.body)
        except SandboxError as exc:
            return _json_outcome(*error_answer(exc))
        if isinstance(result, Response):
            if result.content_type.startswith("application/json"):
                out = _json_outcome(result.status, result.body, result.headers)
            else:
                out = Outcome(result.status, result.body.encode("utf-8"),
                              result.content_type, dict(result.headers))
            return out
        return _json_outcome(200, result)


def _parse_body(raw: bytes):
    """``(body, None)`` or ``(None, error message)``; nesting is checked before parsing."""
    if not raw.strip():
        return None, None
    if too_deep(raw):
        return None, (f"JSON body nested more than {MAX_JSON_DEPTH} levels deep; the sandbox "
                      f"accepts at most {MAX_JSON_DEPTH}")
    try:
        return json.loads(raw), None
    except ValueError as exc:
        return None, f"Malformed JSON body: {exc}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive, so a requests.Session reuses sockets
    server_version = "SmartLeadSandbox/0.1"
    timeout = 60                       # idle keep-alive connections are closed eventually
    server: SandboxHTTPServer          # the only server that uses this handler

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle plus the
        # client's delayed ACK adds ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header: the sandbox's simulated clock, as SmartLead's ``Date`` is its
        own time (the client stamps the frames it reads with it, ``attrs["read_at"]``)."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        try:
            now = self.server.app.store.now()
        except (sqlite3.Error, SandboxDatabaseError, TypeError, ValueError):
            return super().date_time_string()       # closed or reset mid-answer
        return email.utils.format_datetime(now, usegmt=True)

    def _serve(self) -> None:
        door = admit(self.command, self.headers)
        raw = self.rfile.read(door.length) if door.length else b""
        if door.refusal is not None:
            if door.length is None:    # body of unknown size: never wait for it
                self.close_connection = True
            self._send(_json_outcome(*door.refusal))
            if door.length is None:
                self._linger()
            return
        try:
            outcome = self.server.app.handle(self.command, self.path, raw)
        except Exception:    # handle() catches route errors; this is the last resort
            log.exception("sandbox error answering %s", self.command)
            outcome = _json_outcome(500, INTERNAL_ERROR)
        if outcome.drop:
            # The work is done; now vanish without a status line, as a dying proxy would.
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(outcome)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = _serve

    def _send(self, outcome: Outcome) -> None:
        self.send_response(outcome.status)
        self.send_header("Content-Type", outcome.content_type)
        self.send_header("Content-Length", str(len(outcome.body)))
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(outcome.body)

    def _linger(self, seconds: float = 1.0) -> None:
        """After a refusal sent without reading the body: stop writing, then discard what
        the client still sends for a moment, so that closing does not reset the connection
        (a reset can destroy the answer before the client reads it)."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + seconds
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass

    def send_error(self, code, message=None, explain=None) -> None:
        """The stdlib's own refusals (bad request line, 414, 431, 501) in the sandbox's JSON
        style instead of an HTML page."""
        try:
            short, long = self.responses[code]
        except KeyError:
            short, long = "Error", ""
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        text = message or short
        if explain or long:
            text += f": {explain or long}"
        self._send(_json_outcome(code, {"error": text}))

    def log_message(self, format, *args) -> None:   # noqa: A002 - stdlib signature
        pass   # quiet: notebooks and test output stay clean; sb.requests is the log


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading server that can also close idle keep-alive connections on shutdown."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address, app: SandboxApp):
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        # A client that went away before its answer (a killed kernel, a timeout) is not the
        # sandbox's error; the default traceback would land in whichever notebook cell runs.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
