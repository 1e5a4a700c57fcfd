"""The global / client block list [more-facts 5.1]: get (a bare array, paged), add, delete.

The entries live in the store's ``block_list`` table, the very list lead imports check (see
``store._ADMIN_SCHEMA``): an address added here is skipped by the next import, and deleting it
lets the address through again.
"""
from __future__ import annotations

from .routing import ApiError, Request, RouteTable, bad_request
from .validate import is_int, json_body, page, query_int

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

MAX_LIMIT = 1000     # D: limit 1-1000


def _entry(row) -> dict:
    return {"id": row["id"], "email_or_domain": row["email_or_domain"],
            "created_at": row["created_at"], "source": row["source"],
            "client_id": row["client_id"]}


@ROUTES.route("GET", r"/leads/get-domain-block-list")
def get_block_list(req: Request):
    """``GET /leads/get-domain-block-list``: filters by substring and client, oldest first."""
    offset, limit = page(req.query, max_limit=MAX_LIMIT, default_limit=100)
    where, args = [], []
    text = req.query.get("filter_email_or_domain", "").strip().lower()
    if text:
        where.append("instr(email_or_domain, ?) > 0")
        args.append(text)
    client_id = query_int(req.query, "filter_client_id", None)
    if client_id is not None:
        where.append("client_id = ?")
        args.append(client_id)
    sql = "SELECT * FROM block_list" + (" WHERE " + " AND ".join(where) if where else "")
    rows = req.db.execute(sql + " ORDER BY id LIMIT ? OFFSET ?", (*args, limit, offset))
    return [_entry(row) for row in rows]


@ROUTES.route("POST", r"/leads/add-domain-block-list")
def add_block_list(req: Request):
    """``POST /leads/add-domain-block-list`` ``{domain_block_list: [...], client_id?}``."""
    body = json_body(req, ("domain_block_list", "client_id"))
    values = body.get("domain_block_list")
    if not isinstance(values, list) or not values:
        raise bad_request('"domain_block_list" must be a non-empty array of email addresses '
                          'or domains')
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise bad_request(f'"domain_block_list[{i}]" must be a string')
        if not value.strip():
            raise bad_request(f'"domain_block_list[{i}]" is not allowed to be empty')
        if any(c.isspace() for c in value.strip()):
            raise bad_request(f'"domain_block_list[{i}]" must be an email address or a '
                              f'domain, got {value!r}')
    client_id = body.get("client_id")
    if client_id is not None:
        if not is_int(client_id):
            raise bad_request('"client_id" must be a number')
        if req.db.execute("SELECT 1 FROM clients WHERE id = ?", (client_id,)).fetchone() is None:
            raise ApiError(404, {"error": f"Client not found - Invalid client_id {client_id}."})
    added = req.app.store.add_block_entries(values, source="manual", client_id=client_id)
    return {"ok": True, "message": f"{added} entries added to block list"}


@ROUTES.route("DELETE", r"/leads/delete-domain-block-list")
def delete_block_list(req: Request):
    """``DELETE /leads/delete-domain-block-list?id=<entry id>`` (the id is a query parameter)."""
    if req.query.get("id") in (None, ""):
        raise bad_request('"id" is required')
    entry_id = query_int(req.query, "id", None, lo=1)
    gone = req.db.execute("DELETE FROM block_list WHERE id = ?", (entry_id,)).rowcount
    if not gone:
        raise ApiError(404, {"error": "Block list entry not found - Invalid id."})
    return {"ok": True}
