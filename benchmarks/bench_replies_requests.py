"""Target 6: the replies frame for N replied leads costs about N/20 requests (the inbox pages),
against N + pages for the per-lead way (the inbox pages, then one message-history request per
lead, as live reply agents do).

Counted, not timed: both sides run against the same sandbox and the requests are read from the
sandbox's own request log (``Sandbox.requests``). The replies are made cheaply: the leads are
uploaded through the API, and one sent email with a reply per lead is written straight into
the sandbox's database through its ``Store`` (the simulation would need ~40,000 leads and weeks
of simulated sending for 5,000 replies); the clock is then moved past the replies.

    python benchmarks/bench_replies_requests.py [--replies 5000] [--campaigns 4]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smartlead_nb import SmartleadClient  # noqa: E402
from smartlead_nb.sandbox import Sandbox  # noqa: E402
from smartlead_nb.sandbox.store import Store  # noqa: E402
from smartlead_nb.sandbox.timeutil import iso  # noqa: E402

START = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)   # a Monday


def make_replies(sb: Sandbox, client: SmartleadClient, n: int, campaigns: int) -> list[int]:
    """``campaigns`` DRAFTED campaigns holding ``n`` leads between them, each lead with one
    email sent and answered; returns the campaign ids."""
    accounts = [a["id"] for a in client.email_accounts.list()
                if a["is_smtp_success"] and a["is_imap_success"]][:3]
    ids, per = [], math.ceil(n / campaigns)
    for c in range(campaigns):
        cid = client.campaigns.create(f"Replies bench {c}")["id"]
        client.sequences.save(cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                     "subject": "Idea for {{first_name}}",
                                     "email_body": "<p>Hello</p>"}])
        client.campaigns.email_accounts.add(cid, accounts)
        count = min(per, n - c * per)
        leads = [{"email": f"r{i}.{c}@bench.example", "first_name": f"R{i}"}
                 for i in range(count)]
        for batch in range(0, count, 400):              # SmartLead's most per request
            client.leads.add(cid, leads[batch:batch + 400])
        ids.append(cid)
    store = Store(sb.db_path)      # a second connection to the sandbox's file
    try:
        with store.transaction() as db:
            categories = [r[0] for r in db.execute("SELECT id FROM categories ORDER BY id")]
            rows, updates = [], []
            for cid in ids:
                seq = db.execute("SELECT id FROM sequences WHERE campaign_id = ?",
                                 (cid,)).fetchone()[0]
                maps = db.execute("SELECT id, lead_id FROM campaign_leads WHERE campaign_id = ? "
                                  "ORDER BY id", (cid,)).fetchall()
                for k, (map_id, lead_id) in enumerate(maps):
                    sent = START + timedelta(minutes=k)
                    category = categories[k % len(categories)] if k % 4 else None
                    rows.append((cid, lead_id, map_id, seq, 1, accounts[k % len(accounts)],
                                 "Idea", "<p>Hello</p>", iso(sent),
                                 iso(sent + timedelta(hours=20)), category))
                    updates.append((category, iso(sent), map_id))
            db.executemany(
                "INSERT INTO sent_emails (campaign_id, lead_id, map_id, seq_id, seq_number, "
                "account_id, subject, email_body, sent_time, reply_time, reply_category_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            db.executemany("UPDATE campaign_leads SET status = 'COMPLETED', category_id = ?, "
                           "last_sent_at = ?, next_step = 2 WHERE id = ?", updates)
    finally:
        store.close()
    sb.advance(days=7)         # every reply is now in the past; DRAFTED campaigns send nothing
    return ids


def bulk(client: SmartleadClient, ids: list[int]):
    return client.inbox.replies(ids, text=True)


def per_lead(client: SmartleadClient, ids: list[int]) -> list[dict]:
    """The inbox pages without threads, then each lead's message-history."""
    replies = []
    for start in range(0, len(ids), 5):
        for row in client.inbox.iter(campaign_id=ids[start:start + 5]):
            history = client.leads.message_history(row["email_campaign_id"], row["email_lead_id"])
            replies += history[history["type"] == "REPLY"].to_dict("records")
    return replies


def counted(sb: Sandbox, fn, *args):
    sb.clear_requests()
    t0 = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - t0
    log = sb.requests
    pages = sum(r["path"].startswith("/master-inbox/") for r in log)
    return result, len(log), pages, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=5000)
    parser.add_argument("--campaigns", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox(db_path=Path(tmp) / "bench.sqlite3", rate_limits=None,
                    start_time=START) as sb:
        client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None)
        ids = make_replies(sb, client, args.replies, args.campaigns)
        frame, n_bulk, pages_bulk, t_bulk = counted(sb, bulk, client, ids)
        replies, n_naive, pages_naive, t_naive = counted(sb, per_lead, client, ids)
        assert len(frame) == len(replies) == args.replies, (len(frame), len(replies))
    n = args.replies
    print(f"{n:,} replied leads in {args.campaigns} campaigns; requests counted in the "
          f"sandbox's log")
    print(f"{'way':<46} {'requests':>9} {'inbox pages':>12} {'per reply':>10} {'seconds':>8}")
    print(f"{'replies_frame (inbox pages with the threads)':<46} {n_bulk:>9,} "
          f"{pages_bulk:>12,} {n_bulk / n:>10.3f} {t_bulk:>8.1f}")
    print(f"{'inbox pages + one message-history per lead':<46} {n_naive:>9,} "
          f"{pages_naive:>12,} {n_naive / n:>10.3f} {t_naive:>8.1f}")
    print(f"ratio (per-lead / bulk): {n_naive / n_bulk:.1f}x; N/20 = {n / 20:,.0f}")


if __name__ == "__main__":
    main()
