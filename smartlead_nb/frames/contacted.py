"""People already in other campaigns: the columns of a "contacted" frame and what the upload
report and the plan's check say about each address.

A contacted frame has one row per (person, campaign), ``email`` being the person's
:func:`~smartlead_nb.frames.emails.email_key`; a mirror's ``contacted()`` and SmartLead's
lead lookup (:mod:`smartlead_nb.mirror.duplicates`) both answer one. Here it is only read.

>>> normalise_emails([" Ana@Example.eu", None, "ana@example.eu", "bo@xn--bcher-kva.de"])
['ana@example.eu', 'bo@bücher.de']
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import pandas as pd

from .clean import is_missing
from .emails import email_key

CONTACTED_COLUMNS = ["email", "campaign_id", "campaign_name", "campaign_deleted", "status",
                     "added_at", "first_sent", "last_sent", "replied_at"]


def normalise_emails(emails: Iterable[Any]) -> list[str]:
    """Each person once, as their :func:`~smartlead_nb.frames.emails.email_key`; blanks
    dropped, the order kept."""
    return list(dict.fromkeys(key for key, _ in email_spellings(emails)))


def email_spellings(emails: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """(key, the address trimmed) for every address given, blanks left out."""
    for e in emails:
        if is_missing(e):
            continue
        text = str(e).strip()
        key = email_key(text)
        if key:
            yield key, text


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


def already_contacted(found: pd.DataFrame, emails: Iterable[Any]) -> dict[Any, str]:
    """Each of ``emails`` (as spelt) that ``found`` holds -> ``"already in campaign ..."``.

    >>> found = pd.DataFrame([{"email": "ana@bücher.de", "campaign_id": 7,
    ...     "campaign_name": "Q1", "status": "ACTIVE", "campaign_deleted": False}])
    >>> already_contacted(found, ["ANA@xn--bcher-kva.de", "bo@x.io"])
    {'ANA@xn--bcher-kva.de': 'already in campaign 7 "Q1" (ACTIVE)'}
    """
    reasons = describe(found)
    out = {}
    for email in emails:
        key = normalise_emails([email])
        if key and key[0] in reasons:
            out[email] = "already " + reasons[key[0]]
    return out
