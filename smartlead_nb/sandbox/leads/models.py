"""Leads and their place in campaigns: the ``leads`` (one record per address, account-wide),
``campaign_leads`` (one row per campaign and lead; its id is the API's
``campaign_lead_map_id``) and ``categories`` tables, and the rules of importing, pausing,
resuming, categorising and deleting them.

A mapping's ``next_step`` is the 1-based position of the next step to send and ``next_due``
the earliest time it may go out. Lead credits used so far are kept in the store's meta.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta

from ..analytics import models as analytics
from ..block_list import models as block_list
from ..errors import Conflict, Invalid, NotFound
from ..inbox import models as inbox
from ..timeutil import iso, parse_iso
from ..where import Where

LEAD_FIELDS = ("first_name", "last_name", "phone_number", "company_name", "website",
               "location", "linkedin_profile", "company_url")
LEAD_STATUSES = ("STARTED", "INPROGRESS", "COMPLETED", "PAUSED", "STOPPED", "BLOCKED")
ACTIVE_LEAD = ("STARTED", "INPROGRESS")      # still being emailed
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\Z")
NOT_FOUND = "Lead not found - Invalid lead_id."
NOT_A_CHILD = "Invalid subsequence or not related to the parent campaign"
# emailStatus filter -> SQL condition on the mapping row ``m`` / lead ``l``; ``:now`` hides
# events that the simulated clock has not reached yet.
_EVENT = "EXISTS (SELECT 1 FROM sent_emails s WHERE s.map_id = m.id AND {})"
EMAIL_STATUS_FILTERS = {
    "is_opened": _EVENT.format("s.open_time <= :now"),
    "is_clicked": _EVENT.format("s.click_time <= :now"),
    "is_replied": _EVENT.format("s.reply_time <= :now"),
    "not_replied": "NOT " + _EVENT.format("s.reply_time <= :now"),
    "is_bounced": _EVENT.format("s.is_bounced = 1"),
    "is_unsubscribed": "(l.is_unsubscribed = 1 OR "
                       + _EVENT.format("s.unsubscribed_time <= :now") + ")",
    "is_spam": "0", "is_accepted": "0", "is_sender_bounced": "0",   # never simulated
}


def lead_json(row) -> dict:
    """A ``leads`` row as the API's lead object."""
    return {
        "id": row["id"], "first_name": row["first_name"], "last_name": row["last_name"],
        "email": row["email"], "phone_number": row["phone_number"],
        "company_name": row["company_name"], "website": row["website"],
        "location": row["location"], "custom_fields": json.loads(row["custom_fields"]),
        "linkedin_profile": row["linkedin_profile"], "company_url": row["company_url"],
        "is_unsubscribed": bool(row["is_unsubscribed"]), "unsubscribed_client_id_map": {},
    }


# -- finding --------------------------------------------------------------------------------
def get(store, lead_id: int) -> sqlite3.Row:
    row = store.conn.execute("SELECT * FROM leads WHERE id = ?", (lead_id,)).fetchone()
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def mapping(store, campaign_id: int, lead_id: int) -> sqlite3.Row:
    """The lead's row in the campaign, or NotFound (the caller checks the campaign)."""
    row = store.conn.execute(
        "SELECT * FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
        (campaign_id, lead_id)).fetchone()
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def by_email(store, email: str) -> sqlite3.Row | None:
    return store.conn.execute("SELECT * FROM leads WHERE email = ?", (email,)).fetchone()


def memberships(store, lead_id: int) -> list:
    """The lead's ``campaign_leads`` rows, oldest first, each with its campaign's ``name``,
    ``client_id`` and ``campaign_status``, the last step sent (``last_seq``) and the last
    reply seen by the clock (``last_reply``): what the lead endpoints say of its campaigns."""
    return store.conn.execute(
        "SELECT m.*, c.name, c.client_id, c.status AS campaign_status, "
        "(SELECT MAX(s.seq_number) FROM sent_emails s WHERE s.map_id = m.id) AS last_seq, "
        "(SELECT MAX(s.reply_time) FROM sent_emails s WHERE s.map_id = m.id "
        "AND s.reply_time <= ?) AS last_reply "
        "FROM campaign_leads m JOIN campaigns c ON c.id = m.campaign_id "
        "WHERE m.lead_id = ? ORDER BY m.id", (store.now_iso(), lead_id)).fetchall()


