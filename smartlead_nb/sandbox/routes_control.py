"""``/_sandbox/`` control endpoints, so a sandbox in another process can be driven too.

They need the API key but are exempt from rate limits and faults, and are not logged in
``Sandbox.requests``.
"""
from __future__ import annotations

from datetime import timedelta

from . import simulation
from .faults import Faults
from .routing import Request, bad_request
from .timeutil import iso
from .validate import check_keys, require_object


def advance(req: Request):
    body = require_object(req.body)
    check_keys(body, ("days", "hours", "minutes"))
    parts = {}
    for key in ("days", "hours", "minutes"):
        value = body.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise bad_request(f'"{key}" must be a non-negative number')
        parts[key] = value
    now = simulation.advance(req.app.store, req.app.seed, timedelta(**parts))
    return {"ok": True, "now": iso(now)}


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


def set_faults(req: Request):
    body = require_object(req.body)
    try:
        faults = Faults.from_dict(body) if body else None
    except (TypeError, ValueError) as exc:
        raise bad_request(str(exc)) from None
    app = req.app
    app.injector.set(faults)
    return {"ok": True, "faults": None if faults is None else faults.to_dict()}


def reset(req: Request):
    req.app.store.reset()
    return {"ok": True, "now": req.app.store.now_iso(),
            "instance_id": req.app.store.get_meta("instance_id")}


def add_block_list(req: Request):
    body = require_object(req.body)
    check_keys(body, ("entries",))
    entries = body.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
        raise bad_request('"entries" must be a list of email addresses or domains')
    req.app.store.add_suppressions("block", entries)
    return {"ok": True}


ROUTES = [
    ("POST", r"/_sandbox/advance", advance),
    ("GET", r"/_sandbox/state", state),
    ("POST", r"/_sandbox/faults", set_faults),
    ("POST", r"/_sandbox/reset", reset),
    ("POST", r"/_sandbox/block-list", add_block_list),
]
