"""Keeping the API key out of every text the toolkit produces.

SmartLead authenticates with an ``api_key`` query parameter, so the key is part of every URL.
URLs end up in exception messages (requests, urllib3, vcrpy), in urllib3's DEBUG log lines and
in anything a notebook echoes; a server may also echo the key back in a body, a header or a
redirect target. Three defences, applied everywhere text leaves the toolkit:

1. every secret this process has been given (the account key, agency client keys seen in an
   answer, passwords sent) is registered, and replaced by ``REDACTED`` wherever it appears, in
   every spelling it can take on the way: as typed, in any letter case, URL encoded (``%29``
   for ``)``, ``+`` or ``%20`` for a space, twice encoded), JSON-, repr- or HTML-escaped,
   base64;
2. then the value of any key field (``api_key=…``, ``"apiKey":"…"``, ``'api-key': '…'``,
   URL-encoded JSON) becomes ``REDACTED``, for keys never registered;
3. no exception leaves the client's public boundary (:func:`redacted_errors`) with a key: its
   message, ``args``, notes, attributes and chained exceptions are redacted in place, and the
   frames of its traceback whose variables hold a key are cleared (the lines stay, the
   variables go), so no traceback printer (``capture_locals``, IPython's verbose mode,
   pytest's ``--showlocals``) can show one.

A key shorter than ``SHORT_KEY`` characters is only replaced where it stands alone (not inside
a longer word): replacing "ab" inside "table" would garble every message and hide nothing.

Records of the loggers that print URLs (urllib3, requests, requests-ratelimiter, vcrpy,
warnings, smartlead_nb, and their children) get the same rewrite as they are made, and printed
warnings are redacted too.
"""

from __future__ import annotations

import base64
import contextlib
import dis
import functools
import html
import inspect
import json
import logging
import re
import threading
import types
import warnings
from typing import Any, Callable, Iterable, Iterator, TypeVar
from urllib.parse import quote, quote_plus

REDACTED = "REDACTED"
SHORT_KEY = 8
_NESTING = 64   # deeper than any answer; beyond it, a value is judged by its repr
# The names a key travels under: api_key, apiKey, api-key, apikey, x-api-key (any case).
KEY_NAME = r"(?:x[_-])?api[_-]?key"
_QUOTE = r"(?:\\?[\"']|%22|%27)"      # " ' \" and their URL encodings
_GAP = r"(?:\s|%20|\+)*"
# A key field and its value: query or form (api_key=…), JSON or a repr ("apiKey":"…",
# 'api_key': '…', ('api_key', '…')), and the same URL-encoded. The value runs to the next
# parameter, whitespace, quote or angle bracket; it needs a letter or digit (so "api_key=...,"
# in a sentence stays) and is left alone when it already is REDACTED or a masked Secret (a
# traceback printer shows ``api_key=Secret('********')``). ``)`` and ``#`` do not
# end it: a key may contain them (registered keys are replaced before this runs).
_KEY_FIELD = re.compile(
    rf"({KEY_NAME}(?:=|%3D|{_QUOTE}{_GAP}(?::|%3A|,|%2C){_GAP}{_QUOTE}))"
    rf"(?!{REDACTED}(?![A-Za-z0-9_-])|Secret\()(?=[^&\s'\"<>\\]*[A-Za-z0-9])"
    r"((?:(?!%2[27])[^&\s'\"<>\\])+)", re.IGNORECASE)
# A field name that carries a key, client_api_key and SMARTLEAD_API_KEY included.
_KEY_NAME_ONLY = re.compile(r"(?:[a-z0-9]+[_-])*api[_-]?key\Z", re.IGNORECASE)
_KEY_NAME_ANYWHERE = re.compile(r"api[_-]?key", re.IGNORECASE)


class _KeyRing:
    """The registered keys and the pattern that finds them. Neither shows in a repr: a
    traceback printer shows a frame's variables, and the globals a failing line names."""

    __slots__ = ("keys", "pattern")

    def __init__(self, keys: frozenset[str] = frozenset(),
                 pattern: re.Pattern[str] | None = None) -> None:
        self.keys, self.pattern = keys, pattern

    def __repr__(self) -> str:
        return f"<{len(self.keys)} registered keys, not shown>"


_ring = _KeyRing()
_lock = threading.Lock()

