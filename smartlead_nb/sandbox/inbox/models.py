"""Threads: the master inbox's rows, a thread's messages, replies sent into a thread, and which
subsequence mapping continues which thread. Tables: ``thread_replies``,
``subsequence_pushes``; the sends themselves are read through the statistics model.

One inbox row per (campaign, lead) mapping that has at least one email sent, built from the
simulated sends and hidden beyond the clock like every statistic:

- ``inbox-replies``: exactly the mappings with a reply visible by the clock, so the inbox
  agrees with ``GET /campaigns/{id}/statistics`` (``email_status=replied``);
- ``unread-replies``: the same rows. The sandbox has no read-status endpoint, so no reply is
  ever marked read (``has_new_unread_email`` is true on every replied row);
- ``sent``: every mapping with an email sent, replied or not;
- ``important``, ``snoozed``, ``scheduled``, ``reminders``, ``archived``, ``assigned-me``,
  ``views``: empty, since nothing in the sandbox can mark a thread so.

A reply sent through ``reply-email-thread`` is recorded, never sent: it joins the lead's
message history as a ``SENT`` item from the mailbox that owns the thread. A lead pushed into
a subsequence carries on the thread of the mapping it was pushed from.
"""
from __future__ import annotations

from typing import Any

from ..analytics import models as analytics
from ..errors import Invalid

VIEWS = {   # the condition on a thread (a row of _THREADS below) that puts it in each view
    "inbox-replies": "last_reply_time IS NOT NULL",
    "unread-replies": "last_reply_time IS NOT NULL",
    "sent": "1",
    "important": "0", "snoozed": "0", "scheduled": "0", "reminders": "0", "archived": "0",
    "assigned-me": "0", "views": "0",
}
SORTS = ("REPLY_TIME_DESC", "SENT_TIME_DESC")
# emailStatus words (capitalised, unlike /campaigns/{id}/leads) -> condition on the thread.
EMAIL_STATUS = {
    "Opened": "opened", "Clicked": "clicked", "Replied": "last_reply_time IS NOT NULL",
    "Unsubscribed": "unsubscribed", "Bounced": "bounced", "Accepted": "NOT bounced",
    "Not Replied": "last_reply_time IS NULL",
}
# The thread column each id filter compares; the sandbox has no team members or campaign
# tags, so those filters match no thread.
ID_FILTERS = {"campaignId": "campaign_id", "emailAccountId": "account_id",
              "campaignClientId": "client_id", "campaignTeamMemberId": "NULL",
              "campaignTagId": "NULL"}
_SEARCHED = ("email", "first_name", "last_name", "company_name")
INVALID_THREAD = "Invalid email_stats_id or campaign_id"
SIMULATED_REPLY = "<p>Thanks for reaching out - (simulated reply)</p>"

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


def _row_json(r) -> dict:
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


def _in(column: str, ids: list[int], args: dict, name: str) -> str:
    names = []
    for n, value in enumerate(ids):
        args[f"{name}{n}"] = value
        names.append(f":{name}{n}")
    return f"{column} IN ({', '.join(names)})" if names else "0"


def _conditions(filters: dict, args: dict) -> list[str]:
    """SQL conditions for checked filters (see ``inbox.handlers.read_filters``)."""
    where = []
    if filters.get("search"):
        args["search"] = filters["search"].lower()
        where.append("(" + " OR ".join(f"instr(lower(COALESCE({c}, '')), :search) > 0"
                                       for c in _SEARCHED) + ")")
    if filters.get("unassigned"):
        where.append("category_id IS NULL")
    if filters.get("assigned"):
        where.append("category_id IS NOT NULL")
    if filters.get("categoryIdsIn"):
        where.append(_in("category_id", filters["categoryIdsIn"], args, "categoryIdsIn"))
    if filters.get("categoryIdsNotIn"):
        inside = _in("category_id", filters["categoryIdsNotIn"], args, "categoryIdsNotIn")
        where.append(f"(category_id IS NULL OR NOT {inside})")
    if filters.get("statuses"):
        where.append("(" + " OR ".join(EMAIL_STATUS[w] for w in filters["statuses"]) + ")")
    for key, ids in filters.get("ids", {}).items():
        where.append(_in(ID_FILTERS[key], ids, args, key))
    if filters.get("reply_between"):
        args["reply_lo"], args["reply_hi"] = filters["reply_between"]
        where.append("last_reply_time >= :reply_lo AND last_reply_time <= :reply_hi")
    return where


def view(store, name: str, filters: dict, sort: str, offset: int, limit: int,
         with_history: bool) -> list[dict]:
    """A page of the inbox view ``name``; with ``with_history`` each row carries its thread
    (``history``) as the message-history endpoint shows it."""
    args: dict[str, Any] = {"now": store.now_iso(), "limit": limit, "offset": offset}
    where = [VIEWS[name]] + _conditions(filters, args)
    sql = (_THREADS.format(only="", join="", where_map="") + " WHERE " + " AND ".join(where)
           + f" ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset")
    rows = []
    for r in store.conn.execute(sql, args).fetchall():
        row = _row_json(r)
        if with_history:
            row["history"] = history(store, r["map_id"], r["email"])[0]
        rows.append(row)
    return rows


