"""The client's answers -> frames with exactly a mirror table's columns and types (pure).

Every function takes what a public client method returns and gives a DataFrame whose
columns are :mod:`.schema`'s, in order, so the store can insert it by position.

>>> frame = conform(pd.DataFrame({"campaign_id": [7], "email_account_id": ["9"]}),
...                 "campaign_accounts")
>>> list(frame.columns), str(frame["email_account_id"].dtype)
(['campaign_id', 'email_account_id', 'from_email'], 'Int64')
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

import pandas as pd

from ..frames.clean import is_missing, scalar_text
from ..frames.emails import email_key
from ..frames.responses import to_int
from .schema import TABLE

_PANDAS_TYPES = {"BIGINT": "Int64", "INTEGER": "Int64", "BOOLEAN": "boolean",
                 "DOUBLE": "Float64"}


def conform(frame: pd.DataFrame, table: str, **constants: Any) -> pd.DataFrame:
    """``frame`` with ``table``'s columns (missing ones null, extra ones dropped), typed.

    ``constants`` set a column for every row (``campaign_id=7``).
    """
    spec = TABLE[table]
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        if col.name in constants:
            values: Any = constants[col.name]
        elif col.name in frame.columns:
            values = frame[col.name]
        else:
            values = None
        series = pd.Series(values, index=frame.index) if not isinstance(values, pd.Series) \
            else values
        out[col.name] = _typed(series, col.type)
    return out.reset_index(drop=True)


def _typed(series: pd.Series, sql_type: str) -> pd.Series:
    if sql_type == "TIMESTAMPTZ":
        if series.dtype.kind == "M" and getattr(series.dt, "tz", None) is not None:
            return series.dt.tz_convert("UTC").dt.as_unit("us")
        return pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601").dt.as_unit("us")
    if sql_type in ("BIGINT", "INTEGER"):
        if series.dtype == "Int64":
            return series
        return pd.to_numeric(series.map(to_int), errors="coerce").astype("Int64")
    if sql_type == "BOOLEAN":
        if series.dtype == "boolean":
            return series
        return series.map(_boolean).astype("boolean")
    if sql_type == "DOUBLE":
        return pd.to_numeric(series, errors="coerce").astype("Float64")
    return series.map(_text).astype(object)


def _boolean(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return pd.NA
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "t")
    return bool(value)


def _text(value: Any) -> Any:
    """A text cell as the rest of the package writes values (``frames.clean``): a whole float
    without ``.0``, booleans as ``true``/``false``, dicts and lists as JSON, missing as None."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return scalar_text(value)


# --- one builder per table -------------------------------------------------------------------
def campaigns(frame: pd.DataFrame, synced_at: pd.Timestamp | None = None) -> pd.DataFrame:
    """From ``client.campaigns.frame()``."""
    frame = frame.rename(columns={"id": "campaign_id"})
    if "schedule_days" in frame.columns:
        frame["schedule_days"] = frame["schedule_days"].map(
            lambda days: ",".join(str(d) for d in days) if isinstance(days, (list, tuple))
            else days)
    return conform(frame, "campaigns", deleted=False, synced_at=synced_at)


def accounts(frame: pd.DataFrame) -> pd.DataFrame:
    """From ``client.email_accounts.frame()``; only the schema's columns (no secrets) stay."""
    return conform(frame.rename(columns={"id": "email_account_id"}), "accounts")


def campaign_accounts(rows: Iterable[Mapping[str, Any]], campaign_id: int) -> pd.DataFrame:
    """From ``client.campaigns.email_accounts.list(cid)``."""
    frame = pd.DataFrame([{"email_account_id": r.get("id"), "from_email": r.get("from_email")}
                          for r in rows], columns=["email_account_id", "from_email"])
    return conform(frame, "campaign_accounts", campaign_id=campaign_id)


def sequences(frame: pd.DataFrame, campaign_id: int) -> pd.DataFrame:
    """From ``client.sequences.frame(cid)``."""
    return conform(frame, "sequences", campaign_id=campaign_id)


def leads(export: pd.DataFrame, campaign_id: int) -> pd.DataFrame:
    """From ``client.leads.export(cid)``; ``category_id``/``category`` are filled later.

    ``email`` is SmartLead's spelling, lower-cased (its other answers name the lead so, and
    the mirror joins them on it); ``email_key`` is who the lead is, as every duplicate check
    compares (:func:`~smartlead_nb.frames.emails.email_key`).
    """
    frame = export.rename(columns={"id": "lead_id"})
    if "email" in frame.columns:
        frame["email_key"] = email_keys(frame["email"])
        frame["email"] = frame["email"].astype("string").str.strip().str.lower()
    return conform(frame, "leads", campaign_id=campaign_id)


