"""What SmartLead will do with each lead of an upload, predicted from what it holds now.

SmartLead accepts an add-leads request and then quietly leaves some leads out: those on the
block list, those who unsubscribed, those already in the campaign, and those it holds in
another campaign, each unless the upload's flag of that name lets them in. A check that only
counts valid rows promises leads that never arrive. :func:`forecast_leads` applies SmartLead's
rules, in SmartLead's order, with the upload's own flags, to what SmartLead holds now, and
names each outcome as the upload report does (:mod:`smartlead_nb.reconcile`), so a check and
the upload it predicts use the same words.

What SmartLead holds is read in whichever way costs fewer requests: each address looked up
(one request each), or every campaign's leads exported (one request per campaign). When both
would cost more than ``max_requests``, nothing is looked up and the forecast says so instead
of guessing. SmartLead's community bounce list is not readable, so it is never predicted.

>>> forecast_leads(client, plan.checked_leads(), plan.upload_options()).describe()  # doctest: +SKIP
'1 of 3 leads will be added: 2 already in another campaign (SmartLead skips them; ...)'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .reconcile import ALREADY, BLOCKED, OTHER_CAMPAIGN, UNSUBSCRIBED, UPLOADED

if TYPE_CHECKING:  # annotations only
    from .client import SmartleadClient
    from .frames.leads import LeadsResult

#: The most requests a forecast spends (a minute of the Standard tier's budget); above it the
#: forecast says what it could not look up instead.
MAX_FORECAST_REQUESTS = 60
_BLOCK_PAGE = 1000  # entries per block-list request (the endpoint's largest page)

# Each outcome a forecast predicts, in words, with the flag that changes it (if any).
_SKIPS = {
    BLOCKED: ("on the block list", "SmartLead refuses", "ignore_global_block_list"),
    UNSUBSCRIBED: ("unsubscribed earlier", "SmartLead refuses", "ignore_unsubscribe_list"),
    ALREADY: ("already in this campaign", "not added twice", None),
    OTHER_CAMPAIGN: ("already in another campaign", "SmartLead skips",
                     "ignore_duplicate_leads_in_other_campaign"),
}


def smartlead_key(email: Any) -> str:
    """An address as SmartLead matches it: trimmed and lower-cased.

    >>> smartlead_key(" Ana@Example.com ")
    'ana@example.com'
    """
    return str(email).strip().lower()


@dataclass
class LeadForecast:
    """The predicted outcome of every accepted lead (``outcomes``: label -> outcome, named as
    in the upload report), or, when ``looked_up`` is false, why it was not predicted.

    ``where`` names, per address, the campaigns that explain its outcome; ``requests`` is
    what the forecast cost.
    """

    outcomes: pd.Series
    emails: pd.Series
    campaign_id: int | None = None
    looked_up: bool = True
    why_not: str = ""
    requests: int = 0
    where: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Leads per predicted outcome (only the outcomes that occur)."""
        return {k: int(v) for k, v in self.outcomes.value_counts().items()}

    @property
    def added(self) -> int:
        """Leads SmartLead will add (new to the campaign); all of them when not looked up."""
        return len(self.emails) if not self.looked_up else self.counts().get(UPLOADED, 0)

    @property
    def in_campaign(self) -> int:
        """Leads the campaign will hold afterwards: added now, or already in it."""
        return self.added + (self.counts().get(ALREADY, 0) if self.looked_up else 0)

    def skipped(self) -> list[tuple[str, int, str]]:
        """``(outcome, count, words)`` for each kind of lead SmartLead will leave out."""
        counts = self.counts() if self.looked_up else {}
        out = []
        for outcome, (what, effect, flag) in _SKIPS.items():
            n = counts.get(outcome, 0)
            if n:
                fix = f"; {flag}=True lets them in" if flag else ""
                them = " them" if flag else ""
                out.append((outcome, n, f"{n:,} {what} ({effect}{them}{fix})"))
        return out

    def why(self, label: Any) -> str:
        """Why SmartLead will leave out the lead at ``label``, in words ('' if it adds it)."""
        outcome = self.outcomes.get(label)
        if outcome not in _SKIPS:
            return ""
        what, effect, flag = _SKIPS[outcome]
        where = self.where.get(smartlead_key(self.emails[label]))
        fix = f"; {flag}=True lets it in" if flag else ""
        return f"{what}" + (f", in {where}" if where else "") + f" ({effect} it{fix})"

    def problems(self) -> list[tuple[str, str, str, str]]:
        """``(severity, area, item, problem)`` rows for a check: each lead SmartLead would
        leave out, and an error when the campaign would hold no lead at all."""
        if not self.looked_up:
            return [("warning", "leads", "", self.describe())]
        rows = []
        if self.in_campaign == 0:
            rows.append(("error", "leads", "", "no lead would be added: " + "; ".join(
                words for _, _, words in self.skipped())))
        for label, email in self.emails.items():
            if self.outcomes[label] not in (UPLOADED, ALREADY):  # ALREADY: in it, nothing lost
                rows.append(("warning", "leads", f"row {label}", f"{email}: {self.why(label)}"))
        return rows

    def describe(self) -> str:
        """One line: how many leads will be added, and why the others will not.

        >>> LeadForecast(pd.Series(["uploaded", "in_other_campaign"]),
        ...              pd.Series(["a@x.io", "b@x.io"])).describe()
        '1 of 2 leads will be added; 1 already in another campaign (SmartLead skips them; ignore_duplicate_leads_in_other_campaign=True lets them in)'
        """
        total = len(self.emails)
        noun = "lead" if total == 1 else "leads"
        if not self.looked_up:
            return (f"up to {total:,} {noun} will be added: SmartLead leaves out any already in "
                    f"another campaign, blocked or unsubscribed, and {self.why_not}")
        added = self.added
        head = (f"{added:,} {'lead' if added == 1 else 'leads'} will be added" if added == total
                else f"{added:,} of {total:,} {noun} will be added")
        skipped = self.skipped()
        return head + ("; " + "; ".join(words for _, _, words in skipped) if skipped else "")


