"""Statistics and analytics handlers: read the query, call ``models``, shape SmartLead's answer.

Unknown optional flags (``full_data``, ``is_agency``, ...) are accepted and ignored, as on
SmartLead.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..campaigns import models as campaigns
from ..errors import Invalid, LimitExceeded
from ..routing import Request
from ..store import USER_ID
from ..timeutil import UTC, iso
from ..validate import page, query_choice, query_int, query_time
from . import models

MAX_RANGE_DAYS = 30           # analytics-by-date: at most 30 days, both ends counted
MAILBOX_MAX_LIMIT = 20        # mailbox-statistics: limit 1-20
LEADS_MAX_LIMIT = 100         # leads-statistics: limit <= 100
MAX_DAYS = 3660               # a sandbox guard (not a SmartLead fact): day-wise rows per call
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")    # a bare YYYY-MM-DD, as the by-date endpoints take
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?\Z")
_INTEGER = re.compile(r"-?\d{1,18}")


# --- reading the query -----------------------------------------------------------------------
@overload
def _int(query: dict, key: str, default: int, lo: int | None = None,
         hi: int | None = None) -> int: ...
@overload
def _int(query: dict, key: str, default: None, lo: int | None = None,
         hi: int | None = None) -> int | None: ...
def _int(query: dict, key: str, default: int | None, lo: int | None = None,
         hi: int | None = None) -> int | None:
    """An integer query parameter; out of range is a 400 in Joi's words (as these routes do,
    unlike the 422 of the older list endpoints)."""
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise Invalid(f'"{key}" must be a number')
    value = int(raw)
    if lo is not None and value < lo:
        raise Invalid(f'"{key}" must be greater than or equal to {lo}')
    if hi is not None and value > hi:
        raise Invalid(f'"{key}" must be less than or equal to {hi}')
    return value


def _day(query: dict, key: str) -> date:
    text = query.get(key)
    if not text:
        raise Invalid(f'"{key}" is required')
    if not DATE.match(text):
        raise Invalid(f'"{key}" must be a date in YYYY-MM-DD format')
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise Invalid(f"Invalid date - {exc}") from None


def _zone(query: dict, key: str) -> ZoneInfo:
    name = query.get(key) or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(f"Invalid {key} - {name}") from None


def _midnight(day: date, tz: ZoneInfo) -> str:
    """The UTC wire time at which ``day`` begins in ``tz``."""
    return iso(datetime.combine(day, datetime.min.time(), tz).astimezone(UTC))


def _range(query: dict, tz_key: str) -> tuple[date, date, str, str]:
    """``(first, last, lo, hi)``: the inclusive local days and the UTC half-open bounds."""
    first, last = _day(query, "start_date"), _day(query, "end_date")
    if last < first:
        raise Invalid("end_date must not be earlier than start_date")
    tz = _zone(query, tz_key)
    return first, last, _midnight(first, tz), _midnight(last + timedelta(days=1), tz)


def _optional_range(query: dict, tz_key: str) -> tuple[str, str]:
    """mailbox-statistics' ``(lo, hi)``: both dates or neither may be given; neither means
    the campaign's whole life."""
    given = [k for k in ("start_date", "end_date") if query.get(k)]
    if not given:
        return "", "\uffff"
    if len(given) == 1:
        other = "end_date" if given == ["start_date"] else "start_date"
        raise Invalid(f'"value" contains [{given[0]}] without its required peers [{other}]')
    _, _, lo, hi = _range(query, tz_key)
    return lo, hi


def _by_date_range(query: dict) -> tuple[str, str]:
    """analytics-by-date's ``start_date``/``end_date`` (both ends counted, at most
    ``MAX_RANGE_DAYS`` days) as UTC bounds [lo, hi) in ``time_zone``."""
    for key in ("start_date", "end_date"):
        if not query.get(key):
            raise Invalid(f'"{key}" is required')
        if not DATE.match(query[key]):
            raise Invalid(f'"{key}" must be a date in YYYY-MM-DD format')
    try:
        first = date.fromisoformat(query["start_date"])
        last = date.fromisoformat(query["end_date"])
    except ValueError as exc:
        raise Invalid(f"Invalid date - {exc}") from None
    if last < first:
        raise Invalid("end_date must not be earlier than start_date")
    days = (last - first).days + 1
    if days > MAX_RANGE_DAYS:
        raise LimitExceeded(f"Date range cannot exceed {MAX_RANGE_DAYS} days "
                            f"(requested {days} days, start_date and end_date inclusive)")
    tz = _zone(query, "time_zone")
    return _midnight(first, tz), _midnight(last + timedelta(days=1), tz)


def _range_bound(query: dict, key: str, tz: ZoneInfo, end: bool) -> str:
    """A date (its whole day) or a ``YYYY-MM-DD HH:MM[:SS]`` time in ``tz``, as a UTC bound."""
    text = query.get(key)
    if not text:
        raise Invalid(f'"{key}" is required')
    if DATE.match(text):
        day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
        return iso(datetime.combine(day, datetime.min.time(), tz))
    if not _DATETIME.match(text):
        raise Invalid(f'"{key}" must look like YYYY-MM-DD HH:MM:SS')
    moment = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=tz)
    return iso(moment + timedelta(seconds=1) if end else moment)


