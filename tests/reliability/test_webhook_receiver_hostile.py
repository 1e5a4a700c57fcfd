"""The notebook's webhook receiver against hostile and broken senders, over real sockets.

Every attack comes in several spellings. Each must be answered (never waited out beyond the
receiver's own ``timeout``), keep nothing it should not, leave the receiver serving good
deliveries, and print nothing into the notebook (stderr is checked after every test, and an
exception escaping a thread fails the test). Socket timeouts here only stop a broken receiver
from hanging the run; no test asserts how long anything took.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import select
import socket
import threading
import time
import weakref
from contextlib import closing
from urllib.parse import urlsplit

import pytest
import requests

import smartlead_nb as sl

pytestmark = pytest.mark.filterwarnings(
    "error::pytest.PytestUnhandledThreadExceptionWarning")

SOCKET_TIMEOUT = 5.0          # generous: only so a broken receiver cannot hang the run
SMALL_BODY = 64 * 1024        # the cap the tests configure (the default is 2 MiB)
GOOD = {"event_type": "EMAIL_OPEN", "sl_email_lead_id": "555001", "stats_id": "s-0",
        "campaign_id": 7, "time_opened": "2025-06-04T10:15:00+00:00",
        "to_email": "ana@example.eu", "secret_key": "secretkey"}


def good(n: int = 0, **changes) -> dict:
    return {**GOOD, "stats_id": f"s-{n}", **changes}


@pytest.fixture(autouse=True)
def _nothing_printed(capfd):
    yield
    assert capfd.readouterr().err == ""


@pytest.fixture
def receiver():
    with sl.webhooks.listen(timeout=2.0, max_body=SMALL_BODY) as r:
        yield r
    assert r.errors == 0            # every refusal was meant; none was a fault of ours


def path(receiver) -> str:
    return urlsplit(receiver.url).path


def request(target: str, body: bytes = b"", *headers: str, content_length: bool = True,
            line: str | None = None) -> bytes:
    """A request's bytes: ``line`` (default ``POST target HTTP/1.1``), Host, JSON type, a
    Content-Length unless told not to, then ``headers`` as given."""
    lines = [line or f"POST {target} HTTP/1.1", "Host: 127.0.0.1",
             "Content-Type: application/json"]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    # surrogateescape: "\udcb2" stands for the raw byte 0xb2 (latin-1 "²", a digit to str)
    return ("\r\n".join([*lines, *headers]) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body


def connect(receiver) -> socket.socket:
    return socket.create_connection(("127.0.0.1", receiver.port), timeout=SOCKET_TIMEOUT)


_readers: "weakref.WeakKeyDictionary[socket.socket, io.BufferedReader]" = \
    weakref.WeakKeyDictionary()


def _reader(sock: socket.socket) -> io.BufferedReader:
    """One buffered reader per connection, so that pipelined answers are not lost between
    reads."""
    if sock not in _readers:
        _readers[sock] = sock.makefile("rb")
    return _readers[sock]


def read_answer(sock: socket.socket, method: str = "POST") -> tuple[int, dict, dict]:
    """The next final answer's status, headers and JSON body (1xx answers are skipped)."""
    reader = _reader(sock)
    while True:
        line = reader.readline(65537)
        if not line:
            raise http.client.RemoteDisconnected("closed without an answer")
        version, status, _ = line.decode("latin-1").split(" ", 2)
        headers = dict(http.client.parse_headers(reader).items())
        if not status.startswith("1"):
            break
    assert version == "HTTP/1.1"
    length = 0 if method == "HEAD" else int(headers["Content-Length"])
    data = reader.read(length)
    return int(status), headers, json.loads(data) if data else {}


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return _reader(sock).read(1) == b""
    except ConnectionResetError:
        return True


def exchange(receiver, data: bytes, method: str = "POST") -> tuple[int, dict, bool]:
    """Send ``data`` on a new connection: ``(status, JSON body, closed by the receiver)``;
    closed means the answer said ``Connection: close`` and the receiver did close."""
    with closing(connect(receiver)) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass                      # it answered before taking everything: read that
        status, headers, body = read_answer(sock, method)
        return status, body, headers.get("Connection") == "close" and closed_by_server(sock)


def post(receiver, body, **kwargs) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(receiver.url, data=data, timeout=SOCKET_TIMEOUT,
                         headers={"Content-Type": "application/json"}, **kwargs)


def still_serves(receiver, n: int = 99) -> None:
    before = len(receiver)
    assert post(receiver, good(n)).status_code == 200
    assert len(receiver) == before + 1


