"""The receiver's sockets: one thread waits on every connection, a small pool handles bodies.

Why not ``http.server``: there each connection holds a thread while its sender dawdles, so a
few dozen half-sent requests stop every delivery. Here one selector thread reads all
connections without blocking and hands a request to the pool only once all of it has
arrived, so a slow or silent sender costs a socket and a buffer, never a worker. Limits, each
answered rather than waited out:

- every request must arrive whole within ``timeout`` seconds of the connection being ready
  for it (408, or a silent close when nothing came), however slowly its bytes trickle in;
- at most ``max_connections`` open: a newcomer over it displaces the connection that has
  waited longest (a sender that has not finished by then is the likeliest to be hostile);
- a body over ``max_body`` bytes is refused (413) as soon as that is known, from its
  Content-Length or while its chunks arrive; bodies being read share ``max_buffered`` bytes
  (503 to the one that would go over, which SmartLead retries);
- at most ``workers`` requests are handled at once and ``backlog`` more wait; beyond that,
  503 with ``Retry-After``.

Nothing raised while serving reaches the notebook: an error answers 500 (retried by
SmartLead), is counted, and is logged to ``smartlead_nb.webhooks`` as its type and places
only (the message may quote what the sender sent).
"""

from __future__ import annotations

import logging
import os
import queue
import selectors
import socket
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, cast

from . import wire
from .connection import Connection

log = logging.getLogger("smartlead_nb.webhooks")
log.addHandler(logging.NullHandler())     # never Python's last-resort printer to stderr

#: ``check(head)`` raises wire.Refusal for a request not worth reading (wrong path, ...);
#: ``handle(head, body)`` returns when the delivery is taken (200) or raises wire.Refusal.
Check = Callable[[wire.Head], None]
Handle = Callable[[wire.Head, bytearray], None]
_READ = 64 * 1024
_REQUESTS_PER_CONNECTION = 100


