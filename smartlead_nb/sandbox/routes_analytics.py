"""Per-sender, per-lead and account-wide analytics [more sheet 2.1-2.4], from the simulated sends.

Every figure is counted from ``sent_emails``, the table behind the per-email statistics rows,
with the same rules as ``routes_stats``: an event counts on its own time (a send on its send
time, a reply on its reply time, a bounce on the send time), and events later than the
simulated clock are hidden. So the per-mailbox rows of a campaign add up to its per-email
rows and to its ``/analytics`` totals, the day-wise rows add up to the overall figures, and a
campaign's overall-stats row equals its ``analytics-by-date`` counts for the same range.

Rates are percent strings (``"34%"``) as SmartLead sends them; what each is a share of is
in ``RATES``. Unknown optional flags (``full_data``, ``is_agency``, ...) are accepted and
ignored, as the Rec asks.
"""
from __future__ import annotations

import json
import re
import uuid
from bisect import bisect_right
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import routes_stats
from .routing import Request, RouteTable, bad_request
from .timeutil import UTC, iso
from .validate import query_time

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

# Which reply categories make a positive reply. The sandbox imports nothing from the client
# package, so this is its own copy of smartlead_nb.analysis._frames.POSITIVE_CATEGORIES
# (the same two names); routes_stats.sequence_analytics spells the same pair inline.
POSITIVE_CATEGORIES = ("Interested", "Meeting Request")

MAILBOX_MAX_LIMIT = 20        # mailbox-statistics: limit 1-20 (D, FIX, P-CLI)
LEADS_MAX_LIMIT = 100         # leads-statistics: limit <= 100 (FIX)
MAX_DAYS = 3660               # a sandbox guard (not a SmartLead fact): day-wise rows per call

# What each rate is a share of: (numerator, denominator) among the counted fields.
RATES = {
    "open_rate": ("unique_open_count", "unique_lead_count"),
    "reply_rate": ("replied", "unique_lead_count"),
    "bounce_rate": ("bounced", "sent"),
    "positive_reply_rate": ("positive_replied", "replied"),
}
# The reply text is not simulated (only when a lead replied and how it was categorised).
REPLY_BODY = "<p>(The sandbox records when a lead replied, not what it wrote.)</p>"
_INTEGER = re.compile(r"-?\d{1,18}")
_IDS = uuid.UUID("6b1d0c2e-5a8f-4f5e-9a51-2f5a7c1e0d42")   # namespace of history stats_ids


# --- parameters ----------------------------------------------------------------------------
def _int(query: dict, key: str, default: int | None, lo: int | None = None,
         hi: int | None = None) -> int | None:
    """An integer query parameter; out of range is a 400 in Joi's words (as these routes do,
    unlike the 422 of the older list endpoints)."""
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise bad_request(f'"{key}" must be a number')
    value = int(raw)
    if lo is not None and value < lo:
        raise bad_request(f'"{key}" must be greater than or equal to {lo}')
    if hi is not None and value > hi:
        raise bad_request(f'"{key}" must be less than or equal to {hi}')
    return value


def _day(query: dict, key: str) -> date:
    text = query.get(key)
    if not text:
        raise bad_request(f'"{key}" is required')
    if not routes_stats.DATE.match(text):
        raise bad_request(f'"{key}" must be a date in YYYY-MM-DD format')
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise bad_request(f"Invalid date - {exc}") from None


def _zone(query: dict, key: str) -> ZoneInfo:
    name = query.get(key) or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise bad_request(f"Invalid {key} - {name}") from None


def _midnight(day: date, tz: ZoneInfo) -> str:
    """The UTC wire time at which ``day`` begins in ``tz``."""
    return iso(datetime.combine(day, datetime.min.time(), tz).astimezone(UTC))


