"""Sender mailboxes: the ``email_accounts``, ``campaign_accounts``, ``account_tags`` and
``account_tag_map`` tables, and the warm-up figures drawn for each mailbox.

No network connection is ever opened: a mailbox "connects" unless its host is
``fail.invalid`` (a name that can never resolve), which is how a test gets a failing one.
An account is stored as its API object (JSON); ``campaign_count`` and ``tags`` are added when
it is read.
"""
from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, timedelta

from ..errors import Conflict, Invalid, NotFound
from ..store import USER_ID

FAILING_HOST = "fail.invalid"
WARMUP_FLAGS = ("auto_adjust_warmup", "is_rampup_enabled")
# The update body's names -> the account object's names.
_FIELD_NAMES = {"max_email_per_day": "message_per_day", "custom_tracking_url":
                "custom_tracking_domain", "bcc": "bcc_email",
                "time_to_wait_in_mins": "minTimeToWaitInMins"}
# Warm-up figures: 7 days; a mail lands in spam with SPAM_RATE, the warm-up network moves
# SAVED_FROM_SPAM of those back to the inbox; DEFAULT_PER_DAY mails a day without a setting.
WARMUP_DAYS = 7
DEFAULT_PER_DAY = 20
SPAM_RATE = 0.03
SAVED_FROM_SPAM = 0.8


def _tags(store, account_id: int) -> list[dict]:
    return [dict(t) for t in store.conn.execute(
        "SELECT t.id, t.name, t.color FROM account_tags t JOIN account_tag_map m "
        "ON m.tag_id = t.id WHERE m.account_id = ? ORDER BY t.id", (account_id,))]


def account_json(store, row) -> dict:
    """The stored account plus its id, the live campaign count and its tags."""
    out = {"id": row["id"], **json.loads(row["data"])}
    out["campaign_count"] = store.conn.execute(
        "SELECT COUNT(*) FROM campaign_accounts WHERE account_id = ?", (row["id"],)).fetchone()[0]
    out["tags"] = _tags(store, row["id"])
    return out


def _row(store, account_id: int) -> sqlite3.Row:
    row = store.conn.execute("SELECT * FROM email_accounts WHERE id = ?",
                             (account_id,)).fetchone()
    if row is None:
        raise NotFound("Email account not found - Invalid email_account_id.")
    return row


def get(store, account_id: int) -> dict:
    """The account as the API shows it, or NotFound."""
    return account_json(store, _row(store, account_id))


def exists(store, account_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM email_accounts WHERE id = ?",
                              (account_id,)).fetchone() is not None


def is_connected(account: dict) -> bool:
    """SMTP and IMAP both working: the rule for attaching and for sending."""
    return bool(account.get("is_smtp_success")) and bool(account.get("is_imap_success"))


def search(store, *, smtp: bool | None = None, in_use: bool | None = None,
           warmup: str | None = None, esp: str | None = None, username: str = "",
           client_id: int | None = None) -> list[dict]:
    """Every account matching all the filters given, by id: ``smtp`` (SMTP works),
    ``in_use`` (attached to a campaign), ``warmup`` status, ``esp`` (the account's ``type``),
    ``username`` (part of the username or address, lower case) and ``client_id``."""
    def keep(account: dict) -> bool:
        if smtp is not None and bool(account.get("is_smtp_success")) != smtp:
            return False
        if in_use is not None and (account["campaign_count"] > 0) != in_use:
            return False
        status = (account.get("warmup_details") or {}).get("status")
        if warmup is not None and status != warmup:
            return False
        if esp is not None and str(account.get("type", "")).upper() != esp:
            return False
        names = f"{account.get('username') or ''} {account.get('from_email') or ''}".lower()
        if username and username not in names:
            return False
        return client_id is None or account.get("client_id") == client_id
    rows = store.conn.execute("SELECT * FROM email_accounts ORDER BY id").fetchall()
    return [a for a in (account_json(store, row) for row in rows) if keep(a)]


def id_of(store, email: str) -> int | None:
    """The id of the account sending from ``email`` (any case), or None."""
    found = None
    for r in store.conn.execute("SELECT * FROM email_accounts"):
        if json.loads(r["data"])["from_email"].lower() == email:
            found = r["id"]
    return found


def senders(store) -> dict[int, str | None]:
    """Each account's sending address by id."""
    return {r["id"]: json.loads(r["data"]).get("from_email")
            for r in store.conn.execute("SELECT id, data FROM email_accounts ORDER BY id")}


