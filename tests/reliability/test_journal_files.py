"""Journals under hostile conditions: two processes on one journal, and the corpus's journal
files (garbage bytes, lines that are not journal entries)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb.sandbox import Faults, Sandbox

from ..helpers import START, sent
from ..helpers.reliability import REPO, child_env, db_campaign_emails

CHILD = Path(__file__).with_name("upload_child.py")
CORPUS = Path(__file__).with_name("corpus")
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_two_processes_on_one_journal_send_each_batch_once(tmp_path):
    key, leads, batch = "one-journal-key", 400, 20
    db = tmp_path / "shared.sqlite3"
    csv = tmp_path / "leads.csv"
    pd.DataFrame({"email": [f"lead{i}@one-journal.example" for i in range(leads)]}).to_csv(csv, index=False)
    journal = tmp_path / "shared-journal.jsonl"
    with Sandbox(db_path=db, api_key=key, start_time=START, rate_limits=None) as sb:
        cid = sl.SmartleadClient(key, base_url=sb.base_url, rate_limit=None).campaigns.create("One journal")["id"]
        # ~50 ms a batch, so the two uploads would overlap for about a second
        sb.faults = Faults(leads_latency=0.05)
        sb.clear_requests()
        env = child_env(tmp_path / "cache")
        env["SMARTLEAD_API_KEY"] = key
        start_at = time.time() + 2.5  # both start together, after their imports
        procs = [subprocess.Popen(
            [sys.executable, str(CHILD), sb.base_url, str(cid), str(csv), str(journal),
             str(tmp_path / f"report{k}.csv"), "--batch-size", str(batch), "--max-in-flight", "1",
             "--start-at", str(start_at)],
            env=env, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for k in range(2)]
        outs = [p.communicate(timeout=60)[0].decode() for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        posts = sent(sb, "POST", f"/campaigns/{cid}/leads")
    assert len(posts) == leads // batch, f"{len(posts)} lead POSTs for {leads // batch} batches"
    for k in range(2):  # both report every row uploaded: one sent them, one found them confirmed
        report = pd.read_csv(tmp_path / f"report{k}.csv")
        assert (report["outcome"] == "uploaded").all(), outs[k]
    assert len(db_campaign_emails(db, cid)) == leads


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["path"] == "journal"],
                         ids=lambda e: e["file"])
def test_journal_input(entry, client, sandbox, tmp_path):
    """A hostile journal file: refused with an InputError that names it and says how to start
    over; nothing is sent."""
    path = tmp_path / entry["file"]
    shutil.copy(CORPUS / entry["file"], path)
    cid = client.campaigns.create(f"Corpus {entry['file']}")["id"]
    sandbox.clear_requests()
    with pytest.raises(sl.InputError) as info:
        sl.upload_leads(client, cid, pd.DataFrame({"email": ["ana@example.com"]}), journal=path,
                        progress=False)
    text = str(info.value)
    assert str(path) in text and "journal=False" in text and "delete" in text
    assert entry["match"] in text
    assert sent(sandbox, "POST") == []
