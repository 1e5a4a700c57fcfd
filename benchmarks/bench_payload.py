"""Target 2: building the lead payloads is no slower than ``df.to_dict("records")`` alone.

For a 1,000,000 x 12 leads frame (standard and custom fields, NaN, ~1% invalid and ~1%
duplicate emails) it times, side by side in one process:

* ``to_dict``: ``df.to_dict("records")`` alone (the baseline, ratio 1.0);
* ``smartlead_nb``: map columns, clean values, validate and de-duplicate emails, and serialise
  every batch to the JSON bytes actually sent (``leads_from_frame`` + ``json_batches``);
* ``naive``: what a hand-written client does: ``to_dict``, a per-row regex check and
  de-duplication, then ``json.dumps`` of each 400-lead batch.

Each is run ``--repeat`` times alternately; the best time of each is compared.

    python benchmarks/bench_payload.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time

import pandas as pd

from _data import leads_frame
from smartlead_nb.frames.leads import leads_from_frame

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
STANDARD = {"Email": "email", "First Name": "first_name", "Last Name": "last_name",
            "Company": "company_name", "Phone": "phone_number", "Website": "website",
            "City": "location", "LinkedIn": "linkedin_profile"}


def run_to_dict(df: pd.DataFrame) -> int:
    return len(df.to_dict("records"))


def run_ours(df: pd.DataFrame) -> int:
    result = leads_from_frame(df)
    return sum(len(batch.body) for batch in result.json_batches(400))


def run_naive(df: pd.DataFrame) -> int:
    seen, leads = set(), []
    for row in df.to_dict("records"):
        email = str(row.get("Email") or "").strip()
        if not EMAIL.match(email) or email.lower() in seen:
            continue
        seen.add(email.lower())
        lead, custom = {}, {}
        for key, value in row.items():
            if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
                continue
            if key in STANDARD:
                lead[STANDARD[key]] = str(int(value)) if key == "Phone" else str(value).strip()
            else:
                custom[key] = str(value)
        lead["email"] = email
        lead["custom_fields"] = custom
        leads.append(lead)
    return sum(len(json.dumps(leads[i:i + 400]).encode()) for i in range(0, len(leads), 400))


def best_of(fn, df, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(df)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    df = leads_frame(args.rows)
    print(f"payload: {args.rows:,} rows x {df.shape[1]} columns, best of {args.repeat}")
    base = best_of(run_to_dict, df, args.repeat)
    ours = best_of(run_ours, df, args.repeat)
    naive = best_of(run_naive, df, max(1, args.repeat - 1))
    figures = {"to_dict_s": base, "smartlead_nb_s": ours, "naive_s": naive,
               "smartlead_nb_ratio": ours / base, "naive_ratio": naive / base}
    print(f"  df.to_dict('records')            {base:6.2f} s   ratio 1.00 (baseline)")
    print(f"  smartlead_nb (to JSON bytes)     {ours:6.2f} s   ratio {ours / base:.2f}   target <= 1.00")
    print(f"  naive: to_dict + loop + dumps    {naive:6.2f} s   ratio {naive / base:.2f}")
    return figures


if __name__ == "__main__":
    main()
