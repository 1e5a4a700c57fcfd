"""``client.analytics``: the account's analytics across campaigns (SmartLead's
``/analytics/*`` group, https://api.smartlead.ai/api-reference/analytics/overview): totals,
day by day, per campaign, per lead category, per sender mailbox. Each read pages to the
documented maximum and has a DataFrame form (built by the pure functions in
:mod:`smartlead_nb.frames.analytics`). One campaign's statistics are ``client.statistics``.

>>> client.analytics.day_wise("2025-06-01", "2025-06-30")            # doctest: +SKIP
>>> client.analytics.overall("2025-06-01", "2025-06-30")["reply_rate"]  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import pandas as pd

from ..errors import InputError, UnexpectedResponse
from ..frames import analytics as frames
from ..schedule import check_timezone
from ._base import Service, check_id, day_range, stamps_read_at

ANALYTICS_PAGE = 1000    # /analytics/* limit: undocumented maximum; a live sync uses 1,000


class AnalyticsService(Service):
    """Across campaigns, for a date range: ``overall``, ``overall_frame``, ``day_wise``,
    ``campaign_performance``, ``category_responses``, ``mailbox_health``; and
    ``campaign_list``."""

    def overall(self, start: str | date, end: str | date, *, timezone: str = "UTC",
                      campaign_ids: Iterable[int] | int | None = None,
                      client_ids: Iterable[int] | int | None = None,
                      full_data: bool | None = None) -> dict:
        """Account-wide totals for a range (``/analytics/overall-stats-v2``): ``sent``,
        ``opened``, ``replied``, ``bounced``, ``positive_replied``, ``unique_lead_count``,
        ``unique_open_count`` as ints and the ``*_rate`` fields as floats (34.0 for "34%").

        >>> client.analytics.overall("2025-06-01", "2025-06-30")["reply_rate"]    # doctest: +SKIP
        """
        flags = {} if full_data is None else {"full_data": str(bool(full_data)).lower()}
        value = self._account_analytics("analytics/overall-stats-v2", "overall_stats", start,
                                        end, timezone, campaign_ids, client_ids, flags)
        return frames.analytics_record(_one_record(value))

    @stamps_read_at
    def overall_frame(self, start: str | date, end: str | date, **options: Any
                            ) -> pd.DataFrame:
        """:meth:`overall` as a one-row frame."""
        return frames.record_frame(self.overall(start, end, **options))

    @stamps_read_at
    def day_wise(self, start: str | date, end: str | date, *,
                             timezone: str = "UTC",
                             campaign_ids: Iterable[int] | int | None = None,
                             client_ids: Iterable[int] | int | None = None) -> pd.DataFrame:
        """One row per day (``/analytics/day-wise-overall-stats``): ``date`` (the day in
        ``timezone``), ``sent``, ``opened``, ``replied``, ``bounced``.

        >>> client.analytics.day_wise("2025-06-01", "2025-06-30").plot(x="date")  # doctest: +SKIP
        """
        value = self._account_analytics("analytics/day-wise-overall-stats", "day_wise_stats",
                                        start, end, timezone, campaign_ids, client_ids)
        return frames.day_wise_frame(_rows(value))

    @stamps_read_at
    def campaign_performance(self, start: str | date, end: str | date, *,
                                     timezone: str = "UTC",
                                     campaign_ids: Iterable[int] | int | None = None,
                                     client_ids: Iterable[int] | int | None = None,
                                     page_size: int = ANALYTICS_PAGE) -> pd.DataFrame:
        """One row per campaign (``/analytics/campaign/overall-stats``): counts and rates.

        >>> client.analytics.campaign_performance("2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        rows = self._account_pages("analytics/campaign/overall-stats",
                                   "campaign_wise_performance", start, end, timezone,
                                   campaign_ids, client_ids, page_size)
        return frames.campaign_performance_frame(rows)

    @stamps_read_at
    def campaign_list(self, *, client_ids: Iterable[int] | int | None = None,
                                  timezone: str = "UTC") -> pd.DataFrame:
        """``id`` and ``name`` of every campaign (``/analytics/campaign/list``); only
        ``client_ids`` filters it (no dates).

        >>> client.analytics.campaign_list()                        # doctest: +SKIP
        """
        params = {"timezone": check_timezone(timezone)}
        if client_ids is not None:
            params["client_ids"] = id_list(client_ids, "client_ids")
        value = self._unwrapped("analytics/campaign/list", "campaign_list", params)
        return frames.campaign_list_frame(_rows(value))

    @stamps_read_at
    def category_responses(self, start: str | date, end: str | date, *,
                                 timezone: str = "UTC",
                                 campaign_ids: Iterable[int] | int | None = None,
                                 client_ids: Iterable[int] | int | None = None) -> pd.DataFrame:
        """Replies per lead category (``/analytics/lead/category-wise-response``):
        ``category``, ``total_response``, ``percentage`` (a float).

        >>> client.analytics.category_responses("2025-06-01", "2025-06-30")  # doctest: +SKIP
        """
        value = self._account_analytics("analytics/lead/category-wise-response",
                                        "lead_responses_by_category", start, end, timezone,
                                        campaign_ids, client_ids)
        return frames.category_responses_frame(_rows(value))

    @stamps_read_at
    def mailbox_health(self, start: str | date, end: str | date, *,
                                     timezone: str = "UTC",
                                     campaign_ids: Iterable[int] | int | None = None,
                                     client_ids: Iterable[int] | int | None = None,
                                     bounced_only: bool = False,
                                     page_size: int = ANALYTICS_PAGE) -> pd.DataFrame:
        """One row per sender mailbox across campaigns
        (``/analytics/mailbox/name-wise-health-metrics``): ``email_account``, ``sent``,
        ``opened``, ``replied``, ``bounced``. ``bounced_only`` sends ``is_bounced=true``.

        >>> client.analytics.mailbox_health("2025-06-01", "2025-06-30")  # doctest: +SKIP
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
        first, last = day_range(start, end)
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
        body = self._api.call("GET", path, params=params)
        value = frames.unwrap(body, key)
        if value is None:
            route = self._api.route(path)
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
