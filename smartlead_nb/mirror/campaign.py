"""One campaign's part of a sync, inside its transaction (see :mod:`.sync` for the order).

>>> _wire_time(pd.Timestamp("2025-06-02T09:15:00.123456Z"))
'2025-06-02 09:15:00.123Z'
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol, cast

import pandas as pd

from ..errors import UnexpectedResponse
from ..frames.inbox import replies_frame
from ..frames.analytics import statistics_frame
from ..frames.tidy import coerce_counts
from . import convert, store

# GET /campaigns/{id}/statistics takes limit up to 1,000 (SmartLead's request validation).
STATISTICS_PAGE = 1000
# Re-read this much before the send cursor: sends indexed a little late on the live server
# are not missed (rows read twice are replaced, never doubled).
SEND_OVERLAP = timedelta(minutes=10)
# Opens/clicks on sends older than this (before the latest send) are not chased.
EVENT_HORIZON = timedelta(days=7)


def utc_now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").as_unit("us")


def _wire_time(stamp: pd.Timestamp) -> str:
    """The statistics filters' documented format, ``2023-10-16 10:33:02.000Z``."""
    stamp = stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d %H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _rows(body: Any, what: str) -> list[dict]:
    """The rows of a statistics page, or an error saying the answer is not one."""
    rows = body.get("data") if isinstance(body, dict) else body
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        got = type(body).__name__
        raise UnexpectedResponse(f"{what} answered with a {got} that holds no list of rows "
                                 f"under 'data'; nothing of it was written", body=body)
    return rows


class SyncRun(Protocol):
    """What one campaign's part reads from the sync running it (:class:`.sync.Sync` is one,
    which imports this module, never the reverse): the client and the open DuckDB connection,
    the sync's options, and what the account-wide reads found before the campaigns."""

    client: Any
    con: Any
    full: bool
    history: bool
    categories: dict[int, Any]        # category id -> name
    mailboxes: dict[Any, Any]         # sender account id -> its address
    reply_bound: pd.Timestamp | None  # no reply read after this sync can be older (inbox read)


