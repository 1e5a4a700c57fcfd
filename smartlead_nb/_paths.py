"""The one reading of a request's method and path, used both by the confirmation rule
(``resources.confirm``) and by the URL the transport sends, so that what is judged is exactly
what goes out.

A path is read the way a server, or a proxy in front of it, could route it; anything servers
read in more than one way is refused rather than guessed (RFC 3986 names the parts):

* escapes of unreserved characters (``%73`` for ``s``, ``%2e`` for ``.``) are decoded (RFC 3986,
  6.2.2.2); an escape of anything else (``%2f``, ``%5c``, ``%25``, i.e. double encoding, bytes
  of a non-ASCII character, ``%00``) is refused: servers and proxies disagree about them;
* ``.`` and ``..`` segments are resolved (5.2.4) and repeated slashes collapsed; a path that
  ends up outside the API root (the base URL's path, ``/api/v1``, spelt as it is there) is
  refused;
* whitespace, control characters, non-ASCII characters (a fullwidth solidus, a one-dot
  leader, a zero-width space), backslashes and ``#`` are refused anywhere; in the path, so is
  anything but letters, digits, ``- . _ ~ @ :`` and ``/`` (``;`` starts path parameters on
  some servers);
* an absolute URL must be http(s) on the base URL's origin without user info; ``//host/...``
  is refused (it names a host);
* a query written into the path is kept as written, but may not carry ``api_key``.

>>> resolve("../v1/campaigns/7/%73tatus/?x=1", "https://server.smartlead.ai/api/v1")
ApiTarget(path='campaigns/7/status/', query='x=1')
>>> resolve("../campaigns/7", "https://server.smartlead.ai/api/v1")
Traceback (most recent call last):
...
smartlead_nb.errors.InputError: path '../campaigns/7' leaves the API root /api/v1 (it resolves to /api/campaigns/7); nothing was sent. Pass a path under /api/v1, e.g. 'campaigns/7'
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import unquote_plus, urlsplit

from ._redact import redact
from .errors import InputError

#: The methods the client sends, upper-case.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_CHARS = _UNRESERVED | {"/", "@", ":"}
_DECODABLE = _PATH_CHARS - {"/"}  # an escape of these is decoded; of anything else, refused
_HEX = frozenset(string.hexdigits)
# What an escape that is refused decodes to, said in words.
_ESCAPED = {"/": "'/' (servers disagree on whether it splits the path)",
            "\\": "backslash (some servers read it as '/')",
            "%": "'%' (double encoding: a server that decodes twice reads what follows)",
            ".": "'.'"}
_KEY_NAME = re.compile(r"api_key(?:[\[.].*)?")
_NOT_SENT = "nothing was sent"


@dataclass(frozen=True)
class ApiTarget:
    """Where a request goes: ``path`` relative to the API root, as sent (decoded, resolved,
    case kept, a trailing slash kept), and ``query``, the query string written in the path."""

    path: str
    query: str = ""

    @property
    def route(self) -> str:
        """The path as rules compare it: case-folded, without a trailing slash (SmartLead's
        router, like most, ignores both).

        >>> ApiTarget("Campaigns/7/Status/").route
        'campaigns/7/status'
        """
        return self.path.lower().rstrip("/")


def normalise_method(method: object) -> str:
    """The HTTP method as sent: surrounding whitespace dropped, upper-case, one of
    :data:`METHODS`; anything else (inner spaces, control or look-alike characters, an
    unknown verb) is an ``InputError``.

    >>> normalise_method(" post\\n")
    'POST'
    """
    text = method.strip().upper() if isinstance(method, str) else None
    if text not in METHODS:
        raise InputError(f"method {method!r} is not one of {', '.join(METHODS)}; "
                         f"{_NOT_SENT}")
    return text


def resolve(path: object, base_url: str = "") -> ApiTarget:
    """``path`` (relative to ``base_url``, or an absolute URL on its origin) as it is sent.

    Without ``base_url`` the root is ``/`` and only relative paths are accepted: that is how
    a rule reads a path it was given relative to the API root. Raises ``InputError`` for a
    path that leaves the root or that servers could read in two ways (see the module).
    """
    if not isinstance(path, str):
        raise InputError(f"path must be text, got {type(path).__name__}; {_NOT_SENT}")
    _refuse_odd_characters(path)
    try:
        parts = urlsplit(path)
    except ValueError as exc:  # "http://[::1/x": a broken host
        raise InputError(f"path {_shown(path)} is not a URL or a path ({exc}); "
                         f"{_NOT_SENT}") from None
    base = urlsplit(base_url)
    root = [s for s in base.path.split("/") if s]
    absolute = bool(parts.scheme) or path.startswith("//")
    if absolute:
        _check_origin(path, parts, base_url)
    segments = [] if absolute else list(root)
    trailing = _resolve_into(segments, _decode(parts.path, path), path)
    if segments[:len(root)] != root:
        where = "/" + "/".join(root)
        raise InputError(
            f"path {_shown(path)} leaves the API root {where} (it resolves to "
            f"/{'/'.join(segments)}); {_NOT_SENT}. Pass a path under {where}, "
            f"e.g. 'campaigns/7'")
    relative = "/".join(segments[len(root):])
    if relative and trailing:
        relative += "/"
    # Split on ';' too: some servers do, and a key hidden after one must not pass.
    refuse_key_in_query(item.partition("=")[0] for item in re.split("[&;]", parts.query))
    return ApiTarget(relative, parts.query)


def refuse_key_in_query(names: Iterable[object]) -> None:
    """Refuse a query parameter that is ``api_key`` in any spelling (case, escapes, ``[]``):
    the client adds the key itself, and a second one would make the server choose.

    >>> refuse_key_in_query(["limit", "API%5FKEY"])
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: the query must not carry api_key (here 'API%5FKEY'): the client adds the key itself; nothing was sent
    """
    for name in names:
        text = str(name)
        for _ in range(3):  # a server may decode more than once
            text = unquote_plus(text)
        if _KEY_NAME.fullmatch(text.strip().lower()):
            raise InputError(f"the query must not carry api_key (here {str(name)[:40]!r}): the "
                             f"client adds the key itself; {_NOT_SENT}")


# -- the steps ---------------------------------------------------------------------------------
def _refuse_odd_characters(path: str) -> None:
    """Whitespace, control and non-ASCII characters, backslashes and ``#``, anywhere. Checked
    before ``urlsplit``, which silently drops tabs and newlines and strips leading spaces."""
    for position, char in enumerate(path):
        if "!" <= char <= "~" and char not in "\\#":
            continue
        if char == "\\":
            what = "a backslash (some servers read it as '/')"
        elif char == "#":
            what = "'#' (a fragment is never sent, so the path would end there)"
        else:
            name = unicodedata.name(char, "a control character")
            what = f"U+{ord(char):04X} ({name.lower()}), not a printable ASCII character"
        raise InputError(f"path {_shown(path)} has {what} at position {position}; "
                         f"{_NOT_SENT}. Spell the path with ASCII letters, digits and '/', "
                         f"and pass values in params=...")


def _decode(raw: str, path: str) -> str:
    """``raw`` (a URL path) with escapes of unreserved characters decoded; any other escape
    and any character outside the path set is an ``InputError``."""
    out, i = [], 0
    while i < len(raw):
        char = raw[i]
        if char == "%":
            digits = raw[i + 1:i + 3]
            if len(digits) < 2 or not set(digits) <= _HEX:
                raise InputError(f"path {_shown(path)} has a '%' that starts no escape at "
                                 f"position {i}; {_NOT_SENT}")
            decoded = chr(int(digits, 16))
            if decoded not in _DECODABLE:
                what = _ESCAPED.get(decoded) or (
                    "a byte of a non-ASCII character" if ord(decoded) > 0x7F
                    else f"{decoded!r}")
                raise InputError(f"path {_shown(path)} has {raw[i:i + 3]}, an escaped {what}; "
                                 f"{_NOT_SENT}. Write the path without it")
            out.append(decoded)
            i += 3
            continue
        if char not in _PATH_CHARS:
            raise InputError(f"path {_shown(path)} has {char!r} at position {i}, which no "
                             f"SmartLead path has ({char!r} means something else to some "
                             f"servers); {_NOT_SENT}")
        out.append(char)
        i += 1
    return "".join(out)


def _resolve_into(segments: list[str], decoded: str, path: str) -> bool:
    """Apply ``decoded``'s segments to ``segments`` (the root's, or none for an absolute
    URL): ``.`` and empty ones vanish, ``..`` goes up. Returns whether the result names a
    folder (a trailing slash, or ending in a dot segment). Going above the server's own root
    is refused: servers differ in what they make of it."""
    parts = decoded.split("/")
    for segment in parts:
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                raise InputError(f"path {_shown(path)} leaves the API root: its '..' "
                                 f"climbs above the top; "
                                 f"{_NOT_SENT}. Pass a path under the API root, "
                                 f"e.g. 'campaigns/7'")
            segments.pop()
        else:
            segments.append(segment)
    last = parts[-1]
    return last in (".", "..") or (last == "" and len(parts) > 1)


def _check_origin(path: str, parts, base_url: str) -> None:
    """An absolute URL must be http(s), on ``base_url``'s origin, with no user info."""
    if not base_url:
        raise InputError(f"{_shown(path)} is not a path relative to the API root; "
                         f"{_NOT_SENT}. Pass one such as 'campaigns/7'")
    if path.startswith("//"):
        host = parts.netloc or "(none)"
        raise InputError(f"path {_shown(path)} starts with '//', which names a host "
                         f"({redact(host)}); {_NOT_SENT}. Pass a path relative to base_url "
                         f"(e.g. 'campaigns/7')")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{_shown(path)} is neither a path nor an http(s) URL with a host "
                         f"(it reads as scheme {parts.scheme!r}); {_NOT_SENT}. Pass a path "
                         f"relative to base_url (e.g. 'campaigns/7')")
    if "@" in parts.netloc:
        raise InputError(f"the URL {_shown(path)} carries user info before '@'; {_NOT_SENT}. "
                         f"The key is the only credential the client sends")
    mine = origin_of(base_url)
    if origin_of(path) != mine:
        scheme, host, port = origin_of(path)
        raise InputError(
            f"{scheme}://{host}:{port} is not {base_url}'s origin: the API key is only ever "
            f"sent to {mine[0]}://{mine[1]}:{mine[2]}; {_NOT_SENT}. Pass a path relative to "
            f"base_url (e.g. 'campaigns/7'), or make a client with base_url=... for the other "
            f"server")


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the default port filled in, as browsers compare origins.

    >>> origin_of("HTTPS://Server.SmartLead.ai/api/v1")
    ('https', 'server.smartlead.ai', 443)
    """
    parts = urlsplit(str(url))
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # "http://h:notaport/"
        port = -1
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme, 0)


def _shown(path: str) -> str:
    """``path`` for a message: without its query (which may carry a key), keys redacted."""
    head, mark, _ = path.partition("?")
    text = redact(head)[:120] + ("?…" if mark else "")
    return repr(text)
