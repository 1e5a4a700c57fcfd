"""SQLite schema, seeding, upgrades of older files, the transaction and the persisted clock.

The tables' contents are the group models' business (each table is written by one model);
the store knows no HTTP and no rule of the API.

One connection guarded by one re-entrant lock: the sandbox serves a handful of concurrent
requests at most, and serialising them makes every request an atomic transaction (a
refused request changes nothing) without any per-thread connection bookkeeping.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from . import seed
from .timeutil import iso, parse_iso, to_utc, utcnow

USER_ID = 4242
SCHEMA_VERSION = "1"    # bump when the schema changes; old files are then refused, not misread

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL, status TEXT NOT NULL, client_id INTEGER,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    track_settings TEXT NOT NULL DEFAULT '[]', stop_lead_settings TEXT, unsubscribe_text TEXT,
    send_as_plain_text INTEGER NOT NULL DEFAULT 0, force_plain_text INTEGER NOT NULL DEFAULT 0,
    follow_up_percentage INTEGER, enable_ai_esp_matching INTEGER NOT NULL DEFAULT 0,
    schedule TEXT, min_time_btwn_emails INTEGER, max_leads_per_day INTEGER,
    schedule_start_time TEXT, parent_campaign_id INTEGER);
CREATE TABLE sequences (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL,
    seq_number INTEGER NOT NULL, subject TEXT NOT NULL DEFAULT '', email_body TEXT,
    delay_in_days INTEGER NOT NULL, extra TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE variants (
    id INTEGER PRIMARY KEY AUTOINCREMENT, seq_id INTEGER NOT NULL, variant_label TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '', email_body TEXT NOT NULL DEFAULT '', pct INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE email_accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE campaign_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL, updated_at TEXT NOT NULL, UNIQUE (campaign_id, account_id));
CREATE TABLE leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE,
    first_name TEXT, last_name TEXT, phone_number TEXT, company_name TEXT, website TEXT,
    location TEXT, custom_fields TEXT NOT NULL DEFAULT '{}', linkedin_profile TEXT,
    company_url TEXT, is_unsubscribed INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
-- One row per (campaign, lead); its id is the API's campaign_lead_map_id. next_step is the
-- 1-based position of the next step to send; next_due the earliest time it may go out.
CREATE TABLE campaign_leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL, status TEXT NOT NULL, category_id INTEGER,
    created_at TEXT NOT NULL, next_step INTEGER NOT NULL DEFAULT 1, next_due TEXT,
    last_sent_at TEXT, ignore_block INTEGER NOT NULL DEFAULT 0,
    ignore_unsub INTEGER NOT NULL DEFAULT 0, blocked_at TEXT,
    UNIQUE (campaign_id, lead_id));
CREATE INDEX campaign_leads_lead ON campaign_leads (lead_id);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, color TEXT,
    created_at TEXT NOT NULL);
-- kind 'block' (global block list) or 'bounce' (community bounce list); value is an
-- email address or a bare domain.
CREATE TABLE suppressions (kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value));
CREATE TABLE sent_emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL, map_id INTEGER NOT NULL, seq_id INTEGER NOT NULL,
    seq_number INTEGER NOT NULL, variant_id INTEGER, account_id INTEGER,
    subject TEXT, email_body TEXT, sent_time TEXT NOT NULL,
    open_time TEXT, open_count INTEGER NOT NULL DEFAULT 0,
    click_time TEXT, click_count INTEGER NOT NULL DEFAULT 0,
    reply_time TEXT, reply_category_id INTEGER, is_bounced INTEGER NOT NULL DEFAULT 0,
    unsubscribed_time TEXT);
CREATE INDEX sent_emails_campaign ON sent_emails (campaign_id, sent_time);
CREATE INDEX sent_emails_lead ON sent_emails (campaign_id, lead_id);
CREATE INDEX sent_emails_map ON sent_emails (map_id);
"""
# A campaign's known truth for the simulation (JSON, see truth.py); no row: the default rates.
# Kept apart so that _open() can add it to a file made before truths existed.
_TRUTH_TABLE = """CREATE TABLE IF NOT EXISTS campaign_truth (
    campaign_id INTEGER PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL)"""
