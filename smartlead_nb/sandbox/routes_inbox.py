"""The master inbox [more-sheet 1.1-1.3]: list views, one thread, untracked replies.

One inbox row per (campaign, lead) mapping that has at least one email sent, built from the
simulated sends and hidden beyond the clock like every statistic. What each view holds:

- ``inbox-replies``: exactly the mappings with a reply visible by the clock, so the inbox
  agrees with ``GET /campaigns/{id}/statistics`` (``email_status=replied``);
- ``unread-replies``: the same rows. The sandbox has no read-status endpoint, so no reply is
  ever marked read (``has_new_unread_email`` is true on every replied row);
- ``sent``: every mapping with an email sent, replied or not;
- ``important``, ``snoozed``, ``scheduled``, ``reminders``, ``archived``, ``assigned-me``,
  ``views``: empty, since nothing in the sandbox can mark a thread so.

Every view takes the same body, validated with Joi's wording (400): ``offset`` >= 0, ``limit``
1-20, ``sortBy``, ``filters`` (``search`` <= 30 characters, ``leadCategories``, ``emailStatus``,
``campaignId`` <= 5, ``emailAccountId`` <= 20 (<= 10 on unread), ``campaignTeamMemberId`` /
``campaignTagId`` / ``campaignClientId`` <= 10, ``replyTimeBetween``). With the query
``fetch_message_history=true`` each row also carries ``history``: the thread's items exactly as
``GET /campaigns/{cid}/leads/{lid}/message-history`` shows them. The answer is shape (a),
``{ok, offset, limit, data}``, with no total.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from . import routes_lead_ops
from .routing import ApiError, Request, bad_request
from .timeutil import iso, parse_iso
from .validate import check_keys, is_int, json_body, opt_bool, opt_int, opt_str, page

MAX_LIMIT = 20
MAX_SEARCH = 30
SORTS = ("REPLY_TIME_DESC", "SENT_TIME_DESC")
# The condition on a thread (a row of ``_THREADS`` below) that puts it in each view.
VIEWS = {
    "inbox-replies": "last_reply_time IS NOT NULL",
    "unread-replies": "last_reply_time IS NOT NULL",
    "sent": "1",
    "important": "0", "snoozed": "0", "scheduled": "0", "reminders": "0", "archived": "0",
    "assigned-me": "0", "views": "0",
}
# Most ids an array filter may hold: (filter, default, per-view exceptions).
ARRAY_LIMITS = {"campaignId": 5, "emailAccountId": 20, "campaignTeamMemberId": 10,
                "campaignTagId": 10, "campaignClientId": 10}
VIEW_ARRAY_LIMITS = {("unread-replies", "emailAccountId"): 10}
MAX_CATEGORY_IDS = 10
# emailStatus words (capitalised, unlike /campaigns/{id}/leads) -> condition on the thread.
EMAIL_STATUS = {
    "Opened": "opened", "Clicked": "clicked", "Replied": "last_reply_time IS NOT NULL",
    "Unsubscribed": "unsubscribed", "Bounced": "bounced", "Accepted": "NOT bounced",
    "Not Replied": "last_reply_time IS NULL",
}
FILTER_KEYS = ("search", "leadCategories", "emailStatus", "campaignId", "emailAccountId",
               "campaignTeamMemberId", "campaignTagId", "campaignClientId", "replyTimeBetween")
CATEGORY_KEYS = ("unassigned", "isAssigned", "categoryIdsIn", "categoryIdsNotIn")

# One row per mapping: its last send, its last reply visible by the clock, the events seen so
# far, and the mailbox of the last email sent (the one a reply answers: a reply ends the
# sequence). Filters and views are conditions on these columns.
_THREADS = """
WITH t AS (
  SELECT s.map_id,
         MAX(s.sent_time) AS last_sent_time,
         MAX(CASE WHEN s.reply_time <= :now THEN s.reply_time END) AS last_reply_time,
         COALESCE(MAX(s.open_time <= :now), 0) AS opened,
         COALESCE(MAX(s.click_time <= :now), 0) AS clicked,
         COALESCE(MAX(s.unsubscribed_time <= :now), 0) AS unsubscribed,
         MAX(s.is_bounced) AS bounced
  FROM sent_emails s {only} GROUP BY s.map_id)
SELECT * FROM (
  SELECT m.id AS map_id, m.lead_id, m.campaign_id, m.status, m.category_id,
         c.name AS campaign_name, c.client_id, l.email, l.first_name, l.last_name,
         l.company_name, t.last_sent_time, t.last_reply_time, t.opened, t.clicked,
         t.unsubscribed, t.bounced,
         (SELECT s2.account_id FROM sent_emails s2 WHERE s2.map_id = m.id
          ORDER BY s2.sent_time DESC, s2.id DESC LIMIT 1) AS account_id,
         (SELECT s3.subject FROM sent_emails s3 WHERE s3.map_id = m.id
          ORDER BY s3.sent_time, s3.id LIMIT 1) AS subject
  FROM campaign_leads m
  JOIN campaigns c ON c.id = m.campaign_id
  JOIN leads l ON l.id = m.lead_id
  {join} JOIN t ON t.map_id = m.id {where_map}) AS th
