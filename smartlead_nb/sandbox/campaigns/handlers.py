"""Campaign handlers: read the request, call ``models``, shape SmartLead's answer."""
from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Invalid
from ..routing import Request
from ..timeutil import iso, parse_iso
from ..validate import (check_keys, is_int, json_body, opt_bool, opt_int, opt_str, query_bool,
                        query_int, require_object, required_id)
from . import models

# What POST accepts -> the short form SmartLead reads back.
TRACK_SETTINGS = {
    "DONT_TRACK_EMAIL_OPEN": "DONT_EMAIL_OPEN",
    "DONT_TRACK_LINK_CLICK": "DONT_LINK_CLICK",
    "DONT_TRACK_REPLY_TO_AN_EMAIL": "DONT_REPLY_TO_AN_EMAIL",
}
STOP_LEAD_SETTINGS = ("REPLY_TO_AN_EMAIL", "CLICK_ON_A_LINK", "OPEN_AN_EMAIL")
SETTINGS_KEYS = ("track_settings", "stop_lead_settings", "unsubscribe_text",
                 "send_as_plain_text", "force_plain_text", "follow_up_percentage",
                 "client_id", "enable_ai_esp_matching", "name", *models.NEWER_SETTINGS)
_FLAGS = ("send_as_plain_text", "force_plain_text", "enable_ai_esp_matching")
_NEWER_FLAGS = ("auto_pause_domain_leads_on_reply", "ignore_ss_mailbox_sending_limit",
                "domain_level_rate_limit", "add_unsubscribe_tag")
_OOO_FLAGS = ("ignoreOOOasReply", "autoCategorizeOOO", "autoReactivateOOO")
# The schedule body's flat keys; a nested form puts them under "schedule" and may spell
# days as "days".
SCHEDULE_KEYS = ("timezone", "days_of_the_week", "start_hour", "end_hour",
                 "min_time_btw_emails", "max_new_leads_per_day", "schedule_start_time")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d\Z")


# --- create, read, delete, status ------------------------------------------------------------
def create_campaign(req: Request):
    """``POST /campaigns/create``: a DRAFTED campaign ("Untitled Campaign" without a name)."""
    body = json_body(req, ("name", "client_id"))
    name = opt_str(body, "name")
    client_id = opt_int(body, "client_id")
    name = name or "Untitled Campaign"
    cid, now = models.create(req.store, name, client_id)
    return {"ok": True, "id": cid, "name": name, "created_at": now}


def create_subsequence(req: Request):
    """``POST /campaigns/create-subsequence``: a DRAFTED campaign with a parent, set up with
    the usual endpoints; a lead enters it through the master inbox's push."""
    body = json_body(req, ("parent_campaign_id", "subsequence_name", "condition_events"))
    parent = models.get(req.store, required_id(body, "parent_campaign_id"))
    name = opt_str(body, "subsequence_name") or f"{parent['name']} - Subsequence"
    events = body.get("condition_events")
    if events is not None and (not isinstance(events, list)
                               or not all(isinstance(e, str) for e in events)):
        raise Invalid('"condition_events" must be an array of strings')
    cid, now = models.create(req.store, name, parent["client_id"], parent_id=parent["id"])
    # Both keys: the docs answer subsequence_id, the official CLI reads id.
    return {"ok": True, "id": cid, "subsequence_id": cid, "name": name, "created_at": now}


def list_campaigns(req: Request):
    rows = models.newest_first(req.store, query_int(req.query, "client_id", None))
    tags = query_bool(req.query, "include_tags")
    return [models.campaign_json(row, tags) for row in rows]


def get_campaign(req: Request):
    row = models.get(req.store, req.params[0])
    return models.campaign_json(row, query_bool(req.query, "include_tags"))


def delete_campaign(req: Request):
    (cid,) = req.params
    models.get(req.store, cid)
    models.delete(req.store, cid)
    return {"ok": True}


