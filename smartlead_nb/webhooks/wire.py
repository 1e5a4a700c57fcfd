"""HTTP/1.1 request framing for the receiver (RFC 9112), strictly and within fixed limits.

Pure: bytes in, a parsed head or body out, or :class:`Refusal` carrying the status to answer.
Nothing here waits or touches a socket (``server.py`` does), so every hostile spelling of a
request line, a header or a chunk can be checked without one.

>>> head = parse_head(b"POST /hook HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 2", max_body=10)
>>> head.method, head.path, head.length, head.chunked
('POST', '/hook', 2, False)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus

MAX_HEAD = 16 * 1024          # request line and headers together
MAX_LINE = 8 * 1024           # any one of them
MAX_HEADERS = 64
MAX_CHUNK_LINE = 1024         # a chunk's size line with its extensions
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(rb"/[\x21-\x7e]*")            # origin form: no spaces, no controls
_VERSION = re.compile(rb"HTTP/(\d)\.(\d)")
_FIELD_VALUE = re.compile(rb"[\t\x20-\x7e\x80-\xff]*")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_END_OF_HEAD = re.compile(rb"\r?\n\r?\n")


class Refusal(Exception):
    """A request answered ``status`` and, unless ``keep_open``, with the connection closed
    (whatever else the sender wrote is not read). ``reason`` names the kind (refusals are
    counted by it); ``detail``, when given, is what the answer says instead."""

    def __init__(self, status: int, reason: str, *, detail: str | None = None,
                 keep_open: bool = False, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(f"{status} {reason}")
        self.status, self.reason, self.detail = status, reason, detail
        self.keep_open, self.headers = keep_open, headers


@dataclass
class Head:
    """A request's line and headers (names lower-cased, values as latin-1 text)."""

    method: str
    target: str
    version: tuple[int, int]
    headers: list[tuple[str, str]] = field(default_factory=list)
    length: int = 0                  # the declared body length (0 when chunked)
    chunked: bool = False
    keep_alive: bool = True
    expects_continue: bool = False

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def values(self, name: str) -> list[str]:
        """Every value of a header, comma lists split (``Foo: a, b`` twice gives 4)."""
        return [part.strip() for key, value in self.headers if key == name
                for part in value.split(",")]


def head_end(buffer: bytes | bytearray, scanned: int = 0) -> int | None:
    """Where the head ends (the index after its blank line), None while incomplete; refuses a
    head that is already too long, or a first line that cannot begin a request. ``scanned``:
    how much of the buffer an earlier call saw, so a head arriving a byte at a time is not
    searched from its start each time.

    >>> head_end(b"POST / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n{}")
    28
    >>> head_end(b"\\x16\\x03\\x01")              # a TLS hello: refused before its head ends
    Traceback (most recent call last):
    ...
    smartlead_nb.webhooks.wire.Refusal: 400 not an HTTP request line
    """
    method = bytes(buffer[:17]).split(b" ", 1)[0]
    if (method and not _TOKEN.fullmatch(method)) or (b" " not in buffer[:17]
                                                     and len(buffer) >= 17):
        raise Refusal(400, "not an HTTP request line")
    found = _END_OF_HEAD.search(buffer, max(0, scanned - 3), MAX_HEAD + 4)
    if found:
        return found.end()
    if len(buffer) > MAX_LINE and buffer.find(b"\n", 0, MAX_LINE + 1) < 0:
        raise Refusal(414, "request line too long")
    if len(buffer) > MAX_HEAD:
        raise Refusal(431, "request head too large")
    return None


def parse_head(raw: bytes, *, max_body: int) -> Head:
    """The request line and headers in ``raw`` (without the blank line that ended them).

    >>> parse_head(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1, 2", max_body=9)
    Traceback (most recent call last):
    ...
    smartlead_nb.webhooks.wire.Refusal: 400 Content-Length is not one whole number
    """
    lines = raw.rstrip(b"\r\n").replace(b"\r\n", b"\n").split(b"\n")
    if len(lines[0]) > MAX_LINE:
        raise Refusal(414, "request line too long")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]):
        raise Refusal(400, "not an HTTP/1.1 request line")     # HTTP/0.9 has no version
    method, target, version = parts
    match = _VERSION.fullmatch(version)
    if not match:
        raise Refusal(400, "not an HTTP version")
    if (int(match[1]), int(match[2])) not in ((1, 0), (1, 1)):
        raise Refusal(505, "only HTTP/1.0 and HTTP/1.1")
    if not _TARGET.fullmatch(target):
        raise Refusal(400, "the request target is not a path")
    if any(len(line) > MAX_LINE for line in lines):
        raise Refusal(431, "a header line is too long")
    if len(lines) - 1 > MAX_HEADERS:
        raise Refusal(431, f"more than {MAX_HEADERS} headers")
    head = Head(method.decode("ascii"), target.decode("ascii"),
                (int(match[1]), int(match[2])))
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        # No folded lines, no space before the colon (RFC 9112 5.1/5.2: both have smuggled
        # requests past proxies).
        if not colon or not _TOKEN.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
            raise Refusal(400, "a malformed header line")
        head.headers.append((name.decode("ascii").lower(), value.strip(b" \t").decode("latin-1")))
    _frame_body(head, max_body)
    return head


