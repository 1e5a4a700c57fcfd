"""Target 8: a hostile webhook body costs the notebook little memory. Peak Python memory
(tracemalloc) while the receiver answers one 10 MiB body, as a ratio to the body's size, side
by side with a naive receiver (``http.server``: read Content-Length bytes, ``json.loads``),
which is what the receiver was before.

Bodies: ``[{}, {}, ...]`` (the most Python objects per byte), ``[[], [], ...]`` inside one
event, and one event carrying 10 MiB of text (a big email). Each is sent over a real socket
with a Content-Length, and again chunked. Then the receiver with its cap lifted to 10 MiB
(what an analyst who raises ``max_body`` pays), and what a full store holds: ``max_events``
realistic events, retained memory as a ratio to their JSON.

    python benchmarks/bench_webhook_memory.py [--mib 10]
"""

from __future__ import annotations

import argparse
import gc
import json
import socket
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import smartlead_nb as sl

MIB = 1024 * 1024


def shapes(size: int) -> dict[str, bytes]:
    """Three bodies of about ``size`` bytes."""
    many = b"[" + b",".join([b"{}"] * (size // 3)) + b"]"
    nested = (b'{"event_type": "EMAIL_OPEN", "x": [' + b",".join([b"[]"] * (size // 3))
              + b"]}")
    text = json.dumps({"event_type": "EMAIL_OPEN", "subject": "x" * (size - 60)}).encode()
    return {"[{}, {}, ...]": many, "[[], [], ...] in an event": nested, "one big text": text}


class _Naive(BaseHTTPRequestHandler):
    """The reference: what a plain http.server receiver does with a body."""

    def do_POST(self):   # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200 if isinstance(body, (dict, list)) else 400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def send(port: int, target: str, body: bytes, chunked: bool) -> int:
    """Post ``body`` on a raw socket (no copies of it on the client side) and return the
    status; a receiver that answers early and closes is read all the same."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
    head = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{framing}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        try:
            sock.sendall(head)
            if chunked:
                view = memoryview(body)
                for start in range(0, len(body), 64 * 1024):
                    piece = view[start:start + 64 * 1024]
                    sock.sendall(b"%x\r\n" % len(piece))
                    sock.sendall(piece)
                    sock.sendall(b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            else:
                sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return int(sock.makefile("rb").readline().split()[1])


def settle() -> None:
    """Wait until the last request's memory is freed: a server thread frees its objects
    after it has answered, so the next baseline could otherwise catch it half done."""
    last = -1
    for _ in range(100):
        gc.collect()
        now = tracemalloc.get_traced_memory()[0]
        if abs(now - last) < 64 * 1024:
            return
        last = now
        time.sleep(0.1)


def peak(port: int, target: str, body: bytes, chunked: bool = False) -> tuple[int, float]:
    settle()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    status = send(port, target, body, chunked)
    return status, (tracemalloc.get_traced_memory()[1] - start)


def retained(events: int) -> tuple[int, float]:
    """Memory a full store keeps, and the JSON size of what it keeps."""
    event = {"event_type": "EMAIL_REPLY", "campaign_id": 1234567, "sl_email_lead_id": "555001",
             "sl_lead_email": "ana@example.eu", "time_replied": "2025-06-04T10:15:00+00:00",
             "subject": "Re: Idea for Example GmbH", "from_email": "max@send-eu.example",
             "reply_message": {"message_id": "<a@b>", "html": "<p>" + "y" * 1500 + "</p>",
                               "text": "y" * 1500}}
    with sl.webhooks.listen(max_events=events) as receiver:
        target = urlsplit(receiver.url).path
        settle()
        before = tracemalloc.get_traced_memory()[0]
        size = 0
        for n in range(events + 100):
            reply = dict(event["reply_message"], message_id=f"<{n}@example.eu>")
            body = json.dumps(dict(event, stats_id=f"s-{n}", reply_message=reply)).encode()
            size += len(body) if n >= 100 else 0
            assert send(receiver.port, target, body, False) == 200
        settle()
        kept = tracemalloc.get_traced_memory()[0] - before
        assert len(receiver) == events and receiver.dropped == 100
    return kept, size


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=10.0)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args(argv)
    size = int(args.mib * MIB)
    bodies = shapes(size)
    tracemalloc.start()
    results = {}

    naive = ThreadingHTTPServer(("127.0.0.1", 0), _Naive)
    threading.Thread(target=naive.serve_forever, daemon=True).start()
    capped = sl.webhooks.listen()
    lifted = sl.webhooks.listen(max_body=size + 1024)
    print(f"peak Python memory while one body of {args.mib:g} MiB is answered "
          f"(ratio to the body's size)\n")
    print(f"{'body':28} {'receiver':34} {'status':>6} {'peak MB':>9} {'ratio':>7}")
    try:
        for name, body in bodies.items():
            rows = [("naive http.server + json.loads", naive.server_address[1], "/", False),
                    ("smartlead_nb (2 MiB cap)", capped.port, urlsplit(capped.url).path, False),
                    ("smartlead_nb (2 MiB cap), chunked", capped.port,
                     urlsplit(capped.url).path, True),
                    ("smartlead_nb, cap lifted to fit", lifted.port,
                     urlsplit(lifted.url).path, False)]
            for label, port, target, chunked in rows:
                status, used = peak(port, target, body, chunked)
                results[(name, label)] = used / len(body)
                print(f"{name:28} {label:34} {status:>6} {used / 1e6:>9.1f} "
                      f"{used / len(body):>7.2f}")
    finally:
        capped.stop()
        lifted.stop()
        naive.shutdown()
        naive.server_close()

    kept, json_size = retained(args.events)
    results["retained"] = kept / json_size
    print(f"\na full store: {args.events} reply events kept (100 more dropped): "
          f"{kept / 1e6:.1f} MB held for {json_size / 1e6:.1f} MB of JSON "
          f"(ratio {kept / json_size:.2f}); the default caps are 10,000 events and 64 MiB "
          f"of JSON")
    tracemalloc.stop()
    return results


if __name__ == "__main__":
    main()
