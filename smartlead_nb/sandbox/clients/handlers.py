"""Agency-client handlers: read the request, call ``models``, shape SmartLead's answer."""
from __future__ import annotations

import re

from ..errors import Invalid
from ..routing import Request
from ..validate import is_int, json_body, opt_bool, opt_int, opt_str, query_int
from . import models

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_SAVE_KEYS = ("name", "email", "password", "logo", "logo_url", "permission",
              "is_credit_assigned", "email_credits", "lead_credits")


def list_clients(req: Request):
    """``GET /client/``: ``{ok, data: [{id, name, email, created_at, ...}]}``."""
    return {"ok": True, "data": models.all_clients(req.store)}


def save_client(req: Request):
    """``POST /client/save``: name and email required; answers with the client and a key."""
    body = json_body(req, _SAVE_KEYS)
    for key in ("name", "email"):
        value = opt_str(body, key)
        if value is None or not value.strip():
            raise Invalid(f'"{key}" is required')
    email = body["email"].strip().lower()
    if not _EMAIL.match(email):
        raise Invalid(f'"email" must be a valid email, got {body["email"]!r}')
    for key in ("password", "logo", "logo_url"):
        opt_str(body, key)
    permission = body.get("permission", ["full_access"])
    if not isinstance(permission, list) or not all(isinstance(p, str) for p in permission):
        raise Invalid('"permission" must be an array of strings, e.g. ["full_access"]')
    opt_bool(body, "is_credit_assigned")
    extra = {"permission": permission,
             "logo_url": body.get("logo_url"),
             "email_credits": opt_int(body, "email_credits", lo=0),
             "lead_credits": opt_int(body, "lead_credits", lo=0)}
    client = models.create(req.store, body["name"].strip(), email, extra)
    return {"ok": True, "data": client}


def create_key(req: Request):
    """``POST /client/api-key`` ``{clientId, keyName}``: a new key, shown in the answer."""
    body = json_body(req, ("clientId", "keyName"))
    client_id, name = body.get("clientId"), body.get("keyName")
    if client_id is None:
        raise Invalid('"clientId" is required')
    if not is_int(client_id):
        raise Invalid('"clientId" must be a number')
    if not isinstance(name, str) or not name.strip():
        raise Invalid('"keyName" is required')
    return {"ok": True, "data": models.create_key(req.store, client_id, name.strip())}


def list_keys(req: Request):
    """``GET /client/api-key?clientId=&status=&keyName=``: ``{ok, data: [...]}``."""
    client_id = query_int(req.query, "clientId", None)
    status = req.query.get("status", "").strip().upper()
    if status and status not in models.KEY_STATUSES:
        raise Invalid(f'"status" must be one of [{", ".join(models.KEY_STATUSES)}]')
    name = req.query.get("keyName", "").strip()
    return {"ok": True, "data": models.keys(req.store, client_id, status, name)}


def delete_key(req: Request):
    models.delete_key(req.store, req.params[0])
    return {"ok": True}


def reset_key(req: Request):
    """``PUT /client/api-key/reset/{id}``: the old key stops working; the answer holds the new."""
    return {"ok": True, "data": models.reset_key(req.store, req.params[0])}
