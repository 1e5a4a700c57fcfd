"""Target 8: ``monitor_variants`` replayed over 60 daily looks of a 100,000-row campaign costs
at most 40x one ``compare_variants`` call on the full frame.

The frame is ``bench_compare_variants.statistics_rows`` (the columns and dtypes of
``campaign_statistics_frame``: 3 steps x 3 variants, sends over 40 days, replies over the
following weeks), in send order as the statistics pages return it. The replay calls ``monitor_variants(stats, plan=plan, now=day)`` for each
of the 60 days from the first send, as an analyst looking every morning would; the other
side is one ``compare_variants(stats)``. Both sides are timed best of ``--repeat``,
interleaved, on the same frame.

    python benchmarks/bench_monitor_variants.py [--rows 100000] [--looks 60] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_compare_variants import statistics_rows  # noqa: E402  (the shared frame)

TARGET = 40.0


def main(argv=None) -> dict:
    from smartlead_nb.analysis import compare_variants, monitor_variants, plan_test

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--looks", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    # in send order, as the statistics pages come (the sandbox: ORDER BY sent_time)
    stats = statistics_rows(args.rows).sort_values("sent_time", kind="stable", ignore_index=True)
    plan = plan_test(0.03, 0.01, variants=3)
    first = stats["sent_time"].min().normalize()
    days = [first + pd.Timedelta(days=d) for d in range(1, args.looks + 1)]
    compare_variants(stats)                 # warm-up: imports are not the target
    monitor_variants(stats, plan=plan, now=days[-1])

    def replay():
        for day in days:
            monitor_variants(stats, plan=plan, now=day)

    sides = {"compare_variants(stats), once": lambda: compare_variants(stats),
             f"monitor_variants(stats, plan=plan, now=day), {args.looks} days": replay}
    results = {name: float("inf") for name in sides}
    for _ in range(args.repeat):            # interleaved: machine noise falls on both sides
        for name, fn in sides.items():
            t0 = time.perf_counter()
            fn()
            results[name] = min(results[name], time.perf_counter() - t0)
    base = next(iter(results.values()))
    print(f"{args.rows:,} statistics rows, {args.looks} daily looks, best of {args.repeat}")
    print(f"{'what':<60} {'seconds':>8} {'ratio':>6}")
    for name, seconds in results.items():
        print(f"{name:<60} {seconds:8.3f} {seconds / base:6.2f}")
    ratio = list(results.values())[1] / base
    print(f"target: {args.looks} looks <= {TARGET:.0f} x one compare_variants: "
          f"{'met' if ratio <= TARGET else 'NOT met'} ({ratio:.1f})")
    return {"ratio": ratio, "seconds": results}


if __name__ == "__main__":
    main()
