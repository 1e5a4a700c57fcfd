"""Campaign endpoints [sheet 2.1-2.7]: create, list, get, delete, status, schedule, settings."""
from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .routing import Request, RouteTable, bad_request
from .store import USER_ID
from .timeutil import iso, parse_iso
from .validate import (check_keys, is_int, json_body, opt_bool, opt_int, opt_str, query_bool,
                       query_int, require_object)

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

# What POST accepts -> the short form SmartLead reads back.
TRACK_SETTINGS = {
    "DONT_TRACK_EMAIL_OPEN": "DONT_EMAIL_OPEN",
    "DONT_TRACK_LINK_CLICK": "DONT_LINK_CLICK",
    "DONT_TRACK_REPLY_TO_AN_EMAIL": "DONT_REPLY_TO_AN_EMAIL",
}
STOP_LEAD_SETTINGS = ("REPLY_TO_AN_EMAIL", "CLICK_ON_A_LINK", "OPEN_AN_EMAIL")
STATUS_WRITES = {"START": "ACTIVE", "ACTIVE": "ACTIVE", "PAUSED": "PAUSED", "STOPPED": "STOPPED"}
DEFAULT_SCHEDULE = {"tz": "UTC", "days": [1, 2, 3, 4, 5], "startHour": "09:00",
                    "endHour": "17:00"}
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d\Z")
# Newer settings (newest D page; shapes from the clients that send them), with the value read
# back while unset. Kept as one JSON object per campaign (store: campaigns.extra_settings).
NEWER_SETTINGS = {
    "auto_pause_domain_leads_on_reply": False,
    "ignore_ss_mailbox_sending_limit": False,
    "domain_level_rate_limit": False,
    "add_unsubscribe_tag": False,
    "bounce_autopause_threshold": None,
    "out_of_office_detection_settings": {"ignoreOOOasReply": False, "autoCategorizeOOO": False,
                                         "autoReactivateOOO": False,
                                         "reactivateOOOwithDelay": None},
    "ai_categorisation_options": [],
}
_OOO_FLAGS = ("ignoreOOOasReply", "autoCategorizeOOO", "autoReactivateOOO")
# The schedule body's flat keys (variant A); variant C nests them under "schedule" and may
# spell days as "days" [sheet 2.6].
SCHEDULE_KEYS = ("timezone", "days_of_the_week", "start_hour", "end_hour",
                 "min_time_btw_emails", "max_new_leads_per_day", "schedule_start_time")


def campaign_json(row, with_tags: bool = False) -> dict:
    """A campaign row as the API's campaign object (unset fields are null)."""
    out = {
        "id": row["id"], "user_id": USER_ID, "created_at": row["created_at"],
        "updated_at": row["updated_at"], "status": row["status"], "name": row["name"],
        "track_settings": json.loads(row["track_settings"]),
        "scheduler_cron_value": json.loads(row["schedule"]) if row["schedule"] else None,
        "min_time_btwn_emails": row["min_time_btwn_emails"],
        "max_leads_per_day": row["max_leads_per_day"],
        "schedule_start_time": row["schedule_start_time"],
        "stop_lead_settings": row["stop_lead_settings"],
        "unsubscribe_text": row["unsubscribe_text"],
        "enable_ai_esp_matching": bool(row["enable_ai_esp_matching"]),
        "send_as_plain_text": bool(row["send_as_plain_text"]),
        "force_plain_text": bool(row["force_plain_text"]),
        "follow_up_percentage": row["follow_up_percentage"],
        "client_id": row["client_id"], "parent_campaign_id": row["parent_campaign_id"],
    }
    stored = json.loads(row["extra_settings"] or "{}")
    out.update({key: stored.get(key, json.loads(json.dumps(default)))
                for key, default in NEWER_SETTINGS.items()})
    if with_tags:
        out["tags"] = []    # the sandbox has no tag endpoints, so campaigns carry none
    return out


def _touch(req: Request, campaign_id: int, **columns) -> None:
    sets = ", ".join(f"{name} = ?" for name in columns)
    req.db.execute(f"UPDATE campaigns SET {sets}, updated_at = ? WHERE id = ?",
                   (*columns.values(), req.app.store.now_iso(), campaign_id))


@ROUTES.route("POST", r"/campaigns/create")
def create_campaign(req: Request):
    body = json_body(req, ("name", "client_id"))
    name = opt_str(body, "name")
    client_id = opt_int(body, "client_id")
    if not name:
        name = "Untitled Campaign"
    now = req.app.store.now_iso()
    cur = req.db.execute(
        "INSERT INTO campaigns (name, status, client_id, created_at, updated_at) "
        "VALUES (?, 'DRAFTED', ?, ?, ?)", (name, client_id, now, now))
    return {"ok": True, "id": cur.lastrowid, "name": name, "created_at": now}


