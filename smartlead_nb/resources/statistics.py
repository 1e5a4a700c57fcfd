"""``client.statistics``: one campaign's statistics (SmartLead's "campaign statistics" group):
one row per email sent, lifetime totals, totals over dates, per step; per sender mailbox
(``.mailboxes``) and per lead (``.leads``) below.

>>> client.statistics.frame(7)                                     # doctest: +SKIP
>>> client.statistics.by_date_frame(7, "2025-01-01", "2025-03-31", days=1)  # doctest: +SKIP
"""

from __future__ import annotations

import builtins
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Iterator

import pandas as pd

from ..errors import InputError
from ..frames import analytics as frames
from ..frames.responses import (coerce_counts, combine_analytics_windows, statistics_frame,
                                tidy_frame)
from ..schedule import check_timezone
from ._base import (Service, as_date, check_id, day_range, list_rows, read_campaign,
                    stamps_read_at)
from .lead_statistics import LeadStatistics
from .mailbox_statistics import MailboxStatistics

MAX_RANGE_DAYS = 30  # SmartLead refuses a longer analytics-by-date range with a 400
EMAIL_EVENT_STATUSES = ("opened", "clicked", "replied", "unsubscribed", "bounced")


class StatisticsService(Service):
    """One campaign's statistics: ``iter``, ``list``, ``frame`` (one row per email sent),
    ``totals``, ``by_date``, ``by_date_frame``, ``sequences``, ``top_level``,
    ``top_level_frame``; per sender ``mailboxes`` and per ``leads``."""

    @cached_property
    def mailboxes(self) -> MailboxStatistics:
        """Per sender mailbox of a campaign."""
        return MailboxStatistics(self._api)

    @cached_property
    def leads(self) -> LeadStatistics:
        """Per lead of a campaign, with each lead's SENT and REPLY events."""
        return LeadStatistics(self._api)

    def iter(self, campaign_id: int, *, sequence_number: int | None = None,
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
        yield from self._rows(cid, params, page_size, limit)

    def _rows(self, cid: int, params: dict, page_size: int, limit: int | None) -> Iterator[dict]:
        read_campaign(self._api, cid)     # a clear "campaign N not found" before paging
        for row in self._api.paginate(f"campaigns/{cid}/statistics", params=params,
                                      page_size=page_size, max_page_size=1000, keys=("data",),
                                      limit=limit):
            yield coerce_counts(row)

    def list(self, campaign_id: int, **filters: Any) -> list[dict]:
        """All per-email statistics rows of a campaign (see :meth:`iter` for filters)."""
        return list(self.iter(campaign_id, **filters))

    @stamps_read_at
    def frame(self, campaign_id: int, **filters: Any) -> pd.DataFrame:
        """Per-email statistics as a DataFrame: times as datetimes, counts as integers."""
        return statistics_frame(self.iter(campaign_id, **filters))

    def totals(self, campaign_id: int) -> dict:
        """Lifetime totals of a campaign (sent, opened, replied, bounced, ... as integers)."""
        cid = check_id(campaign_id, "campaign_id")
        return coerce_counts(self._api.call("GET", f"campaigns/{cid}/analytics",
                                            subject=f"campaign {cid}", shape=dict))

    def by_date(self, campaign_id: int, start: str | date, end: str | date, *,
                time_zone: str = "UTC") -> dict:
        """Totals for a date range (inclusive), any length.

        SmartLead answers at most 30 days per request, so a longer range is split into
        30-day windows whose counts are summed (see ``combine_analytics_windows`` for what
        that means for ``unique_*`` counts). Use :meth:`by_date_frame` for the per-window
        rows.
        """
        return combine_analytics_windows(self._windows(campaign_id, start, end, time_zone))

    @stamps_read_at
    def by_date_frame(self, campaign_id: int, start: str | date, end: str | date, *,
                      time_zone: str = "UTC", days: int = MAX_RANGE_DAYS) -> pd.DataFrame:
        """One row per window of ``days`` days (30 at most) from ``start`` to ``end``.

        ``days=1`` gives a day-by-day table, handy for plotting.
        """
        windows = self._windows(campaign_id, start, end, time_zone, days)
        frame = tidy_frame(windows)
        for col in ("start_date", "end_date"):
            if col in frame.columns:
                frame[col] = pd.to_datetime(frame[col]).dt.date
        return frame

    def _windows(self, campaign_id: int, start: str | date, end: str | date, time_zone: str,
                 days: int = MAX_RANGE_DAYS) -> builtins.list[dict]:
        cid = check_id(campaign_id, "campaign_id")
        tz = check_timezone(time_zone)
        out = []
        for first, last in date_windows(start, end, days):
            body = self._api.call("GET", f"campaigns/{cid}/analytics-by-date",
                                  subject=f"campaign {cid}", shape=dict,
                                  params={"start_date": first.isoformat(),
                                          "end_date": last.isoformat(), "time_zone": tz})
            record = coerce_counts(body)
            record["start_date"], record["end_date"] = first.isoformat(), last.isoformat()
            out.append(record)
        return out

    @stamps_read_at
    def sequences(self, campaign_id: int, start: str | date, end: str | date, *,
                  time_zone: str = "UTC") -> pd.DataFrame:
        """Per-step counts (sent, opened, replied, ...) for a date range, one row per step."""
        cid = check_id(campaign_id, "campaign_id")
        first, last = as_date(start, "start"), as_date(end, "end")
        body = self._api.call("GET", f"campaigns/{cid}/sequence-analytics",
                              subject=f"campaign {cid}", shape=("data",),
                              params={"start_date": f"{first} 00:00:00",
                                      "end_date": f"{last} 23:59:59",
                                      "time_zone": check_timezone(time_zone)})
        return tidy_frame(list_rows(body, "data"))

    def top_level(self, campaign_id: int, start: str | date, end: str | date) -> dict:
        """Totals for a date range as ``top-level-analytics-by-date`` sends them (counts cast).

        Its shape is not confirmed by any live client, so the body under ``data`` is returned
        as it comes; for numbers prefer :meth:`by_date` (any range length).

        >>> client.statistics.top_level(1001, "2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        first, last = day_range(start, end)
        body = self._api.call("GET", f"campaigns/{cid}/top-level-analytics-by-date",
                              subject=f"campaign {cid}", shape=dict,
                              params={"start_date": first.isoformat(),
                                      "end_date": last.isoformat()})
        data = body.get("data", body)
        return frames.analytics_record(data) if isinstance(data, dict) else {"data": data}

    @stamps_read_at
    def top_level_frame(self, campaign_id: int, start: str | date,
                        end: str | date) -> pd.DataFrame:
        """:meth:`top_level` as a one-row frame."""
        return frames.record_frame(self.top_level(campaign_id, start, end))


def date_windows(start: str | date, end: str | date,
                 days: int = MAX_RANGE_DAYS) -> list[tuple[date, date]]:
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
