"""Target 7: the mirror. Requests counted from the sandbox's log (wall time at the Standard
limits computed from those counts), plus two CPU comparisons.

1. A campaign of 50,000 leads with two weeks of simulated sending (extra sender mailboxes
   written into the sandbox's database so that it sends a few thousand emails a day): the
   first sync vs the naive path (``campaign_leads_frame`` + ``campaign_statistics_frame`` +
   one message history per replied lead), with and without the inbox's replies.
2. A re-sync with nothing new (target: <= 3 requests a campaign).
3. Re-syncs after 1, 5 and 20 days of new sending.
4. "Reply rate by step across all campaigns" on 5 campaigns x 50,000 leads: DuckDB on the
   mirror vs pandas on the same frames.
5. ``leads_export_frame`` CPU vs ``pd.read_csv`` on the same CSV text (target <= 1.5).

    python benchmarks/bench_mirror.py [--leads 50000] [--days 14] [--mailboxes 30]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import smartlead_nb as sl  # noqa: E402
from smartlead_nb import SmartleadClient  # noqa: E402
from smartlead_nb.frames.responses import leads_export_frame  # noqa: E402
from smartlead_nb.mirror import convert, store  # noqa: E402
from smartlead_nb.sandbox import Sandbox  # noqa: E402
from smartlead_nb.sandbox.store import Store  # noqa: E402

START = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)   # a Monday
STANDARD_PER_HOUR, STANDARD_PER_MINUTE = 1000, 60


def wall(requests: int) -> str:
    """Time at the Standard tier's limits (60 a minute, 1,000 an hour)."""
    seconds = max(requests / STANDARD_PER_MINUTE * 60,
                  max(0, requests - STANDARD_PER_HOUR) / STANDARD_PER_HOUR * 3600)
    return f"{seconds / 60:.1f} min" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def add_mailboxes(sb: Sandbox, n: int, per_day: int) -> None:
    """Healthy sender mailboxes written straight into the sandbox (it has no create route)."""
    db = Store(sb.db_path)
    try:
        with db.transaction() as con:
            template = json.loads(con.execute(
                "SELECT data FROM email_accounts ORDER BY id LIMIT 1").fetchone()[0])
            for i in range(n):
                data = dict(template, from_email=f"sender{i}@bench-send.example",
                            username=f"sender{i}@bench-send.example", from_name=f"Sender {i}",
                            message_per_day=per_day)
                con.execute("INSERT INTO email_accounts (data) VALUES (?)", (json.dumps(data),))
    finally:
        db.close()


def big_campaign(sb: Sandbox, client: SmartleadClient, leads: int, mailboxes: int) -> int:
    add_mailboxes(sb, mailboxes, 100)
    cid = client.campaigns.create("Mirror bench")["id"]
    client.sequences.save(cid, [
        {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "Idea",
         "email_body": "<p>Hello {{first_name}}</p>"},
        {"seq_number": 2, "seq_delay_details": {"delay_in_days": 3}, "subject": "",
         "email_body": "<p>Following up</p>"}])
    healthy = [a["id"] for a in client.email_accounts.list()
               if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.campaigns.email_accounts.add(cid, healthy)
    client.campaigns.schedule(cid, sl.Schedule("UTC", days="Mon-Fri", start="08:00", end="18:00",
                                               max_new_leads_per_day=mailboxes * 60))
    rows = [{"email": f"b{i}@bench.example", "first_name": f"B{i}"} for i in range(leads)]
    sl.upload_leads(client, cid, pd.DataFrame(rows), journal=False, progress=False)
    client.campaigns.start(cid, confirm=True)
    return cid


def counted(sb: Sandbox, fn, *args, **kwargs):
    sb.clear_requests()
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, len(sb.requests), time.perf_counter() - start


def endpoints(sb: Sandbox) -> str:
    """The last run's requests by endpoint (campaign ids folded), most first."""
    import re
    from collections import Counter

    kinds = Counter(re.sub(r"/\d+", "/{id}", r["path"]) for r in sb.requests)
    return ", ".join(f"{path} {n}" for path, n in kinds.most_common())


def naive(client: SmartleadClient, cid: int) -> int:
    leads = client.leads.frame(cid)
    stats = client.statistics.frame(cid)
    replied = stats[stats["reply_time"].notna()]["lead_email"].str.lower().unique()
    ids = leads.set_index(leads["email"].str.lower())["lead_id"]
    for email in replied:
        client.leads.message_history(cid, int(ids[email]))
    return len(replied)


def requests_part(args) -> None:
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox(db_path=Path(tmp) / "bench.sqlite3", rate_limits=None, seed=5,
                    start_time=START) as sb:
        client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None)
        t0 = time.perf_counter()
        cid = big_campaign(sb, client, args.leads, args.mailboxes)
        sb.advance(days=args.days)
        setup = time.perf_counter() - t0
        sent = client.statistics.totals(cid).get("sent_count")
        print(f"one campaign, {args.leads:,} leads, {args.days} days of sending "
              f"({sent:,} emails; set-up {setup:.0f} s)")
        replied, n_naive, t_naive = counted(sb, naive, client, cid)
        mirror = sl.Mirror(Path(tmp) / "first.duckdb")
        bare = sl.Mirror(Path(tmp) / "bare.duckdb")
        _, n_bare, _ = counted(sb, bare.sync, client, replies=False, progress=False)
        _, n_first, t_first = counted(sb, mirror.sync, client, progress=False)
        print(f"\n| path | requests | at Standard limits | ratio to naive |\n|---|---|---|---|")
        print(f"| naive: leads pages + statistics + {replied:,} message histories | "
              f"{n_naive:,} | {wall(n_naive)} | 1 |")
        print(f"| mirror first sync, replies from the inbox | {n_first:,} | {wall(n_first)} | "
              f"{100 * n_first / n_naive:.1f} % |")
        print(f"| mirror first sync, replies=False | {n_bare:,} | {wall(n_bare)} | "
              f"{100 * n_bare / n_naive:.1f} % |")
        _, n_same, _ = counted(sb, mirror.sync, client, progress=False)
        print(f"\nno-change re-sync: {n_same} requests (1 campaign + account-wide reads)")
        print("\n| new activity | emails sent since | requests | at Standard limits | by endpoint |")
        print("|---|---|---|---|---|")
        for days in (1, 5, 20):        # each from the state the previous sync left
            before = client.statistics.totals(cid).get("sent_count")
            sb.advance(days=days)
            after = client.statistics.totals(cid).get("sent_count")
            _, n, _ = counted(sb, mirror.sync, client, progress=False)
            print(f"| {days} day(s) later | {after - before:,} | {n} | {wall(n)} | "
                  f"{endpoints(sb)} |")


