"""Per-lead operations [sheet 5.3-5.9, 5.10]: pause, resume, delete, unsubscribe, lookups,
categories, update, message history."""
from __future__ import annotations

from datetime import timedelta

from .routes_leads import (EMAIL_RE, LEAD_FIELDS, clean_lead_fields, lead_json,
                           lead_memberships, write_lead_fields)
from .routing import Request, RouteTable, bad_request
from .timeutil import iso
from .validate import is_int, json_body, opt_bool

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

ACTIVE_LEAD = ("STARTED", "INPROGRESS")
SUCCESS = {"ok": True, "data": "success"}


def _status_when_running(row) -> str:
    """STARTED until the first email went out, INPROGRESS afterwards."""
    return "STARTED" if row["last_sent_at"] is None else "INPROGRESS"


def _pause_in_campaign(req: Request) -> None:
    """The path's lead becomes PAUSED in the path's campaign if it is still being emailed."""
    cid, lid = req.params
    row = req.app.store.campaign_lead(cid, lid)
    if row["status"] in ACTIVE_LEAD:
        req.db.execute("UPDATE campaign_leads SET status = 'PAUSED' WHERE id = ?", (row["id"],))


@ROUTES.route("POST", r"/campaigns/(\d+)/leads/(\d+)/pause")
def pause_lead(req: Request):
    _pause_in_campaign(req)
    return SUCCESS


@ROUTES.route("POST", r"/campaigns/(\d+)/leads/(\d+)/resume")
def resume_lead(req: Request):
    cid, lid = req.params
    row = req.app.store.campaign_lead(cid, lid)
    body = json_body(req, ("resume_lead_with_delay_days",))
    raw = body.get("resume_lead_with_delay_days")
    try:   # documented as an integer (L1) and as a string (D): take both
        days = 0 if raw is None else int(raw)
        if isinstance(raw, (bool, float)) or days < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise bad_request('"resume_lead_with_delay_days" must be a non-negative integer') \
            from None
    if row["status"] == "PAUSED":
        due = row["next_due"]
        if days:
            due = iso(req.app.store.now() + timedelta(days=days))
        req.db.execute("UPDATE campaign_leads SET status = ?, next_due = ? WHERE id = ?",
                       (_status_when_running(row), due, row["id"]))
    return SUCCESS


@ROUTES.route("DELETE", r"/campaigns/(\d+)/leads/(\d+)")
def delete_lead(req: Request):
    cid, lid = req.params
    row = req.app.store.campaign_lead(cid, lid)
    req.db.execute("DELETE FROM sent_emails WHERE map_id = ?", (row["id"],))
    req.db.execute("DELETE FROM thread_replies WHERE map_id = ?", (row["id"],))
    req.db.execute("DELETE FROM subsequence_pushes WHERE map_id = ?", (row["id"],))
    req.db.execute("DELETE FROM campaign_leads WHERE id = ?", (row["id"],))
    return {"ok": True}


@ROUTES.route("POST", r"/campaigns/(\d+)/leads/(\d+)/unsubscribe")
def unsubscribe_from_campaign(req: Request):
    """L1 calls this 'effectively a pause' for the one campaign, so the lead becomes PAUSED."""
    _pause_in_campaign(req)
    return {"ok": True}


@ROUTES.route("POST", r"/leads/(\d+)/unsubscribe")
def unsubscribe_everywhere(req: Request):
    """Global unsubscribe: the lead is STOPPED in every campaign and refused on re-import."""
    (lid,) = req.params
    req.app.store.lead(lid)
    req.db.execute("UPDATE leads SET is_unsubscribed = 1 WHERE id = ?", (lid,))
    req.db.execute("UPDATE campaign_leads SET status = 'STOPPED' WHERE lead_id = ? AND "
                   "status IN ('STARTED', 'INPROGRESS', 'PAUSED')", (lid,))
    return {"ok": True}


@ROUTES.route("GET", r"/leads")
def lead_by_email(req: Request):
    email = req.query.get("email", "").strip().lower()
    if not email:
        raise bad_request('"email" is required')
    row = req.db.execute("SELECT * FROM leads WHERE email = ?", (email,)).fetchone()
    if row is None:
        return {}      # SmartLead answers an unknown email with 200 {} (P), not 404
    out = lead_json(row)
    out["id"] = str(row["id"])     # a string here, as L1 shows
    out["created_at"] = row["created_at"]
    out["lead_campaign_data"] = [{
        "campaign_id": r["campaign_id"], "campaign_name": r["name"],
        "client_id": r["client_id"], "campaign_lead_map_id": r["id"],
        "lead_category_id": r["category_id"], "lead_status": r["status"],
        "last_reply_at": r["last_reply"],
    } for r in lead_memberships(req.db, row["id"], req.app.store.now_iso())]
    return out


@ROUTES.route("GET", r"/leads/(\d+)/campaigns")
def lead_campaigns(req: Request):
    (lid,) = req.params
    req.app.store.lead(lid)
    return [{"id": r["id"], "status": r["status"], "name": r["name"]} for r in req.db.execute(
        "SELECT c.id, c.status, c.name FROM campaigns c JOIN campaign_leads m "
        "ON m.campaign_id = c.id WHERE m.lead_id = ? ORDER BY c.id", (lid,))]