def _frame_body(head: Head, max_body: int) -> None:
    """How long the body is (RFC 9112 6): one Content-Length, or chunked, never both."""
    if head.version == (1, 1) and len([k for k, _ in head.headers if k == "host"]) != 1:
        raise Refusal(400, "an HTTP/1.1 request needs exactly one Host header")
    connection = {token.lower() for token in head.values("connection")}
    head.keep_alive = head.version == (1, 1) and "close" not in connection
    codings = [c.lower() for c in head.values("transfer-encoding")]
    lengths = head.values("content-length")
    if codings:
        if lengths:
            raise Refusal(400, "both Transfer-Encoding and Content-Length")
        if head.version != (1, 1) or codings[-1] != "chunked" or codings.count("chunked") > 1:
            raise Refusal(400, "Transfer-Encoding must end in one chunked")
        if len(codings) > 1:
            raise Refusal(501, "only the chunked transfer coding")
        head.chunked = True
    elif lengths:
        if len(set(lengths)) != 1 or not lengths[0].isdigit() or not lengths[0].isascii():
            raise Refusal(400, "Content-Length is not one whole number")
        if len(lengths[0]) > 18 or int(lengths[0]) > max_body:
            raise Refusal(413, f"the body is over {max_body} bytes")
        head.length = int(lengths[0])
    expect = [e.lower() for e in head.values("expect")]
    if expect and expect != ["100-continue"]:
        raise Refusal(417, "only Expect: 100-continue")
    head.expects_continue = bool(expect) and head.version == (1, 1)


class ChunkedBody:
    """Decodes a chunked body as its bytes arrive: :meth:`feed` takes what it can from the
    buffer and says when the last chunk and the trailers are in.

    >>> body, buffer = ChunkedBody(max_body=100), bytearray(b"4;x=1\\r\\nabcd\\r\\n0\\r\\n\\r\\n")
    >>> body.feed(buffer), bytes(body.data)
    (True, b'abcd')
    """

    def __init__(self, *, max_body: int) -> None:
        self.max_body = max_body
        self.data = bytearray()
        self._left = 0               # bytes of the current chunk still to come
        self._state = "size"         # size, data, data-end, trailers
        self._trailer_bytes = 0

    def feed(self, buffer: bytearray) -> bool:
        while True:
            if self._state == "data":
                take = min(self._left, len(buffer))
                self.data += buffer[:take]
                del buffer[:take]
                self._left -= take
                if self._left:
                    return False
                self._state = "data-end"
                continue
            line = self._line(buffer)
            if line is None:
                return False
            if self._state == "data-end":
                if line:
                    raise Refusal(400, "a chunk is longer than its size")
                self._state = "size"
            elif self._state == "size":
                self._size(line)
            elif line:                       # a trailer field: read past, never used
                self._trailer_bytes += len(line)
                if self._trailer_bytes > MAX_HEAD:
                    raise Refusal(431, "trailers too large")
            else:
                return True

    def _line(self, buffer: bytearray) -> bytes | None:
        end = buffer.find(b"\n", 0, MAX_CHUNK_LINE + 2)
        if end < 0:
            if len(buffer) > MAX_CHUNK_LINE + 1:
                raise Refusal(400, "a chunk line is too long")
            return None
        line = bytes(buffer[:end]).removesuffix(b"\r")
        del buffer[:end + 1]
        return line

    def _size(self, line: bytes) -> None:
        size = line.split(b";", 1)[0].strip(b" \t")
        if not _HEX.fullmatch(size):
            raise Refusal(400, "a chunk size is not hexadecimal")
        if len(size.lstrip(b"0")) > 16 or len(self.data) + int(size, 16) > self.max_body:
            raise Refusal(413, f"the body is over {self.max_body} bytes")
        self._left = int(size, 16)
        self._state = "data" if self._left else "trailers"


def response(status: int, message: str | None = None, *, close: bool = False,
             headers: tuple[tuple[str, str], ...] = (), body: bool = True) -> bytes:
    """An answer: ``{"ok": true}`` or ``{"ok": false, "error": message}``.

    >>> response(200).split(b"\\r\\n")[0]
    b'HTTP/1.1 200 OK'
    """
    payload = {"ok": True} if status < 300 else {"ok": False, "error": message}
    data = json.dumps(payload).encode() if body else b""
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
             f"Date: {formatdate(usegmt=True)}", "Content-Type: application/json",
             f"Content-Length: {len(data)}", *(f"{k}: {v}" for k, v in headers)]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
