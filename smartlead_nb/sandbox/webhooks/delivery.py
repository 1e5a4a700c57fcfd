"""The sandbox's webhook sender: it POSTs event payloads to this machine, and nowhere else.

The queue is the ``webhook_deliveries`` table, which ``models`` owns: ``models.queue_events``
(called by the simulation inside its transaction) writes one ``pending`` row per (event,
webhook). A background thread per sandbox (a ``Deliverer``) takes due rows through the
model's functions and POSTs them. It needs the store's lock to read a row, so it sees a row
only once the advancing transaction has committed, and never one whose transaction was rolled
back; an advance stays as fast as before and the HTTP happens afterwards.

Retries, as SmartLead retries: a 5xx, a timeout or a refused connection is tried again after
1 s, 5 s and 30 s (``Deliverer.retry_delays``; tests shorten them), a 4xx or a redirect is
final, a 2xx is success. Every delivery stays recorded for the summary and retrigger
endpoints.

Safety: a URL is delivered to only if its host is a loopback address (127.0.0.0/8, ::1) or
``localhost``, checked again before every attempt, whatever the database holds; the
connection goes to the literal loopback address (``localhost`` is never looked up), with no
proxy and no redirect followed (``http.client`` does neither).

>>> loopback_target("http://localhost:8123/hook?t=1").address
('127.0.0.1', 8123)
>>> loopback_target("https://hooks.example.eu/x")
Traceback (most recent call last):
...
smartlead_nb.sandbox.webhooks.delivery.NotThisMachine: the sandbox only delivers webhooks to this machine (127.0.0.1, localhost or ::1); 'hooks.example.eu' is another host
"""
from __future__ import annotations

import http.client
import ipaddress
import logging
import ssl
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

log = logging.getLogger("smartlead_nb.sandbox")

RETRY_DELAYS = (1.0, 5.0, 30.0)     # seconds before the 2nd, 3rd and 4th attempt
ATTEMPT_TIMEOUT = 10.0              # seconds one POST may take before it counts as a timeout
USER_AGENT = "SmartLeadSandbox-Webhook/0.1"


class NotThisMachine(ValueError):
    """A webhook URL whose host is not a loopback address: the sandbox never sends there."""


@dataclass(frozen=True)
class Target:
    """Where one POST goes: ``address`` is always a loopback (ip, port)."""

    scheme: str
    address: tuple[str, int]
    host_header: str
    path: str


def loopback_target(url: str) -> Target:
    """The loopback address to POST ``url`` to, or :class:`NotThisMachine`.

    Only literals count (``127.x.y.z``, ``::1``, ``localhost``): a name that happens to
    resolve to 127.0.0.1 today may resolve elsewhere tomorrow, so no name is looked up.
    """
    split = urlsplit(str(url).strip())
    if split.scheme not in ("http", "https"):
        raise NotThisMachine(f"webhook_url must be an http(s) URL, got {str(url)!r}")
    host = (split.hostname or "").rstrip(".").lower()
    try:
        port = split.port or (443 if split.scheme == "https" else 80)
    except ValueError:
        raise NotThisMachine(f"webhook_url {str(url)!r} has an invalid port") from None
    ip = _loopback_ip(host)
    if ip is None:
        raise NotThisMachine("the sandbox only delivers webhooks to this machine (127.0.0.1, "
                             f"localhost or ::1); {host or str(url)!r} is another host")
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    return Target(split.scheme, (ip, port), split.netloc.rsplit("@", 1)[-1], path)


def _loopback_ip(host: str) -> str | None:
    if host == "localhost":
        return "127.0.0.1"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip) if ip.is_loopback else None


# -- one deliverer per store ------------------------------------------------------------------
@dataclass(frozen=True)
class Queue:
    """The queue's operations, each called with the store (the model supplies them):
    ``take(store, now)`` is ``(job, None)`` for the next due job (a dict with ``id``,
    ``attempts``, ``webhook_url`` and ``payload``) or ``(None, when the next is due)``;
    ``record(store, job_id, status, attempts, last_status, error, next_attempt)`` notes an
    attempt; ``pending(store)`` counts the jobs not finished."""

    take: Callable
    record: Callable
    pending: Callable


