"""A webhook receiver for notebooks: SmartLead's event POSTs, live, as a DataFrame.

``listen()`` starts a small HTTP server on 127.0.0.1 (only: it is never reachable from
another machine) in a background thread. Point a campaign webhook at its ``url`` and read
what arrived with ``frame()``. Against the sandbox this works as is (the sandbox delivers to
this machine only); against live SmartLead the URL must be reachable from the internet, e.g.
through a tunnel you run yourself.

>>> import smartlead_nb as sl
>>> with sl.webhooks.listen() as receiver:                                  # doctest: +SKIP
...     client.webhooks.save(cid, "nb events", receiver.url, ["EMAIL_SENT", "EMAIL_REPLY"])
...     sandbox.advance(days=2)
...     receiver.wait(5, timeout=10)
...     receiver.frame()[["event_type", "event_time", "lead_email"]]

What it does with a delivery (more-sheet 4.7/4.8, the Rec for receivers):
- only POSTs to its own path, which carries an unguessable token, are taken (others: 404,
  other methods 405); that token is the authentication live clients rely on. With
  ``secret=...`` the payload's ``secret_key`` must match too (case-insensitively), else 401.
- a JSON object is one event; an array is several. A delivery is checked whole before any of
  it is kept (:func:`~smartlead_nb.webhooks.events.read_delivery`): one bad event and the
  answer is 400, which SmartLead does not retry, and nothing of it is kept. A good delivery
  gets 200 at once; a Content-Length or a chunked body both work.
- the same event delivered twice (a retry after a lost answer, a retrigger, two hooks) is
  kept once: see :func:`dedup_key`.
- hostile or broken senders are answered, not waited for (``server.py``): a request must
  arrive whole within ``timeout`` seconds, bodies over ``max_body`` bytes get 413, and at
  most ``max_events`` events (``max_bytes`` of JSON) are kept, the oldest dropped first.
  ``refused``/``refusals``, ``dropped`` and ``errors`` count what was turned away; nothing is
  ever printed into the notebook.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections import deque
from datetime import datetime, timezone
from typing import Any, Hashable

import pandas as pd

from ..errors import InputError
from . import wire
from .events import COLUMNS, BadDelivery, dedup_key, event_time, lead_email, read_delivery, row
from .server import Server

__all__ = ["listen", "Receiver", "dedup_key", "event_time", "lead_email", "COLUMNS"]

HOST = "127.0.0.1"
MAX_BODY = 2 * 1024 * 1024      # one event carries one thread's emails; generous for that
MAX_EVENTS = 10_000             # kept in memory; the oldest go first
MAX_BYTES = 64 * 1024 * 1024    # of the kept events' JSON, likewise
TIMEOUT = 10.0                  # seconds for one request to arrive whole
MAX_CONNECTIONS = 128
WORKERS = 2


class Receiver:
    """A running receiver (see :func:`listen`). Thread-safe; a context manager.

    Attributes: ``url`` (give it to SmartLead), ``port``; counts: ``received`` (events
    taken, duplicates included), ``duplicates`` (of those, how many repeated an event),
    ``dropped`` (the oldest events let go to stay within ``max_events``/``max_bytes``),
    ``refused`` (requests answered 4xx/5xx or connections dropped; ``refusals`` by reason)
    and ``errors`` (faults of the receiver itself, each answered 500).
    """

    def __init__(self, port: int = 0, *, secret: str | None = None, max_body: int = MAX_BODY,
                 max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES,
                 timeout: float = TIMEOUT, max_connections: int = MAX_CONNECTIONS,
                 workers: int = WORKERS) -> None:
        _check_limits(max_body=max_body, max_events=max_events, max_bytes=max_bytes,
                      timeout=timeout, max_connections=max_connections, workers=workers)
        if secret is not None and not isinstance(secret, str):
            raise InputError(f"secret must be text, got {type(secret).__name__}")
        self._path = f"/smartlead/{secrets.token_urlsafe(16)}"
        self._secret = secret
        self.max_events, self.max_bytes = max_events, max_bytes
        self._lock = threading.Condition()
        self._rows: deque[tuple[dict, int]] = deque()     # (frame row, its JSON size)
        self._seen: dict[Hashable, None] = {}              # keys, oldest first
        self._bytes = 0
        self.received = self.duplicates = self.dropped = 0
        self._last_arrival = 0.0       # time.monotonic() of the last delivery taken
        self._server = Server(HOST, port, self._check, self._take, max_body=max_body,
                              timeout=timeout, max_connections=max_connections,
                              workers=workers, backlog=4 * workers,
                              max_buffered=16 * max_body, name="webhook-receiver")
        self._running = True

    @property
    def port(self) -> int:
        return self._server.address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/smartlead/<token>``: the token is the authentication."""
        return f"http://{HOST}:{self.port}{self._path}"

    @property
    def refusals(self) -> dict[str, int]:
        """How many requests were refused, by reason (``"413 the body is over ..."``)."""
        return self._server.refusal_counts()

    @property
    def refused(self) -> int:
        return sum(self.refusals.values())

    @property
    def errors(self) -> int:
        return self._server.errors

    def __repr__(self) -> str:    # the token stays out of reprs: it authenticates
        state = f"http://{HOST}:{self.port}/…" if self._running else "stopped"
        return (f"<webhooks.Receiver {state}, {len(self)} events, {self.dropped} dropped, "
                f"{self.refused} refused>")

    def __len__(self) -> int:
        with self._lock:
            return len(self._rows)

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def payloads(self) -> list[dict]:
        """The distinct payloads kept, oldest first."""
        with self._lock:
            return [kept["payload"] for kept, _ in self._rows]

    def frame(self) -> pd.DataFrame:
        """One row per distinct event kept, in arrival order: ``event_type``, ``event_time``
        (UTC), ``campaign_id``, ``campaign_name``, ``lead_email``, ``sl_email_lead_id``,
        ``stats_id`` (a reply's: what replying to the thread needs), ``sequence_number``,
        ``category``, ``subject``, ``from_email`` (your mailbox), ``webhook_id``,
        ``received_at`` and ``payload`` (the raw object).

        >>> with listen() as receiver:
        ...     receiver.frame().columns.tolist()[:3]
        ['event_type', 'event_time', 'campaign_id']
        """
        with self._lock:
            rows = [kept for kept, _ in self._rows]
        frame = pd.DataFrame(rows, columns=COLUMNS)
        for column in ("campaign_id", "sequence_number", "webhook_id"):
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
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
        """Forget what arrived and its counts (the URL and the refusal counts stay)."""
        with self._lock:
            self._rows.clear()
            self._seen.clear()
            self._bytes = self.received = self.duplicates = self.dropped = 0

    def stop(self) -> None:
        """Stop listening and free the port; what arrived stays readable."""
        if self._running:
            self._running = False
            self._server.close()

    # -- called from the server's threads ---------------------------------------------------
    def _check(self, head: wire.Head) -> None:
        """Before the body is read: the path (the token), the method, the body's type."""
        if not hmac.compare_digest(head.path.encode(), self._path.encode()):
            raise wire.Refusal(404, "unknown path")
        if head.method != "POST":
            raise wire.Refusal(405, "only POST", headers=(("Allow", "POST"),))
        types = [v for k, v in head.headers if k == "content-type"]
        if len(types) > 1 or types and not _is_json(types[0]):
            raise wire.Refusal(415, "Content-Type must be application/json")
        if any(c.lower() != "identity" for c in head.values("content-encoding")):
            raise wire.Refusal(415, "no Content-Encoding")

    def _take(self, head: wire.Head, body: bytes | bytearray) -> None:
        """Keep a delivery's events, all or none (raises wire.Refusal)."""
        try:
            events = read_delivery(body)
        except BadDelivery as exc:
            raise wire.Refusal(400, "a bad delivery", detail=str(exc), keep_open=True) from None
        if self._secret is not None and not all(_same_secret(e.get("secret_key"), self._secret)
                                                for e in events):
            raise wire.Refusal(401, "wrong secret_key", keep_open=True)
        now = pd.Timestamp(datetime.now(timezone.utc))
        sizes = [len(body)] if len(events) == 1 else [len(json.dumps(e)) for e in events]
        # Everything that could fail is done before the first event is kept.
        made = [(dedup_key(e), row(e, now), size) for e, size in zip(events, sizes)]
        with self._lock:
            self._last_arrival = time.monotonic()
            for key, kept, size in made:
                self.received += 1
                if key in self._seen:
                    self.duplicates += 1
                    continue
                self._seen[key] = None
                self._rows.append((kept, size))
                self._bytes += size
            self._drop_oldest()
            self._lock.notify_all()

    def _drop_oldest(self) -> None:
        while len(self._rows) > self.max_events or self._bytes > self.max_bytes:
            _, size = self._rows.popleft()
            self._bytes -= size
            self.dropped += 1
        # A dropped event's key is remembered a while longer, so a late retry of it is still
        # a duplicate; the memory of keys is bounded too.
        while len(self._seen) > 2 * max(self.max_events, len(self._rows)):
            del self._seen[next(iter(self._seen))]