SCHEMA += _TRUTH_TABLE + ";\n"
# Threads beyond the simulated sends: replies sent through reply-email-thread (their ids are
# the history's stats ids, in their own range), and which subsequence mapping a lead was
# pushed into from which parent mapping (its history is the parent's). Added like the truth
# table, so a file made before them gains them without being refused.
_THREAD_TABLES = ("""CREATE TABLE IF NOT EXISTS thread_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL,
    lead_id INTEGER NOT NULL, map_id INTEGER NOT NULL, account_id INTEGER,
    subject TEXT, email_body TEXT NOT NULL, cc TEXT, bcc TEXT, to_email TEXT,
    sent_time TEXT NOT NULL)""", """CREATE TABLE IF NOT EXISTS subsequence_pushes (
    map_id INTEGER PRIMARY KEY, parent_map_id INTEGER NOT NULL, delay_days REAL NOT NULL,
    stop_on_parent_reply INTEGER NOT NULL, pushed_at TEXT NOT NULL)""")
SCHEMA += "".join(ddl + ";\n" for ddl in _THREAD_TABLES)

# Campaign webhooks and every delivery made for them (webhooks/delivery.py sends them; status
# 'pending' rows are its queue, so a delivery survives a restart). Added later, like truths.
_WEBHOOK_TABLES = ["""CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL, name TEXT NOT NULL,
    webhook_url TEXT NOT NULL, event_types TEXT NOT NULL, categories TEXT,
    secret_key TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
                   """CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id INTEGER NOT NULL,
    campaign_id INTEGER NOT NULL, event_type TEXT NOT NULL, event_time TEXT NOT NULL,
    payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER, last_error TEXT, next_attempt REAL NOT NULL DEFAULT 0)"""]
SCHEMA += "".join(table + ";\n" for table in _WEBHOOK_TABLES)
_ADDED_LATER = {"campaign_truth": [_TRUTH_TABLE], "webhooks": _WEBHOOK_TABLES}

# Distinct id ranges per table, so a client that mixes up a lead id and a campaign id gets
# a 404 instead of silently touching the wrong thing.
ID_STARTS = {
    "campaigns": 1_000, "sequences": 70_000, "variants": 80_000, "email_accounts": 3_000,
    "campaign_accounts": 600_000, "leads": 500_000, "campaign_leads": 9_000_000,
    "categories": 0, "sent_emails": 2_000_000, "thread_replies": 7_000_000,
    "webhooks": 700_000,
}

_TABLES = ["meta", "campaigns", "sequences", "variants", "email_accounts",
           "campaign_accounts", "leads", "campaign_leads", "categories", "suppressions",
           "sent_emails", "campaign_truth", "thread_replies", "subsequence_pushes",
           "webhooks", "webhook_deliveries"]


# -- the admin surface (issue 14): block list, agency clients, mailbox tags, newer settings --
# Created with IF NOT EXISTS by _add_admin_schema(), for new files and old ones alike (old
# files only gain tables and a column; nothing is read differently). Statements are kept one
# per item because a trigger's body holds ";" (SCHEMA is split on it).
#
# block_list holds the API's block list (GET/POST/DELETE /leads/*-domain-block-list). Imports
# and the simulation look values up in suppressions (kind 'block'); the two triggers keep those
# rows exactly the values of block_list, so the list the API shows IS the list imports check.
_ADMIN_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS block_list (
        id INTEGER PRIMARY KEY AUTOINCREMENT, email_or_domain TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'manual', client_id INTEGER, created_at TEXT NOT NULL)""",
    """CREATE UNIQUE INDEX IF NOT EXISTS block_list_entry
        ON block_list (email_or_domain, IFNULL(client_id, 0))""",
    """CREATE TRIGGER IF NOT EXISTS block_list_added AFTER INSERT ON block_list BEGIN
        INSERT OR IGNORE INTO suppressions VALUES ('block', NEW.email_or_domain); END""",
    """CREATE TRIGGER IF NOT EXISTS block_list_removed AFTER DELETE ON block_list BEGIN
        DELETE FROM suppressions WHERE kind = 'block' AND value = OLD.email_or_domain
            AND NOT EXISTS (SELECT 1 FROM block_list WHERE email_or_domain = OLD.email_or_domain);
        END""",
    """CREATE TABLE IF NOT EXISTS clients (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS client_api_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT, client_id INTEGER NOT NULL, key_name TEXT NOT NULL,
        api_key TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'ACTIVE', created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS account_tags (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, color TEXT,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS account_tag_map (
        account_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (account_id, tag_id))""",
]
# Newer campaign settings (auto_pause_domain_leads_on_reply, ...), one JSON object per campaign.
_CAMPAIGN_COLUMNS = {"extra_settings": "TEXT NOT NULL DEFAULT '{}'"}
ID_STARTS.update({"block_list": 7_000_000, "clients": 20_000, "client_api_keys": 30_000,
                  "account_tags": 40_000})