def _range(query: dict, tz_key: str, optional: bool = False) -> tuple[date | None, date | None,
                                                                        str, str]:
    """``(first, last, lo, hi)``: the inclusive local days and the UTC half-open bounds.

    With ``optional`` (mailbox-statistics) both dates or neither may be given; neither means
    the campaign's whole life.
    """
    given = [k for k in ("start_date", "end_date") if query.get(k)]
    if optional and not given:
        return None, None, "", "\uffff"
    if optional and len(given) == 1:
        other = "end_date" if given == ["start_date"] else "start_date"
        raise bad_request(f'"value" contains [{given[0]}] without its required peers [{other}]')
    first, last = _day(query, "start_date"), _day(query, "end_date")
    if last < first:
        raise bad_request("end_date must not be earlier than start_date")
    tz = _zone(query, tz_key)
    return first, last, _midnight(first, tz), _midnight(last + timedelta(days=1), tz)


def _id_list(query: dict, key: str) -> list[int] | None:
    """A comma-separated id list (``"12,13"``), or None when absent."""
    raw = (query.get(key) or "").strip()
    if not raw:
        return None
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise bad_request(f'"{key}" must be a comma-separated list of ids, got {raw[:40]!r}') \
            from None
    return ids


def _campaigns(req: Request, with_campaign_ids: bool = True) -> list:
    """The campaigns the ``client_ids`` / ``campaign_ids`` filters select, by id."""
    rows = req.db.execute("SELECT id, name, client_id FROM campaigns ORDER BY id").fetchall()
    clients = _id_list(req.query, "client_ids")
    chosen = _id_list(req.query, "campaign_ids") if with_campaign_ids else None
    return [r for r in rows if (clients is None or r["client_id"] in clients)
            and (chosen is None or r["id"] in chosen)]


# --- counting ------------------------------------------------------------------------------
def _tally(req: Request, campaign_ids: list[int], lo: str, hi: str,
           group: str | None = None) -> dict:
    """Counts per ``group`` column of ``sent_emails`` (or one total under key None), for the
    events whose own time lies in [lo, hi) and not after the clock."""
    def within(column: str) -> str:
        return f"(s.{column} >= :lo AND s.{column} < :hi AND s.{column} <= :now)"
    positive = ", ".join(f"'{name}'" for name in POSITIVE_CATEGORIES)
    rows = req.db.execute(
        f"""SELECT {f's.{group}' if group else 'NULL'} AS grp,
              COALESCE(SUM({within('sent_time')}), 0) AS sent,
              COUNT(DISTINCT CASE WHEN {within('sent_time')} THEN s.lead_id END)
                AS unique_lead_count,
              COALESCE(SUM(CASE WHEN {within('open_time')} THEN s.open_count END), 0) AS opened,
              COUNT(DISTINCT CASE WHEN {within('open_time')} THEN s.lead_id END)
                AS unique_open_count,
              COALESCE(SUM(CASE WHEN {within('click_time')} THEN s.click_count END), 0)
                AS clicked,
              COALESCE(SUM({within('reply_time')}), 0) AS replied,
              COALESCE(SUM({within('reply_time')} AND c.name IN ({positive})), 0)
                AS positive_replied,
              COALESCE(SUM({within('sent_time')} AND s.is_bounced), 0) AS bounced,
              COALESCE(SUM({within('unsubscribed_time')}), 0) AS unsubscribed,
              MAX(CASE WHEN {within('sent_time')} THEN s.sent_time END) AS last_sent
            FROM sent_emails s LEFT JOIN categories c ON c.id = s.reply_category_id
            WHERE s.campaign_id IN (SELECT value FROM json_each(:ids)) GROUP BY grp""",
        {"ids": json.dumps(campaign_ids), "lo": lo, "hi": hi,
         "now": req.app.store.now_iso()}).fetchall()
    return {r["grp"]: dict(r) for r in rows}


_EMPTY = {"sent": 0, "unique_lead_count": 0, "opened": 0, "unique_open_count": 0, "clicked": 0,
          "replied": 0, "positive_replied": 0, "bounced": 0, "unsubscribed": 0,
          "last_sent": None}


