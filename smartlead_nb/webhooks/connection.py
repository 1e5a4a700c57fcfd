"""One client connection of the receiver: where its current request stands.

A connection goes ``head`` -> ``body`` or ``chunked`` -> ``busy`` (a worker has the
request) -> ``write`` (the answer is going out) -> ``head`` again for the next request on a
kept-alive connection, or -> ``closing`` after a refusal. It is touched by the selector
thread only (``server.py``); the framing rules themselves are in ``wire.py``.
"""

from __future__ import annotations

import socket
import time
from typing import Callable

from . import wire

READING = ("head", "body", "chunked", "closing")
LINGER = 2.0                 # seconds to read and discard before closing after a refusal


class Connection:
    """A socket, the bytes read and not yet used (``inbox``), the answer bytes not yet sent
    (``out``), the request's ``head`` and body so far, and the ``deadline`` of its state."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock, self.timeout = sock, timeout
        self.inbox = bytearray()
        self.out = bytearray()
        self.events = 0                # what the selector watches this socket for
        self.close_after = False
        self.requests = 0              # answered on this connection
        self.opened = time.monotonic()
        self.wait_for_request()

    def wait_for_request(self) -> None:
        """Ready for the next request, which must arrive whole within ``timeout``."""
        self.state = "head"
        self.scanned = 0               # how much of the inbox the search for the head's end saw
        self.head: wire.Head | None = None
        self.body = bytearray()
        self.chunks: wire.ChunkedBody | None = None
        self.deadline = time.monotonic() + self.timeout

    @property
    def reading(self) -> bool:
        return self.state in READING

    @property
    def buffered(self) -> int:
        """Body bytes held for the current request."""
        return len(self.body) + (len(self.chunks.data) if self.chunks else 0)

    def advance(self, check: Callable[[wire.Head], None], max_body: int) -> bytearray | None:
        """Take what the inbox holds for the current request: its body once the request is
        whole, else None. Raises wire.Refusal. May queue ``100 Continue`` in ``out``."""
        if self.state == "head":
            if self.inbox[:1] in (b"\r", b"\n"):   # blank lines between requests (RFC 9112 2.2)
                del self.inbox[:len(self.inbox) - len(self.inbox.lstrip(b"\r\n"))]
                self.scanned = 0
            end = wire.head_end(self.inbox, self.scanned)
            if end is None:
                self.scanned = len(self.inbox)
                return None
            raw = bytes(self.inbox[:end])
            del self.inbox[:end]
            self.head = wire.parse_head(raw, max_body=max_body)
            check(self.head)
            if self.head.expects_continue:
                self.out += wire.CONTINUE
            if self.head.chunked:
                self.state, self.chunks = "chunked", wire.ChunkedBody(max_body=max_body)
            else:
                self.state = "body"
        if self.state == "chunked" and self.chunks is not None:   # set with the state
            complete = self.chunks.feed(self.inbox)
        elif self.state == "body" and self.head is not None:      # the head came first
            take = self.head.length - len(self.body)
            self.body += self.inbox[:take]
            del self.inbox[:take]
            complete = len(self.body) == self.head.length
        else:
            return None
        if not complete:
            return None
        body = self.chunks.data if self.chunks else self.body    # handed over, not copied
        self.body, self.chunks, self.state = bytearray(), None, "busy"
        return body

    def answer(self, data: bytes, close: bool) -> None:
        """Queue an answer; the sender has ``timeout`` seconds to take it."""
        self.close_after = self.close_after or close
        self.requests += 1
        self.body, self.chunks = bytearray(), None    # a refused body is let go at once
        self.state = "write"
        self.deadline = time.monotonic() + self.timeout
        self.out += data

    def send(self) -> None:
        """Send what the socket takes now (raises OSError if the connection is gone)."""
        try:
            sent = self.sock.send(self.out) if self.out else 0
        except (BlockingIOError, InterruptedError):
            sent = 0
        del self.out[:sent]

    def linger(self) -> None:
        """Close after a refusal without losing the answer: closing a socket with unread
        bytes sends a reset, which makes the sender's system discard the answer unread. So
        stop sending, read and discard for a moment; the server closes it after that."""
        self.sock.shutdown(socket.SHUT_WR)
        self.state, self.inbox = "closing", bytearray()
        self.deadline = time.monotonic() + min(LINGER, self.timeout)
