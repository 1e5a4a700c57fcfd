"""Recording and replay (``smartlead_nb.replay``): the key is scrubbed, errors are not recorded,
replay needs no network and fails loudly, and no shipped file carries anything like a key."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
import tempfile
import zlib
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from smartlead_nb import RateLimitError, ServerError, SmartleadClient
from smartlead_nb._transport import NO_RETRIES
from smartlead_nb.replay import CASSETTE_ENV, find_leaks, leaks_in_file, make_vcr, read_info
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
            cid = client.campaigns.create(f"Launch {CANARY}")["id"]
            client.campaigns.get(cid)
            sb.faults = Faults(p500=1.0)
            with pytest.raises(ServerError):
                client.campaigns.list()
            sb.faults = Faults(p429=1.0)
            with pytest.raises(RateLimitError):
                client.campaigns.create("Rate limited")
            sb.faults = None
            client.campaigns.list()
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
    assert codes == [200] * 4   # create and its read-back, get, list; the 500 and 429 are gone


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
out["name"] = client.campaigns.create("Launch REDACTED")["name"]
out["id"] = client.campaigns.get(CID)["id"]
out["campaigns"] = len(client.campaigns.list())
try:
    client.campaigns.get(424242)
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
    assert leaks_in_file(path, (CANARY,)) == []     # every place the recorder can write


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
        new_code_cell("cid = client.campaigns.create('Tiny')['id']\n"
                      "if client.mode == 'sandbox':\n    client.sandbox.advance(days=1)\n"
                      "client.campaigns.get(cid)['name']"),
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


# -- the recorder keeps no secret ----------------------------------------------------------------
PLANTED = "sk-planted-4c3b2a19f8e7"     # a key the recording process was never told about


def recorded_text(client_call, *replies):
    """Record one call against a scripted server answering ``replies``; the cassette's text."""
    from tests.fake_server import Scripted

    server = Scripted(replies)
    try:
        client = SmartleadClient(CANARY, base_url=server.base_url, rate_limit=None,
                                 retry=NO_RETRIES)
        cassette = Path(tempfile.mkdtemp()) / "c.yaml"
        with make_vcr("all").use_cassette(str(cassette)):
            client_call(client)
        return cassette.read_text(encoding="utf-8"), cassette
    finally:
        server.close()


@pytest.mark.parametrize("reply", [
    {"type": "application/json", "text": f'{{"ok":true,"data":{{"id":1,"apiKey":"{PLANTED}"}}}}'},
    {"type": "application/json",
     "text": f'{{"data":{{"api_key":"{PLANTED}"}},"message":"new key {PLANTED} made"}}'},
    {"type": "application/x-www-form-urlencoded", "text": f"ok=1&api_key={PLANTED}"},
    {"type": "text/plain", "text": f'escaped: {{\\"apiKey\\":\\"{PLANTED}\\"}}'},
    {"type": "application/json", "text": '{"ok":true}',
     "headers": {"X-Api-Key": PLANTED, "X-Echo": f"/x?api_key={PLANTED}"}},
], ids=["compact json", "json echoed in a message", "form encoded", "json in a string",
        "headers"])
def test_a_client_key_in_an_answer_is_scrubbed_in_every_spelling(reply):
    text, cassette = recorded_text(lambda c: c.raw_request("GET", "client/api-key", expect="any"),
                                   {"status": 200, **reply})
    assert PLANTED not in text
    assert leaks_in_file(cassette, (CANARY,)) == []


def test_a_compressed_or_latin1_answer_is_decoded_then_scrubbed():
    body = f'{{"name":"Café","apiKey":"{PLANTED}"}}'
    text, _ = recorded_text(lambda c: c.raw_request("GET", "client/", expect="any"),
                            {"status": 200, "bytes": gzip.compress(body.encode()),
                             "type": "application/json", "headers": {"Content-Encoding": "gzip"}})
    assert PLANTED not in text and "!!binary" not in text and "Caf" in text
    text, cassette = recorded_text(lambda c: c.raw_request("GET", "client/", expect="any"),
                                   {"status": 200, "bytes": body.encode("latin-1"),
                                    "type": "application/json; charset=iso-8859-1"})
    assert PLANTED not in text and "!!binary" not in text
    import yaml

    response = yaml.safe_load(text)["interactions"][0]["response"]
    assert response["body"]["string"] == '{"name":"Café","apiKey":"REDACTED"}'   # now UTF-8
    assert response["headers"]["Content-Type"] == ["application/json; charset=utf-8"]


