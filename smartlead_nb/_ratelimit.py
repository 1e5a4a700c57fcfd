"""Client-side rate limiting: SmartLead's per-key budget, kept on our side of the wire.

SmartLead limits each API key across all endpoints (Standard tier: 10 requests a second,
60 a minute, 1,000 an hour; Pro: 20 / 120 / 3,000). Meeting a 429 costs a wait of
``Retry-After`` seconds, so the client spends the budget itself and never asks for more than
it has. The limiter is pyrate-limiter's sliding-window log, mounted on the session through
requests-ratelimiter's ``LimiterAdapter``. With ``shared=True`` the log lives in a small SQLite
file per key, guarded by a file lock, so two notebooks using the same key share one budget.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyrate-limiter is imported on first use (it pulls in asyncio)
    from pyrate_limiter import AbstractBucket, Limiter, Rate
    from requests import PreparedRequest, Response
    from requests.adapters import HTTPAdapter


@dataclass(frozen=True)
class RateLimit:
    """A request budget per API key.

    Args:
        per_second, per_minute, per_hour: the tier's limits (``0`` = no such window).
        time_scale: multiplies every window's length; ``0.1`` runs a minute's budget in six
            seconds (tests and benchmarks scale both sides identically).
        margin: windows are lengthened by this share so that the client's count, taken just
            before sending, never edges past the server's, taken on arrival.
        shared: keep the budget in a file so that every process using the key shares it.

    >>> STANDARD
    RateLimit(per_second=10, per_minute=60, per_hour=1000, time_scale=1.0, margin=0.05, shared=True)
    >>> PRO.per_minute
    120
    """

    per_second: float = 10
    per_minute: float = 60
    per_hour: float = 1000
    time_scale: float = 1.0
    margin: float = 0.05
    shared: bool = True

    def scaled(self, time_scale: float) -> "RateLimit":
        """The same budget with every window multiplied by ``time_scale``."""
        return replace(self, time_scale=time_scale)

    def rates(self) -> list[Rate]:
        from pyrate_limiter import Rate  # imported on first use: it pulls in asyncio

        stretch = self.time_scale * (1 + self.margin)
        windows = [(self.per_second, 1_000), (self.per_minute, 60_000), (self.per_hour, 3_600_000)]
        return [
            Rate(int(limit), max(1, int(ms * stretch)))
            for limit, ms in windows
            if limit
        ]

    def describe(self) -> str:
        parts = [f"{v:g}/{unit}" for v, unit in
                 ((self.per_second, "s"), (self.per_minute, "min"), (self.per_hour, "h")) if v]
        scale = f" (windows x{self.time_scale:g})" if self.time_scale != 1 else ""
        return ", ".join(parts) + scale


STANDARD = RateLimit()
PRO = RateLimit(per_second=20, per_minute=120, per_hour=3000)


def cache_dir() -> Path:
    """Where the toolkit keeps small state files (rate-limit logs, upload journals)."""
    base = os.environ.get("SMARTLEAD_NB_CACHE_DIR")
    if base:
        path = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(xdg) / "smartlead_nb"
    path.mkdir(parents=True, exist_ok=True)
    return path


def key_fingerprint(identity: str, api_key: str) -> str:
    """A short, one-way name for an (account, key) pair: safe to put in file names and logs.

    ``identity`` names the account stably: the base URL for SmartLead, ``sandbox:<instance
    id>`` for a local sandbox (whose port changes with every kernel), so budget files,
    journals and launch state are found again by the next kernel.

    >>> key_fingerprint("sandbox:0f3c", "k") == key_fingerprint("sandbox:0f3c", "k")
    True
    """
    return hashlib.sha256(f"{identity}\0{api_key}".encode()).hexdigest()[:16]


def limiter_adapter(limit: RateLimit, fingerprint: str, **adapter_kwargs: Any) -> HTTPAdapter:
    """A requests adapter that takes a slot from the key's budget before every send.

    It is requests-ratelimiter's ``LimiterAdapter`` with one change, made for a measured
    reason: when pyrate-limiter's blocking acquire sleeps, it records the slot at the
    *planned* wake-up time, so a thread that wakes late (another process holding the budget
    file's lock, a busy CPU) is counted earlier than it sends, and two processes sharing one
    key met a 429 in about one run in eight. Here a slot is only ever taken without blocking,
    so it is recorded at the moment it is granted, just before the request goes out.
    """
    from requests.adapters import HTTPAdapter
    from requests_ratelimiter import LimiterAdapter

    class GrantTimeLimiterAdapter(LimiterAdapter):
        # (*args: Any, **kwargs: Any) passes requests' keywords (stream, timeout, verify...)
        # through unchanged, and mypy accepts it in place of HTTPAdapter's full signature.
        def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
            acquire_at_grant(self.limiter, self._bucket_name(request))
            response = HTTPAdapter.send(self, request, *args, **kwargs)
            if response.status_code in self.limit_statuses:
                self._fill_bucket(request)  # the server's count is ahead of ours: catch up
            return response

    return GrantTimeLimiterAdapter(limiter=build_limiter(limit, fingerprint), per_host=False,
                                   bucket_name=f"smartlead-{fingerprint}", max_delay=None,
                                   limit_statuses=(429,), **adapter_kwargs)


# A wait longer than this is said once in the notebook (a silent minute looks like a hang).
NOTICE_AFTER_SECONDS = 5.0
_last_notice = [0.0]   # monotonic time of the last notice, shared by the upload's threads


def acquire_at_grant(limiter: "Limiter", name: str, *, longest_nap: float = 0.25) -> None:
    """Block until ``limiter`` grants a slot, taking it only with non-blocking attempts.

    A wait longer than ``NOTICE_AFTER_SECONDS`` is announced once (a WARNING on the
    ``smartlead_nb`` logger, which a notebook shows) rather than looking like a hang.
    """
    import time

    from pyrate_limiter import RateItem

    announced = False
    while not limiter.try_acquire(name, weight=1, blocking=False):
        nap = 0.005
        buckets = limiter.buckets()
        if buckets:  # the bucket knows when its fullest window frees a slot
            bucket = buckets[0]
            wait_ms = bucket.waiting(RateItem(name, bucket.now(), 1))
            if isinstance(wait_ms, int) and wait_ms > 0:
                nap = max(nap, wait_ms / 1000)
                if not announced and nap > NOTICE_AFTER_SECONDS:
                    announced = True
                    _announce_wait(nap, time.monotonic())
        time.sleep(min(nap, longest_nap))


def _announce_wait(seconds: float, now: float) -> None:
    if now - _last_notice[0] < 30:   # one line per wait, not one per thread or request
        return
    _last_notice[0] = now
    logging.getLogger("smartlead_nb").warning(
        "smartlead_nb: this key's request budget is spent for now; waiting about %.0f s "
        "before the next request (the budget is shared by every notebook using the key)",
        seconds)


def build_limiter(limit: RateLimit, fingerprint: str) -> Limiter:
    """A pyrate-limiter ``Limiter`` enforcing ``limit`` for one key."""
    from pyrate_limiter import InMemoryBucket, Limiter, SQLiteBucket

    rates = limit.rates()
    bucket: AbstractBucket
    if limit.shared:
        db_path = cache_dir() / f"budget-{fingerprint}.sqlite3"
        bucket = SQLiteBucket.init_from_file(
            rates, table="requests", db_path=str(db_path), use_file_lock=True
        )
    else:
        bucket = InMemoryBucket(rates)
    # buffer_ms: a little slack after a window frees up before retrying the acquire.
    return Limiter(bucket, buffer_ms=20)
