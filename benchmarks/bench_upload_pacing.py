"""Target 1: an upload reaches SmartLead's rate ceiling (>= 90% of the allowed rate) with no 429.

The sandbox enforces the Standard tier (10 requests/s, 60/min, 1,000/h) and answers every
add-leads request after a realistic delay (2 s). To keep the run short, every time window and
the delay are multiplied by ``--time-scale`` (0.1 by default: 60 requests per 6 s, 0.2 s per
answer), identically for the sandbox and for the clients. Side by side, in one run:

* ``smartlead_nb``: ``upload_leads`` with its defaults (client-side budget, 4 requests open);
* ``smartlead_nb, one at a time``: the same with ``max_in_flight=1``, i.e. a client that waits
  for each answer before sending the next;
* ``naive loop``: plain ``requests.post`` of each 400-lead batch back to back, sleeping
  ``Retry-After`` on a 429 and re-sending (what most clients do).

The allowed rate is the per-minute limit (the binding one over a run of this length); the
achieved rate is requests / (last answer - first send).

    python benchmarks/bench_upload_pacing.py [--leads 50000] [--time-scale 0.1] [--latency 2.0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import requests

from _data import unique_leads_frame
from smartlead_nb import RateLimit, SmartleadClient, upload_leads
from smartlead_nb.frames.leads import leads_from_frame
from smartlead_nb.sandbox import Faults, RateLimits, Sandbox


def measure(sandbox: Sandbox, cid: int, scale: float, label: str) -> dict:
    posts = [r for r in sandbox.requests if r["method"] == "POST"
             and r["path"] == f"/campaigns/{cid}/leads"]
    ok = [r for r in posts if r["status"] == 200]
    throttled = sum(1 for r in posts if r["status"] == 429)
    first, last = posts[0]["time"], posts[-1]["time"] + sandbox_latency(sandbox)
    elapsed = last - first
    allowed = 60 / (60 * scale)  # requests per second at this scale
    achieved = len(ok) / elapsed
    return {"client": label, "requests": len(ok), "429s": throttled, "seconds": round(elapsed, 2),
            "achieved_per_min_real": round(achieved * 60 * scale, 1),
            "ratio_to_allowed": round(achieved / allowed, 3)}


def sandbox_latency(sandbox: Sandbox) -> float:
    return sandbox.faults.leads_latency if sandbox.faults else 0.0


def run_ours(sandbox, frame, scale, max_in_flight) -> int:
    client = SmartleadClient(sandbox.api_key, base_url=sandbox.base_url,
                             rate_limit=RateLimit(time_scale=scale, shared=False))
    cid = client.campaigns.create(f"pacing {max_in_flight}")["id"]
    time.sleep(2 * 60 * scale)  # start with an empty window, like the other runs
    sandbox.clear_requests()
    result = upload_leads(client, cid, frame, journal=False, progress=False,
                          max_in_flight=max_in_flight)
    assert result.complete and (result.rows["outcome"] == "uploaded").all(), result
    return cid


def run_naive(sandbox, frame, scale) -> int:
    session = requests.Session()
    url, key = sandbox.base_url, {"api_key": sandbox.api_key}
    cid = session.post(f"{url}/campaigns/create", params=key, json={"name": "naive"}).json()["id"]
    time.sleep(2 * 60 * scale)
    sandbox.clear_requests()
    leads = leads_from_frame(frame)
    for batch in leads.json_batches(400):
        body = batch.request_body({})
        while True:
            r = session.post(f"{url}/campaigns/{cid}/leads", params=key, data=body,
                             headers={"Content-Type": "application/json"})
            if r.status_code != 429:
                break
            time.sleep(float(r.headers.get("Retry-After", "1")))
        r.raise_for_status()
    return cid


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--latency", type=float, default=2.0, help="seconds per add-leads answer, before scaling")
    args = parser.parse_args(argv)
    scale = args.time_scale
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Sandbox(
            db_path=Path(tmp) / "pacing.sqlite3", rate_limits=RateLimits(10, 60, 1000, time_scale=scale),
            faults=Faults(leads_latency=args.latency * scale)) as sb:
        print(f"pacing: {args.leads:,} leads in 400-lead requests; Standard limits and a "
              f"{args.latency:g} s answer, time x{scale:g}")
        runs = [("smartlead_nb (4 open)", lambda f: run_ours(sb, f, scale, 4)),
                ("smartlead_nb, one at a time", lambda f: run_ours(sb, f, scale, 1)),
                ("naive loop + Retry-After", lambda f: run_naive(sb, f, scale))]
        for k, (label, fn) in enumerate(runs):
            frame = unique_leads_frame(args.leads, start=k * args.leads)
            cid = fn(frame)
            rows.append(measure(sb, cid, scale, label))
    for row in rows:
        print(f"  {row['client']:30s} {row['requests']:4d} requests  {row['429s']:3d} x 429  "
              f"{row['seconds']:7.2f} s  ratio to allowed {row['ratio_to_allowed']:.2f}")
    print("  target: smartlead_nb ratio >= 0.90 with zero 429s")
    print(json.dumps(rows))
    return rows


if __name__ == "__main__":
    main()
