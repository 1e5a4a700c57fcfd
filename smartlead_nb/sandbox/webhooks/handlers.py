"""Webhook handlers: read the request, call ``models``, shape SmartLead's answer.

``GET /campaigns/{id}/webhooks`` answers a bare array; ``POST`` creates (``id`` null or absent)
or updates (``id`` of one of the campaign's hooks); ``DELETE`` takes ``{"id": ...}`` in the
body (the path-style ``DELETE .../webhooks/{id}`` is accepted as a liberal extra). Refusals
are Joi-worded 400s: a missing ``name``/``webhook_url``/``event_types``, an empty
``categories`` (omit it for all), an unknown event type, an unknown key, and, the sandbox's own
rule, a URL whose host is not this machine.
"""
from __future__ import annotations

from ..campaigns import models as campaigns
from ..errors import Invalid
from ..leads import models as leads
from ..routing import Request
from ..store import USER_ID
from ..timeutil import iso, parse_iso
from ..validate import is_int, json_body
from . import delivery, events, models

_KEYS = ("id", "name", "webhook_url", "event_types", "categories")


def _text(body: dict, key: str) -> str:
    if key not in body or body[key] is None:
        raise Invalid(f'"{key}" is required')
    value = body[key]
    if not isinstance(value, str):
        raise Invalid(f'"{key}" must be a string')
    if not value.strip():
        raise Invalid(f'"{key}" is not allowed to be empty')
    return value.strip()


def _event_types(body: dict) -> list[str]:
    value = body.get("event_types")
    if value is None:
        raise Invalid('"event_types" is required')
    if not isinstance(value, list):
        raise Invalid('"event_types" must be an array')
    if not value:
        raise Invalid('"event_types" must contain at least 1 items')
    for n, event in enumerate(value):
        if event not in events.EVENT_TYPES:
            raise Invalid(f'"event_types[{n}]" must be one of [{", ".join(events.EVENT_TYPES)}]')
    return list(dict.fromkeys(value))


def _categories(body: dict) -> list[str] | None:
    if "categories" not in body or body["categories"] is None:
        return None
    value = body["categories"]
    if not isinstance(value, list):
        raise Invalid('"categories" must be an array')
    if not value:     # SmartLead refuses an empty list: omit the key to mean "all categories"
        raise Invalid('"categories" does not contain 1 required value(s)')
    for n, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise Invalid(f'"categories[{n}]" must be a non-empty string')
    return value


def _window(values: dict) -> tuple[str, str]:
    """``fromTime``/``toTime``: both required ISO datetimes, in the stored wire format."""
    out = []
    for key in ("fromTime", "toTime"):
        raw = values.get(key)
        if raw is None or raw == "":
            raise Invalid(f'"{key}" is required')
        try:
            out.append(iso(parse_iso(str(raw))))
        except ValueError:
            raise Invalid(f'"{key}" must be in ISO 8601 date format') from None
    if out[0] > out[1]:
        raise Invalid('"toTime" must be greater than or equal to "fromTime"')
    return out[0], out[1]


def list_webhooks(req: Request):
    (cid,) = req.params
    campaigns.get(req.store, cid)
    return models.of_campaign(req.store, cid)


def save_webhook(req: Request):
    """``POST /campaigns/{id}/webhooks``: create or update; answers with the hook as saved."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    body = json_body(req, _KEYS)
    hook_id = body.get("id")
    if hook_id is not None and not is_int(hook_id):
        raise Invalid('"id" must be a number')
    name = _text(body, "name")
    url = _text(body, "webhook_url")
    try:
        delivery.loopback_target(url)
    except delivery.NotThisMachine as exc:
        raise Invalid(f'"webhook_url" refused: {exc}. Point it at a receiver on this '
                      "machine, e.g. smartlead_nb.webhooks.listen()") from None
    event_types, categories = _event_types(body), _categories(body)
    hook_id = models.save(req.store, cid, hook_id, name, url, event_types, categories)
    known = {label.lower(): cat_id for label, cat_id in leads.category_ids(req.store).items()}
    return {"ok": True, "id": hook_id, "name": name, "webhook_url": url,
            "email_campaign_id": cid, "event_type_map": {e: True for e in event_types},
            "category_id_map": {str(known[c.lower()]): True for c in categories or ()
                                if c.lower() in known},
            "user_id": USER_ID}


def _delete(req: Request, cid: int, hook_id) -> dict:
    campaigns.get(req.store, cid)
    if not is_int(hook_id):
        raise Invalid('"id" is required' if hook_id is None else '"id" must be a number')
    models.delete(req.store, cid, hook_id)
    return {"ok": True}


def delete_webhook(req: Request):
    (cid,) = req.params
    return _delete(req, cid, json_body(req, ("id",)).get("id"))


def delete_webhook_by_path(req: Request):
    cid, hook_id = req.params
    return _delete(req, cid, hook_id)


def summary(req: Request):
    """``GET /campaigns/{id}/webhooks/summary?fromTime=&toTime=``: calls made and how many
    succeeded."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    lo, hi = _window(req.query)
    return models.summary(req.store, cid, lo, hi)


def retrigger(req: Request):
    """``POST /campaigns/{id}/webhooks/retrigger-failed-events``: failed deliveries of events
    in ``fromTime``..``toTime`` are sent again."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    lo, hi = _window(json_body(req, ("fromTime", "toTime")))
    return {"ok": True, "retriggered_count": models.retrigger(req.store, cid, lo, hi)}
