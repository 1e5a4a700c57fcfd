"""What the mirror refuses, and that a refusal or a failure never leaves it half-written."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import smartlead_nb as sl
from smartlead_nb import InputError, SmartleadClient, UnexpectedResponse
from smartlead_nb.mirror import store

from ..helpers import FAST_RETRIES, REPO
from .helpers import CorruptingProxy, assert_exact, running_campaign


@pytest.fixture
def synced(client, sandbox, tmp_path):
    ids = [running_campaign(client, f"Wave {n}", n_leads=40) for n in range(2)]
    sandbox.advance(days=3)
    mirror = sl.Mirror(tmp_path / "mirror.duckdb")
    mirror.sync(client, progress=False)
    return mirror, ids


def snapshot(mirror) -> dict:
    return {t: mirror.table(t).to_csv() for t in mirror.tables if t != "sync_log"}


def test_a_file_of_another_account_is_refused_and_left_alone(synced, sandbox):
    mirror, _ = synced
    before = snapshot(mirror)
    other = SmartleadClient("another-accounts-key", base_url=sandbox.base_url,
                            rate_limit=None, retry=FAST_RETRIES)
    with pytest.raises(InputError, match="belongs to another account"):
        sl.Mirror(mirror.path).sync(other, progress=False)
    assert snapshot(mirror) == before
    assert "another-accounts-key" not in mirror.path.read_bytes().decode("latin-1")


def test_the_default_file_is_one_per_account(client, sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTLEAD_NB_CACHE_DIR", str(tmp_path / "cache"))
    assert sl.Mirror().path is None
    with pytest.raises(InputError, match="no file yet"):
        sl.Mirror().sql("select 1")
    mine = sl.Mirror(client=client)
    other = SmartleadClient("k2", base_url=sandbox.base_url, rate_limit=None)
    assert mine.path.parent == tmp_path / "cache"
    assert client.fingerprint in mine.path.name
    assert sl.Mirror(client=other).path != mine.path


def test_a_file_that_is_not_a_mirror_is_refused_unchanged(client, sandbox, tmp_path):
    bad = tmp_path / "notes.duckdb"
    bad.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(InputError, match="cannot be opened as a DuckDB mirror"):
        sl.Mirror(bad).sync(client, progress=False)
    assert bad.read_bytes().startswith(b"these are my notes")
    with pytest.raises(InputError, match="is a folder"):
        sl.Mirror(tmp_path)


def test_an_answer_that_does_not_parse_fails_that_campaign_only(synced, client, sandbox):
    mirror, ids = synced
    sandbox.advance(days=1)
    before = snapshot(mirror)

    def held(cid):
        return {t: mirror.sql(f"select * from {t} where campaign_id = ?", [cid]).to_csv()
                for t in ("leads", "statistics", "replies", "mailbox_statistics", "bookmarks")}

    untouched = held(max(ids))
    with CorruptingProxy(sandbox.base_url) as proxy:
        proxy.corrupt = f"/campaigns/{max(ids)}/statistics"
        via = SmartleadClient(sandbox.api_key, base_url=proxy.base_url, rate_limit=None,
                              retry=FAST_RETRIES, identity=client.base_url)   # same account
        with pytest.raises(UnexpectedResponse) as caught:
            mirror.sync(via, progress=False)
    assert f"campaign {max(ids)} was not written" in "".join(caught.value.__notes__)
    after = snapshot(mirror)
    # The campaign synced before the bad answer is complete; the failing one is untouched.
    assert_exact(mirror, client, min(ids))
    assert held(max(ids)) == untouched
    failed = mirror.sql("select outcome, message from sync_log where campaign_id = ? "
                        "order by finished_at desc limit 1", [max(ids)])
    assert failed["outcome"][0] == "failed"
    mirror.sync(client, progress=False)           # fixed network: the next sync completes
    for cid in ids:
        assert_exact(mirror, client, cid)
    assert after != snapshot(mirror)


LOCK_HOLDER = textwrap.dedent("""
    import sys, time
    from filelock import FileLock
    lock = FileLock(sys.argv[1]); lock.acquire()
    print("held", flush=True); time.sleep(float(sys.argv[2]))