def update_status(req: Request):
    """``POST``/``PATCH /campaigns/{id}/status`` ``{status: START | PAUSED | STOPPED}``."""
    row = models.get(req.store, req.params[0])
    wanted = json_body(req, ("status",)).get("status")
    if wanted is None:
        raise Invalid('"status" is required')
    if not isinstance(wanted, str) or wanted.upper() not in models.STATUS_WRITES:
        raise Invalid(f"Invalid status - {wanted}. Allowed values: START, PAUSED, STOPPED")
    models.set_status(req.store, row, wanted)
    return {"ok": True}


# --- schedule --------------------------------------------------------------------------------
def _flat_schedule(body: dict) -> dict:
    """The nested form ``{"schedule": {...}}`` as the flat body the rest reads.

    Inside it, ``days`` is accepted for ``days_of_the_week``. A body that mixes the nested
    object with flat keys is refused: which would win is unclear.
    """
    if "schedule" not in body:
        return body
    others = sorted(set(body) - {"schedule"})
    if others:
        raise Invalid(f'"{others[0]}" is not allowed beside "schedule": send the schedule '
                      'fields either nested under "schedule" or flat, not both')
    flat = dict(require_object(body["schedule"], "schedule"))
    if "days" in flat:
        if "days_of_the_week" in flat:
            raise Invalid('"schedule.days" is not allowed beside "schedule.days_of_the_week"')
        flat["days_of_the_week"] = flat.pop("days")
    for key in flat:
        if key not in SCHEDULE_KEYS:
            raise Invalid(f'"schedule.{key}" is not allowed')
    return flat


def _check_hour(body: dict, key: str, fallback: str) -> str:
    value = body.get(key, fallback)
    if not isinstance(value, str) or not _HHMM.match(value):
        raise Invalid(f"Invalid {key} - {value}")
    return value


def _zone(body: dict, current: str) -> str:
    tz = body.get("timezone", current)
    try:
        if not isinstance(tz, str) or not tz:
            raise ValueError
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(f"Invalid timezone - {tz}") from None
    return tz


def _days(body: dict, current: list) -> list:
    days = body.get("days_of_the_week", current)
    if not isinstance(days, list) or not days:
        raise Invalid(f"Invalid days_of_the_week - {json.dumps(days)}: expected a "
                      "non-empty list of integers 0 (Sunday) to 6 (Saturday)")
    for day in days:
        if not is_int(day) or not 0 <= day <= 6:
            raise Invalid(f"Invalid days_of_the_week - {json.dumps(day)}: days are "
                          "integers 0 (Sunday) to 6 (Saturday)")
    return list(days)


def _pacing(body: dict) -> dict:
    """The pacing fields the body sends (a field left out keeps its current value)."""
    changes: dict[str, int | str | None] = {}
    gap = opt_int(body, "min_time_btw_emails", lo=1, hi=1440)
    per_day = opt_int(body, "max_new_leads_per_day", lo=1, hi=100_000)
    if "min_time_btw_emails" in body:
        changes["min_time_btw_emails"] = gap
    if "max_new_leads_per_day" in body:
        changes["max_new_leads_per_day"] = per_day
    if "schedule_start_time" in body:
        raw = body["schedule_start_time"]
        try:
            changes["schedule_start_time"] = None if raw is None else iso(parse_iso(raw))
        except (TypeError, ValueError, AttributeError):
            raise Invalid(f"Invalid schedule_start_time - {raw}") from None
    return changes


def update_schedule(req: Request):
    """``POST``/``PATCH /campaigns/{id}/schedule``, flat or nested; fields left out keep
    their current (or default) value."""
    row = models.get(req.store, req.params[0])
    body = _flat_schedule(require_object(req.body))
    check_keys(body, SCHEDULE_KEYS)
    current = models.schedule_of(row)
    tz = _zone(body, current["tz"])
    days = _days(body, current["days"])
    start = _check_hour(body, "start_hour", current["startHour"])
    end = _check_hour(body, "end_hour", current["endHour"])
    if start >= end:
        raise Invalid(f"start_hour {start} must be earlier than end_hour {end}")
    schedule = {"tz": tz, "days": days, "startHour": start, "endHour": end}
    models.set_schedule(req.store, row, schedule, _pacing(body))
    return {"ok": True}


