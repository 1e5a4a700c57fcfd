"""The one rule for which calls need ``confirm=True``: those that send email or cannot be undone.

Both the services (``campaigns.start``, ``campaigns.stop``, ``campaigns.delete``,
``leads.add`` with a block or unsubscribe override or into a campaign that is no longer a
draft, ``leads.unsubscribe_everywhere``, ``campaigns.email_accounts.remove``, ``inbox.reply``,
``clients.api_keys.reset``, ``clients.api_keys.delete``, ``block_list.delete``) and the generic
``SmartleadClient.request()`` ask :func:`needs_confirmation`, so the two can never disagree
about what is dangerous.

>>> needs_confirmation("POST", "campaigns/7/status", {"status": "START"})
'Starting campaign 7 sends email to real people'
>>> needs_confirmation("POST", "campaigns/7/status", {"status": "PAUSED"}) is None
True
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .._paths import normalise_method, resolve
from ..errors import CampaignNotDrafted, refusal
from ..frames.upload_rules import PROTECTIVE_FLAGS, override_reason

__all__ = ["DRAFT", "PROTECTIVE_FLAGS", "STATUS_REASONS", "added_leads_reason", "campaign_status",
           "lead_upload_campaign", "needs_confirmation", "normalise_path", "override_reason",
           "refusal", "refuse_unless_draft"]

# Status values that send (START; ACTIVE is the docs' own spelling of it) or are final, as
# the sentence a refusal starts with ({} is the campaign id).
STATUS_REASONS = {
    "START": "Starting campaign {} sends email to real people",
    "ACTIVE": "Setting campaign {} to ACTIVE starts it: it sends email to real people",
    "STOPPED": "Stopping campaign {} is final: SmartLead cannot resume a stopped campaign",
}
#: The one status in which a campaign sends nothing and may be changed freely.
DRAFT = "DRAFTED"
# What adding leads to a campaign that is no longer a draft means for those people, by the
# status SmartLead reads back (any other status: SmartLead may email them).
ADD_LEADS_EFFECT = {
    "ACTIVE": "it is sending, so SmartLead emails leads added to it from its next sending "
              "window on",
    "PAUSED": "it is paused, so leads added to it are emailed as soon as it is resumed",
    "STOPPED": "it is stopped for good, so leads added to it are never emailed",
    "COMPLETED": "it has finished, and SmartLead may email leads added to it",
}

# Paths relative to the base URL (``/api/v1``), lower-cased and normalised.
_STATUS = re.compile(r"^campaigns/([^/]+)/status$")
_CAMPAIGN = re.compile(r"^campaigns/([^/]+)$")
_LEAD_UPLOAD = re.compile(r"^campaigns/([^/]+)/leads$")
_UNSUBSCRIBE_EVERYWHERE = re.compile(r"^leads/([^/]+)/unsubscribe$")
_CAMPAIGN_SENDERS = re.compile(r"^campaigns/([^/]+)/email-accounts$")
_REPLY = re.compile(r"^campaigns/([^/]+)/reply-email-thread$")
# The entry's id travels in the query (?id=), so the path alone decides.
_BLOCK_LIST_DELETE = "leads/delete-domain-block-list"
_CLIENT_KEY_RESET = re.compile(r"^client/api-key/reset/([^/]+)$")
_CLIENT_KEY = re.compile(r"^client/api-key/([^/]+)$")
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def needs_confirmation(method: str, path: str, body: Any = None) -> str | None:
    """Why this call needs ``confirm=True`` (a phrase naming what it does), or ``None``.

    ``path`` is relative to the API's base URL (``campaigns/7/status``); it is read by
    :func:`normalise_path`, the very reading the transport builds the sent URL from, so a
    path spelt differently does not slip past the rule. A path that leaves the API root, or
    that servers could read in two ways, is an ``InputError`` here too.
    """
    verb = normalise_method(method)
    if verb in _READS:
        return None
    where = normalise_path(path)
    if match := _STATUS.match(where):
        status = body.get("status") if isinstance(body, Mapping) else None
        value = str(status).strip().upper() if status is not None else ""
        if value in STATUS_REASONS:
            return STATUS_REASONS[value].format(match.group(1))
        return None
    if verb == "DELETE" and (match := _CAMPAIGN.match(where)):
        return f"Deleting campaign {match.group(1)} cannot be undone"
    if verb == "POST" and _LEAD_UPLOAD.match(where) and isinstance(body, Mapping):
        settings = body.get("settings")
        flags = dict(body)  # a flag sent at the top level counts too
        if isinstance(settings, Mapping):
            flags.update(settings)
        return override_reason(flags)
    if verb == "DELETE" and (match := _CAMPAIGN_SENDERS.match(where)):
        return (f"Removing sender accounts from campaign {match.group(1)} changes who sends "
                f"its remaining emails (with none left, it stops sending)")
    if verb == "POST" and (match := _UNSUBSCRIBE_EVERYWHERE.match(where)):
        return (f"Unsubscribing lead {match.group(1)} from every campaign also blocks it from "
                f"future imports, and cannot be undone")
    if verb == "POST" and (match := _REPLY.match(where)):
        return (f"Replying in campaign {match.group(1)} sends a real email from its mailbox to "
                f"the lead, and cannot be unsent")
    if verb == "PUT" and (match := _CLIENT_KEY_RESET.match(where)):
        return (f"Resetting client API key {match.group(1)} stops the old key at once "
                f"(whatever uses it fails), and cannot be undone")
    if verb == "DELETE" and (match := _CLIENT_KEY.match(where)):
        return (f"Deleting client API key {match.group(1)} stops it at once (whatever uses "
                f"it fails), and cannot be undone")
    if verb == "DELETE" and where == _BLOCK_LIST_DELETE:
        return ("Deleting a block-list entry re-enables outreach to that address or domain: "
                "the next import lets it in")
    return None


def campaign_status(campaign: Mapping[str, Any]) -> str:
    """The status in SmartLead's record of a campaign, trimmed and upper-cased ('' if none).

    >>> campaign_status({"status": " drafted"}), campaign_status({})
    ('DRAFTED', '')
    """
    status = campaign.get("status") if isinstance(campaign, Mapping) else None
    return str(status).strip().upper() if status is not None else ""


def added_leads_reason(campaign: Mapping[str, Any]) -> str | None:
    """Why adding leads to ``campaign`` (SmartLead's record of it, read just before) needs
    ``confirm=True``: it is no longer a draft, so they may be emailed. ``None`` for a draft.

    A record without a status counts as not a draft: unknown is never taken for safe.

    >>> added_leads_reason({"id": 7, "status": "ACTIVE"})
    'Campaign 7 is ACTIVE, not DRAFTED: it is sending, so SmartLead emails leads added to it from its next sending window on'
    >>> added_leads_reason({"id": 7, "status": "DRAFTED"}) is None
    True
    """
    status = campaign_status(campaign)
    if status == DRAFT:
        return None
    effect = ADD_LEADS_EFFECT.get(status, "SmartLead may email leads added to it")
    return (f"Campaign {campaign.get('id')} is {status or 'in a state SmartLead did not say'}, "
            f"not {DRAFT}: {effect}")


def refuse_unless_draft(campaign: Mapping[str, Any], confirm: bool,
                        how: str = "call again with confirm=True") -> None:
    """Raise :class:`~smartlead_nb.errors.CampaignNotDrafted` when leads would go into a
    campaign that is no longer a draft and ``confirm`` is not ``True``."""
    reason = added_leads_reason(campaign)
    if reason and confirm is not True:
        raise CampaignNotDrafted(refusal(reason, how), campaign.get("id"),
                                 campaign_status(campaign) or None)


def lead_upload_campaign(method: str, path: str) -> str | None:
    """The campaign id an add-leads call goes to (``POST campaigns/{id}/leads``), or ``None``.

    >>> lead_upload_campaign("post", "/Campaigns/7/leads/"), lead_upload_campaign("GET", "campaigns/7/leads")
    ('7', None)
    """
    match = _LEAD_UPLOAD.match(normalise_path(path))
    return match.group(1) if match and str(method).upper() == "POST" else None


def normalise_path(path: str) -> str:
    """``path`` (relative to the API root) as rules compare it: resolved the way the
    transport sends it (``smartlead_nb._paths.resolve``: escapes, ``//``, ``.`` and ``..``),
    then case-folded, without query or trailing slash.

    >>> normalise_path("/Campaigns//7/./x/../%73tatus/?x=1")
    'campaigns/7/status'
    """
    return resolve(path).route
