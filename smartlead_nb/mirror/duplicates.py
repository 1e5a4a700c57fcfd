"""Leads already in another campaign, or already contacted: from a mirror, or by email.

``upload_leads(..., skip_contacted=mirror)`` and ``CampaignPlan.check(client, mirror=...)``
ask :func:`contacted`; without a mirror, :func:`contacted_by_email` asks SmartLead one
request per address (and says how many before it starts).

>>> normalise_emails([" Ana@Example.eu", None, "ana@example.eu", "bo@x.io"])
['ana@example.eu', 'bo@x.io']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

CONTACTED_COLUMNS = ["email", "campaign_id", "campaign_name", "status", "added_at",
                     "first_sent", "last_sent", "replied_at"]


def normalise_emails(emails: Iterable[Any]) -> list[str]:
    """Lower-cased, stripped, de-duplicated, blanks dropped (the order kept)."""
    out = []
    for e in emails:
        if e is None or (isinstance(e, float) and pd.isna(e)):
            continue
        text = str(e).strip().lower()
        if text:
            out.append(text)
    return list(dict.fromkeys(out))


def contacted(path: Path, emails: Iterable[Any], *, exclude_campaign: int | None = None
              ) -> pd.DataFrame:
    """One row per (email, campaign) the mirror file at ``path`` holds for ``emails`` (see
    :meth:`smartlead_nb.Mirror.contacted`)."""
    wanted = pd.DataFrame({"email": normalise_emails(emails)})
    if wanted.empty:
        return pd.DataFrame(columns=CONTACTED_COLUMNS)
    from . import store

    with store.connect(path, read_only=True) as con:
        con.register("wanted", wanted)
        found = store.frame(con, """
            SELECT l.email, l.campaign_id, c.name AS campaign_name, l.status,
                   l.created_at AS added_at, min(s.sent_time) AS first_sent,
                   max(s.sent_time) AS last_sent, min(s.reply_time) AS replied_at
            FROM leads l JOIN wanted w ON w.email = l.email
            LEFT JOIN campaigns c ON c.campaign_id = l.campaign_id
            LEFT JOIN statistics s ON s.campaign_id = l.campaign_id AND s.lead_email = l.email
            WHERE NOT COALESCE(c.deleted, false) AND (? IS NULL OR l.campaign_id <> ?)
            GROUP BY ALL ORDER BY l.email, l.campaign_id""",
                           [exclude_campaign, exclude_campaign])
    return found[CONTACTED_COLUMNS]


def contacted_by_email(client, emails: Iterable[Any], *, exclude_campaign: int | None = None
                       ) -> pd.DataFrame:
    """What SmartLead knows of each address (``GET /leads/?email=``, one request each):
    the campaigns it is in, as :func:`contacted` gives them (times other than the last
    reply are not in that answer, so ``first_sent``/``last_sent`` stay empty)."""
    rows = []
    for email in normalise_emails(emails):
        lead = client.get_lead_by_email(email)
        for entry in (lead or {}).get("lead_campaign_data") or []:
            cid = entry.get("campaign_id")
            if exclude_campaign is not None and cid == exclude_campaign:
                continue
            rows.append({"email": email, "campaign_id": cid,
                         "campaign_name": entry.get("campaign_name"),
                         "status": entry.get("lead_status"),
                         "added_at": None, "first_sent": None, "last_sent": None,
                         "replied_at": entry.get("last_reply_at")})
    frame = pd.DataFrame(rows, columns=CONTACTED_COLUMNS)
    for col in ("added_at", "first_sent", "last_sent", "replied_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601")
    frame["campaign_id"] = pd.to_numeric(frame["campaign_id"]).astype("Int64")
    return frame


def describe(found: pd.DataFrame) -> dict[str, str]:
    """Per email, one line: where it already is and when it was contacted.

    >>> describe(pd.DataFrame([{"email": "a@x.io", "campaign_id": 7, "campaign_name": "Q1",
    ...     "status": "COMPLETED", "last_sent": pd.Timestamp("2025-01-07", tz="UTC"),
    ...     "replied_at": None}]))
    {'a@x.io': 'in campaign 7 "Q1" (COMPLETED), last contacted 2025-01-07'}
    """
    out: dict[str, list[str]] = {}
    for row in found.to_dict("records"):
        text = f'in campaign {row["campaign_id"]} "{row["campaign_name"]}" ({row["status"]})'
        if pd.notna(row.get("last_sent")):
            text += f", last contacted {pd.Timestamp(row['last_sent']).date()}"
        if pd.notna(row.get("replied_at")):
            text += f", replied {pd.Timestamp(row['replied_at']).date()}"
        out.setdefault(row["email"], []).append(text)
    return {email: "; ".join(lines) for email, lines in out.items()}


def contacted_reasons(mirror, emails: Iterable[Any], campaign_id: int | None) -> dict[Any, str]:
    """For the upload report: each given email the mirror holds in another campaign ->
    "already in campaign 1001 "Q1" (COMPLETED), last contacted 2025-01-07"."""
    given = list(emails)
    reasons = describe(mirror.contacted(given, exclude_campaign=campaign_id))
    out = {}
    for email in given:
        key = normalise_emails([email])
        if key and key[0] in reasons:
            out[email] = "already " + reasons[key[0]]
    return out
