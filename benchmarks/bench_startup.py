"""Target 4: ``import smartlead_nb`` costs at most 20% over ``import pandas`` alone.

Each variant runs in a fresh interpreter ``--runs`` times, interleaved so that machine noise
hits all of them alike; the medians are compared. Also shown, for honesty: the first real use
(``smartlead_nb.SmartleadClient``, which loads pandas and requests), building a client (which
also loads the rate limiter), and that no Jupyter or widget module is loaded by any of them.

    python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

VARIANTS = {
    "import pandas": "import pandas",
    "import smartlead_nb": "import smartlead_nb",
    "smartlead_nb.SmartleadClient (first use)": "import smartlead_nb; smartlead_nb.SmartleadClient",
    "SmartleadClient(...) built (limiter loaded)":
        "import smartlead_nb as sl; sl.SmartleadClient('k', base_url='http://127.0.0.1:9/api/v1',"
        " rate_limit=sl.RateLimit(shared=False))",
}
CHECK = ("import sys, smartlead_nb; smartlead_nb.SmartleadClient; smartlead_nb.CampaignPlan; "
         "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
         "('ipywidgets', 'IPython', 'jupyter_client', 'ipykernel', 'voila', 'matplotlib')); print(bad)")


def timed(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t0


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    timed("pass")  # warm the file cache
    samples = {name: [] for name in VARIANTS}
    baseline = []
    for _ in range(args.runs):
        baseline.append(timed("pass"))
        for name, code in VARIANTS.items():
            samples[name].append(timed(code))
    empty = statistics.median(baseline)
    cost = {name: statistics.median(v) - empty for name, v in samples.items()}
    pandas = cost["import pandas"]
    print(f"start-up: median of {args.runs} fresh interpreters, interpreter start ({empty * 1000:.0f} ms) subtracted")
    for name, value in cost.items():
        print(f"  {name:42s} {value * 1000:6.0f} ms   ratio to pandas {value / pandas:.2f}")
    loaded = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True).stdout.strip()
    print(f"  Jupyter/widget modules loaded by the client and plan: {loaded}")
    ratio = cost["import smartlead_nb"] / pandas
    print(f"  target: import smartlead_nb <= 1.20 x import pandas -> {ratio:.2f}")
    return {"ratio": ratio, "first_use_ratio": cost["smartlead_nb.SmartleadClient (first use)"] / pandas}


if __name__ == "__main__":
    main()
