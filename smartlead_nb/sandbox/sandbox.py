"""``Sandbox``: start, drive and inspect a local SmartLead-compatible server."""
from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta

from . import simulation
from .block_list import models as block_list
from .webhooks import delivery
from .webhooks import models as webhooks
from .faults import Faults
from .ratelimit import STANDARD, RateLimits
from .server import SandboxApp, SandboxHTTPServer
from .store import Store

DEFAULT_API_KEY = "sandbox-demo-key"   # documented on purpose; not a secret
_LOOPBACK = ("127.0.0.1", "localhost")


class Sandbox:
    """A SmartLead-compatible API on 127.0.0.1, with state in SQLite.

    >>> import requests
    >>> with Sandbox(db_path=":memory:", rate_limits=None) as sb:
    ...     requests.post(sb.base_url + "/campaigns/create", timeout=10,
    ...                   params={"api_key": sb.api_key}, json={"name": "Demo"}).json()["name"]
    'Demo'

    ``db_path=None`` uses ``$SMARTLEAD_NB_SANDBOX_DB`` or
    ``$XDG_CACHE_HOME/smartlead_nb/sandbox.sqlite3``; state survives restarts. A new
    database is seeded with demo sender accounts, the default lead categories and a small
    block list, and its clock starts at ``start_time`` (default: now, UTC). ``seed`` drives
    the sending simulation (``advance``). ``lead_credits`` caps the leads the account may
    ever add (None: unlimited).
    """

    def __init__(self, db_path: str | os.PathLike | None = None, api_key: str = DEFAULT_API_KEY,
                 host: str = "127.0.0.1", port: int = 0,
                 rate_limits: RateLimits | None = STANDARD, faults: Faults | None = None,
                 seed: int = 0, start_time: datetime | None = None,
                 lead_credits: int | None = None, max_leads_per_request: int = 400):
        if host not in _LOOPBACK:
            raise ValueError("the sandbox only listens on 127.0.0.1")
        if not api_key:
            raise ValueError("api_key must not be empty")
        self.db_path = db_path
        self.api_key = api_key
        self.host = "127.0.0.1"
        self._port = port
        self._rate_limits = rate_limits
        self._faults = faults
        self.seed = seed
        self.start_time = start_time
        self.lead_credits = lead_credits
        self.max_leads_per_request = max_leads_per_request
        self._app: SandboxApp | None = None
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> "Sandbox":
        """Open the database and serve in a daemon thread. Returns self."""
        if self._server is not None:
            return self
        store = Store(self.db_path, self.start_time)
        self._app = SandboxApp(store, self.api_key, self._rate_limits, self._faults,
                               self.seed, self.lead_credits, self.max_leads_per_request)
        try:
            self._server = SandboxHTTPServer((self.host, self._port), self._app)
        except OSError:
            store.close()
            raise
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"smartlead-sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` (used by the CLI)."""
        self.start()
        assert self._thread is not None     # start() made it (stop() never clears it)
        self._thread.join()

    def stop(self) -> None:
        """Stop serving and close the database (state stays in the file)."""
        app, server, self._server = self._app, self._server, None
        if server is None or app is None:     # (the app is made before the server)
            return
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            # A connection wakes the serving loop at once instead of after its poll interval.
            try:
                socket.create_connection((self.host, server.server_address[1]),
                                         timeout=0.5).close()
            except OSError:
                pass
            stopper.join(0.02)
        server.close_connections()
        server.server_close()
        delivery.stop(app.store)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with app.store.lock:
            app.store.close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:     # never shows the key
        where = self.base_url if self._server else "stopped"
        return f"<Sandbox {where}>"

    # -- addresses ------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is not None:
            return self._server.server_address[1]
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/api/v1`` (after ``start()``)."""
        return f"http://127.0.0.1:{self.port}/api/v1"

    # -- clock and state -------------------------------------------------------------------
    def _running(self) -> SandboxApp:
        if self._app is None or self._server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._app

    @property
    def now(self) -> datetime:
        """The simulated clock (aware UTC datetime)."""
        return self._running().store.now()

    def advance(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        """Move the simulated clock forward, sending what ACTIVE campaigns would send."""
        app = self._running()
        with app.store.transaction():
            return simulation.advance(app.store, self.seed,
                                      timedelta(days=days, hours=hours, minutes=minutes))

    @property
    def instance_id(self) -> str:
        """Who this sandbox is: a uuid4 hex kept in its database file, so it survives
        restarts on other ports, and replaced by :meth:`reset`. ``connect()`` names the
        account by it in clients' state files (journals, launch state, rate budget)."""
        return self._running().store.instance_id

    def reset(self) -> None:
        """Wipe campaigns, leads, sends and lead-credit use; seed again; reset the clock.

        The sandbox gets a new ``instance_id``, and ids are not reused: new campaigns,
        leads and the rest are numbered past everything made before the reset. The request
        log, fault counters, faults and rate limits are kept.
        """
        self._running().store.reset()

    @property
    def webhook_delivery(self) -> delivery.Deliverer:
        """The thread that POSTs webhook events: ``.wait(timeout)`` until all are delivered
        (or given up), ``.retry_delays`` (seconds; tests shorten them), ``.attempt_timeout``."""
        return webhooks.deliverer(self._running().store)

    def add_to_block_list(self, *entries: str) -> None:
        """Put email addresses or bare domains on the global block list."""
        store = self._running().store
        with store.transaction():
            block_list.add(store, list(entries))

    # -- faults, limits, log -----------------------------------------------------------------
    @property
    def faults(self) -> Faults | None:
        return self._app.injector.faults if self._app else self._faults

    @faults.setter
    def faults(self, value: Faults | None) -> None:
        self._faults = value
        if self._app is not None:
            self._app.injector.set(value)

    @property
    def fault_counts(self) -> dict[str, int]:
        """How many of each fault were injected: ``{"429", "500", "503", "drop"}``."""
        if self._app is None:
            return {"429": 0, "500": 0, "503": 0, "drop": 0}
        return dict(self._app.injector.counts)

    @property
    def rate_limits(self) -> RateLimits | None:
        return self._app.rate_limits if self._app else self._rate_limits

    @rate_limits.setter
    def rate_limits(self, value: RateLimits | None) -> None:
        self._rate_limits = value
        if self._app is not None:
            self._app.rate_limits = value

    @property
    def requests(self) -> list[dict]:
        """API requests received, oldest first (control requests excluded).

        Each entry: ``method``, ``path`` (after ``/api/v1``, no trailing slash, e.g.
        ``/campaigns/create``), ``query`` (``api_key`` removed), ``json``, ``status``
        (for a dropped request: the status the work produced), ``fault`` (None, "429",
        "500", "503" or "drop"), ``rate_limited`` (a real limit 429) and ``time``
        (time.monotonic() at arrival).
        """
        return self._app.log_snapshot() if self._app else []

    def clear_requests(self) -> None:
        """Forget the request log."""
        if self._app is not None:
            self._app.clear_log()
