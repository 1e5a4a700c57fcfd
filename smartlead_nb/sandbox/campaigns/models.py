"""Campaigns: the ``campaigns`` and ``campaign_truth`` tables and their rules (status changes,
what a start needs, settings, schedule), and what deleting one takes with it."""
from __future__ import annotations

import json
import sqlite3

from ..analytics import models as analytics
from ..email_accounts import models as email_accounts
from ..errors import Conflict, Invalid, NotFound
from ..leads import models as leads
from ..sequences import models as sequences
from ..store import USER_ID

NOT_FOUND = "Campaign not found - Invalid campaign_id."
# What a status write accepts -> the status stored.
STATUS_WRITES = {"START": "ACTIVE", "ACTIVE": "ACTIVE", "PAUSED": "PAUSED", "STOPPED": "STOPPED"}
DEFAULT_SCHEDULE = {"tz": "UTC", "days": [1, 2, 3, 4, 5], "startHour": "09:00",
                    "endHour": "17:00"}
# Newer settings, with the value read back while unset; kept as one JSON object per campaign
# (``campaigns.extra_settings``).
OUT_OF_OFFICE_DEFAULTS: dict[str, bool | int | None] = {
    "ignoreOOOasReply": False, "autoCategorizeOOO": False, "autoReactivateOOO": False,
    "reactivateOOOwithDelay": None}
NEWER_SETTINGS: dict[str, object] = {     # JSON values, copied before use
    "auto_pause_domain_leads_on_reply": False,
    "ignore_ss_mailbox_sending_limit": False,
    "domain_level_rate_limit": False,
    "add_unsubscribe_tag": False,
    "bounce_autopause_threshold": None,
    "out_of_office_detection_settings": OUT_OF_OFFICE_DEFAULTS,
    "ai_categorisation_options": [],
}


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


# -- finding --------------------------------------------------------------------------------
def find(store, campaign_id: int) -> sqlite3.Row | None:
    """The campaign row, or None."""
    return store.conn.execute("SELECT * FROM campaigns WHERE id = ?",
                              (campaign_id,)).fetchone()


def get(store, campaign_id: int) -> sqlite3.Row:
    """The campaign row, or NotFound in SmartLead's words."""
    row = find(store, campaign_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def newest_first(store, client_id: int | None = None) -> list[sqlite3.Row]:
    """Every campaign (of one client when given), newest first."""
    sql = "SELECT * FROM campaigns"
    args: tuple[int, ...] = ()
    if client_id is not None:
        sql, args = sql + " WHERE client_id = ?", (client_id,)
    return store.conn.execute(sql + " ORDER BY id DESC", args).fetchall()


def select(store, client_ids: list[int] | None = None,
           campaign_ids: list[int] | None = None) -> list[sqlite3.Row]:
    """``id``, ``name`` and ``client_id`` of the campaigns of those clients and ids (None: any),
    by id."""
    rows = store.conn.execute("SELECT id, name, client_id FROM campaigns ORDER BY id").fetchall()
    return [r for r in rows if (client_ids is None or r["client_id"] in client_ids)
            and (campaign_ids is None or r["id"] in campaign_ids)]


def active(store) -> list[sqlite3.Row]:
    """The campaigns that are sending, by id."""
    return store.conn.execute("SELECT * FROM campaigns WHERE status = 'ACTIVE' ORDER BY id"
                              ).fetchall()


# -- changing -------------------------------------------------------------------------------
def create(store, name: str, client_id: int | None, parent_id: int | None = None) -> tuple:
    """A new DRAFTED campaign (a subsequence when it has a ``parent_id``); ``(id, created_at)``."""
    now = store.now_iso()
    cur = store.conn.execute(
        "INSERT INTO campaigns (name, status, client_id, created_at, updated_at, "
        "parent_campaign_id) VALUES (?, 'DRAFTED', ?, ?, ?, ?)",
        (name, client_id, now, now, parent_id))
    return cur.lastrowid, now


def touch(store, campaign_id: int, **columns) -> None:
    """Set ``columns`` (none: only mark it changed) and ``updated_at`` to the clock."""
    sets = "".join(f"{name} = ?, " for name in columns)
    store.conn.execute(f"UPDATE campaigns SET {sets}updated_at = ? WHERE id = ?",
                       (*columns.values(), store.now_iso(), campaign_id))


def delete(store, campaign_id: int) -> None:
    """Delete the campaign with its steps, sender attachments, lead mappings and sends (the
    lead records stay)."""
    sequences.delete_for_campaign(store, campaign_id)
    email_accounts.detach_all(store, campaign_id)
    leads.delete_for_campaign(store, campaign_id)
    analytics.delete_for_campaign(store, campaign_id)
    store.conn.execute("DELETE FROM campaigns WHERE id = ?", (campaign_id,))


def set_status(store, row, wanted: str) -> None:
    """Write a status (``START`` is stored as ACTIVE). A STOPPED campaign cannot change; a
    start needs steps, sender accounts and leads."""
    new_status = STATUS_WRITES[wanted.upper()]
    if row["status"] == "STOPPED" and new_status != "STOPPED":
        raise Conflict("Campaign is STOPPED - a stopped campaign cannot be restarted "
                       "or changed")
    if new_status == "ACTIVE":
        missing = [what for what, present in (
            ("no sequence steps", sequences.has_any(store, row["id"])),
            ("no email accounts", email_accounts.has_any(store, row["id"])),
            ("no leads", leads.has_any(store, row["id"]))) if not present]
        if missing:
            raise Invalid("Cannot start campaign: " + ", ".join(missing))
    touch(store, row["id"], status=new_status)


def set_schedule(store, row, schedule: dict, changes: dict) -> None:
    """Store the schedule; the pacing fields in ``changes`` replace the current ones, the
    others keep their value."""
    touch(store, row["id"], schedule=json.dumps(schedule),
          min_time_btwn_emails=changes.get("min_time_btw_emails", row["min_time_btwn_emails"]),
          max_leads_per_day=changes.get("max_new_leads_per_day", row["max_leads_per_day"]),
          schedule_start_time=changes.get("schedule_start_time", row["schedule_start_time"]))


def schedule_of(row) -> dict:
    """The stored schedule, or the default one (Mon-Fri 09:00-17:00 UTC)."""
    return json.loads(row["schedule"]) if row["schedule"] else dict(DEFAULT_SCHEDULE)


def mark_completed(store, campaign_id: int) -> None:
    """Every lead is done: the campaign is COMPLETED (its ``updated_at`` stays)."""
    store.conn.execute("UPDATE campaigns SET status = 'COMPLETED' WHERE id = ?", (campaign_id,))


# -- the simulation's known truth -------------------------------------------------------------
def truth(store, campaign_id: int) -> str | None:
    """The campaign's stored truth (JSON text, see truth.py), or None."""
    row = store.conn.execute("SELECT data FROM campaign_truth WHERE campaign_id = ?",
                             (campaign_id,)).fetchone()
    return row[0] if row else None


def set_truth(store, campaign_id: int, data: str | None) -> None:
    """Store the campaign's truth (JSON text); None removes it."""
    if data is None:
        store.conn.execute("DELETE FROM campaign_truth WHERE campaign_id = ?", (campaign_id,))
        return
    store.conn.execute("INSERT OR REPLACE INTO campaign_truth VALUES (?, ?, ?)",
                       (campaign_id, data, store.now_iso()))
