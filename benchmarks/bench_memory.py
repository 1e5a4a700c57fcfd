"""Target 3: streaming an upload from a CSV keeps memory flat: peak resident memory for a
2,000,000-row file is at most 1.2x the peak for a 200,000-row file.

Each upload runs in its own fresh process (so each peak is its own), against a sandbox
running in a separate process without rate limits (memory, not pacing, is measured here).
The per-row report is written to a CSV file as the upload goes (``report_path=``), which is
how a file too big for memory is meant to be uploaded; in memory the result keeps counts.

    python benchmarks/bench_memory.py [--small 200000] [--large 2000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write_csv(path: Path, rows: int, offset: int) -> None:
    """``rows`` leads whose emails start at ``offset`` (so two files share no lead)."""
    sys.path.insert(0, str(HERE))
    from _data import leads_frame

    step = 200_000
    with open(path, "w", encoding="utf-8") as fh:
        for start in range(0, rows, step):
            leads_frame(min(step, rows - start), start=offset + start).to_csv(
                fh, index=False, header=start == 0)


def child(csv_path: str, base_url: str, key: str, workdir: str) -> None:
    import smartlead_nb as sl

    client = sl.SmartleadClient(key, base_url=base_url, rate_limit=None)
    cid = client.campaigns.create(f"memory {Path(csv_path).name}")["id"]
    t0 = time.perf_counter()
    result = sl.upload_leads(client, cid, csv_path, journal=Path(workdir) / f"{cid}.jsonl",
                             progress=False, report_path=Path(workdir) / f"{cid}-report.csv")
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": int(result.summary().sum()), "uploaded": int(result.summary().get("uploaded", 0)),
                      "peak_mb": round(peak_mb, 1), "seconds": round(seconds, 1)}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--large", type=int, default=2_000_000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port, key = free_port(), "memory-bench-key"
        server = subprocess.Popen([sys.executable, "-m", "smartlead_nb.sandbox", "--port", str(port),
                                   "--api-key", key, "--db", str(tmp / "sandbox.sqlite3"),
                                   "--no-rate-limit"], stdout=subprocess.PIPE, text=True)
        try:
            server.stdout.readline()  # "SmartLead sandbox listening on ..."
            base_url = f"http://127.0.0.1:{port}/api/v1"
            results = {}
            for k, rows in enumerate((args.small, args.large)):
                path = tmp / f"leads-{rows}.csv"
                write_csv(path, rows, offset=k * 10_000_000)
                out = subprocess.run([sys.executable, __file__, "--child", str(path), base_url, key, str(tmp)],
                                     capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(HERE)))
                if out.returncode:
                    raise SystemExit(out.stderr)
                results[rows] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            server.terminate()
            server.wait(timeout=30)
    small, large = results[args.small], results[args.large]
    ratio = large["peak_mb"] / small["peak_mb"]
    print(f"memory: streaming upload from CSV, peak resident memory of the uploading process")
    for rows, r in results.items():
        print(f"  {rows:>9,} rows  peak {r['peak_mb']:7.1f} MB  ({r['uploaded']:,} uploaded in {r['seconds']:.0f} s)")
    print(f"  ratio large/small {ratio:.2f}   target <= 1.20")
    return {"ratio": ratio, **{str(k): v for k, v in results.items()}}


if __name__ == "__main__":
    main()
