"""Agency clients and their API keys [more-facts 5.2], in the D shapes.

Client keys are fake (``sandbox_cl_`` + random hex) but served like live ones: in the answers
to save, create and reset, and in the key list, so that a client's redaction can be tested.
"""
from __future__ import annotations

import json
import re
import secrets

from .routing import ApiError, Request, RouteTable, bad_request
from .validate import is_int, json_body, opt_bool, opt_int, opt_str, query_int

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

KEY_PREFIX = "sandbox_cl_"
KEY_STATUSES = ("ACTIVE", "INACTIVE")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_SAVE_KEYS = ("name", "email", "password", "logo", "logo_url", "permission",
              "is_credit_assigned", "email_credits", "lead_credits")


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_hex(16)


def _client_json(row) -> dict:
    return {"id": row["id"], "name": row["name"], "email": row["email"],
            "created_at": row["created_at"], **json.loads(row["data"])}


def _key_json(row) -> dict:
    return {"id": row["id"], "clientId": row["client_id"], "keyName": row["key_name"],
            "api_key": row["api_key"], "status": row["status"], "created_at": row["created_at"]}


def _client_exists(req: Request, client_id) -> None:
    if req.db.execute("SELECT 1 FROM clients WHERE id = ?", (client_id,)).fetchone() is None:
        raise ApiError(404, {"error": f"Client not found - Invalid clientId {client_id}."})


@ROUTES.route("GET", r"/client")
def list_clients(req: Request):
    """``GET /client/``: ``{ok, data: [{id, name, email, created_at, ...}]}`` (D)."""
    rows = req.db.execute("SELECT * FROM clients ORDER BY id").fetchall()
    return {"ok": True, "data": [_client_json(row) for row in rows]}


@ROUTES.route("POST", r"/client/save")
def save_client(req: Request):
    """``POST /client/save``: name and email required; answers with the client and a key."""
    body = json_body(req, _SAVE_KEYS)
    for key in ("name", "email"):
        value = opt_str(body, key)
        if value is None or not value.strip():
            raise bad_request(f'"{key}" is required')
    email = body["email"].strip().lower()
    if not _EMAIL.match(email):
        raise bad_request(f'"email" must be a valid email, got {body["email"]!r}')
    for key in ("password", "logo", "logo_url"):
        opt_str(body, key)
    permission = body.get("permission", ["full_access"])
    if not isinstance(permission, list) or not all(isinstance(p, str) for p in permission):
        raise bad_request('"permission" must be an array of strings, e.g. ["full_access"]')
    opt_bool(body, "is_credit_assigned")
    extra = {"permission": permission,
             "logo_url": body.get("logo_url"),
             "email_credits": opt_int(body, "email_credits", lo=0),
             "lead_credits": opt_int(body, "lead_credits", lo=0)}
    if req.db.execute("SELECT 1 FROM clients WHERE email = ?", (email,)).fetchone():
        raise bad_request(f"A client with email {email} already exists")
    now = req.app.store.now_iso()
    cur = req.db.execute("INSERT INTO clients (name, email, data, created_at) VALUES (?, ?, ?, ?)",
                         (body["name"].strip(), email, json.dumps(extra), now))
    key = _new_key()
    req.db.execute("INSERT INTO client_api_keys (client_id, key_name, api_key, created_at) "
                   "VALUES (?, 'Default', ?, ?)", (cur.lastrowid, key, now))
    row = req.db.execute("SELECT * FROM clients WHERE id = ?", (cur.lastrowid,)).fetchone()
    return {"ok": True, "data": {**_client_json(row), "api_key": key}}


@ROUTES.route("POST", r"/client/api-key")
def create_key(req: Request):
    """``POST /client/api-key`` ``{clientId, keyName}``: a new key, shown in the answer."""
    body = json_body(req, ("clientId", "keyName"))
    client_id, name = body.get("clientId"), body.get("keyName")
    if client_id is None:
        raise bad_request('"clientId" is required')
    if not is_int(client_id):
        raise bad_request('"clientId" must be a number')
    if not isinstance(name, str) or not name.strip():
        raise bad_request('"keyName" is required')
    _client_exists(req, client_id)
    cur = req.db.execute("INSERT INTO client_api_keys (client_id, key_name, api_key, created_at) "
                         "VALUES (?, ?, ?, ?)",
                         (client_id, name.strip(), _new_key(), req.app.store.now_iso()))
    row = req.db.execute("SELECT * FROM client_api_keys WHERE id = ?", (cur.lastrowid,)).fetchone()
    return {"ok": True, "data": _key_json(row)}


@ROUTES.route("GET", r"/client/api-key")
def list_keys(req: Request):
    """``GET /client/api-key?clientId=&status=&keyName=``: ``{ok, data: [...]}``."""
    where, args = [], []
    client_id = query_int(req.query, "clientId", None)
    if client_id is not None:
        where.append("client_id = ?")
        args.append(client_id)
    status = req.query.get("status", "").strip().upper()
    if status:
        if status not in KEY_STATUSES:
            raise bad_request(f'"status" must be one of [{", ".join(KEY_STATUSES)}]')
        where.append("status = ?")
        args.append(status)
    name = req.query.get("keyName", "").strip()
    if name:
        where.append("instr(lower(key_name), lower(?)) > 0")
        args.append(name)
    sql = "SELECT * FROM client_api_keys" + (" WHERE " + " AND ".join(where) if where else "")
    return {"ok": True, "data": [_key_json(r) for r in req.db.execute(sql + " ORDER BY id", args)]}


def _key_row(req: Request):
    (key_id,) = req.params
    row = req.db.execute("SELECT * FROM client_api_keys WHERE id = ?", (key_id,)).fetchone()
    if row is None:
        raise ApiError(404, {"error": "API key not found - Invalid id."})
    return row


@ROUTES.route("DELETE", r"/client/api-key/(\d+)")
def delete_key(req: Request):
    row = _key_row(req)
    req.db.execute("DELETE FROM client_api_keys WHERE id = ?", (row["id"],))
    return {"ok": True}


@ROUTES.route("PUT", r"/client/api-key/reset/(\d+)")
def reset_key(req: Request):
    """``PUT /client/api-key/reset/{id}``: the old key stops working; the answer holds the new."""
    row = _key_row(req)
    req.db.execute("UPDATE client_api_keys SET api_key = ? WHERE id = ?", (_new_key(), row["id"]))
    return {"ok": True, "data": _key_json(_key_row(req))}
