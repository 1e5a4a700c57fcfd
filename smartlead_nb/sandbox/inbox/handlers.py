"""Master-inbox handlers: read the request, call ``models``, shape SmartLead's answer.

Every view takes the same body, checked with Joi's wording (400): ``offset`` >= 0, ``limit``
1-20, ``sortBy``, ``filters`` (``search`` <= 30 characters, ``leadCategories``, ``emailStatus``,
``campaignId`` <= 5, ``emailAccountId`` <= 20 (<= 10 on unread), ``campaignTeamMemberId`` /
``campaignTagId`` / ``campaignClientId`` <= 10, ``replyTimeBetween``). With the query
``fetch_message_history=true`` each row also carries ``history``. The answer is
``{ok, offset, limit, data}``, with no total.
"""
from __future__ import annotations

from typing import Any

from ..campaigns import models as campaigns
from ..errors import Conflict, Invalid, NotFound
from ..leads import models as leads
from ..routing import Request
from ..timeutil import iso, parse_iso
from ..validate import (check_keys, is_int, json_body, opt_bool, opt_int, opt_str, page,
                        require_object, required_id)
from . import models

MAX_LIMIT = 20
MAX_SEARCH = 30
# Most ids an array filter may hold, and the exceptions per view.
ARRAY_LIMITS = {"campaignId": 5, "emailAccountId": 20, "campaignTeamMemberId": 10,
                "campaignTagId": 10, "campaignClientId": 10}
VIEW_ARRAY_LIMITS = {("unread-replies", "emailAccountId"): 10}
MAX_CATEGORY_IDS = 10
FILTER_KEYS = ("search", "leadCategories", "emailStatus", "campaignId", "emailAccountId",
               "campaignTeamMemberId", "campaignTagId", "campaignClientId", "replyTimeBetween")
CATEGORY_KEYS = ("unassigned", "isAssigned", "categoryIdsIn", "categoryIdsNotIn")
REPLY_KEYS = ("email_stats_id", "email_body", "reply_message_id", "reply_email_time",
              "reply_email_body", "to_email", "to_first_name", "to_last_name", "cc", "bcc",
              "add_signature", "scheduled_time", "schedule_condition", "seq_type",
              "attachments")
REPLY_TEXT_KEYS = tuple(k for k in REPLY_KEYS if k not in ("add_signature", "attachments"))
PUSH_KEYS = ("email_lead_map_id", "sub_sequence_id", "sub_sequence_delay_time",
             "stop_lead_on_parent_campaign_reply")


# --- reading the filters ---------------------------------------------------------------------
def _id_list(filters: dict, key: str, most: int, prefix: str = "filters.") -> list[int] | None:
    """An ``int`` or ``int[]`` filter as a list, or None when absent."""
    value = filters.get(key)
    label = prefix + key
    if value is None:
        return None
    if is_int(value):
        return [value]
    if not isinstance(value, list):
        raise Invalid(f'"{label}" must be one of [number, array]')
    for n, item in enumerate(value):
        if not is_int(item):
            raise Invalid(f'"{label}[{n}]" must be a number')
    if len(value) > most:
        raise Invalid(f'"{label}" must contain less than or equal to {most} items')
    return value


def _categories(filters: dict, out: dict) -> None:
    cats = filters.get("leadCategories")
    if cats is None:
        return
    if not isinstance(cats, dict):
        raise Invalid('"filters.leadCategories" must be of type object')
    check_keys(cats, CATEGORY_KEYS, "filters.leadCategories.")
    out["unassigned"] = opt_bool(cats, "unassigned", "filters.leadCategories.unassigned")
    out["assigned"] = opt_bool(cats, "isAssigned", "filters.leadCategories.isAssigned")
    for key in ("categoryIdsIn", "categoryIdsNotIn"):
        if cats.get(key) is not None and not isinstance(cats[key], list):
            raise Invalid(f'"filters.leadCategories.{key}" must be an array')
        out[key] = _id_list(cats, key, MAX_CATEGORY_IDS, "filters.leadCategories.")


def _statuses(filters: dict) -> list[str] | None:
    value = filters.get("emailStatus")
    if value is None:
        return None
    words = value if isinstance(value, list) else [value]
    for n, word in enumerate(words):
        if word not in models.EMAIL_STATUS:
            label = "filters.emailStatus" + (f"[{n}]" if isinstance(value, list) else "")
            raise Invalid(f'"{label}" must be one of [{", ".join(models.EMAIL_STATUS)}]')
    return words


def _reply_window(filters: dict) -> tuple[str, str] | None:
    value = filters.get("replyTimeBetween")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise Invalid('"filters.replyTimeBetween" must be an array of 2 ISO dates '
                      '[start, end]')
    bounds = []
    for n, text in enumerate(value):
        try:
            bounds.append(iso(parse_iso(text)))
        except (TypeError, ValueError, AttributeError):
            raise Invalid(f'"filters.replyTimeBetween[{n}]" must be a valid ISO 8601 '
                          f'date') from None
    if bounds[1] < bounds[0]:
        raise Invalid('"filters.replyTimeBetween[1]" must be later than or equal to '
                      '"filters.replyTimeBetween[0]"')
    return bounds[0], bounds[1]