def _id_list(query: dict, key: str) -> list[int] | None:
    """A comma-separated id list (``"12,13"``), or None when absent."""
    raw = (query.get(key) or "").strip()
    if not raw:
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise Invalid(f'"{key}" must be a comma-separated list of ids, got {raw[:40]!r}') \
            from None


def _campaign_ids(req: Request, with_campaign_ids: bool = True) -> list:
    """The campaigns the ``client_ids`` / ``campaign_ids`` filters select, by id."""
    clients = _id_list(req.query, "client_ids")
    chosen = _id_list(req.query, "campaign_ids") if with_campaign_ids else None
    return campaigns.select(req.store, clients, chosen)


def _window(req: Request, items: list) -> list:
    """``limit`` / ``offset`` (strings on these routes) applied to ``items``."""
    offset = _int(req.query, "offset", 0, lo=0)
    limit = _int(req.query, "limit", None, lo=1)
    return items[offset:None if limit is None else offset + limit]


def _wrapped(key: str, value) -> dict:
    return {"ok": True, "data": {key: value}}


def _header(row) -> dict:
    return {"id": row["id"], "user_id": USER_ID, "created_at": row["created_at"],
            "status": row["status"], "name": row["name"]}


# --- one campaign ----------------------------------------------------------------------------
def statistics(req: Request):
    """``GET /campaigns/{id}/statistics``: one row per email sent, filtered and paged."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    q = req.query
    offset, limit = page(q, max_limit=1000, default_limit=100)
    total, data = models.statistics_page(
        req.store, cid, seq=query_int(q, "email_sequence_number", None, lo=1, hi=20),
        status=query_choice(q, "email_status", models.EMAIL_STATUS),
        start=query_time(q, "sent_time_start_date"), end=query_time(q, "sent_time_end_date"),
        offset=offset, limit=limit)
    return {"total_stats": str(total), "data": data, "offset": offset, "limit": limit}


def analytics(req: Request):
    """``GET /campaigns/{id}/analytics``: the campaign's totals, counts as strings."""
    (cid,) = req.params
    row = campaigns.get(req.store, cid)
    e = models.event_counts(req.store, cid)
    leads = models.lead_stats(req.store, cid)
    return {**_header(row),
            "sent_count": str(e["sent"]), "unique_sent_count": str(e["uniq_sent"]),
            "open_count": str(e["opens"]), "unique_open_count": str(e["uniq_opens"]),
            "click_count": str(e["clicks"]), "unique_click_count": str(e["uniq_clicks"]),
            "reply_count": str(e["replies"]), "block_count": str(leads["blocked"]),
            "total_count": str(leads["total"]), "drafted_count": str(leads["notStarted"]),
            "bounce_count": str(e["bounces"]), "unsubscribed_count": str(e["unsubs"]),
            "sequence_count": str(models.step_count(req.store, cid)), "tags": [],
            "client_id": row["client_id"], "client_name": None, "client_email": None,
            "parent_campaign_id": row["parent_campaign_id"],
            "campaign_lead_stats": leads}


def _by_date(req: Request) -> dict:
    """The analytics-by-date object (also what top-level-analytics-by-date wraps)."""
    (cid,) = req.params
    row = campaigns.get(req.store, cid)
    q = req.query
    lo, hi = _by_date_range(q)
    e = models.event_counts(req.store, cid, lo, hi)
    leads = models.lead_stats(req.store, cid)
    return {**_header(row), "start_date": q["start_date"], "end_date": q["end_date"],
            "sent_count": str(e["sent"]), "unique_sent_count": str(e["first_sent"]),
            "open_count": str(e["opens"]), "unique_open_count": str(e["uniq_opens"]),
            "click_count": str(e["clicks"]), "unique_click_count": str(e["uniq_clicks"]),
            "reply_count": str(e["replies"]), "total_reply_count": str(e["replies"]),
            "non_ooo_reply_count": str(e["non_ooo"]),
            "block_count": str(models.blocked_between(req.store, cid, lo, hi)),
            "bounce_count": str(e["bounces"]), "unsubscribed_count": str(e["unsubs"]),
            "total_count": str(leads["total"]), "drafted_count": str(leads["notStarted"])}


def analytics_by_date(req: Request):
    """``GET /campaigns/{id}/analytics-by-date``: counts of the events in a range of days."""
    return _by_date(req)


def top_level_analytics_by_date(req: Request):
    """``GET /campaigns/{id}/top-level-analytics-by-date``: the analytics-by-date object (same
    ranges, same 400s) wrapped as ``{ok, data}`` (shape unverified)."""
    return {"ok": True, "data": _by_date(req)}