def campaigns_of(store, lead_id: int) -> list[dict]:
    """``id``, ``status`` and ``name`` of the campaigns the lead is in, by id."""
    return [{"id": r["id"], "status": r["status"], "name": r["name"]}
            for r in store.conn.execute(
                "SELECT c.id, c.status, c.name FROM campaigns c JOIN campaign_leads m "
                "ON m.campaign_id = c.id WHERE m.lead_id = ? ORDER BY c.id", (lead_id,))]


def has_any(store, campaign_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM campaign_leads WHERE campaign_id = ?",
                              (campaign_id,)).fetchone() is not None


def categories(store) -> list[dict]:
    return [{"id": r["id"], "created_at": r["created_at"], "name": r["name"],
             "color": r["color"]}
            for r in store.conn.execute("SELECT * FROM categories ORDER BY id")]


def category_exists(store, category_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM categories WHERE id = ?",
                              (category_id,)).fetchone() is not None


def category_ids(store) -> dict[str, int]:
    return {r["name"]: r["id"] for r in store.conn.execute("SELECT * FROM categories")}


# -- importing --------------------------------------------------------------------------------
def write_fields(store, lead_id: int, fields: dict) -> None:
    """Overwrite the given columns of an account-wide lead record (never its address)."""
    fields = {k: v for k, v in fields.items() if k != "email"}
    if fields:
        sets = ", ".join(f"{k} = ?" for k in fields)
        store.conn.execute(f"UPDATE leads SET {sets} WHERE id = ?", (*fields.values(), lead_id))


def _create(store, email: str, fields: dict, now: str) -> int:
    columns = {k: v for k, v in fields.items() if k != "email"}
    names = ", ".join(["email", "created_at", *columns])
    marks = ", ".join("?" * (2 + len(columns)))
    return store.conn.execute(f"INSERT INTO leads ({names}) VALUES ({marks})",
                              (email, now, *columns.values())).lastrowid


def _refusal(store, campaign_id: int, email: str, row, flags: dict) -> str | None:
    """Why an address (new in this request) is not added, or None. Counted refusals name the
    count; ``unsubscribed``, ``existing`` and ``other`` are reported by address."""
    blocked = block_list.is_blocked(store, email)
    if blocked and not flags["ignore_global_block_list"]:
        return "block_count"
    if not flags["ignore_community_bounce_list"] and block_list.is_bounced(store, email):
        return "bounce_count"
    if row is None:
        return None
    if row["is_unsubscribed"] and not flags["ignore_unsubscribe_list"]:
        return "unsubscribed"
    if store.conn.execute("SELECT 1 FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
                          (campaign_id, row["id"])).fetchone():
        return "existing"
    if not flags["ignore_duplicate_leads_in_other_campaign"] and store.conn.execute(
            "SELECT 1 FROM campaign_leads WHERE lead_id = ?", (row["id"],)).fetchone():
        return "other"
    return None


# The counts an import answers with, in the API's order.
IMPORT_COUNTS = ("upload_count", "already_added_to_campaign", "duplicate_count",
                 "invalid_email_count", "block_count", "bounce_count")


@dataclass
class ImportReport:
    """What :func:`add` did with one request's leads: the counts, the addresses refused by
    name, lead ids by address (``new``, ``existing`` in this campaign, ``other`` campaigns'),
    and how many leads were not reached because the credits ran out (``stopped``)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORT_COUNTS, 0))
    invalid: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    new: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    other: dict[str, int] = field(default_factory=dict)
    stopped: int = 0


def add(store, campaign_id: int, cleaned: list[dict], flags: dict,
        credits: int | None) -> ImportReport:
    """Import checked lead objects into a campaign: invalid addresses, duplicates, blocked,
    bounced and unsubscribed addresses and leads already in a campaign are counted, not added;
    adding an address already in this campaign overwrites its record. Importing stops when the
    account's ``credits`` (None: unlimited) are used up."""
    now = store.now_iso()
    used = int(store.get_meta("lead_credits_used", "0"))
    report = ImportReport()
    counts, seen = report.counts, set()
    for i, fields in enumerate(cleaned):
        raw = fields["email"]
        email = raw.strip().lower()
        if not EMAIL_RE.match(email):
            counts["invalid_email_count"] += 1
            report.invalid.append(raw)
            continue
        if email in seen:
            counts["duplicate_count"] += 1
            continue
        seen.add(email)
        row = by_email(store, email)
        refusal = _refusal(store, campaign_id, email, row, flags)
        if refusal == "unsubscribed":
            report.unsubscribed.append(email)
            continue
        if refusal == "existing":
            assert row is not None      # only an address on file can be in a campaign
            counts["already_added_to_campaign"] += 1
            report.existing[email] = row["id"]
            write_fields(store, row["id"], fields)      # re-adding overwrites the record
            continue
        if refusal == "other":
            assert row is not None      # as above
            counts["duplicate_count"] += 1
            report.other[email] = row["id"]
            continue
        if refusal is not None:
            counts[refusal] += 1
            continue
        if credits is not None and used >= credits:
            report.stopped = len(cleaned) - i
            break
        report.new[email] = _join(store, campaign_id, email, row, fields, now)
        used += 1
        counts["upload_count"] += 1
    store.set_meta("lead_credits_used", str(used))
    return report