def _write(store, account_id: int, data: dict) -> None:
    data.pop("campaign_count", None)
    data.pop("tags", None)
    data["updated_at"] = store.now_iso()
    store.conn.execute("UPDATE email_accounts SET data = ? WHERE id = ?",
                       (json.dumps(data), account_id))


# -- campaigns' senders -----------------------------------------------------------------------
def of_campaign(store, campaign_id: int) -> list[dict]:
    """The campaign's accounts, in the order they were attached."""
    rows = store.conn.execute(
        "SELECT a.* FROM email_accounts a JOIN campaign_accounts m ON m.account_id = a.id "
        "WHERE m.campaign_id = ? ORDER BY m.id", (campaign_id,)).fetchall()
    return [account_json(store, row) for row in rows]


def campaign_ids_of(store, account_id: int) -> list[int]:
    return [r[0] for r in store.conn.execute(
        "SELECT campaign_id FROM campaign_accounts WHERE account_id = ? ORDER BY campaign_id",
        (account_id,))]


def attached_ids(store, campaign_id: int) -> set[int]:
    return {r[0] for r in store.conn.execute(
        "SELECT account_id FROM campaign_accounts WHERE campaign_id = ?", (campaign_id,))}


def has_any(store, campaign_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM campaign_accounts WHERE campaign_id = ?",
                              (campaign_id,)).fetchone() is not None


def sending_accounts(store, campaign_id: int) -> list[tuple[int, int]]:
    """``(id, message_per_day)`` of the campaign's connected accounts, in attach order."""
    out = []
    for a in store.conn.execute(
            "SELECT a.id, a.data FROM email_accounts a JOIN campaign_accounts m "
            "ON m.account_id = a.id WHERE m.campaign_id = ? ORDER BY m.id",
            (campaign_id,)).fetchall():
        data = json.loads(a["data"])
        if data.get("is_smtp_success") and data.get("is_imap_success"):
            out.append((a["id"], int(data.get("message_per_day") or 0)))
    return out


def _not_allowed(account_id) -> Invalid:
    return Invalid(f"Email account id - {account_id} not allowed. Permission Error.")


def attach(store, campaign_id: int, account_ids: list[int]) -> list[dict]:
    """Attach connected accounts, all or none (an unknown or failing one refuses them all)."""
    for aid in account_ids:
        row = store.conn.execute("SELECT * FROM email_accounts WHERE id = ?",
                                 (aid,)).fetchone()
        if row is None or not is_connected(json.loads(row["data"])):
            raise _not_allowed(aid)
    now = store.now_iso()
    result = []
    for aid in account_ids:
        store.conn.execute(
            "INSERT INTO campaign_accounts (campaign_id, account_id, updated_at) "
            "VALUES (?, ?, ?) ON CONFLICT (campaign_id, account_id) "
            "DO UPDATE SET updated_at = excluded.updated_at", (campaign_id, aid, now))
        mid = store.conn.execute("SELECT id FROM campaign_accounts WHERE campaign_id = ? AND "
                                 "account_id = ?", (campaign_id, aid)).fetchone()[0]
        result.append({"id": mid, "email_campaign_id": campaign_id, "email_account_id": aid,
                       "updated_at": now})
    return result


def detach(store, campaign, account_ids: list[int]) -> int:
    """Detach accounts from ``campaign`` (its row); returns how many were attached. An ACTIVE
    campaign keeps at least one."""
    cid = campaign["id"]
    for aid in account_ids:
        if not exists(store, aid):
            raise _not_allowed(aid)
    marks = ",".join("?" * len(account_ids))
    attached = store.conn.execute("SELECT COUNT(*) FROM campaign_accounts WHERE campaign_id = ?",
                                  (cid,)).fetchone()[0]
    removing = store.conn.execute(
        f"SELECT COUNT(*) FROM campaign_accounts WHERE campaign_id = ? "
        f"AND account_id IN ({marks})", (cid, *account_ids)).fetchone()[0]
    if campaign["status"] == "ACTIVE" and removing and removing == attached:
        raise Conflict("Cannot remove the last email account from an ACTIVE campaign - "
                       "pause the campaign or add another account first")
    store.conn.execute(f"DELETE FROM campaign_accounts WHERE campaign_id = ? "
                       f"AND account_id IN ({marks})", (cid, *account_ids))
    return removing


def detach_all(store, campaign_id: int) -> None:
    """Forget a deleted campaign's attachments."""
    store.conn.execute("DELETE FROM campaign_accounts WHERE campaign_id = ?", (campaign_id,))


