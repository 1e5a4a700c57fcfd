"""Resume that never lies: state files are named by the account, not the sandbox's port.

A sandbox keeps an ``instance_id`` in its database file (new after a reset) and never reuses
ids; ``connect()`` names the account ``sandbox:<instance_id>``. So a launch re-run in a new
kernel (same database, new port) adopts the campaign it created, its upload journal and its
rate budget file, while a journal written before a reset can never vouch for a batch the
reset sandbox never received.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import requests

import smartlead_nb as sl
from smartlead_nb.sandbox import Sandbox
from smartlead_nb.upload import default_journal_path

from ..helpers import FAST_RETRIES, START, sent
from ..helpers.reliability import REPO, child_env, db_campaigns

CHILD = Path(__file__).with_name("launch_child.py")


def frame(n, k=0):
    return pd.DataFrame({"email": [f"lead{i}@reset{k}.example" for i in range(n)]})


def test_instance_id_survives_restarts_and_changes_on_reset(tmp_path):
    db = tmp_path / "sb.sqlite3"
    with Sandbox(db_path=db, rate_limits=None, start_time=START) as sb:
        first, port = sb.instance_id, sb.port
        assert len(first) == 32 and int(first, 16) >= 0
        state = requests.get(sb.base_url + "/_sandbox/state", params={"api_key": sb.api_key}).json()
        assert state["instance_id"] == first
        cid = requests.post(sb.base_url + "/campaigns/create", params={"api_key": sb.api_key},
                            json={"name": "before"}).json()["id"]
    with Sandbox(db_path=db, rate_limits=None) as sb:
        assert sb.instance_id == first and sb.port != port       # same file, new port
        sb.reset()
        assert sb.instance_id != first
        after = requests.post(sb.base_url + "/campaigns/create", params={"api_key": sb.api_key},
                              json={"name": "after"}).json()["id"]
        assert after > cid                                       # ids are never reused
        accounts = requests.get(sb.base_url + "/email-accounts", params={"api_key": sb.api_key}).json()
        assert 3001 in [a["id"] for a in accounts]                # seeded rows keep their ids


def test_fingerprint_names_the_identity_not_the_address(sandbox):
    plain = sl.SmartleadClient("k", base_url=sandbox.base_url, rate_limit=None)
    named = sl.SmartleadClient("k", base_url=sandbox.base_url, rate_limit=None,
                               identity=f"sandbox:{sandbox.instance_id}")
    moved = sl.SmartleadClient("k", base_url="http://127.0.0.1:9/api/v1", rate_limit=None,
                               identity=f"sandbox:{sandbox.instance_id}")
    other_key = sl.SmartleadClient("k2", base_url=sandbox.base_url, rate_limit=None,
                                   identity=f"sandbox:{sandbox.instance_id}")
    assert named.fingerprint == moved.fingerprint != plain.fingerprint
    assert other_key.fingerprint != named.fingerprint
    assert all(c.isalnum() for c in named.fingerprint) and "k" != named.fingerprint


def test_connect_names_the_sandbox_by_its_instance_id(monkeypatch, tmp_path):
    import importlib

    connect_module = importlib.import_module("smartlead_nb._connect")
    monkeypatch.delenv("SMARTLEAD_API_KEY", raising=False)
    monkeypatch.delenv("SMARTLEAD_NB_CASSETTE", raising=False)
    monkeypatch.setenv("SMARTLEAD_NB_SANDBOX_DB", str(tmp_path / "sb.sqlite3"))
    monkeypatch.setattr(connect_module, "_sandbox", None)
    client = sl.connect(quiet=True, rate_limit=None)
    try:
        sandbox = connect_module.sandbox_instance()
        expected = sl.SmartleadClient(sandbox.api_key, base_url="http://elsewhere.invalid/api/v1",
                                      identity=f"sandbox:{sandbox.instance_id}", rate_limit=None)
        assert client.fingerprint == expected.fingerprint
    finally:
        connect_module._sandbox.stop()


def test_a_journal_from_before_a_reset_vouches_for_nothing(sandbox, tmp_path):
    def client_now():
        return sl.SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=None,
                                  retry=FAST_RETRIES, identity=f"sandbox:{sandbox.instance_id}")
    journals = [tmp_path / "kept.jsonl", True]       # an explicit path, and the default one
    before = client_now()
    old = [before.campaigns.create(f"Campaign {k}")["id"] for k in range(2)]
    for k, (cid, journal) in enumerate(zip(old, journals)):
        sl.upload_leads(before, cid, frame(50, k), journal=journal, batch_size=20, progress=False)
    sandbox.reset()
    sandbox.clear_requests()
    after = client_now()
    new = [after.campaigns.create(f"Campaign {k}")["id"] for k in range(2)]
    assert not set(new) & set(old)                   # the reset sandbox reuses no id
    assert default_journal_path(after, new[1]) != default_journal_path(before, old[1])
    for k, (cid, journal) in enumerate(zip(new, journals)):
        result = sl.upload_leads(after, cid, frame(50, k), journal=journal, batch_size=20,
                                 progress=False)
        assert (result.rows["outcome"] == "uploaded").all()
        # every batch really reached the new sandbox: none was skipped as "confirmed"
        assert len(sent(sandbox, "POST", f"/campaigns/{cid}/leads")) == 3
        assert len(after.leads.list(cid)) == 50


def run_child(env, name, n):
    out = subprocess.run([sys.executable, str(CHILD), name, str(n)], env=env, cwd=str(REPO),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_launch_rerun_in_a_new_kernel_adopts_its_campaign(tmp_path):
    db, cache = tmp_path / "shared.sqlite3", tmp_path / "cache"
    env = child_env(cache)
    env["SMARTLEAD_NB_SANDBOX_DB"] = str(db)
    for name in ("SMARTLEAD_API_KEY", "SMARTLEAD_BASE_URL", "SMARTLEAD_NB_CASSETTE"):
        env.pop(name, None)
    first = run_child(env, "Two kernels", 30)
    second = run_child(env, "Two kernels", 30)
    assert first["port"] != second["port"]                       # a new kernel, a new port
    assert first["fingerprint"] == second["fingerprint"]
    assert second["campaign_id"] == first["campaign_id"]
    assert (first["creates"], second["creates"]) == (1, 0)
    assert (first["lead_posts"], second["lead_posts"]) == (1, 0)  # the journal carried over
    assert second["uploaded"] == 30
    assert [n for _, n in db_campaigns(db)] == ["Two kernels"]
    budgets = sorted(p.name for p in cache.glob("budget-*.sqlite3"))
    assert budgets == [f"budget-{first['fingerprint']}.sqlite3"]  # one budget file, not one per kernel
    assert len(list((cache / "plans").iterdir())) == 1