# urllib3 logs full URLs at DEBUG; requests-ratelimiter logs them at INFO on a 429; vcrpy logs
# the requests it sees; logging.captureWarnings sends warnings to py.warnings. Their loggers
# and every child logger (urllib3.poolmanager, vcr.stubs.httpx_stubs...), whenever created.
_LOGGERS_WITH_URLS = ("urllib3", "requests", "requests_ratelimiter", "pyrate_limiter", "vcr",
                      "py.warnings", "smartlead_nb")


def spellings(key: str) -> set[str]:
    """Every form ``key`` can take in a URL, a JSON body, a repr, an HTML page or a header.

    >>> {"a b)", "a+b%29", "a%20b%29", "YSBiKQ=="} <= spellings("a b)")
    True
    """
    escaped = json.dumps(key)[1:-1]
    forms = {key, quote_plus(key, safe=""), quote(key, safe=""), quote(key, safe="/:@!$'()*,;"),
             escaped, escaped.replace("/", "\\/"), json.dumps(key, ensure_ascii=False)[1:-1],
             repr(key)[1:-1], html.escape(key), html.escape(key, quote=False)}
    raw = key.encode("utf-8")
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        forms |= {encoded.decode(), encoded.decode().rstrip("=")}
    if not key.isascii():   # UTF-8 bytes read as Latin-1 (how a binary body is scanned)
        forms.add(raw.decode("latin-1"))
    forms |= {f.replace("%", "%25") for f in list(forms) if "%" in f}  # encoded twice
    return {f for f in forms if f}


def register_secret(key: str) -> None:
    """Remember a key so that :func:`redact` removes it from any text, in any form."""
    register_secrets([key])


def register_secrets(keys: Iterable[str]) -> None:
    """Remember several keys at once (the pattern is rebuilt once, not once per key)."""
    global _ring
    new = {k for k in keys if k and k != REDACTED} - _ring.keys
    if new:
        with _lock:
            known = _ring.keys | new
            _ring = _KeyRing(known, secret_pattern(known))
    install_log_filter()


def register_keys_in(value: Any, text: str | None = None) -> None:
    """Register every key an answer carries in a key field (``api_key``, ``apiKey``...), at
    any depth, the moment it is read (a masked or redacted value is not a key). ``text``, the
    answer as received, lets the usual answer (no key field) cost one scan instead of a walk.

    >>> register_keys_in({"ok": True, "data": {"apiKey": "client-key-0123"}})
    >>> redact("the new key is client-key-0123")
    'the new key is REDACTED'
    """
    if text is None or _KEY_NAME_ANYWHERE.search(text):
        found: set[str] = set()
        _keys_in(value, found, 0)
        register_secrets(found)


def _keys_in(value: Any, found: set[str], level: int) -> None:
    if level > _NESTING:
        return
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for name, item in items:
        if isinstance(item, str):
            if isinstance(name, str) and is_key_name(name) and looks_like_key(item):
                found.add(item.strip())
        else:
            _keys_in(item, found, level + 1)


def looks_like_key(text: str) -> bool:
    """Could ``text`` be a key (not a masked or redacted value, not a word or two letters)?"""
    text = text.strip()
    return len(text) >= SHORT_KEY and text != REDACTED and any(c.isalnum() for c in text)


@contextlib.contextmanager
def isolated_secrets() -> Iterator[None]:
    """Forget, on exit, the keys registered inside the block (for tests: a throw-away key such
    as "x" would otherwise be redacted, as a word of its own, for the rest of the process)."""
    global _ring
    saved = _ring
    try:
        yield
    finally:
        with _lock:
            _ring = saved


