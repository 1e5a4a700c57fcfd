"""Statistics and analytics answers -> typed DataFrames and records (pure, no HTTP).

For the per-email (``statistics``), per-sender (``mailbox-statistics``) and per-lead
(``leads-statistics``) endpoints of a campaign, its analytics by date (summed over windows),
and the account-wide ``/analytics/*`` endpoints. Counts become integers (``Int64``), times UTC
datetimes, percent strings (``"34%"``) floats (``34.0``). Each builder tolerates every shape
SmartLead documents for its endpoint, and an empty answer still has the documented columns.

>>> frame = mailbox_statistics_frame([{"email_account_id": "9001", "from_email": "max@x.io",
...     "sent_count": "212", "reply_count": "6", "sent_time": "2025-06-05T08:14:02.000Z"}])
>>> frame[["email_account_id", "sent_count", "reply_count"]].dtypes.astype(str).tolist()
['Int64', 'Int64', 'Int64']
>>> str(frame["sent_time"].dt.tz)
'UTC'
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .tidy import coerce_counts, columns_first, integer_column, percent_column, tidy_frame, to_int

MAILBOX_COLUMNS = ["email_account_id", "from_email", "sent_count", "open_count", "click_count",
                   "reply_count", "bounce_count", "unsubscribed_count", "sender_bounce_count",
                   "sent_time"]
LEAD_COLUMNS = ["lead_id", "email_lead_map_id", "to", "from", "status", "last_seq_num",
                "sent_count", "reply_count", "replied", "first_sent_time", "last_event_time",
                "created_at", "history"]
HISTORY_COLUMNS = ["lead_id", "email_lead_map_id", "to", "from", "type", "time", "subject",
                   "email_body", "message_id", "stats_id", "cc_emails"]
DAY_COLUMNS = ["date", "sent", "opened", "replied", "bounced"]
PERFORMANCE_COLUMNS = ["id", "campaign_name", "sent", "opened", "replied", "bounced",
                       "positive_replied", "unique_lead_count", "unique_open_count",
                       "open_rate", "reply_rate", "bounce_rate", "positive_reply_rate"]
CATEGORY_COLUMNS = ["category", "total_response", "percentage"]
HEALTH_COLUMNS = ["email_account", "sent", "opened", "replied", "bounced"]
PERCENT_FIELDS = frozenset({"percentage"})   # besides every ``*_rate``


def percent(value: Any) -> Any:
    """``"34%"`` -> 34.0, ``"3.5"`` -> 3.5, a number -> float; ``None``/``""`` -> None.

    >>> percent("34%"), percent(12), percent(None)
    (34.0, 12.0, None)
    """
    if value is None or isinstance(value, bool):
        return None if value is None else value
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().rstrip("%").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return value            # not a percentage: left as given rather than lost


def analytics_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """One analytics object with counts as ints and rates (``*_rate``, ``percentage``) as floats.

    >>> analytics_record({"sent": "10", "reply_rate": "34%", "unique_lead_count": 8})
    {'sent': 10, 'reply_rate': 34.0, 'unique_lead_count': 8}
    """
    out = coerce_counts(record)
    for key, value in out.items():
        if _is_percent(key):
            out[key] = percent(value)
    return out


# Fields of analytics-by-date that describe the campaign's whole life, not the window.
LIFETIME_FIELDS = frozenset({"total_count", "drafted_count"})
ECHO_FIELDS = frozenset({"id", "user_id", "created_at", "status", "name", "start_date",
                         "end_date", "campaign_id"})


def combine_analytics_windows(windows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Sum per-window analytics into one record covering the whole range.

    Event counts add up exactly. ``unique_*`` counts add up exactly only when a lead cannot
    appear in two windows for the same event (true of ``unique_sent_count``, first emails);
    for ``unique_open_count`` and ``unique_click_count`` the sum is an upper bound.
    Lifetime fields (``total_count``, ``drafted_count``) are taken from the last window.
    """
    if not windows:
        return {}
    windows = [coerce_counts(w) for w in windows]
    combined: dict[str, Any] = {}
    for key in windows[0]:
        values = [w.get(key) for w in windows]
        if key in ECHO_FIELDS or key in LIFETIME_FIELDS:
            combined[key] = values[-1]
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None):
            combined[key] = sum(v for v in values if v is not None)
        else:
            combined[key] = values[-1]
    combined["start_date"] = windows[0].get("start_date")
    combined["end_date"] = windows[-1].get("end_date")
    combined["windows"] = len(windows)
    return combined


