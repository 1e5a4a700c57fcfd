"""A webhook receiver for notebooks: SmartLead's event POSTs, live, as a DataFrame.

``listen()`` starts a small HTTP server on 127.0.0.1 (only: it is never reachable from
another machine) in a background thread. Point a campaign webhook at its ``url`` and read
what arrived with ``frame()``. Against the sandbox this works as is (the sandbox delivers to
this machine only); against live SmartLead the URL must be reachable from the internet, e.g.
through a tunnel you run yourself.

>>> import smartlead_nb as sl
>>> with sl.webhooks.listen() as receiver:                                  # doctest: +SKIP
...     client.save_webhook(cid, "nb events", receiver.url, ["EMAIL_SENT", "EMAIL_REPLY"])
...     sandbox.advance(days=2)
...     receiver.wait(5, timeout=10)
...     receiver.frame()[["event_type", "event_time", "lead_email"]]

What it does with a delivery (more-sheet 4.7/4.8, the Rec for receivers):
- only POSTs to its own path, which carries an unguessable token, are taken (others: 404);
  that token is the authentication live clients rely on. With ``secret=...`` the payload's
  ``secret_key`` must match too (case-insensitively), else 401.
- a JSON object is one event; an array is several. Anything else is a 400, which SmartLead
  does not retry. A good delivery gets 200 at once.
- the same event delivered twice (a retry after a lost answer, a retrigger, two hooks) is
  kept once: see :func:`dedup_key`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Hashable

import pandas as pd

HOST = "127.0.0.1"
MAX_BODY = 10 * 1024 * 1024    # a payload carries one email's text; this is plenty

# The time each event type happened at, by its own field (event_timestamp is the fallback).
_EVENT_TIME_FIELDS = {"EMAIL_SENT": "time_sent", "EMAIL_BOUNCE": "time_sent",
                      "EMAIL_OPEN": "time_opened", "EMAIL_LINK_CLICK": "time_clicked",
                      "EMAIL_REPLY": "time_replied"}
COLUMNS = ["event_type", "event_time", "campaign_id", "campaign_name", "lead_email",
           "sl_email_lead_id", "stats_id", "sequence_number", "category", "subject",
           "from_email", "webhook_id", "received_at", "payload"]


def lead_email(payload: dict) -> str | None:
    """The lead's address: ``sl_lead_email``, else ``leadCorrespondence.targetLeadEmail``,
    else ``lead_email``, else ``to_email`` (``from_email`` is your own mailbox, even on a
    reply).

    >>> lead_email({"to_email": "ana@example.eu", "from_email": "max@send.example"})
    'ana@example.eu'
    """
    correspondence = payload.get("leadCorrespondence")
    target = correspondence.get("targetLeadEmail") if isinstance(correspondence, dict) else None
    for value in (payload.get("sl_lead_email"), target, payload.get("lead_email"),
                  payload.get("to_email")):
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def event_time(payload: dict) -> pd.Timestamp | None:
    """When the event happened, in UTC (``+00:00`` and ``.000Z`` spellings compare equal).

    >>> event_time({"event_type": "EMAIL_REPLY", "time_replied": "2025-06-04T10:15:00.000Z"})
    Timestamp('2025-06-04 10:15:00+0000', tz='UTC')
    """
    field = _EVENT_TIME_FIELDS.get(str(payload.get("event_type")))
    for value in (payload.get(field) if field else None, payload.get("event_timestamp")):
        if value:
            try:
                stamp = pd.Timestamp(value)
            except (TypeError, ValueError):
                continue
            return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return None


def dedup_key(payload: dict) -> Hashable:
    """What makes two deliveries the same event (more-sheet 4.8).

    A reply is named by its ``reply_message.message_id`` (what live clients dedupe on); any
    other event by (event type, lead, ``stats_id``, the event's time in UTC), the
    ``(sl_email_lead_id, time)`` rule with the time normalised, since SmartLead writes
    ``+00:00`` in webhooks and ``.000Z`` elsewhere.

    >>> a = {"event_type": "EMAIL_OPEN", "sl_email_lead_id": "7", "stats_id": "s",
    ...      "time_opened": "2025-06-04T10:15:00+00:00"}
    >>> dedup_key(a) == dedup_key(dict(a, time_opened="2025-06-04T10:15:00.000Z"))
    True
    """
    kind = payload.get("event_type")
    reply = payload.get("reply_message")
    if kind == "EMAIL_REPLY" and isinstance(reply, dict) and reply.get("message_id"):
        return (kind, "message_id", str(reply["message_id"]))
    lead = payload.get("sl_email_lead_id") or lead_email(payload)
    when = event_time(payload)
    return (kind, str(lead), str(payload.get("stats_id")), when.isoformat() if when else None)


def _category(payload: dict) -> str | None:
    category = payload.get("category")
    if isinstance(category, str):
        return category
    change = payload.get("lead_category")
    return change.get("new_name") if isinstance(change, dict) else None


def _row(payload: dict, received_at: pd.Timestamp) -> dict:
    return {"event_type": payload.get("event_type"), "event_time": event_time(payload),
            "campaign_id": payload.get("campaign_id"),
            "campaign_name": payload.get("campaign_name"), "lead_email": lead_email(payload),
            "sl_email_lead_id": payload.get("sl_email_lead_id"),
            "stats_id": payload.get("stats_id"),
            "sequence_number": payload.get("sequence_number"), "category": _category(payload),
            "subject": payload.get("subject"), "from_email": payload.get("from_email"),
            "webhook_id": payload.get("webhook_id"), "received_at": received_at,
            "payload": payload}


class Receiver:
    """A running receiver (see :func:`listen`). Thread-safe; a context manager.

    Attributes: ``url`` (give it to SmartLead), ``port``, ``received`` (deliveries taken,
    duplicates included), ``duplicates`` (of those, how many repeated an event).
    """

    def __init__(self, port: int = 0, *, secret: str | None = None) -> None:
        self._path = f"/smartlead/{secrets.token_urlsafe(16)}"
        self._secret = secret
        self._lock = threading.Condition()
        self._rows: list[dict] = []
        self._seen: set[Hashable] = set()
        self.received = 0
        self.duplicates = 0
        self._last_arrival = 0.0       # time.monotonic() of the last delivery taken
        self._server: ThreadingHTTPServer | None = ThreadingHTTPServer((HOST, port),
                                                                       _handler_for(self))
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"webhook-receiver-{self.port}", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/smartlead/<token>``: the token is the authentication."""
        return f"http://{HOST}:{self.port}{self._path}"

    def __repr__(self) -> str:    # the token stays out of reprs: it authenticates
        state = "stopped" if self._server is None else f"http://{HOST}:{self.port}/…"
        return f"<webhooks.Receiver {state}, {len(self)} events>"

    def __len__(self) -> int:
        with self._lock:
            return len(self._rows)

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def payloads(self) -> list[dict]:
        """The distinct payloads as received, oldest first."""
        with self._lock:
            return [row["payload"] for row in self._rows]

    def frame(self) -> pd.DataFrame:
        """One row per distinct event, in arrival order: ``event_type``, ``event_time``
        (UTC), ``campaign_id``, ``campaign_name``, ``lead_email``, ``sl_email_lead_id``,
        ``stats_id`` (a reply's: what replying to the thread needs), ``sequence_number``,
        ``category``, ``subject``, ``from_email`` (your mailbox), ``webhook_id``,
        ``received_at`` and ``payload`` (the raw object).

        >>> with listen() as receiver:
        ...     receiver.frame().columns.tolist()[:3]
        ['event_type', 'event_time', 'campaign_id']
        """
        with self._lock:
            rows = list(self._rows)
        frame = pd.DataFrame(rows, columns=COLUMNS)
        for column in ("campaign_id", "sequence_number", "webhook_id"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        for column in ("event_time", "received_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    def wait(self, n: int = 1, timeout: float = 10.0, settle: float = 0.0) -> bool:
        """Block until at least ``n`` distinct events have arrived and, with ``settle``,
        nothing new came for that many seconds (True), or ``timeout`` seconds have passed
        (False). ``settle`` suits a burst of unknown size, such as a clock advance.

        >>> with listen() as receiver:
        ...     receiver.wait(1, timeout=0.01)
        False
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                now = time.monotonic()
                quiet_until = self._last_arrival + settle
                if len(self._rows) >= n and now >= quiet_until:
                    return True
                if now >= deadline:
                    return False
                wake = deadline if len(self._rows) < n else min(deadline, quiet_until)
                self._lock.wait(max(0.0, wake - now))

    def clear(self) -> None:
        """Forget what arrived (the URL stays the same)."""
        with self._lock:
            self._rows.clear()
            self._seen.clear()
            self.received = self.duplicates = 0

    def stop(self) -> None:
        """Stop listening and free the port; what arrived stays readable."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()

    # -- called by the handler --------------------------------------------------------------
    def _accepts(self, path: str) -> bool:
        return path.split("?", 1)[0] == self._path

    def _take(self, body: Any) -> int:
        """Record a delivery's events; the HTTP status to answer."""
        events = body if isinstance(body, list) else [body]
        if not events or not all(isinstance(e, dict) for e in events):
            return 400
        if self._secret is not None and any(
                str(e.get("secret_key", "")).lower() != self._secret.lower() for e in events):
            return 401
        now = pd.Timestamp(datetime.now(timezone.utc))
        with self._lock:
            self._last_arrival = time.monotonic()
            for event in events:
                self.received += 1
                key = dedup_key(event)
                if key in self._seen:
                    self.duplicates += 1
                    continue
                self._seen.add(key)
                self._rows.append(_row(event, now))
            self._lock.notify_all()
        return 200


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:   # noqa: N802 - stdlib name
            length = int(self.headers.get("Content-Length") or 0)
            if not receiver._accepts(self.path):
                return self._answer(404, length)
            if length > MAX_BODY:
                return self._answer(413, length)
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                return self._answer(400, 0)
            self._answer(receiver._take(body), 0)

        def _answer(self, status: int, unread: int) -> None:
            if unread:
                self.close_connection = True
            data = json.dumps({"ok": status == 200}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:   # noqa: A002
            pass   # quiet: a notebook cell's output stays clean

    return Handler


def listen(port: int = 0, *, secret: str | None = None) -> Receiver:
    """Start a receiver on 127.0.0.1 (``port=0``: any free port) and return it.

    ``secret``: also require the payloads' ``secret_key`` (the sandbox sends
    ``"secretkey"``, as SmartLead's test event does).

    >>> receiver = listen()
    >>> receiver.url.startswith("http://127.0.0.1:")
    True
    >>> receiver.stop()
    """
    return Receiver(port, secret=secret)