def secret_pattern(keys: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of ``keys`` in any of its :func:`spellings`, in any case.

    The spellings are merged into a prefix tree, so a text is scanned once whatever the number
    of keys (an agency may hold hundreds of client keys).

    >>> bool(secret_pattern(["sk-abc-123456"]).search("x=SK-ABC-123456"))
    True
    """
    forms = {f.lower() for k in keys if k for f in spellings(k)}
    long_forms = _prefix_tree([f for f in forms if len(f) >= SHORT_KEY])
    short_forms = _prefix_tree([f for f in forms if len(f) < SHORT_KEY])
    alternatives = [long_forms] if long_forms else []
    if short_forms:   # only as a word of its own
        alternatives.append(rf"(?<![a-z0-9]){short_forms}(?![a-z0-9])")
    return re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE)


def _prefix_tree(words: list[str]) -> str:
    """One regex for ``words``, shared prefixes written once; the longest match wins.

    >>> _prefix_tree(["abc", "abd", "ab"])
    'ab(?:c|d)?'
    """
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:   # a word ends here: what follows is optional (greedy: longest first)
            body = body if body.startswith("(?:") and len(branches) > 1 else f"(?:{body})"
            return body + "?"
        return body

    return emit(tree)


def redact(text: object) -> str:
    """Return ``text`` as a string with every API key replaced by ``REDACTED``.

    >>> redact("GET /api/v1/campaigns?api_key=abc123&offset=0")
    'GET /api/v1/campaigns?api_key=REDACTED&offset=0'
    >>> redact('{"apiKey":"abc123","id":7}')
    '{"apiKey":"REDACTED","id":7}'
    """
    s = text if isinstance(text, str) else str(text)
    ring = _ring
    if ring.pattern is not None:
        s = ring.pattern.sub(REDACTED, s)
    return _KEY_FIELD.sub(lambda m: m.group(1) + REDACTED, s)


def key_fields(text: str) -> list[str]:
    """Every key field in ``text`` whose value is not ``REDACTED`` (name and value).

    >>> key_fields('GET /x?api_key=REDACTED {"apiKey":"abc123"}')
    ['apiKey":"abc123']
    """
    return [m.group(0) for m in _KEY_FIELD.finditer(text)]


def is_key_name(name: str) -> bool:
    """Is ``name`` a field that carries a key (``api_key``, ``apiKey``, ``X-API-Key``...)?"""
    return bool(_KEY_NAME_ONLY.match(name.strip()))


def holds_secret(text: str) -> bool:
    """Does ``text`` carry a registered key, in any spelling, or a key field's value?

    >>> holds_secret("x?api_key=REDACTED"), holds_secret("x?api_key=abc123")
    (False, True)
    """
    return redact(text) != text


def redact_bytes(data: bytes | bytearray) -> bytes:
    """``data`` with every key replaced, whatever its encoding (ASCII-compatible ones: UTF-8,
    Latin-1, cp1252...): read as Latin-1, every byte stands for itself.

    >>> redact_bytes(b"caf\\xe9 api_key=abc123")
    b'caf\\xe9 api_key=REDACTED'
    """
    return redact(bytes(data).decode("latin-1")).encode("latin-1")


def redact_value(value: Any) -> Any:
    """``value`` with every string in it redacted: dicts (keys too), lists and tuples, deeply.

    >>> redact_value({"url": "/x?api_key=abc", "n": [1, "api_key=abc"]})
    {'url': '/x?api_key=REDACTED', 'n': [1, 'api_key=REDACTED']}
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    if isinstance(value, (bytes, bytearray)):
        return redact(bytes(value).decode("utf-8", errors="replace"))
    return value


# -- exceptions ---------------------------------------------------------------------------------
# Built-in exceptions keep these outside __dict__, and their str() reads some of them
# (OSError.strerror and filename, UnicodeError.object and reason, SyntaxError.msg and text...).
_BUILTIN_FIELDS = ("msg", "filename", "filename2", "strerror", "text", "object", "reason",
                   "name", "path", "obj", "value", "code")
# Objects whose text cannot hold a key (and whose attributes are not worth a look).
_PLAIN = (type(None), bool, int, float, complex, types.ModuleType, type, types.FunctionType,
          types.BuiltinFunctionType, types.MethodType, types.CodeType)
F = TypeVar("F", bound=Callable[..., Any])


def redact_exception(exc: BaseException) -> BaseException:
    """Remove every key from ``exc`` in place, and return it.

    Redacts the message and ``args`` (an argument that is not text is kept unless its repr or
    attributes hold a key; then its redacted repr replaces it), ``__notes__``, the attributes
    (an object holding a key becomes ``None``), exceptions in ``__cause__``, ``__context__``
    and groups, recursively; and clears the local variables of every finished frame of their
    tracebacks that holds a key (the frame stays, with its file and line).

    >>> register_secret("sk-doctest-0000")
    >>> err = redact_exception(ValueError("no route for /x?api_key=sk-doctest-0000"))
    >>> err.args
    ('no route for /x?api_key=REDACTED',)
    """
    _clean_exception(exc, set())
    return exc


def redacted_errors(fn: F) -> F:
    """Decorate a function at the client's public boundary: whatever it raises, whatever library
    raised it, leaves redacted (:func:`redact_exception`). A generator function is guarded
    while it is iterated.

    Put it on every function that takes a key, and make such a function wrap the key in a
    ``Secret`` in its first statement: frames of callers above the boundary are not cleared.
    """
    if getattr(fn, "__redacts_errors__", False):
        return fn
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def guarded_iteration(*args: Any, **kwargs: Any) -> Any:
            try:
                return (yield from fn(*args, **kwargs))
            except GeneratorExit:
                raise
            except BaseException as exc:
                del args, kwargs          # this frame stays in the traceback: keep it bare
                stand_in = _cleaned_or_stand_in(exc)
                if stand_in is None:
                    raise
            raise stand_in                # outside the except block: it chains to nothing

        guarded = guarded_iteration
    else:
        @functools.wraps(fn)
        def guarded_call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except BaseException as exc:
                del args, kwargs
                stand_in = _cleaned_or_stand_in(exc)
                if stand_in is None:
                    raise
            raise stand_in

        guarded = guarded_call
    guarded.__redacts_errors__ = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


def redact_public_errors(cls: type) -> type:
    """Class decorator: :func:`redacted_errors` on ``__init__`` and every public method,
    inherited ones included (the client's methods live in its mixins)."""
    for name in dir(cls):
        if name.startswith("_") and name != "__init__":
            continue
        member = inspect.getattr_static(cls, name)
        if inspect.isfunction(member):
            setattr(cls, name, redacted_errors(member))
    return cls


def _cleaned_or_stand_in(exc: BaseException) -> BaseException | None:
    """Clean ``exc`` in place and return None; if cleaning fails, an exception safe to raise
    instead (the details could not be checked, so they are not shown)."""
    try:
        redact_exception(exc)
        return None
    except Exception:
        return RuntimeError(f"{type(exc).__name__} (its details were withheld: they could "
                            f"not be checked for the API key)")


def _clean_exception(exc: BaseException, seen: set[int]) -> None:
    if id(exc) in seen:
        return
    seen.add(id(exc))
    args = tuple(_clean(a, seen, in_args=True) for a in exc.args)
    if any(new is not old for new, old in zip(args, exc.args)):
        exc.args = args
    for name in _BUILTIN_FIELDS:
        if name in _own_attributes(exc):
            continue
        try:
            value = getattr(exc, name)
        except Exception:     # not this type's field, or a property that fails
            continue
        clean = _clean(value, seen, in_args=True)
        if clean is not value:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(exc, name, _same_kind(value, clean))
    for name, value in list(_own_attributes(exc).items()):
        clean = _clean(value, seen, in_args=False)
        if clean is not value:
            exc.__dict__[name] = clean
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [redact(n) if isinstance(n, str) else n for n in notes]
    for group_member in getattr(exc, "exceptions", None) or ():
        if isinstance(group_member, BaseException):
            _clean_exception(group_member, seen)
    for chained in (exc.__cause__, exc.__context__):
        if chained is not None:
            _clean_exception(chained, seen)
    _clear_frames(exc.__traceback__)


def _own_attributes(exc: BaseException) -> dict:
    attributes = getattr(exc, "__dict__", None)
    return attributes if isinstance(attributes, dict) else {}


def _same_kind(old: Any, new: Any) -> Any:
    """A built-in field keeps its type: UnicodeDecodeError.object must stay bytes."""
    if isinstance(old, (bytes, bytearray)) and isinstance(new, str):
        return new.encode("latin-1", errors="replace")
    return new


def _clean(value: Any, seen: set[int], *, in_args: bool, level: int = 0) -> Any:
    """``value`` without keys; the very object when it holds none."""
    if isinstance(value, str):
        clean = redact(value)
        return value if clean == value else clean
    if isinstance(value, (bytes, bytearray)):
        clean_bytes = redact_bytes(value)
        return value if clean_bytes == value else type(value)(clean_bytes)
    if isinstance(value, BaseException):
        _clean_exception(value, seen)
        return value
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (list, tuple, set, frozenset, dict)) and level < _NESTING:
        pairs = value.items() if isinstance(value, dict) else [(v, None) for v in value]
        cleaned = [(_clean(k, seen, in_args=in_args, level=level + 1),
                    _clean(v, seen, in_args=in_args, level=level + 1)) for k, v in pairs]
        if all(a is k and b is v for (a, b), (k, v) in zip(cleaned, pairs)):
            return value
        if isinstance(value, dict):
            return dict(cleaned)
        items = [a for a, _ in cleaned]
        try:
            return type(value)(items)
        except Exception:      # a named tuple, or a subclass that wants other arguments
            return list(items) if isinstance(value, list) else tuple(items)
    if not _holds(value):
        return value
    return redact(_safe_repr(value)) if in_args else None


