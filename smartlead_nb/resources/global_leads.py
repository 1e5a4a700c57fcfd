"""``client.leads.everywhere``: every lead of the account with the campaigns it is in
(``GET /leads/global-leads``), paged by ``offset`` until the answer says ``hasMore: false``.

>>> client.leads.everywhere.frame()                           # doctest: +SKIP
>>> client.leads.everywhere.frame(per_campaign=True).groupby("campaign_name").size()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pandas as pd

from ..errors import InputError
from ..frames.global_leads import global_leads_frame
from ..frames.responses import coerce_counts
from ._base import Service, list_rows, stamps_read_at

GLOBAL_LEADS_PAGE = 100          # the page the sandbox serves; no larger one is documented


def created_after_day(value: Any) -> str:
    """``created_at_gt`` as the endpoint takes it, ``YYYY-MM-DD``.

    >>> created_after_day("2025-06-01T10:00:00Z"), created_after_day(dt.date(2025, 6, 1))
    ('2025-06-01', '2025-06-01')
    """
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        raise InputError(f"created_after {value!r} is not a date: give one like "
                         f"'2025-06-01' (or a date/datetime)") from None


class GlobalLeads(Service):
    """Every lead of the account, wherever it is: ``iter`` and ``frame``."""

    def iter(self, *, created_after: Any = None, email: str | None = None,
                          page_size: int = GLOBAL_LEADS_PAGE,
                          limit: int | None = None) -> Iterator[dict]:
        """Yield every lead of the account, each with ``campaigns`` (the ones it is in).

        Args:
            created_after: only leads created after this day.
            email: only the lead with this address.
            page_size: leads per request (1-100).
            limit: stop after this many leads.

        Pages are asked by ``offset`` while the answer says ``hasMore``; an answer without
        ``hasMore`` stops at a short page, like every other list.

        >>> next(client.leads.everywhere.iter())["campaigns"][0]["campaign_name"]  # doctest: +SKIP
        'Q1 finance leaders'
        """
        if isinstance(page_size, bool) or not isinstance(page_size, int) or \
                not 1 <= page_size <= GLOBAL_LEADS_PAGE:
            raise InputError(f"page_size must be between 1 and {GLOBAL_LEADS_PAGE}, got "
                             f"{page_size!r}")
        params: dict[str, Any] = {}
        if created_after is not None:
            params["created_at_gt"] = created_after_day(created_after)
        if email is not None:
            if not isinstance(email, str) or "@" not in email:
                raise InputError(f"email must be an email address, got {email!r}")
            params["email"] = email.strip()
        offset, seen = 0, 0
        while True:
            body = self._api.call("GET", "leads/global-leads",
                              params={**params, "offset": offset, "limit": page_size},
                              shape=("data",))
            page = list_rows(body, "data")
            for row in page:
                yield coerce_counts(row)
                seen += 1
                if limit is not None and seen >= limit:
                    return
            more = body.get("hasMore") if isinstance(body, dict) else None
            if not page or more is False or (more is None and len(page) < page_size):
                return
            offset += len(page)

    @stamps_read_at
    def frame(self, *, created_after: Any = None, email: str | None = None,
                           per_campaign: bool = False) -> pd.DataFrame:
        """Every lead of the account as a DataFrame, with the campaigns it is in.

        One row per lead (``campaign_ids``, ``campaign_names``, ``n_campaigns``), or with
        ``per_campaign=True`` one row per lead and campaign (``campaign_id``,
        ``campaign_name``, ``campaign_status``, ``lead_status``, ``lead_added_at``,
        ``email_lead_map_id``, ``lead_last_seq_number``).

        >>> leads = client.leads.everywhere.frame()                    # doctest: +SKIP
        >>> leads[leads["n_campaigns"] > 1]     # people in more than one campaign  # doctest: +SKIP
        """
        return global_leads_frame(self.iter(created_after=created_after, email=email),
                                  per_campaign=per_campaign)