def _join(store, campaign_id: int, email: str, row, fields: dict, now: str) -> int:
    """Add the address (a new record, or the existing one overwritten) to the campaign; returns
    the lead's id. An explicit override of the block or unsubscribe list is remembered, so
    that the simulation does not refuse the lead later."""
    if row is None:
        lead_id = _create(store, email, fields, now)
    else:
        lead_id = row["id"]
        write_fields(store, lead_id, fields)
    store.conn.execute(
        "INSERT INTO campaign_leads (campaign_id, lead_id, status, created_at, ignore_block, "
        "ignore_unsub) VALUES (?, ?, 'STARTED', ?, ?, ?)",
        (campaign_id, lead_id, now, int(block_list.is_blocked(store, email)),
         int(row is not None and bool(row["is_unsubscribed"]))))
    return lead_id


# -- reading lists ----------------------------------------------------------------------------
def page(store, campaign_id: int, *, status: str | None, category: int | None,
         email_status: str | None, created_after: str | None, sent_after: str | None,
         offset: int, limit: int) -> tuple[int, list[dict]]:
    """``(total, rows)``: the campaign's leads matching every filter given, in added order."""
    where = Where("m.campaign_id = :cid", cid=campaign_id, now=store.now_iso())
    where.add("m.status = :status", status=status)
    where.add("m.category_id = :category", category=category)
    where.add(None if email_status is None else EMAIL_STATUS_FILTERS.get(email_status))
    where.add("m.created_at > :after", after=created_after)
    where.add("m.last_sent_at > :sent_after", sent_after=sent_after)
    sql = "FROM campaign_leads m JOIN leads l ON l.id = m.lead_id WHERE " + where.sql
    total = store.conn.execute("SELECT COUNT(*) " + sql, where.args).fetchone()[0]
    rows = store.conn.execute(
        "SELECT l.*, m.id AS map_id, m.status AS map_status, m.category_id, "
        "m.created_at AS added_at " + sql + " ORDER BY m.id LIMIT :limit OFFSET :offset",
        dict(where.args, limit=limit, offset=offset)).fetchall()
    return total, [{"campaign_lead_map_id": r["map_id"], "lead_category_id": r["category_id"],
                    "status": r["map_status"], "created_at": r["added_at"],
                    "lead": lead_json(r)} for r in rows]


def export_rows(store, campaign_id: int) -> list:
    """Every lead of the campaign with its mapping, category, last step sent, and opens, clicks
    and replies seen by the clock."""
    return store.conn.execute(
        """SELECT l.*, m.id AS map_id, m.status AS map_status, m.created_at AS added_at,
                  c.name AS category,
                  (SELECT MAX(s.seq_number) FROM sent_emails s WHERE s.map_id = m.id) AS last_seq,
                  (SELECT COALESCE(SUM(s.open_count), 0) FROM sent_emails s
                    WHERE s.map_id = m.id AND s.open_time <= :now) AS opens,
                  (SELECT COALESCE(SUM(s.click_count), 0) FROM sent_emails s
                    WHERE s.map_id = m.id AND s.click_time <= :now) AS clicks,
                  (SELECT COUNT(*) FROM sent_emails s
                    WHERE s.map_id = m.id AND s.reply_time <= :now) AS replies
           FROM campaign_leads m JOIN leads l ON l.id = m.lead_id
           LEFT JOIN categories c ON c.id = m.category_id
           WHERE m.campaign_id = :cid ORDER BY m.id""",
        {"cid": campaign_id, "now": store.now_iso()}).fetchall()