""")


def test_a_second_syncer_waits_then_refuses_with_a_clear_message(synced, client):
    mirror, _ = synced
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER,
                               str(store.lock_path(mirror.path)), "20"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = snapshot(mirror)
        waiting = sl.Mirror(mirror.path, lock_timeout=0.5)
        with pytest.raises(InputError, match="another process is syncing the mirror"):
            waiting.sync(client, progress=False)
        assert snapshot(mirror) == before
    finally:
        holder.kill()
        holder.wait()


SYNCER = textwrap.dedent("""
    import sys
    import smartlead_nb as sl
    client = sl.SmartleadClient(sys.argv[2], base_url=sys.argv[3], rate_limit=None)
    print(sl.Mirror(sys.argv[1], lock_timeout=120).sync(client, progress=False).requests)
""")


def test_two_processes_syncing_one_file_take_turns(client, sandbox, tmp_path):
    ids = [running_campaign(client, f"Wave {n}", n_leads=40) for n in range(2)]
    sandbox.advance(days=3)
    path = tmp_path / "shared.duckdb"
    env = {"PYTHONPATH": str(REPO), "SMARTLEAD_NB_CACHE_DIR": str(tmp_path / "cache"),
           "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", SYNCER, str(path), sandbox.api_key,
                               sandbox.base_url], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-800:] for o in outputs]
    spent = sorted(int(o[0].split()[-1]) for o in outputs)
    assert spent[0] < spent[1]        # the second found the file synced: a cheap re-sync
    mirror = sl.Mirror(path)
    for cid in ids:
        assert_exact(mirror, client, cid)


def test_a_mirror_file_open_for_writing_elsewhere_is_said_so(synced, client):
    mirror, _ = synced
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(20)", str(mirror.path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(InputError, match="open in another process"):
            mirror.sql("select count(*) from leads")
    finally:
        holder.kill()
        holder.wait()


KILLED_SYNCER = textwrap.dedent("""
    import sys
    import smartlead_nb as sl
    client = sl.SmartleadClient(sys.argv[2], base_url=sys.argv[3], rate_limit=None)
    print("syncing", flush=True)
    sl.Mirror(sys.argv[1]).sync(client, progress=False)
""")


def test_a_killed_sync_leaves_whole_campaigns_and_the_next_sync_completes(client, sandbox,
                                                                         tmp_path):
    import time

    from smartlead_nb.sandbox.faults import Faults

    ids = [running_campaign(client, f"Wave {n}", n_leads=30) for n in range(4)]
    sandbox.advance(days=3)
    path = tmp_path / "killed.duckdb"
    sandbox.faults = Faults(latency=0.15)       # slow enough to be killed part-way
    env = {"PYTHONPATH": str(REPO), "SMARTLEAD_NB_CACHE_DIR": str(tmp_path / "cache"),
           "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SYNCER, str(path), sandbox.api_key,
                             sandbox.base_url], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "syncing"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(
            r["path"].endswith("/leads-export") for r in sandbox.requests) < 3:
        time.sleep(0.05)
    proc.kill()                                  # SIGKILL: no clean-up of any kind
    proc.wait()
    sandbox.faults = None
    mirror = sl.Mirror(path)
    done = set(mirror.sql("select campaign_id from bookmarks")["campaign_id"])
    assert 0 < len(done) < len(ids), done
    for cid in ids:
        if cid in done:
            assert_exact(mirror, client, cid)
        else:
            assert mirror.sql("select count(*) as n from leads where campaign_id = ?",
                              [cid])["n"][0] == 0
    mirror.sync(client, progress=False)
    for cid in ids:
        assert_exact(mirror, client, cid)
