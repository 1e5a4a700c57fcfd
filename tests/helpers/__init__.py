"""Helpers shared by the tests: constants and small functions, imported, never fixtures.

Fixtures live in the ``conftest.py`` files; what a test imports comes from here, so no test
module imports a ``conftest`` (pytest loads those itself, and importing one twice makes two
copies of its module).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from smartlead_nb import RetryPolicy

REPO = Path(__file__).resolve().parents[2]  # the checkout: notebooks/, tests/cassettes/, ...

# A Monday morning, so that schedules and the simulated clock behave the same on every run.
START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
FAST_RETRIES = RetryPolicy(backoff_factor=0.01, backoff_jitter=0.0, backoff_max=0.05, max_wait=2.0)


def sent(sandbox, method=None, path_end=None):
    """The API requests the sandbox received, optionally filtered."""
    return [r for r in sandbox.requests
            if (method is None or r["method"] == method)
            and (path_end is None or r["path"].rstrip("/").endswith(path_end.rstrip("/")))]


def map_id_of(client, cid, lid):
    """The ``campaign_lead_map_id`` of lead ``lid`` in campaign ``cid`` (what a push or the inbox
    names a lead in a campaign by)."""
    frame = client.leads.frame(cid)
    return int(frame.loc[frame["lead_id"] == lid, "campaign_lead_map_id"].iloc[0])