def _percent(part: int, whole: int) -> str:
    """``"34%"``, ``"3.33%"``; ``"0%"`` when there is nothing to take a share of."""
    return f"{round(100 * part / whole, 2):g}%" if whole else "0%"


def _performance(counts: dict) -> dict:
    """The overall-stats fields of one tally (counts as numbers, rates as percent strings)."""
    out = {k: counts[k] for k in ("sent", "opened", "replied", "bounced", "unique_lead_count",
                                  "unique_open_count", "positive_replied")}
    for rate, (part, whole) in RATES.items():
        out[rate] = _percent(counts[part], counts[whole])
    return out


def _window(req: Request, items: list) -> list:
    """``limit`` / ``offset`` (strings on these routes) applied to ``items``."""
    offset = _int(req.query, "offset", 0, lo=0)
    limit = _int(req.query, "limit", None, lo=1)
    return items[offset:None if limit is None else offset + limit]


def _wrapped(key: str, value) -> dict:
    return {"ok": True, "data": {key: value}}


# --- campaign-scoped routes ----------------------------------------------------------------
@ROUTES.route("GET", r"/campaigns/(\d+)/mailbox-statistics")
def mailbox_statistics(req: Request):
    """``GET /campaigns/{id}/mailbox-statistics``: one row per mailbox of the campaign (those
    attached now and any that sent for it before being detached), counts as strings."""
    (cid,) = req.params
    req.app.store.campaign(cid)
    q = req.query
    offset = _int(q, "offset", 0, lo=0)
    limit = _int(q, "limit", MAILBOX_MAX_LIMIT, lo=1, hi=MAILBOX_MAX_LIMIT)
    _int(q, "client_id", None)                      # accepted; one user, one client view
    _, _, lo, hi = _range(q, "time_zone", optional=True)
    accounts = req.db.execute(
        """SELECT a.id, a.data FROM email_accounts a WHERE a.id IN (
               SELECT account_id FROM campaign_accounts WHERE campaign_id = :cid
               UNION SELECT account_id FROM sent_emails WHERE campaign_id = :cid)
           ORDER BY a.id LIMIT :limit OFFSET :offset""",
        {"cid": cid, "limit": limit, "offset": offset}).fetchall()
    counts = _tally(req, [cid], lo, hi, group="account_id")
    data = []
    for account in accounts:
        c = counts.get(account["id"], _EMPTY)
        data.append({
            "email_account_id": account["id"],
            "from_email": json.loads(account["data"]).get("from_email"),
            "sent_count": str(c["sent"]), "open_count": str(c["opened"]),
            "click_count": str(c["clicked"]), "reply_count": str(c["replied"]),
            "bounce_count": str(c["bounced"]), "unsubscribed_count": str(c["unsubscribed"]),
            "sender_bounce_count": "0",              # sender-side bounces are not simulated
            "sent_time": c["last_sent"],             # the mailbox's latest send in the range
        })
    return {"ok": True, "data": data}


