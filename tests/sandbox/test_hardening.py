"""The sandbox is a server on someone's laptop: it answers only loopback hosts and origins,
reads only bounded JSON bodies, survives hostile numbers and floods, never shows a
traceback to a client, and refuses a damaged database file with one clear message.

Requests go out through raw sockets / http.client so that each test sends exactly the
headers it means to (requests would add or fix some).
"""
from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import traceback

import pytest

from smartlead_nb.sandbox import Sandbox
from smartlead_nb.sandbox.guard import MAX_BODY_BYTES

from ..helpers.sandbox import START, Api

KEY = "sandbox-demo-key"


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.raw = response.read()
        self.text = self.raw.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.raw)


def send(sb: Sandbox, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None, key: bool = True,
         timeout: float = 10) -> Answer:
    """One request with exactly these headers (http.client adds Host/Content-Length only
    when they are not given)."""
    target = "/api/v1" + path
    if key:
        target += ("&" if "?" in target else "?") + "api_key=" + KEY
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=dict(headers or {}))
        return Answer(conn.getresponse())
    finally:
        conn.close()


def send_raw(sb: Sandbox, data: bytes, timeout: float = 5) -> Answer:
    """Bytes straight onto the socket; the answer must come within ``timeout``."""
    with socket.create_connection(("127.0.0.1", sb.port), timeout=timeout) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Answer(response)


def json_headers(**extra) -> dict[str, str]:
    return {"Host": "127.0.0.1", "Content-Type": "application/json", **extra}


# -- Host and Origin -------------------------------------------------------------------------
@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:8765", "localhost.evil.example", "127.0.0.1.nip.io",
    "2130706433", "127.1", "0.0.0.0", "192.168.1.20:8765", "[::2]", "[::1]x", "localhost:x",
])
def test_a_foreign_host_is_refused_before_anything_is_read(sandbox, host):
    r = send(sandbox, "GET", "/campaigns", headers={"Host": host})
    assert r.status == 403
    error = r.json()["error"]
    assert repr(host) in error and "127.0.0.1" in error and "localhost" in error
    assert sandbox.requests == []


def test_a_request_without_host_is_refused(sandbox):
    r = send_raw(sandbox, b"GET /api/v1/campaigns?api_key=" + KEY.encode() + b" HTTP/1.0\r\n\r\n")
    assert r.status == 403 and "missing" in r.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]", "127.8.9.10"])
def test_loopback_hosts_with_or_without_port_are_answered(sandbox, host):
    for value in (host, f"{host}:{sandbox.port}"):
        assert send(sandbox, "GET", "/campaigns", headers={"Host": value}).status == 200


def test_a_rebinding_page_cannot_reset_the_sandbox_or_read_its_leads(sandbox, api):
    cid = api.create("Precious")
    api.add_leads(cid, [{"email": "ceo@client.example"}])
    for path in ("/_sandbox/reset", f"/campaigns/{cid}/leads"):
        method = "POST" if "reset" in path else "GET"
        r = send(sandbox, method, path, headers={"Host": "attacker.example:8765"})
        assert r.status == 403 and "ceo@client.example" not in r.text
    assert [c["name"] for c in api.get("/campaigns").json()] == ["Precious"]


@pytest.mark.parametrize("origin", [
    "https://evil.example", "http://evil.example:8765", "null", "http://localhost.evil.example",
    "file://", "http://127.0.0.1@evil.example", "ftp://localhost",
])
def test_a_foreign_origin_is_refused(sandbox, api, origin):
    cid = api.create("Keep me")
    for method, path in (("POST", "/_sandbox/reset"), ("GET", "/campaigns")):
        r = send(sandbox, method, path, headers={"Host": "127.0.0.1", "Origin": origin})
        assert r.status == 403
        assert repr(origin) in r.json()["error"] and "loopback" in r.json()["error"]
    assert api.get(f"/campaigns/{cid}").status_code == 200


@pytest.mark.parametrize("origin", ["http://localhost:8888", "http://127.0.0.1:5000",
                                    "https://[::1]:9", "http://localhost"])
