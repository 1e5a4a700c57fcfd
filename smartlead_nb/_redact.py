"""Keeping the API key out of every text the toolkit produces.

SmartLead authenticates with an ``api_key`` query parameter, so the key is part of every URL.
URLs end up in exception messages (requests, urllib3), in urllib3's DEBUG log lines and in
anything a notebook echoes. Two defences, both applied everywhere text leaves the toolkit:

1. ``api_key=<anything>`` in a text becomes ``api_key=REDACTED``;
2. every key this process has been given (registered by the client) is replaced by
   ``REDACTED`` wherever it appears, whatever surrounds it.

A logging filter installed on the loggers that print URLs (urllib3, requests,
requests-ratelimiter, smartlead_nb) applies the same rewrite to their records.
"""

from __future__ import annotations

import logging
import re
import threading

REDACTED = "REDACTED"
_QUERY_KEY = re.compile(r"(api_key(?:=|%3D|': '|\": \"))[^&\s'\"#)]+", re.IGNORECASE)
_known_keys: set[str] = set()
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


def register_secret(key: str) -> None:
    """Remember a key so that :func:`redact` removes it from any text, in any form."""
    if key and len(key) >= 4:
        with _lock:
            _known_keys.add(key)
    install_log_filter()


def redact(text: object) -> str:
    """Return ``text`` as a string with every API key replaced by ``REDACTED``.

    >>> redact("GET /api/v1/campaigns?api_key=abc123&offset=0")
    'GET /api/v1/campaigns?api_key=REDACTED&offset=0'
    """
    s = text if isinstance(text, str) else str(text)
    s = _QUERY_KEY.sub(lambda m: m.group(1) + REDACTED, s)
    for key in _known_keys:
        if key in s:
            s = s.replace(key, REDACTED)
    return s


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
