"""What became of each lead in one add-leads batch, from SmartLead's answer (pure, no HTTP).

SmartLead answers an add-leads request with counters and, when asked (``return_lead_ids``),
per-email lists. :func:`reconcile` turns that answer into one outcome per email the batch
sent; :data:`REASONS` says each outcome in words for the upload report. The uploader
(:mod:`smartlead_nb.upload`) and its journal only store and apply these outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .frames.emails import email_key
from .frames.campaign_leads import lead_upload_counts

__all__ = ["ALREADY", "BLOCKED", "INVALID_SERVER", "NOT_SENT", "OTHER_CAMPAIGN", "REASONS",
           "UNCONFIRMED", "UNSUBSCRIBED", "UPLOADED", "reconcile"]

# Per-row outcomes of an upload, beyond those leads_from_frame gives rows it rejects.
UPLOADED = "uploaded"
ALREADY = "already_in_campaign"
OTHER_CAMPAIGN = "in_other_campaign"
INVALID_SERVER = "invalid_email_smartlead"
UNSUBSCRIBED = "unsubscribed"
BLOCKED = "blocked"
NOT_SENT = "not_sent"
UNCONFIRMED = "sent_unconfirmed"
#: Each outcome in words, as the upload report's ``reason`` column shows it.
REASONS = {
    UPLOADED: "",
    ALREADY: "already in this campaign (not added twice)",
    OTHER_CAMPAIGN: "already in another campaign; SmartLead skipped it "
                    "(ignore_duplicate_leads_in_other_campaign=True lets it in)",
    INVALID_SERVER: "SmartLead judged the email invalid",
    UNSUBSCRIBED: "unsubscribed earlier; SmartLead refused it",
    BLOCKED: "on the block list or the bounce list; SmartLead refused it",
    NOT_SENT: "not sent: the upload stopped before this batch",
    UNCONFIRMED: "sent, but SmartLead's answer does not say what became of it",
}


def reconcile(emails: Iterable[Any], response: Mapping[str, Any], *, lost_before: bool = False,
              stopped: bool = False) -> dict[str, str]:
    """Per-email outcomes (:func:`~smartlead_nb.frames.emails.email_key` -> outcome) from one
    add-leads answer: SmartLead may spell an address otherwise than the batch did.

    Uses ``emailToLeadIdMap`` and the ``invalid_emails``/``unsubscribed_leads`` lists when
    SmartLead sends them. Emails it accounts for nowhere are blocked (when the block and
    bounce counters cover exactly them), not imported (after lead-credit exhaustion), or
    marked unconfirmed. A batch whose first answer was lost counts ``already in campaign``
    as uploaded: the lost attempt added them.

    >>> reconcile(["Ana@x.io", "bo@x.io", "cy@x.io"], {
    ...     "emailToLeadIdMap": {"newlyAddedLeads": {"ana@x.io": 1}, "existingLeads": {"bo@x.io": 2}},
    ...     "invalid_emails": ["cy@x.io"]})
    {'ana@x.io': 'uploaded', 'bo@x.io': 'already_in_campaign', 'cy@x.io': 'invalid_email_smartlead'}
    >>> reconcile(["ana@x.io"], {"upload_count": 1})        # counters that explain every lead
    {'ana@x.io': 'uploaded'}
    """
    keys = [email_key(str(e)) for e in emails]
    outcomes: dict[str, str] = {}
    id_map = response.get("emailToLeadIdMap")
    if isinstance(id_map, dict):
        for email in (id_map.get("newlyAddedLeads") or {}):
            outcomes[email_key(email)] = UPLOADED
        for email in (id_map.get("existingLeads") or {}):
            outcomes[email_key(email)] = UPLOADED if lost_before else ALREADY
        for email in (id_map.get("existingLeadsInOtherCampaigns") or {}):
            outcomes[email_key(email)] = OTHER_CAMPAIGN
    for email in response.get("invalid_emails") or []:
        outcomes[email_key(str(email))] = INVALID_SERVER
    unsub = response.get("unsubscribed_leads")
    if isinstance(unsub, list):
        for email in unsub:
            outcomes[email_key(str(email))] = UNSUBSCRIBED
    rest = [k for k in keys if k not in outcomes]
    if not isinstance(id_map, dict):
        # No per-email answer: trust the counters only when they explain every lead.
        counts = lead_upload_counts(response)
        if counts["added"] == len(keys) and not lost_before:
            return {k: UPLOADED for k in keys}
        return {k: outcomes.get(k, UNCONFIRMED) for k in keys}
    blocked = (_int(response.get("block_count")) or 0) + (_int(response.get("bounce_count")) or 0)
    if stopped:
        unexplained = NOT_SENT
    elif blocked == len(rest):
        unexplained = BLOCKED
    else:
        unexplained = UNCONFIRMED
    for k in rest:
        outcomes[k] = unexplained
    return {k: outcomes[k] for k in keys}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