@ROUTES.route("GET", r"/campaigns/(\d+)/leads-statistics")
def leads_statistics(req: Request):
    """``GET /campaigns/{id}/leads-statistics``: one row per lead that was sent to, with its
    SENT and REPLY history; ``event_time_gt`` keeps leads whose latest event is after it."""
    (cid,) = req.params
    store = req.app.store
    store.campaign(cid)
    q = req.query
    offset = _int(q, "offset", 0, lo=0)
    limit = _int(q, "limit", LEADS_MAX_LIMIT, lo=1, hi=LEADS_MAX_LIMIT)
    # a date means its midnight UTC; a full ISO time is taken as given
    cursor = query_time(q, "event_time_gt", error=bad_request) or ""
    now = store.now_iso()
    leads = req.db.execute(
        """SELECT m.id AS map_id, m.lead_id, m.status, m.created_at, l.email,
                  MAX(s.seq_number) AS last_seq,
                  MAX(MAX(s.sent_time, COALESCE(CASE WHEN s.reply_time <= :now
                                                     THEN s.reply_time END, ''))) AS last_event
           FROM campaign_leads m JOIN leads l ON l.id = m.lead_id
           JOIN sent_emails s ON s.map_id = m.id
           WHERE m.campaign_id = :cid GROUP BY m.id HAVING last_event > :cursor
           ORDER BY m.id LIMIT :limit OFFSET :offset""",
        {"cid": cid, "now": now, "cursor": cursor, "limit": limit + 1,
         "offset": offset}).fetchall()
    has_more = len(leads) > limit
    leads = leads[:limit]
    senders = {r["id"]: json.loads(r["data"]).get("from_email")
               for r in req.db.execute("SELECT id, data FROM email_accounts")}
    history: dict[int, list] = {}
    last_sender: dict[int, str | None] = {}
    for s in req.db.execute(
            "SELECT * FROM sent_emails WHERE map_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY sent_time, id", (json.dumps([r["map_id"] for r in leads]),)):
        sender = senders.get(s["account_id"])
        last_sender[s["map_id"]] = sender
        items = history.setdefault(s["map_id"], [])
        items.append(history_item(s["id"], "SENT", s["sent_time"], s["subject"],
                                   s["email_body"], sender))
        if s["reply_time"] and s["reply_time"] <= now:
            items.append(history_item(s["id"], "REPLY", s["reply_time"],
                                       "Re: " + (s["subject"] or "").removeprefix("Re: "),
                                       REPLY_BODY, None))
    data = [{
        "lead_id": str(r["lead_id"]), "email_lead_map_id": str(r["map_id"]),
        "from": last_sender.get(r["map_id"]), "to": r["email"], "status": r["status"],
        "created_at": r["created_at"], "last_seq_num": r["last_seq"],
        "history": sorted(history.get(r["map_id"], []), key=lambda h: h["time"]),
    } for r in leads]
    return {"hasMore": has_more, "data": data, "skip": offset, "limit": limit}


def history_item(sent_id: int, kind: str, when: str, subject, body, sender) -> dict:
    """One message of a lead's message history (also the webhooks' ``stats_id`` source)."""
    domain = (sender or "lead.example").rsplit("@", 1)[-1]
    return {"stats_id": str(uuid.uuid5(_IDS, f"{sent_id}:{kind}")), "type": kind,
            "message_id": f"<sl-{sent_id}-{kind.lower()}@{domain}>", "time": when,
            "email_body": body or "", "subject": subject or ""}


@ROUTES.route("GET", r"/campaigns/(\d+)/top-level-analytics-by-date")
def top_level_analytics_by_date(req: Request):
    """``GET /campaigns/{id}/top-level-analytics-by-date``: the analytics-by-date object
    (same ranges, same 400s) wrapped as ``{ok, data}``, per the Rec (shape unverified)."""
    return {"ok": True, "data": routes_stats.analytics_by_date(req)}


# --- account-wide /analytics/* ---------------------------------------------------------------
@ROUTES.route("GET", r"/analytics/overall-stats-v2")
def overall_stats(req: Request):
    _, _, lo, hi = _range(req.query, "timezone")
    ids = [c["id"] for c in _campaigns(req)]
    return _wrapped("overall_stats", _performance(_tally(req, ids, lo, hi).get(None, _EMPTY)))


@ROUTES.route("GET", r"/analytics/campaign/overall-stats")
def campaign_overall_stats(req: Request):
    _, _, lo, hi = _range(req.query, "timezone")
    campaigns = _campaigns(req)
    counts = _tally(req, [c["id"] for c in campaigns], lo, hi, group="campaign_id")
    rows = [{"id": c["id"], "campaign_name": c["name"], **_performance(counts.get(c["id"], _EMPTY))}
            for c in campaigns]
    return _wrapped("campaign_wise_performance", _window(req, rows))


