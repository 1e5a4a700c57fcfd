"""A small, deliberately unhelpful HTTP server on 127.0.0.1, for the faults SmartLead's sandbox
will not produce: redirects, echoed keys, HTML in a 200, odd rate headers, trickled answers.

Each test sets the replies it wants; every request is recorded, so a test can also prove a
server was *not* contacted.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Hostile:
    """Answers each request with the next reply (the last one repeats once the list is used up).

    A reply is a dict with any of:
        status (200), headers ({}), json (a value to send as JSON), body (str/bytes as is),
        type (Content-Type, default text/html for ``body``), sleep (seconds before answering),
        drop (close without answering), trickle (seconds between single bytes of the body),
        trickle_headers (seconds between header lines; sent after the status line).
    """

    def __init__(self) -> None:
        self.replies: list[dict[str, Any]] = [{"status": 200, "json": {"ok": True}}]
        self.received: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.received.append({"method": self.command, "path": self.path,
                                       "headers": dict(self.headers), "body": body,
                                       "time": time.monotonic()})
                reply = outer.replies.pop(0) if len(outer.replies) > 1 else outer.replies[0]
                try:
                    self._answer(reply)
                except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
                    pass  # the client hung up: exactly what a trickle test wants

            def _answer(self, reply: dict[str, Any]) -> None:
                if reply.get("sleep"):
                    time.sleep(reply["sleep"])
                if reply.get("drop"):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if "json" in reply:
                    payload, ctype = json.dumps(reply["json"]).encode(), "application/json"
                else:
                    raw = reply.get("body", "")
                    payload = raw if isinstance(raw, bytes) else raw.encode()
                    ctype = reply.get("type", "text/html")
                lines = [f"HTTP/1.0 {reply.get('status', 200)} Whatever\r\n",
                         f"Content-Type: {ctype}\r\n", f"Content-Length: {len(payload)}\r\n"]
                lines += [f"{k}: {v}\r\n" for k, v in reply.get("headers", {}).items()]
                if reply.get("trickle_headers"):
                    self.wfile.write(lines[0].encode())
                    for i in range(60):
                        time.sleep(reply["trickle_headers"])
                        self.wfile.write(f"X-Slow-{i}: x\r\n".encode())
                        self.wfile.flush()
                    lines = lines[1:]
                self.wfile.write("".join(lines).encode() + b"\r\n")
                if reply.get("trickle"):
                    for byte in payload:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply["trickle"])
                else:
                    self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.base_url = f"{self.origin}/api/v1"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def reply(self, *replies: dict[str, Any]) -> "Hostile":
        self.replies = list(replies)
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
