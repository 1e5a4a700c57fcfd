"""Analytics in detail: per sender mailbox, per lead, and account-wide (``/analytics/*``).

The endpoints of the facts sheet's section 2 beyond the first sheet's statistics. Each
method pages to the documented maximum and has a DataFrame form (built by the pure
functions in :mod:`smartlead_nb.frames.analytics`).

>>> client.mailbox_statistics_frame(1001)                              # doctest: +SKIP
>>> client.day_wise_stats_frame("2025-06-01", "2025-06-30")            # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Iterator

import pandas as pd

from ..errors import InputError, UnexpectedResponse
from ..frames import analytics as frames
from ..frames.tidy import coerce_counts
from ..schedule import check_timezone
from ._base import Resource, check_id, list_rows
from .analytics import as_date

MAILBOX_PAGE = 20        # mailbox-statistics: limit 1-20 (sheet 2.1)
LEADS_PAGE = 100         # leads-statistics: limit <= 100 (sheet 2.2)
ANALYTICS_PAGE = 1000    # /analytics/* limit: undocumented maximum; a live sync uses 1,000


class AnalyticsDetailMixin(Resource):
    # --- per sender mailbox -------------------------------------------------------------
    def iter_mailbox_statistics(self, campaign_id: int, start: str | date | None = None,
                                end: str | date | None = None, *, time_zone: str = "UTC",
                                client_id: int | None = None) -> Iterator[dict]:
        """Yield one record per sender mailbox of a campaign, counts as integers.

        ``start`` and ``end`` (inclusive days in ``time_zone``) go together; with neither the
        counts cover the campaign's whole life. Pages of 20, SmartLead's maximum.

        >>> for box in client.iter_mailbox_statistics(1001):          # doctest: +SKIP
        ...     print(box["from_email"], box["sent_count"], box["bounce_count"])
        """
        cid = check_id(campaign_id, "campaign_id")
        params: dict[str, Any] = {"time_zone": check_timezone(time_zone)}
        if (start is None) != (end is None):
            given = "start" if start is not None else "end"
            raise InputError(f"mailbox statistics take both start and end, or neither (the "
                             f"campaign's whole life); only {given} was given: nothing was sent")
        if start is not None:
            first, last = _day_range(start, end)
            params.update(start_date=first.isoformat(), end_date=last.isoformat())
        if client_id is not None:
            params["client_id"] = check_id(client_id, "client_id")
        for row in self._paginate(f"campaigns/{cid}/mailbox-statistics", params=params,
                                  page_size=MAILBOX_PAGE, max_page_size=MAILBOX_PAGE,
                                  keys=("data",)):
            yield coerce_counts(row)

    def mailbox_statistics(self, campaign_id: int, start: str | date | None = None,
                           end: str | date | None = None, *, time_zone: str = "UTC") -> list[dict]:
        """All mailbox rows of a campaign (see :meth:`iter_mailbox_statistics`)."""
        return list(self.iter_mailbox_statistics(campaign_id, start, end, time_zone=time_zone))

    @Resource.stamps_read_at
    def mailbox_statistics_frame(self, campaign_id: int, start: str | date | None = None,
                                 end: str | date | None = None, time_zone: str = "UTC"
                                 ) -> pd.DataFrame:
        """One row per sender mailbox: ``email_account_id``, ``from_email``, ``sent_count``,
        ``open_count``, ``click_count``, ``reply_count``, ``bounce_count``,
        ``unsubscribed_count``, ``sender_bounce_count`` (Int64) and ``sent_time`` (UTC).

        The per-email statistics rows do not name their sender; this is the per-sender view
        (it feeds :func:`smartlead_nb.analysis.mailbox_health` directly).

        >>> boxes = client.mailbox_statistics_frame(1001)             # doctest: +SKIP
        >>> boxes["bounce_count"] / boxes["sent_count"]               # doctest: +SKIP
        """
        return frames.mailbox_statistics_frame(
            self.iter_mailbox_statistics(campaign_id, start, end, time_zone=time_zone))

    # --- per lead -------------------------------------------------------------------------
    def iter_leads_statistics(self, campaign_id: int, *, since: str | date | None = None,
                              page_size: int = LEADS_PAGE, limit: int | None = None
                              ) -> Iterator[dict]:
        """Yield one record per lead with its ``history`` of SENT and REPLY events.

        ``since`` (sent as ``event_time_gt``, a ``YYYY-MM-DD`` date) keeps leads whose latest
        event is after that date (the sandbox reads it as midnight UTC, so that day's events
        count): the cursor for incremental pulls. Pages of up to 100 (the maximum), ``offset`` moving
        by each page's length, until ``hasMore`` is false or a page comes back short.

        >>> new = list(client.iter_leads_statistics(1001, since="2025-06-05"))  # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        if isinstance(page_size, bool) or not isinstance(page_size, int) \
                or not 1 <= page_size <= LEADS_PAGE:
            raise InputError(f"page_size must be between 1 and {LEADS_PAGE}, got {page_size!r}")
        params: dict[str, Any] = {}
        if since is not None:
            params["event_time_gt"] = as_date(since, "since").isoformat()
        offset, seen = 0, 0
        while True:
            body = self._call("GET", f"campaigns/{cid}/leads-statistics", shape=("data",),
                              params={**params, "offset": offset, "limit": page_size},
                              subject=f"campaign {cid}")
            page = list_rows(body, "data")
            for row in page:
                yield row
                seen += 1
                if limit is not None and seen >= limit:
                    return
            more = body.get("hasMore") if isinstance(body, dict) else None
            if more is False or len(page) < page_size:
                return
            offset += len(page)

    @Resource.stamps_read_at
    def leads_statistics_frame(self, campaign_id: int, *, since: str | date | None = None
                               ) -> pd.DataFrame:
        """One row per lead: ids, ``to`` (the lead), ``from`` (the sender), ``status``,
        ``last_seq_num``, ``sent_count``, ``reply_count``, ``replied``,
        ``first_sent_time``, ``last_event_time``, and the raw ``history`` as a list column.
        :meth:`lead_history_frame` has one typed row per event instead.

        >>> leads = client.leads_statistics_frame(1001)               # doctest: +SKIP
        >>> leads[leads["replied"]]                                   # doctest: +SKIP
        """
        return frames.leads_statistics_frame(self.iter_leads_statistics(campaign_id, since=since))

    @Resource.stamps_read_at
    def lead_history_frame(self, campaign_id: int, *, since: str | date | None = None
                           ) -> pd.DataFrame:
        """One row per SENT / REPLY event of each lead (``time`` in UTC).

        >>> events = client.lead_history_frame(1001)                  # doctest: +SKIP
        >>> events[events["type"] == "REPLY"]                         # doctest: +SKIP
        """
        return frames.lead_history_frame(self.iter_leads_statistics(campaign_id, since=since))

    # --- per campaign, one range ----------------------------------------------------------
    def top_level_analytics_by_date(self, campaign_id: int, start: str | date,
                                    end: str | date) -> dict:
        """Totals for a date range as ``top-level-analytics-by-date`` sends them (counts cast).

        Its shape is not confirmed by any live client, so the body under ``data`` is returned
        as it comes; for numbers prefer :meth:`analytics_by_date` (any range length).

        >>> client.top_level_analytics_by_date(1001, "2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        first, last = _day_range(start, end)
        body = self._call("GET", f"campaigns/{cid}/top-level-analytics-by-date",
                          subject=f"campaign {cid}", shape=dict,
                          params={"start_date": first.isoformat(), "end_date": last.isoformat()})
        data = body.get("data", body)
        return frames.analytics_record(data) if isinstance(data, dict) else {"data": data}

    @Resource.stamps_read_at
    def top_level_analytics_by_date_frame(self, campaign_id: int, start: str | date,
                                          end: str | date) -> pd.DataFrame:
        """:meth:`top_level_analytics_by_date` as a one-row frame."""
        return frames.record_frame(self.top_level_analytics_by_date(campaign_id, start, end))

    # --- account-wide ---------------------------------------------------------------------
    def overall_stats(self, start: str | date, end: str | date, *, timezone: str = "UTC",
                      campaign_ids: Iterable[int] | int | None = None,
                      client_ids: Iterable[int] | int | None = None,
                      full_data: bool | None = None) -> dict:
        """Account-wide totals for a range (``/analytics/overall-stats-v2``): ``sent``,
        ``opened``, ``replied``, ``bounced``, ``positive_replied``, ``unique_lead_count``,
        ``unique_open_count`` as ints and the ``*_rate`` fields as floats (34.0 for "34%").

        >>> client.overall_stats("2025-06-01", "2025-06-30")["reply_rate"]    # doctest: +SKIP
        """
        flags = {} if full_data is None else {"full_data": str(bool(full_data)).lower()}
        value = self._account_analytics("analytics/overall-stats-v2", "overall_stats", start,
                                        end, timezone, campaign_ids, client_ids, flags)
        return frames.analytics_record(_one_record(value))

    @Resource.stamps_read_at
    def overall_stats_frame(self, start: str | date, end: str | date, **options: Any
                            ) -> pd.DataFrame:
        """:meth:`overall_stats` as a one-row frame."""
        return frames.record_frame(self.overall_stats(start, end, **options))

    @Resource.stamps_read_at
    def day_wise_stats_frame(self, start: str | date, end: str | date, *,
                             timezone: str = "UTC",
                             campaign_ids: Iterable[int] | int | None = None,
                             client_ids: Iterable[int] | int | None = None) -> pd.DataFrame:
        """One row per day (``/analytics/day-wise-overall-stats``): ``date`` (the day in
        ``timezone``), ``sent``, ``opened``, ``replied``, ``bounced``.

        >>> client.day_wise_stats_frame("2025-06-01", "2025-06-30").plot(x="date")  # doctest: +SKIP
        """
        value = self._account_analytics("analytics/day-wise-overall-stats", "day_wise_stats",
                                        start, end, timezone, campaign_ids, client_ids)
        return frames.day_wise_frame(_rows(value))

    @Resource.stamps_read_at
    def campaign_overall_stats_frame(self, start: str | date, end: str | date, *,
                                     timezone: str = "UTC",
                                     campaign_ids: Iterable[int] | int | None = None,
                                     client_ids: Iterable[int] | int | None = None,
                                     page_size: int = ANALYTICS_PAGE) -> pd.DataFrame:
        """One row per campaign (``/analytics/campaign/overall-stats``): counts and rates.

        >>> client.campaign_overall_stats_frame("2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        rows = self._account_pages("analytics/campaign/overall-stats",
                                   "campaign_wise_performance", start, end, timezone,
                                   campaign_ids, client_ids, page_size)
        return frames.campaign_performance_frame(rows)

    @Resource.stamps_read_at
    def analytics_campaigns_frame(self, *, client_ids: Iterable[int] | int | None = None,
                                  timezone: str = "UTC") -> pd.DataFrame:
        """``id`` and ``name`` of every campaign (``/analytics/campaign/list``); only
        ``client_ids`` filters it (no dates).

        >>> client.analytics_campaigns_frame()                        # doctest: +SKIP
        """
        params = {"timezone": check_timezone(timezone)}
        if client_ids is not None:
            params["client_ids"] = id_list(client_ids, "client_ids")
        value = self._unwrapped("analytics/campaign/list", "campaign_list", params)
        return frames.campaign_list_frame(_rows(value))

    @Resource.stamps_read_at
    def category_responses_frame(self, start: str | date, end: str | date, *,
                                 timezone: str = "UTC",
                                 campaign_ids: Iterable[int] | int | None = None,
                                 client_ids: Iterable[int] | int | None = None) -> pd.DataFrame:
        """Replies per lead category (``/analytics/lead/category-wise-response``):
        ``category``, ``total_response``, ``percentage`` (a float).

        >>> client.category_responses_frame("2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        value = self._account_analytics("analytics/lead/category-wise-response",
                                        "lead_responses_by_category", start, end, timezone,
                                        campaign_ids, client_ids)
        return frames.category_responses_frame(_rows(value))

    @Resource.stamps_read_at
    def mailbox_health_metrics_frame(self, start: str | date, end: str | date, *,
                                     timezone: str = "UTC",
                                     campaign_ids: Iterable[int] | int | None = None,
                                     client_ids: Iterable[int] | int | None = None,
                                     bounced_only: bool = False,
                                     page_size: int = ANALYTICS_PAGE) -> pd.DataFrame:
        """One row per sender mailbox across campaigns
        (``/analytics/mailbox/name-wise-health-metrics``): ``email_account``, ``sent``,
        ``opened``, ``replied``, ``bounced``. ``bounced_only`` sends ``is_bounced=true``.

        >>> client.mailbox_health_metrics_frame("2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        flags = {"is_bounced": "true"} if bounced_only else {}
        rows = self._account_pages("analytics/mailbox/name-wise-health-metrics",
                                   "email_health_metrics", start, end, timezone, campaign_ids,
                                   client_ids, page_size, flags)
        return frames.mailbox_health_metrics_frame(rows)

    # --- the shared mechanism of /analytics/* ---------------------------------------------
    def _account_analytics(self, path: str, key: str, start, end, timezone, campaign_ids,
                           client_ids, flags: dict | None = None) -> Any:
        """One ``/analytics/*`` request with the dates, ``timezone`` (always sent: the sources
        disagree on whether it is required) and comma-joined id lists."""
        first, last = _day_range(start, end)
        params = {"start_date": first.isoformat(), "end_date": last.isoformat(),
                  "timezone": check_timezone(timezone), **(flags or {})}
        if campaign_ids is not None:
            params["campaign_ids"] = id_list(campaign_ids, "campaign_ids")
        if client_ids is not None:
            params["client_ids"] = id_list(client_ids, "client_ids")
        return self._unwrapped(path, key, params)

    def _account_pages(self, path: str, key: str, start, end, timezone, campaign_ids,
                       client_ids, page_size: int, flags: dict | None = None) -> list[dict]:
        """Every row of a paged ``/analytics/*`` list (``limit``/``offset`` as strings), page
        by page until one comes back short."""
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise InputError(f"page_size must be a positive whole number, got {page_size!r}")
        out: list[dict] = []
        while True:
            page = _rows(self._account_analytics(
                path, key, start, end, timezone, campaign_ids, client_ids,
                {**(flags or {}), "limit": str(page_size), "offset": str(len(out))}))
            out += page
            if len(page) < page_size:
                return out

    def _unwrapped(self, path: str, key: str, params: dict) -> Any:
        body = self._call("GET", path, params=params)
        value = frames.unwrap(body, key)
        if value is None:
            route = self._route(path)
            got = type(body).__name__ if body is not None else "nothing"
            raise UnexpectedResponse(
                f"GET {route} answered with a {got} that holds no {key!r} (nor any list or "
                f"object under 'data'); nothing was read from it. The raw body is on the "
                f"error's .body", status=200, body=body, method="GET", url=route)
        return value


def id_list(ids: Iterable[int] | int, what: str) -> str:
    """Ids as the comma-separated string ``/analytics/*`` expects, each checked.

    >>> id_list([12, "13"], "campaign_ids"), id_list(7, "campaign_ids")
    ('12,13', '7')
    """
    if isinstance(ids, (int, str)):
        ids = [ids]
    checked = [str(check_id(i, what)) for i in ids]
    if not checked:
        raise InputError(f"{what} is empty: pass at least one id, or None for all")
    return ",".join(checked)


def _day_range(start: str | date, end: str | date) -> tuple[date, date]:
    first, last = as_date(start, "start"), as_date(end, "end")
    if last < first:
        raise InputError(f"end {last} is before start {first}: nothing was sent")
    return first, last


def _rows(value: Any) -> list[dict]:
    """A list payload (a dict payload here would be a single record: one row)."""
    if isinstance(value, list):
        return [r for r in value if isinstance(r, dict)]
    return [value] if isinstance(value, dict) else []


def _one_record(value: Any) -> dict:
    """A record payload (a list of one record is tolerated)."""
    if isinstance(value, list):
        return value[0] if len(value) == 1 and isinstance(value[0], dict) else {}
    return value