# --- settings --------------------------------------------------------------------------------
def _threshold(value):
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if value is not None and (not is_int(value) or value < 0):
        raise Invalid('"bounce_autopause_threshold" must be a whole number (a string '
                      f'such as "10" is accepted) or null; got {value!r}')
    return None if value is None else str(value)


def _out_of_office(body: dict, current: dict) -> dict:
    ooo = require_object(body["out_of_office_detection_settings"],
                         "out_of_office_detection_settings")
    for key in _OOO_FLAGS:
        opt_bool(ooo, key, f"out_of_office_detection_settings.{key}")
    opt_int(ooo, "reactivateOOOwithDelay",
            "out_of_office_detection_settings.reactivateOOOwithDelay", lo=0)
    # The shape is undocumented beyond these keys: others are kept, not refused.
    return {**models.OUT_OF_OFFICE_DEFAULTS,
            **current.get("out_of_office_detection_settings", {}), **ooo}


def _newer_settings(body: dict, current: dict) -> dict:
    """The newer settings in ``body`` checked, merged into ``current`` (a copy)."""
    out = dict(current)
    for flag in _NEWER_FLAGS:
        if flag in body:
            out[flag] = bool(opt_bool(body, flag))
    if "bounce_autopause_threshold" in body:
        out["bounce_autopause_threshold"] = _threshold(body["bounce_autopause_threshold"])
    if "out_of_office_detection_settings" in body:
        out["out_of_office_detection_settings"] = _out_of_office(body, current)
    if "ai_categorisation_options" in body:
        options = body["ai_categorisation_options"]
        if not isinstance(options, list) or not all(
                is_int(o) or (isinstance(o, str) and o.strip()) for o in options):
            raise Invalid('"ai_categorisation_options" must be an array of category ids '
                          '(or names)')
        out["ai_categorisation_options"] = list(options)
    return out


def _track_settings(values) -> str:
    if not isinstance(values, list):
        raise Invalid('"track_settings" must be an array')
    for value in values:
        if value not in TRACK_SETTINGS:
            raise Invalid(f"Invalid track_settings value - {value}. Allowed values: "
                          + ", ".join(TRACK_SETTINGS))
    return json.dumps([TRACK_SETTINGS[v] for v in dict.fromkeys(values)])


def _setting_changes(body: dict, row) -> dict:
    """The columns a settings body changes, each checked."""
    changes: dict = {}
    if set(body) & set(models.NEWER_SETTINGS):
        current = json.loads(row["extra_settings"] or "{}")
        changes["extra_settings"] = json.dumps(_newer_settings(body, current))
    if "track_settings" in body:
        changes["track_settings"] = _track_settings(body["track_settings"])
    if "stop_lead_settings" in body:
        if body["stop_lead_settings"] not in STOP_LEAD_SETTINGS:
            raise Invalid(f"Invalid stop_lead_settings value - {body['stop_lead_settings']}")
        changes["stop_lead_settings"] = body["stop_lead_settings"]
    if "unsubscribe_text" in body:
        changes["unsubscribe_text"] = opt_str(body, "unsubscribe_text")
    for flag in _FLAGS:
        if flag in body:
            changes[flag] = int(bool(opt_bool(body, flag)))
    if "follow_up_percentage" in body:
        changes["follow_up_percentage"] = opt_int(body, "follow_up_percentage", lo=0, hi=100)
    if "client_id" in body:
        changes["client_id"] = opt_int(body, "client_id")
    if "name" in body:
        if not opt_str(body, "name"):
            raise Invalid('"name" is not allowed to be empty')
        changes["name"] = body["name"]
    return changes


def update_settings(req: Request):
    """``POST``/``PATCH /campaigns/{id}/settings``: only the fields sent change."""
    row = models.get(req.store, req.params[0])
    body = json_body(req, SETTINGS_KEYS)
    changes = _setting_changes(body, row)
    if changes:
        models.touch(req.store, row["id"], **changes)
    return {"ok": True}
