"""State survives restarts; the CLI serves and prints its address."""
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
import requests

from smartlead_nb.sandbox import Sandbox
from smartlead_nb.sandbox.store import default_db_path

from ..helpers.sandbox import START, Api


def test_state_survives_stop_and_start(tmp_path):
    db = tmp_path / "persist.sqlite3"
    with Sandbox(db_path=db, rate_limits=None, start_time=START) as sb:
        api = Api(sb)
        cid = api.ready_campaign(n_leads=3)
        sb.advance(days=1)
        clock = sb.now
        sent = api.get(f"/campaigns/{cid}/analytics").json()["sent_count"]
    with Sandbox(db_path=db, rate_limits=None, start_time=START + timedelta(days=99)) as sb:
        api = Api(sb)
        assert sb.now == clock == START + timedelta(days=1)   # start_time only seeds new DBs
        assert api.get(f"/campaigns/{cid}").json()["status"] == "ACTIVE"
        assert api.get(f"/campaigns/{cid}/leads").json()["total_leads"] == "3"
        assert api.get(f"/campaigns/{cid}/analytics").json()["sent_count"] == sent != "0"
        assert len(api.get("/email-accounts/").json()) == 6     # seeded once only


def test_reset_wipes_state(sandbox, api):
    api.ready_campaign(n_leads=2)
    sandbox.advance(days=2)
    sandbox.reset()
    assert api.get("/campaigns").json() == []
    assert api.get("/leads/", params={"email": "lead0.1001@example.com"}).json() == {}
    assert sandbox.now == START and len(api.get("/email-accounts").json()) == 6
    assert api.post("/_sandbox/reset").json()["ok"] is True


def test_memory_database(tmp_path):
    with Sandbox(db_path=":memory:", rate_limits=None) as sb:
        assert Api(sb).create("mem") > 0


def test_default_db_path_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SMARTLEAD_NB_SANDBOX_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("SMARTLEAD_NB_SANDBOX_DB")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_db_path() == tmp_path / "cache" / "smartlead_nb" / "sandbox.sqlite3"


def test_only_loopback():
    with pytest.raises(ValueError, match="127.0.0.1"):
        Sandbox(host="0.0.0.0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_cli(tmp_path, *extra):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "smartlead_nb.sandbox", "--port", str(port),
         "--db", str(tmp_path / "cli.sqlite3"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return port, proc, proc.stdout.readline().strip()


def test_cli_serves_and_stops_on_sigterm(tmp_path):
    port, proc, line = _run_cli(tmp_path, "--seed", "3")
    try:
        url = f"http://127.0.0.1:{port}/api/v1"
        assert line == f"SmartLead sandbox listening on {url} (key: sandbox-demo-key)"
        r = requests.get(url + "/campaigns", params={"api_key": "sandbox-demo-key"}, timeout=5)
        assert r.status_code == 200 and r.json() == []
        # STANDARD limits are on; the headers describe the window that binds (10 per second).
        assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"]) == ("10", "9")
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_cli_never_echoes_a_custom_key(tmp_path):
    port, proc, line = _run_cli(tmp_path, "--api-key", "my-own-key-123", "--no-rate-limit")
    try:
        assert "my-own-key-123" not in line and "key:" not in line
        r = requests.get(f"http://127.0.0.1:{port}/api/v1/campaigns",
                         params={"api_key": "my-own-key-123"}, timeout=5)
        assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_file_from_another_schema_version_is_refused(tmp_path):
    db = tmp_path / "old.sqlite3"
    with Sandbox(db_path=db, rate_limits=None):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(RuntimeError, match="another format"):
        Sandbox(db_path=db, rate_limits=None).start()
