"""Statistics and analytics: per-email rows, lifetime totals, date ranges, the leads export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Iterator

import pandas as pd

from ..errors import InputError
from ..frames.analytics import combine_analytics_windows, statistics_frame
from ..frames.campaign_leads import leads_export_frame
from ..frames.tidy import coerce_counts, tidy_frame
from ..schedule import check_timezone
from ._base import Resource, check_id, list_rows

MAX_RANGE_DAYS = 30  # SmartLead refuses a longer analytics-by-date range with a 400
EMAIL_EVENT_STATUSES = ("opened", "clicked", "replied", "unsubscribed", "bounced")


class AnalyticsMixin(Resource):
    def iter_campaign_statistics(self, campaign_id: int, *, sequence_number: int | None = None,
                                 email_status: str | None = None, page_size: int = 1000,
                                 limit: int | None = None) -> Iterator[dict]:
        """Yield one record per email sent by a campaign (up to 1,000 per request).

        Args:
            sequence_number: only this step (1-20).
            email_status: ``opened``, ``clicked``, ``replied``, ``unsubscribed`` or ``bounced``.
        """
        cid = check_id(campaign_id, "campaign_id")
        params: dict[str, Any] = {}
        if sequence_number is not None:
            if isinstance(sequence_number, bool) or not isinstance(sequence_number, int) \
                    or not 1 <= sequence_number <= 20:
                raise InputError(f"sequence_number must be a whole number 1-20, got {sequence_number!r}")
            params["email_sequence_number"] = sequence_number
        if email_status is not None:
            if email_status not in EMAIL_EVENT_STATUSES:
                raise InputError(f"unknown email_status {email_status!r}: use one of {', '.join(EMAIL_EVENT_STATUSES)}")
            params["email_status"] = email_status
        self.get_campaign(cid)
        for row in self._paginate(f"campaigns/{cid}/statistics", params=params, page_size=page_size,
                                  max_page_size=1000, keys=("data",),
                                  limit=limit):
            yield coerce_counts(row)

    def campaign_statistics(self, campaign_id: int, **filters: Any) -> list[dict]:
        """All per-email statistics rows of a campaign (see :meth:`iter_campaign_statistics`)."""
        return list(self.iter_campaign_statistics(campaign_id, **filters))

    @Resource.stamps_read_at
    def campaign_statistics_frame(self, campaign_id: int, **filters: Any) -> pd.DataFrame:
        """Per-email statistics as a DataFrame: times as datetimes, counts as integers."""
        return statistics_frame(self.iter_campaign_statistics(campaign_id, **filters))

    def campaign_analytics(self, campaign_id: int) -> dict:
        """Lifetime totals of a campaign (sent, opened, replied, bounced, ... as integers)."""
        cid = check_id(campaign_id, "campaign_id")
        return coerce_counts(self._call("GET", f"campaigns/{cid}/analytics", subject=f"campaign {cid}",
                                        shape=dict))

    def analytics_by_date(self, campaign_id: int, start: str | date, end: str | date, *,
                          time_zone: str = "UTC") -> dict:
        """Totals for a date range (inclusive), any length.

        SmartLead answers at most 30 days per request, so a longer range is split into
        30-day windows whose counts are summed (see ``combine_analytics_windows`` for what
        that means for ``unique_*`` counts). Use :meth:`analytics_by_date_frame` for the
        per-window rows.
        """
        return combine_analytics_windows(self._analytics_windows(campaign_id, start, end, time_zone))

    @Resource.stamps_read_at
    def analytics_by_date_frame(self, campaign_id: int, start: str | date, end: str | date, *,
                                time_zone: str = "UTC", days: int = MAX_RANGE_DAYS) -> pd.DataFrame:
        """One row per window of ``days`` days (30 at most) from ``start`` to ``end``.

        ``days=1`` gives a day-by-day table, handy for plotting.
        """
        windows = self._analytics_windows(campaign_id, start, end, time_zone, days)
        frame = tidy_frame(windows)
        for col in ("start_date", "end_date"):
            if col in frame.columns:
                frame[col] = pd.to_datetime(frame[col]).dt.date
        return frame

    def _analytics_windows(self, campaign_id, start, end, time_zone, days=MAX_RANGE_DAYS) -> list[dict]:
        cid = check_id(campaign_id, "campaign_id")
        tz = check_timezone(time_zone)
        windows = date_windows(start, end, days)
        out = []
        for first, last in windows:
            body = self._call("GET", f"campaigns/{cid}/analytics-by-date", subject=f"campaign {cid}",
                              shape=dict, params={"start_date": first.isoformat(), "end_date": last.isoformat(),
                                      "time_zone": tz})
            record = coerce_counts(body)
            record["start_date"], record["end_date"] = first.isoformat(), last.isoformat()
            out.append(record)
        return out

    @Resource.stamps_read_at
    def sequence_analytics(self, campaign_id: int, start: str | date, end: str | date, *,
                           time_zone: str = "UTC") -> pd.DataFrame:
        """Per-step counts (sent, opened, replied, ...) for a date range, one row per step."""
        cid = check_id(campaign_id, "campaign_id")
        first, last = as_date(start, "start"), as_date(end, "end")
        body = self._call("GET", f"campaigns/{cid}/sequence-analytics", subject=f"campaign {cid}",
                          shape=("data",), params={"start_date": f"{first} 00:00:00", "end_date": f"{last} 23:59:59",
                                  "time_zone": check_timezone(time_zone)})
        return tidy_frame(list_rows(body, "data"))

    @Resource.stamps_read_at
    def leads_export(self, campaign_id: int) -> pd.DataFrame:
        """Every lead of a campaign with its engagement counts (SmartLead's CSV export)."""
        cid = check_id(campaign_id, "campaign_id")
        body = self._call("GET", f"campaigns/{cid}/leads-export", subject=f"campaign {cid}",
                          expect="csv")
        return leads_export_frame(body or "")  # empty: a campaign with no leads


def date_windows(start: str | date, end: str | date, days: int = MAX_RANGE_DAYS) -> list[tuple[date, date]]:
    """Split an inclusive date range into consecutive windows of at most ``days`` days.

    >>> [(a.isoformat(), b.isoformat()) for a, b in date_windows("2025-01-01", "2025-02-15")]
    [('2025-01-01', '2025-01-30'), ('2025-01-31', '2025-02-15')]
    """
    first, last = as_date(start, "start"), as_date(end, "end")
    if last < first:
        raise InputError(f"end {last} is before start {first}")
    if not 1 <= days <= MAX_RANGE_DAYS:
        raise InputError(f"window length must be 1-{MAX_RANGE_DAYS} days, got {days}")
    windows = []
    while first <= last:
        stop = min(first + timedelta(days=days - 1), last)
        windows.append((first, stop))
        first = stop + timedelta(days=1)
    return windows


def as_date(value: str | date, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(f"{what} date {value!r} is not YYYY-MM-DD") from None