def everyone(store, email: str | None, created_after: str | None, offset: int,
             limit: int) -> tuple[int, list]:
    """``(total, rows)``: the account's lead records (the one with address ``email``, created
    after a time, when given), by id."""
    where, args = [], []
    if email is not None:
        where.append("email = ?")
        args.append(email)
    if created_after:
        args.append(created_after)
        where.append("created_at > ?")
    sql = "FROM leads" + (" WHERE " + " AND ".join(where) if where else "")
    total = store.conn.execute("SELECT COUNT(*) " + sql, args).fetchone()[0]
    rows = store.conn.execute("SELECT * " + sql + " ORDER BY id LIMIT ? OFFSET ?",
                              (*args, limit, offset)).fetchall()
    return total, rows


# -- one lead in one campaign -----------------------------------------------------------------
def _set(store, map_id: int, **columns) -> None:
    sets = ", ".join(f"{name} = ?" for name in columns)
    store.conn.execute(f"UPDATE campaign_leads SET {sets} WHERE id = ?",
                       (*columns.values(), map_id))


def pause(store, row) -> None:
    """The lead stops being emailed in this campaign (if it still was)."""
    if row["status"] in ACTIVE_LEAD:
        _set(store, row["id"], status="PAUSED")


def resume(store, row, delay_days: int) -> None:
    """A paused lead goes on (STARTED until its first email went out, INPROGRESS after),
    its next email not before ``delay_days`` from now when given."""
    if row["status"] != "PAUSED":
        return
    due = row["next_due"]
    if delay_days:
        due = iso(store.now() + timedelta(days=delay_days))
    status = "STARTED" if row["last_sent_at"] is None else "INPROGRESS"
    _set(store, row["id"], status=status, next_due=due)


def set_category(store, row, category: int | None, pause_lead: bool) -> None:
    """Categorise the lead (None: no category); ``pause_lead`` pauses it if still emailed."""
    status = row["status"]
    if pause_lead and status in ACTIVE_LEAD:
        status = "PAUSED"
    _set(store, row["id"], category_id=category, status=status)


def delete_mapping(store, row) -> None:
    """Take the lead out of the campaign, with its sends and thread; its record stays."""
    analytics.delete_for_mapping(store, row["id"])
    inbox.forget_mapping(store, row["id"])
    store.conn.execute("DELETE FROM campaign_leads WHERE id = ?", (row["id"],))


def delete_for_campaign(store, campaign_id: int) -> None:
    store.conn.execute("DELETE FROM campaign_leads WHERE campaign_id = ?", (campaign_id,))


# -- one lead everywhere ----------------------------------------------------------------------
def unsubscribe_everywhere(store, lead_id: int) -> None:
    """The lead is STOPPED in every campaign and refused on re-import."""
    get(store, lead_id)
    store.conn.execute("UPDATE leads SET is_unsubscribed = 1 WHERE id = ?", (lead_id,))
    store.conn.execute("UPDATE campaign_leads SET status = 'STOPPED' WHERE lead_id = ? AND "
                       "status IN ('STARTED', 'INPROGRESS', 'PAUSED')", (lead_id,))


def replace(store, lead_id: int, fields: dict) -> None:
    """Replace the lead's record with ``fields``: a field left out is cleared, not kept; only
    the address stays when left out (it is who the lead is)."""
    if "email" in fields:
        email = fields["email"].strip().lower()
        if not EMAIL_RE.match(email):
            raise Invalid(f"Invalid email - {fields['email']}")
        other = by_email(store, email)
        if other is not None and other["id"] != lead_id:
            raise Conflict(f"Email {email} already belongs to another lead")
        store.conn.execute("UPDATE leads SET email = ? WHERE id = ?", (email, lead_id))
    cleared: dict[str, str | None] = {key: None for key in LEAD_FIELDS}
    cleared["custom_fields"] = "{}"
    write_fields(store, lead_id, {**cleared, **fields})