def unwrap(body: Any, key: str) -> Any:
    """The payload of an ``/analytics/*`` answer: ``data[key]``, else the first dict or list
    under ``data`` (another spelling of the key), else ``None`` (nothing recognisable).

    >>> unwrap({"ok": True, "data": {"overall_stats": {"sent": 3}}}, "overall_stats")
    {'sent': 3}
    >>> unwrap({"ok": True, "data": {"category_wise_stats": []}}, "lead_responses_by_category")
    []
    """
    data = body.get("data", body) if isinstance(body, dict) else body
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if isinstance(data.get(key), (dict, list)):
        return data[key]
    return next((v for v in data.values() if isinstance(v, (dict, list))), None)


def _is_percent(key: str) -> bool:
    return key.endswith("_rate") or key in PERCENT_FIELDS


def _typed(rows: Iterable[Mapping[str, Any]], columns: list[str], ints: tuple[str, ...] = ()
           ) -> pd.DataFrame:
    """tidy_frame, then the integer columns tidy_frame cannot tell by name and the percent
    columns, with ``columns`` leading and always present (empty where the answer has none)."""
    frame = tidy_frame([{**dict.fromkeys(columns), **row} for row in rows])
    for col in frame.columns:
        if col in ints:
            frame[col] = integer_column(frame[col])
        elif _is_percent(str(col)) and not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = percent_column(frame[col])
    return columns_first(frame, columns)


