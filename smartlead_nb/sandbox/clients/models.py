"""Agency clients and their API keys: the ``clients`` and ``client_api_keys`` tables.

Client keys are fake (``sandbox_cl_`` + random hex) but served like live ones: in the answers
to save, create and reset, and in the key list, so that a client's redaction can be tested.
"""
from __future__ import annotations

import json
import secrets

from ..errors import Conflict, NotFound

KEY_PREFIX = "sandbox_cl_"
KEY_STATUSES = ("ACTIVE", "INACTIVE")


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_hex(16)


def client_json(row) -> dict:
    return {"id": row["id"], "name": row["name"], "email": row["email"],
            "created_at": row["created_at"], **json.loads(row["data"])}


def key_json(row) -> dict:
    return {"id": row["id"], "clientId": row["client_id"], "keyName": row["key_name"],
            "api_key": row["api_key"], "status": row["status"], "created_at": row["created_at"]}


def all_clients(store) -> list[dict]:
    rows = store.conn.execute("SELECT * FROM clients ORDER BY id").fetchall()
    return [client_json(row) for row in rows]


def require(store, client_id: int, field: str = "clientId") -> None:
    """NotFound unless the client exists (the message names the field it came in)."""
    if store.conn.execute("SELECT 1 FROM clients WHERE id = ?", (client_id,)).fetchone() is None:
        raise NotFound(f"Client not found - Invalid {field} {client_id}.")


def create(store, name: str, email: str, extra: dict) -> dict:
    """A new client with a ``Default`` key; the answer carries the key. Conflict on a used email."""
    db = store.conn
    if db.execute("SELECT 1 FROM clients WHERE email = ?", (email,)).fetchone():
        raise Conflict(f"A client with email {email} already exists")
    now = store.now_iso()
    cur = db.execute("INSERT INTO clients (name, email, data, created_at) VALUES (?, ?, ?, ?)",
                     (name, email, json.dumps(extra), now))
    key = _new_key()
    db.execute("INSERT INTO client_api_keys (client_id, key_name, api_key, created_at) "
               "VALUES (?, 'Default', ?, ?)", (cur.lastrowid, key, now))
    row = db.execute("SELECT * FROM clients WHERE id = ?", (cur.lastrowid,)).fetchone()
    return {**client_json(row), "api_key": key}


def create_key(store, client_id: int, name: str) -> dict:
    require(store, client_id)
    cur = store.conn.execute(
        "INSERT INTO client_api_keys (client_id, key_name, api_key, created_at) "
        "VALUES (?, ?, ?, ?)", (client_id, name, _new_key(), store.now_iso()))
    return key_json(_key_row(store, cur.lastrowid))


def keys(store, client_id: int | None, status: str | None, name: str | None) -> list[dict]:
    """The keys matching every filter given (``name``: part of the key's name, any case)."""
    where: list[str] = []
    args: list[str | int] = []
    if client_id is not None:
        where.append("client_id = ?")
        args.append(client_id)
    if status:
        where.append("status = ?")
        args.append(status)
    if name:
        where.append("instr(lower(key_name), lower(?)) > 0")
        args.append(name)
    sql = "SELECT * FROM client_api_keys" + (" WHERE " + " AND ".join(where) if where else "")
    return [key_json(r) for r in store.conn.execute(sql + " ORDER BY id", args)]


def _key_row(store, key_id: int):
    row = store.conn.execute("SELECT * FROM client_api_keys WHERE id = ?", (key_id,)).fetchone()
    if row is None:
        raise NotFound("API key not found - Invalid id.")
    return row


def delete_key(store, key_id: int) -> None:
    row = _key_row(store, key_id)
    store.conn.execute("DELETE FROM client_api_keys WHERE id = ?", (row["id"],))


def reset_key(store, key_id: int) -> dict:
    """A new secret for the key: the old one stops working."""
    row = _key_row(store, key_id)
    store.conn.execute("UPDATE client_api_keys SET api_key = ? WHERE id = ?",
                       (_new_key(), row["id"]))
    return key_json(_key_row(store, key_id))
