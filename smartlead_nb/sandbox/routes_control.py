"""``/_sandbox/`` control endpoints, so a sandbox in another process can be driven too.

They need the API key but are exempt from rate limits and faults, and are not logged in
``Sandbox.requests``.
"""
from __future__ import annotations

import json
from datetime import timedelta

from . import simulation
from .block_list import models as block_list
from .faults import Faults
from .routing import Request, RouteTable, bad_request
from .timeutil import iso
from .truth import FIELDS as TRUTH_FIELDS
from .truth import Truth, TruthError
from .validate import is_int, json_body, require_object

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below


@ROUTES.route("POST", r"/_sandbox/advance")
def advance(req: Request):
    body = json_body(req, ("days", "hours", "minutes"))
    parts = {}
    for key in ("days", "hours", "minutes"):
        value = body.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise bad_request(f'"{key}" must be a non-negative number')
        parts[key] = value
    now = simulation.advance(req.app.store, req.app.seed, timedelta(**parts))
    return {"ok": True, "now": iso(now)}


@ROUTES.route("GET", r"/_sandbox/state")
def state(req: Request):
    app, db = req.app, req.db

    def count(table: str) -> int:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    limits = app.rate_limits
    faults = app.injector.faults
    return {
        "instance_id": app.store.get_meta("instance_id"),
        "now": app.store.now_iso(), "campaigns": count("campaigns"), "leads": count("leads"),
        "campaign_leads": count("campaign_leads"), "sent_emails": count("sent_emails"),
        "email_accounts": count("email_accounts"), "seed": app.seed,
        "lead_credits": {"limit": app.lead_credits,
                         "used": int(app.store.get_meta("lead_credits_used", "0"))},
        "max_leads_per_request": app.max_leads_per_request,
        "rate_limits": None if limits is None else {
            "per_second": limits.per_second, "per_minute": limits.per_minute,
            "per_hour": limits.per_hour, "time_scale": limits.time_scale},
        "faults": None if faults is None else faults.to_dict(),
        "fault_counts": dict(app.injector.counts),
    }


@ROUTES.route("POST", r"/_sandbox/faults")
def set_faults(req: Request):
    body = require_object(req.body)
    try:
        faults = Faults.from_dict(body) if body else None
    except (TypeError, ValueError) as exc:
        raise bad_request(str(exc)) from None
    app = req.app
    app.injector.set(faults)
    return {"ok": True, "faults": None if faults is None else faults.to_dict()}


@ROUTES.route("POST", r"/_sandbox/reset")
def reset(req: Request):
    req.app.store.reset()
    return {"ok": True, "now": req.app.store.now_iso(),
            "instance_id": req.app.store.get_meta("instance_id")}


@ROUTES.route("POST", r"/_sandbox/block-list")
def add_block_list(req: Request):
    body = json_body(req, ("entries",))
    entries = body.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
        raise bad_request('"entries" must be a list of email addresses or domains')
    block_list.add(req.store, entries)
    return {"ok": True}


def _truth_campaign(req: Request, value) -> int:
    """The campaign a truth request names; 400 (not 404, which means "not a sandbox" to the
    client) when it is missing or unknown."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not is_int(value):
        raise bad_request('"campaign_id" must be the id of a campaign in this sandbox; got '
                          f"{value!r}")
    if req.db.execute("SELECT 1 FROM campaigns WHERE id = ?", (value,)).fetchone() is None:
        raise bad_request(f'"campaign_id" {value} is not a campaign in this sandbox')
    return value


def _campaign_shape(db, cid: int) -> tuple[dict[int, list[str]], set[int]]:
    """What a truth may name: each step's variant labels, and the attached sender accounts."""
    steps: dict[int, list[str]] = {}
    for step in db.execute("SELECT id, seq_number FROM sequences WHERE campaign_id = ? "
                           "ORDER BY seq_number", (cid,)).fetchall():
        steps[step["seq_number"]] = [r[0] for r in db.execute(
            "SELECT variant_label FROM variants WHERE seq_id = ? ORDER BY id", (step["id"],))]
    accounts = {r[0] for r in db.execute(
        "SELECT account_id FROM campaign_accounts WHERE campaign_id = ?", (cid,))}
    return steps, accounts


@ROUTES.route("POST", r"/_sandbox/truth")
def set_truth(req: Request):
    """``{campaign_id, reply_rates?, positive_share?, bounce_rates?, reply_delay_days?}``:
    replace the campaign's truth (fields left out or null are not set); only ``campaign_id``
    removes it. Later sends are drawn from it; sends already made stay as they were."""
    body = json_body(req, ("campaign_id", *TRUTH_FIELDS))
    cid = _truth_campaign(req, body.get("campaign_id"))
    try:
        truth = Truth.parse({k: v for k, v in body.items() if k != "campaign_id"})
        truth.check_campaign(*_campaign_shape(req.db, cid))
    except TruthError as exc:
        raise bad_request(f"campaign {cid}: {exc}") from None
    stored = None if truth.is_empty else json.dumps(truth.to_json())
    req.app.store.set_truth(cid, stored)
    return {"ok": True, "campaign_id": cid, "truth": None if stored is None else truth.to_json()}


@ROUTES.route("GET", r"/_sandbox/truth")
def get_truth(req: Request):
    """``?campaign_id=N``: the campaign's truth as stored, or null."""
    cid = _truth_campaign(req, req.query.get("campaign_id"))
    truth = Truth.from_text(req.app.store.truth(cid))
    return {"campaign_id": cid, "truth": None if truth is None else truth.to_json()}
