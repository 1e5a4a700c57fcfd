"""``client.statistics.leads``: a campaign's statistics per lead, each with its history of
SENT and REPLY events (``GET /campaigns/{campaign_id}/leads-statistics``,
https://api.smartlead.ai/api-reference/campaign-statistics/lead-statistics).

>>> events = client.statistics.leads.history(1001)              # doctest: +SKIP
>>> events[events["type"] == "REPLY"]                           # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator

import pandas as pd

from ..errors import InputError
from ..frames import analytics as frames
from ._base import Service, as_date, check_id, list_rows, stamps_read_at

LEADS_PAGE = 100         # SmartLead takes a limit of at most 100 here


class LeadStatistics(Service):
    """Per lead of one campaign: ``iter``, ``frame`` (one row per lead), ``history`` (one
    row per event)."""

    def iter(self, campaign_id: int, *, since: str | date | None = None,
             page_size: int = LEADS_PAGE, limit: int | None = None) -> Iterator[dict]:
        """Yield one record per lead with its ``history`` of SENT and REPLY events.

        ``since`` (sent as ``event_time_gt``, a ``YYYY-MM-DD`` date) keeps leads whose latest
        event is after that date (the sandbox reads it as midnight UTC, so that day's events
        count): the cursor for incremental pulls. Pages of up to 100 (the maximum),
        ``offset`` moving by each page's length, until ``hasMore`` is false or a page comes
        back short.

        >>> new = list(client.statistics.leads.iter(1001, since="2025-06-05"))  # doctest: +SKIP
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
            body = self._api.call("GET", f"campaigns/{cid}/leads-statistics", shape=("data",),
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

    @stamps_read_at
    def frame(self, campaign_id: int, *, since: str | date | None = None) -> pd.DataFrame:
        """One row per lead: ids, ``to`` (the lead), ``from`` (the sender), ``status``,
        ``last_seq_num``, ``sent_count``, ``reply_count``, ``replied``,
        ``first_sent_time``, ``last_event_time``, and the raw ``history`` as a list column.
        :meth:`history` has one typed row per event instead.

        >>> leads = client.statistics.leads.frame(1001)             # doctest: +SKIP
        >>> leads[leads["replied"]]                                 # doctest: +SKIP
        """
        return frames.leads_statistics_frame(self.iter(campaign_id, since=since))

    @stamps_read_at
    def history(self, campaign_id: int, *, since: str | date | None = None) -> pd.DataFrame:
        """One row per SENT / REPLY event of each lead (``time`` in UTC)."""
        return frames.lead_history_frame(self.iter(campaign_id, since=since))