def test_a_loopback_origin_is_answered(sandbox, origin):
    r = send(sandbox, "POST", "/campaigns/create", b'{"name": "local"}',
             json_headers(Origin=origin))
    assert r.status == 200 and r.json()["name"] == "local"


# -- Content-Type ----------------------------------------------------------------------------
@pytest.mark.parametrize("method,path", [("POST", "/campaigns/create"),
                                         ("DELETE", "/campaigns/1001/email-accounts"),
                                         ("PATCH", "/campaigns/1001/settings")])
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonx"])
def test_a_body_that_is_not_json_by_content_type_is_415(sandbox, method, path, content_type):
    headers = {"Host": "127.0.0.1"}
    if content_type:
        headers["Content-Type"] = content_type
    r = send(sandbox, method, path, b'{"name": "x"}', headers)
    assert r.status == 415
    error = r.json()["error"]
    assert "application/json" in error
    assert (repr(content_type) if content_type else "missing") in error
    assert sandbox.requests == []


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON;charset=UTF-8"])
def test_json_bodies_with_or_without_charset_are_read(sandbox, content_type):
    r = send(sandbox, "POST", "/campaigns/create", b'{"name": "typed"}',
             {"Host": "127.0.0.1", "Content-Type": content_type})
    assert r.status == 200 and r.json()["name"] == "typed"


def test_a_bodyless_request_needs_no_content_type(sandbox, api):
    r = send(sandbox, "POST", "/campaigns/create", b"", {"Host": "127.0.0.1"})   # length 0
    assert r.status == 200 and r.json()["name"] == "Untitled Campaign"
    r = send(sandbox, "DELETE", f"/campaigns/{r.json()['id']}", None, {"Host": "127.0.0.1"})
    assert r.status == 200                                                     # no length


def test_the_connection_stays_usable_after_a_415(sandbox):
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    try:
        conn.request("POST", f"/api/v1/campaigns/create?api_key={KEY}", body=b'{"name": "a"}',
                     headers={"Content-Type": "text/plain"})
        assert Answer(conn.getresponse()).status == 415
        conn.request("POST", f"/api/v1/campaigns/create?api_key={KEY}", body=b'{"name": "b"}',
                     headers={"Content-Type": "application/json"})
        assert Answer(conn.getresponse()).json()["name"] == "b"
    finally:
        conn.close()


# -- body size and framing -------------------------------------------------------------------
def test_a_body_over_the_cap_is_413_before_it_is_sent(sandbox):
    length = MAX_BODY_BYTES + 1
    t0 = time.monotonic()
    r = send_raw(sandbox, b"POST /api/v1/campaigns/create?api_key=" + KEY.encode() +
                 b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(length).encode() + b"\r\n\r\n{")
    assert time.monotonic() - t0 < 4       # answered at once, not after waiting for 32 MiB
    assert r.status == 413
    assert str(length) in r.json()["error"] and str(MAX_BODY_BYTES) in r.json()["error"]
    assert r.headers["Connection"] == "close"


def test_the_cap_fits_400_leads_with_200_big_custom_fields(sandbox, api):
    cid = api.create("big")
    fields = {f"field_{i:03d}": "x" * 100 for i in range(200)}
    leads = [{"email": f"big{n}@example.com", "custom_fields": fields} for n in range(400)]
    body = json.dumps({"lead_list": leads}).encode()
    assert 8_000_000 < len(body) < MAX_BODY_BYTES
    r = send(sandbox, "POST", f"/campaigns/{cid}/leads", body, json_headers(), timeout=60)
    assert r.status == 200, r.text
    assert r.json()["upload_count"] == 400


@pytest.mark.parametrize("value", ["-5", "abc", "+5", "5.0", "0x10", " ", "5, 6"])
def test_a_bad_content_length_is_400_at_once(sandbox, value):
    r = send_raw(sandbox, b"POST /api/v1/campaigns/create?api_key=" + KEY.encode() +
                 b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + value.encode() + b"\r\n\r\n")
    assert r.status == 400
    assert "Content-Length" in r.json()["error"] and "non-negative integer" in r.json()["error"]