def forecast_leads(client: SmartleadClient, leads: LeadsResult | None,
                   options: Mapping[str, Any], *, campaign_id: int | None = None,
                   max_requests: int = MAX_FORECAST_REQUESTS) -> LeadForecast:
    """Predict what SmartLead will do with each accepted lead of ``leads`` when they are
    uploaded to ``campaign_id`` (``None``: a campaign not created yet) with ``options`` (the
    upload flags, as :meth:`CampaignPlan.upload_options` gives them)."""
    emails = pd.Series([lead["email"] for lead in leads.leads] if leads is not None else [],
                       index=leads.index if leads is not None else None, dtype=object)
    keys = emails.map(smartlead_key)
    wanted = set(keys)
    if not wanted:
        return LeadForecast(pd.Series(dtype=object), emails, campaign_id)
    campaigns = client.campaigns.list()
    names = {int(c["id"]): str(c.get("name") or "") for c in campaigns}
    block_cost = 0 if options.get("ignore_global_block_list") else 1
    per_email, per_campaign = len(wanted), len(campaigns)
    cost = min(per_email, per_campaign) + block_cost
    if cost > max_requests:
        return LeadForecast(pd.Series(dtype=object), emails, campaign_id, looked_up=False,
                            why_not=f"looking them up would take {cost:,} requests to SmartLead "
                                    f"(more than {max_requests:,})", requests=1)
    if per_email <= per_campaign:
        members, unsubscribed = _by_email(client, wanted)
    else:
        members, unsubscribed = _by_campaign(client, wanted, names)
    requests = 1 + min(per_email, per_campaign)
    blocked: set[str] = set()
    if block_cost:
        entries = [smartlead_key(e.get("email_or_domain") or "") for e in client.block_list.iter()]
        blocked = set(entries)
        requests += 1 + len(entries) // _BLOCK_PAGE
    outcomes, where = {}, {}
    for key in wanted:
        held = members.get(key, set())
        if not options.get("ignore_global_block_list") and (
                key in blocked or key.rpartition("@")[2] in blocked):
            outcomes[key] = BLOCKED
        elif not options.get("ignore_unsubscribe_list") and key in unsubscribed:
            outcomes[key] = UNSUBSCRIBED
        elif campaign_id is not None and int(campaign_id) in held:
            outcomes[key] = ALREADY
        elif not options.get("ignore_duplicate_leads_in_other_campaign") and held:
            outcomes[key] = OTHER_CAMPAIGN
            where[key] = "; ".join(f'campaign {c} "{names.get(c, "")}"' for c in sorted(held))
        else:
            outcomes[key] = UPLOADED
    return LeadForecast(keys.map(outcomes), emails, campaign_id, requests=requests, where=where)


def _by_email(client, wanted: Iterable[str]) -> tuple[dict[str, set[int]], set[str]]:
    """Campaign memberships and unsubscribes, one lookup per address."""
    members, unsubscribed = {}, set()
    for key in sorted(wanted):
        lead = client.leads.find(key) or {}
        members[key] = {int(e["campaign_id"]) for e in lead.get("lead_campaign_data") or []
                        if e.get("campaign_id") is not None}
        if lead.get("is_unsubscribed") is True:
            unsubscribed.add(key)
    return members, unsubscribed


def _by_campaign(client, wanted: set[str], names: Mapping[int, str]
                 ) -> tuple[dict[str, set[int]], set[str]]:
    """Campaign memberships and unsubscribes, one leads export per campaign."""
    members: dict[str, set[int]] = {}
    unsubscribed: set[str] = set()
    for cid in names:
        frame = client.leads.export(cid)
        if frame.empty or "email" not in frame.columns:
            continue
        keys = frame["email"].map(smartlead_key)
        hit = keys.isin(wanted)
        for key in keys[hit]:
            members.setdefault(key, set()).add(cid)
        if "is_unsubscribed" in frame.columns:
            flags = frame.loc[hit, "is_unsubscribed"].fillna(False).astype(bool)
            unsubscribed.update(keys[hit][flags.to_numpy()])
    return members, unsubscribed
