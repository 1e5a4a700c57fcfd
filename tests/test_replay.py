"""Recording and replay (``smartlead_nb.replay``): the key is scrubbed, errors are not recorded,
replay needs no network and fails loudly, and no shipped file carries anything like a key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from smartlead_nb import RateLimitError, ServerError, SmartleadClient
from smartlead_nb._transport import NO_RETRIES
from smartlead_nb.replay import CASSETTE_ENV, find_leaks, make_vcr, read_info
from smartlead_nb.sandbox import Sandbox
from smartlead_nb.sandbox.faults import Faults

ROOT = Path(__file__).resolve().parents[1]
CANARY = "canary-9f3c2a71d4e8b6"   # the key used for the test recording; must never be written
START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)

# A notebook that talks to SmartLead must ship its recording; the campaign builder is another
# engineer's work in progress and still runs against the sandbox only.
WITHOUT_CASSETTE: set[str] = set()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A cassette recorded against a sandbox whose key is the canary, with a 500 and a 429 in
    the traffic. Returns (cassette path, campaign id)."""
    work = tmp_path_factory.mktemp("replay")
    cassette = work / "recorded.yaml"
    with Sandbox(db_path=work / "sb.sqlite3", api_key=CANARY, rate_limits=None, seed=1,
                 start_time=START) as sb:
        client = SmartleadClient(CANARY, base_url=sb.base_url, rate_limit=None, retry=NO_RETRIES)
        with make_vcr("all").use_cassette(str(cassette)):
            # The key also travels in a body and comes back in a response: scrubbed both ways.
            cid = client.create_campaign(f"Launch {CANARY}")["id"]
            client.get_campaign(cid)
            sb.faults = Faults(p500=1.0)
            with pytest.raises(ServerError):
                client.list_campaigns()
            sb.faults = Faults(p429=1.0)
            with pytest.raises(RateLimitError):
                client.create_campaign("Rate limited")
            sb.faults = None
            client.list_campaigns()
        client.close()
    return cassette, cid


def test_recording_scrubs_the_key_everywhere(recorded):
    text = recorded[0].read_text()
    assert CANARY not in text
    assert "api_key=REDACTED" in text
    assert "Launch REDACTED" in text          # the key inside a request and a response body
    assert find_leaks(text, (CANARY,)) == []


def test_recording_keeps_neither_429_nor_5xx(recorded):
    import yaml

    data = yaml.safe_load(recorded[0].read_text())
    codes = [i["response"]["status"]["code"] for i in data["interactions"]]
    assert codes == [200, 200, 200]           # create, get, list; the 500 and 429 are gone


def test_cassette_says_where_it_was_recorded(recorded):
    info = read_info(recorded[0])
    assert info["target"] == "sandbox"
    assert info["base_url"].startswith("http://127.0.0.1:") and info["base_url"].endswith("/api/v1")


REPLAY_SCRIPT = r"""
import json, smartlead_nb as sl
client = sl.connect()
out = {"mode": client.mode, "base_url": client.base_url,
       "limited": client._transport.rate_limit is not None,
       "honours_headers": client._transport.honour_rate_headers,
       "retries": client._transport.retry.total}
out["name"] = client.create_campaign("Launch REDACTED")["name"]
out["id"] = client.get_campaign(CID)["id"]
out["campaigns"] = len(client.list_campaigns())
try:
    client.get_campaign(424242)
except Exception as exc:
    out["unrecorded"] = type(exc).__name__
print("RESULT " + json.dumps(out))
"""


def run_replay(cassette: Path, cid: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SMARTLEAD_API_KEY"}
    env[CASSETTE_ENV] = str(cassette)
    return subprocess.run([sys.executable, "-c", REPLAY_SCRIPT.replace("CID", str(cid))],
                          env=env, capture_output=True, text=True, timeout=60)


def test_replay_needs_no_network_and_fails_loudly_on_unrecorded_requests(recorded):
    cassette, cid = recorded
    proc = run_replay(cassette, cid)        # the recording sandbox has stopped by now
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"smartlead_nb: replaying {cassette.name} (recorded against the "
                               f"local sandbox at http://127.0.0.1:")
    assert "no network" in lines[0]
    assert not any("uses the local sandbox" in line for line in lines)   # no sandbox started
    result = json.loads(next(l for l in lines if l.startswith("RESULT "))[7:])
    assert result == {
        "mode": "sandbox", "base_url": read_info(cassette)["base_url"], "limited": False,
        "honours_headers": False, "retries": 0, "name": "Launch REDACTED", "id": cid,
        "campaigns": 1, "unrecorded": "CannotOverwriteExistingCassetteException",
    }