@pytest.mark.parametrize("reply", [
    {"bytes": b"\xff\xfe" + f"key {PLANTED}".encode("utf-16-le"), "type": "application/json"},
    {"bytes": b"\x89PNG\r\n\x1a\n" + PLANTED.encode(), "type": "image/png"},
    {"bytes": zlib.compress(PLANTED.encode()), "type": "application/json",
     "headers": {"Content-Encoding": "zstd"}},
], ids=["utf-16 with no charset", "binary", "an encoding vcrpy cannot undo"])
def test_a_body_that_cannot_be_read_is_refused_not_written(reply):
    from smartlead_nb.replay import UnrecordableBody

    with pytest.raises(UnrecordableBody, match="cannot be checked for keys; not recorded"):
        recorded_text(lambda c: c.raw_request("GET", "client/", expect="any"),
                      {"status": 200, **reply})


def test_a_request_body_that_cannot_be_read_is_refused():
    from smartlead_nb.replay import UnrecordableBody

    with pytest.raises(UnrecordableBody, match="request to"):
        recorded_text(lambda c: c.raw_request("POST", "client/save",
                                              data=f"{PLANTED}\xe9".encode("latin-1")),
                      {"status": 200, "json": {"ok": True}})


def test_a_key_the_client_sends_in_a_body_or_query_is_scrubbed():
    text, cassette = recorded_text(lambda c: (
        c.request("POST", "client/save", json={"name": "A", "apiKey": PLANTED}),
        c.request("GET", "client/", params={"API_KEY_HINT": "x", "apiKey": PLANTED})),
        {"status": 200, "json": {"ok": True}}, {"status": 200, "json": []})
    assert PLANTED not in text and leaks_in_file(cassette, (CANARY,)) == []


def test_a_reset_through_the_client_is_scrubbed_from_the_recording(tmp_path):
    """Against the sandbox: create a client, list, create and reset its keys."""
    cassette = tmp_path / "keys.yaml"
    with Sandbox(db_path=tmp_path / "sb.sqlite3", api_key=CANARY, rate_limits=None,
                 start_time=START) as sb:
        client = SmartleadClient(CANARY, base_url=sb.base_url, rate_limit=None, retry=NO_RETRIES)
        with make_vcr("all").use_cassette(str(cassette)):
            acme = client.clients.create("Acme", "ops@acme.example", password="pw-secret-123")
            made = client.clients.api_keys.create(acme["id"], "reporting")
            fresh = client.clients.api_keys.reset(made["data"]["id"], confirm=True)
            listed = client.clients.api_keys.list(acme["id"])
        keys = [acme["data"]["api_key"].reveal(), made["data"]["api_key"].reveal(),
                fresh["data"]["api_key"].reveal(), *(k["api_key"].reveal() for k in listed)]
    text = cassette.read_text()
    assert "/client/api-key/reset/" in text and len(set(keys)) == 3
    assert not [k for k in keys + ["pw-secret-123"] if k in text]
    assert leaks_in_file(cassette, (CANARY, *keys)) == []


# -- check finds a planted key wherever the recorder can write ---------------------------------
GOOD_CASSETTE = """\
interactions:
- request:
    body: '{"name": "A"}'
    headers:
      Accept:
      - application/json
    method: POST
    uri: http://127.0.0.1:18765/api/v1/client/save?api_key=REDACTED
  response:
    body:
      string: '{"ok": true, "data": {"id": 1, "api_key": "REDACTED"}}'
    headers:
      Content-Type:
      - application/json
    status:
      code: 200
      message: OK
"""


GOOD_BODY = "string: '{\"ok\": true, \"data\": {\"id\": 1, \"api_key\": \"REDACTED\"}}'"


