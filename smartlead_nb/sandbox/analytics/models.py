"""Sends and their events: the ``sent_emails`` table, and every count, row and history read
from it.

An event counts on its own time (a send on its send time, a reply on its reply time, a bounce
on the send time), and events later than the simulated clock are hidden everywhere, so numbers
only grow as the clock moves. So the per-mailbox rows of a campaign add up to its per-email
rows and to its ``/analytics`` totals, the day-wise rows add up to the overall figures, and a
campaign's overall-stats row equals its ``analytics-by-date`` counts for the same range.
Rates are percent strings (``"34%"``) as SmartLead sends them; what each is a share of is in
``RATES``.
"""
from __future__ import annotations

import json
import uuid
from bisect import bisect_right

from ..where import Where

# Which reply categories make a positive reply. The sandbox imports nothing from the client
# package, so this is its own copy of smartlead_nb.analysis._frames.POSITIVE_CATEGORIES
# (the same two names).
POSITIVE_CATEGORIES = ("Interested", "Meeting Request")
_POSITIVE_SQL = ", ".join(f"'{name}'" for name in POSITIVE_CATEGORIES)
# ``email_status`` of the per-email statistics -> the condition on a send ``s``.
EMAIL_STATUS = {
    "opened": "s.open_time <= :now", "clicked": "s.click_time <= :now",
    "replied": "s.reply_time <= :now", "unsubscribed": "s.unsubscribed_time <= :now",
    "bounced": "s.is_bounced = 1",
}
# What each rate is a share of: (numerator, denominator) among the counted fields.
RATES = {
    "open_rate": ("unique_open_count", "unique_lead_count"),
    "reply_rate": ("replied", "unique_lead_count"),
    "bounce_rate": ("bounced", "sent"),
    "positive_reply_rate": ("positive_replied", "replied"),
}
EMPTY = {"sent": 0, "unique_lead_count": 0, "opened": 0, "unique_open_count": 0, "clicked": 0,
         "replied": 0, "positive_replied": 0, "bounced": 0, "unsubscribed": 0,
         "last_sent": None}
# The reply text is not simulated (only when a lead replied and how it was categorised).
REPLY_BODY = "<p>(The sandbox records when a lead replied, not what it wrote.)</p>"
_IDS = uuid.UUID("6b1d0c2e-5a8f-4f5e-9a51-2f5a7c1e0d42")   # namespace of history stats_ids
_COLUMNS = ("campaign_id", "lead_id", "map_id", "seq_id", "seq_number", "variant_id",
            "account_id", "subject", "email_body", "sent_time", "open_time", "open_count",
            "click_time", "click_count", "reply_time", "reply_category_id", "is_bounced",
            "unsubscribed_time")


def _within(column: str) -> str:
    """An event of ``column`` inside [:lo, :hi) and not after the clock (:now)."""
    return f"(s.{column} >= :lo AND s.{column} < :hi AND s.{column} <= :now)"


def _visible(column: str) -> str:
    return f"CASE WHEN s.{column} <= :now THEN s.{column} END"


# -- writing ----------------------------------------------------------------------------------
def record_sends(store, rows: list[tuple]) -> None:
    """Store the simulation's sends, each a tuple in the order of ``_COLUMNS``."""
    store.conn.executemany(
        f"INSERT INTO sent_emails ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(_COLUMNS))})", rows)


def delete_for_campaign(store, campaign_id: int) -> None:
    store.conn.execute("DELETE FROM sent_emails WHERE campaign_id = ?", (campaign_id,))


def delete_for_mapping(store, map_id: int) -> None:
    store.conn.execute("DELETE FROM sent_emails WHERE map_id = ?", (map_id,))


# -- what the simulation asks ----------------------------------------------------------------
def first_sent_time(store, campaign_id: int) -> str | None:
    return store.conn.execute("SELECT MIN(sent_time) FROM sent_emails WHERE campaign_id = ?",
                              (campaign_id,)).fetchone()[0]


def sent_in_window(store, campaign_id: int, first_step: int, lo: str, hi: str) -> tuple[int, int]:
    """``(emails, first-step emails)`` the campaign sent in [lo, hi)."""
    return tuple(store.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(seq_number = ?), 0) FROM sent_emails "
        "WHERE campaign_id = ? AND sent_time >= ? AND sent_time < ?",
        (first_step, campaign_id, lo, hi)).fetchone())


