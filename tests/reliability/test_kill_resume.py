"""Kill and resume: SIGKILL the uploading process (and, separately, the sandbox process) at
several points; re-running the same call with the same journal ends in the exact final state
and never re-sends a batch that was confirmed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import requests

from smartlead_nb import SmartleadClient
from smartlead_nb.frames.leads import leads_from_frame
from smartlead_nb.sandbox import Faults, Sandbox

from ..helpers import FAST_RETRIES, START
from ..helpers.reliability import (
    child_env, db_campaign_emails, free_port, messy_leads, start_sandbox_process,
)

CHILD = Path(__file__).with_name("upload_child.py")
KEY = "kill-test-key"
BATCH = 200


def journal_entries(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # a line cut short by the kill
    return out


def confirmed_batches(path: Path) -> set[int]:
    return {e["batch"] for e in journal_entries(path) if e["state"] == "confirmed"}


def spawn(base_url, cid, csv, journal, report, cache) -> subprocess.Popen:
    env = child_env(cache)
    env["SMARTLEAD_API_KEY"] = KEY
    return subprocess.Popen([sys.executable, str(CHILD), base_url, str(cid), str(csv),
                             str(journal), str(report), "--batch-size", str(BATCH)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for(condition, proc, timeout=60.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the child ended before {what}: {proc.stdout.read().decode()[-2000:]}")
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


def batch_of_first_email(frame: pd.DataFrame) -> dict[str, int]:
    """First email of each batch -> batch number, exactly as upload_leads cuts them."""
    checked = leads_from_frame(frame)
    firsts = {}
    for number, payload in enumerate(checked.json_batches(BATCH), start=1):
        firsts[json.loads(payload.body)[0]["email"].lower()] = number
    return firsts


def lead_posts(log):
    return [r for r in log if r["method"] == "POST" and r["path"].endswith("/leads")]


def assert_uploaded_once(db, cid, expected: set[str], report, rows: int,
                         outcomes: dict[str, int]) -> None:
    """The sandbox holds each expected lead exactly once, and the report has a row per input
    row with these outcome counts."""
    held = db_campaign_emails(db, cid)
    assert len(held) == len(set(e.lower() for e in held))
    assert {e.lower() for e in held} == expected
    frame = pd.read_csv(report, index_col=0, keep_default_na=False)
    assert len(frame) == rows
    assert frame["outcome"].value_counts().to_dict() == outcomes


@pytest.mark.slow
def test_uploader_killed_at_several_points_resumes_exactly(tmp_path):
    frame, expected = messy_leads(3_000, n_invalid=40, n_dupes=60, domain="kill.example")
    csv = tmp_path / "leads.csv"
    frame.to_csv(csv, index=False)
    firsts = batch_of_first_email(frame)
    n_batches = len(firsts)
    journal, report, cache = tmp_path / "journal.jsonl", tmp_path / "report.csv", tmp_path / "cache"
    db = tmp_path / "kill.sqlite3"
    with Sandbox(db_path=db, api_key=KEY, rate_limits=None, start_time=START,
                 faults=Faults(leads_latency=0.12)) as sb:
        client = SmartleadClient(KEY, base_url=sb.base_url, rate_limit=None, retry=FAST_RETRIES)
        cid = client.campaigns.create("Killed")["id"]
        arrived: list[int] = []  # batch numbers, as their requests reach the sandbox
        handle = sb._app.handle

        def noting_arrivals(method, target, raw):
            if method == "POST" and "/leads" in target:
                arrived.append(firsts.get(json.loads(raw)["lead_list"][0]["email"].lower()))
            return handle(method, target, raw)
        sb._app.handle = noting_arrivals
        kills = []  # (requests seen before the kill, batches confirmed at the kill)

        def kill(proc):
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            assert proc.returncode == -signal.SIGKILL, (
                f"the child ended by itself ({proc.returncode}) before the kill: "
                f"{proc.stdout.read().decode()[-3000:]}")
            time.sleep(0.2)  # let the sandbox finish a request the dead process left open
            kills.append((len(sb.requests), confirmed_batches(journal)))

        # 1: after a few journal lines
        proc = spawn(sb.base_url, cid, csv, journal, report, cache)
        wait_for(lambda: len(journal_entries(journal)) >= 5, proc, what="5 journal lines")
        kill(proc)
        # 2 and 3: while the last journal line is "sending" and its request has reached the
        # sandbox, which finishes it after the kill: done, but never recorded as confirmed
        def in_flight_at_sandbox(at_least):
            entries = journal_entries(journal)
            return (len(confirmed_batches(journal)) >= at_least and entries[-1]["state"] == "sending"
                    and entries[-1]["batch"] in arrived)
        for at_least in (5, 9):
            proc = spawn(sb.base_url, cid, csv, journal, report, cache)
            wait_for(lambda: in_flight_at_sandbox(at_least),
                     proc, what=f"a 'sending' line after {at_least} confirmed batches")
            kill(proc)
            last = journal_entries(journal)[-1]
            assert last["state"] == "sending" and last["batch"] not in confirmed_batches(journal)
            # the sandbox did the work of the unrecorded batch (it may still be finishing it
            # on a busy machine: the request is logged when its answer is written)
            def done():
                return [r for r in lead_posts(sb.requests) if r["status"] == 200 and firsts.get(
                    r["json"]["lead_list"][0]["email"].lower()) == last["batch"]]
            deadline = time.monotonic() + 10
            while not done() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert done(), "the batch in flight at the kill never reached the sandbox"
        # then the same call again, until it finishes
        runs = 0
        while True:
            runs += 1
            proc = spawn(sb.base_url, cid, csv, journal, report, cache)
            out = proc.communicate(timeout=120)[0].decode()
            if proc.returncode == 0:
                break
            assert proc.returncode == 3 and runs < 5, out
        log = sb.requests

    assert_uploaded_once(db, cid, expected, report, len(frame),
                         {"uploaded": 3_000, "duplicate": 60, "invalid_email": 40})
    assert confirmed_batches(journal) == set(range(1, n_batches + 1))
    # never re-sent after being confirmed: for each kill, no later request carries a batch
    # that the journal had confirmed at that moment
    for seen, confirmed in kills:
        later = {firsts[r["json"]["lead_list"][0]["email"].lower()] for r in lead_posts(log[seen:])}
        assert not later & confirmed, (later & confirmed)
    assert len(kills) == 3 and all(kills[i][1] < kills[i + 1][1] for i in range(2))
    print(f"\nKILL: {len(kills)} uploader kills survived (confirmed at each: "
          f"{[len(c) for _, c in kills]} of {n_batches}); {len(lead_posts(log))} lead POSTs "
          f"for {n_batches} batches; final re-runs {runs}")


@pytest.mark.slow
def test_sandbox_process_killed_and_restarted_mid_upload(tmp_path):
    frame, expected = messy_leads(3_000, n_invalid=20, n_dupes=30, domain="restart.example")
    csv = tmp_path / "leads.csv"
    frame.to_csv(csv, index=False)
    journal, report, cache = tmp_path / "journal.jsonl", tmp_path / "report.csv", tmp_path / "cache"
    db, port = tmp_path / "cli.sqlite3", free_port()
    base_url = f"http://127.0.0.1:{port}/api/v1"
    logfile = tmp_path / "sandbox.log"

    def slow_leads():  # faults are not kept across a restart: set them again
        requests.post(f"{base_url}/_sandbox/faults", params={"api_key": KEY},
                      json={"leads_latency": 0.12}, timeout=5).raise_for_status()

    server = start_sandbox_process(port, db, KEY, logfile)
    restarts = 0
    try:
        slow_leads()
        client = SmartleadClient(KEY, base_url=base_url, rate_limit=None, retry=FAST_RETRIES)
        cid = client.campaigns.create("Restarted")["id"]
        for at_least in (3, 8):
            child = spawn(base_url, cid, csv, journal, report, cache)
            wait_for(lambda: len(confirmed_batches(journal)) >= at_least
                     and journal_entries(journal)[-1]["state"] == "sending",
                     child, what=f"{at_least} confirmed batches")
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            out = child.communicate(timeout=60)[0].decode()
            assert child.returncode == 3 and "INTERRUPTED" in out, out  # a clear, resumable stop
            held_now = db_campaign_emails(db, cid)  # the file survives the kill
            assert len(held_now) >= at_least * BATCH
            server = start_sandbox_process(port, db, KEY, logfile)
            restarts += 1
            slow_leads()
        runs = 0
        while True:
            runs += 1
            child = spawn(base_url, cid, csv, journal, report, cache)
            out = child.communicate(timeout=120)[0].decode()
            if child.returncode == 0:
                break
            assert child.returncode == 3 and runs < 5, out
        assert [c["name"] for c in client.campaigns.list()].count("Restarted") == 1
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    assert_uploaded_once(db, cid, expected, report, len(frame),
                         {"uploaded": 3_000, "duplicate": 30, "invalid_email": 20})
    print(f"\nRESTART: sandbox killed and restarted {restarts} times mid-upload; "
          f"final re-runs {runs}")


def test_a_client_killed_mid_request_leaves_no_traceback_in_the_sandbox(tmp_path, capfd):
    """The work of a request whose client died is done, quietly: the in-process sandbox runs
    inside the analyst's kernel, so a traceback would land in a notebook cell."""
    import socket

    with Sandbox(db_path=tmp_path / "q.sqlite3", api_key=KEY, rate_limits=None,
                 start_time=START, faults=Faults(latency=0.2)) as sb:
        body = json.dumps({"name": "Orphan"}).encode()
        with socket.create_connection(("127.0.0.1", sb.port)) as s:
            s.sendall(b"POST /api/v1/campaigns/create?api_key=" + KEY.encode() + b" HTTP/1.1\r\n"
                      b"Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                      + str(len(body)).encode() + b"\r\n\r\n" + body)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        # closed with RST before the answer: the write of the answer fails
        deadline = time.monotonic() + 5
        while not sb.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        assert [r["status"] for r in sb.requests] == [200]
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err, err