def _check_limits(**limits: float) -> None:
    for name, value in limits.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise InputError(f"{name} must be a number above 0, got {value!r}")
        if name != "timeout" and not isinstance(value, int):
            raise InputError(f"{name} must be a whole number, got {value!r}")


def _is_json(content_type: str) -> bool:
    """``application/json`` or ``application/<anything>+json``, in UTF-8 if it says."""
    media, *params = [part.strip().lower() for part in content_type.split(";")]
    charset = [p.split("=", 1)[1].strip('"') for p in params if p.startswith("charset=")]
    json_type = media == "application/json" or (media.startswith("application/")
                                                 and media.endswith("+json"))
    return json_type and all(c in ("utf-8", "utf8") for c in charset)


def _same_secret(given: Any, expected: str) -> bool:
    """Case-insensitively, in constant time (a timing difference would spell it out)."""
    given = given if isinstance(given, str) else ""
    return hmac.compare_digest(given.lower().encode(), expected.lower().encode())


def listen(port: int = 0, *, secret: str | None = None, max_body: int = MAX_BODY,
           max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT,
           max_connections: int = MAX_CONNECTIONS, workers: int = WORKERS) -> Receiver:
    """Start a receiver on 127.0.0.1 (``port=0``: any free port) and return it.

    ``secret``: also require the payloads' ``secret_key`` (the sandbox sends
    ``"secretkey"``, as SmartLead's test event does). The limits (see the module's
    docstring): ``max_body`` bytes a request, ``max_events`` and ``max_bytes`` kept,
    ``timeout`` seconds for a request to arrive, ``max_connections`` open at once,
    ``workers`` handling bodies.

    >>> receiver = listen()
    >>> receiver.url.startswith("http://127.0.0.1:")
    True
    >>> receiver.stop()
    """
    return Receiver(port, secret=secret, max_body=max_body, max_events=max_events,
                    max_bytes=max_bytes, timeout=timeout, max_connections=max_connections,
                    workers=workers)
