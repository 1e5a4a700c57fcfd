"""Fault injection: latency, error bursts and dropped connections, decided by a seeded RNG."""
from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

Latency = float | tuple[float, float]


@dataclass(frozen=True)
class Faults:
    """What can go wrong with API requests (never with ``/_sandbox/`` control requests).

    - ``latency``: seconds added to every request; a ``(min, max)`` tuple draws uniformly.
    - ``leads_latency``: extra seconds for ``POST /campaigns/{id}/leads`` only.
    - ``p429``, ``p500``, ``p503``: share of requests answered with that error *instead of*
      doing the work.
    - ``p_drop``: share of requests whose work *is* done, after which the connection is
      closed without any response.
    - ``seed``: makes the sequence of decisions repeatable.
    """

    latency: Latency = 0.0
    leads_latency: Latency = 0.0
    p429: float = 0.0
    p500: float = 0.0
    p503: float = 0.0
    p_drop: float = 0.0
    seed: int = 0

    def __post_init__(self):
        for name in ("p429", "p500", "p503", "p_drop"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        if self.p429 + self.p500 + self.p503 > 1.0 + 1e-9:
            raise ValueError("p429 + p500 + p503 must not exceed 1")
        for name in ("latency", "leads_latency"):
            value = getattr(self, name)
            if isinstance(value, list):      # JSON gives lists; keep the dataclass hashable
                object.__setattr__(self, name, tuple(value))
                value = tuple(value)
            low, high = value if isinstance(value, tuple) else (value, value)
            if low < 0 or high < low:
                raise ValueError(f"{name} must be >= 0 (or a (min, max) pair), got {value!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Faults":
        """Build from a JSON object; unknown keys raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f'"{sorted(unknown)[0]}" is not allowed')
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("latency", "leads_latency"):
            if isinstance(out[name], tuple):
                out[name] = list(out[name])
        return out


@dataclass(frozen=True)
class FaultPlan:
    """The decision for one request."""

    delay: float = 0.0
    error: str | None = None     # "429", "500", "503" or None
    drop: bool = False


class FaultInjector:
    """Draws one FaultPlan per API request and counts what it injected."""

    def __init__(self, faults: Faults | None):
        self._lock = threading.Lock()
        self.counts = {"429": 0, "500": 0, "503": 0, "drop": 0}
        self.set(faults)

    def set(self, faults: Faults | None) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed if faults else 0)

    def _draw_latency(self, value: Latency) -> float:
        if isinstance(value, tuple):
            return self._rng.uniform(*value)
        return float(value)

    def plan(self, is_lead_upload: bool) -> FaultPlan:
        """Decide the fate of one request (thread-safe, repeatable for a given seed)."""
        with self._lock:
            f = self.faults
            if f is None:
                return FaultPlan()
            delay = self._draw_latency(f.latency)
            if is_lead_upload:
                delay += self._draw_latency(f.leads_latency)
            # Always draw both numbers so the sequence does not depend on the outcome.
            u, v = self._rng.random(), self._rng.random()
            error = None
            if u < f.p429:
                error = "429"
            elif u < f.p429 + f.p500:
                error = "500"
            elif u < f.p429 + f.p500 + f.p503:
                error = "503"
            drop = error is None and v < f.p_drop
            if error:
                self.counts[error] += 1
            elif drop:
                self.counts["drop"] += 1
            return FaultPlan(delay, error, drop)
