"""Sender mailboxes beyond list/attach [more-facts 3.2-3.4, 3.6]: create or update an SMTP
account, update one, its warm-up settings, tags, and the reconnect of failed accounts.

No network connection is ever opened: an account "connects" unless its host is
``fail.invalid`` (a name that can never resolve), which is how a test gets a failing one.
"""
from __future__ import annotations

import json
import re

from .routes_accounts import account_row
from .routing import ApiError, Request, RouteTable, bad_request
from .store import USER_ID
from .validate import is_int, json_body, opt_bool, opt_int, opt_str

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

FAILING_HOST = "fail.invalid"
# D's documented warm-up ranges [3.4]; outside them the answer is a 400 naming the bound.
WARMUP_RANGES = {"total_warmup_per_day": (1, 50), "daily_rampup": (5, 20),
                 "reply_rate_percentage": (20, 100)}
WARMUP_FLAGS = ("auto_adjust_warmup", "is_rampup_enabled")
SAVE_REQUIRED = ("from_name", "from_email", "user_name", "password", "smtp_host", "smtp_port",
                 "imap_host", "imap_port")
SAVE_OPTIONAL = ("id", "max_email_per_day", "custom_tracking_url", "bcc", "signature",
                 "different_reply_to_address", "imap_user_name", "imap_password",
                 "time_to_wait_in_mins", "warmup_enabled", "total_warmup_per_day",
                 "daily_rampup", "reply_rate_percentage", "client_id", "is_suspended")
UPDATE_KEYS = ("max_email_per_day", "from_name", "custom_tracking_url", "bcc", "signature",
               "client_id", "time_to_wait_in_mins", "is_suspended")
