"""A local SmartLead-compatible API server for notebooks, tests and benchmarks.

Standard library only, and independent of the rest of smartlead_nb: it listens on
127.0.0.1, keeps state in SQLite, enforces the documented limits and errors, simulates
sending on its own clock, and can inject faults.

A request goes ``server`` (key, rate limit, faults, one transaction) -> ``routing`` (path ->
handler) -> a group's ``handlers`` (read the request, call the model, shape the answer) ->
its ``models`` (the group's tables and rules; a model calls other groups' models, never a
handler) -> ``store`` (SQLite, the clock). Models raise ``errors`` (``NotFound``,
``Invalid``, ...), which ``routing.error_answer`` turns into SmartLead's status codes and
bodies. ``simulation`` moves the clock and sends through the models. One folder per group:
``campaigns``, ``sequences``, ``leads``, ``email_accounts``, ``inbox``, ``analytics``,
``webhooks``, ``clients``, ``block_list``, and ``control`` for the ``/_sandbox/`` routes.

>>> from smartlead_nb.sandbox import Sandbox
>>> with Sandbox(db_path=":memory:") as sb:     # a server on 127.0.0.1, a free port
...     sb.base_url.startswith("http://127.0.0.1:")
True
"""
from .faults import Faults
from .ratelimit import PRO, STANDARD, RateLimits
from .sandbox import DEFAULT_API_KEY, Sandbox

__all__ = ["Sandbox", "Faults", "RateLimits", "DEFAULT_API_KEY", "STANDARD", "PRO"]
