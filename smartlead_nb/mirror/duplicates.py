"""Leads already in another campaign, or already contacted: from a mirror, or by email.

``client.leads.upload(..., skip_contacted=mirror)`` and ``CampaignPlan.check(client, mirror=...)``
ask :func:`contacted`; without a mirror, :func:`contacted_by_email` asks SmartLead one
request per address (and says how many before it starts).

Who is the same person is :func:`~smartlead_nb.frames.emails.email_key`'s answer, here as
everywhere: ``Ana@Bücher.de``, ``ana@xn--bcher-kva.de`` and their fullwidth or NFD spellings
are one person. Campaigns deleted on the server count as contacted (their leads were
emailed) unless ``include_deleted_campaigns=False``.

>>> normalise_emails([" Ana@Example.eu", None, "ana@example.eu", "bo@xn--bcher-kva.de"])
['ana@example.eu', 'bo@bücher.de']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from ..errors import InputError
from ..frames.clean import is_missing
from ..frames.emails import email_key

CONTACTED_COLUMNS = ["email", "campaign_id", "campaign_name", "campaign_deleted", "status",
                     "added_at", "first_sent", "last_sent", "replied_at"]


def normalise_emails(emails: Iterable[Any]) -> list[str]:
    """Each person once, as their :func:`~smartlead_nb.frames.emails.email_key`; blanks
    dropped, the order kept."""
    return list(dict.fromkeys(key for key, _ in _spellings(emails)))


def _spellings(emails: Iterable[Any]) -> Iterable[tuple[str, str]]:
    """(key, the address trimmed) for every address given, blanks left out."""
    for e in emails:
        if is_missing(e):
            continue
        text = str(e).strip()
        key = email_key(text)
        if key:
            yield key, text


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
    for key, text in _spellings(emails):
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


def describe(found: pd.DataFrame) -> dict[str, str]:
    """Per email, one line: where it already is and when it was contacted.

    >>> describe(pd.DataFrame([{"email": "a@x.io", "campaign_id": 7, "campaign_name": "Q1",
    ...     "status": "COMPLETED", "last_sent": pd.Timestamp("2025-01-07", tz="UTC"),
    ...     "replied_at": None, "campaign_deleted": True}]))
    {'a@x.io': 'in campaign 7 "Q1" (COMPLETED; deleted on the server since), last contacted 2025-01-07'}
    """
    out: dict[str, list[str]] = {}
    for row in found.to_dict("records"):
        state = row["status"]
        deleted = row.get("campaign_deleted")
        if not is_missing(deleted) and bool(deleted):
            state = f"{state}; deleted on the server since"
        text = f'in campaign {row["campaign_id"]} "{row["campaign_name"]}" ({state})'
        if pd.notna(row.get("last_sent")):
            text += f", last contacted {pd.Timestamp(row['last_sent']).date()}"
        if pd.notna(row.get("replied_at")):
            text += f", replied {pd.Timestamp(row['replied_at']).date()}"
        out.setdefault(row["email"], []).append(text)
    return {email: "; ".join(lines) for email, lines in out.items()}


def contacted_reasons(mirror, emails: Iterable[Any], campaign_id: int | None, *,
                      include_deleted_campaigns: bool = True) -> dict[Any, str]:
    """For the upload report: each given email the mirror holds in another campaign ->
    "already in campaign 1001 "Q1" (COMPLETED), last contacted 2025-01-07"."""
    given = list(emails)
    reasons = describe(mirror.contacted(given, exclude_campaign=campaign_id,
                                        include_deleted_campaigns=include_deleted_campaigns))
    out = {}
    for email in given:
        key = normalise_emails([email])
        if key and key[0] in reasons:
            out[email] = "already " + reasons[key[0]]
    return out