def swaps() -> dict[str, tuple[str, str]]:
    """Where a key can sit in a cassette: (text of the clean cassette, the same with a key)."""
    key, b64 = PLANTED, base64.b64encode
    return {
        "uri": ("api_key=REDACTED", f"api_key={key}"),
        "uri, another spelling": ("save?", f"save?apiKey={quote(key)}&"),
        "request header value": ("- application/json\n    method", f"- Bearer {key}\n    method"),
        "request header name": ("      Accept:\n", f"      X-{key}:\n"),
        "key-named header": ("      Accept:\n", "      X-Api-Key:\n      - live-key-value-0001\n"
                                                "      Accept:\n"),
        "response header": ("Content-Type:\n      - application/json\n    status",
                            f"Content-Type:\n      - application/json\n      Echo:\n      - {key}\n"
                            f"    status"),
        "request body": ('{"name": "A"}', f'{{"name": "{key}"}}'),
        "response body, compact json": ('{"ok": true, "data": {"id": 1, "api_key": "REDACTED"}}',
                                        '{"ok":true,"data":{"id":1,"apiKey":"live-9f8e7d6c5b"}}'),
        # a double-quoted scalar split with an escaped line break, as YAML emitters do
        "response body split over lines": (
            GOOD_BODY,
            f'string: "{{\\"note\\": \\"{key[:8]}\\\n        {key[8:]}\\"}}"'),
        "!!binary body": (GOOD_BODY, "string: !!binary |\n        "
                          + b64(f"caf\xe9 {key}".encode("latin-1")).decode()),
        "!!binary gzip body": (GOOD_BODY, "string: !!binary |\n        "
                               + b64(gzip.compress(key.encode())).decode()),
        "base64 text in a body": ('{"name": "A"}', f'{{"blob": "{b64(key.encode()).decode()}"}}'),
        "status message": ("message: OK", f"message: OK {key}"),
        "yaml key": ("interactions:", f"{key}: 1\ninteractions:"),
    }


def planted(where: str) -> str:
    old, new = swaps()[where]
    assert old in GOOD_CASSETTE, where
    return GOOD_CASSETTE.replace(old, new, 1)


PLACES = list(swaps())


def test_check_passes_a_clean_cassette(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD_CASSETTE)
    assert leaks_in_file(path, (PLANTED,)) == []


@pytest.mark.parametrize("where", PLACES)
def test_check_finds_a_planted_key_wherever_the_recorder_writes(tmp_path, where):
    import yaml

    path = tmp_path / "planted.yaml"
    path.write_text(planted(where))
    yaml.safe_load(path.read_text())           # still a valid cassette
    assert leaks_in_file(path, (PLANTED,)), where


def test_the_check_command_reads_the_key_from_the_environment(tmp_path):
    bad, good = tmp_path / "bad.yaml", tmp_path / "good.yaml"
    bad.write_text(planted("!!binary body"))
    good.write_text(GOOD_CASSETTE)
    env = {**os.environ, "SMARTLEAD_API_KEY": PLANTED}
    run = [sys.executable, "-m", "smartlead_nb.replay", "check"]
    proc = subprocess.run(run + [str(bad), str(good)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1 and "bad.yaml" in proc.stdout and "good.yaml" not in proc.stdout
    assert PLANTED not in proc.stdout
    proc = subprocess.run(run + [str(good)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout


def test_requests_sent_at_once_are_all_recorded(tmp_path, sandbox, monkeypatch):
    """An upload sends several batches at once (max_in_flight): every one is in the cassette.
    vcrpy's stubs lose exchanges that threads start together, so the client connect() gives
    a recording kernel sends one request at a time."""
    import pandas as pd
    import yaml

    from smartlead_nb import connect, replay, upload_leads

    cassette = tmp_path / "together.yaml"
    monkeypatch.setenv(replay.RECORD_ENV, str(cassette))
    monkeypatch.setenv(replay.RECORD_SANDBOX_ENV, sandbox.base_url)
    monkeypatch.setenv("SMARTLEAD_API_KEY", sandbox.api_key)
    monkeypatch.delenv(CASSETTE_ENV, raising=False)
    monkeypatch.setattr(replay, "_session", None)
    try:
        client = connect()
        cid = client.campaigns.create("At once")["id"]
        leads = pd.DataFrame({"email": [f"p{i}@example.com" for i in range(16 * 25)]})
        result = upload_leads(client, cid, leads, batch_size=25, max_in_flight=4,
                              journal=False, progress=False)
        client.close()
    finally:
        replay._session._context.__exit__(None, None, None)
    assert len(result.rows) == 400
    sent = [i for i in yaml.safe_load(cassette.read_text())["interactions"]
            if i["request"]["method"] == "POST" and f"campaigns/{cid}/leads" in i["request"]["uri"]]
    assert len(sent) == 16
