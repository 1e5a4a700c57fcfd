"""Statistics and analytics [sheet 6.1-6.4], computed from the simulated sends.

Events later than the simulated clock (an open drawn for tomorrow) are hidden everywhere,
so numbers only grow as the clock moves.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .routing import Request, RouteTable, bad_request
from .store import USER_ID
from .timeutil import UTC, iso
from .validate import page, query_choice, query_int, query_time
from .where import Where

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

MAX_RANGE_DAYS = 30
EMAIL_STATUS = {
    "opened": "s.open_time <= :now", "clicked": "s.click_time <= :now",
    "replied": "s.reply_time <= :now", "unsubscribed": "s.unsubscribed_time <= :now",
    "bounced": "s.is_bounced = 1",
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")    # a bare YYYY-MM-DD, as the by-date endpoints take
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?\Z")


def _visible(column: str) -> str:
    return f"CASE WHEN s.{column} <= :now THEN s.{column} END"


@ROUTES.route("GET", r"/campaigns/(\d+)/statistics")
def statistics(req: Request):
    (cid,) = req.params
    store = req.app.store
    store.campaign(cid)
    q = req.query
    offset, limit = page(q, max_limit=1000, default_limit=100)
    where = Where("s.campaign_id = :cid", cid=cid, now=store.now_iso())
    where.add("s.seq_number = :seq",
              seq=query_int(q, "email_sequence_number", None, lo=1, hi=20))
    where.add(EMAIL_STATUS.get(query_choice(q, "email_status", EMAIL_STATUS)))
    where.add("s.sent_time >= :start", start=query_time(q, "sent_time_start_date"))
    where.add("s.sent_time <= :end", end=query_time(q, "sent_time_end_date"))
    sql = (" FROM sent_emails s JOIN leads l ON l.id = s.lead_id "
           "LEFT JOIN campaign_leads m ON m.id = s.map_id "
           "LEFT JOIN categories c ON c.id = m.category_id WHERE " + where.sql)
    args = where.args
    total = req.db.execute("SELECT COUNT(*)" + sql, args).fetchone()[0]
    rows = req.db.execute(   # named as the API names them, in its order
        f"""SELECT l.first_name, l.last_name, l.email AS lead_email, c.name AS lead_category,
                   s.seq_number AS sequence_number, s.seq_id AS email_campaign_seq_id,
                   s.variant_id AS seq_variant_id, s.subject AS email_subject,
                   s.email_body AS email_message, s.sent_time,
                   {_visible('open_time')} AS open_time, {_visible('click_time')} AS click_time,
                   {_visible('reply_time')} AS reply_time,
                   CASE WHEN s.open_time <= :now THEN s.open_count ELSE 0 END AS open_count,
                   CASE WHEN s.click_time <= :now THEN s.click_count ELSE 0 END AS click_count,
                   COALESCE(s.unsubscribed_time <= :now, 0) AS is_unsubscribed, s.is_bounced
            {sql} ORDER BY s.sent_time, s.id LIMIT :limit OFFSET :offset""",
        dict(args, limit=limit, offset=offset)).fetchall()
    data = []
    for r in rows:
        row = dict(r)
        name = " ".join(p for p in (row.pop("first_name"), row.pop("last_name")) if p)
        data.append({"lead_name": name or None, **row,
                     "is_unsubscribed": bool(row["is_unsubscribed"]),
                     "is_bounced": bool(row["is_bounced"])})
    return {"total_stats": str(total), "data": data, "offset": offset, "limit": limit}


def _lead_stats(db, cid: int) -> dict:
    r = db.execute(
        """SELECT COUNT(*) AS total, SUM(m.status = 'STARTED') AS not_started,
                  SUM(m.status = 'INPROGRESS') AS inprogress,
                  SUM(m.status = 'COMPLETED') AS completed, SUM(m.status = 'PAUSED') AS paused,
                  SUM(m.status = 'STOPPED') AS stopped, SUM(m.status = 'BLOCKED') AS blocked,
                  SUM(c.name = 'Interested') AS interested
           FROM campaign_leads m LEFT JOIN categories c ON c.id = m.category_id
           WHERE m.campaign_id = ?""", (cid,)).fetchone()
    return {"total": r["total"], "notStarted": r["not_started"] or 0,
            "inprogress": r["inprogress"] or 0, "completed": r["completed"] or 0,
            "paused": r["paused"] or 0, "stopped": r["stopped"] or 0,
            "blocked": r["blocked"] or 0, "interested": r["interested"] or 0}


def _header(row) -> dict:
    return {"id": row["id"], "user_id": USER_ID, "created_at": row["created_at"],
            "status": row["status"], "name": row["name"]}


def _event_counts(db, cid: int, now: str, lo: str = "", hi: str = "\uffff") -> dict:
    """Counts of sends and events whose own time lies in [lo, hi) and not after ``now``."""
    def within(column: str) -> str:
        return f"(s.{column} >= :lo AND s.{column} < :hi AND s.{column} <= :now)"
    r = db.execute(
        f"""SELECT
              COALESCE(SUM({within('sent_time')}), 0) AS sent,
              COUNT(DISTINCT CASE WHEN {within('sent_time')} THEN s.lead_id END) AS uniq_sent,
              COUNT(DISTINCT CASE WHEN {within('sent_time')} AND s.seq_number = :first
                    THEN s.lead_id END) AS first_sent,
              COALESCE(SUM(CASE WHEN {within('open_time')} THEN s.open_count END), 0) AS opens,
              COUNT(DISTINCT CASE WHEN {within('open_time')} THEN s.lead_id END) AS uniq_opens,
              COALESCE(SUM(CASE WHEN {within('click_time')} THEN s.click_count END), 0)
                AS clicks,
              COUNT(DISTINCT CASE WHEN {within('click_time')} THEN s.lead_id END) AS uniq_clicks,
              COALESCE(SUM({within('reply_time')}), 0) AS replies,
              COALESCE(SUM({within('reply_time')} AND COALESCE(c.name, '') <> 'Out Of Office'),
                       0) AS non_ooo,
              COALESCE(SUM({within('sent_time')} AND s.is_bounced), 0) AS bounces,
              COALESCE(SUM({within('unsubscribed_time')}), 0) AS unsubs
            FROM sent_emails s LEFT JOIN categories c ON c.id = s.reply_category_id
            WHERE s.campaign_id = :cid""",
        {"cid": cid, "now": now, "lo": lo, "hi": hi, "first": _first_seq(db, cid)}).fetchone()
    return dict(r)


def _first_seq(db, cid: int) -> int:
    return db.execute("SELECT COALESCE(MIN(seq_number), 1) FROM sequences WHERE campaign_id = ?",
                      (cid,)).fetchone()[0]


@ROUTES.route("GET", r"/campaigns/(\d+)/analytics")
def analytics(req: Request):
    (cid,) = req.params
    store = req.app.store
    row = store.campaign(cid)
    e = _event_counts(req.db, cid, store.now_iso())
    leads = _lead_stats(req.db, cid)
    steps = req.db.execute("SELECT COUNT(*) FROM sequences WHERE campaign_id = ?",
                           (cid,)).fetchone()[0]
    return {**_header(row),
            "sent_count": str(e["sent"]), "unique_sent_count": str(e["uniq_sent"]),
            "open_count": str(e["opens"]), "unique_open_count": str(e["uniq_opens"]),
            "click_count": str(e["clicks"]), "unique_click_count": str(e["uniq_clicks"]),
            "reply_count": str(e["replies"]), "block_count": str(leads["blocked"]),
            "total_count": str(leads["total"]), "drafted_count": str(leads["notStarted"]),
            "bounce_count": str(e["bounces"]), "unsubscribed_count": str(e["unsubs"]),
            "sequence_count": str(steps), "tags": [], "client_id": row["client_id"],
            "client_name": None, "client_email": None,
            "parent_campaign_id": row["parent_campaign_id"],
            "campaign_lead_stats": leads}


def _zone(req: Request) -> ZoneInfo:
    name = req.query.get("time_zone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise bad_request(f"Invalid time_zone - {name}") from None


def _local_day(text: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), tz).astimezone(UTC)


@ROUTES.route("GET", r"/campaigns/(\d+)/analytics-by-date")
def analytics_by_date(req: Request):
    (cid,) = req.params
    store = req.app.store
    row = store.campaign(cid)
    q = req.query
    for key in ("start_date", "end_date"):
        if not q.get(key):
            raise bad_request(f'"{key}" is required')
        if not DATE.match(q[key]):
            raise bad_request(f'"{key}" must be a date in YYYY-MM-DD format')
    try:
        first, last = date.fromisoformat(q["start_date"]), date.fromisoformat(q["end_date"])
    except ValueError as exc:
        raise bad_request(f"Invalid date - {exc}") from None
    if last < first:
        raise bad_request("end_date must not be earlier than start_date")
    days = (last - first).days + 1      # both ends inclusive
    if days > MAX_RANGE_DAYS:
        raise bad_request(f"Date range cannot exceed {MAX_RANGE_DAYS} days "
                          f"(requested {days} days, start_date and end_date inclusive)")
    tz = _zone(req)
    lo = _local_day(q["start_date"], tz)
    hi = _local_day((last + timedelta(days=1)).isoformat(), tz)
    e = _event_counts(req.db, cid, store.now_iso(), iso(lo), iso(hi))
    blocked = req.db.execute(
        "SELECT COUNT(*) FROM campaign_leads WHERE campaign_id = ? AND status = 'BLOCKED' "
        "AND blocked_at >= ? AND blocked_at < ?", (cid, iso(lo), iso(hi))).fetchone()[0]
    leads = _lead_stats(req.db, cid)
    return {**_header(row), "start_date": q["start_date"], "end_date": q["end_date"],
            "sent_count": str(e["sent"]), "unique_sent_count": str(e["first_sent"]),
            "open_count": str(e["opens"]), "unique_open_count": str(e["uniq_opens"]),
            "click_count": str(e["clicks"]), "unique_click_count": str(e["uniq_clicks"]),
            "reply_count": str(e["replies"]), "total_reply_count": str(e["replies"]),
            "non_ooo_reply_count": str(e["non_ooo"]), "block_count": str(blocked),
            "bounce_count": str(e["bounces"]), "unsubscribed_count": str(e["unsubs"]),
            "total_count": str(leads["total"]), "drafted_count": str(leads["notStarted"])}


def _range_bound(req: Request, key: str, tz: ZoneInfo, end: bool) -> str:
    text = req.query.get(key)
    if not text:
        raise bad_request(f'"{key}" is required')
    if DATE.match(text):
        day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
        return iso(datetime.combine(day, datetime.min.time(), tz))
    if not _DATETIME.match(text):
        raise bad_request(f'"{key}" must look like YYYY-MM-DD HH:MM:SS')
    moment = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=tz)
    return iso(moment + timedelta(seconds=1) if end else moment)


@ROUTES.route("GET", r"/campaigns/(\d+)/sequence-analytics")
def sequence_analytics(req: Request):
    (cid,) = req.params
    store = req.app.store
    store.campaign(cid)
    tz = _zone(req)
    lo = _range_bound(req, "start_date", tz, end=False)
    hi = _range_bound(req, "end_date", tz, end=True)
    args = {"cid": cid, "now": store.now_iso(), "lo": lo, "hi": hi}

    def within(column: str) -> str:
        return f"(s.{column} >= :lo AND s.{column} < :hi AND s.{column} <= :now)"
    rows = req.db.execute(
        f"""SELECT q.id AS seq_id,
              COALESCE(SUM({within('sent_time')}), 0) AS sent,
              COALESCE(SUM({within('open_time')}), 0) AS opened,
              COALESCE(SUM({within('click_time')}), 0) AS clicked,
              COALESCE(SUM({within('reply_time')}), 0) AS replied,
              COALESCE(SUM({within('sent_time')} AND s.is_bounced), 0) AS bounced,
              COALESCE(SUM({within('unsubscribed_time')}), 0) AS unsubscribed,
              COALESCE(SUM({within('reply_time')} AND c.name IN
                           ('Interested', 'Meeting Request')), 0) AS positive
            FROM sequences q
            LEFT JOIN sent_emails s ON s.seq_id = q.id AND s.campaign_id = :cid
            LEFT JOIN categories c ON c.id = s.reply_category_id
            WHERE q.campaign_id = :cid GROUP BY q.id ORDER BY q.seq_number""", args).fetchall()
    data = [{"email_campaign_seq_id": r["seq_id"], "sent_count": r["sent"], "skipped_count": 0,
             "open_count": r["opened"], "click_count": r["clicked"],
             "reply_count": r["replied"], "bounce_count": r["bounced"],
             "unsubscribed_count": r["unsubscribed"], "failed_count": 0,
             "stopped_count": r["bounced"] + r["unsubscribed"],
             "positive_reply_count": r["positive"]} for r in rows]
    return {"ok": True, "data": data}