def test_two_different_content_lengths_are_400(sandbox):
    r = send_raw(sandbox, b"POST /api/v1/campaigns/create?api_key=" + KEY.encode() +
                 b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 2\r\nContent-Length: 20\r\n\r\n{}")
    assert r.status == 400


def test_a_chunked_body_without_content_length_is_411_at_once(sandbox):
    r = send_raw(sandbox, b"POST /api/v1/campaigns/create?api_key=" + KEY.encode() +
                 b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    assert r.status == 411 and "Content-Length" in r.json()["error"]
    assert sandbox.requests == []


# -- JSON nesting ----------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [65, 2_000, 200_000])
def test_json_nested_too_deep_is_400(sandbox, depth):
    body = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
    r = send(sandbox, "POST", "/campaigns/create", body, json_headers())
    assert r.status == 400
    assert "64" in r.json()["error"] and "deep" in r.json()["error"]


def test_unbalanced_deep_json_is_400_not_a_crash(sandbox):
    r = send(sandbox, "POST", "/campaigns/create", b"[" * 100_000, json_headers())
    assert r.status == 400


def test_json_within_the_depth_and_brackets_in_strings_are_fine(sandbox):
    body = b'{"name": "' + b"[{" * 500 + b'"}'
    r = send(sandbox, "POST", "/campaigns/create", body, json_headers())
    assert r.status == 200 and r.json()["name"] == "[{" * 500
    nested = b'{"name": "n", "client_id": ' + b"[" * 60 + b"]" * 60 + b"}"
    r = send(sandbox, "POST", "/campaigns/create", nested, json_headers())
    assert r.status == 400 and r.json()["error"] == '"client_id" must be a number'


# -- numbers beyond SQLite's range -------------------------------------------------------------
BIG = str(2**63)


@pytest.mark.parametrize("method,path", [
    ("GET", f"/campaigns/{BIG}"), ("GET", "/campaigns/" + "9" * 30),
    ("GET", "/campaigns/" + "9" * 5000), ("DELETE", f"/campaigns/{BIG}"),
    ("GET", f"/campaigns/{BIG}/leads"), ("DELETE", "/campaigns/1001/leads/" + BIG),
])
def test_ids_beyond_sqlite_range_are_404(sandbox, api, method, path):
    api.create("exists")
    r = send(sandbox, method, path, headers={"Host": "127.0.0.1"})
    assert r.status == 404, r.text
    assert "Traceback" not in r.text and "not found" in r.json()["error"]


def test_the_largest_sqlite_id_is_a_plain_not_found(sandbox):
    r = send(sandbox, "GET", f"/campaigns/{2**63 - 1}", headers={"Host": "127.0.0.1"})
    assert r.status == 404 and r.json() == {"error": "Campaign not found - Invalid campaign_id."}


@pytest.mark.parametrize("query", [f"offset={BIG}", f"limit={BIG}", "offset=" + "9" * 5000,
                                   f"client_id={BIG}", f"client_id=-{2**63 + 1}"])
def test_query_integers_beyond_sqlite_range_are_422(sandbox, api, query):
    cid = api.create("paged")
    path = f"/campaigns/{cid}/leads" if "client_id" not in query else "/campaigns"
    r = send(sandbox, "GET", f"{path}?{query}", headers={"Host": "127.0.0.1"})
    assert r.status == 422, r.text
    assert r.json()["error"] == "Invalid parameters provided"


def test_body_integers_beyond_sqlite_range_are_400(sandbox):
    body = json.dumps({"name": "n", "client_id": 2**64}).encode()
    r = send(sandbox, "POST", "/campaigns/create", body, json_headers())
    assert r.status == 400
    assert r.json() == {"error": f'"client_id" must be less than or equal to {2**63 - 1}'}
    cid = send(sandbox, "POST", "/campaigns/create", b"{}", json_headers()).json()["id"]
    body = json.dumps({"email_account_ids": [2**63]}).encode()
    r = send(sandbox, "POST", f"/campaigns/{cid}/email-accounts", body, json_headers())
    assert r.status == 400
    assert r.json() == {"error": '"email_account_ids[0]" must be a number'}


# -- no traceback to the client ----------------------------------------------------------------
def test_an_unexpected_error_is_a_plain_500_and_logged_on_the_server(sandbox, caplog):
    def broken(request):
        raise RuntimeError("bug in /home/someone/smartlead_nb/sandbox/routes_x.py")

    sandbox._app.router.add("GET", r"/broken", broken)
    with caplog.at_level(logging.ERROR, logger="smartlead_nb.sandbox"):
        r = send(sandbox, "GET", "/broken", headers={"Host": "127.0.0.1"})
    assert r.status == 500
    assert r.json() == {"error": "Internal sandbox error"}
    assert "Traceback" not in r.text and "/home/" not in r.text and ".py" not in r.text
    logged = "\n".join(rec.getMessage() + (rec.exc_text or "") for rec in caplog.records)
    assert "bug in /home/someone" in caplog.text and "GET /broken" in logged
    assert KEY not in caplog.text


def test_the_servers_own_refusals_are_json_too(sandbox):
    headers = b"".join(b"X-%d: 1\r\n" % i for i in range(101))
    r = send_raw(sandbox, b"GET /api/v1/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 + headers + b"\r\n")
    assert r.status == 431 and "headers" in r.json()["error"]
    r = send_raw(sandbox, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert r.status == 414 and "error" in r.json()


# -- 200 connections at once -------------------------------------------------------------------
def test_200_simultaneous_connections_are_all_answered(sandbox):
    n = 200
    barrier = threading.Barrier(n)
    lines: list[bytes | str] = [b""] * n
    request = (b"GET /api/v1/campaigns?api_key=" + KEY.encode() +
               b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

    def client(i: int) -> None:
        barrier.wait()
        try:
            with socket.create_connection(("127.0.0.1", sandbox.port), timeout=30) as sock:
                sock.sendall(request)
                lines[i] = sock.makefile("rb").readline()
        except OSError as exc:
            lines[i] = repr(exc)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    unanswered = [x for x in lines if not (isinstance(x, bytes) and x.startswith(b"HTTP/1.1 200"))]
    assert not unanswered, f"{len(unanswered)} of {n} unanswered, e.g. {unanswered[:3]}"


# -- a damaged database file --------------------------------------------------------------------
def _garbage_file(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(os.urandom(64 * 1024))
    return path


def _sandbox_file(path):
    with Sandbox(db_path=path, rate_limits=None, start_time=START) as sb:
        api = Api(sb)
        cid = api.create("data")
        api.add_leads(cid, [{"email": f"l{i}@example.com", "first_name": "x" * 200}
                            for i in range(400)])
    data = path.read_bytes()
    assert len(data) > 16 * 4096
    return data


def _truncated_file(tmp_path):
    path = tmp_path / "truncated.sqlite3"
    data = _sandbox_file(path)
    path.write_bytes(data[: len(data) // 2])
    return path


def _scribbled_file(tmp_path):
    """Same size, first pages intact: only a check of every page notices."""
    path = tmp_path / "scribbled.sqlite3"
    data = bytearray(_sandbox_file(path))
    middle = len(data) // 2
    data[middle:middle + 8 * 4096] = os.urandom(8 * 4096)
    path.write_bytes(bytes(data))
    return path


DAMAGED = [_garbage_file, _truncated_file, _scribbled_file]


@pytest.mark.parametrize("make", DAMAGED)
def test_a_damaged_database_stops_the_sandbox_with_one_clear_message(tmp_path, make):
    path = make(tmp_path)
    with pytest.raises(RuntimeError) as caught:
        Sandbox(db_path=path, rate_limits=None).start()
    message = str(caught.value)
    assert str(path) in message and "damaged" in message
    assert "Delete" in message and "SMARTLEAD_NB_SANDBOX_DB" in message
    shown = "".join(traceback.format_exception(caught.value))
    assert "sqlite3." not in shown and "During handling" not in shown


@pytest.mark.parametrize("make", DAMAGED)
def test_the_cli_refuses_a_damaged_database_in_one_message(tmp_path, make):
    path = make(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "smartlead_nb.sandbox", "--port", "0", "--db", str(path)],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "sqlite3." not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] and "SMARTLEAD_NB_SANDBOX_DB" in lines[0]
    assert proc.stdout == ""