def read_filters(view: str, filters: Any) -> dict:
    """The ``filters`` object checked, refusing what Joi would refuse, in the form
    ``models.view`` takes."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise Invalid('"filters" must be of type object')
    check_keys(filters, FILTER_KEYS, "filters.")
    out: dict[str, Any] = {"search": opt_str(filters, "search", "filters.search")}
    if out["search"] and len(out["search"]) > MAX_SEARCH:
        raise Invalid(f'"filters.search" length must be less than or equal to '
                      f'{MAX_SEARCH} characters long')
    _categories(filters, out)
    out["statuses"] = _statuses(filters)
    out["ids"] = {}
    for key in models.ID_FILTERS:
        ids = _id_list(filters, key, VIEW_ARRAY_LIMITS.get((view, key), ARRAY_LIMITS[key]))
        if ids:
            out["ids"][key] = ids
    out["reply_between"] = _reply_window(filters)
    return out


def _fetch_history_flag(query: dict[str, str]) -> bool:
    raw = query.get("fetch_message_history")
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false"):
        raise Invalid('"fetch_message_history" must be a boolean')
    return raw.lower() == "true"


# --- the inbox -------------------------------------------------------------------------------
def list_view(req: Request):
    """``POST /master-inbox/{view}``: a page of one view of the inbox."""
    view = req.path.rsplit("/", 1)[-1]
    body = json_body(req, ("offset", "limit", "sortBy", "filters"))
    offset = opt_int(body, "offset", lo=0)
    limit = opt_int(body, "limit", lo=1, hi=MAX_LIMIT)
    offset = 0 if offset is None else offset
    limit = MAX_LIMIT if limit is None else limit
    sort = body.get("sortBy", models.SORTS[0])
    if sort not in models.SORTS:
        raise Invalid(f'"sortBy" must be one of [{", ".join(models.SORTS)}]')
    with_history = _fetch_history_flag(req.query)
    filters = read_filters(view, body.get("filters"))
    rows = models.view(req.store, view, filters, sort, offset, limit, with_history)
    return {"ok": True, "offset": offset, "limit": limit, "data": rows}


def get_thread(req: Request):
    """``GET /master-inbox/{email_lead_map_id}``: the inbox row plus its history."""
    data = models.thread(req.store, req.params[0])
    if data is None:
        raise NotFound("Lead not found")
    return {"ok": True, "data": data}


def untracked_replies(req: Request):
    """Replies SmartLead could not match to a lead: none in the sandbox."""
    offset, limit = page(req.query, max_limit=100, default_limit=20)
    return {"ok": True, "data": {"success": True, "message": "Untracked replies fetched",
                                 "data": {"replies": [], "offset": offset, "limit": limit}}}


# --- replying and subsequences ---------------------------------------------------------------
def _check_reply(body: dict) -> None:
    """Joi's checks: unknown keys (``lead_id`` above all) refused, ``email_stats_id`` a
    string, ``email_body`` required."""
    check_keys(body, REPLY_KEYS)
    for key in ("email_stats_id", "email_body"):
        if body.get(key) is None:
            raise Invalid(f'"{key}" is required')
    for key in REPLY_TEXT_KEYS:
        if body.get(key) is not None and not isinstance(body[key], str):
            raise Invalid(f'"{key}" must be a string')
    if not body["email_body"].strip():
        raise Invalid('"email_body" is not allowed to be empty')
    opt_bool(body, "add_signature")
    attachments = body.get("attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise Invalid('"attachments" must be an array')
        for n, item in enumerate(attachments):
            if not isinstance(item, dict) or not isinstance(item.get("file_url"), str):
                raise Invalid(f'"attachments[{n}].file_url" is required')


def reply_email_thread(req: Request):
    """``POST /campaigns/{id}/reply-email-thread``: recorded into the thread, never sent."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    body = require_object(req.body)
    _check_reply(body)
    models.reply(req.store, cid, body["email_stats_id"], body)
    return {"ok": True, "data": "success"}


def push_to_subsequence(req: Request):
    """``POST /master-inbox/push-to-subsequence``: the lead starts the subsequence after
    ``sub_sequence_delay_time`` days. Refusals arrive inside a 200, as on SmartLead:
    ``{"ok": false, "message": ...}``."""
    body = json_body(req, PUSH_KEYS)
    map_id = required_id(body, "email_lead_map_id")
    sub_id = required_id(body, "sub_sequence_id")
    delay = body.get("sub_sequence_delay_time", 0)
    if delay is None:
        delay = 0
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise Invalid('"sub_sequence_delay_time" must be a number greater than or '
                      'equal to 0')
    stop_on_reply = bool(opt_bool(body, "stop_lead_on_parent_campaign_reply"))
    try:
        data = leads.push_to_subsequence(req.store, map_id, campaigns.find(req.store, sub_id),
                                         delay, stop_on_reply)
    except Conflict as refused:
        return {"ok": False, "message": refused.message}
    return {"ok": True, "message": "Lead pushed to subsequence", "data": data}
