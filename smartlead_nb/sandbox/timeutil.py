"""Time helpers shared by the sandbox: one wire format for every timestamp.

All times are stored and sent as UTC strings like ``2025-06-02T09:15:00.000Z``. The fixed
width means that string order equals time order, so SQLite can compare them directly.
"""
from __future__ import annotations

from datetime import datetime, timezone

UTC = timezone.utc


def to_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime) -> str:
    """Format a datetime in the API's wire format (UTC, milliseconds, ``Z``)."""
    value = to_utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 string (``Z``, offset, or a space instead of ``T``) into UTC.

    Raises ValueError for anything else.
    """
    text = text.strip()
    if len(text) > 10 and text[10] == " ":
        text = text[:10] + "T" + text[11:]
    return to_utc(datetime.fromisoformat(text))


def utcnow() -> datetime:
    """The real current time in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)
