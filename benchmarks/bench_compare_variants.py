"""Target 5: ``compare_variants`` on 1,000,000 statistics rows costs at most 2x a plain
``stats.groupby(["sequence_number", "seq_variant_id"]).size()`` on the same frame.

The frame has the columns and dtypes ``campaign_statistics_frame`` returns (3 steps x 3
variants, replies arriving over two weeks, some bounces and unsubscribes, a lead category on
replied rows), built once and shared by both sides; each side is timed best of ``--repeat``.

    python benchmarks/bench_compare_variants.py [--rows 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def statistics_rows(n: int, *, seed: int = 12) -> pd.DataFrame:
    """``n`` per-email rows shaped like ``campaign_statistics_frame`` output."""
    rng = np.random.default_rng(seed)
    step = rng.integers(1, 4, n)
    variant = rng.integers(0, 3, n)
    start = pd.Timestamp("2025-01-06", tz="UTC")
    sent = start + pd.to_timedelta(rng.uniform(0, 40, n), unit="D")
    replied = rng.random(n) < 0.03 + 0.01 * variant
    reply = pd.Series(sent + pd.to_timedelta(rng.exponential(3, n), unit="D")).where(replied)
    opened = rng.random(n) < 0.4
    open_time = pd.Series(sent + pd.to_timedelta(rng.exponential(1, n), unit="D")).where(opened)
    categories = np.array(["Interested", "Meeting Request", "Not Interested", "Out Of Office"],
                          dtype=object)
    return pd.DataFrame({
        "lead_email": pd.Series(np.arange(n)).astype(str) + "@example.com",
        "lead_category": pd.Series(categories[rng.integers(0, 4, n)]).where(replied),
        "sequence_number": pd.array(step, dtype="Int64"),
        "email_campaign_seq_id": pd.array(70000 + step, dtype="Int64"),
        "seq_variant_id": pd.array(80000 + 10 * step + variant, dtype="Int64"),
        "sent_time": sent,
        "open_time": open_time.to_numpy(),
        "click_time": pd.Series(open_time).where(rng.random(n) < 0.1).to_numpy(),
        "reply_time": reply.to_numpy(),
        "open_count": pd.array(opened.astype(int), dtype="Int64"),
        "is_unsubscribed": pd.array(replied & (rng.random(n) < 0.05), dtype="boolean"),
        "is_bounced": pd.array(rng.random(n) < 0.02, dtype="boolean"),
    })


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> dict:
    from smartlead_nb.analysis import compare_variants

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    stats = statistics_rows(args.rows)
    compare_variants(stats)          # warm-up: statsmodels/scipy imports are not the target
    sides = {
        'stats.groupby(["sequence_number", "seq_variant_id"]).size()':
            lambda: stats.groupby(["sequence_number", "seq_variant_id"]).size(),
        'compare_variants(stats)': lambda: compare_variants(stats),
        'compare_variants(stats, metric="positive")':
            lambda: compare_variants(stats, metric="positive"),
    }
    # Interleave the sides so that noise from other work on the machine falls on both.
    results = {name: float("inf") for name in sides}
    for _ in range(args.repeat):
        for name, fn in sides.items():
            results[name] = min(results[name], best(fn, 1))
    base = next(iter(results.values()))
    print(f"{args.rows:,} statistics rows, best of {args.repeat}")
    print(f"{'what':<60} {'seconds':>8} {'ratio':>6}")
    for name, seconds in results.items():
        print(f"{name:<60} {seconds:8.3f} {seconds / base:6.2f}")
    ratio = results["compare_variants(stats)"] / base
    print(f"target: compare_variants <= 2.00 x groupby().size(): "
          f"{'met' if ratio <= 2 else 'NOT met'} ({ratio:.2f})")
    return {"ratio": ratio, "seconds": results}


if __name__ == "__main__":
    main()