class CampaignSync:
    """The reads and writes of one campaign inside its transaction."""

    def __init__(self, sync: SyncRun, cid: int, previous: dict | None, inbox_rows) -> None:
        self.sync, self.client, self.con, self.cid = sync, sync.client, sync.con, cid
        self.previous = previous
        self.inbox_rows = inbox_rows
        mark = store.frame(self.con, "SELECT * FROM bookmarks WHERE campaign_id = ?", [cid])
        self.mark = mark.iloc[0].to_dict() if len(mark) else None
        self.first = self.mark is None or sync.full

    def run(self) -> dict[str, Any]:
        leads_changed = self._leads()
        stats_changed = self._statistics(self._since())
        replies_changed = self._replies()
        self._categories()
        stats_changed += self._reconcile()
        self._lead_categories_on_sends()
        if self.first or leads_changed or stats_changed or replies_changed:
            frame = self.client.statistics.mailboxes.frame(self.cid)
            store.replace_where(self.con, "mailbox_statistics",
                                convert.mailbox_statistics(frame, self.cid), campaign_id=self.cid)
        if self.first or self._campaign_changed():
            self._sequences_and_senders()
        self._bookmark()
        self.con.execute("UPDATE campaigns SET synced_at = ? WHERE campaign_id = ?",
                         [utc_now(), self.cid])
        outcome = "full" if self.sync.full else "first" if self.mark is None else "incremental"
        return {"outcome": outcome, "leads_changed": leads_changed,
                "statistics_changed": stats_changed, "replies_changed": replies_changed}

    # --- leads ----------------------------------------------------------------------------
    def _leads(self) -> int:
        new = convert.leads(self.client.leads.export(self.cid), self.cid)
        old = store.frame(self.con, "SELECT lead_id, email, category_id, category FROM leads "
                                    "WHERE campaign_id = ?", [self.cid])
        if len(old):
            kept = old.set_index("lead_id")
            new["category_id"] = new["lead_id"].map(kept["category_id"]).astype("Int64")
            new["category"] = new["lead_id"].map(kept["category"]).astype(object)
            new["category"] = new["category"].where(new["category"].notna(), None)
            # An email changed account-wide: the send rows follow the lead.
            moved = old.merge(new[["lead_id", "email"]], on="lead_id", suffixes=("_old", ""))
            for row in moved[moved["email_old"] != moved["email"]].itertuples():
                self.con.execute("UPDATE statistics SET lead_email = ? WHERE campaign_id = ? "
                                 "AND lead_email = ?", [row.email, self.cid, row.email_old])
        columns = [c for c in new.columns if c not in ("category_id", "category")]
        name = "new_leads"
        self.con.register(name, new)
        try:
            cols = ", ".join(f'"{c}"' for c in columns)
            changed = self.con.execute(
                f"SELECT (SELECT COUNT(*) FROM (SELECT {cols} FROM {name} EXCEPT "
                f"SELECT {cols} FROM leads WHERE campaign_id = ?)) + (SELECT COUNT(*) FROM "
                f"leads WHERE campaign_id = ? AND lead_id NOT IN (SELECT lead_id FROM {name}))",
                [self.cid, self.cid]).fetchall()[0][0]
        finally:
            self.con.unregister(name)
        store.replace_where(self.con, "leads", new, campaign_id=self.cid)
        # Rows of leads no longer in the campaign go with them (the server deletes them too).
        self.con.execute("DELETE FROM statistics WHERE campaign_id = ? AND lead_email NOT IN "
                         "(SELECT email FROM leads WHERE campaign_id = ?)", [self.cid, self.cid])
        self.con.execute("DELETE FROM replies WHERE campaign_id = ? AND email_lead_map_id NOT "
                         "IN (SELECT campaign_lead_map_id FROM leads WHERE campaign_id = ?)",
                         [self.cid, self.cid])
        return int(changed)

    # --- send rows --------------------------------------------------------------------------
    def _since(self) -> pd.Timestamp | None:
        if self.first:
            return None
        cursor = (self.mark or {}).get("sent_cursor")
        return None if pd.isna(cursor) else pd.Timestamp(cursor) - SEND_OVERLAP

    def _statistics(self, since: pd.Timestamp | None) -> int:
        """Read the send rows from ``since`` (all when None) and write them; returns how many
        are new or changed."""
        params: dict[str, Any] = {"limit": STATISTICS_PAGE}
        if since is not None:
            params["sent_time_start_date"] = _wire_time(since)
        rows, offset = [], 0
        what = f"GET campaigns/{self.cid}/statistics"
        while True:
            body = self.client.request("GET", f"campaigns/{self.cid}/statistics",
                                       params={**params, "offset": offset})
            page = _rows(body, what)
            rows += [coerce_counts(r) for r in page]
            if len(page) < STATISTICS_PAGE:
                break
            offset += STATISTICS_PAGE
        frame = convert.statistics(statistics_frame(rows), self.cid)
        ids = store.frame(self.con, "SELECT email, lead_id FROM leads WHERE campaign_id = ?",
                          [self.cid]).drop_duplicates("email").set_index("email")["lead_id"]
        frame["lead_id"] = frame["lead_email"].map(ids).astype("Int64")
        self.fresh_categories = frame[["lead_email", "lead_category"]].dropna(
            subset=["lead_email"]).drop_duplicates("lead_email", keep="last")
        if since is None:
            changed = store.replace_counting(self.con, "statistics", frame,
                                             campaign_id=self.cid)
        else:
            changed = store.upsert(self.con, "statistics", frame)
        self.con.execute("UPDATE statistics s SET lead_id = l.lead_id FROM leads l WHERE "
                         "s.campaign_id = ? AND l.campaign_id = s.campaign_id AND "
                         "l.email = s.lead_email AND s.lead_id IS DISTINCT FROM l.lead_id",
                         [self.cid])
        return changed

    # --- replies ----------------------------------------------------------------------------
    def _replies(self) -> int:
        if self.inbox_rows is None:
            return 0
        rows = self.inbox_rows
        frame = replies_frame(rows, categories=self.sync.categories,
                              mailboxes=self.sync.mailboxes, text=self.sync.history)
        steps = convert.replied_steps(rows)
        frame["reply_time"] = frame["reply_time"].dt.as_unit("us")
        frame = frame.merge(steps[["email_lead_map_id", "reply_time", "sequence_number"]],
                            on=["email_lead_map_id", "reply_time"], how="left")
        frame = frame.drop_duplicates(["email_lead_map_id", "reply_time"])
        incoming = convert.replies(frame)
        incoming["campaign_id"] = pd.array([self.cid] * len(incoming), dtype="Int64")
        if not self.sync.history:
            # Text read by an earlier history=True sync stays.
            old = store.frame(self.con, "SELECT email_lead_map_id, reply_time, subject, "
                              "reply_text, reply_html, message_id FROM replies WHERE "
                              "campaign_id = ?", [self.cid])
            if len(old) and len(incoming):
                keyed = incoming.merge(old, on=["email_lead_map_id", "reply_time"],
                                       how="left", suffixes=("", "_old"))
                for col in ("subject", "reply_text", "reply_html", "message_id"):
                    incoming[col] = keyed[col].where(keyed[col].notna(), keyed[f"{col}_old"])
                incoming = convert.conform(incoming, "replies")
        if self.mark is None or self.sync.full or \
                (self.sync.history and not self.mark.get("replies_text")):
            self.con.execute("DELETE FROM replies WHERE campaign_id = ?", [self.cid])
        changed = store.upsert(self.con, "replies", incoming)
        # Reply times on the send rows: by the step replied to, else by its sent_time.
        steps = steps.merge(incoming[["email_lead_map_id", "lead_email"]].drop_duplicates(),
                            on="email_lead_map_id", how="inner")
        self._set_reply_times(steps)
        # The inbox names each thread's current category.
        cats = incoming[["email_lead_map_id", "category_id"]].drop_duplicates(
            "email_lead_map_id")
        self._set_categories(cats, "campaign_lead_map_id", "email_lead_map_id")
        self.con.execute("DELETE FROM replies WHERE campaign_id = ? AND email_lead_map_id NOT "
                         "IN (SELECT campaign_lead_map_id FROM leads WHERE campaign_id = ?)",
                         [self.cid, self.cid])
        return changed

    def _set_reply_times(self, steps: pd.DataFrame) -> None:
        """``steps``: lead_email, reply_time, and sequence_number or sent_time of the email
        replied to. The earliest reply to an email is its reply_time."""
        if steps.empty:
            return
        steps = steps.sort_values("reply_time")
        name = "reply_steps"
        frame = pd.DataFrame({"lead_email": steps["lead_email"].astype(object),
                              "reply_time": steps["reply_time"],
                              "sequence_number": steps.get("sequence_number",
                                                           pd.Series(pd.NA, index=steps.index)
                                                           ).astype("Int64"),
                              "sent_time": steps["sent_time"]})
        self.con.register(name, frame)
        try:
            self.con.execute(
                f"""UPDATE statistics s SET reply_time = r.reply_time FROM (
                      SELECT t.lead_email, t.sequence_number, min(x.reply_time) AS reply_time
                      FROM statistics t JOIN {name} x ON x.lead_email = t.lead_email AND
                        (x.sequence_number = t.sequence_number OR (x.sequence_number IS NULL
                         AND x.sent_time = t.sent_time))
                      WHERE t.campaign_id = ? GROUP BY ALL) r
                    WHERE s.campaign_id = ? AND s.lead_email = r.lead_email
                      AND s.sequence_number = r.sequence_number
                      AND s.reply_time IS DISTINCT FROM r.reply_time""", [self.cid, self.cid])
        finally:
            self.con.unregister(name)

    # --- categories ---------------------------------------------------------------------------
    def _set_categories(self, frame: pd.DataFrame, lead_key: str, frame_key: str) -> None:
        """Set leads' category_id (and name) from ``frame`` (``frame_key`` -> category_id)."""
        if frame.empty:
            return
        data = pd.DataFrame({"k": frame[frame_key].astype(object),
                             "category_id": pd.array(frame["category_id"].array, dtype="Int64")})
        data["category"] = data["category_id"].map(
            lambda c: None if pd.isna(c) else self.sync.categories.get(int(c))).astype(object)
        self.con.register("cats", data)
        try:
            self.con.execute(f"""UPDATE leads l SET category_id = c.category_id,
                                 category = c.category FROM cats c
                                 WHERE l.campaign_id = ? AND l."{lead_key}" = c.k""", [self.cid])
        finally:
            self.con.unregister("cats")

    def _categories(self) -> None:
        """Categories from the send rows just read, then a lookup for each lead whose
        export flag (is_interested) disagrees with the category held."""
        ids = {(name or "").strip().lower(): cid for cid, name in self.sync.categories.items()}
        fresh = self.fresh_categories
        if len(fresh):
            fresh = fresh.assign(category_id=fresh["lead_category"].map(
                lambda n: None if n is None or pd.isna(n) else ids.get(str(n).strip().lower())))
            self._set_categories(fresh, "email", "lead_email")
        disagree = store.frame(self.con, """SELECT lead_id, email FROM leads
            WHERE campaign_id = ? AND is_interested IS NOT NULL
              AND is_interested <> COALESCE(category = 'Interested', false)""", [self.cid])
        found = []
        for row in disagree.itertuples():
            lead = self.client.leads.find(row.email) or {}
            entry: dict[str, Any] = next((e for e in lead.get("lead_campaign_data") or []
                          if e.get("campaign_id") == self.cid), {})
            found.append({"lead_id": row.lead_id, "category_id": entry.get("lead_category_id")})
        if found:
            self._set_categories(pd.DataFrame(found), "lead_id", "lead_id")

    def _lead_categories_on_sends(self) -> None:
        """The send rows show their lead's category (one fact: the leads table's)."""
        self.con.execute("""UPDATE statistics s SET lead_category = l.category FROM leads l
                            WHERE s.campaign_id = ? AND l.campaign_id = s.campaign_id
                              AND l.email = s.lead_email
                              AND s.lead_category IS DISTINCT FROM l.category""", [self.cid])

    # --- what the export says the send rows lack ----------------------------------------------
    def _mismatches(self) -> pd.DataFrame:
        return store.frame(self.con, """
            WITH s AS (SELECT lead_email, count(reply_time) AS replies,
                              COALESCE(sum(open_count), 0) AS opens,
                              COALESCE(sum(click_count), 0) AS clicks,
                              max(sequence_number) AS last_seq, max(sent_time) AS last_sent
                       FROM statistics WHERE campaign_id = ? GROUP BY lead_email)
            SELECT l.lead_id, l.email, l.reply_count, COALESCE(s.replies, 0) AS replies,
                   (l.open_count <> COALESCE(s.opens, 0) OR l.click_count <> COALESCE(s.clicks, 0))
                     AS events_differ,
                   COALESCE(l.last_email_sequence_sent, 0) <> COALESCE(s.last_seq, 0)
                     AS sends_differ
            FROM leads l LEFT JOIN s ON s.lead_email = l.email
            WHERE l.campaign_id = ? AND (l.reply_count <> COALESCE(s.replies, 0)
               OR l.open_count <> COALESCE(s.opens, 0) OR l.click_count <> COALESCE(s.clicks, 0)
               OR COALESCE(l.last_email_sequence_sent, 0) <> COALESCE(s.last_seq, 0))""",
                           [self.cid, self.cid])

    def _reconcile(self) -> int:
        """Read what the export counts and the send rows lack; returns rows changed."""
        if self.first:
            return 0
        changed = 0
        wrong = self._mismatches()
        if wrong.empty:
            return 0
        # Opens, clicks or sends missing on recent emails: re-read those sends.
        window = wrong[wrong["events_differ"] | wrong["sends_differ"]]
        if len(window):
            start = self.con.execute(
                """SELECT min(sent_time) FROM statistics WHERE campaign_id = ? AND lead_email IN
                   (SELECT unnest(?)) AND sent_time >= (SELECT max(sent_time) FROM statistics
                   WHERE campaign_id = ?) - ?""",
                [self.cid, window["email"].tolist(), self.cid, EVENT_HORIZON]).fetchall()[0][0]
            if start is not None:
                since = pd.Timestamp(start)
                cursor = self._since()
                if cursor is None or since < cursor:
                    changed += self._statistics(since - SEND_OVERLAP)
                    self._categories()
        # Replies the export counts: leads-statistics from the day of the latest event held.
        wrong = self._mismatches()
        missing = wrong[wrong["reply_count"] > wrong["replies"]]
        if len(missing):
            cursor = (self.mark or {}).get("event_cursor")
            from_day = None if pd.isna(cursor) else pd.Timestamp(cursor).date()
            rows = [r for r in self.client.statistics.leads.iter(self.cid, since=from_day)
                    if str(r.get("to") or "").strip().lower() in set(missing["email"])]
            self._set_reply_times(convert.lead_history_replies(rows))
            wrong = self._mismatches()
            missing = wrong[wrong["reply_count"] > wrong["replies"]]
            for row in missing.itertuples():   # the last resort, one request per lead
                lead_id = cast(int, row.lead_id)   # an integer column of the leads table
                history = self.client.leads.message_history(self.cid, int(lead_id))
                items = history.to_dict("records") if len(history) else []
                self._set_reply_times(convert.lead_history_replies(
                    [{"to": row.email, "history": items}]))
            changed += len(missing)
        return changed

    # --- the rest --------------------------------------------------------------------------
    def _campaign_changed(self) -> bool:
        now = store.frame(self.con, "SELECT updated_at, status FROM campaigns WHERE "
                          "campaign_id = ?", [self.cid])
        if self.previous is None or now.empty:
            return True
        return (str(now.iloc[0]["updated_at"]) != str(self.previous.get("updated_at"))
                or now.iloc[0]["status"] != self.previous.get("status"))

    def _sequences_and_senders(self) -> None:
        steps = convert.sequences(self.client.sequences.frame(self.cid), self.cid)
        store.replace_where(self.con, "sequences", steps, campaign_id=self.cid)
        senders = convert.campaign_accounts(self.client.campaigns.email_accounts.list(self.cid),
                                            self.cid)
        store.replace_where(self.con, "campaign_accounts", senders, campaign_id=self.cid)

    def _bookmark(self) -> None:
        sent, reply = self.con.execute(
            "SELECT max(sent_time), max(reply_time) FROM statistics WHERE campaign_id = ?",
            [self.cid]).fetchall()[0]
        mark = dict(self.mark or {})
        read = self.inbox_rows is not None
        bound = self.sync.reply_bound
        reply_cursor = mark.get("reply_cursor")
        if read:
            candidates = [t for t in (bound, sent, reply) if t is not None and not pd.isna(t)]
            reply_cursor = max(pd.Timestamp(t) for t in candidates) if candidates else None
        events = [t for t in (sent, reply) if t is not None and not pd.isna(t)]
        row = pd.DataFrame([{
            "campaign_id": self.cid, "sent_cursor": sent,
            "reply_cursor": reply_cursor,
            "event_cursor": max(pd.Timestamp(t) for t in events) if events else None,
            "replies_read": bool(mark.get("replies_read")) or read,
            "replies_text": (bool(mark.get("replies_text")) and not (read and self.first
                                                                       and not self.sync.history))
            or (read and self.sync.history),
            "synced_at": utc_now()}])
        store.replace_where(self.con, "bookmarks", convert.conform(row, "bookmarks"),
                            campaign_id=self.cid)