# -- one campaign -----------------------------------------------------------------------------
def statistics_page(store, campaign_id: int, seq: int | None, status: str | None,
                    start: str | None, end: str | None, offset: int,
                    limit: int) -> tuple[int, list[dict]]:
    """``(total, rows)``: the campaign's per-email statistics rows, filtered, in send order."""
    where = Where("s.campaign_id = :cid", cid=campaign_id, now=store.now_iso())
    where.add("s.seq_number = :seq", seq=seq)
    where.add(None if status is None else EMAIL_STATUS.get(status))
    where.add("s.sent_time >= :start", start=start)
    where.add("s.sent_time <= :end", end=end)
    sql = (" FROM sent_emails s JOIN leads l ON l.id = s.lead_id "
           "LEFT JOIN campaign_leads m ON m.id = s.map_id "
           "LEFT JOIN categories c ON c.id = m.category_id WHERE " + where.sql)
    total = store.conn.execute("SELECT COUNT(*)" + sql, where.args).fetchone()[0]
    rows = store.conn.execute(   # named as the API names them, in its order
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
        dict(where.args, limit=limit, offset=offset)).fetchall()
    data = []
    for r in rows:
        row = dict(r)
        name = " ".join(p for p in (row.pop("first_name"), row.pop("last_name")) if p)
        data.append({"lead_name": name or None, **row,
                     "is_unsubscribed": bool(row["is_unsubscribed"]),
                     "is_bounced": bool(row["is_bounced"])})
    return total, data


def lead_stats(store, campaign_id: int) -> dict:
    """How many of the campaign's leads are in each status, and how many are Interested."""
    r = store.conn.execute(
        """SELECT COUNT(*) AS total, SUM(m.status = 'STARTED') AS not_started,
                  SUM(m.status = 'INPROGRESS') AS inprogress,
                  SUM(m.status = 'COMPLETED') AS completed, SUM(m.status = 'PAUSED') AS paused,
                  SUM(m.status = 'STOPPED') AS stopped, SUM(m.status = 'BLOCKED') AS blocked,
                  SUM(c.name = 'Interested') AS interested
           FROM campaign_leads m LEFT JOIN categories c ON c.id = m.category_id
           WHERE m.campaign_id = ?""", (campaign_id,)).fetchone()
    return {"total": r["total"], "notStarted": r["not_started"] or 0,
            "inprogress": r["inprogress"] or 0, "completed": r["completed"] or 0,
            "paused": r["paused"] or 0, "stopped": r["stopped"] or 0,
            "blocked": r["blocked"] or 0, "interested": r["interested"] or 0}


def blocked_between(store, campaign_id: int, lo: str, hi: str) -> int:
    """Leads of the campaign blocked at a send attempt in [lo, hi)."""
    return store.conn.execute(
        "SELECT COUNT(*) FROM campaign_leads WHERE campaign_id = ? AND status = 'BLOCKED' "
        "AND blocked_at >= ? AND blocked_at < ?", (campaign_id, lo, hi)).fetchone()[0]


def event_counts(store, campaign_id: int, lo: str = "", hi: str = "\uffff") -> dict:
    """Counts of sends and events whose own time lies in [lo, hi) and not after the clock."""
    first = store.conn.execute(
        "SELECT COALESCE(MIN(seq_number), 1) FROM sequences WHERE campaign_id = ?",
        (campaign_id,)).fetchone()[0]
    r = store.conn.execute(
        f"""SELECT
              COALESCE(SUM({_within('sent_time')}), 0) AS sent,
              COUNT(DISTINCT CASE WHEN {_within('sent_time')} THEN s.lead_id END) AS uniq_sent,
              COUNT(DISTINCT CASE WHEN {_within('sent_time')} AND s.seq_number = :first
                    THEN s.lead_id END) AS first_sent,
              COALESCE(SUM(CASE WHEN {_within('open_time')} THEN s.open_count END), 0) AS opens,
              COUNT(DISTINCT CASE WHEN {_within('open_time')} THEN s.lead_id END) AS uniq_opens,
              COALESCE(SUM(CASE WHEN {_within('click_time')} THEN s.click_count END), 0)
                AS clicks,
              COUNT(DISTINCT CASE WHEN {_within('click_time')} THEN s.lead_id END)
                AS uniq_clicks,
              COALESCE(SUM({_within('reply_time')}), 0) AS replies,
              COALESCE(SUM({_within('reply_time')} AND COALESCE(c.name, '') <> 'Out Of Office'),
                       0) AS non_ooo,
              COALESCE(SUM({_within('sent_time')} AND s.is_bounced), 0) AS bounces,
              COALESCE(SUM({_within('unsubscribed_time')}), 0) AS unsubs
            FROM sent_emails s LEFT JOIN categories c ON c.id = s.reply_category_id
            WHERE s.campaign_id = :cid""",
        {"cid": campaign_id, "now": store.now_iso(), "lo": lo, "hi": hi,
         "first": first}).fetchone()
    return dict(r)


