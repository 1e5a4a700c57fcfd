"""The sandbox's front door: which requests it reads at all, decided from the headers alone.

The sandbox is a server on someone's laptop that holds their uploaded leads and answers a
documented key. Two rules keep web pages out of it:

* ``Host`` must be a loopback name (``127.0.0.1`` or anything in 127.0.0.0/8, ``localhost``,
  ``[::1]``; any port). A page that DNS-rebinds ``evil.example`` to 127.0.0.1 still sends
  ``Host: evil.example``, so it cannot read the leads or call ``/_sandbox/reset``.
* An ``Origin`` header, if present, must be a loopback origin (``http://localhost:8888`` is
  fine, ``https://evil.example`` or ``null`` is not): browsers send it on cross-site requests.

And the body is bounded before a byte of it is read: ``Content-Length`` must be a plain
non-negative integer (400), chunked bodies are not supported (411), at most
``MAX_BODY_BYTES`` (413), and a body must be ``application/json`` (415).

>>> admit("POST", {"Host": "127.0.0.1:8765", "Content-Type": "application/json",
...                "Content-Length": "2"}).length
2
>>> admit("GET", {"Host": "evil.example"}).refusal[0]
403
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# 400 leads (the per-request maximum) x 200 custom fields (the documented maximum) x 100
# characters is 8 M characters: ~10.4 MB of JSON in ASCII with keys and quotes, ~27 MB if
# every character takes 3 UTF-8 bytes. 32 MiB covers both with room; anything larger is a
# mistake or an attack, refused before it is read.
MAX_BODY_BYTES = 32 * 1024 * 1024
# Real bodies nest 5 deep at most (sequences -> variants); 64 leaves room and keeps the JSON
# parser (recursive in C, RecursionError near 1000) far from its limit.
MAX_JSON_DEPTH = 64

_LOOPBACK_V4 = ipaddress.ip_network("127.0.0.0/8")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}\Z")
_PORT = re.compile(r"\d{1,5}\Z")
_DIGITS = re.compile(r"\d+\Z", re.ASCII)
_HOSTS_ALLOWED = "127.0.0.1 (or any 127.x.y.z), localhost or [::1], with any port"


@dataclass
class Admission:
    """What the door decided: ``refusal`` is ``(status, body)`` or None; ``length`` is the
    body size when ``Content-Length`` was valid and within the cap (the handler then reads,
    or discards, exactly that many bytes), else None (the handler must close the socket)."""

    refusal: tuple[int, dict] | None
    length: int | None


def is_loopback_host(value: str) -> bool:
    """True for a ``Host`` value naming this machine: ``localhost``, 127.0.0.0/8, ``[::1]``.

    >>> [is_loopback_host(h) for h in ("localhost:80", "127.3.2.1", "[::1]:9", "evil.example")]
    [True, True, True, False]
    """
    host = value.strip().lower()
    if host.startswith("["):                       # [v6] or [v6]:port
        name, bracket, port = host[1:].partition("]")
        if not bracket or (port and not (port[0] == ":" and _PORT.match(port[1:]))):
            return False
        try:
            return ipaddress.IPv6Address(name).is_loopback
        except ValueError:
            return False
    name, colon, port = host.partition(":")
    if colon and not _PORT.match(port):
        return False
    if name == "localhost":
        return True
    if not _DOTTED_QUAD.match(name):               # no "127.1", no decimal forms
        return False
    try:
        return ipaddress.IPv4Address(name) in _LOOPBACK_V4
    except ValueError:
        return False


def is_loopback_origin(value: str) -> bool:
    """True for ``http(s)://<loopback host>[:port]``; ``null`` and other sites are False."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") \
            or parts.query or parts.fragment or "@" in parts.netloc:
        return False
    return is_loopback_host(parts.netloc)


def _all(headers: Any, name: str) -> list[str]:
    """Every value of a header: a repeated Host or Content-Length is itself suspicious."""
    if hasattr(headers, "get_all"):
        return headers.get_all(name) or []
    return [headers[name]] if name in headers else []


def _refuse(status: int, message: str, length: int | None = None) -> Admission:
    return Admission((status, {"error": message}), length)


def _shown(value: str, limit: int = 80) -> str:
    """A header value quoted for an error message, cut short if an attacker made it long."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def body_length(headers: Any) -> tuple[int | None, Admission | None]:
    """``(length, None)`` for a usable ``Content-Length`` (0 when absent), else a refusal."""
    if headers.get("Transfer-Encoding") is not None:
        return None, _refuse(411, "Transfer-Encoding is not supported: send the body with a "
                                  "Content-Length header giving its size in bytes")
    values = _all(headers, "Content-Length")
    if not values:
        return 0, None
    if len(set(v.strip() for v in values)) != 1 or not _DIGITS.match(values[0].strip()):
        shown = ", ".join(_shown(v) for v in values)
        return None, _refuse(400, f"Content-Length {shown} is not valid: send one "
                                  "non-negative integer, the body's size in bytes")
    length = int(values[0].strip())
    if length > MAX_BODY_BYTES:
        return None, _refuse(413, f"Request body of {length} bytes is over the sandbox's limit "
                                  f"of {MAX_BODY_BYTES} bytes (32 MiB); send at most 400 "
                                  "leads per request")
    return length, None


def admit(method: str, headers: Any) -> Admission:
    """Decide from the request headers whether to read the body and handle the request.

    ``headers`` is an ``http.client.HTTPMessage`` (or a plain dict in tests). Order: Host,
    Origin (403), then the body's framing (411/400/413), then its type (415).
    """
    hosts = _all(headers, "Host")
    length, refusal = body_length(headers)
    if len(hosts) != 1 or not is_loopback_host(hosts[0]):
        shown = ", ".join(_shown(h) for h in hosts) or "missing"
        return _refuse(403, f"Host {shown} refused: the sandbox answers only requests "
                            f"addressed to {_HOSTS_ALLOWED}, so that a web page cannot "
                            "reach it by DNS rebinding", length)
    foreign = [o for o in _all(headers, "Origin") if not is_loopback_origin(o)]
    if foreign:
        return _refuse(403, f"Origin {_shown(foreign[0])} refused: the sandbox answers only "
                            "requests without an Origin header or from a loopback origin "
                            f"(http://{_HOSTS_ALLOWED}), so that a web page cannot wipe "
                            "it or read its leads", length)
    if refusal is not None:
        return refusal
    content_type = headers.get("Content-Type") or ""
    if length and content_type.split(";", 1)[0].strip().lower() != "application/json":
        shown = _shown(content_type) if content_type else "missing"
        return _refuse(415, f"Content-Type {shown} is not accepted: request bodies must be "
                            "JSON, sent with Content-Type: application/json", length)
    return Admission(None, length)


# A JSON string, escapes included (the unrolled form is linear, no backtracking).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True if ``raw`` JSON nests arrays/objects more than ``limit`` deep (checked before
    parsing, so the parser never meets a RecursionError; brackets inside strings skipped).

    >>> too_deep(b'[[1]]', limit=2), too_deep(b'[[[1]]]', limit=2), too_deep(b'["[[["]', 2)
    (False, True, False)
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:     # the common case: nothing to scan
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
