"""The typing rules every response frame shares: SmartLead's loose JSON -> real dtypes (pure).

SmartLead sends many counts as strings (``"640"``), ids sometimes as strings, timestamps as
ISO text, and rates as percent strings (``"34%"``). A column's type is told by its name
(:func:`column_kind`); :func:`tidy_frame` applies that to a list of records, so analysts get
integers, UTC datetimes and floats whichever spelling came back. Mailbox credentials
(:data:`SECRET_FIELDS`) are dropped from every record on the way.

>>> frame = tidy_frame([{"id": "7", "sent_count": "640", "created_at": "2025-06-02T09:15:00.000Z",
...                       "reply_rate": "34%", "password": "hunter2"}])
>>> frame[["id", "sent_count"]].dtypes.astype(str).tolist(), frame["reply_rate"].dtype.name
(['Int64', 'Int64'], 'float64')
>>> frame["created_at"][0], "password" in frame
(Timestamp('2025-06-02 09:15:00+0000', tz='UTC'), False)
>>> to_int("640"), to_int(""), to_int("2.5"), to_int("x")
(640, None, 2.5, 'x')
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

__all__ = ["COUNT_FIELDS", "ID_FIELDS", "SECRET_FIELDS", "TIME_FIELDS", "coerce_counts",
           "column_kind", "columns_first", "integer_column", "integer_text_column",
           "percent_column", "strip_secrets", "tidy_frame", "to_int"]

# Mailbox credentials come back from the email-account endpoints; they never leave the client.
SECRET_FIELDS = frozenset({"password", "imap_password", "smtp_password", "app_password",
                           "refresh_token", "access_token"})

COUNT_SUFFIXES = ("_count",)
COUNT_FIELDS = frozenset({
    "total_leads", "total_stats", "total", "blocked", "stopped", "completed", "inprogress",
    "notStarted", "interested", "booked", "paused", "sent", "opened", "clicked", "replied",
    "bounced", "unsubscribed", "positive_replied", "message_per_day", "max_leads_per_day",
    "min_time_btwn_emails", "follow_up_percentage", "sequence_number", "seq_number",
    "delay_in_days",
})
ID_FIELDS = frozenset({"id", "user_id", "client_id", "lead_id", "campaign_id", "email_campaign_id",
                       "email_campaign_seq_id", "seq_variant_id", "campaign_lead_map_id",
                       "lead_category_id", "email_account_id", "parent_campaign_id"})
TIME_FIELDS = frozenset({"created_at", "updated_at", "sent_time", "open_time", "click_time",
                         "reply_time", "last_reply_at", "schedule_start_time", "time",
                         "last_sent_time"})


def strip_secrets(record: Any) -> Any:
    """Drop mailbox passwords and tokens from a record (recursively)."""
    if isinstance(record, dict):
        return {k: strip_secrets(v) for k, v in record.items() if k not in SECRET_FIELDS}
    if isinstance(record, list):
        return [strip_secrets(v) for v in record]
    return record


def to_int(value: Any) -> Any:
    """``"640"`` -> 640; ``None``/``""`` -> ``None``; anything else unchanged."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
                return int(number) if number.is_integer() else number
            except ValueError:
                return value
    return value


def coerce_counts(record: Mapping[str, Any]) -> dict[str, Any]:
    """Cast every count-like and id-like field of one record to a number."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out[key] = coerce_counts(value)
        elif _is_count(key) or key in ID_FIELDS:
            out[key] = to_int(value)
        else:
            out[key] = value
    return out


def _is_count(key: str) -> bool:
    return key in COUNT_FIELDS or key.endswith(COUNT_SUFFIXES)


def column_kind(name: object) -> str:
    """How a column is typed, by its name (the last dotted part of a flattened one):
    ``"time"``, ``"int"`` (counts and ids), ``"rate"`` (``*_rate``) or ``"text"``.

    >>> [column_kind(c) for c in ("sent_time", "lead.id", "open_count", "reply_rate", "name")]
    ['time', 'int', 'int', 'rate', 'text']
    """
    leaf = str(name).rsplit(".", 1)[-1]
    if leaf in TIME_FIELDS or leaf.endswith("_at"):
        return "time"
    if _is_count(leaf) or leaf in ID_FIELDS:
        return "int"
    return "rate" if leaf.endswith("_rate") else "text"


def tidy_frame(records: Iterable[Mapping[str, Any]], *, columns: Sequence[str] | None = None,
               index: str | None = None) -> pd.DataFrame:
    """A DataFrame with SmartLead's dtypes fixed: counts -> Int64, ids -> Int64, times -> UTC."""
    rows = [strip_secrets(dict(r)) for r in records]
    frame = pd.DataFrame(rows, columns=list(columns) if columns else None)
    for col in frame.columns:
        kind = column_kind(col)
        if kind == "time":
            frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601")
        elif kind == "int":
            frame[col] = integer_column(frame[col])
        elif kind == "rate" and not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = percent_column(frame[col])
    if index and index in frame.columns:
        frame = frame.set_index(index)
    return frame


def integer_column(series: pd.Series) -> pd.Series:
    """Counts as ``Int64`` (whole numbers) or floats; a column that is not all numbers stays."""
    return _numbers_or_as_given(series, pd.to_numeric(series.map(to_int), errors="coerce"))


def integer_text_column(series: pd.Series) -> pd.Series:
    """:func:`integer_column` for a column of text, without a Python call per value."""
    return _numbers_or_as_given(series, pd.to_numeric(series, errors="coerce"))


def _numbers_or_as_given(series: pd.Series, numbers: pd.Series) -> pd.Series:
    if numbers.isna().sum() > series.isna().sum():
        return series  # not all numeric: leave as given rather than lose values
    if (numbers.dropna() % 1 == 0).all():
        return numbers.astype("Int64")
    return numbers


def percent_column(series: pd.Series) -> pd.Series:
    """``"34%"`` -> 34.0 (the analytics endpoints send rates as percent strings)."""
    cleaned = series.astype("string").str.rstrip("%").str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")  # "34%": a float
    return numbers if numbers.notna().sum() >= series.notna().sum() else series


def columns_first(frame: pd.DataFrame, first: Sequence[str]) -> pd.DataFrame:
    """The ``first`` columns leading; an empty answer still has them, so a notebook cell that
    selects them gets an empty table rather than a KeyError (a campaign with no leads yet)."""
    if frame.empty:
        return frame.reindex(columns=list(first) + [c for c in frame.columns if c not in first])
    lead = [c for c in first if c in frame.columns]
    return frame[lead + [c for c in frame.columns if c not in lead]]
