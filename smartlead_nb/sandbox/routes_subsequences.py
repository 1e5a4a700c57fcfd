"""Subsequences [more-sheet 5.5, 1.7]: create one, and push a lead into one.

A subsequence is an ordinary campaign row with ``parent_campaign_id`` set (DRAFTED, set up
with the usual sequence, account, schedule and status endpoints). Pushing a lead adds it to
the subsequence as a fresh lead whose first email waits ``sub_sequence_delay_time`` days
(days, as a live audit found, not the seconds the docs say); its thread, and so its message
history, carries on from the parent campaign's. Errors of a push arrive inside a 200, as on
SmartLead: ``{"ok": false, "message": ...}``.
"""
from __future__ import annotations

from datetime import timedelta

from .routing import ApiError, Request, RouteTable, bad_request
from .timeutil import iso
from .validate import is_int, json_body, opt_bool, opt_str

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

NOT_A_CHILD = "Invalid subsequence or not related to the parent campaign"


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


@ROUTES.route("POST", r"/master-inbox/push-to-subsequence")
def push_to_subsequence(req: Request):
    store, db = req.app.store, req.db
    body = json_body(req, ("email_lead_map_id", "sub_sequence_id", "sub_sequence_delay_time",
                           "stop_lead_on_parent_campaign_reply"))
    map_id = _required_id(body, "email_lead_map_id")
    sub_id = _required_id(body, "sub_sequence_id")
    delay = body.get("sub_sequence_delay_time", 0)
    if delay is None:
        delay = 0
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise bad_request('"sub_sequence_delay_time" must be a number greater than or '
                          'equal to 0')
    stop_on_reply = bool(opt_bool(body, "stop_lead_on_parent_campaign_reply"))
    mapping = db.execute("SELECT * FROM campaign_leads WHERE id = ?", (map_id,)).fetchone()
    if mapping is None:
        raise ApiError(404, {"error": "Lead not found"})
    sub = db.execute("SELECT * FROM campaigns WHERE id = ?", (sub_id,)).fetchone()
    if sub is None or sub["parent_campaign_id"] != mapping["campaign_id"]:
        return {"ok": False, "message": NOT_A_CHILD}
    if db.execute("SELECT 1 FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
                  (sub_id, mapping["lead_id"])).fetchone():
        return {"ok": False, "message": "Lead already exists in the subsequence"}
    now = store.now()
    starts = iso(now + timedelta(days=delay))
    new_map = db.execute(
        "INSERT INTO campaign_leads (campaign_id, lead_id, status, created_at, next_due, "
        "ignore_block, ignore_unsub) VALUES (?, ?, 'STARTED', ?, ?, ?, ?)",
        (sub_id, mapping["lead_id"], iso(now), starts, mapping["ignore_block"],
         mapping["ignore_unsub"])).lastrowid
    db.execute("INSERT INTO subsequence_pushes VALUES (?, ?, ?, ?, ?)",
               (new_map, map_id, delay, int(stop_on_reply), iso(now)))
    return {"ok": True, "message": "Lead pushed to subsequence",
            "data": {"email_lead_map_id": map_id, "parent_campaign_id": mapping["campaign_id"],
                     "sub_sequence_id": sub_id, "will_start_at": starts,
                     "stop_on_parent_reply": stop_on_reply}}