_DELIVERERS: "weakref.WeakKeyDictionary[object, Deliverer]" = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def deliverer_for(store, queue: Queue) -> "Deliverer":
    """The one deliverer of this store (started on first use)."""
    with _REGISTRY_LOCK:
        found = _DELIVERERS.get(store)
        if found is None:
            found = _DELIVERERS[store] = Deliverer(store, queue)
        return found


def stop(store) -> None:
    """Stop the store's deliverer, if it has one (before the store closes)."""
    with _REGISTRY_LOCK:
        found = _DELIVERERS.pop(store, None)
    if found is not None:
        found.close()


class Deliverer:
    """One background thread that sends a store's pending deliveries, oldest due first.

    >>> sb.webhook_delivery.retry_delays = (0.01, 0.02, 0.05)   # doctest: +SKIP
    >>> sb.webhook_delivery.wait(timeout=5)                     # doctest: +SKIP
    True
    """

    def __init__(self, store, queue: Queue, retry_delays: tuple[float, ...] = RETRY_DELAYS,
                 attempt_timeout: float = ATTEMPT_TIMEOUT):
        self.store = store
        self.queue = queue
        self.retry_delays = tuple(retry_delays)
        self.attempt_timeout = attempt_timeout
        self._wake = threading.Condition()
        self._kicked = False
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        """New work may be queued (it is read once the queuing transaction commits)."""
        with self._wake:
            self._kicked = True
            self._wake.notify_all()

    def pending(self) -> int:
        """Deliveries not finished yet (waiting for their first attempt or a retry)."""
        with self.store.lock:
            return self.queue.pending(self.store)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until nothing is pending (True) or ``timeout`` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while self.pending():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with self._wake:
                self._wake.wait(min(left, 0.05))
        return True

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=self.attempt_timeout + 1)

    # -- the thread ---------------------------------------------------------------------
    def _run(self) -> None:
        while not self._closing:
            try:
                job, next_due = self._take()
            except Exception:      # the store was closed or reset under us: stop quietly
                if self._closing:
                    return
                log.exception("webhook delivery could not read its queue")
                job, next_due = None, time.time() + 1
            if job is None:
                with self._wake:
                    if not self._kicked and not self._closing:
                        wait = None if next_due is None else max(0.0, next_due - time.time())
                        self._wake.wait(wait)
                    self._kicked = False
                continue
            status, error = self._post(job["webhook_url"], job["payload"])
            self._record(job, status, error)
            with self._wake:
                self._wake.notify_all()      # wake wait()

    def _take(self):
        """The next due delivery and its webhook URL, or ``(None, when the next is due)``."""
        with self.store.transaction():
            return self.queue.take(self.store, time.time())

    def _post(self, url: str, body: str) -> tuple[int | None, str | None]:
        """``(HTTP status, None)`` or ``(None, what went wrong)``; never a non-loopback host."""
        try:
            target = loopback_target(url)
        except NotThisMachine as exc:
            return None, f"not sent: {exc}"
        host, port = target.address
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = http.client.HTTPSConnection(host, port, timeout=self.attempt_timeout,
                                                     context=ssl.create_default_context())
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.attempt_timeout)
        try:
            connection.request("POST", target.path, body=body.encode("utf-8"), headers={
                "Host": target.host_header, "Content-Type": "application/json",
                "User-Agent": USER_AGENT})
            response = connection.getresponse()
            response.read()
            return response.status, None
        except (OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    def _record(self, job: dict, status: int | None, error: str | None) -> None:
        attempts = job["attempts"] + 1
        if status is not None and 200 <= status < 300:
            outcome, error = "success", None
        elif _retryable(status, error) and attempts <= len(self.retry_delays):
            outcome = "pending"
        else:
            outcome = "failed"
        if status is not None and outcome != "success":
            error = f"HTTP {status}"
        delay = self.retry_delays[attempts - 1] if outcome == "pending" else 0
        with self.store.transaction():
            self.queue.record(self.store, job["id"], outcome, attempts, status, error,
                              time.time() + delay)


def _retryable(status: int | None, error: str | None) -> bool:
    """5xx, a timeout or a connection failure: SmartLead tries again. A 4xx, a
    redirect, or a URL the sandbox refuses to send to: final."""
    if status is None:
        return not (error or "").startswith("not sent")
    return status >= 500