def _holds(value: Any, depth: int = 2, level: int = 0) -> bool:
    """Does ``value`` show a key: in its text, its items, or (``depth`` levels down) its
    attributes? A value whose repr fails counts as holding one (it cannot be checked, and
    no traceback printer can show it anyway)."""
    if isinstance(value, str):
        return holds_secret(value)
    if isinstance(value, (bytes, bytearray)):
        return holds_secret(bytes(value).decode("latin-1"))
    if isinstance(value, _PLAIN):
        return False
    if isinstance(value, (list, tuple, set, frozenset, dict)) and level < _NESTING:
        items = (x for kv in value.items() for x in kv) if isinstance(value, dict) else value
        return any(_holds(v, depth, level + 1) for v in items)
    text = _safe_repr(value)
    if text is None or holds_secret(text):
        return True
    attributes = getattr(value, "__dict__", None)
    if depth > 0 and isinstance(attributes, dict):
        return any(_holds(v, depth - 1, level + 1) for v in list(attributes.values()))
    return False


def _safe_repr(value: Any) -> str | None:
    try:
        return repr(value)
    except Exception:
        return None


def _clear_frames(tb: types.TracebackType | None) -> None:
    """Clear the variables of every frame in ``tb`` that holds a key. A frame still running
    (the boundary's own) cannot be cleared; it holds no key by construction. Nor is a paused
    generator's: clearing it would close the generator."""
    while tb is not None:
        frame = tb.tb_frame
        if _paused_generator(frame):
            tb = tb.tb_next
            continue
        try:
            variables = list(frame.f_locals.values())
        except Exception:
            variables = [object.__new__(_Unreadable)]
        if any(_holds(v) for v in variables):
            with contextlib.suppress(RuntimeError):
                frame.clear()
        tb = tb.tb_next