# -- saving a mailbox -------------------------------------------------------------------------
def apply_warmup(details: dict | None, enabled: bool | None, changes: dict) -> dict:
    """Warm-up settings reflected in ``warmup_details`` (status, daily count, reply rate).

    >>> apply_warmup({"status": "INACTIVE"}, True, {"total_warmup_per_day": 30})
    {'status': 'ACTIVE', 'max_email_per_day': 30}
    """
    details = dict(details or {})
    if enabled is not None:
        details["status"] = "ACTIVE" if enabled else "INACTIVE"
    if "total_warmup_per_day" in changes:
        details["max_email_per_day"] = changes["total_warmup_per_day"]
    if "reply_rate_percentage" in changes:
        details["reply_rate"] = changes["reply_rate_percentage"]
    for key in ("daily_rampup", "warmup_key_id", *WARMUP_FLAGS):
        if key in changes:
            details[key] = changes[key]
    return details


def save(store, target: int | None, body: dict, *, per_day: int | None, wait: int | None,
         client_id: int | None, enabled: bool | None, suspended: bool | None,
         warmup: dict) -> tuple[int, dict]:
    """Create a mailbox (``target`` None) or overwrite account ``target`` from a checked
    ``POST /email-accounts/save`` body; returns ``(id, account data)``."""
    email = body["from_email"].strip().lower()
    now = store.now_iso()
    smtp_ok = body["smtp_host"].strip().lower() != FAILING_HOST
    imap_ok = body["imap_host"].strip().lower() != FAILING_HOST
    old = json.loads(_row(store, target)["data"]) if target is not None else {}
    data = {**old, "user_id": USER_ID, "from_name": body["from_name"], "from_email": email,
            "username": body["user_name"], "password": body["password"],
            "smtp_host": body["smtp_host"], "smtp_port": body["smtp_port"],
            "smtp_port_type": old.get("smtp_port_type", "TLS"),
            "imap_host": body["imap_host"], "imap_port": body["imap_port"],
            "imap_port_type": old.get("imap_port_type", "SSL"),
            "imap_username": body.get("imap_user_name") or body["user_name"],
            "imap_password": body.get("imap_password") or body["password"],
            "is_different_imap_account": bool(body.get("imap_user_name")),
            "message_per_day": per_day or old.get("message_per_day", 50),
            "daily_sent_count": old.get("daily_sent_count", 0),
            "different_reply_to_address": body.get("different_reply_to_address"),
            "signature": body.get("signature", old.get("signature")),
            "custom_tracking_domain": body.get("custom_tracking_url"),
            "bcc_email": body.get("bcc"),
            "minTimeToWaitInMins": wait if wait is not None else old.get("minTimeToWaitInMins", 10),
            "is_smtp_success": smtp_ok, "is_imap_success": imap_ok,
            "smtp_failure_error": None if smtp_ok else f"getaddrinfo ENOTFOUND {FAILING_HOST}",
            "imap_failure_error": None if imap_ok else f"getaddrinfo ENOTFOUND {FAILING_HOST}",
            "type": old.get("type", "SMTP"), "client_id": client_id,
            "is_suspended": bool(suspended), "created_at": old.get("created_at", now)}
    base = old.get("warmup_details") or {"status": "INACTIVE", "total_sent_count": 0,
                                          "total_spam_count": 0, "warmup_reputation": "100%",
                                          "reply_rate": None, "blocked_reason": None}
    if target is None:
        base = dict(base, warmup_key_id=f"sandbox-{email.split('@')[0]}")
    data["warmup_details"] = apply_warmup(base, enabled, warmup)
    if target is None:
        target = store.conn.execute("INSERT INTO email_accounts (data) VALUES (?)",
                                    (json.dumps(data),)).lastrowid
    _write(store, target, data)
    return target, data


def update(store, account_id: int, changes: dict) -> None:
    """Overwrite the fields an update body names (its names, mapped to the account's)."""
    data = json.loads(_row(store, account_id)["data"])
    for key, value in changes.items():
        data[_FIELD_NAMES.get(key, key)] = value
    _write(store, account_id, data)


def set_warmup(store, account_id: int, enabled: bool | None, changes: dict) -> None:
    data = json.loads(_row(store, account_id)["data"])
    data["warmup_details"] = apply_warmup(data.get("warmup_details"), enabled, changes)
    _write(store, account_id, data)


def reconnect_failed(store) -> None:
    """Every failed login succeeds again, except a host that cannot exist."""
    for row in store.conn.execute("SELECT * FROM email_accounts").fetchall():
        data = json.loads(row["data"])
        for kind in ("smtp", "imap"):
            if str(data.get(f"{kind}_host", "")).lower() != FAILING_HOST:
                data[f"is_{kind}_success"], data[f"{kind}_failure_error"] = True, None
        _write(store, row["id"], data)


