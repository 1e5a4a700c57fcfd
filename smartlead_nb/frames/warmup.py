"""Warm-up statistics answers -> DataFrames (pure, no HTTP).

``GET /email-accounts/{id}/warmup-stats`` (the last 7 days) is documented in two shapes:
A, in SmartLead's older help-centre API documentation and what working clients read
(preferred), ``{id, sent_count, spam_count, inbox_count, warmup_email_received_count,
stats_by_date[{id, date, sent_count, reply_count, save_from_spam_count}]}`` with string
totals; and B, on the current docs page
(https://api.smartlead.ai/api-reference/email-accounts/warmup-stats), ``{total_sent,
spam_count, reputation_score, daily_stats[{date, sent, spam, delivered, opened, replied}]}``.
Both are read here; B's names are mapped onto A's.

>>> body = {"id": 9001, "sent_count": "40", "spam_count": "2", "inbox_count": "38",
...         "stats_by_date": [{"date": "2025-06-01", "sent_count": 20, "reply_count": 7},
...                           {"date": "2025-06-02", "sent_count": 20, "reply_count": 6}]}
>>> warmup_totals({9001: body})[["sent_count", "spam_rate", "inbox_placement"]].values.tolist()
[[40, 0.05, 0.95]]
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from .tidy import to_int

DAILY_COLUMNS = ["email_account_id", "date", "sent_count", "reply_count",
                 "save_from_spam_count"]
# Shape B's per-day names -> shape A's (B also reports spam, delivered and opens per day).
B_DAILY = {"sent": "sent_count", "replied": "reply_count", "spam": "spam_count",
           "delivered": "inbox_count", "opened": "open_count"}
TOTAL_COLUMNS = ["email_account_id", "sent_count", "spam_count", "inbox_count",
                 "warmup_email_received_count", "reply_count", "spam_rate", "inbox_placement"]


def _days(body: Mapping[str, Any]) -> list[dict]:
    """The per-day rows of either shape, in shape A's names."""
    if isinstance(body.get("stats_by_date"), list):
        return [dict(d) for d in body["stats_by_date"] if isinstance(d, Mapping)]
    days = []
    for d in body.get("daily_stats") or []:
        if isinstance(d, Mapping):
            days.append({B_DAILY.get(k, k): v for k, v in d.items()})
    return days


def warmup_daily_frame(responses: Mapping[int, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per account per day, from ``{account_id: warm-up stats body}``.

    Counts are Int64, ``date`` a (naive) datetime; columns shape B adds (``spam_count``,
    ``inbox_count``, ``open_count``) appear when an answer has them.

    >>> frame = warmup_daily_frame({9001: {"stats_by_date": [
    ...     {"id": 1, "date": "2025-06-01", "sent_count": 20, "reply_count": 7}]}})
    >>> frame[["email_account_id", "sent_count"]].values.tolist()
    [[9001, 20]]
    """
    rows = []
    for account_id, body in responses.items():
        for day in _days(body):
            day.pop("id", None)
            rows.append({"email_account_id": account_id, **day})
    frame = pd.DataFrame(rows)
    frame = frame.reindex(columns=DAILY_COLUMNS + [c for c in frame.columns
                                                   if c not in DAILY_COLUMNS])
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce", format="ISO8601")
    for col in frame.columns:
        if col != "date":
            frame[col] = pd.to_numeric(frame[col].map(to_int), errors="coerce").astype("Int64")
    return frame.sort_values(["email_account_id", "date"], kind="stable").reset_index(drop=True)


def warmup_totals(responses: Mapping[int, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per account: the 7-day totals, ``spam_rate`` and ``inbox_placement``.

    spam rate = ``spam_count / sent_count``; inbox placement = ``inbox_count / sent_count``
    (SmartLead's own definitions); NaN for an account that sent nothing. ``reply_count`` sums the days.
    Shape B: ``total_sent`` is the sent count and the inbox count is the days' ``delivered``
    (else sent minus spam).

    >>> warmup_totals({3004: {"sent_count": "0", "spam_count": "0", "stats_by_date": []}}
    ...               )["spam_rate"].isna().tolist()
    [True]
    """
    rows = []
    for account_id, body in responses.items():
        days = _days(body)
        sent = to_int(body.get("sent_count", body.get("total_sent")))
        spam = to_int(body.get("spam_count"))
        inbox = to_int(body.get("inbox_count"))
        if inbox is None and any("inbox_count" in d for d in days):
            inbox = sum(to_int(d.get("inbox_count")) or 0 for d in days)
        if inbox is None and sent is not None and spam is not None:
            inbox = sent - spam
        replies = sum(to_int(d.get("reply_count")) or 0 for d in days) if days else None
        row = {"email_account_id": account_id, "sent_count": sent, "spam_count": spam,
               "inbox_count": inbox,
               "warmup_email_received_count": to_int(body.get("warmup_email_received_count")),
               "reply_count": replies}
        if "reputation_score" in body:
            row["reputation_score"] = body["reputation_score"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame = frame.reindex(columns=TOTAL_COLUMNS + [c for c in frame.columns
                                                   if c not in TOTAL_COLUMNS])
    for col in TOTAL_COLUMNS[:6]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    sent = frame["sent_count"].astype("float64").replace(0, np.nan)
    frame["spam_rate"] = frame["spam_count"].astype("float64") / sent
    frame["inbox_placement"] = frame["inbox_count"].astype("float64") / sent
    return frame
