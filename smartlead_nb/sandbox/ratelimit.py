"""SmartLead's per-key rate limits: three sliding windows (second, minute, hour)."""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per second, minute and hour for one API key.

    ``time_scale`` multiplies every window length, so tests can use short windows:
    ``RateLimits(10, 60, 1000, time_scale=0.1)`` allows 10 requests per 0.1 s, 60 per 6 s
    and 1000 per 360 s.
    """

    per_second: int = 10
    per_minute: int = 60
    per_hour: int = 1000
    time_scale: float = 1.0

    def windows(self) -> list[tuple[int, float]]:
        """(limit, window length in seconds) for each of the three windows."""
        return [(self.per_second, 1.0 * self.time_scale),
                (self.per_minute, 60.0 * self.time_scale),
                (self.per_hour, 3600.0 * self.time_scale)]


STANDARD = RateLimits(10, 60, 1000)
PRO = RateLimits(20, 120, 3000)


@dataclass(frozen=True)
class Decision:
    """The outcome of one check: allowed or not, plus the values for the response headers."""

    allowed: bool
    limit: int            # limit, remaining and reset all describe the window that binds
    remaining: int
    reset: int | float    # unix time when that window frees a slot (see _binding_window)
    retry_after: float    # seconds to wait; 0 when allowed

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": format_retry_after(self.reset)}


def format_retry_after(value: int | float) -> str:
    """Header text: an integer as is, a scaled (float) wait with two decimals."""
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def retry_after_value(seconds: float, time_scale: float) -> int | float:
    """The Retry-After value to send.

    At real scale it is HTTP's integer seconds, rounded up, at least 1. With a scaled clock
    (tests) whole seconds would make every wait far too long, so the exact wait is sent with
    two decimals (at least 0.01).
    """
    if time_scale == 1.0:
        return max(1, math.ceil(seconds))
    return max(0.01, math.ceil(seconds * 100 - 1e-9) / 100)


class RateLimiter:
    """Thread-safe sliding-window counter per key. Rejected requests consume nothing."""

    def __init__(self, limits: RateLimits, clock=time.monotonic):
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, list[deque[float]]] = {}

    def check(self, key: str) -> Decision:
        """Count a request arriving now for ``key`` if every window has room."""
        windows = self.limits.windows()
        with self._lock:
            now = self._clock()
            queues = self._hits.setdefault(key, [deque() for _ in windows])
            wait = 0.0
            for (limit, length), hits in zip(windows, queues):
                while hits and hits[0] <= now - length:
                    hits.popleft()
                if len(hits) >= limit:
                    # The oldest hit that must expire before a slot is free.
                    wait = max(wait, hits[len(hits) - limit] + length - now)
            allowed = wait == 0.0
            if allowed:
                for hits in queues:
                    hits.append(now)
            left = [limit - len(hits) for (limit, _), hits in zip(windows, queues)]
            limit, remaining, free_in = _binding_window(windows, queues, left, now)
            # Whole seconds, rounded up, as SmartLead documents; with a scaled clock that would
            # make a client wait far too long, so the exact time is sent (as for Retry-After).
            if self.limits.time_scale == 1.0:
                reset: int | float = math.ceil(time.time() + free_in)
            else:
                reset = math.ceil((time.time() + free_in) * 100) / 100
            return Decision(allowed, limit, max(0, remaining), reset, wait)


def _binding_window(windows, queues, left, now) -> tuple[int, int, float]:
    """``(limit, remaining, seconds until a slot frees)`` of the one window that binds.

    The three headers must describe the same window, or a client that trusts them is misled
    (Limit 60 beside the burst window's Remaining made a client wait minutes for a second's
    window). The binding window is the one with the fewest requests left; among ties, the
    one that frees last, so a client that sleeps until Reset when Remaining is 0 has room.
    """
    def frees_in(length, hits):
        return (hits[0] + length - now) if hits else length

    candidates = [(n, -frees_in(length, hits), limit)
                  for (limit, length), hits, n in zip(windows, queues, left)]
    remaining, minus_free, limit = min(candidates)
    return limit, remaining, -minus_free
