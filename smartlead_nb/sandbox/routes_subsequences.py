"""Subsequences [more-sheet 5.5, 1.7]: create one, and push a lead into one.

A subsequence is an ordinary campaign row with ``parent_campaign_id`` set (DRAFTED, set up
with the usual sequence, account, schedule and status endpoints). Pushing a lead adds it to
the subsequence as a fresh lead whose first email waits ``sub_sequence_delay_time`` days
(days, as a live audit found, not the seconds the docs say); its thread, and so its message
history, carries on from the parent campaign's. Errors of a push arrive inside a 200, as on
SmartLead: ``{"ok": false, "message": ...}``.
"""
from __future__ import annotations

from .routing import Request, RouteTable, bad_request
from .validate import is_int, json_body, opt_str

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

def _required_id(body: dict, key: str) -> int:
    value = body.get(key)
    if value is None:
        raise bad_request(f'"{key}" is required')
    if not is_int(value):
        raise bad_request(f'"{key}" must be a number')
    return value


@ROUTES.route("POST", r"/campaigns/create-subsequence")
def create_subsequence(req: Request):
    body = json_body(req, ("parent_campaign_id", "subsequence_name", "condition_events"))
    parent = req.app.store.campaign(_required_id(body, "parent_campaign_id"))
    name = opt_str(body, "subsequence_name") or f"{parent['name']} - Subsequence"
    events = body.get("condition_events")
    if events is not None and (not isinstance(events, list)
                               or not all(isinstance(e, str) for e in events)):
        raise bad_request('"condition_events" must be an array of strings')
    now = req.app.store.now_iso()
    cur = req.db.execute(
        "INSERT INTO campaigns (name, status, client_id, created_at, updated_at, "
        "parent_campaign_id) VALUES (?, 'DRAFTED', ?, ?, ?, ?)",
        (name, parent["client_id"], now, now, parent["id"]))
    # Both keys: the docs answer subsequence_id, the official CLI reads id.
    return {"ok": True, "id": cur.lastrowid, "subsequence_id": cur.lastrowid, "name": name,
            "created_at": now}
