"""Email account endpoints [sheet 4.1-4.4]: list (with its filters), get one, and
attach/detach to campaigns. Creating, updating, warm-up and tags: routes_mailboxes."""
from __future__ import annotations

import json

from .routing import ApiError, Request, RouteTable, bad_request
from .validate import (invalid_parameters, is_int, json_body, page, query_bool, query_choice,
                       query_int)

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

# GET /email-accounts/ filters whose values are a closed set (D's names; ESP per D's list).
WARMUP_STATUSES = ("ACTIVE", "INACTIVE")
ESPS = ("GMAIL", "OUTLOOK", "SMTP", "ZOHO")


def account_json(db, row) -> dict:
    """The stored account plus its id, the live campaign count and its tags."""
    out = {"id": row["id"], **json.loads(row["data"])}
    out["campaign_count"] = db.execute(
        "SELECT COUNT(*) FROM campaign_accounts WHERE account_id = ?", (row["id"],)).fetchone()[0]
    out["tags"] = [dict(t) for t in db.execute(
        "SELECT t.id, t.name, t.color FROM account_tags t JOIN account_tag_map m "
        "ON m.tag_id = t.id WHERE m.account_id = ? ORDER BY t.id", (row["id"],))]
    return out


def account_row(db, account_id: int):
    """The stored account row, or SmartLead's 404."""
    row = db.execute("SELECT * FROM email_accounts WHERE id = ?", (account_id,)).fetchone()
    if row is None:
        raise ApiError(404, {"error": "Email account not found - Invalid email_account_id."})
    return row


def _query_flag(query: dict, key: str) -> bool | None:
    """A true/false filter; absent is None, anything else a 422 as on SmartLead's lists."""
    raw = query.get(key, "").strip().lower()
    if not raw:
        return None
    if raw not in ("true", "false"):
        raise invalid_parameters(f'"{key}" must be a boolean')
    return raw == "true"


def account_filter(query: dict):
    """The documented filters of ``GET /email-accounts/`` as one predicate on an account.

    ``isSmtpSuccess``, ``emailWarmupStatus``, ``isInUse`` (attached to a campaign), ``esp``
    (the account's ``type``), ``username`` (part of the username or address, any case) and
    ``client_id``. Unknown parameters are ignored, as SmartLead does.
    """
    smtp = _query_flag(query, "isSmtpSuccess")
    in_use = _query_flag(query, "isInUse")
    warmup = query_choice(query, "emailWarmupStatus", WARMUP_STATUSES, upper=True)
    esp = query_choice(query, "esp", ESPS, upper=True)
    username = query.get("username", "").strip().lower()
    client_id = query_int(query, "client_id", None)

    def keep(account: dict) -> bool:
        if smtp is not None and bool(account.get("is_smtp_success")) != smtp:
            return False
        if in_use is not None and (account["campaign_count"] > 0) != in_use:
            return False
        status = (account.get("warmup_details") or {}).get("status")
        if warmup is not None and status != warmup:
            return False
        if esp is not None and str(account.get("type", "")).upper() != esp:
            return False
        names = f"{account.get('username') or ''} {account.get('from_email') or ''}".lower()
        if username and username not in names:
            return False
        return client_id is None or account.get("client_id") == client_id
    return keep


def is_connected(row) -> bool:
    data = json.loads(row["data"])
    return bool(data.get("is_smtp_success")) and bool(data.get("is_imap_success"))


@ROUTES.route("GET", r"/email-accounts")
def list_accounts(req: Request):
    """Filtered first, then paged: ``offset``/``limit`` count matching accounts."""
    offset, limit = page(req.query, max_limit=100, default_limit=100)
    keep = account_filter(req.query)
    rows = req.db.execute("SELECT * FROM email_accounts ORDER BY id").fetchall()
    matching = [a for a in (account_json(req.db, row) for row in rows) if keep(a)]
    return matching[offset:offset + limit]


