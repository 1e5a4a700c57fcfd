"""Account-wide leads (``GET /leads/global-leads``) as DataFrames: pure, no HTTP.

A global lead carries the campaigns it is in (``campaigns[]``: the shape working clients
read; SmartLead's current docs no longer describe this endpoint). The default frame has one
row per lead with those campaigns as lists beside it; ``per_campaign=True`` gives one row per
(lead, campaign) membership, which is what a ``groupby`` wants. A lead in no campaign keeps
its row there too, with empty campaign columns.

>>> rows = [{"id": "5", "email": "a@x.io", "campaigns": [
...     {"campaign_id": 7, "campaign_name": "Q1", "lead_status": "INPROGRESS"}]}]
>>> global_leads_frame(rows)[["lead_id", "email", "campaign_ids", "n_campaigns"]]
   lead_id   email campaign_ids  n_campaigns
0        5  a@x.io          [7]            1
>>> global_leads_frame(rows, per_campaign=True)[["lead_id", "campaign_id", "lead_status"]]
   lead_id  campaign_id lead_status
0        5            7  INPROGRESS
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from .columns import CUSTOM_FIELDS, STANDARD_FIELDS
from .tidy import columns_first, integer_column, tidy_frame, to_int

#: The fields of one membership in ``campaigns[]``, in the order the long frame shows.
MEMBERSHIP_FIELDS = ("campaign_id", "campaign_name", "campaign_status", "lead_status",
                     "lead_added_at", "email_lead_map_id", "lead_last_seq_number")
_LEAD_COLUMNS = ("lead_id", *STANDARD_FIELDS, CUSTOM_FIELDS, "created_at")


def _lead_part(row: Mapping[str, Any]) -> dict[str, Any]:
    lead = {k: v for k, v in row.items() if k not in ("campaigns", "id")}
    lead["lead_id"] = to_int(row.get("id"))
    return lead


def global_leads_frame(rows: Iterable[Mapping[str, Any]], *,
                       per_campaign: bool = False) -> pd.DataFrame:
    """One row per lead (``campaign_ids``, ``campaign_names``, ``n_campaigns``), or with
    ``per_campaign=True`` one row per lead and campaign (:data:`MEMBERSHIP_FIELDS`)."""
    flat = []
    for row in rows:
        lead = _lead_part(row)
        campaigns = [c for c in row.get("campaigns") or [] if isinstance(c, Mapping)]
        if per_campaign:
            for member in campaigns or [{}]:
                flat.append({**lead, **{k: member.get(k) for k in MEMBERSHIP_FIELDS}})
            continue
        lead["campaign_ids"] = [to_int(c.get("campaign_id")) for c in campaigns]
        lead["campaign_names"] = [c.get("campaign_name") for c in campaigns]
        lead["n_campaigns"] = len(campaigns)
        flat.append(lead)
    first = [*_LEAD_COLUMNS[:2], *(MEMBERSHIP_FIELDS if per_campaign else
                                   ("campaign_ids", "campaign_names", "n_campaigns")),
             *_LEAD_COLUMNS[2:]]
    frame = columns_first(tidy_frame(flat), first)
    for column in ("n_campaigns", "lead_last_seq_number", "email_lead_map_id"):
        if column in frame.columns:
            frame[column] = integer_column(frame[column])   # numbers or their text
    return frame
