"""Leads already in another campaign, or already contacted: from a mirror, or by email.

``client.leads.upload(..., skip_contacted=mirror)`` and ``CampaignPlan.check(client, mirror=...)``
ask :func:`contacted`; without a mirror, :func:`contacted_by_email` asks SmartLead one
request per address (and says how many before it starts).

Who is the same person is :func:`~smartlead_nb.frames.emails.email_key`'s answer, here as
everywhere: ``Ana@Bücher.de``, ``ana@xn--bcher-kva.de`` and their fullwidth or NFD spellings
are one person. Campaigns deleted on the server count as contacted (their leads were
emailed) unless ``include_deleted_campaigns=False``. What the upload report and the plan say
about such a frame is :mod:`smartlead_nb.frames.contacted`'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from ..errors import InputError
from ..frames.contacted import CONTACTED_COLUMNS, email_spellings, normalise_emails


def contacted(path: Path, emails: Iterable[Any], *, exclude_campaign: int | None = None,
              include_deleted_campaigns: bool = True) -> pd.DataFrame:
    """One row per (person, campaign) the mirror file at ``path`` holds for ``emails`` (see
    :meth:`smartlead_nb.Mirror.contacted`); ``email`` is the person's key."""
    wanted = pd.DataFrame({"email_key": normalise_emails(emails)}, dtype=object)
    from . import store

    with store.connect(path, read_only=True) as con:
        if "email_key" not in store.columns(con, "leads"):
            raise InputError(
                f"the mirror {path} was written by an earlier smartlead_nb, before it kept "
                f"the email keys duplicate checks compare: run mirror.sync(client) once to "
                f"add them (no request beyond the sync's own)")
        if wanted.empty:
            return pd.DataFrame(columns=CONTACTED_COLUMNS)
        con.register("wanted", wanted)
        found = store.frame(con, """
            SELECT l.email_key AS email, l.campaign_id, c.name AS campaign_name,
                   COALESCE(c.deleted, false) AS campaign_deleted, l.status,
                   l.created_at AS added_at, min(s.sent_time) AS first_sent,
                   max(s.sent_time) AS last_sent, min(s.reply_time) AS replied_at
            FROM leads l JOIN wanted w ON w.email_key = l.email_key
            LEFT JOIN campaigns c ON c.campaign_id = l.campaign_id
            LEFT JOIN statistics s ON s.campaign_id = l.campaign_id AND s.lead_email = l.email
            WHERE (? OR NOT COALESCE(c.deleted, false)) AND (? IS NULL OR l.campaign_id <> ?)
            GROUP BY ALL ORDER BY l.email_key, l.campaign_id""",
                           [bool(include_deleted_campaigns), exclude_campaign, exclude_campaign])
    return found[CONTACTED_COLUMNS]


def contacted_by_email(client, emails: Iterable[Any], *, exclude_campaign: int | None = None
                       ) -> pd.DataFrame:
    """What SmartLead knows of each person (``GET /leads/?email=``, one request each, asked
    in the first spelling given): the campaigns they are in, as :func:`contacted` gives them
    (times other than the last reply are not in that answer, so ``first_sent``/``last_sent``
    stay empty; SmartLead lists no deleted campaign)."""
    rows = []
    first_spelling: dict[str, str] = {}
    for key, text in email_spellings(emails):
        first_spelling.setdefault(key, text)
    for email, spelling in first_spelling.items():
        lead = client.leads.find(spelling)
        for entry in (lead or {}).get("lead_campaign_data") or []:
            cid = entry.get("campaign_id")
            if exclude_campaign is not None and cid == exclude_campaign:
                continue
            rows.append({"email": email, "campaign_id": cid,
                         "campaign_name": entry.get("campaign_name"),
                         "campaign_deleted": False,
                         "status": entry.get("lead_status"),
                         "added_at": None, "first_sent": None, "last_sent": None,
                         "replied_at": entry.get("last_reply_at")})
    frame = pd.DataFrame(rows, columns=CONTACTED_COLUMNS)
    for col in ("added_at", "first_sent", "last_sent", "replied_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601")
    frame["campaign_id"] = pd.to_numeric(frame["campaign_id"]).astype("Int64")
    return frame