class Server:
    """Serves ``check``/``handle`` on ``(host, port)`` from a background thread until
    :meth:`close`. ``refusals`` counts every refused request or dropped connection by reason;
    ``errors`` counts exceptions raised while serving."""

    def __init__(self, host: str, port: int, check: Check, handle: Handle, *,
                 max_body: int, timeout: float, max_connections: int, workers: int,
                 backlog: int, max_buffered: int, name: str) -> None:
        self._check, self._handle = check, handle
        self.max_body, self.timeout, self.max_connections = max_body, timeout, max_connections
        self.max_buffered, self._capacity = max_buffered, workers + backlog
        self.refusals: Counter[str] = Counter()
        self.errors = 0
        self._count_lock = threading.Lock()
        self._listener = socket.create_server((host, port), backlog=max(64, max_connections))
        self._listener.setblocking(False)
        self.address = self._listener.getsockname()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, "accept")
        self._wake_r, self._wake_w = socket.socketpair()
        for end in (self._wake_r, self._wake_w):
            end.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._done: queue.SimpleQueue = queue.SimpleQueue()   # (connection, refusal or None)
        self._connections: set[Connection] = set()
        self._in_flight = 0
        self._stopping = False
        name = f"{name}-{self.address[1]}"
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=f"{name}-worker")
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def refusal_counts(self) -> dict[str, int]:
        with self._count_lock:
            return dict(self.refusals)

    def close(self) -> None:
        """Stop serving: the port is free and every connection closed when this returns."""
        self._stopping = True
        self._wake()
        self._thread.join(timeout=30)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- the selector thread ---------------------------------------------------------------
    def _serve(self) -> None:
        try:
            while not self._stopping:
                try:
                    self._turn()
                except Exception as exc:     # a bug of ours: counted, and the loop goes on
                    self._error(exc)
        finally:
            for conn in list(self._connections):
                self._drop(conn)
            for sock in (self._listener, self._wake_r, self._wake_w):
                sock.close()
            self._selector.close()

    def _turn(self) -> None:
        """One wait on the sockets, then whatever became ready, then the clocks. An error
        while serving one connection ends that connection only."""
        now = time.monotonic()
        pause = min([1.0, *(c.deadline - now for c in self._connections if c.state != "busy")])
        for key, events in self._selector.select(max(pause, 0.0)):
            if key.data == "accept":
                self._accept()
            elif key.data == "wake":
                self._drain_wake()
            elif key.data in self._connections:
                self._guarded(key.data, self._on_ready, key.data, events)
        while True:
            try:
                conn, refusal = self._done.get_nowait()
            except queue.Empty:
                break
            self._in_flight -= 1
            self._guarded(conn, self._answer, conn, refusal)
        now = time.monotonic()
        for conn in [c for c in self._connections if c.state != "busy" and c.deadline <= now]:
            self._guarded(conn, self._expire, conn)

    def _guarded(self, conn: Connection, action: Callable, *args) -> None:
        try:
            action(*args)
        except Exception as exc:
            self._error(exc)
            self._drop(conn)

    def _accept(self) -> None:
        for _ in range(32):        # then serve the connections already open
            try:
                sock, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:           # out of file descriptors, ...
                self._refused(f"connection not accepted ({type(exc).__name__})")
                return
            if len(self._connections) >= self.max_connections and not self._displace():
                self._refused("dropped: too many connections")
                sock.close()
                continue
            sock.setblocking(False)
            conn = Connection(sock, self.timeout)
            self._connections.add(conn)
            self._watch(conn)

    def _displace(self) -> bool:
        waiting = [c for c in self._connections if c.state != "busy"]
        if not waiting:
            return False
        self._refused("dropped: too many connections")
        self._drop(min(waiting, key=lambda c: c.opened))
        return True

    def _on_ready(self, conn: Connection, events: int) -> None:
        if events & selectors.EVENT_WRITE:
            self._flush(conn)
        if not (events & selectors.EVENT_READ and conn in self._connections and conn.reading):
            return
        try:
            data = conn.sock.recv(_READ)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return self._drop(conn)
        if not data:                          # the sender hung up
            return self._drop(conn)
        if conn.state != "closing":           # closing: read only to be discarded
            conn.inbox += data
            self._advance(conn)

    def _advance(self, conn: Connection) -> None:
        """Take what the inbox holds for the current request, as far as it goes."""
        try:
            before = conn.buffered
            body = conn.advance(self._check, self.max_body)
            if conn.out:
                self._flush(conn)                 # 100 Continue
            if conn.buffered > before and self._buffered() > self.max_buffered:
                raise wire.Refusal(503, "too many bodies arriving at once",
                                   headers=(("Retry-After", "1"),))
            if body is not None:
                self._dispatch(conn, body)
        except wire.Refusal as refusal:
            self._refuse(conn, refusal)

    def _buffered(self) -> int:
        return sum(c.buffered for c in self._connections)

    def _dispatch(self, conn: Connection, body: bytearray) -> None:
        if self._in_flight >= self._capacity:
            raise wire.Refusal(503, "the receiver is busy", keep_open=True,
                               headers=(("Retry-After", "1"),))
        self._watch(conn)                     # busy: not read again until answered
        self._in_flight += 1
        head = cast(wire.Head, conn.head)     # a whole request was read, so its head was
        self._pool.submit(self._work, conn, head, body)

    def _work(self, conn: Connection, head: wire.Head, body: bytearray) -> None:
        """In a worker: hand back the answer, whatever happens (an exception answers 500)."""
        try:
            self._handle(head, body)
            refusal = None
        except wire.Refusal as exc:
            refusal = exc
        except Exception as exc:
            self._error(exc)
            refusal = wire.Refusal(500, "the receiver failed; try again", keep_open=True)
        self._done.put((conn, refusal))
        self._wake()

    def _answer(self, conn: Connection, refusal: wire.Refusal | None) -> None:
        if conn not in self._connections:
            return
        if refusal is not None:
            return self._refuse(conn, refusal)
        close = (conn.head is None or not conn.head.keep_alive or self._stopping
                 or conn.requests + 1 >= _REQUESTS_PER_CONNECTION)
        self._respond(conn, wire.response(200, close=close), close)

    def _refuse(self, conn: Connection, refusal: wire.Refusal) -> None:
        self._refused(f"{refusal.status} {refusal.reason}")
        close = not (refusal.keep_open and conn.head and conn.head.keep_alive)
        head_only = conn.head is not None and conn.head.method == "HEAD"
        data = wire.response(refusal.status, refusal.detail or refusal.reason, close=close,
                             headers=refusal.headers, body=not head_only)
        self._respond(conn, data, close)

    def _respond(self, conn: Connection, data: bytes, close: bool) -> None:
        conn.answer(data, close)
        self._flush(conn)

    def _flush(self, conn: Connection) -> None:
        try:
            conn.send()
            if not conn.out and conn.state == "write" and conn.close_after:
                conn.linger()
        except OSError:
            return self._drop(conn)
        if not conn.out and conn.state == "write":
            conn.wait_for_request()
            self._watch(conn)
            return self._advance(conn)       # a pipelined request may be waiting
        self._watch(conn)

    def _watch(self, conn: Connection) -> None:
        """Tell the selector what this connection waits for now."""
        events = (selectors.EVENT_READ if conn.reading else 0) | (
            selectors.EVENT_WRITE if conn.out else 0)
        if events == conn.events:
            return
        if not events:
            self._selector.unregister(conn.sock)
        elif conn.events:
            self._selector.modify(conn.sock, events, conn)
        else:
            self._selector.register(conn.sock, events, conn)
        conn.events = events

    def _expire(self, conn: Connection) -> None:
        if conn.state == "head" and not conn.inbox and not conn.requests:
            self._refused("dropped: nothing sent in time")
        if conn.state in ("write", "closing") or (conn.state == "head" and not conn.inbox):
            return self._drop(conn)           # idle, or a sender not reading its answer
        self._refuse(conn, wire.Refusal(408, f"the request took over {self.timeout:g} s"))

    def _drop(self, conn: Connection) -> None:
        self._connections.discard(conn)
        if conn.events:
            try:
                self._selector.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
            conn.events = 0
        conn.sock.close()

    # -- any thread ------------------------------------------------------------------------
    def _wake(self) -> None:
        try:
            self._wake_w.send(b"\0")
        except OSError:           # full (a wake is pending anyway) or closed (stopping)
            pass

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except OSError:
            pass

    def _refused(self, reason: str) -> None:
        with self._count_lock:
            self.refusals[reason] += 1
        log.debug("webhook receiver refused a request: %s", reason)

    def _error(self, exc: Exception) -> None:
        with self._count_lock:
            self.errors += 1
        places = ", ".join(f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}"
                           for f in traceback.extract_tb(exc.__traceback__)[-3:])
        log.warning("webhook receiver: %s at %s (answered 500; the message is not logged: "
                    "it may quote the sender)", type(exc).__name__, places)
