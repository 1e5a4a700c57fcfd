"""A scripted HTTP server for the few faults the sandbox cannot produce on demand
(an HTML error page, an HTTP-date Retry-After, a drop on exactly the first attempt, a hang)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Scripted:
    """Answers requests with the next scripted reply; records what it received.

    A reply is a dict: ``{"status": 200, "json": {...}}``, ``{"status": 403, "text": "<html>",
    "headers": {...}}``, ``{"drop": True}`` (close without answering) or ``{"sleep": 2, ...}``;
    ``"date"`` sets its ``Date`` header (``None``: no ``Date`` at all; default: now).
    """

    def __init__(self, replies):
        self.replies = list(replies)
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.received.append({"method": self.command, "path": self.path,
                                       "headers": dict(self.headers), "body": body,
                                       "time": time.monotonic()})
                reply = outer.replies.pop(0) if outer.replies else {"status": 200, "json": {"ok": True}}
                if reply.get("sleep"):
                    time.sleep(reply["sleep"])
                if reply.get("drop"):
                    self.close_connection = True
                    self.connection.close()
                    return
                if "json" in reply:
                    payload, ctype = json.dumps(reply["json"]).encode(), "application/json"
                else:
                    payload, ctype = reply.get("text", "").encode(), reply.get("type", "text/html")
                if reply.get("date", "now") == "now":
                    self.send_response(reply.get("status", 200))
                else:
                    self.send_response_only(reply.get("status", 200))
                    if reply["date"] is not None:
                        self.send_header("Date", reply["date"])
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in reply.get("headers", {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