# -- slow, silent and numerous senders ---------------------------------------------------

def stalled_requests(target: str) -> list[bytes]:
    """Five ways to start a request and never finish it."""
    return [b"",                                                         # connect, say nothing
            b"PO",                                                       # half a method
            request(target)[:-20],                                       # headers unfinished
            request(target, b"{}", "X: y")[:-1].replace(b"Length: 2", b"Length: 200"),
            request(target, b"", "Transfer-Encoding: chunked",
                    content_length=False) + b"5\r\n{\"a\":\r\n"]        # a chunk, then silence


def test_80_half_sent_requests_do_not_hold_up_a_delivery():
    # The stalled ones time out after 60 s; the delivery must not wait for that, and they
    # must not cost a thread each.
    with sl.webhooks.listen(timeout=60, workers=2) as r:
        threads = threading.active_count()
        stalled = []
        for n in range(80):
            sock = connect(r)
            sock.sendall(stalled_requests(path(r))[n % 5])
            stalled.append(sock)
        try:
            assert post(r, good()).status_code == 200
            assert len(r) == 1
            assert threading.active_count() <= threads + 2      # the two workers at most
            for sock in stalled:       # still open: nobody waited them out
                sock.setblocking(False)
                with pytest.raises(BlockingIOError):
                    sock.recv(1)
        finally:
            for sock in stalled:
                sock.close()


