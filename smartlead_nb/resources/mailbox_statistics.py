"""``client.statistics.mailboxes``: a campaign's statistics per sender mailbox
(``GET /campaigns/{campaign_id}/mailbox-statistics``, pages of at most 20,
https://api.smartlead.ai/api-reference/campaign-statistics/mailbox-statistics).

>>> boxes = client.statistics.mailboxes.frame(1001)             # doctest: +SKIP
>>> boxes["bounce_count"] / boxes["sent_count"]                 # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator

import pandas as pd

from ..errors import InputError
from ..frames import analytics as frames
from ..frames.responses import coerce_counts
from ..schedule import check_timezone
from ._base import Service, check_id, day_range, stamps_read_at

MAILBOX_PAGE = 20        # SmartLead takes a limit of 1-20 here


class MailboxStatistics(Service):
    """Per sender mailbox of one campaign: ``iter``, ``list``, ``frame``."""

    def iter(self, campaign_id: int, start: str | date | None = None,
             end: str | date | None = None, *, time_zone: str = "UTC",
             client_id: int | None = None) -> Iterator[dict]:
        """Yield one record per sender mailbox of a campaign, counts as integers.

        ``start`` and ``end`` (inclusive days in ``time_zone``) go together; with neither the
        counts cover the campaign's whole life. Pages of 20, SmartLead's maximum.

        >>> for box in client.statistics.mailboxes.iter(1001):      # doctest: +SKIP
        ...     print(box["from_email"], box["sent_count"], box["bounce_count"])
        """
        cid = check_id(campaign_id, "campaign_id")
        params: dict[str, Any] = {"time_zone": check_timezone(time_zone)}
        if start is None or end is None:
            if start is not None or end is not None:
                given = "start" if start is not None else "end"
                raise InputError(f"mailbox statistics take both start and end, or neither (the "
                                 f"campaign's whole life); only {given} was given: nothing was "
                                 f"sent")
        else:
            first, last = day_range(start, end)
            params.update(start_date=first.isoformat(), end_date=last.isoformat())
        if client_id is not None:
            params["client_id"] = check_id(client_id, "client_id")
        for row in self._api.paginate(f"campaigns/{cid}/mailbox-statistics", params=params,
                                      page_size=MAILBOX_PAGE, max_page_size=MAILBOX_PAGE,
                                      keys=("data",)):
            yield coerce_counts(row)

    def list(self, campaign_id: int, start: str | date | None = None,
             end: str | date | None = None, *, time_zone: str = "UTC") -> list[dict]:
        """All mailbox rows of a campaign (see :meth:`iter`)."""
        return list(self.iter(campaign_id, start, end, time_zone=time_zone))

    @stamps_read_at
    def frame(self, campaign_id: int, start: str | date | None = None,
              end: str | date | None = None, time_zone: str = "UTC") -> pd.DataFrame:
        """One row per sender mailbox: ``email_account_id``, ``from_email``, ``sent_count``,
        ``open_count``, ``click_count``, ``reply_count``, ``bounce_count``,
        ``unsubscribed_count``, ``sender_bounce_count`` (Int64) and ``sent_time`` (UTC).

        The per-email statistics rows do not name their sender; this is the per-sender view
        (it feeds :func:`smartlead_nb.analysis.mailbox_health` directly).
        """
        return frames.mailbox_statistics_frame(
            self.iter(campaign_id, start, end, time_zone=time_zone))