@ROUTES.route("GET", r"/email-accounts/(\d+)")
def get_account(req: Request):
    """One account, with its decrypted passwords (as SmartLead returns them) and
    ``warmup_reputation`` a number here (the list sends ``"100%"``) [more-facts 3.1]."""
    (aid,) = req.params
    out = account_json(req.db, account_row(req.db, aid))
    warmup = out.get("warmup_details")
    if isinstance(warmup, dict) and isinstance(warmup.get("warmup_reputation"), str):
        text = warmup["warmup_reputation"].rstrip("%").strip()
        warmup["warmup_reputation"] = int(text) if text.isdigit() else warmup["warmup_reputation"]
    if query_bool(req.query, "fetch_campaigns"):
        out["campaign_ids"] = [r[0] for r in req.db.execute(
            "SELECT campaign_id FROM campaign_accounts WHERE account_id = ? ORDER BY campaign_id",
            (aid,))]
    return out


@ROUTES.route("GET", r"/campaigns/(\d+)/email-accounts")
def campaign_accounts(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    rows = req.db.execute(
        "SELECT a.* FROM email_accounts a JOIN campaign_accounts m ON m.account_id = a.id "
        "WHERE m.campaign_id = ? ORDER BY m.id", (cid,)).fetchall()
    return [account_json(req.db, row) for row in rows]


def _account_ids(req: Request) -> list[int]:
    body = json_body(req, ("email_account_ids",))
    ids = body.get("email_account_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request('"email_account_ids" must be a non-empty array of account ids')
    for i, aid in enumerate(ids):
        if not is_int(aid):
            raise bad_request(f'"email_account_ids[{i}]" must be a number')
    return list(dict.fromkeys(ids))


def _permission_error(aid) -> ApiError:
    return bad_request(f"Email account id - {aid} not allowed. Permission Error.")


@ROUTES.route("POST", r"/campaigns/(\d+)/email-accounts")
def add_accounts(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    ids = _account_ids(req)
    db = req.db
    for aid in ids:       # check every id before attaching any (all or nothing)
        row = db.execute("SELECT * FROM email_accounts WHERE id = ?", (aid,)).fetchone()
        if row is None or not is_connected(row):
            raise _permission_error(aid)
    now = req.app.store.now_iso()
    result = []
    for aid in ids:
        db.execute("INSERT INTO campaign_accounts (campaign_id, account_id, updated_at) "
                   "VALUES (?, ?, ?) ON CONFLICT (campaign_id, account_id) "
                   "DO UPDATE SET updated_at = excluded.updated_at", (cid, aid, now))
        mid = db.execute("SELECT id FROM campaign_accounts WHERE campaign_id = ? AND "
                         "account_id = ?", (cid, aid)).fetchone()[0]
        result.append({"id": mid, "email_campaign_id": cid, "email_account_id": aid,
                       "updated_at": now})
    return {"ok": True, "result": result}


@ROUTES.route("DELETE", r"/campaigns/(\d+)/email-accounts")
def remove_accounts(req: Request):
    (cid,) = req.params
    campaign = req.app.store.campaign(cid)
    ids = _account_ids(req)
    db = req.db
    for aid in ids:
        if db.execute("SELECT 1 FROM email_accounts WHERE id = ?", (aid,)).fetchone() is None:
            raise _permission_error(aid)
    marks = ",".join("?" * len(ids))
    attached = db.execute("SELECT COUNT(*) FROM campaign_accounts WHERE campaign_id = ?",
                          (cid,)).fetchone()[0]
    removing = db.execute(f"SELECT COUNT(*) FROM campaign_accounts WHERE campaign_id = ? "
                          f"AND account_id IN ({marks})", (cid, *ids)).fetchone()[0]
    if campaign["status"] == "ACTIVE" and removing and removing == attached:
        raise bad_request("Cannot remove the last email account from an ACTIVE campaign - "
                          "pause the campaign or add another account first")
    db.execute(f"DELETE FROM campaign_accounts WHERE campaign_id = ? AND account_id IN ({marks})",
               (cid, *ids))
    return {"ok": True, "result": removing}
