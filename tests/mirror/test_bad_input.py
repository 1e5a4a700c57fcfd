"""What the mirror refuses, and that a refusal or a failure never leaves it half-written."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

import smartlead_nb as sl
from smartlead_nb import InputError, SmartleadClient, UnexpectedResponse
from smartlead_nb.mirror import MirrorFileError, MirrorInUseError, store

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


# --- files the mirror cannot use (issue 19, item 8) -----------------------------------------
def _sqlite_file(path):
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE leads (email TEXT)")
    con.execute("INSERT INTO leads VALUES ('ana@example.com')")
    con.commit()
    con.close()


def _other_duckdb_file(path):
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers AS SELECT range AS id FROM range(1000)")
    con.close()


def _parquet_file(path):
    import duckdb

    con = duckdb.connect()
    con.execute(f"COPY (SELECT range AS id FROM range(1000)) TO '{path}' (FORMAT parquet)")
    con.close()


# Each turns the healthy mirror's bytes into an unusable file (or writes one at the path).
DAMAGE = {
    "cut in half": lambda data, path: path.write_bytes(data[:len(data) // 2]),
    "cut to a tenth": lambda data, path: path.write_bytes(data[:len(data) // 10]),
    "cut to 4 KB": lambda data, path: path.write_bytes(data[:4096]),
    "empty": lambda data, path: path.write_bytes(b""),
    "random bytes": lambda data, path: path.write_bytes(
        __import__("random").Random(5).randbytes(len(data))),
    "a CSV file": lambda data, path: path.write_text("email,first_name\nana@example.com,Ana\n"
                                                     * 200),
    "a SQLite database": lambda data, path: (path.unlink(), _sqlite_file(path)),
    "another DuckDB database": lambda data, path: (path.unlink(), _other_duckdb_file(path)),
    "a Parquet file": lambda data, path: (path.unlink(), _parquet_file(path)),
}


def entry_points(mirror_path, client, tmp_path):
    """Every public way into a mirror file, each a callable."""
    return {
        "Mirror()": lambda: sl.Mirror(mirror_path),
        "sql": lambda: _unchecked(mirror_path).sql("select count(*) from leads"),
        "table": lambda: _unchecked(mirror_path).table("leads"),
        "contacted": lambda: _unchecked(mirror_path).contacted(["lead0@example.com"]),
        "to_parquet": lambda: _unchecked(mirror_path).to_parquet(tmp_path / "export"),
        "sync": lambda: _unchecked(mirror_path).sync(client, progress=False),
    }


def _unchecked(path):
    """A Mirror on ``path`` made before the file went bad (so the constructor's own check
    is not what answers: each method must)."""
    mirror = sl.Mirror(None)
    mirror.path = path
    return mirror


def assert_the_mirrors_own_error(caught, path):
    error = caught.value
    assert type(error) in (MirrorFileError, MirrorInUseError), type(error)
    text = str(error)
    assert str(path) in text
    # No DuckDB traceback under ours: nothing chained, nothing shown as "during handling".
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    assert not [a for a in error.args if "duckdb" in type(a).__module__]
    return text


def test_an_unusable_file_gets_the_mirrors_own_error_from_every_entry_point(
        synced, client, tmp_path):
    mirror, _ = synced
    healthy = mirror.path.read_bytes()
    for damage, make in DAMAGE.items():       # one sync for all: each kind on its own file
        bad = tmp_path / f"bad-{damage.replace(' ', '-')}.duckdb"
        bad.write_bytes(healthy)
        make(healthy, bad)
        before = bad.read_bytes()
        for name, call in entry_points(bad, client, tmp_path).items():
            with pytest.raises(MirrorFileError) as caught:
                call()
            text = assert_the_mirrors_own_error(caught, bad)
            assert re.search(r"move .* away", text, re.I), (damage, name, text)
            assert "damaged" in text or "not a mirror" in text, (damage, name, text)
            assert bad.read_bytes() == before, f"{name} changed the file ({damage})"


def test_damage_inside_the_file_is_reported_when_it_is_read(synced, client, tmp_path):
    """Blocks overwritten in the middle: DuckDB finds them by their checksums when it reads
    them. Whatever reads them says the mirror is damaged; nothing raises DuckDB's error."""
    mirror, _ = synced
    data = bytearray(mirror.path.read_bytes())
    bad = tmp_path / "bad.duckdb"
    third = len(data) // 3
    data[third:2 * third] = bytes(third)
    bad.write_bytes(bytes(data))
    outcomes = {}
    for name, call in entry_points(bad, client, tmp_path).items():
        try:
            call()
        except MirrorFileError as exc:
            assert str(bad) in str(exc) and exc.__cause__ is None
            assert exc.__context__ is None or exc.__suppress_context__
            assert "damaged" in str(exc) and re.search(r"move .* away", str(exc), re.I)
            outcomes[name] = "refused"
        else:
            outcomes[name] = "fine"
    assert outcomes["to_parquet"] == "refused"     # it reads every table