# The update body's names -> the account object's names.
_FIELD_NAMES = {"max_email_per_day": "message_per_day", "custom_tracking_url":
                "custom_tracking_domain", "bcc": "bcc_email",
                "time_to_wait_in_mins": "minTimeToWaitInMins"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def _store_account(req: Request, aid: int, data: dict) -> None:
    data.pop("campaign_count", None)
    data.pop("tags", None)
    data["updated_at"] = req.app.store.now_iso()
    req.db.execute("UPDATE email_accounts SET data = ? WHERE id = ?", (json.dumps(data), aid))


def _warmup_changes(body: dict) -> dict:
    """The warm-up fields of a body, checked against D's ranges (400 Joi-style outside)."""
    out = {}
    for key, (lo, hi) in WARMUP_RANGES.items():
        value = body.get(key)
        if key == "reply_rate_percentage" and isinstance(value, str) and value.strip().isdigit():
            value = int(value)       # P-ARR sends it as a string
            body = dict(body, **{key: value})
        if value is not None:
            out[key] = opt_int(body, key, lo=lo, hi=hi)
    for key in WARMUP_FLAGS:
        if body.get(key) is not None:
            out[key] = opt_bool(body, key)
    if body.get("warmup_key_id") is not None:
        out["warmup_key_id"] = opt_str(body, "warmup_key_id")
    return out


def _apply_warmup(details: dict, enabled: bool | None, changes: dict) -> dict:
    """Reflect warm-up settings in ``warmup_details`` (status, daily count, reply rate)."""
    details = dict(details or {})
    if enabled is not None:
        details["status"] = "ACTIVE" if enabled else "INACTIVE"
    if "total_warmup_per_day" in changes:
        details["max_email_per_day"] = changes["total_warmup_per_day"]
    if "reply_rate_percentage" in changes:
        details["reply_rate"] = changes["reply_rate_percentage"]
    for key in ("daily_rampup", "warmup_key_id", *WARMUP_FLAGS):
        if key in changes:
            details[key] = changes[key]
    return details


@ROUTES.route("POST", r"/email-accounts/save")
def save_account(req: Request):
    """``POST /email-accounts/save``: create, or update the account ``id`` names (L1 shape).

    Failures answer 200 ``{ok: false, errorCode}`` as SmartLead does: a ``from_email`` that
    exists (ACCOUNT_ALREADY_EXIST) or an unknown ``id`` (ACCOUNT_NOT_FOUND).
    """
    body = json_body(req, SAVE_REQUIRED + SAVE_OPTIONAL)
    for key in SAVE_REQUIRED:
        if body.get(key) in (None, ""):
            raise bad_request(f'"{key}" is required')
    for key in ("from_name", "from_email", "user_name", "password", "smtp_host", "imap_host",
                "custom_tracking_url", "bcc", "signature", "different_reply_to_address",
                "imap_user_name", "imap_password"):
        opt_str(body, key)
    for key in ("smtp_port", "imap_port"):
        opt_int(body, key, lo=1, hi=65535)
    per_day = opt_int(body, "max_email_per_day", lo=1)
    wait = opt_int(body, "time_to_wait_in_mins", lo=0)
    client_id = opt_int(body, "client_id")
    enabled = opt_bool(body, "warmup_enabled")
    suspended = opt_bool(body, "is_suspended")
    warmup = _warmup_changes(body)
    email = body["from_email"].strip().lower()
    if not _EMAIL.match(email):
        raise bad_request(f'"from_email" must be a valid email, got {body["from_email"]!r}')

    db, now = req.db, req.app.store.now_iso()
    existing = {json.loads(r["data"])["from_email"].lower(): r["id"]
                for r in db.execute("SELECT * FROM email_accounts")}
    target = body.get("id")
    if target is not None:
        if not is_int(target):
            raise bad_request('"id" must be a number')
        if db.execute("SELECT 1 FROM email_accounts WHERE id = ?", (target,)).fetchone() is None:
            return {"ok": False, "message": "Email account not found",
                    "errorCode": "ACCOUNT_NOT_FOUND", "emailAccountId": target}
    if email in existing and existing[email] != target:
        return {"ok": False, "message": "Email account already exists",
                "errorCode": "ACCOUNT_ALREADY_EXIST", "emailAccountId": existing[email]}

    smtp_ok = body["smtp_host"].strip().lower() != FAILING_HOST
    imap_ok = body["imap_host"].strip().lower() != FAILING_HOST
    old = json.loads(account_row(db, target)["data"]) if target is not None else {}
    data = {**old, "user_id": USER_ID, "from_name": body["from_name"], "from_email": email,
            "username": body["user_name"], "password": body["password"],
            "smtp_host": body["smtp_host"], "smtp_port": body["smtp_port"],
            "smtp_port_type": old.get("smtp_port_type", "TLS"),
            "imap_host": body["imap_host"], "imap_port": body["imap_port"],
            "imap_port_type": old.get("imap_port_type", "SSL"),
            "imap_username": body.get("imap_user_name") or body["user_name"],
            "imap_password": body.get("imap_password") or body["password"],
            "is_different_imap_account": bool(body.get("imap_user_name")),
            "message_per_day": per_day or old.get("message_per_day", 50),
            "daily_sent_count": old.get("daily_sent_count", 0),
            "different_reply_to_address": body.get("different_reply_to_address"),
            "signature": body.get("signature", old.get("signature")),
            "custom_tracking_domain": body.get("custom_tracking_url"),
            "bcc_email": body.get("bcc"),
            "minTimeToWaitInMins": wait if wait is not None else old.get("minTimeToWaitInMins", 10),
            "is_smtp_success": smtp_ok, "is_imap_success": imap_ok,
            "smtp_failure_error": None if smtp_ok else f"getaddrinfo ENOTFOUND {FAILING_HOST}",
            "imap_failure_error": None if imap_ok else f"getaddrinfo ENOTFOUND {FAILING_HOST}",
            "type": old.get("type", "SMTP"), "client_id": client_id,
            "is_suspended": bool(suspended), "created_at": old.get("created_at", now)}
    base = old.get("warmup_details") or {"status": "INACTIVE", "total_sent_count": 0,
                                          "total_spam_count": 0, "warmup_reputation": "100%",
                                          "reply_rate": None, "blocked_reason": None}
    if target is None:
        base = dict(base, warmup_key_id=f"sandbox-{email.split('@')[0]}")
    data["warmup_details"] = _apply_warmup(base, enabled, warmup)
    if target is None:
        cur = db.execute("INSERT INTO email_accounts (data) VALUES (?)", (json.dumps(data),))
        aid, message = cur.lastrowid, "Email account added successfully!"
    else:
        aid, message = target, "Email account updated successfully!"
    _store_account(req, aid, data)
    return {"ok": True, "message": message, "emailAccountId": aid,
            "warmupKey": data["warmup_details"].get("warmup_key_id")}


@ROUTES.route("POST", r"/email-accounts/(\d+)")
def update_account(req: Request):
    """``POST /email-accounts/{id}``: only the documented keys [3.3]."""
    (aid,) = req.params
    row = account_row(req.db, aid)
    body = json_body(req, UPDATE_KEYS)
    opt_int(body, "max_email_per_day", lo=1)
    opt_int(body, "time_to_wait_in_mins", lo=0)
    opt_int(body, "client_id")
    opt_bool(body, "is_suspended")
    for key in ("from_name", "custom_tracking_url", "bcc", "signature"):
        opt_str(body, key)
    if "from_name" in body and not (body["from_name"] or "").strip():
        raise bad_request('"from_name" is not allowed to be empty')
    data = json.loads(row["data"])
    for key, value in body.items():
        data[_FIELD_NAMES.get(key, key)] = value
    _store_account(req, aid, data)
    return {"ok": True, "message": "Email account updated successfully"}


@ROUTES.route("POST", r"/email-accounts/(\d+)/warmup")
def update_warmup(req: Request):
    """``POST /email-accounts/{id}/warmup``: ``warmup_enabled`` required, D's ranges."""
    (aid,) = req.params
    row = account_row(req.db, aid)
    body = json_body(req, ("warmup_enabled", "warmup_key_id", *WARMUP_RANGES, *WARMUP_FLAGS))
    if body.get("warmup_enabled") is None:
        raise bad_request('"warmup_enabled" is required')
    enabled = opt_bool(body, "warmup_enabled")
    changes = _warmup_changes(body)
    data = json.loads(row["data"])
    data["warmup_details"] = _apply_warmup(data.get("warmup_details"), enabled, changes)
    _store_account(req, aid, data)
    return {"ok": True, "message": "Warmup settings updated successfully"}


@ROUTES.route("POST", r"/email-accounts/tag-manager")
def save_tag(req: Request):
    """``POST /email-accounts/tag-manager`` ``{id?, name, color}``: create or rename a tag."""
    body = json_body(req, ("id", "name", "color"))
    name = opt_str(body, "name")
    if not name or not name.strip():
        raise bad_request('"name" is required')
    color = opt_str(body, "color")
    tag_id = opt_int(body, "id")
    if tag_id is None:
        tag_id = req.db.execute("INSERT INTO account_tags (name, color, created_at) "
                                "VALUES (?, ?, ?)",
                                (name.strip(), color, req.app.store.now_iso())).lastrowid
    elif not req.db.execute("UPDATE account_tags SET name = ?, color = COALESCE(?, color) "
                            "WHERE id = ?", (name.strip(), color, tag_id)).rowcount:
        raise ApiError(404, {"error": f"Tag not found - Invalid id {tag_id}."})
    row = req.db.execute("SELECT id, name, color FROM account_tags WHERE id = ?",
                         (tag_id,)).fetchone()
    return {"ok": True, "data": dict(row)}


def _ids(body: dict, key: str) -> list[int]:
    values = body.get(key)
    if not isinstance(values, list) or not values:
        raise bad_request(f'"{key}" must be a non-empty array of ids')
    for i, value in enumerate(values):
        if not is_int(value):
            raise bad_request(f'"{key}[{i}]" must be a number')
    return list(dict.fromkeys(values))


def _mapping(req: Request) -> tuple[list[int], list[int]]:
    body = json_body(req, ("email_account_ids", "tag_ids"))
    accounts, tags = _ids(body, "email_account_ids"), _ids(body, "tag_ids")
    for aid in accounts:
        account_row(req.db, aid)
    for tid in tags:
        if req.db.execute("SELECT 1 FROM account_tags WHERE id = ?", (tid,)).fetchone() is None:
            raise ApiError(404, {"error": f"Tag not found - Invalid id {tid}."})
    return accounts, tags


# What each method does to every (account, tag) pair; mappings already there (POST) or
# missing (DELETE) are skipped (L2).
_TAG_MAPPING = {
    "POST": ("INSERT OR IGNORE INTO account_tag_map VALUES (?, ?)",
             "Tags added to email accounts"),
    "DELETE": ("DELETE FROM account_tag_map WHERE account_id = ? AND tag_id = ?",
               "Tags removed from email accounts"),
}


@ROUTES.route("POST DELETE", r"/email-accounts/tag-mapping")
def tag_mapping(req: Request):
    accounts, tags = _mapping(req)
    sql, message = _TAG_MAPPING[req.method]
    req.db.executemany(sql, [(a, t) for a in accounts for t in tags])
    return {"ok": True, "message": message}


@ROUTES.route("POST", r"/email-accounts/tag-list")
def tag_list(req: Request):
    """``POST /email-accounts/tag-list`` ``{email_ids: [addresses]}``: each address's tags."""
    body = json_body(req, ("email_ids",))
    emails = body.get("email_ids")
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise bad_request('"email_ids" must be an array of email addresses')
    wanted = {e.strip().lower() for e in emails}
    out = []
    for row in req.db.execute("SELECT * FROM email_accounts ORDER BY id"):
        email = json.loads(row["data"])["from_email"].lower()
        if email in wanted:
            tags = [dict(t) for t in req.db.execute(
                "SELECT t.id, t.name, t.color FROM account_tags t JOIN account_tag_map m "
                "ON m.tag_id = t.id WHERE m.account_id = ? ORDER BY t.id", (row["id"],))]
            out.append({"email_account_id": row["id"], "from_email": email, "tags": tags})
    return {"ok": True, "data": out}


@ROUTES.route("POST", r"/email-accounts/reconnect-failed-email-accounts")
def reconnect_failed(req: Request):
    """Every failed login succeeds again, except a host that cannot exist."""
    for row in req.db.execute("SELECT * FROM email_accounts").fetchall():
        data = json.loads(row["data"])
        for kind in ("smtp", "imap"):
            if str(data.get(f"{kind}_host", "")).lower() != FAILING_HOST:
                data[f"is_{kind}_success"], data[f"{kind}_failure_error"] = True, None
        _store_account(req, row["id"], data)
    return {"ok": True, "message": "Reconnect initiated"}