def email_keys(emails: pd.Series) -> pd.Series:
    """:func:`~smartlead_nb.frames.emails.email_key` of each address (None where missing)."""
    return emails.map(lambda e: None if is_missing(e) else email_key(str(e)) or None
                      ).astype(object)


def statistics(frame: pd.DataFrame, campaign_id: int) -> pd.DataFrame:
    """From statistics rows (``frames.responses.statistics_frame``)."""
    if "lead_email" in frame.columns:
        frame = frame.assign(lead_email=frame["lead_email"].astype("string").str.strip()
                             .str.lower())
    out = conform(frame, "statistics", campaign_id=campaign_id)
    # A page boundary moving under a re-read may repeat a row: the last read wins.
    return out.drop_duplicates(["lead_email", "sequence_number"], keep="last")


def mailbox_statistics(frame: pd.DataFrame, campaign_id: int) -> pd.DataFrame:
    """From ``client.statistics.mailboxes.frame(cid)``."""
    return conform(frame, "mailbox_statistics", campaign_id=campaign_id)


def replies(frame: pd.DataFrame) -> pd.DataFrame:
    """From ``frames.inbox.replies_frame(rows, ...)`` plus a ``sequence_number`` column."""
    if "lead_email" in frame.columns:
        frame = frame.assign(lead_email=frame["lead_email"].astype("string").str.lower())
    return conform(frame, "replies")


def replied_steps(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """For inbox rows read with their thread: which step each reply answers.

    A REPLY answers the SENT item with the same ``stats_id`` when there is one (the
    message-history shape), else the latest SENT before it. Returns ``email_lead_map_id``,
    ``reply_time``, ``sequence_number`` (null when the thread does not say) and
    ``sent_time`` (of the email replied to).

    >>> steps = replied_steps([{"email_lead_map_id": 9, "history": [
    ...     {"type": "SENT", "time": "2025-06-02T09:00:00Z", "email_seq_number": 1},
    ...     {"type": "SENT", "time": "2025-06-04T09:00:00Z", "email_seq_number": 2},
    ...     {"type": "REPLY", "time": "2025-06-05T10:00:00Z"}]}])
    >>> steps[["email_lead_map_id", "sequence_number"]].values.tolist()
    [[9, 2]]
    """
    out = []
    for row in rows:
        history = row.get("history")
        if not isinstance(history, list):
            continue
        items = sorted((h for h in history if isinstance(h, Mapping)),
                       key=lambda h: str(h.get("time") or ""))
        sent = [h for h in items if str(h.get("type", "")).upper() == "SENT"]
        for item in items:
            if str(item.get("type", "")).upper() != "REPLY":
                continue
            answered = next((s for s in sent if item.get("stats_id") is not None
                             and s.get("stats_id") == item.get("stats_id")), None)
            if answered is None:
                before = [s for s in sent if str(s.get("time") or "") <= str(item.get("time"))]
                answered = before[-1] if before else None
            out.append({"email_lead_map_id": to_int(row.get("email_lead_map_id")),
                        "reply_time": item.get("time"),
                        "sequence_number": to_int((answered or {}).get("email_seq_number")),
                        "sent_time": (answered or {}).get("time")})
    frame = pd.DataFrame(out, columns=["email_lead_map_id", "reply_time", "sequence_number",
                                       "sent_time"])
    frame["email_lead_map_id"] = frame["email_lead_map_id"].astype("Int64")
    frame["sequence_number"] = pd.to_numeric(frame["sequence_number"]).astype("Int64")
    for col in ("reply_time", "sent_time"):
        frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce",
                                    format="ISO8601").dt.as_unit("us")
    return frame


def lead_history_replies(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """From ``leads-statistics`` rows: one row per REPLY with the lead's email and the time
    of the email it answers (the latest SENT before it).

    >>> lead_history_replies([{"to": "A@x.io", "history": [
    ...     {"type": "SENT", "time": "2025-06-02T09:00:00Z"},
    ...     {"type": "REPLY", "time": "2025-06-03T10:00:00Z"}]}])["lead_email"].tolist()
    ['a@x.io']
    """
    out = []
    for row in rows:
        email = str(row.get("to") or "").strip().lower()
        history = [h for h in row.get("history") or [] if isinstance(h, Mapping)]
        history.sort(key=lambda h: str(h.get("time") or ""))
        last_sent = None
        for item in history:
            kind = str(item.get("type", "")).upper()
            if kind == "SENT":
                last_sent = item.get("time")
            elif kind == "REPLY" and last_sent is not None:
                out.append({"lead_email": email, "reply_time": item.get("time"),
                            "sent_time": last_sent})
    frame = pd.DataFrame(out, columns=["lead_email", "reply_time", "sent_time"])
    for col in ("reply_time", "sent_time"):
        frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce",
                                    format="ISO8601").dt.as_unit("us")
    return frame