# --- per campaign --------------------------------------------------------------------------
def statistics_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per email sent (``GET /campaigns/{id}/statistics``).

    The per-email rows of SmartLead's older help-centre API documentation, which working
    clients read; a current docs page shows per-step totals instead
    (https://api.smartlead.ai/api-reference/campaign-statistics/get-by-id).
    """
    first = ["lead_email", "lead_name", "sequence_number", "email_subject", "sent_time",
             "open_time", "click_time", "reply_time", "open_count", "click_count"]
    # The rest of the documented row, so an empty answer (nothing sent yet) still has every
    # column the analysis functions read and can say "no sends" instead of "no column".
    rest = ["lead_category", "email_campaign_seq_id", "seq_variant_id", "email_message",
            "is_unsubscribed", "is_bounced"]
    frame = columns_first(tidy_frame(rows), first + rest)
    if frame.empty:
        for col in ("sent_time", "open_time", "click_time", "reply_time"):
            frame[col] = pd.to_datetime(frame[col], utc=True)
        for col in ("sequence_number", "open_count", "click_count", "seq_variant_id",
                    "email_campaign_seq_id"):
            frame[col] = frame[col].astype("Int64")
        for col in ("lead_email", "lead_name", "email_subject", "lead_category", "email_message"):
            frame[col] = frame[col].astype("str")
    for col in ("is_unsubscribed", "is_bounced"):
        if col in frame.columns:
            frame[col] = frame[col].astype("boolean")
    return frame


def mailbox_statistics_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per sender mailbox of a campaign (``GET /campaigns/{id}/mailbox-statistics``).

    ``sent_time`` is the mailbox's latest send in the range (UTC).
    """
    return _typed(rows, MAILBOX_COLUMNS)


def leads_statistics_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per lead (``GET /campaigns/{id}/leads-statistics``), its events summarised.

    ``sent_count`` / ``reply_count`` count the lead's ``SENT`` / ``REPLY`` events, ``replied``
    says whether there is one, ``first_sent_time`` and ``last_event_time`` are UTC. The
    events themselves stay in the ``history`` list column exactly as sent (nothing lost); for
    one typed row per event use :func:`lead_history_frame`.

    >>> leads_statistics_frame([{"lead_id": "5", "email_lead_map_id": "77", "to": "a@x.io",
    ...     "history": [{"type": "SENT", "time": "2025-06-03T07:02:11.000Z"},
    ...                 {"type": "REPLY", "time": "2025-06-04T10:00:00.000Z"}]}]
    ...     )[["lead_id", "sent_count", "reply_count", "replied"]]
       lead_id  sent_count  reply_count  replied
    0        5           1            1     True
    """
    flat = []
    for row in rows:
        row = dict(row)
        raw_history = row.get("history")
        history: list[Any] = raw_history if isinstance(raw_history, list) else []
        kinds = [str(h.get("type", "")).upper() for h in history if isinstance(h, dict)]
        stamps: list[Any] = [h.get("time") for h in history if isinstance(h, dict)]
        times = pd.to_datetime(stamps, utc=True, errors="coerce", format="ISO8601")
        sent = [t for t, k in zip(times, kinds) if k == "SENT" and not pd.isna(t)]
        row.update(history=history, sent_count=kinds.count("SENT"),
                   reply_count=kinds.count("REPLY"), replied=kinds.count("REPLY") > 0,
                   first_sent_time=min(sent) if sent else pd.NaT,
                   last_event_time=times.max() if len(times) else pd.NaT)
        flat.append(row)
    frame = _typed(flat, LEAD_COLUMNS, ints=("email_lead_map_id", "last_seq_num"))
    for col in ("first_sent_time", "last_event_time"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    frame["replied"] = frame["replied"].astype("boolean")
    return frame


def lead_history_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per event (``SENT`` / ``REPLY``) of the leads-statistics rows, with the lead's
    ids and addresses beside it, ``time`` in UTC, in the order SmartLead listed them.

    >>> lead_history_frame([{"lead_id": "5", "to": "a@x.io", "from": "me@x.io",
    ...     "history": [{"type": "SENT", "time": "2025-06-03T07:02:11.000Z", "subject": "Hi"}]}]
    ...     )[["lead_id", "to", "type", "subject"]]
       lead_id      to  type subject
    0        5  a@x.io  SENT      Hi
    """
    events = []
    for row in rows:
        lead = {k: row.get(k) for k in ("lead_id", "email_lead_map_id", "to", "from")}
        for item in row.get("history") or []:
            if isinstance(item, dict):
                events.append({**lead, **item})
    return _typed(events, HISTORY_COLUMNS, ints=("email_lead_map_id",))


# --- account-wide --------------------------------------------------------------------------
def record_frame(record: Mapping[str, Any]) -> pd.DataFrame:
    """A one-row frame of one analytics object (overall stats, a top-level date range).

    >>> record_frame({"sent": "4", "reply_rate": "25%"}).dtypes.astype(str).tolist()
    ['Int64', 'float64']
    """
    return _typed([record], [])


def day_wise_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per day (``/analytics/day-wise-overall-stats``), ``date`` as a datetime64 day
    (the local day of the ``timezone`` asked for, so without a zone of its own).

    Flat rows (SmartLead's docs page,
    https://api.smartlead.ai/api-reference/analytics/day-wise-stats) and rows with counts
    nested under ``email_engagement_metrics`` (seen by a client reading the live API) both work.

    >>> day_wise_frame([{"date": "2025-06-02", "email_engagement_metrics": {"sent": "5",
    ...     "opened": "2", "replied": "1", "bounced": "0"}}])
            date  sent  opened  replied  bounced
    0 2025-06-02     5       2        1        0
    """
    flat = []
    for row in rows:
        row = dict(row)
        nested = row.pop("email_engagement_metrics", None)
        if isinstance(nested, dict):
            row = {**nested, **row}
        flat.append(row)
    frame = _typed(flat, DAY_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"].astype("string").str[:10], errors="coerce")
    return frame


def campaign_performance_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per campaign (``/analytics/campaign/overall-stats``), rates as floats."""
    return _typed(rows, PERFORMANCE_COLUMNS)


def category_responses_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Replies per lead category (``/analytics/lead/category-wise-response``).

    The docs page's rows ``{category, total_response, percentage}``
    (https://api.smartlead.ai/api-reference/analytics/lead-category-response) and the
    ``{lead_category, lead_category_count}`` a client reading the live API saw give the same
    columns.

    >>> category_responses_frame([{"lead_category": "Interested", "lead_category_count": "3"}])
    ...     # doctest: +NORMALIZE_WHITESPACE
         category  total_response  percentage
    0  Interested               3         NaN
    """
    renames = {"lead_category": "category", "lead_category_count": "total_response"}
    flat = [{renames.get(k, k): v for k, v in row.items()} for row in rows]
    return _typed(flat, CATEGORY_COLUMNS, ints=("total_response",))


def mailbox_health_metrics_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per sender mailbox (``/analytics/mailbox/name-wise-health-metrics``)."""
    return _typed(rows, HEALTH_COLUMNS)


def campaign_list_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """``id`` and ``name`` of each campaign (``/analytics/campaign/list``)."""
    return _typed(rows, ["id", "name"])


__all__ = ["analytics_record", "campaign_list_frame", "campaign_performance_frame",
           "category_responses_frame", "combine_analytics_windows", "day_wise_frame",
           "lead_history_frame", "leads_statistics_frame", "mailbox_health_metrics_frame",
           "mailbox_statistics_frame", "percent", "record_frame", "statistics_frame", "to_int",
           "unwrap"]
