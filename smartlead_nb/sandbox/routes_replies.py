"""Replying to a lead's thread [more-sheet 1.4]: ``POST /campaigns/{id}/reply-email-thread``.

The body is Joi-validated as SmartLead's is: unknown keys (``lead_id`` above all) are refused,
``email_stats_id`` must be a string naming a message of a thread in this campaign, and
``email_body`` is required. A reply is recorded, never sent: it is appended to the lead's
message history as a ``SENT`` item from the mailbox that owns the thread.
"""
from __future__ import annotations

from .routes_lead_ops import thread_maps
from .routing import Request, RouteTable, bad_request
from .validate import check_keys, opt_bool, require_object

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

REPLY_KEYS = ("email_stats_id", "email_body", "reply_message_id", "reply_email_time",
              "reply_email_body", "to_email", "to_first_name", "to_last_name", "cc", "bcc",
              "add_signature", "scheduled_time", "schedule_condition", "seq_type",
              "attachments")
TEXT_KEYS = tuple(k for k in REPLY_KEYS if k not in ("add_signature", "attachments"))
INVALID_THREAD = "Invalid email_stats_id or campaign_id"
SUCCESS = {"ok": True, "data": "success"}


def _check_body(body: dict) -> None:
    check_keys(body, REPLY_KEYS)
    for key in ("email_stats_id", "email_body"):
        if body.get(key) is None:
            raise bad_request(f'"{key}" is required')
    for key in TEXT_KEYS:
        if body.get(key) is not None and not isinstance(body[key], str):
            raise bad_request(f'"{key}" must be a string')
    if not body["email_body"].strip():
        raise bad_request('"email_body" is not allowed to be empty')
    opt_bool(body, "add_signature")
    attachments = body.get("attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise bad_request('"attachments" must be an array')
        for n, item in enumerate(attachments):
            if not isinstance(item, dict) or not isinstance(item.get("file_url"), str):
                raise bad_request(f'"attachments[{n}].file_url" is required')


def _message(db, stats_id: str):
    """The sent email or earlier reply this stats id names: (map id, account id, subject)."""
    if not stats_id.isdigit() or len(stats_id) > 18:
        return None
    for table in ("sent_emails", "thread_replies"):
        row = db.execute(f"SELECT map_id, lead_id, account_id, subject FROM {table} "
                         "WHERE id = ?", (int(stats_id),)).fetchone()
        if row is not None:
            return row
    return None


@ROUTES.route("POST", r"/campaigns/(\d+)/reply-email-thread")
def reply_email_thread(req: Request):
    (cid,) = req.params
    store, db = req.app.store, req.db
    store.campaign(cid)
    body = require_object(req.body)
    _check_body(body)
    message = _message(db, body["email_stats_id"])
    mapping = None if message is None else db.execute(
        "SELECT id FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
        (cid, message["lead_id"])).fetchone()
    # The message must belong to this campaign's thread with the lead (a subsequence's
    # thread includes its parent's messages).
    if mapping is None or message["map_id"] not in thread_maps(db, mapping["id"]):
        raise bad_request(INVALID_THREAD)
    subject = message["subject"] or ""
    db.execute("INSERT INTO thread_replies (campaign_id, lead_id, map_id, account_id, subject, "
               "email_body, cc, bcc, to_email, sent_time) VALUES (?,?,?,?,?,?,?,?,?,?)",
               (cid, message["lead_id"], mapping["id"], message["account_id"],
                subject if subject.startswith("Re: ") else "Re: " + subject,
                body["email_body"], body.get("cc"), body.get("bcc"), body.get("to_email"),
                store.now_iso()))
    return SUCCESS
