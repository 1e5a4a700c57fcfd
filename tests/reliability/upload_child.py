"""A separate 'kernel' that uploads a CSV with a journal, for the kill, restart and
two-kernel tests.

    python tests/reliability/upload_child.py BASE_URL CID CSV JOURNAL REPORT [options]

The key comes from ``SMARTLEAD_API_KEY``. Exit 0: done (the per-row report is written to
REPORT); 3: UploadInterrupted (re-run to resume); anything else is a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from smartlead_nb import RateLimit, RetryPolicy, SmartleadClient
from smartlead_nb import UploadInterrupted, upload_leads


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("base_url")
    p.add_argument("campaign_id", type=int)
    p.add_argument("csv")
    p.add_argument("journal")
    p.add_argument("report")
    p.add_argument("--batch-size", type=int, default=200)
    p.add_argument("--max-in-flight", type=int, default=2)
    p.add_argument("--time-scale", type=float, default=None,
                   help="use the default shared budget with windows scaled by this")
    p.add_argument("--margin", type=float, default=None, help="RateLimit margin (default: its own)")
    p.add_argument("--start-at", type=float, default=None,
                   help="wait until this time.time() so that two children overlap")
    args = p.parse_args()
    if args.time_scale is None:
        limit, retry = None, RetryPolicy(backoff_factor=0.01, backoff_jitter=0.0,
                                         backoff_max=0.05, max_wait=2.0)
    else:
        limit = RateLimit(time_scale=args.time_scale)
        if args.margin is not None:
            limit = RateLimit(time_scale=args.time_scale, margin=args.margin)
        retry = RetryPolicy()
    client = SmartleadClient(os.environ["SMARTLEAD_API_KEY"], base_url=args.base_url,
                             rate_limit=limit, retry=retry)
    if args.start_at is not None:
        time.sleep(max(0.0, args.start_at - time.time()))
    try:
        result = upload_leads(client, args.campaign_id, args.csv, journal=args.journal,
                              batch_size=args.batch_size, max_in_flight=args.max_in_flight,
                              progress=False)
    except UploadInterrupted as exc:
        print(f"INTERRUPTED {exc}", flush=True)
        return 3
    result.rows.to_csv(args.report)
    print(f"DONE {result.summary().to_dict()} stats={client.stats}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