def test_a_stalled_request_is_answered_408_and_closed_at_the_deadline():
    with sl.webhooks.listen(timeout=0.5) as r:
        kinds = stalled_requests(path(r))
        socks = [connect(r) for _ in kinds]
        for sock, data in zip(socks, kinds):
            sock.sendall(data)
        answers = []
        for sock in socks:
            with closing(sock):
                received = b""
                while chunk := sock.recv(4096):       # until the receiver closes it
                    received += chunk
                answers.append(received.split(b"\r\n")[0])
        assert answers == [b"", *[b"HTTP/1.1 408 Request Timeout"] * 4]
        assert r.refusals["408 the request took over 0.5 s"] == 4
        assert r.refusals["dropped: nothing sent in time"] == 1
        still_serves(r)


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_byte_at_a_time_is_cut_off_at_the_request_deadline(part):
    """A sender whose every byte comes before a per-read timeout would fire: only a
    deadline for the whole request stops it."""
    with sl.webhooks.listen(timeout=0.4) as r:
        data = request(path(r), json.dumps(good()).encode())
        split = data.index(b"\r\n\r\n") + 4
        with closing(connect(r)) as sock:
            if part == "body":
                sock.sendall(data[:split])
            sent = split if part == "body" else 0
            sock.setblocking(False)
            answer = b""
            for byte in data[sent:]:          # bounded: at most one pass over the request
                try:
                    answer = sock.recv(4096)
                    break
                except BlockingIOError:
                    pass
                try:
                    sock.send(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += 1
                time.sleep(0.05)
            sock.settimeout(SOCKET_TIMEOUT)
            answer = answer or sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert sent < len(data) and len(r) == 0


def answered(socks: list[socket.socket], quiet: float = 0.3) -> list[socket.socket]:
    """The sockets the receiver has written to (or closed), waiting until none has for
    ``quiet`` seconds (bounded: at most 50 rounds)."""
    ready: list[socket.socket] = []
    for _ in range(50):
        found, _, _ = select.select([s for s in socks if s not in ready], [], [], quiet)
        if not found:
            break
        ready += found
    return ready


def test_connections_over_the_limit_displace_the_oldest():
    with sl.webhooks.listen(timeout=60, max_connections=10) as r:
        idle = []
        for _ in range(30):
            idle.append(connect(r))
            answered(idle, quiet=0.01)         # let the receiver accept it before the next
        try:
            still_serves(r)                    # one more connection: it displaces one more
            closed = [sock for sock in answered(idle) if closed_by_server(sock)]
            assert closed == idle[:21]         # the oldest, in order
            assert r.refusals == {"dropped: too many connections": 21}
        finally:
            for sock in idle:
                sock.close()


def test_many_large_bodies_arriving_at_once_share_a_budget(receiver):
    # 16 x max_body may be buffered at once; 24 nearly complete bodies overrun it.
    target, body = path(receiver), b" " * (SMALL_BODY - 1)
    socks = [connect(receiver) for _ in range(24)]
    try:
        for sock in socks:
            try:
                sock.sendall(request(target, body + b"}")[:-1])
            except (BrokenPipeError, ConnectionResetError):
                pass
        refused = answered(socks)
        assert refused and all(read_answer(sock)[0] == 503 for sock in refused)
        counted = receiver.refusals
        assert set(counted) == {"503 too many bodies arriving at once"}
        assert len(refused) <= sum(counted.values()) <= 24 - 15   # not one per body arriving
    finally:
        for sock in socks:
            sock.close()
    # Once the receiver has seen them hang up, their share is free again; until then a
    # delivery is answered 503, which a sender retries, as SmartLead does.
    for _ in range(50):
        answer = post(receiver, good(99))
        if answer.status_code != 503:
            break
        time.sleep(0.1)
    assert answer.status_code == 200 and len(receiver) == 1


# -- framing: Content-Length, Transfer-Encoding, bodies over the cap ------------------------

@pytest.mark.parametrize("length", [
    "abc", "-1", "+5", "5 5", "5, 6", "0x10", "1e3", "", "５", "\udcb2", "5.0", "2\x0b"])
def test_a_content_length_that_is_not_one_whole_number_gets_400(receiver, length):
    data = request(path(receiver), b"{}", f"Content-Length: {length}", content_length=False)
    assert exchange(receiver, data)[::2] == (400, True)
    assert receiver.received == 0
    still_serves(receiver)


def test_two_different_content_lengths_get_400_and_equal_ones_are_one(receiver):
    body = json.dumps(good()).encode()
    twice = request(path(receiver), body, f"Content-Length: {len(body) + 1}")
    assert exchange(receiver, twice)[::2] == (400, True)
    same = request(path(receiver), body, f"Content-Length: {len(body)}")
    assert exchange(receiver, same)[0] == 200 and len(receiver) == 1


@pytest.mark.parametrize("length", [str(SMALL_BODY + 1), "99999999999999999999999",
                                    "9" * 5000, "00000000000000000000070000"])
def test_a_declared_body_over_the_cap_gets_413_before_it_is_sent(receiver, length):
    # Only the head is sent: the answer must not wait for the body.
    head = request(path(receiver), b"", f"Content-Length: {length}", content_length=False)
    assert exchange(receiver, head)[::2] == (413, True)
    assert receiver.refusals == {f"413 the body is over {SMALL_BODY} bytes": 1}


def test_a_declared_body_over_the_cap_sent_anyway_still_gets_its_413(receiver):
    body = json.dumps([good(n, subject="x" * 900) for n in range(100)]).encode()
    assert len(body) > SMALL_BODY
    assert post(receiver, body).status_code == 413 and receiver.received == 0


def chunked(target: str, *chunks: bytes, end: bytes = b"0\r\n\r\n", extra: str = "",
            coding: str = "chunked") -> bytes:
    head = request(target, b"", f"Transfer-Encoding: {coding}", *([extra] if extra else []),
                   content_length=False)
    return head + b"".join(chunks) + end


def frame_chunk(data: bytes, size: str | None = None) -> bytes:
    return (size or f"{len(data):x}").encode() + b"\r\n" + data + b"\r\n"


BODY = json.dumps(good()).encode()


@pytest.mark.parametrize("chunks, end", [
    ([frame_chunk(BODY)], b"0\r\n\r\n"),
    ([frame_chunk(BODY[:7]), frame_chunk(BODY[7:])], b"0\r\n\r\n"),
    ([frame_chunk(BODY, f"{len(BODY):X};name=value;x")], b"0\r\n\r\n"),          # extensions
    ([frame_chunk(BODY, f"000{len(BODY):x}")], b"0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n"),  # trailers
    ([f"{len(BODY):x}\n".encode() + BODY + b"\n"], b"0\n\n"),                     # bare LF
])
def test_a_chunked_body_is_taken(receiver, chunks, end):
    assert exchange(receiver, chunked(path(receiver), *chunks, end=end))[0] == 200
    assert receiver.payloads == [good()]


@pytest.mark.parametrize("coding", ["chunked", "CHUNKED", "Chunked"])
def test_transfer_encoding_names_chunked_in_any_case(receiver, coding):
    assert exchange(receiver, chunked(path(receiver), frame_chunk(BODY), coding=coding))[0] == 200


def test_a_streaming_client_sends_chunked_and_is_answered_200(receiver):
    pieces = iter([BODY[:10], BODY[10:]])           # requests sends a generator chunked
    answer = requests.post(receiver.url, data=pieces, timeout=SOCKET_TIMEOUT,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 200 and len(receiver) == 1


@pytest.mark.parametrize("chunks, status", [
    ([b"zz\r\n{}\r\n"], 400),                               # not hexadecimal
    ([b"-2\r\n{}\r\n"], 400),
    ([b"0x2\r\n{}\r\n"], 400),
    ([b" \r\n{}\r\n"], 400),
    ([b"2\r\n{}}}\r\n"], 400),                              # longer than its size
    ([b"2\r\n{}XY"], 400),                                  # no line end after the data
    ([b"1" + b";x" * 1000 + b"\r\n{\r\n"], 400),            # a size line too long
    ([b"ffffffffffffffffffff\r\n"], 413),                   # a size past any cap
    ([frame_chunk(b" " * 40000)] * 2, 413),                 # streamed past the cap
    ([frame_chunk(BODY), b"0\r\n" + b"X-T: 1\r\n" * 3000 + b"\r\n"], 431),   # trailers
])
def test_a_malformed_or_oversized_chunked_body_is_refused(receiver, chunks, status):
    assert exchange(receiver, chunked(path(receiver), *chunks))[::2] == (status, True)
    assert receiver.received == 0
    still_serves(receiver)


@pytest.mark.parametrize("coding, status", [
    ("gzip, chunked", 501), ("chunked, gzip", 400), ("identity", 400),
    ("chunked, chunked", 400), ("", 400)])
def test_a_transfer_coding_other_than_chunked_is_refused(receiver, coding, status):
    data = chunked(path(receiver), frame_chunk(BODY), coding=coding)
    assert exchange(receiver, data)[::2] == (status, True) and receiver.received == 0


@pytest.mark.parametrize("data", [
    # both framings at once: the classic request-smuggling shape
    lambda t: request(t, frame_chunk(BODY) + b"0\r\n\r\n", "Transfer-Encoding: chunked"),
    lambda t: chunked(t, frame_chunk(BODY), extra="Content-Length: 3"),
    # chunked needs HTTP/1.1
    lambda t: chunked(t, frame_chunk(BODY)).replace(b"HTTP/1.1", b"HTTP/1.0", 1),
])
def test_ambiguous_framing_gets_400_and_the_connection_closed(receiver, data):
    assert exchange(receiver, data(path(receiver)))[::2] == (400, True)
    assert receiver.received == 0


# -- request lines, methods, headers ------------------------------------------------------

@pytest.mark.parametrize("data, status", [
    (b"GET /\r\n\r\n", 400),                                     # HTTP/0.9
    (b"POST {path}\r\n\r\n", 400),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),     # a TLS hello
    (b"\x00" * 40, 400),
    (b"POST  {path} HTTP/1.1\r\nHost: x\r\n\r\n", 400),         # two spaces
    (b"POST {path} HTTP/1.1 x\r\nHost: x\r\n\r\n", 400),
    (b"POST {path} HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    (b"POST {path} HTTP/1.1.1\r\nHost: x\r\n\r\n", 400),
    (b"POST {path} http/1.1\r\nHost: x\r\n\r\n", 400),
    (b"POST http://127.0.0.1{path} HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"POST * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"POST /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"POST /" + b"a" * 9000, 414),                               # and no line end at all
    (b"A" * 40 + b" / HTTP/1.1\r\n\r\n", 400),                   # a method too long to be one
    (b"POST {path}\xff HTTP/1.1\r\nHost: x\r\n\r\n", 400),        # not ASCII
    (b"POST {path}\x00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"POST {path} HTTP/1.1\rHost: x\r\n\r\n", 400),              # a bare CR
])
def test_garbage_request_lines_are_answered_and_closed(receiver, data, status):
    data = data.replace(b"{path}", path(receiver).encode())
    assert exchange(receiver, data)[::2] == (status, True)
    still_serves(receiver)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
                                    "post", "HEAD"])
def test_methods_other_than_post_get_405_on_the_path(receiver, method):
    data = request(path(receiver), BODY, line=f"{method} {path(receiver)} HTTP/1.1")
    with closing(connect(receiver)) as sock:
        sock.sendall(data)
        status, headers, body = read_answer(sock, method)
    assert (status, headers["Allow"]) == (405, "POST") and receiver.received == 0
    assert body == ({} if method == "HEAD" else {"ok": False, "error": "only POST"})


@pytest.mark.parametrize("header, status", [
    ("X-Long: " + "a" * 9000, 431),
    ("\r\n".join(f"X-{n}: {n}" for n in range(100)), 431),
    ("\r\n".join(["X-Big: " + "b" * 8000] * 3), 431),            # the head as a whole
    ("X-Folded: a\r\n b", 400),                                  # obsolete line folding
    ("X-Space : a", 400),                                        # space before the colon
    ("No colon here", 400),
    ("X-Bell: a\x07b", 400),
    ("Host: second.example", 400),                               # two Hosts
    ("Expect: the-unexpected", 417),
])
def test_bad_headers_are_refused(receiver, header, status):
    data = request(path(receiver), BODY, header)
    assert exchange(receiver, data)[::2] == (status, True) and receiver.received == 0


def test_an_http11_request_without_host_gets_400_and_http10_needs_none(receiver):
    body = json.dumps(good()).encode()
    lines = [f"POST {path(receiver)} HTTP/1.1", "Content-Type: application/json",
             f"Content-Length: {len(body)}"]
    data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    assert exchange(receiver, data)[0] == 400
    assert exchange(receiver, data.replace(b"HTTP/1.1", b"HTTP/1.0", 1))[::2] == (200, True)


def test_expect_100_continue_gets_its_interim_answer(receiver):
    with closing(connect(receiver)) as sock:
        sock.sendall(request(path(receiver), b"", "Expect: 100-continue",
                             content_length=False).replace(
            b"\r\n\r\n", f"\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(BODY)
        assert read_answer(sock)[0] == 200
    assert len(receiver) == 1


# -- the token and the secret ---------------------------------------------------------------

def wrong_paths(real: str) -> list[str]:
    token = real.rsplit("/", 1)[1]
    return ["/", "/smartlead", "/smartlead/", f"/smartlead/{token.swapcase()}",
            f"/smartlead/{token[:-1]}", f"{real}/", f"{real}x", f"/{real}",
            f"/SMARTLEAD/{token}", f"/x/..{real}", f"/smartlead/{token[:5]}%{token[5:]}",
            f"/smartlead/%{ord(token[0]):02X}{token[1:]}", f"/smartlead;{token}"]


def test_a_missing_or_wrong_token_gets_404_and_nothing_is_read(receiver):
    for target in wrong_paths(path(receiver)):
        assert exchange(receiver, request(target, BODY))[::2] == (404, True), target
    assert receiver.received == 0
    assert receiver.refusals == {"404 unknown path": len(wrong_paths(path(receiver)))}
    assert exchange(receiver, request(path(receiver) + "?source=sl&x=1", BODY))[0] == 200


@pytest.mark.parametrize("secret_key", ["wrong", "secretkey ", "", None, ["secretkey"],
                                        {"secretkey": 1}, 0, "SECRETKEY\u0131"])
def test_a_wrong_secret_key_gets_401_or_400_and_nothing_is_kept(secret_key):
    with sl.webhooks.listen(secret="SecretKey") as r:
        answer = post(r, [good(1), good(2, secret_key=secret_key)])
        assert answer.status_code == (400 if isinstance(secret_key, (list, dict, int)) else 401)
        assert r.received == 0 and len(r) == 0
        assert post(r, good(3, secret_key="SECRETkey")).status_code == 200


# -- the body: JSON, its type, its encoding ---------------------------------------------------

@pytest.mark.parametrize("body", [
    b"", b"not json", b"null", b"[]", b"[1]", b'"text"', b"42", b"{}", b"[{}]",
    b'{"event_type": "EMAIL_OPEN"', b'{"event_type": "EMAIL_OPEN"}}',
    b"[" * 60_000, b'{"a":' * 40 + b"1" + b"}" * 40, b"[" * 40 + b"]" * 40,
    b'{"a":' * 5000 + b"1" + b"}" * 5000, b'{"event_type": "EMAIL_OPEN", "x": ' + b"[" * 20_000,
    b'{"event_type": "EMAIL_OPEN", "x": NaN}', b'{"event_type": "EMAIL_OPEN", "x": -Infinity}',
    b'{"event_type": "EMAIL_OPEN", "event_type": "EMAIL_REPLY"}',
    b'{"event_type": "EMAIL_OPEN", "x": ' + b"1" * 5000 + b"}",
    '{"event_type": "EMAIL_OPEN", "subject": "caf\u00e9"}'.encode("latin-1"),
    '{"event_type": "EMAIL_OPEN"}'.encode("utf-16"),
    b'\xef\xbb\xbf{"event_type": "EMAIL_OPEN"}',
    b'{"event_type": "EMAIL_OPEN", "subject": "\\ud800"}',
    b'{"event_type": "EMAIL_OPEN", "subject": "\\udc00x\\ud83d"}',
    b'[{"event_type": "EMAIL_OPEN"},]', b'[{"event_type": "EMAIL_OPEN"} {"event_type": "X"}]',
    b'[ ]', b'[{"event_type": "EMAIL_OPEN"}] x', b'[{"event_type": "EMAIL_OPEN"}',
    b'[{"event_type": "EMAIL_OPEN"}, []]', b'{"event_type": "EMAIL_OPEN"} {}',
])
def test_a_body_that_is_not_an_event_gets_400_and_nothing_is_kept(receiver, body):
    answer = post(receiver, body)
    assert answer.status_code == 400 and answer.json()["ok"] is False
    assert receiver.received == 0 and len(receiver) == 0
    still_serves(receiver)


def test_json_whitespace_around_an_array_is_fine(receiver):
    assert post(receiver, b' \r\n[ \t' + BODY + b' ,\n' + json.dumps(good(1)).encode()
                + b' ] \n').status_code == 200
    assert len(receiver) == 2


def test_a_surrogate_pair_escape_is_a_character(receiver):
    assert post(receiver, b'{"event_type": "EMAIL_OPEN", "subject": "\\ud83d\\ude00"}'
                ).status_code == 200
    assert receiver.frame().loc[0, "subject"] == "\U0001F600"


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/json; charset=latin-1", "application/jsonp", "", "application/xml"])
def test_a_body_that_says_it_is_not_json_gets_415(receiver, content_type):
    data = request(path(receiver), BODY).replace(
        b"Content-Type: application/json", f"Content-Type: {content_type}".encode())
    assert exchange(receiver, data)[::2] == (415, True) and receiver.received == 0


@pytest.mark.parametrize("header", ["Content-Type: application/json",      # a second one
                                    "Content-Encoding: gzip", "Content-Encoding: br"])
def test_a_second_type_or_an_encoded_body_gets_415(receiver, header):
    assert exchange(receiver, request(path(receiver), BODY, header))[0] == 415


@pytest.mark.parametrize("content_type", [
    "application/json; charset=UTF-8", "Application/JSON", 'application/json;charset="utf-8"',
    "application/vnd.smartlead+json", None])
def test_json_types_in_their_spellings_and_none_are_taken(receiver, content_type):
    data = request(path(receiver), BODY)
    data = data.replace(b"Content-Type: application/json",
                        f"Content-Type: {content_type}".encode() if content_type else b"X: y")
    assert exchange(receiver, data)[0] == 200


# -- events: every field the receiver reads, with the wrong type ---------------------------------

TEXT = ["campaign_name", "sl_lead_email", "lead_email", "to_email", "from_email", "stats_id",
        "subject", "category", "secret_key"]
TIMES = ["event_timestamp", "time_sent", "time_opened", "time_clicked", "time_replied"]
NUMBERS = ["campaign_id", "webhook_id", "sequence_number"]
WRONG_FOR_TEXT = [["a"], {"a": 1}, 5, 1.5, True]


def wrong_values() -> list[tuple[str, object]]:
    cases = [("event_type", v) for v in [None, "", ["EMAIL_OPEN"], {"t": 1}, 5, True,
                                         "email_open", "EMAIL OPEN", "E" * 65]]
    cases += [(field, v) for field in TEXT + TIMES for v in WRONG_FOR_TEXT]
    cases += [(field, v) for field in TIMES for v in ["yesterday", "now", "today",
                                                      "2025-13-01", "2025-06-04T25:00:00",
                                                      "2025-06-31T10:00:00Z", "1717500000",
                                                      "\u0662\u0660\u0662\u0665-06-04"]]
    cases += [(field, v) for field in NUMBERS for v in
              [["7"], {"id": 7}, 7.5, True, -1, "abc", "-7", "7.0", " 7", "", 2 ** 63,
               "9" * 20]]
    cases += [("sl_email_lead_id", v) for v in [["1"], {"id": 1}, 1.5, False, -3]]
    cases += [(field, v) for field in ["reply_message", "leadCorrespondence", "lead_category"]
              for v in ["text", ["a"], 5]]
    cases += [("reply_message", {"message_id": ["<a@b>"]}),
              ("leadCorrespondence", {"targetLeadEmail": {"a": 1}}),
              ("lead_category", {"new_name": 3})]
    return cases


@pytest.mark.parametrize("field, value", wrong_values(), ids=repr)
def test_an_event_with_a_field_of_the_wrong_type_is_refused_whole(receiver, field, value):
    bad = good(2, **{field: value})
    answer = post(receiver, [good(0), good(1), bad, good(3)])       # atomic: none of it kept
    assert answer.status_code == 400 and answer.json()["error"].startswith(f"event 3: {field}")
    assert receiver.received == 0 and len(receiver) == 0 and receiver.frame().empty
    assert post(receiver, [good(0), good(1), good(3)]).status_code == 200
    assert len(receiver) == 3


def test_a_missing_event_type_names_the_field(receiver):
    event = good()
    del event["event_type"]
    answer = post(receiver, event)
    assert (answer.status_code, answer.json()["error"]) == (
        400, "event_type must be text such as 'EMAIL_REPLY', got null")


@pytest.mark.parametrize("changes", [
    {"campaign_id": "7", "webhook_id": 704949, "sequence_number": "2"},   # digits as text
    {"sl_email_lead_id": 555001}, {"sl_email_lead_id": None},
    {"subject": None, "category": None, "campaign_name": None, "client_id": None},
    {"time_opened": "2025-06-04T10:15:00.000Z"}, {"time_opened": "2025-06-04 10:15"},
    {"time_opened": ""}, {"event_type": "CAMPAIGN_COMPLETED"},          # a type SL may add
    {"reply_message": None, "leadCorrespondence": {"targetLeadEmail": None}},
    {"unread_field": [{"deep": {"er": [1, 2.5, None, True]}}]},        # not read: kept as sent
])
def test_what_smartlead_may_send_is_taken(receiver, changes):
    assert post(receiver, good(**changes)).status_code == 200
    frame = receiver.frame()
    assert frame.loc[0, "campaign_id"] == 7 and frame["campaign_id"].dtype == "Int64"
    assert frame.loc[0, "payload"] == good(**changes)


def test_too_many_events_in_one_delivery_are_refused(receiver):
    events = [{"event_type": "EMAIL_OPEN", "stats_id": str(n)} for n in range(1001)]
    assert post(receiver, events).status_code == 400
    assert post(receiver, events[:1000]).status_code == 200 and len(receiver) == 1000


# -- what is kept: capped, oldest dropped, counted -------------------------------------------------

def test_the_oldest_events_are_dropped_past_max_events_and_counted():
    with sl.webhooks.listen(max_events=5) as r:
        for n in range(8):
            assert post(r, good(n)).status_code == 200
        assert (len(r), r.dropped, r.received) == (5, 3, 8)
        assert r.frame()["stats_id"].tolist() == [f"s-{n}" for n in range(3, 8)]
        assert post(r, good(1)).status_code == 200       # a late retry of a dropped event
        assert (len(r), r.duplicates) == (5, 1)
        assert "3 dropped" in repr(r)


def test_the_oldest_events_are_dropped_past_max_bytes():
    size = len(json.dumps(good(0, subject="x" * 1000)))
    with sl.webhooks.listen(max_bytes=3 * size) as r:
        for n in range(6):
            assert post(r, good(n, subject="x" * 1000)).status_code == 200
        assert (len(r), r.dropped) == (3, 3)
        r.clear()
        assert (len(r), r.dropped, r.received) == (0, 0, 0)


def test_remembered_keys_are_bounded_too():
    with sl.webhooks.listen(max_events=3) as r:
        assert post(r, [good(n) for n in range(50)]).status_code == 200
        assert len(r) == 3 and r.dropped == 47
        assert post(r, good(0)).status_code == 200      # forgotten long ago: new again
        assert r.duplicates == 0 and len(r) == 3


# -- keep-alive -------------------------------------------------------------------------------------

def test_keep_alive_and_pipelined_requests_are_answered_in_order(receiver):
    bodies = [json.dumps(good(n)).encode() for n in range(3)]
    with closing(connect(receiver)) as sock:
        sock.sendall(request(path(receiver), bodies[0]))
        assert read_answer(sock)[0] == 200
        sock.sendall(request(path(receiver), bodies[1]) + b"\r\n"
                     + request(path(receiver), b"not json") + request(path(receiver), bodies[2]))
        assert [read_answer(sock)[0] for _ in range(3)] == [200, 400, 200]
    assert [p["stats_id"] for p in receiver.payloads] == ["s-0", "s-1", "s-2"]


def test_an_idle_keep_alive_connection_is_closed_and_connection_close_is_honoured():
    with sl.webhooks.listen(timeout=0.5) as r:
        with closing(connect(r)) as sock:
            sock.sendall(request(path(r), BODY))
            assert read_answer(sock)[0] == 200
            assert closed_by_server(sock)           # after the timeout, idle
        assert "dropped: nothing sent in time" not in r.refusals   # it had been used
        assert exchange(r, request(path(r), BODY, "Connection: close"))[::2] == (200, True)


def test_a_connection_is_closed_after_100_requests(receiver):
    with closing(connect(receiver)) as sock:
        for n in range(100):
            sock.sendall(request(path(receiver), json.dumps(good(n)).encode()))
            status, headers, _ = read_answer(sock)
        assert (status, headers.get("Connection")) == (200, "close")
        assert closed_by_server(sock)
    assert len(receiver) == 100


# -- faults of the receiver itself ------------------------------------------------------------------

class _FaultySecret(str):
    """A secret whose comparison fails: a stand-in for a bug in the receiver's own code."""

    def lower(self):
        raise RuntimeError("fault with the token /smartlead/abc and ana@example.eu")


def test_an_internal_fault_answers_500_is_counted_and_logged_without_its_message(caplog):
    with caplog.at_level(logging.DEBUG, logger="smartlead_nb.webhooks"):
        with sl.webhooks.listen(secret=_FaultySecret("secretkey")) as r:
            assert post(r, good()).status_code == 500          # SmartLead retries a 5xx
            assert post(r, good()).status_code == 500          # and it goes on serving
            assert (r.errors, len(r), r.refusals) == (2, 0, {"500 the receiver failed; try again": 2})
    faults = [rec for rec in caplog.records if rec.levelno == logging.WARNING]
    assert len(faults) == 2
    text = faults[0].getMessage()
    assert "RuntimeError" in text and "__init__.py" in text
    assert "ana@example.eu" not in text and "/smartlead/" not in text and "token" not in text
    # the receiver's own records (the test's HTTP client may log its URL at DEBUG, which is
    # the sender's log, not the receiver's)
    assert all(path(r) not in rec.getMessage() for rec in caplog.records
               if rec.name.startswith("smartlead_nb"))


def test_refusals_are_logged_without_the_token(caplog, receiver):
    with caplog.at_level(logging.DEBUG, logger="smartlead_nb.webhooks"):
        exchange(receiver, request(path(receiver) + "x", BODY))
        exchange(receiver, request(path(receiver), b"[1]"))
    messages = [rec.getMessage() for rec in caplog.records]
    assert len(messages) == 2 and "404 unknown path" in messages[0]
    token = path(receiver).rsplit("/", 1)[1]
    assert not any(token in m for m in messages)


class _HeldSecret(str):
    """A secret whose comparison waits for the test: workers held busy on demand."""

    release: threading.Event

    def lower(self):
        self.release.wait(SOCKET_TIMEOUT)
        return str.lower(self)


def test_deliveries_beyond_the_workers_and_their_queue_get_503_and_the_rest_200():
    secret = _HeldSecret("secretkey")
    secret.release = threading.Event()
    with sl.webhooks.listen(secret=secret, workers=1) as r:      # 1 working + 4 waiting
        socks = [connect(r) for _ in range(7)]
        try:
            for n, sock in enumerate(socks):
                sock.sendall(request(path(r), json.dumps(good(n)).encode()))
                answered(socks, quiet=0.05)
            early = answered(socks)
            assert [read_answer(sock)[0] for sock in early] == [503, 503]
            secret.release.set()
            assert sorted(read_answer(sock)[0] for sock in socks if sock not in early) == [200] * 5
        finally:
            secret.release.set()
            for sock in socks:
                sock.close()
        assert len(r) == 5 and r.refusals == {"503 the receiver is busy": 2}


def test_stop_closes_every_connection_and_ends_its_threads():
    before = threading.active_count()
    r = sl.webhooks.listen(timeout=60)
    socks = [connect(r) for _ in range(20)]
    for n, sock in enumerate(socks):
        sock.sendall(stalled_requests(path(r))[n % 5])
    assert post(r, good()).status_code == 200
    r.stop()
    try:
        assert all(closed_by_server(sock) for sock in socks)
        assert threading.active_count() == before
        assert len(r) == 1 and "stopped" in repr(r)
        with pytest.raises(ConnectionRefusedError):
            connect(r)
    finally:
        for sock in socks:
            sock.close()
