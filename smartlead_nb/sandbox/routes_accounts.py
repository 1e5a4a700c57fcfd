"""Email account endpoints [sheet 4.1-4.4]: list, and attach/detach to campaigns."""
from __future__ import annotations

import json

from .routing import ApiError, Request, bad_request
from .validate import check_keys, is_int, page, query_bool, require_object


def account_json(db, row) -> dict:
    """The stored account plus its id and the live campaign count."""
    out = {"id": row["id"], **json.loads(row["data"])}
    out["campaign_count"] = db.execute(
        "SELECT COUNT(*) FROM campaign_accounts WHERE account_id = ?", (row["id"],)).fetchone()[0]
    return out


def is_connected(row) -> bool:
    data = json.loads(row["data"])
    return bool(data.get("is_smtp_success")) and bool(data.get("is_imap_success"))


def list_accounts(req: Request):
    offset, limit = page(req.query, max_limit=100, default_limit=100)
    rows = req.db.execute("SELECT * FROM email_accounts ORDER BY id LIMIT ? OFFSET ?",
                          (limit, offset)).fetchall()
    return [account_json(req.db, row) for row in rows]


def get_account(req: Request):
    (aid,) = req.params
    row = req.db.execute("SELECT * FROM email_accounts WHERE id = ?", (aid,)).fetchone()
    if row is None:
        raise ApiError(404, {"error": "Email account not found - Invalid email_account_id."})
    out = account_json(req.db, row)
    if query_bool(req.query, "fetch_campaigns"):
        out["campaign_ids"] = [r[0] for r in req.db.execute(
            "SELECT campaign_id FROM campaign_accounts WHERE account_id = ? ORDER BY campaign_id",
            (aid,))]
    return out


def campaign_accounts(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    rows = req.db.execute(
        "SELECT a.* FROM email_accounts a JOIN campaign_accounts m ON m.account_id = a.id "
        "WHERE m.campaign_id = ? ORDER BY m.id", (cid,)).fetchall()
    return [account_json(req.db, row) for row in rows]


def _account_ids(req: Request) -> list[int]:
    body = require_object(req.body)
    check_keys(body, ("email_account_ids",))
    ids = body.get("email_account_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request('"email_account_ids" must be a non-empty array of account ids')
    for i, aid in enumerate(ids):
        if not is_int(aid):
            raise bad_request(f'"email_account_ids[{i}]" must be a number')
    return list(dict.fromkeys(ids))


def _permission_error(aid) -> ApiError:
    return bad_request(f"Email account id - {aid} not allowed. Permission Error.")


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


ROUTES = [
    ("GET", r"/email-accounts", list_accounts),
    ("GET", r"/email-accounts/(\d+)", get_account),
    ("GET", r"/campaigns/(\d+)/email-accounts", campaign_accounts),
    ("POST", r"/campaigns/(\d+)/email-accounts", add_accounts),
    ("DELETE", r"/campaigns/(\d+)/email-accounts", remove_accounts),
]
