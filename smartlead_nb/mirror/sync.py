"""Bringing a mirror up to date: what is read, in which order, and what a re-sync skips.

The sync is a client of the client: it calls the public ``SmartleadClient`` methods only
(``request()`` for the statistics' ``sent_time_start_date``, which no wrapper takes yet).

Per campaign, in ONE DuckDB transaction (an interrupted sync leaves every campaign either
as it was or fully updated):

1. the leads export (one request): the lead set, status, counts. It is also the oracle
   for what changed: where a lead's export counts disagree with the mirror's send rows,
   the sync reads more for those leads only (steps 4-5).
2. statistics at 1,000 a page: all of them the first time, afterwards the sends since the
   latest one read (``sent_time_start_date``).
3. replies from the master inbox (read for all campaigns up front, 20 a page, from the
   latest reply time the mirror holds): the replies table, reply times on the send rows,
   the leads' categories.
4. a reply the export counts but nothing above showed: ``leads-statistics`` with
   ``event_time_gt`` (the day of the latest event held), then message history per lead.
5. opens and clicks the export counts on recent sends: those sends re-read (statistics
   from the earliest of them).
6. only when something changed (or the first time): mailbox statistics; sequences and
   sender accounts when the campaign itself changed (``updated_at``, status).

With nothing new, a campaign costs 2 requests (export + one statistics page); the
account-wide reads (campaigns, accounts, categories, inbox) add about 4.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable

import pandas as pd

from .._progress import progress_bar
from ..errors import InputError
from ..frames.campaigns import campaigns_frame
from ..frames.email_accounts import email_accounts_frame
from . import convert, store
from .campaign import CampaignSync, utc_now

INBOX_SWEEP = 5                 # the inbox's campaignId filter takes at most 5 ids
# Re-read this much before the reply cursor: replies indexed a little late on the live
# server are not missed (rows read twice are replaced, never doubled).
REPLY_OVERLAP = timedelta(minutes=10)
FAR_FUTURE = "2999-12-31T23:59:59Z"  # the inbox's reply-time filter needs an end


@dataclass
class SyncSummary:
    """What a sync did: ``changes`` (rows added/changed/removed per table), ``requests``
    spent, ``seconds`` taken, and the campaigns synced and found deleted."""

    changes: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    campaigns: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    per_campaign: dict[int, dict[str, Any]] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """One row per campaign: outcome, requests, rows changed."""
        return pd.DataFrame.from_dict(self.per_campaign, orient="index").rename_axis(
            "campaign_id")

    def __repr__(self) -> str:
        changed = ", ".join(f"{k} {v}" for k, v in self.changes.items() if v) or "nothing"
        deleted = f"; deleted on the server: {self.deleted}" if self.deleted else ""
        return (f"<SyncSummary {len(self.campaigns)} campaigns, {self.requests} requests, "
                f"{self.seconds:.1f} s; changed: {changed}{deleted}>")


class Sync:
    def __init__(self, con, client, *, replies: bool, history: bool, full: bool,
                 progress: bool) -> None:
        self.con, self.client = con, client
        self.replies, self.history, self.full, self.progress = replies, history, full, progress
        self.sync_id = uuid.uuid4().hex
        self.summary = SyncSummary()
        self.reply_bound: pd.Timestamp | None = None   # set when the inbox is read

    # --- the whole sync -----------------------------------------------------------------
    def run(self, campaign_ids: Iterable[int] | int | None) -> SyncSummary:
        start, before = time.monotonic(), self._requests()
        chosen, previous = self._account_wide(campaign_ids)
        inbox = self._read_inbox(chosen) if self.replies else {}
        bar = _bar(self.progress, len(chosen))
        try:
            for cid in chosen:
                bar.set_description(f"campaign {cid}")
                self._one_campaign(cid, previous.get(cid), inbox)
                bar.update(1)
        finally:
            bar.close()
            self.summary.requests = self._requests() - before
            self.summary.seconds = time.monotonic() - start
        return self.summary

    def _requests(self) -> int:
        return int(self.client.stats["requests"])

    def _transaction(self):
        return _Transaction(self.con)

    # --- account-wide: campaigns, accounts, categories ------------------------------------
    def _account_wide(self, campaign_ids) -> tuple[list[int], dict[int, dict]]:
        before, started = self._requests(), utc_now()
        server = self.client.campaigns.list()
        accounts = self.client.email_accounts.list()
        self.categories = {int(c["id"]): c.get("name") for c in self.client.leads.categories.list()
                           if c.get("id") is not None}
        self.mailboxes = {a.get("id"): a.get("from_email") for a in accounts}
        on_server = {int(c["id"]) for c in server}
        previous = {int(r["campaign_id"]): r for r in store.frame(
            self.con, "SELECT * FROM campaigns").to_dict("records")}
        gone = sorted(cid for cid, row in previous.items() if cid not in on_server)
        if campaign_ids is None:
            chosen = sorted(on_server)
        else:
            wanted = _ids(campaign_ids)
            unknown = [c for c in wanted if c not in on_server and c not in previous]
            if unknown:
                raise InputError(f"campaign {unknown[0]} is neither on the server nor in the "
                                 f"mirror: check the id (client.campaigns.frame() lists "
                                 f"them); nothing was written")
            chosen = [c for c in wanted if c in on_server]
        frame = convert.campaigns(campaigns_frame(server))
        synced = {cid: row.get("synced_at") for cid, row in previous.items()}
        frame["synced_at"] = frame["campaign_id"].map(lambda c: synced.get(int(c)))
        frame = convert.conform(frame, "campaigns")
        with self._transaction():
            store.upsert(self.con, "campaigns", frame)
            if gone:
                self.con.execute(
                    "UPDATE campaigns SET deleted = true, deleted_seen_at = COALESCE("
                    "deleted_seen_at, ?) WHERE campaign_id IN (SELECT unnest(?))",
                    [started, gone])
            self._replace_accounts(accounts)
            self._log(None, started, "account", before)
        newly_gone = [c for c in gone if not previous[c].get("deleted")]
        asked_gone = [c for c in (_ids(campaign_ids) if campaign_ids is not None else [])
                      if c not in on_server]
        self.summary.deleted = sorted(set(newly_gone) | set(asked_gone))
        for cid in self.summary.deleted:
            self.summary.per_campaign[cid] = {"outcome": "deleted", "requests": 0}
        self.summary.campaigns = chosen
        return chosen, previous

    def _replace_accounts(self, accounts: list[dict]) -> None:
        self.con.execute("DELETE FROM accounts")
        store.insert(self.con, "accounts", convert.accounts(email_accounts_frame(accounts)))

    # --- the master inbox, for every campaign of this sync -------------------------------
    def _read_inbox(self, chosen: list[int]) -> dict[int, list[dict]]:
        """Inbox rows (with their threads) by campaign: new replies since each campaign's
        reply cursor; a campaign never read (or read without text, now wanted) from the
        start."""
        marks = {int(r["campaign_id"]): r for r in store.frame(
            self.con, "SELECT * FROM bookmarks").to_dict("records")}
        # A lower bound of the server's clock now: no reply read after this sync can be older.
        held = self.con.execute("SELECT max(greatest(sent_cursor, reply_cursor)) "
                                "FROM bookmarks").fetchall()[0][0]
        fresh: list[int] = []
        known: list[int] = []
        for cid in chosen:
            mark = marks.get(cid)
            cursor = None if mark is None else mark.get("reply_cursor")
            ok = (mark is not None and mark.get("replies_read") and not pd.isna(cursor)
                  and (mark.get("replies_text") or not self.history) and not self.full)
            (known if ok else fresh).append(cid)
        rows: list[dict] = []
        sweep: list[int] | None          # some campaigns, or None: the whole account
        for sweep in _sweeps(fresh):
            rows += list(self.client.inbox.iter("inbox-replies", campaign_id=sweep,
                                                fetch_message_history=True))
        if known:
            since = min(pd.Timestamp(marks[c]["reply_cursor"]) for c in known) - REPLY_OVERLAP
            window = (since.isoformat(), FAR_FUTURE)
            # Many campaigns: one account-wide read (rows of other campaigns are ignored).
            sweeps = [None] if len(known) > 2 * INBOX_SWEEP else _sweeps(known)
            for sweep in sweeps:
                rows += list(self.client.inbox.iter("inbox-replies", campaign_id=sweep,
                                                    reply_time_between=window,
                                                    fetch_message_history=True))
        by_campaign: dict[int, list[dict]] = {cid: [] for cid in chosen}
        newest = pd.Timestamp(held) if held is not None and not pd.isna(held) else None
        for row in rows:
            campaign = row.get("email_campaign_id")
            if campaign in by_campaign:
                by_campaign[campaign].append(row)
            last_reply: Any = row.get("last_reply_time")
            reply = pd.to_datetime(last_reply, utc=True, errors="coerce")
            if not pd.isna(reply) and (newest is None or reply > newest):
                newest = reply
        self.reply_bound = newest
        return by_campaign

    # --- one campaign, one transaction --------------------------------------------------------
    def _one_campaign(self, cid: int, previous: dict | None, inbox: dict[int, list[dict]]) -> None:
        before, started = self._requests(), utc_now()
        try:
            with self._transaction():
                counts = CampaignSync(self, cid, previous, inbox.get(cid)).run()
                outcome = counts.pop("outcome")
                self._log(cid, started, outcome, before, **counts)
        except BaseException as exc:
            done = [c for c in self.summary.per_campaign
                    if self.summary.per_campaign[c].get("outcome") not in ("deleted", "failed")]
            if hasattr(exc, "add_note"):
                exc.add_note(f"mirror: campaign {cid} was not written (its previous state is "
                             f"kept); {len(done)} campaign(s) were synced before it. Run "
                             f"mirror.sync(...) again to continue.")
            if isinstance(exc, Exception):
                with self._transaction():
                    self._log(cid, started, "failed", before, message=str(exc)[:500])
            raise
        self.summary.per_campaign[cid] = {"outcome": outcome,
                                          "requests": self._requests() - before, **counts}
        for table, n in counts.items():
            name = table.removesuffix("_changed")
            self.summary.changes[name] = self.summary.changes.get(name, 0) + n

    def _log(self, cid, started, outcome, before, **counts) -> None:
        row = pd.DataFrame([{"sync_id": self.sync_id, "campaign_id": cid,
                             "started_at": started, "finished_at": utc_now(), "outcome": outcome,
                             "requests": self._requests() - before, **counts}])
        store.insert(self.con, "sync_log", convert.conform(row, "sync_log"))


class _Transaction:
    def __init__(self, con) -> None:
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, kind, value, tb) -> None:
        self.con.execute("COMMIT" if kind is None else "ROLLBACK")


def _ids(values: Any) -> list[int]:
    from ..resources._base import check_id

    if isinstance(values, (int, str)):
        values = [values]
    out = list(dict.fromkeys(check_id(v, "campaign id") for v in values))
    if not out:
        raise InputError("campaigns is empty: pass campaign ids, or None for all campaigns")
    return out


def _sweeps(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + INBOX_SWEEP] for i in range(0, len(ids), INBOX_SWEEP)]


def _bar(enabled: bool, total: int):
    return progress_bar(enabled, total=total, unit="campaign", desc="mirror sync")