def step_count(store, campaign_id: int) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM sequences WHERE campaign_id = ?",
                              (campaign_id,)).fetchone()[0]


def step_counts(store, campaign_id: int, lo: str, hi: str) -> list[dict]:
    """One row of counts per step of the campaign, in step order, for events in [lo, hi)."""
    rows = store.conn.execute(
        f"""SELECT q.id AS seq_id,
              COALESCE(SUM({_within('sent_time')}), 0) AS sent,
              COALESCE(SUM({_within('open_time')}), 0) AS opened,
              COALESCE(SUM({_within('click_time')}), 0) AS clicked,
              COALESCE(SUM({_within('reply_time')}), 0) AS replied,
              COALESCE(SUM({_within('sent_time')} AND s.is_bounced), 0) AS bounced,
              COALESCE(SUM({_within('unsubscribed_time')}), 0) AS unsubscribed,
              COALESCE(SUM({_within('reply_time')} AND c.name IN ({_POSITIVE_SQL})), 0)
                AS positive
            FROM sequences q
            LEFT JOIN sent_emails s ON s.seq_id = q.id AND s.campaign_id = :cid
            LEFT JOIN categories c ON c.id = s.reply_category_id
            WHERE q.campaign_id = :cid GROUP BY q.id ORDER BY q.seq_number""",
        {"cid": campaign_id, "now": store.now_iso(), "lo": lo, "hi": hi}).fetchall()
    return [dict(r) for r in rows]


def mailbox_rows(store, campaign_id: int, lo: str, hi: str, offset: int,
                 limit: int) -> list[dict]:
    """Counts per mailbox of the campaign (attached now, or that sent for it before being
    detached), ordered by account id, with the account's ``from_email``."""
    accounts = store.conn.execute(
        """SELECT a.id, a.data FROM email_accounts a WHERE a.id IN (
               SELECT account_id FROM campaign_accounts WHERE campaign_id = :cid
               UNION SELECT account_id FROM sent_emails WHERE campaign_id = :cid)
           ORDER BY a.id LIMIT :limit OFFSET :offset""",
        {"cid": campaign_id, "limit": limit, "offset": offset}).fetchall()
    counts = tally(store, [campaign_id], lo, hi, group="account_id")
    return [{"email_account_id": a["id"], "from_email": json.loads(a["data"]).get("from_email"),
             **counts.get(a["id"], EMPTY)} for a in accounts]