@ROUTES.route("GET", r"/leads/fetch-categories")
def fetch_categories(req: Request):
    return [{"id": r["id"], "created_at": r["created_at"], "name": r["name"],
             "color": r["color"]}
            for r in req.db.execute("SELECT * FROM categories ORDER BY id")]


@ROUTES.route("POST", r"/campaigns/(\d+)/leads/(\d+)/category")
def set_category(req: Request):
    cid, lid = req.params
    row = req.app.store.campaign_lead(cid, lid)
    body = json_body(req, ("category_id", "pause_lead"))
    category = body.get("category_id")
    if category is not None:
        if not is_int(category) or req.db.execute(
                "SELECT 1 FROM categories WHERE id = ?", (category,)).fetchone() is None:
            raise bad_request(f"Invalid category_id - {category}")
    status = row["status"]
    if opt_bool(body, "pause_lead") and status in ACTIVE_LEAD:
        status = "PAUSED"
    req.db.execute("UPDATE campaign_leads SET category_id = ?, status = ? WHERE id = ?",
                   (category, status, row["id"]))
    return {"ok": True}


@ROUTES.route("POST", r"/campaigns/(\d+)/leads/(\d+)")
def update_lead(req: Request):
    """Update the lead record (account-wide, as P observed), addressed through a campaign.

    SmartLead replaces the record with the object sent: a field left out is cleared, not
    kept (a client that wants a partial change reads the lead and sends it whole). Only the
    address stays when left out: it is who the lead is.
    """
    cid, lid = req.params
    req.app.store.campaign_lead(cid, lid)
    fields = clean_lead_fields(req.body, "value", require_email=False)
    if "email" in fields:
        email = fields["email"].strip().lower()
        if not EMAIL_RE.match(email):
            raise bad_request(f"Invalid email - {fields['email']}")
        other = req.db.execute("SELECT id FROM leads WHERE email = ?", (email,)).fetchone()
        if other is not None and other[0] != lid:
            raise bad_request(f"Email {email} already belongs to another lead")
        req.db.execute("UPDATE leads SET email = ? WHERE id = ?", (email, lid))
    replaced = {key: None for key in LEAD_FIELDS}
    replaced["custom_fields"] = "{}"
    write_lead_fields(req.db, lid, {**replaced, **fields})
    return {"ok": True}


def thread_maps(db, map_id: int) -> list[int]:
    """The mapping ids whose emails make up this mapping's thread, oldest first: a lead
    pushed into a subsequence carries on the thread of the mapping it was pushed from."""
    chain = [map_id]
    while True:
        row = db.execute("SELECT parent_map_id FROM subsequence_pushes WHERE map_id = ?",
                         (chain[0],)).fetchone()
        if row is None or row[0] in chain:
            return chain
        chain.insert(0, row[0])


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


@ROUTES.route("GET", r"/campaigns/(\d+)/leads/(\d+)/message-history")
def message_history(req: Request):
    cid, lid = req.params
    mapping = req.app.store.campaign_lead(cid, lid)
    now = req.app.store.now_iso()
    lead = req.app.store.lead(lid)
    maps = thread_maps(req.db, mapping["id"])
    history, sender = [], None
    for r in req.db.execute(
            "SELECT s.*, json_extract(a.data, '$.from_email') AS sender FROM sent_emails s "
            "LEFT JOIN email_accounts a ON a.id = s.account_id "
            f"WHERE s.map_id IN ({_marks(maps)}) ORDER BY s.sent_time, s.id", maps):
        sender = r["sender"] or sender
        history.append({"type": "SENT", "message_id": f"<sl-{r['id']}@sandbox.smartlead.local>",
                        "stats_id": str(r["id"]), "time": r["sent_time"],
                        "email_body": r["email_body"], "subject": r["subject"],
                        "email_seq_number": r["seq_number"]})
        if r["reply_time"] and r["reply_time"] <= now:
            history.append({"type": "REPLY",
                            "message_id": f"<re-{r['id']}@{lead['email'].split('@')[1]}>",
                            "stats_id": str(r["id"]), "time": r["reply_time"],
                            "email_body": "<p>Thanks for reaching out - (simulated reply)</p>",
                            "subject": "Re: " + (r["subject"] or "")})
    # Replies sent by a person (reply-email-thread): SENT, from the mailbox of the thread.
    for r in req.db.execute(
            "SELECT t.*, json_extract(a.data, '$.from_email') AS sender FROM thread_replies t "
            "LEFT JOIN email_accounts a ON a.id = t.account_id "
            f"WHERE t.map_id IN ({_marks(maps)}) ORDER BY t.sent_time, t.id", maps):
        history.append({"type": "SENT",
                        "message_id": f"<sl-reply-{r['id']}@sandbox.smartlead.local>",
                        "stats_id": str(r["id"]), "time": r["sent_time"],
                        "email_body": r["email_body"], "subject": r["subject"],
                        "from": r["sender"]})
    history.sort(key=lambda item: item["time"])
    return {"history": history, "from": sender, "to": lead["email"]}