_GENERATOR_CODE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
_YIELD = dis.opmap["YIELD_VALUE"]


def _paused_generator(frame: types.FrameType) -> bool:
    """Is ``frame`` a generator's (or coroutine's) that stands at a yield, to be resumed?"""
    code = frame.f_code
    if not code.co_flags & _GENERATOR_CODE:
        return False
    try:
        return code.co_code[frame.f_lasti] == _YIELD
    except IndexError:
        return False


class _Unreadable:
    def __repr__(self) -> str:
        raise RuntimeError("frame variables could not be read")


# -- logs and warnings --------------------------------------------------------------------------
class RedactingFilter(logging.Filter):
    """Rewrites a log record's message so that it carries no API key."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg = clean
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters render exc_info lazily; pre-render it redacted.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_filter = RedactingFilter()
_installed = False


def _redacting_formatwarning(original: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(original)
    def formatwarning(*args: Any, **kwargs: Any) -> str:
        return redact(original(*args, **kwargs))

    formatwarning.__redacts__ = True  # type: ignore[attr-defined]
    return formatwarning


def _redacting_record_factory(original: Callable[..., logging.LogRecord]
                              ) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        if any(record.name == n or record.name.startswith(n + ".") for n in _LOGGERS_WITH_URLS):
            _filter.filter(record)
        return record

    make_record.__redacts__ = True  # type: ignore[attr-defined]
    return make_record


def install_log_filter() -> None:
    """Redact the records of every logger known to print request URLs, and their children's,
    as they are made (a record factory: a logger filter would miss child loggers), and printed
    warnings (``warnings.formatwarning``, the documented hook)."""
    global _installed
    if _installed:
        return
    if not getattr(logging.getLogRecordFactory(), "__redacts__", False):
        logging.setLogRecordFactory(_redacting_record_factory(logging.getLogRecordFactory()))
    if not getattr(warnings.formatwarning, "__redacts__", False):
        warnings.formatwarning = _redacting_formatwarning(warnings.formatwarning)
    _installed = True