_TABLES += ["block_list", "clients", "client_api_keys", "account_tags", "account_tag_map"]


def _add_admin_schema(db: sqlite3.Connection, now: str) -> None:
    """Create what the admin surface needs if the file lacks it (inside a transaction)."""
    for statement in _ADMIN_SCHEMA:
        db.execute(statement)
    have = {row[1] for row in db.execute("PRAGMA table_info(campaigns)")}
    for name, spec in _CAMPAIGN_COLUMNS.items():
        if name not in have:
            db.execute(f"ALTER TABLE campaigns ADD COLUMN {name} {spec}")
    for table in ("block_list", "clients", "client_api_keys", "account_tags"):
        db.execute("INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS "
                   "(SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                   (table, ID_STARTS[table], table))
    # A file from before block_list: its block-list values become entries (ids, a source).
    db.execute("INSERT OR IGNORE INTO block_list (email_or_domain, source, created_at) "
               "SELECT value, 'manual', ? FROM suppressions WHERE kind = 'block'", (now,))


def default_db_path() -> Path:
    """``$SMARTLEAD_NB_SANDBOX_DB``, else ``$XDG_CACHE_HOME/smartlead_nb/sandbox.sqlite3``."""
    env = os.environ.get("SMARTLEAD_NB_SANDBOX_DB")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(cache) / "smartlead_nb" / "sandbox.sqlite3"


class SandboxDatabaseError(RuntimeError):
    """The sandbox's SQLite file cannot be used: damaged, not SQLite, or another format.

    The message names the file and how to start afresh; the sqlite3 error is not chained
    (it would add a second traceback saying less).
    """


# SQLite's primary result codes for "this file is not a (healthy) database".
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def _how_to_reset(path: str) -> str:
    return (f"Delete {path} (and any {Path(path).name}-wal / -shm beside it) to start "
            "afresh, losing the sandbox's campaigns and leads, or point "
            "SMARTLEAD_NB_SANDBOX_DB (db_path= in code, --db on the command line) at "
            "another file.")


def _unusable(path: str, exc: sqlite3.Error) -> SandboxDatabaseError:
    """One clear error for a database file that failed to open."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        what = "is damaged or is not a sandbox database"
    else:
        what = "cannot be opened"
    return SandboxDatabaseError(f"The sandbox database {path} {what} (SQLite: {exc}). "
                                + _how_to_reset(path))


class Store:
    """The sandbox's state. Use ``with store.transaction() as db:`` for every access."""

    def __init__(self, path: str | os.PathLike | None, start_time: datetime | None = None):
        if path is None:
            path = default_db_path()
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._start_time = start_time
        self.lock = threading.RLock()
        # isolation_level=None: transactions are opened explicitly in transaction().
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        try:
            self._open()
        except sqlite3.Error as exc:
            self.conn.close()
            raise _unusable(self.path, exc) from None
        except BaseException:
            self.conn.close()
            raise

    def _open(self) -> None:
        """Check the file, then create and seed it if new (the first statements that read
        a damaged file raise sqlite3.DatabaseError; __init__ turns that into one message)."""
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            # A truncated file can still have a readable first page: only a check of every
            # page finds it (milliseconds for a sandbox-sized file).
            problem = self.conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if problem != "ok":
                problem = " ".join(problem.replace("*** in database main ***", "").split())
                raise SandboxDatabaseError(
                    f"The sandbox database {self.path} is damaged (SQLite: {problem}). "
                    + _how_to_reset(self.path))
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not exists:
            with self.transaction():
                self._create_and_seed()
        elif self.get_meta("schema_version") != SCHEMA_VERSION:
            self.conn.close()
            raise SandboxDatabaseError(
                f"{self.path} holds sandbox data in another format. "
                + _how_to_reset(self.path))
        elif self.get_meta("instance_id") is None:   # a file from before instance ids
            with self.transaction():
                self.set_meta("instance_id", uuid.uuid4().hex)
        for table, statements in _ADDED_LATER.items():
            if exists and not self.conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)
                    ).fetchone():
                # A file from before this table: it is only added, nothing is read differently.
                with self.transaction():
                    for statement in statements:
                        self.conn.execute(statement)
        if exists:
            self._add_thread_tables()
            with self.transaction():
                _add_admin_schema(self.conn, self._held_meta("now"))

    def _add_thread_tables(self) -> None:
        """Give a file made before the thread tables those tables (and their id range)."""
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                             "name='thread_replies'").fetchone():
            return
        with self.transaction():
            for ddl in _THREAD_TABLES:
                self.conn.execute(ddl)
            self.conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                              ("thread_replies", ID_STARTS["thread_replies"]))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run one atomic transaction; roll back if anything raises."""
        with self.lock:
            if self.conn.in_transaction:      # nested use: join the outer transaction
                yield self.conn
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _create_and_seed(self) -> None:
        db = self.conn
        # executescript() would COMMIT our open transaction, so run the statements one by one.
        code = "\n".join(line for line in SCHEMA.splitlines()
                         if not line.strip().startswith("--"))
        for statement in code.split(";"):
            if statement.strip():
                db.execute(statement)
        db.executemany("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                       list(ID_STARTS.items()))
        start = to_utc(self._start_time) if self._start_time else utcnow()
        now = iso(start)
        self.set_meta("schema_version", SCHEMA_VERSION)
        # Who this sandbox is, for clients' state files (journals, launch state, rate budget):
        # stable across restarts and ports, new after a reset.
        self.set_meta("instance_id", uuid.uuid4().hex)
        self.set_meta("now", now)
        self.set_meta("lead_credits_used", "0")
        for name, color in seed.CATEGORIES:
            db.execute("INSERT INTO categories (name, color, created_at) VALUES (?, ?, ?)",
                       (name, color, now))
        _add_admin_schema(db, now)
        db.executemany("INSERT INTO block_list (email_or_domain, source, created_at) "
                       "VALUES (?, 'manual', ?)", [(v, now) for v in seed.BLOCK_LIST])
        db.executemany("INSERT INTO suppressions VALUES ('bounce', ?)",
                       [(v,) for v in seed.BOUNCE_LIST])
        for account in seed.demo_accounts(USER_ID, now):
            db.execute("INSERT INTO email_accounts (data) VALUES (?)", (json.dumps(account),))

    def reset(self) -> None:
        """Drop everything and seed again, as for a brand-new database, with a new
        ``instance_id``. Ids are never reused: every table's counter carries on from its
        high-water mark, so an id known from before the reset (in a journal, a launch state
        file, a notebook variable) can never name something the reset sandbox made."""
        with self.transaction() as db:
            high = dict(db.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("DELETE FROM sqlite_sequence")
            self._create_and_seed()
            # Seeded rows (demo accounts, categories) get their usual ids again; everything
            # made after the reset is numbered past anything made before it.
            db.executemany("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?",
                           [(seq, name) for name, seq in high.items()])

    @property
    def instance_id(self) -> str:
        """This sandbox's identity (uuid4 hex): kept in the file, replaced by a reset."""
        with self.lock:
            return self._held_meta("instance_id")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # -- meta and clock ------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _held_meta(self, key: str) -> str:
        """A meta value every sandbox file holds (seeded with the file: the clock, the id)."""
        value = self.get_meta(key)
        if value is None:
            raise SandboxDatabaseError(f"{self.path} lacks its {key!r} record. "
                                       + _how_to_reset(self.path))
        return value

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def now(self) -> datetime:
        """The simulated clock."""
        with self.lock:
            return parse_iso(self._held_meta("now"))

    def now_iso(self) -> str:
        with self.lock:
            return self._held_meta("now")

    def set_now(self, when: datetime) -> None:
        """Move the simulated clock (the simulation moves it forward only)."""
        self.set_meta("now", iso(when))