@ROUTES.route("GET", r"/analytics/day-wise-overall-stats")
def day_wise_overall_stats(req: Request):
    """One flat row per local day of the range, even a day with nothing (zeros)."""
    first, last, _, _ = _range(req.query, "timezone")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise bad_request(f"Date range cannot exceed {MAX_DAYS} days in the sandbox")
    tz = _zone(req.query, "timezone")
    starts = [_midnight(first + timedelta(days=n), tz) for n in range(days + 1)]
    totals = [{"date": (first + timedelta(days=n)).isoformat(), "sent": 0, "opened": 0,
               "replied": 0, "bounced": 0} for n in range(days)]
    now = req.app.store.now_iso()

    def bucket(when: str | None) -> dict | None:
        if not when or when > now:
            return None
        n = bisect_right(starts, when) - 1
        return totals[n] if 0 <= n < days else None

    ids = [c["id"] for c in _campaigns(req)]
    for s in req.db.execute(
            "SELECT sent_time, open_time, open_count, reply_time, is_bounced FROM sent_emails "
            "WHERE campaign_id IN (SELECT value FROM json_each(?)) AND sent_time < ?",
            (json.dumps(ids), starts[-1])):
        if (row := bucket(s["sent_time"])) is not None:
            row["sent"] += 1
            row["bounced"] += s["is_bounced"]
        if (row := bucket(s["open_time"])) is not None:
            row["opened"] += s["open_count"]
        if (row := bucket(s["reply_time"])) is not None:
            row["replied"] += 1
    return _wrapped("day_wise_stats", totals)


@ROUTES.route("GET", r"/analytics/campaign/list")
def campaign_list(req: Request):
    """Only ``client_ids`` filters this list (FIX); no dates are needed."""
    rows = [{"id": c["id"], "name": c["name"]}
            for c in _campaigns(req, with_campaign_ids=False)]
    return _wrapped("campaign_list", rows)


@ROUTES.route("GET", r"/analytics/lead/category-wise-response")
def category_wise_response(req: Request):
    """Replies in the range by the category they were given (``Uncategorized`` for none)."""
    _, _, lo, hi = _range(req.query, "timezone")
    ids = [c["id"] for c in _campaigns(req)]
    found = dict(req.db.execute(
        """SELECT COALESCE(c.name, 'Uncategorized'), COUNT(*) FROM sent_emails s
           LEFT JOIN categories c ON c.id = s.reply_category_id
           WHERE s.campaign_id IN (SELECT value FROM json_each(:ids))
             AND s.reply_time >= :lo AND s.reply_time < :hi AND s.reply_time <= :now
           GROUP BY 1""",
        {"ids": json.dumps(ids), "lo": lo, "hi": hi,
         "now": req.app.store.now_iso()}).fetchall())
    names = [r[0] for r in req.db.execute("SELECT name FROM categories ORDER BY id")]
    total = sum(found.values())
    rows = [{"category": name, "total_response": found.get(name, 0),
             "percentage": _percent(found.get(name, 0), total)}
            for name in names + ["Uncategorized"]]
    return _wrapped("lead_responses_by_category", rows)


@ROUTES.route("GET", r"/analytics/mailbox/name-wise-health-metrics")
def name_wise_health_metrics(req: Request):
    """Per sender mailbox across the selected campaigns; ``is_bounced=true`` keeps only the
    mailboxes with at least one bounce (the sandbox's reading of that undocumented flag)."""
    _, _, lo, hi = _range(req.query, "timezone")
    ids = [c["id"] for c in _campaigns(req)]
    counts = _tally(req, ids, lo, hi, group="account_id")
    senders = {r["id"]: json.loads(r["data"]).get("from_email")
               for r in req.db.execute("SELECT id, data FROM email_accounts ORDER BY id")}
    only_bounced = req.query.get("is_bounced", "").strip().lower() in ("1", "true", "yes")
    rows = [{"email_account_id": aid, "email_account": senders.get(aid),
             **{k: c[k] for k in ("sent", "opened", "replied", "bounced")}}
            for aid, c in sorted(counts.items(), key=lambda kv: kv[0] or 0)
            if aid is not None and (c["bounced"] or not only_bounced)]
    return _wrapped("email_health_metrics", _window(req, rows))
