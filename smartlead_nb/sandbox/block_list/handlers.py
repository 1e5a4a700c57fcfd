"""Block-list handlers: read the request, call ``models``, shape SmartLead's answer."""
from __future__ import annotations

from ..clients import models as clients
from ..errors import Invalid
from ..routing import Request
from ..validate import is_int, json_body, page, query_int
from . import models

MAX_LIMIT = 1000     # limit 1-1000


def get_block_list(req: Request):
    """``GET /leads/get-domain-block-list``: a bare array, filtered by substring and client."""
    offset, limit = page(req.query, max_limit=MAX_LIMIT, default_limit=100)
    text = req.query.get("filter_email_or_domain", "").strip().lower()
    client_id = query_int(req.query, "filter_client_id", None)
    return models.entries(req.store, text, client_id, offset, limit)


def _values(body: dict) -> list[str]:
    values = body.get("domain_block_list")
    if not isinstance(values, list) or not values:
        raise Invalid('"domain_block_list" must be a non-empty array of email addresses '
                      'or domains')
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise Invalid(f'"domain_block_list[{i}]" must be a string')
        if not value.strip():
            raise Invalid(f'"domain_block_list[{i}]" is not allowed to be empty')
        if any(c.isspace() for c in value.strip()):
            raise Invalid(f'"domain_block_list[{i}]" must be an email address or a '
                          f'domain, got {value!r}')
    return values


def add_block_list(req: Request):
    """``POST /leads/add-domain-block-list`` ``{domain_block_list: [...], client_id?}``."""
    body = json_body(req, ("domain_block_list", "client_id"))
    values = _values(body)
    client_id = body.get("client_id")
    if client_id is not None:
        if not is_int(client_id):
            raise Invalid('"client_id" must be a number')
        clients.require(req.store, client_id, field="client_id")
    added = models.add(req.store, values, source="manual", client_id=client_id)
    return {"ok": True, "message": f"{added} entries added to block list"}


def delete_block_list(req: Request):
    """``DELETE /leads/delete-domain-block-list?id=<entry id>`` (the id is a query parameter)."""
    entry_id = query_int(req.query, "id", None, lo=1)
    if entry_id is None:                     # absent or empty
        raise Invalid('"id" is required')
    models.delete(req.store, entry_id)
    return {"ok": True}