# -- tags -------------------------------------------------------------------------------------
def _tag_not_found(tag_id) -> NotFound:
    return NotFound(f"Tag not found - Invalid id {tag_id}.")


def save_tag(store, tag_id: int | None, name: str, color: str | None) -> dict:
    """Create a tag (``tag_id`` None) or rename it (a colour left out is kept)."""
    if tag_id is None:
        tag_id = store.conn.execute(
            "INSERT INTO account_tags (name, color, created_at) VALUES (?, ?, ?)",
            (name, color, store.now_iso())).lastrowid
    elif not store.conn.execute("UPDATE account_tags SET name = ?, color = COALESCE(?, color) "
                                "WHERE id = ?", (name, color, tag_id)).rowcount:
        raise _tag_not_found(tag_id)
    return dict(store.conn.execute("SELECT id, name, color FROM account_tags WHERE id = ?",
                                   (tag_id,)).fetchone())


def map_tags(store, account_ids: list[int], tag_ids: list[int], add: bool) -> None:
    """Tag (or untag) every account with every tag; pairs already so are skipped."""
    for aid in account_ids:
        _row(store, aid)
    for tid in tag_ids:
        if store.conn.execute("SELECT 1 FROM account_tags WHERE id = ?",
                              (tid,)).fetchone() is None:
            raise _tag_not_found(tid)
    sql = ("INSERT OR IGNORE INTO account_tag_map VALUES (?, ?)" if add else
           "DELETE FROM account_tag_map WHERE account_id = ? AND tag_id = ?")
    store.conn.executemany(sql, [(a, t) for a in account_ids for t in tag_ids])


def tags_of(store, emails: set[str]) -> list[dict]:
    """Each account sending from one of ``emails`` (lower case) with its tags, by id."""
    out = []
    for row in store.conn.execute("SELECT * FROM email_accounts ORDER BY id").fetchall():
        email = json.loads(row["data"])["from_email"].lower()
        if email in emails:
            out.append({"email_account_id": row["id"], "from_email": email,
                        "tags": _tags(store, row["id"])})
    return out


# -- warm-up figures --------------------------------------------------------------------------
def warmup_day(account: dict, seed: int, day: date) -> dict:
    """One day's warm-up figures for one account (a pure function of its inputs).

    A random generator seeded by (sandbox seed, the account's address, the date) draws the
    day's numbers, so they are the same on every call and every run, and a day keeps its
    numbers as the clock moves on. Nothing is sent unless the warm-up is ACTIVE and the
    mailbox connects; about ``max_email_per_day`` (else ``total_warmup_per_day``, else
    ``DEFAULT_PER_DAY``) mails a day go out; ``reply_rate`` percent of those that reached the
    inbox are answered.
    """
    rng = random.Random(f"warmup:{seed}:{account.get('from_email', account['id'])}:{day}")
    warmup = account.get("warmup_details") or {}
    active = warmup.get("status") == "ACTIVE" and is_connected(account)
    per_day = int(warmup.get("max_email_per_day") or warmup.get("total_warmup_per_day")
                  or DEFAULT_PER_DAY)
    # Drawn in a fixed order whether or not the account is active (repeatable).
    sent = per_day - rng.randint(0, per_day // 5)
    spam = sum(rng.random() < SPAM_RATE for _ in range(sent))
    saved = sum(rng.random() < SAVED_FROM_SPAM for _ in range(spam))
    reply_share = int(warmup.get("reply_rate") or 0) / 100
    replies = sum(rng.random() < reply_share for _ in range(sent - spam))
    received = per_day - rng.randint(0, per_day // 4)
    if not active:
        return {"sent_count": 0, "spam_count": 0, "reply_count": 0,
                "save_from_spam_count": 0, "received_count": 0}
    return {"sent_count": sent, "spam_count": spam, "reply_count": replies,
            "save_from_spam_count": saved, "received_count": received}


def warmup_week(store, account_id: int, seed: int) -> list[tuple[date, dict]]:
    """``(day, figures)`` for the last ``WARMUP_DAYS`` days, the last one today by the
    sandbox clock (UTC); NotFound for an unknown account."""
    account = get(store, account_id)
    today = store.now().date()
    days = [today - timedelta(days=back) for back in range(WARMUP_DAYS - 1, -1, -1)]
    return [(d, warmup_day(account, seed, d)) for d in days]
