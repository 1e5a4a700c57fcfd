"""Keeping the API key out of every text the toolkit produces.

SmartLead authenticates with an ``api_key`` query parameter, so the key is part of every URL.
URLs end up in exception messages (requests, urllib3), in urllib3's DEBUG log lines and in
anything a notebook echoes; a server may also echo the key back in a body, a header or a
redirect target. Two defences, both applied everywhere text leaves the toolkit:

1. every key this process has been given (registered by the client) is replaced by
   ``REDACTED`` wherever it appears, in every spelling it can take on the way: as typed, URL
   encoded (``%29`` for ``)``, ``+`` or ``%20`` for a space), JSON- or repr-escaped;
2. then ``api_key=<anything>`` in a text becomes ``api_key=REDACTED`` (keys never registered).

A key shorter than ``SHORT_KEY`` characters is only replaced where it stands alone (not inside
a longer word): replacing "ab" inside "table" would garble every message and hide nothing.

A logging filter installed on the loggers that print URLs (urllib3, requests,
requests-ratelimiter, smartlead_nb) applies the same rewrite to their records.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from typing import Any, Iterator
from urllib.parse import quote, quote_plus

REDACTED = "REDACTED"
SHORT_KEY = 8
# The value runs to the next parameter, whitespace, quote or angle bracket. ``)`` and ``#``
# do not end it: a key may contain them (registered keys are replaced before this runs).
_QUERY_KEY = re.compile(r"(api_key(?:=|%3D|': '|\": \"))[^&\s'\"<>]+", re.IGNORECASE)
_known_keys: set[str] = set()
_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()

# urllib3 logs full URLs at DEBUG; requests-ratelimiter logs them at INFO on a 429.
_LOGGERS_WITH_URLS = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.util.retry",
    "urllib3.connection",
    "urllib3.response",
    "requests",
    "requests_ratelimiter",
    "requests_ratelimiter.requests_ratelimiter",
    "pyrate_limiter",
    "smartlead_nb",
)


def spellings(key: str) -> set[str]:
    """Every form ``key`` can take in a URL, a JSON body or a repr.

    >>> {"a b)", "a+b%29", "a%20b%29"} <= spellings("a b)")
    True
    """
    forms = {key, quote_plus(key, safe=""), quote(key, safe=""), quote(key, safe="/:@!$'()*,;"),
             json.dumps(key)[1:-1], repr(key)[1:-1]}
    forms |= {f.replace("%", "%25") for f in list(forms) if "%" in f}  # encoded twice
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in list(forms)}
    return {f for f in forms if f}


def register_secret(key: str) -> None:
    """Remember a key so that :func:`redact` removes it from any text, in any form."""
    global _pattern
    if key:
        with _lock:
            if key not in _known_keys:
                _known_keys.add(key)
                _pattern = _build_pattern(_known_keys)
    install_log_filter()


@contextlib.contextmanager
def isolated_secrets() -> Iterator[None]:
    """Forget, on exit, the keys registered inside the block (for tests: a throw-away key such
    as "x" would otherwise be redacted, as a word of its own, for the rest of the process)."""
    global _pattern
    with _lock:
        saved = set(_known_keys), _pattern
    try:
        yield
    finally:
        with _lock:
            _known_keys.clear()
            _known_keys.update(saved[0])
            _pattern = saved[1]


def _build_pattern(keys: set[str]) -> re.Pattern[str]:
    alternatives = []
    for form in sorted({f for k in keys for f in spellings(k)}, key=len, reverse=True):
        escaped = re.escape(form)
        if len(form) < SHORT_KEY:  # only as a word of its own
            escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives))


def redact(text: object) -> str:
    """Return ``text`` as a string with every API key replaced by ``REDACTED``.

    >>> redact("GET /api/v1/campaigns?api_key=abc123&offset=0")
    'GET /api/v1/campaigns?api_key=REDACTED&offset=0'
    """
    s = text if isinstance(text, str) else str(text)
    pattern = _pattern
    if pattern is not None:
        s = pattern.sub(REDACTED, s)
    return _QUERY_KEY.sub(lambda m: m.group(1) + REDACTED, s)


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
        return True


_filter = RedactingFilter()
_installed = False


def install_log_filter() -> None:
    """Attach the redacting filter to every logger known to print request URLs.

    Logger filters only see records created on that very logger (not its children),
    hence the explicit list.
    """
    global _installed
    if _installed:
        return
    for name in _LOGGERS_WITH_URLS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
    _installed = True