"""
_ORDER = {
    "REPLY_TIME_DESC": "last_reply_time IS NULL, last_reply_time DESC, last_sent_time DESC, "
                       "map_id DESC",
    "SENT_TIME_DESC": "last_sent_time DESC, map_id DESC",
}


def inbox_row(r) -> dict:
    """One thread as an inbox row (shape (a), the field names live clients read)."""
    return {
        "email_lead_map_id": r["map_id"], "email_lead_id": r["lead_id"],
        "email_campaign_id": r["campaign_id"], "email_campaign_name": r["campaign_name"],
        "email_account_id": r["account_id"], "lead_email": r["email"],
        "lead_first_name": r["first_name"], "lead_last_name": r["last_name"],
        "lead_status": r["status"], "lead_category_id": r["category_id"],
        "email_subject": r["subject"], "last_sent_time": r["last_sent_time"],
        "last_reply_time": r["last_reply_time"],
        "has_new_unread_email": r["last_reply_time"] is not None,
        "is_important": False, "is_archived": False, "is_snoozed": False,
        "team_member_id": None, "revenue": None,
    }


def thread_history(req: Request, campaign_id: int, lead_id: int) -> list[dict]:
    """The thread's items, produced by the message-history endpoint itself (one shape)."""
    other = dataclasses.replace(req, method="GET", params=(campaign_id, lead_id), query={},
                                body=None)
    return routes_lead_ops.message_history(other)["history"]


def _id_list(filters: dict, key: str, most: int, prefix: str = "filters.") -> list[int] | None:
    """An ``int`` or ``int[]`` filter as a list, or None when absent."""
    value = filters.get(key)
    label = prefix + key
    if value is None:
        return None
    if is_int(value):
        return [value]
    if not isinstance(value, list):
        raise bad_request(f'"{label}" must be one of [number, array]')
    for n, item in enumerate(value):
        if not is_int(item):
            raise bad_request(f'"{label}[{n}]" must be a number')
    if len(value) > most:
        raise bad_request(f'"{label}" must contain less than or equal to {most} items')
    return value


def _in(column: str, ids: list[int], args: dict, name: str) -> str:
    names = []
    for n, value in enumerate(ids):
        args[f"{name}{n}"] = value
        names.append(f":{name}{n}")
    return f"{column} IN ({', '.join(names)})" if names else "0"


def _category_conditions(filters: dict, where: list[str], args: dict) -> None:
    cats = filters.get("leadCategories")
    if cats is None:
        return
    if not isinstance(cats, dict):
        raise bad_request('"filters.leadCategories" must be of type object')
    check_keys(cats, CATEGORY_KEYS, "filters.leadCategories.")
    if opt_bool(cats, "unassigned", "filters.leadCategories.unassigned"):
        where.append("category_id IS NULL")
    if opt_bool(cats, "isAssigned", "filters.leadCategories.isAssigned"):
        where.append("category_id IS NOT NULL")
    for key, negate in (("categoryIdsIn", False), ("categoryIdsNotIn", True)):
        if cats.get(key) is not None and not isinstance(cats[key], list):
            raise bad_request(f'"filters.leadCategories.{key}" must be an array')
        ids = _id_list(cats, key, MAX_CATEGORY_IDS, "filters.leadCategories.")
        if not ids:
            continue
        inside = _in("category_id", ids, args, key)
        where.append(f"(category_id IS NULL OR NOT {inside})" if negate else inside)


def _status_condition(filters: dict) -> str | None:
    value = filters.get("emailStatus")
    if value is None:
        return None
    words = value if isinstance(value, list) else [value]
    for n, word in enumerate(words):
        if word not in EMAIL_STATUS:
            label = "filters.emailStatus" + (f"[{n}]" if isinstance(value, list) else "")
            raise bad_request(f'"{label}" must be one of [{", ".join(EMAIL_STATUS)}]')
    return "(" + " OR ".join(EMAIL_STATUS[w] for w in words) + ")" if words else None