def push_to_subsequence(store, map_id: int, sub, delay_days: float,
                        stop_on_parent_reply: bool) -> dict:
    """Add mapping ``map_id``'s lead to subsequence ``sub`` (its campaign row, or None) as a
    fresh lead whose first email waits ``delay_days`` days (days, as SmartLead behaves, not the
    seconds its docs say); its thread, and so its message history, carries on from the
    parent's. NotFound for an unknown mapping; Conflict when ``sub`` is not a child of the
    mapping's campaign or already has the lead."""
    parent = store.conn.execute("SELECT * FROM campaign_leads WHERE id = ?",
                                (map_id,)).fetchone()
    if parent is None:
        raise NotFound("Lead not found")
    if sub is None or sub["parent_campaign_id"] != parent["campaign_id"]:
        raise Conflict(NOT_A_CHILD)
    if store.conn.execute("SELECT 1 FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
                          (sub["id"], parent["lead_id"])).fetchone():
        raise Conflict("Lead already exists in the subsequence")
    now = store.now()
    starts = iso(now + timedelta(days=delay_days))
    new_map = store.conn.execute(
        "INSERT INTO campaign_leads (campaign_id, lead_id, status, created_at, next_due, "
        "ignore_block, ignore_unsub) VALUES (?, ?, 'STARTED', ?, ?, ?, ?)",
        (sub["id"], parent["lead_id"], iso(now), starts, parent["ignore_block"],
         parent["ignore_unsub"])).lastrowid
    inbox.record_push(store, new_map, map_id, delay_days, stop_on_parent_reply, iso(now))
    return {"email_lead_map_id": map_id, "parent_campaign_id": parent["campaign_id"],
            "sub_sequence_id": sub["id"], "will_start_at": starts,
            "stop_on_parent_reply": stop_on_parent_reply}


# -- what the simulation asks and records -----------------------------------------------------
def sending_queue(store, campaign_id: int) -> list[dict]:
    """The campaign's leads still being emailed, oldest first: each lead's fields (custom
    fields merged in), its mapping's state, the subject of its last email (``last_subject``)
    and when its next email is due (``due``, a datetime or None)."""
    rows = store.conn.execute(
        "SELECT m.id AS map_id, m.status, m.next_step, m.next_due, m.last_sent_at, "
        "m.ignore_block, m.ignore_unsub, m.category_id, l.*, (SELECT s.subject FROM "
        "sent_emails s WHERE s.map_id = m.id ORDER BY s.id DESC LIMIT 1) AS last_subject "
        "FROM campaign_leads m "
        "JOIN leads l ON l.id = m.lead_id WHERE m.campaign_id = ? AND "
        "m.status IN ('STARTED', 'INPROGRESS') ORDER BY m.id", (campaign_id,)).fetchall()
    leads = []
    for r in rows:
        lead = dict(r)
        lead.update(json.loads(r["custom_fields"] or "{}"))
        lead["due"] = parse_iso(r["next_due"]) if r["next_due"] else None
        leads.append(lead)
    return leads


_SENDING_COLUMNS = ("status", "next_step", "next_due", "last_sent_at", "category_id",
                    "blocked_at")


def record_sending(store, changed: dict[int, dict], unsubscribed: set[int]) -> None:
    """Write back what sending changed: per mapping id the columns that changed, and the leads
    that unsubscribed (everywhere)."""
    columns = _SENDING_COLUMNS
    rows = [(*(ch.get(c) for c in columns), *(c in ch for c in columns), map_id)
            for map_id, ch in changed.items()]
    # One statement for all rows: a column is only overwritten where it changed.
    sets = ", ".join(f"{c} = CASE WHEN ?{len(columns) + 1 + k} THEN ?{k + 1} ELSE {c} END"
                     for k, c in enumerate(columns))
    store.conn.executemany(
        f"UPDATE campaign_leads SET {sets} WHERE id = ?{2 * len(columns) + 1}", rows)
    store.conn.executemany("UPDATE leads SET is_unsubscribed = 1 WHERE id = ?",
                           [(lid,) for lid in unsubscribed])


def all_finished(store, campaign_id: int) -> bool:
    """The campaign has leads and none is STARTED, INPROGRESS or PAUSED any more."""
    total, still_open = store.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(status IN ('STARTED','INPROGRESS','PAUSED')), 0) "
        "FROM campaign_leads WHERE campaign_id = ?", (campaign_id,)).fetchone()
    return bool(total) and not still_open