def test_a_file_written_by_a_newer_schema_is_refused_for_writing_not_reading(synced, client):
    import duckdb

    mirror, _ = synced
    con = duckdb.connect(str(mirror.path))
    con.execute("UPDATE mirror_meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    before = snapshot(mirror)
    with pytest.raises(MirrorFileError, match="schema version 99") as caught:
        mirror.sync(client, progress=False)
    assert_the_mirrors_own_error(caught, mirror.path)
    assert snapshot(mirror) == before


WRITER = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
          "print('open', flush=True); time.sleep(30)")


def test_a_file_open_for_writing_elsewhere_is_said_so_by_every_entry_point(synced, client,
                                                                           tmp_path):
    mirror, _ = synced
    holder = subprocess.Popen([sys.executable, "-c", WRITER, str(mirror.path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        calls = entry_points(mirror.path, client, tmp_path)
        calls.pop("Mirror()")()           # in use is not unusable: making a Mirror is fine
        for name, call in calls.items():
            with pytest.raises(MirrorInUseError, match="open in another process") as caught:
                call()
            assert_the_mirrors_own_error(caught, mirror.path)
    finally:
        holder.kill()
        holder.wait()


def _writable(path) -> bool:
    try:
        if path.is_dir():
            (path / "probe").touch()
            (path / "probe").unlink()
        else:
            with open(path, "r+b"):
                pass
    except PermissionError:
        return False
    return True


def _make_read_only(path) -> bool:
    """chmod a-w, and for root (whom permissions do not stop) the immutable attribute.
    True when writing to the file (or into the folder) now really fails."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if not _writable(path):
        return True
    subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return not _writable(path)


def _make_writable(path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_file_can_be_read_but_not_synced(synced, client, tmp_path):
    mirror, ids = synced
    before = snapshot(mirror)
    try:
        if not _make_read_only(mirror.path):
            pytest.skip("this user can write any file (root without the immutable attribute): "
                        "a read-only mirror file cannot be made here")
        assert len(sl.Mirror(mirror.path).table("leads")) == 80
        assert set(sl.Mirror(mirror.path).contacted(
            [f"lead0.{ids[0]}@example.com"])["campaign_id"]) == {ids[0]}
        with pytest.raises(MirrorFileError, match="cannot be written here") as caught:
            mirror.sync(client, progress=False)
        text = assert_the_mirrors_own_error(caught, mirror.path)
        assert "move it away" in text
    finally:
        _make_writable(mirror.path)
    assert snapshot(mirror) == before


def test_a_mirror_in_a_read_only_folder_can_be_read_but_not_synced(synced, client, tmp_path):
    mirror, _ = synced
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "mirror.duckdb"
    path.write_bytes(mirror.path.read_bytes())
    try:
        if not _make_read_only(folder):
            pytest.skip("this user can write in any folder (root without the immutable "
                        "attribute): a read-only folder cannot be made here")
        copy = sl.Mirror(path)
        assert len(copy.table("leads")) == 80
        with pytest.raises(MirrorFileError, match="cannot be synced here") as caught:
            copy.sync(client, progress=False)
        assert "Move the mirror away" in assert_the_mirrors_own_error(caught, path)
    finally:
        _make_writable(folder)
    assert path.read_bytes() == mirror.path.read_bytes()