def _reply_window(filters: dict, args: dict) -> str | None:
    value = filters.get("replyTimeBetween")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise bad_request('"filters.replyTimeBetween" must be an array of 2 ISO dates '
                          '[start, end]')
    bounds = []
    for n, text in enumerate(value):
        try:
            bounds.append(iso(parse_iso(text)))
        except (TypeError, ValueError, AttributeError):
            raise bad_request(f'"filters.replyTimeBetween[{n}]" must be a valid ISO 8601 '
                              f'date') from None
    if bounds[1] < bounds[0]:
        raise bad_request('"filters.replyTimeBetween[1]" must be later than or equal to '
                          '"filters.replyTimeBetween[0]"')
    args["reply_lo"], args["reply_hi"] = bounds
    return "last_reply_time >= :reply_lo AND last_reply_time <= :reply_hi"


def _filter_conditions(view: str, filters: Any, args: dict) -> list[str]:
    """SQL conditions for the ``filters`` object, refusing what Joi would refuse."""
    if filters is None:
        return []
    if not isinstance(filters, dict):
        raise bad_request('"filters" must be of type object')
    check_keys(filters, FILTER_KEYS, "filters.")
    where: list[str] = []
    search = opt_str(filters, "search", "filters.search")
    if search:
        if len(search) > MAX_SEARCH:
            raise bad_request(f'"filters.search" length must be less than or equal to '
                              f'{MAX_SEARCH} characters long')
        args["search"] = search.lower()
        where.append("(" + " OR ".join(f"instr(lower(COALESCE({c}, '')), :search) > 0" for c in
                                       ("email", "first_name", "last_name", "company_name"))
                     + ")")
    _category_conditions(filters, where, args)
    status = _status_condition(filters)
    if status:
        where.append(status)
    columns = {"campaignId": "campaign_id", "emailAccountId": "account_id",
               "campaignClientId": "client_id",
               # The sandbox has no team members or campaign tags: such a filter matches none.
               "campaignTeamMemberId": "NULL", "campaignTagId": "NULL"}
    for key, column in columns.items():
        most = VIEW_ARRAY_LIMITS.get((view, key), ARRAY_LIMITS[key])
        ids = _id_list(filters, key, most)
        if ids:
            where.append(_in(column, ids, args, key))
    window = _reply_window(filters, args)
    if window:
        where.append(window)
    return where


def _fetch_history_flag(query: dict[str, str]) -> bool:
    raw = query.get("fetch_message_history")
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false"):
        raise bad_request('"fetch_message_history" must be a boolean')
    return raw.lower() == "true"


def list_view(view: str):
    """The handler of ``POST /master-inbox/{view}``."""
    def handler(req: Request):
        body = json_body(req, ("offset", "limit", "sortBy", "filters"))
        offset = opt_int(body, "offset", lo=0)
        limit = opt_int(body, "limit", lo=1, hi=MAX_LIMIT)
        offset = 0 if offset is None else offset
        limit = MAX_LIMIT if limit is None else limit
        sort = body.get("sortBy", SORTS[0])
        if sort not in SORTS:
            raise bad_request(f'"sortBy" must be one of [{", ".join(SORTS)}]')
        with_history = _fetch_history_flag(req.query)
        args: dict[str, Any] = {"now": req.app.store.now_iso(), "limit": limit,
                                "offset": offset}
        where = [VIEWS[view]] + _filter_conditions(view, body.get("filters"), args)
        sql = (_THREADS.format(only="", join="", where_map="") + " WHERE "
               + " AND ".join(where) + f" ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset")
        rows = []
        for r in req.db.execute(sql, args).fetchall():
            row = inbox_row(r)
            if with_history:
                row["history"] = thread_history(req, r["campaign_id"], r["lead_id"])
            rows.append(row)
        return {"ok": True, "offset": offset, "limit": limit, "data": rows}
    handler.__name__ = f"inbox_{view.replace('-', '_')}"
    return handler


def get_thread(req: Request):
    """``GET /master-inbox/{email_lead_map_id}``: the inbox row plus its history."""
    (map_id,) = req.params
    r = req.db.execute(_THREADS.format(only="WHERE s.map_id = :map_id", join="LEFT",
                                        where_map="WHERE m.id = :map_id"),
                       {"now": req.app.store.now_iso(), "map_id": map_id}).fetchone()
    if r is None:
        raise ApiError(404, {"error": "Lead not found"})
    data = inbox_row(r)
    data["history"] = thread_history(req, r["campaign_id"], r["lead_id"])
    return {"ok": True, "data": data}


def untracked_replies(req: Request):
    """Replies SmartLead could not match to a lead: none in the sandbox (Rec: low priority)."""
    offset, limit = page(req.query, max_limit=100, default_limit=20)
    return {"ok": True, "data": {"success": True, "message": "Untracked replies fetched",
                                 "data": {"replies": [], "offset": offset, "limit": limit}}}


ROUTES = [("POST", f"/master-inbox/{view}", list_view(view)) for view in VIEWS] + [
    ("GET", r"/master-inbox/untracked-replies", untracked_replies),
    ("GET", r"/master-inbox/(\d+)", get_thread),
]
