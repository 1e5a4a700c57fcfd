"""Campaign webhooks [more-sheet 4.1-4.4]: list, upsert, delete, delivery summary, retrigger.

``GET /campaigns/{id}/webhooks`` answers a bare array; ``POST`` creates (``id`` null or absent)
or updates (``id`` of one of the campaign's hooks) and answers P-VR's live shape; ``DELETE``
takes ``{"id": ...}`` in the body (the path-style ``DELETE .../webhooks/{id}`` is accepted as
a liberal extra). Refusals are Joi-worded 400s: a missing ``name``/``webhook_url``/
``event_types``, an empty ``categories`` (omit it for all), an unknown event type, an unknown
key, and, the sandbox's own rule, a URL whose host is not this machine.

Deliveries (webhook_delivery.py) are counted per event and webhook: ``total_calls`` includes
those still being retried. ``fromTime``/``toTime`` select by the event's simulated time.
"""
from __future__ import annotations

import json

from . import webhook_delivery
from .routing import ApiError, Request, RouteTable, bad_request
from .store import USER_ID
from .timeutil import iso, parse_iso
from .validate import is_int, json_body
from .webhook_events import DEFAULT_SECRET, EVENT_TYPES

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

_KEYS = ("id", "name", "webhook_url", "event_types", "categories")


def _not_found() -> ApiError:
    return ApiError(404, {"error": "Webhook not found - Invalid webhook id."})


def _row(hook) -> dict:
    """A hook as the list shows it (more-sheet 4.1)."""
    return {"id": hook["id"], "name": hook["name"], "webhook_url": hook["webhook_url"],
            "email_campaign_id": hook["campaign_id"],
            "event_types": json.loads(hook["event_types"]),
            "categories": json.loads(hook["categories"]) if hook["categories"] else []}