def test_replay_of_a_missing_cassette_says_what_to_do(tmp_path):
    proc = run_replay(tmp_path / "nope.yaml", 1)
    assert proc.returncode != 0
    assert "no such cassette" in proc.stderr and "smartlead_nb.replay record" in proc.stderr


@pytest.mark.parametrize("text, found", [
    ("uri: https://server.smartlead.ai/api/v1/campaigns?api_key=abc123", True),
    ('{"api_key": "abc123"}', True),
    ("uri: http://127.0.0.1:18765/api/v1/campaigns?api_key=REDACTED&offset=0", False),
    ("key: sandbox-demo-key", True),
    (f"name: Launch {CANARY}", True),
    ("nothing to see", False),
])
def test_leak_finder(text, found):
    assert bool(find_leaks(text, (CANARY,))) is found


SHIPPED = sorted((ROOT / "tests" / "cassettes").glob("*.yaml")) + sorted(
    (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_shipped_cassette_or_notebook_contains_a_key(path):
    assert find_leaks(path.read_text(encoding="utf-8", errors="replace"), (CANARY,)) == []


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_every_notebook_ships_its_recording_and_replayed_outputs(notebook):
    if notebook.stem in WITHOUT_CASSETTE:
        pytest.skip(f"{notebook.name} is not recorded yet; it runs against the sandbox")
    cassette = ROOT / "tests" / "cassettes" / f"{notebook.stem}.yaml"
    assert cassette.is_file(), f"record it: python -m smartlead_nb.replay record {notebook}"
    assert read_info(cassette)["target"] in ("sandbox", "live")
    nb = json.loads(notebook.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    shown = "".join("".join(o.get("text", "")) for o in first.get("outputs", []))
    # Saved outputs come from replay, not from a sandbox or a live run.
    assert f"smartlead_nb: replaying {cassette.name}" in shown


def test_recorder_records_against_a_fresh_sandbox_and_saves_replayed_outputs(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from smartlead_nb.recorder import record

    notebook = tmp_path / "tiny.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("import smartlead_nb as sl\nclient = sl.connect()"),
        new_code_cell("cid = client.create_campaign('Tiny')['id']\n"
                      "if client.mode == 'sandbox':\n    client.sandbox.advance(days=1)\n"
                      "client.get_campaign(cid)['name']"),
    ]), notebook)
    cassette = record(notebook, cassette=tmp_path / "tiny.yaml", log=lambda *_: None)
    info = read_info(cassette)
    assert info["target"] == "sandbox" and info["base_url"].startswith("http://127.0.0.1:")
    text = cassette.read_text()
    assert "_sandbox/advance" in text and "api_key=REDACTED" in text and find_leaks(text) == []
    nb = nbformat.read(notebook, as_version=4)
    assert nb.cells[0].outputs[0]["text"].startswith("smartlead_nb: replaying tiny.yaml")
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == "'Tiny'"


def test_a_loopback_receiver_url_in_a_body_reads_the_same_in_every_kernel():
    """A notebook's webhook receiver gets a new port and token per kernel; the recorded body
    must still match on replay. Other URLs in bodies are kept as they are."""
    from types import SimpleNamespace

    from smartlead_nb.replay import LOOPBACK_RECEIVER, scrub_request

    def body_of(url):
        request = SimpleNamespace(uri="http://127.0.0.1:9/api/v1/campaigns/7/webhooks",
                                  body=f'{{"webhook_url": "{url}", "id": null}}'.encode(),
                                  headers={})
        return scrub_request(request).body

    first = body_of("http://127.0.0.1:40123/hooks/AbC123")
    assert first == body_of("http://localhost:51000/hooks/zzz") == (
        f'{{"webhook_url": "{LOOPBACK_RECEIVER}", "id": null}}'.encode())
    assert b"https://hooks.example.com/x" in body_of("https://hooks.example.com/x")