def lead_histories(store, campaign_id: int, cursor: str, offset: int,
                   limit: int) -> tuple[bool, list[dict]]:
    """``(more follow, rows)``: each lead that was sent to, with its SENT and REPLY history,
    whose latest event is after ``cursor``."""
    now = store.now_iso()
    leads = store.conn.execute(
        """SELECT m.id AS map_id, m.lead_id, m.status, m.created_at, l.email,
                  MAX(s.seq_number) AS last_seq,
                  MAX(MAX(s.sent_time, COALESCE(CASE WHEN s.reply_time <= :now
                                                     THEN s.reply_time END, ''))) AS last_event
           FROM campaign_leads m JOIN leads l ON l.id = m.lead_id
           JOIN sent_emails s ON s.map_id = m.id
           WHERE m.campaign_id = :cid GROUP BY m.id HAVING last_event > :cursor
           ORDER BY m.id LIMIT :limit OFFSET :offset""",
        {"cid": campaign_id, "now": now, "cursor": cursor, "limit": limit + 1,
         "offset": offset}).fetchall()
    has_more = len(leads) > limit
    leads = leads[:limit]
    senders = {r["id"]: json.loads(r["data"]).get("from_email")
               for r in store.conn.execute("SELECT id, data FROM email_accounts")}
    history: dict[int, list] = {}
    last_sender: dict[int, str | None] = {}
    for s in store.conn.execute(
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
    return has_more, [{
        "lead_id": str(r["lead_id"]), "email_lead_map_id": str(r["map_id"]),
        "from": last_sender.get(r["map_id"]), "to": r["email"], "status": r["status"],
        "created_at": r["created_at"], "last_seq_num": r["last_seq"],
        "history": sorted(history.get(r["map_id"], []), key=lambda h: h["time"]),
    } for r in leads]


def history_item(sent_id: int, kind: str, when: str, subject, body, sender) -> dict:
    """One message of a lead's history (its ``stats_id`` is also the webhooks' ``stats_id``).

    >>> history_item(2000001, "SENT", "t", "Hi", None, "maya@demo-sender.example")["message_id"]
    '<sl-2000001-sent@demo-sender.example>'
    """
    domain = (sender or "lead.example").rsplit("@", 1)[-1]
    return {"stats_id": str(uuid.uuid5(_IDS, f"{sent_id}:{kind}")), "type": kind,
            "message_id": f"<sl-{sent_id}-{kind.lower()}@{domain}>", "time": when,
            "email_body": body or "", "subject": subject or ""}


def sends_of_threads(store, map_ids: list[int]) -> list:
    """The sends of these mappings in send order, each with its mailbox's address
    (``sender``): what a thread's message history is made of."""
    marks = ", ".join("?" * len(map_ids))
    return store.conn.execute(
        "SELECT s.*, json_extract(a.data, '$.from_email') AS sender FROM sent_emails s "
        "LEFT JOIN email_accounts a ON a.id = s.account_id "
        f"WHERE s.map_id IN ({marks}) ORDER BY s.sent_time, s.id", map_ids).fetchall()


_EVENT_TIMES = ("sent_time", "open_time", "click_time", "reply_time", "unsubscribed_time")


def sends_with_events(store, campaign_id: int, start: str, end: str) -> list:
    """The campaign's sends with any event time in ``(start, end]``, by id, each with its
    lead's fields, its reply's category name (``category_name``) and its mailbox's stored
    account (``sender``, JSON): what webhook payloads are made of."""
    window = " OR ".join(f"(s.{column} > :a AND s.{column} <= :b)" for column in _EVENT_TIMES)
    return store.conn.execute(
        "SELECT s.*, l.email, l.first_name, l.last_name, l.phone_number, l.company_name, "
        "l.website, l.location, l.custom_fields, l.linkedin_profile, l.company_url, "
        "c.name AS category_name, a.data AS sender FROM sent_emails s "
        "JOIN leads l ON l.id = s.lead_id LEFT JOIN categories c ON c.id = s.reply_category_id "
        "LEFT JOIN email_accounts a ON a.id = s.account_id "
        f"WHERE s.campaign_id = :cid AND ({window}) ORDER BY s.id",
        {"cid": campaign_id, "a": start, "b": end}).fetchall()


# -- across campaigns -------------------------------------------------------------------------
def tally(store, campaign_ids: list[int], lo: str, hi: str, group: str | None = None) -> dict:
    """Counts per ``group`` column of ``sent_emails`` (or one total under key None), for the
    events whose own time lies in [lo, hi) and not after the clock."""
    rows = store.conn.execute(
        f"""SELECT {f's.{group}' if group else 'NULL'} AS grp,
              COALESCE(SUM({_within('sent_time')}), 0) AS sent,
              COUNT(DISTINCT CASE WHEN {_within('sent_time')} THEN s.lead_id END)
                AS unique_lead_count,
              COALESCE(SUM(CASE WHEN {_within('open_time')} THEN s.open_count END), 0)
                AS opened,
              COUNT(DISTINCT CASE WHEN {_within('open_time')} THEN s.lead_id END)
                AS unique_open_count,
              COALESCE(SUM(CASE WHEN {_within('click_time')} THEN s.click_count END), 0)
                AS clicked,
              COALESCE(SUM({_within('reply_time')}), 0) AS replied,
              COALESCE(SUM({_within('reply_time')} AND c.name IN ({_POSITIVE_SQL})), 0)
                AS positive_replied,
              COALESCE(SUM({_within('sent_time')} AND s.is_bounced), 0) AS bounced,
              COALESCE(SUM({_within('unsubscribed_time')}), 0) AS unsubscribed,
              MAX(CASE WHEN {_within('sent_time')} THEN s.sent_time END) AS last_sent
            FROM sent_emails s LEFT JOIN categories c ON c.id = s.reply_category_id
            WHERE s.campaign_id IN (SELECT value FROM json_each(:ids)) GROUP BY grp""",
        {"ids": json.dumps(campaign_ids), "lo": lo, "hi": hi,
         "now": store.now_iso()}).fetchall()
    return {r["grp"]: dict(r) for r in rows}


def percent(part: int, whole: int) -> str:
    """``"34%"``, ``"3.33%"``; ``"0%"`` when there is nothing to take a share of.

    >>> percent(1, 30), percent(0, 0)
    ('3.33%', '0%')
    """
    return f"{round(100 * part / whole, 2):g}%" if whole else "0%"


def performance(counts: dict) -> dict:
    """The overall-stats fields of one tally (counts as numbers, rates as percent strings)."""
    out = {k: counts[k] for k in ("sent", "opened", "replied", "bounced", "unique_lead_count",
                                  "unique_open_count", "positive_replied")}
    for rate, (part, whole) in RATES.items():
        out[rate] = percent(counts[part], counts[whole])
    return out


def day_wise(store, campaign_ids: list[int], days: list[str], starts: list[str]) -> list[dict]:
    """One row per day (``days[n]`` begins at ``starts[n]``; ``starts`` has one more entry, the
    end) with the sends, opens, replies and bounces whose own time falls in it."""
    totals = [{"date": day, "sent": 0, "opened": 0, "replied": 0, "bounced": 0} for day in days]
    now = store.now_iso()

    def bucket(when: str | None) -> dict | None:
        if not when or when > now:
            return None
        n = bisect_right(starts, when) - 1
        return totals[n] if 0 <= n < len(days) else None

    for s in store.conn.execute(
            "SELECT sent_time, open_time, open_count, reply_time, is_bounced FROM sent_emails "
            "WHERE campaign_id IN (SELECT value FROM json_each(?)) AND sent_time < ?",
            (json.dumps(campaign_ids), starts[-1])):
        if (row := bucket(s["sent_time"])) is not None:
            row["sent"] += 1
            row["bounced"] += s["is_bounced"]
        if (row := bucket(s["open_time"])) is not None:
            row["opened"] += s["open_count"]
        if (row := bucket(s["reply_time"])) is not None:
            row["replied"] += 1
    return totals


def replies_by_category(store, campaign_ids: list[int], lo: str, hi: str) -> list[dict]:
    """Replies in [lo, hi) by the category they were given (``Uncategorized`` for none), every
    category listed."""
    found = dict(store.conn.execute(
        """SELECT COALESCE(c.name, 'Uncategorized'), COUNT(*) FROM sent_emails s
           LEFT JOIN categories c ON c.id = s.reply_category_id
           WHERE s.campaign_id IN (SELECT value FROM json_each(:ids))
             AND s.reply_time >= :lo AND s.reply_time < :hi AND s.reply_time <= :now
           GROUP BY 1""",
        {"ids": json.dumps(campaign_ids), "lo": lo, "hi": hi,
         "now": store.now_iso()}).fetchall())
    names = [r[0] for r in store.conn.execute("SELECT name FROM categories ORDER BY id")]
    total = sum(found.values())
    return [{"category": name, "total_response": found.get(name, 0),
             "percentage": percent(found.get(name, 0), total)}
            for name in names + ["Uncategorized"]]


def mailbox_health(store, campaign_ids: list[int], lo: str, hi: str,
                   only_bounced: bool) -> list[dict]:
    """Per sender mailbox across the campaigns; ``only_bounced`` keeps those with a bounce."""
    counts = tally(store, campaign_ids, lo, hi, group="account_id")
    senders = {r["id"]: json.loads(r["data"]).get("from_email")
               for r in store.conn.execute("SELECT id, data FROM email_accounts ORDER BY id")}
    return [{"email_account_id": aid, "email_account": senders.get(aid),
             **{k: c[k] for k in ("sent", "opened", "replied", "bounced")}}
            for aid, c in sorted(counts.items(), key=lambda kv: kv[0] or 0)
            if aid is not None and (c["bounced"] or not only_bounced)]