@ROUTES.route("GET", r"/campaigns/(\d+)/webhooks")
def list_webhooks(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    return [_row(h) for h in req.db.execute(
        "SELECT * FROM webhooks WHERE campaign_id = ? ORDER BY id", (cid,))]


def _text(body: dict, key: str) -> str:
    if key not in body or body[key] is None:
        raise bad_request(f'"{key}" is required')
    value = body[key]
    if not isinstance(value, str):
        raise bad_request(f'"{key}" must be a string')
    if not value.strip():
        raise bad_request(f'"{key}" is not allowed to be empty')
    return value.strip()


def _event_types(body: dict) -> list[str]:
    value = body.get("event_types")
    if value is None:
        raise bad_request('"event_types" is required')
    if not isinstance(value, list):
        raise bad_request('"event_types" must be an array')
    if not value:
        raise bad_request('"event_types" must contain at least 1 items')
    for n, event in enumerate(value):
        if event not in EVENT_TYPES:
            raise bad_request(f'"event_types[{n}]" must be one of [{", ".join(EVENT_TYPES)}]')
    return list(dict.fromkeys(value))


def _categories(body: dict) -> list[str] | None:
    if "categories" not in body or body["categories"] is None:
        return None
    value = body["categories"]
    if not isinstance(value, list):
        raise bad_request('"categories" must be an array')
    if not value:     # P-NV live: omit the key to mean "all categories"
        raise bad_request('"categories" does not contain 1 required value(s)')
    for n, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise bad_request(f'"categories[{n}]" must be a non-empty string')
    return value


@ROUTES.route("POST", r"/campaigns/(\d+)/webhooks")
def save_webhook(req: Request):
    (cid,) = req.params
    store = req.app.store
    store.campaign(cid)
    body = json_body(req, _KEYS)
    hook_id = body.get("id")
    if hook_id is not None and not is_int(hook_id):
        raise bad_request('"id" must be a number')
    name = _text(body, "name")
    url = _text(body, "webhook_url")
    try:
        webhook_delivery.loopback_target(url)
    except webhook_delivery.NotThisMachine as exc:
        raise bad_request(f'"webhook_url" refused: {exc}. Point it at a receiver on this '
                          "machine, e.g. smartlead_nb.webhooks.listen()") from None
    events, categories = _event_types(body), _categories(body)
    now = store.now_iso()
    values = (name, url, json.dumps(events), json.dumps(categories) if categories else None)
    if hook_id is None:
        hook_id = req.db.execute(
            "INSERT INTO webhooks (campaign_id, name, webhook_url, event_types, categories, "
            "secret_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (cid, *values, DEFAULT_SECRET, now, now)).lastrowid
    else:
        changed = req.db.execute(
            "UPDATE webhooks SET name = ?, webhook_url = ?, event_types = ?, categories = ?, "
            "updated_at = ? WHERE id = ? AND campaign_id = ?", (*values, now, hook_id, cid))
        if not changed.rowcount:
            raise _not_found()
    known = {r["name"].lower(): r["id"] for r in req.db.execute("SELECT * FROM categories")}
    return {"ok": True, "id": hook_id, "name": name, "webhook_url": url,
            "email_campaign_id": cid, "event_type_map": {e: True for e in events},
            "category_id_map": {str(known[c.lower()]): True for c in categories or ()
                                if c.lower() in known},
            "user_id": USER_ID}


def _delete(req: Request, cid: int, hook_id) -> dict:
    req.app.store.campaign(cid)
    if not is_int(hook_id):
        raise bad_request('"id" is required' if hook_id is None else '"id" must be a number')
    if not req.db.execute("DELETE FROM webhooks WHERE id = ? AND campaign_id = ?",
                          (hook_id, cid)).rowcount:
        raise _not_found()
    # What was still waiting for (re)delivery goes with the hook; finished ones stay counted.
    req.db.execute("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'",
                   (hook_id,))
    return {"ok": True}


@ROUTES.route("DELETE", r"/campaigns/(\d+)/webhooks")
def delete_webhook(req: Request):
    (cid,) = req.params
    body = json_body(req, ("id",))
    return _delete(req, cid, body.get("id"))


@ROUTES.route("DELETE", r"/campaigns/(\d+)/webhooks/(\d+)")
def delete_webhook_by_path(req: Request):
    cid, hook_id = req.params
    return _delete(req, cid, hook_id)


def _window(values: dict) -> tuple[str, str]:
    """``fromTime``/``toTime``: both required ISO datetimes, in the stored wire format."""
    out = []
    for key in ("fromTime", "toTime"):
        raw = values.get(key)
        if raw is None or raw == "":
            raise bad_request(f'"{key}" is required')
        try:
            out.append(iso(parse_iso(str(raw))))
        except ValueError:
            raise bad_request(f'"{key}" must be in ISO 8601 date format') from None
    if out[0] > out[1]:
        raise bad_request('"toTime" must be greater than or equal to "fromTime"')
    return out[0], out[1]


@ROUTES.route("GET", r"/campaigns/(\d+)/webhooks/summary")
def summary(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    lo, hi = _window(req.query)
    total, ok, failed = req.db.execute(
        "SELECT COUNT(*), COALESCE(SUM(status = 'success'), 0), COALESCE(SUM(status = "
        "'failed'), 0) FROM webhook_deliveries WHERE campaign_id = ? AND event_time >= ? AND "
        "event_time <= ?", (cid, lo, hi)).fetchone()
    return {"total_calls": total, "successful_calls": ok, "failed_calls": failed,
            "success_rate": round(100 * ok / total, 2) if total else 0}


@ROUTES.route("POST", r"/campaigns/(\d+)/webhooks/retrigger-failed-events")
def retrigger(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    body = json_body(req, ("fromTime", "toTime"))
    lo, hi = _window(body)
    count = req.db.execute(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt = 0 "
        "WHERE campaign_id = ? AND status = 'failed' AND event_time >= ? AND event_time <= ? "
        "AND webhook_id IN (SELECT id FROM webhooks)", (cid, lo, hi)).rowcount
    if count:
        webhook_delivery.deliverer_for(req.app.store).kick()
    return {"ok": True, "retriggered_count": count}
