"""Campaign list answers (``GET /campaigns``) -> one row per campaign (pure, no HTTP).

The schedule SmartLead keeps as a cron-like string (``scheduler_cron_value``) is flattened
into ``schedule_*`` columns, tags into a list of names, and the types fixed by
:func:`~smartlead_nb.frames.tidy.tidy_frame`.

>>> frame = campaigns_frame([{"id": 7, "name": "Q1", "status": "DRAFTED",
...                           "created_at": "2025-06-02T09:15:00.000Z"}])
>>> frame["created_at"][0]
Timestamp('2025-06-02 09:15:00+0000', tz='UTC')
>>> frame["created_at"].dtype.kind      # a datetime column (its unit depends on the pandas version)
'M'
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from .tidy import columns_first, tidy_frame

__all__ = ["campaigns_frame"]


def campaigns_frame(campaigns: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per campaign; the schedule flattened into ``schedule_*`` columns."""
    from ..schedule import parse_cron_value

    rows = []
    for c in campaigns:
        row = dict(c)
        cron = parse_cron_value(row.pop("scheduler_cron_value", None)) or {}
        row["schedule_timezone"] = cron.get("tz")
        row["schedule_days"] = cron.get("days")
        row["schedule_start"] = cron.get("startHour")
        row["schedule_end"] = cron.get("endHour")
        if isinstance(row.get("tags"), list):
            row["tags"] = [t.get("tag_name") or t.get("name") for t in row["tags"] if isinstance(t, dict)]
        rows.append(row)
    first = ["id", "name", "status", "created_at", "updated_at", "client_id"]
    return columns_first(tidy_frame(rows), first)