def sequence_analytics(req: Request):
    """``GET /campaigns/{id}/sequence-analytics``: counts per step in a range of times."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    tz = _zone(req.query, "time_zone")
    lo = _range_bound(req.query, "start_date", tz, end=False)
    hi = _range_bound(req.query, "end_date", tz, end=True)
    data = [{"email_campaign_seq_id": r["seq_id"], "sent_count": r["sent"], "skipped_count": 0,
             "open_count": r["opened"], "click_count": r["clicked"],
             "reply_count": r["replied"], "bounce_count": r["bounced"],
             "unsubscribed_count": r["unsubscribed"], "failed_count": 0,
             "stopped_count": r["bounced"] + r["unsubscribed"],
             "positive_reply_count": r["positive"]}
            for r in models.step_counts(req.store, cid, lo, hi)]
    return {"ok": True, "data": data}


def mailbox_statistics(req: Request):
    """``GET /campaigns/{id}/mailbox-statistics``: one row per mailbox of the campaign (those
    attached now and any that sent for it before being detached), counts as strings."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    q = req.query
    offset = _int(q, "offset", 0, lo=0)
    limit = _int(q, "limit", MAILBOX_MAX_LIMIT, lo=1, hi=MAILBOX_MAX_LIMIT)
    _int(q, "client_id", None)                      # accepted; one user, one client view
    lo, hi = _optional_range(q, "time_zone")
    data = [{"email_account_id": c["email_account_id"], "from_email": c["from_email"],
             "sent_count": str(c["sent"]), "open_count": str(c["opened"]),
             "click_count": str(c["clicked"]), "reply_count": str(c["replied"]),
             "bounce_count": str(c["bounced"]), "unsubscribed_count": str(c["unsubscribed"]),
             "sender_bounce_count": "0",              # sender-side bounces are not simulated
             "sent_time": c["last_sent"]}             # the mailbox's latest send in the range
            for c in models.mailbox_rows(req.store, cid, lo, hi, offset, limit)]
    return {"ok": True, "data": data}


def leads_statistics(req: Request):
    """``GET /campaigns/{id}/leads-statistics``: one row per lead that was sent to, with its
    SENT and REPLY history; ``event_time_gt`` keeps leads whose latest event is after it."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    q = req.query
    offset = _int(q, "offset", 0, lo=0)
    limit = _int(q, "limit", LEADS_MAX_LIMIT, lo=1, hi=LEADS_MAX_LIMIT)
    # a date means its midnight UTC; a full ISO time is taken as given
    cursor = query_time(q, "event_time_gt", error=Invalid) or ""
    has_more, data = models.lead_histories(req.store, cid, cursor, offset, limit)
    return {"hasMore": has_more, "data": data, "skip": offset, "limit": limit}


# --- account-wide /analytics/* ---------------------------------------------------------------
def overall_stats(req: Request):
    _, _, lo, hi = _range(req.query, "timezone")
    ids = [c["id"] for c in _campaign_ids(req)]
    counts = models.tally(req.store, ids, lo, hi).get(None, models.EMPTY)
    return _wrapped("overall_stats", models.performance(counts))


def campaign_overall_stats(req: Request):
    _, _, lo, hi = _range(req.query, "timezone")
    chosen = _campaign_ids(req)
    counts = models.tally(req.store, [c["id"] for c in chosen], lo, hi, group="campaign_id")
    rows = [{"id": c["id"], "campaign_name": c["name"],
             **models.performance(counts.get(c["id"], models.EMPTY))} for c in chosen]
    return _wrapped("campaign_wise_performance", _window(req, rows))


def day_wise_overall_stats(req: Request):
    """One flat row per local day of the range, even a day with nothing (zeros)."""
    first, last, _, _ = _range(req.query, "timezone")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise LimitExceeded(f"Date range cannot exceed {MAX_DAYS} days in the sandbox")
    tz = _zone(req.query, "timezone")
    starts = [_midnight(first + timedelta(days=n), tz) for n in range(days + 1)]
    names = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    ids = [c["id"] for c in _campaign_ids(req)]
    return _wrapped("day_wise_stats", models.day_wise(req.store, ids, names, starts))


def campaign_list(req: Request):
    """Only ``client_ids`` filters this list; no dates are needed."""
    rows = [{"id": c["id"], "name": c["name"]}
            for c in _campaign_ids(req, with_campaign_ids=False)]
    return _wrapped("campaign_list", rows)


def category_wise_response(req: Request):
    """Replies in the range by the category they were given (``Uncategorized`` for none)."""
    _, _, lo, hi = _range(req.query, "timezone")
    ids = [c["id"] for c in _campaign_ids(req)]
    return _wrapped("lead_responses_by_category",
                    models.replies_by_category(req.store, ids, lo, hi))


def name_wise_health_metrics(req: Request):
    """Per sender mailbox across the selected campaigns; ``is_bounced=true`` keeps only the
    mailboxes with at least one bounce (the sandbox's reading of that undocumented flag)."""
    _, _, lo, hi = _range(req.query, "timezone")
    ids = [c["id"] for c in _campaign_ids(req)]
    only_bounced = req.query.get("is_bounced", "").strip().lower() in ("1", "true", "yes")
    rows = models.mailbox_health(req.store, ids, lo, hi, only_bounced)
    return _wrapped("email_health_metrics", _window(req, rows))