@ROUTES.route("GET", r"/campaigns")
def list_campaigns(req: Request):
    client_id = query_int(req.query, "client_id", None)
    sql, args = "SELECT * FROM campaigns", ()
    if client_id is not None:
        sql, args = sql + " WHERE client_id = ?", (client_id,)
    rows = req.db.execute(sql + " ORDER BY id DESC", args).fetchall()
    tags = query_bool(req.query, "include_tags")
    return [campaign_json(row, tags) for row in rows]


@ROUTES.route("GET", r"/campaigns/(\d+)")
def get_campaign(req: Request):
    row = req.app.store.campaign(req.params[0])
    return campaign_json(row, query_bool(req.query, "include_tags"))


@ROUTES.route("DELETE", r"/campaigns/(\d+)")
def delete_campaign(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    db = req.db
    db.execute("DELETE FROM variants WHERE seq_id IN "
               "(SELECT id FROM sequences WHERE campaign_id = ?)", (cid,))
    for table in ("sequences", "campaign_accounts", "campaign_leads", "sent_emails"):
        db.execute(f"DELETE FROM {table} WHERE campaign_id = ?", (cid,))
    db.execute("DELETE FROM campaigns WHERE id = ?", (cid,))
    return {"ok": True}


@ROUTES.route("POST PATCH", r"/campaigns/(\d+)/status")
def update_status(req: Request):
    (cid,) = req.params
    row = req.app.store.campaign(cid)
    wanted = json_body(req, ("status",)).get("status")
    if wanted is None:
        raise bad_request('"status" is required')
    if not isinstance(wanted, str) or wanted.upper() not in STATUS_WRITES:
        raise bad_request(f"Invalid status - {wanted}. Allowed values: START, PAUSED, STOPPED")
    new_status = STATUS_WRITES[wanted.upper()]
    if row["status"] == "STOPPED" and new_status != "STOPPED":
        raise bad_request("Campaign is STOPPED - a stopped campaign cannot be restarted "
                          "or changed")
    if new_status == "ACTIVE":
        db = req.db
        missing = []
        if not db.execute("SELECT 1 FROM sequences WHERE campaign_id = ?", (cid,)).fetchone():
            missing.append("no sequence steps")
        if not db.execute("SELECT 1 FROM campaign_accounts WHERE campaign_id = ?",
                          (cid,)).fetchone():
            missing.append("no email accounts")
        if not db.execute("SELECT 1 FROM campaign_leads WHERE campaign_id = ?",
                          (cid,)).fetchone():
            missing.append("no leads")
        if missing:
            raise bad_request("Cannot start campaign: " + ", ".join(missing))
    _touch(req, cid, status=new_status)
    return {"ok": True}


def _check_hour(body: dict, key: str, fallback: str) -> str:
    value = body.get(key, fallback)
    if not isinstance(value, str) or not _HHMM.match(value):
        raise bad_request(f"Invalid {key} - {value}")
    return value


@ROUTES.route("POST PATCH", r"/campaigns/(\d+)/schedule")
def update_schedule(req: Request):
    """Variant A of the schedule body; fields left out keep their current (or default) value."""
    (cid,) = req.params
    row = req.app.store.campaign(cid)
    body = _flat_schedule(require_object(req.body))
    check_keys(body, SCHEDULE_KEYS)
    current = json.loads(row["schedule"]) if row["schedule"] else dict(DEFAULT_SCHEDULE)

    tz = body.get("timezone", current["tz"])
    try:
        if not isinstance(tz, str) or not tz:
            raise ValueError
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise bad_request(f"Invalid timezone - {tz}") from None

    days = body.get("days_of_the_week", current["days"])
    if not isinstance(days, list) or not days:
        raise bad_request(f"Invalid days_of_the_week - {json.dumps(days)}: expected a "
                          "non-empty list of integers 0 (Sunday) to 6 (Saturday)")
    for day in days:
        if not is_int(day) or not 0 <= day <= 6:
            raise bad_request(f"Invalid days_of_the_week - {json.dumps(day)}: days are "
                              "integers 0 (Sunday) to 6 (Saturday)")
    start = _check_hour(body, "start_hour", current["startHour"])
    end = _check_hour(body, "end_hour", current["endHour"])
    if start >= end:
        raise bad_request(f"start_hour {start} must be earlier than end_hour {end}")

    gap = opt_int(body, "min_time_btw_emails", lo=1, hi=1440)
    per_day = opt_int(body, "max_new_leads_per_day", lo=1, hi=100_000)
    start_time = row["schedule_start_time"]
    if "schedule_start_time" in body:
        raw = body["schedule_start_time"]
        if raw is None:
            start_time = None
        else:
            try:
                start_time = iso(parse_iso(raw))
            except (TypeError, ValueError, AttributeError):
                raise bad_request(f"Invalid schedule_start_time - {raw}") from None

    schedule = {"tz": tz, "days": list(days), "startHour": start, "endHour": end}
    _touch(req, cid, schedule=json.dumps(schedule),
           min_time_btwn_emails=gap if "min_time_btw_emails" in body
           else row["min_time_btwn_emails"],
           max_leads_per_day=per_day if "max_new_leads_per_day" in body
           else row["max_leads_per_day"],
           schedule_start_time=start_time)
    return {"ok": True}


def _flat_schedule(body: dict) -> dict:
    """Variant C's ``{"schedule": {...}}`` as the flat body (variant A) the rest reads.

    Inside it, ``days`` is accepted for ``days_of_the_week`` (D's MDX spells it so). A body
    that mixes the nested object with flat keys is refused: which would win is unclear.
    """
    if "schedule" not in body:
        return body
    others = sorted(set(body) - {"schedule"})
    if others:
        raise bad_request(f'"{others[0]}" is not allowed beside "schedule": send the schedule '
                          'fields either nested under "schedule" or flat, not both')
    inner = require_object(body["schedule"], "schedule")
    flat = dict(inner)
    if "days" in flat:
        if "days_of_the_week" in flat:
            raise bad_request('"schedule.days" is not allowed beside "schedule.days_of_the_week"')
        flat["days_of_the_week"] = flat.pop("days")
    for key in flat:
        if key not in SCHEDULE_KEYS:
            raise bad_request(f'"schedule.{key}" is not allowed')
    return flat


def _newer_settings(body: dict, current: dict) -> dict:
    """The newer settings in ``body`` checked, merged into ``current`` (a copy)."""
    out = dict(current)
    for flag in ("auto_pause_domain_leads_on_reply", "ignore_ss_mailbox_sending_limit",
                 "domain_level_rate_limit", "add_unsubscribe_tag"):
        if flag in body:
            value = opt_bool(body, flag)
            out[flag] = bool(value)
    if "bounce_autopause_threshold" in body:
        value = body["bounce_autopause_threshold"]
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if value is not None and (not is_int(value) or value < 0):
            raise bad_request('"bounce_autopause_threshold" must be a whole number (a string '
                              f'such as "10" is accepted) or null; got {value!r}')
        out["bounce_autopause_threshold"] = None if value is None else str(value)
    if "out_of_office_detection_settings" in body:
        ooo = require_object(body["out_of_office_detection_settings"],
                             "out_of_office_detection_settings")
        for key in _OOO_FLAGS:
            opt_bool(ooo, key, f"out_of_office_detection_settings.{key}")
        opt_int(ooo, "reactivateOOOwithDelay",
                "out_of_office_detection_settings.reactivateOOOwithDelay", lo=0)
        # The shape is undocumented beyond these keys: others are kept, not refused.
        out["out_of_office_detection_settings"] = {
            **NEWER_SETTINGS["out_of_office_detection_settings"],
            **current.get("out_of_office_detection_settings", {}), **ooo}
    if "ai_categorisation_options" in body:
        options = body["ai_categorisation_options"]
        if not isinstance(options, list) or not all(
                is_int(o) or (isinstance(o, str) and o.strip()) for o in options):
            raise bad_request('"ai_categorisation_options" must be an array of category ids '
                              '(or names)')
        out["ai_categorisation_options"] = list(options)
    return out


@ROUTES.route("POST PATCH", r"/campaigns/(\d+)/settings")
def update_settings(req: Request):
    (cid,) = req.params
    row = req.app.store.campaign(cid)
    body = json_body(req, ("track_settings", "stop_lead_settings", "unsubscribe_text",
                           "send_as_plain_text", "force_plain_text", "follow_up_percentage",
                           "client_id", "enable_ai_esp_matching", "name", *NEWER_SETTINGS))
    changes: dict = {}
    if set(body) & set(NEWER_SETTINGS):
        current = json.loads(row["extra_settings"] or "{}")
        changes["extra_settings"] = json.dumps(_newer_settings(body, current))
    if "track_settings" in body:
        values = body["track_settings"]
        if not isinstance(values, list):
            raise bad_request('"track_settings" must be an array')
        for value in values:
            if value not in TRACK_SETTINGS:
                raise bad_request(f"Invalid track_settings value - {value}. Allowed values: "
                                  + ", ".join(TRACK_SETTINGS))
        short = [TRACK_SETTINGS[v] for v in dict.fromkeys(values)]
        changes["track_settings"] = json.dumps(short)
    if "stop_lead_settings" in body:
        value = body["stop_lead_settings"]
        if value not in STOP_LEAD_SETTINGS:
            raise bad_request(f"Invalid stop_lead_settings value - {value}")
        changes["stop_lead_settings"] = value
    if "unsubscribe_text" in body:
        changes["unsubscribe_text"] = opt_str(body, "unsubscribe_text")
    for flag in ("send_as_plain_text", "force_plain_text", "enable_ai_esp_matching"):
        if flag in body:
            changes[flag] = int(bool(opt_bool(body, flag)))
    if "follow_up_percentage" in body:
        changes["follow_up_percentage"] = opt_int(body, "follow_up_percentage", lo=0, hi=100)
    if "client_id" in body:
        changes["client_id"] = opt_int(body, "client_id")
    if "name" in body:
        name = opt_str(body, "name")
        if not name:
            raise bad_request('"name" is not allowed to be empty')
        changes["name"] = name
    if changes:
        _touch(req, cid, **changes)
    return {"ok": True}