def synthetic_statistics(campaigns: int, leads: int, seed: int = 1) -> pd.DataFrame:
    """Per-email rows as the statistics table holds them: 3 steps, ~7% replies."""
    rng = np.random.default_rng(seed)
    parts = []
    for c in range(campaigns):
        steps = rng.integers(1, 4, leads)
        n = int(steps.sum())
        lead = np.repeat(np.arange(leads), steps)
        seq = np.concatenate([np.arange(1, s + 1) for s in steps])
        sent = pd.Timestamp("2025-06-02", tz="UTC") + pd.to_timedelta(
            rng.integers(0, 60 * 24 * 30, n), unit="min")
        replied = rng.random(n) < 0.07
        parts.append(pd.DataFrame({
            "campaign_id": 1000 + c, "lead_email": pd.Series(lead).map(
                lambda i, c=c: f"l{i}.{c}@x.io"), "sequence_number": seq, "sent_time": sent,
            "reply_time": pd.Series(sent).where(replied) + pd.Timedelta(hours=5),
            "is_bounced": rng.random(n) < 0.03}))
    return pd.concat(parts, ignore_index=True)


def query_part(args, tmp: Path) -> None:
    stats = synthetic_statistics(5, args.leads)
    rows = convert.conform(stats, "statistics")
    path = tmp / "query.duckdb"
    with store.connect(path) as con:
        store.insert(con, "statistics", rows)
    mirror = sl.Mirror(path)
    sql = ("select sequence_number, count(*) as sent, count(reply_time) as replied, "
           "count(reply_time) / count(*) as reply_rate from statistics group by all "
           "order by sequence_number")

    def in_pandas():
        g = stats.groupby("sequence_number")
        out = pd.DataFrame({"sent": g.size(), "replied": g["reply_time"].count()})
        out["reply_rate"] = out["replied"] / out["sent"]
        return out

    def best(fn, n=5):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    duck = mirror.sql(sql)
    panda = in_pandas()
    assert duck["sent"].tolist() == panda["sent"].tolist()
    t_duck, t_pandas = best(lambda: mirror.sql(sql)), best(in_pandas)
    print(f"\nreply rate by step, 5 campaigns x {args.leads:,} leads ({len(stats):,} send rows):"
          f"\n| engine | seconds (best of 5) |\n|---|---|\n| DuckDB on the mirror (opens the file "
          f"each time) | {t_duck:.3f} |\n| pandas groupby on the frame in memory | "
          f"{t_pandas:.3f} |")


def export_part(args) -> None:
    from tests.mirror.test_export_frame import export_csv

    text = export_csv(args.leads)

    def cpu(fn):
        best = float("inf")
        for _ in range(5):
            t = time.process_time()
            fn()
            best = min(best, time.process_time() - t)
        return best

    base = cpu(lambda: pd.read_csv(io.StringIO(text)))
    mine = cpu(lambda: leads_export_frame(text))
    print(f"\nleads_export_frame on a {args.leads:,}-lead export: {mine:.3f} s CPU vs "
          f"pd.read_csv {base:.3f} s: ratio {mine / base:.2f} (target <= 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--mailboxes", type=int, default=30)
    parser.add_argument("--skip-requests", action="store_true")
    args = parser.parse_args()
    if not args.skip_requests:
        requests_part(args)
    with tempfile.TemporaryDirectory() as tmp:
        query_part(args, Path(tmp))
    export_part(args)


if __name__ == "__main__":
    main()
