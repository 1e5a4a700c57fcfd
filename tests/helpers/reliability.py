"""Helpers shared by the reliability and security tests (tests/reliability/, issue 7).

The per-test ``sandbox`` and ``client`` fixtures come from ``tests/conftest.py``; these add
ways to look at the sandbox's SQLite file directly (so checking the final state does not go
through the faulty HTTP path under test) and to build lead frames with known bad rows.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import requests

from . import REPO


def db_campaign_emails(db_path, campaign_id: int) -> list[str]:
    """Every lead email the sandbox holds for a campaign, straight from its SQLite file
    (a list, so a lead stored twice would show up as a repeat)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        rows = con.execute(
            "SELECT l.email FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id "
            "WHERE cl.campaign_id = ?", (campaign_id,)).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def db_campaigns(db_path) -> list[tuple[int, str]]:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute("SELECT id, name FROM campaigns ORDER BY id").fetchall()
    finally:
        con.close()


def messy_leads(n_valid: int, *, n_invalid: int, n_dupes: int, start: int = 0,
                domain: str = "soak.example") -> tuple[pd.DataFrame, set[str]]:
    """``n_valid`` unique good leads, plus invalid and duplicate rows spread through the frame.

    Returns the frame and the set of emails that must end up in the campaign (lower-cased).
    """
    good = [f"lead{i}@{domain}" for i in range(start, start + n_valid)]
    invalid = [f"broken{i}@" if i % 3 == 0 else (f"no at sign {i}" if i % 3 == 1 else f"x{i}@@{domain}")
               for i in range(n_invalid)]
    # duplicates: the same address in another case and with spaces around it
    dupes = [f"  LEAD{start + (i * 7919) % n_valid}@{domain.upper()} " for i in range(n_dupes)]
    emails = good + invalid + dupes
    order = pd.Series(range(len(emails))).sample(frac=1.0, random_state=11).to_list()
    # shuffled: a duplicate may come before its original; either copy may be the one kept
    shuffled = [emails[i] for i in order]
    frame = pd.DataFrame({
        "Email Address": shuffled,
        "First Name": [f"F{i}" for i in range(len(shuffled))],
        "Company": ["Acme"] * len(shuffled),
    })
    return frame, {e.lower() for e in good}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox_process(port: int, db: Path, api_key: str, log: Path) -> subprocess.Popen:
    """``python -m smartlead_nb.sandbox`` on ``port``; returns once it answers."""
    out = open(log, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "smartlead_nb.sandbox", "--port", str(port), "--api-key", api_key,
         "--db", str(db), "--no-rate-limit"],
        stdout=out, stderr=subprocess.STDOUT, cwd=str(REPO))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sandbox exited: {log.read_text()[-2000:]}")
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/_sandbox/state",
                         params={"api_key": api_key}, timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("sandbox did not start")


def child_env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SMARTLEAD_NB_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env