def thread(store, map_id: int) -> dict | None:
    """The inbox row of mapping ``map_id`` with its history, or None for an unknown mapping."""
    r = store.conn.execute(_THREADS.format(only="WHERE s.map_id = :map_id", join="LEFT",
                                           where_map="WHERE m.id = :map_id"),
                           {"now": store.now_iso(), "map_id": map_id}).fetchone()
    if r is None:
        return None
    return dict(_row_json(r), history=history(store, r["map_id"], r["email"])[0])


# -- a thread's messages ------------------------------------------------------------------------
def thread_maps(store, map_id: int) -> list[int]:
    """The mapping ids whose emails make up this mapping's thread, oldest first: a lead
    pushed into a subsequence carries on the thread of the mapping it was pushed from."""
    chain = [map_id]
    while True:
        row = store.conn.execute("SELECT parent_map_id FROM subsequence_pushes WHERE map_id = ?",
                                 (chain[0],)).fetchone()
        if row is None or row[0] in chain:
            return chain
        chain.insert(0, row[0])


def history(store, map_id: int, lead_email: str) -> tuple[list[dict], str | None]:
    """``(items, sender)``: the thread's messages in time order (simulated sends, the lead's
    replies seen by the clock, replies sent into the thread) and the mailbox that sent last."""
    now = store.now_iso()
    maps = thread_maps(store, map_id)
    items, sender = [], None
    for r in analytics.sends_of_threads(store, maps):
        sender = r["sender"] or sender
        items.append({"type": "SENT", "message_id": f"<sl-{r['id']}@sandbox.smartlead.local>",
                      "stats_id": str(r["id"]), "time": r["sent_time"],
                      "email_body": r["email_body"], "subject": r["subject"],
                      "email_seq_number": r["seq_number"]})
        if r["reply_time"] and r["reply_time"] <= now:
            items.append({"type": "REPLY",
                          "message_id": f"<re-{r['id']}@{lead_email.split('@')[1]}>",
                          "stats_id": str(r["id"]), "time": r["reply_time"],
                          "email_body": SIMULATED_REPLY, "subject": "Re: " + (r["subject"] or "")})
    marks = ", ".join("?" * len(maps))
    for r in store.conn.execute(     # replies a person sent: SENT, from the thread's mailbox
            "SELECT t.*, json_extract(a.data, '$.from_email') AS sender FROM thread_replies t "
            "LEFT JOIN email_accounts a ON a.id = t.account_id "
            f"WHERE t.map_id IN ({marks}) ORDER BY t.sent_time, t.id", maps):
        items.append({"type": "SENT",
                      "message_id": f"<sl-reply-{r['id']}@sandbox.smartlead.local>",
                      "stats_id": str(r["id"]), "time": r["sent_time"],
                      "email_body": r["email_body"], "subject": r["subject"],
                      "from": r["sender"]})
    items.sort(key=lambda item: item["time"])
    return items, sender


def _message(store, stats_id: str):
    """The sent email or earlier reply a stats id names: its mapping, lead, mailbox, subject."""
    if not stats_id.isdigit() or len(stats_id) > 18:
        return None
    for table in ("sent_emails", "thread_replies"):
        row = store.conn.execute(f"SELECT map_id, lead_id, account_id, subject FROM {table} "
                                 "WHERE id = ?", (int(stats_id),)).fetchone()
        if row is not None:
            return row
    return None


def reply(store, campaign_id: int, stats_id: str, body: dict) -> None:
    """Record a reply into the thread of ``stats_id``, which must belong to this campaign's
    thread with the lead (a subsequence's thread includes its parent's messages)."""
    message = _message(store, stats_id)
    mapping = None if message is None else store.conn.execute(
        "SELECT id FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
        (campaign_id, message["lead_id"])).fetchone()
    if mapping is None or message["map_id"] not in thread_maps(store, mapping["id"]):
        raise Invalid(INVALID_THREAD)
    subject = message["subject"] or ""
    store.conn.execute(
        "INSERT INTO thread_replies (campaign_id, lead_id, map_id, account_id, subject, "
        "email_body, cc, bcc, to_email, sent_time) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (campaign_id, message["lead_id"], mapping["id"], message["account_id"],
         subject if subject.startswith("Re: ") else "Re: " + subject,
         body["email_body"], body.get("cc"), body.get("bcc"), body.get("to_email"),
         store.now_iso()))


def record_push(store, map_id: int, parent_map_id: int, delay_days: float,
                stop_on_parent_reply: bool, when: str) -> None:
    """Mapping ``map_id`` (in a subsequence) continues the thread of ``parent_map_id``."""
    store.conn.execute("INSERT INTO subsequence_pushes VALUES (?, ?, ?, ?, ?)",
                       (map_id, parent_map_id, delay_days, int(stop_on_parent_reply), when))


def forget_mapping(store, map_id: int) -> None:
    """A mapping deleted from its campaign takes its replies and its push with it."""
    store.conn.execute("DELETE FROM thread_replies WHERE map_id = ?", (map_id,))
    store.conn.execute("DELETE FROM subsequence_pushes WHERE map_id = ?", (map_id,))
