"""Control handlers: read the request, call the models (and the simulation), answer."""
from __future__ import annotations

import json
from datetime import timedelta

from .. import simulation
from ..block_list import models as block_list
from ..campaigns import models as campaigns
from ..errors import Invalid
from ..faults import Faults
from ..routing import Request
from ..timeutil import iso
from ..truth import FIELDS as TRUTH_FIELDS
from ..truth import Truth, TruthError
from ..validate import is_int, json_body, require_object
from . import models


def advance(req: Request):
    """``{days?, hours?, minutes?}``: move the clock, sending what ACTIVE campaigns would."""
    body = json_body(req, ("days", "hours", "minutes"))
    parts = {}
    for key in ("days", "hours", "minutes"):
        value = body.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise Invalid(f'"{key}" must be a non-negative number')
        parts[key] = value
    now = simulation.advance(req.store, req.app.seed, timedelta(**parts))
    return {"ok": True, "now": iso(now)}


def state(req: Request):
    """The clock, what the sandbox holds, and its configuration."""
    app, store = req.app, req.store
    limits, faults = app.rate_limits, app.injector.faults
    held = models.counts(store)
    return {
        "instance_id": store.get_meta("instance_id"), "now": store.now_iso(),
        "campaigns": held["campaigns"], "leads": held["leads"],
        "campaign_leads": held["campaign_leads"], "sent_emails": held["sent_emails"],
        "email_accounts": held["email_accounts"], "seed": app.seed,
        "lead_credits": {"limit": app.lead_credits,
                         "used": int(store.get_meta("lead_credits_used", "0"))},
        "max_leads_per_request": app.max_leads_per_request,
        "rate_limits": None if limits is None else {
            "per_second": limits.per_second, "per_minute": limits.per_minute,
            "per_hour": limits.per_hour, "time_scale": limits.time_scale},
        "faults": None if faults is None else faults.to_dict(),
        "fault_counts": dict(app.injector.counts),
    }


def set_faults(req: Request):
    body = require_object(req.body)
    try:
        faults = Faults.from_dict(body) if body else None
    except (TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from None
    req.app.injector.set(faults)
    return {"ok": True, "faults": None if faults is None else faults.to_dict()}


def reset(req: Request):
    req.store.reset()
    return {"ok": True, "now": req.store.now_iso(),
            "instance_id": req.store.get_meta("instance_id")}


def add_block_list(req: Request):
    body = json_body(req, ("entries",))
    entries = body.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
        raise Invalid('"entries" must be a list of email addresses or domains')
    block_list.add(req.store, entries)
    return {"ok": True}


def _truth_campaign(req: Request, value) -> int:
    """The campaign a truth request names; Invalid (not NotFound, which would tell the client
    "this is not a sandbox") when it is missing or unknown."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not is_int(value):
        raise Invalid('"campaign_id" must be the id of a campaign in this sandbox; got '
                      f"{value!r}")
    if campaigns.find(req.store, value) is None:
        raise Invalid(f'"campaign_id" {value} is not a campaign in this sandbox')
    return value


def set_truth(req: Request):
    """``{campaign_id, reply_rates?, positive_share?, bounce_rates?, reply_delay_days?}``:
    replace the campaign's truth (fields left out or null are not set); only ``campaign_id``
    removes it. Later sends are drawn from it; sends already made stay as they were."""
    body = json_body(req, ("campaign_id", *TRUTH_FIELDS))
    cid = _truth_campaign(req, body.get("campaign_id"))
    try:
        truth = Truth.parse({k: v for k, v in body.items() if k != "campaign_id"})
        truth.check_campaign(*models.campaign_shape(req.store, cid))
    except TruthError as exc:
        raise Invalid(f"campaign {cid}: {exc}") from None
    stored = None if truth.is_empty else json.dumps(truth.to_json())
    campaigns.set_truth(req.store, cid, stored)
    return {"ok": True, "campaign_id": cid, "truth": None if stored is None else truth.to_json()}


def get_truth(req: Request):
    """``?campaign_id=N``: the campaign's truth as stored, or null."""
    cid = _truth_campaign(req, req.query.get("campaign_id"))
    truth = Truth.from_text(campaigns.truth(req.store, cid))
    return {"campaign_id": cid, "truth": None if truth is None else truth.to_json()}
