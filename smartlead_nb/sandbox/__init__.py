"""A local SmartLead-compatible API server for notebooks, tests and benchmarks.

Standard library only, and independent of the rest of smartlead_nb: it listens on
127.0.0.1, keeps state in SQLite, enforces the documented limits and errors, simulates
sending on its own clock, and can inject faults.

>>> from smartlead_nb.sandbox import Sandbox
>>> with Sandbox(db_path=":memory:") as sb:     # a server on 127.0.0.1, a free port
...     sb.base_url.startswith("http://127.0.0.1:")
True
"""
from .faults import Faults
from .ratelimit import PRO, STANDARD, RateLimits
from .sandbox import DEFAULT_API_KEY, Sandbox

__all__ = ["Sandbox", "Faults", "RateLimits", "DEFAULT_API_KEY", "STANDARD", "PRO"]
