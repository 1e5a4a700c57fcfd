"""The WHERE clause of a list endpoint, built one optional filter at a time."""
from __future__ import annotations

from typing import Any


class Where:
    """Conditions joined by AND, with the named SQL arguments they use.

    A condition whose arguments are None (the filter was not asked for) is left out, so a
    route reads as one line per documented filter.

    >>> w = Where("m.campaign_id = :cid", cid=7)
    >>> w.add("m.status = :status", status=None)
    >>> w.add("m.status = :status", status="PAUSED")
    >>> w.sql, w.args
    ('m.campaign_id = :cid AND m.status = :status', {'cid': 7, 'status': 'PAUSED'})
    """

    def __init__(self, first: str, **args: Any) -> None:
        self.conditions = [first]
        self.args = dict(args)

    def add(self, condition: str | None, **args: Any) -> None:
        """AND ``condition`` unless it is None or one of its arguments is."""
        if condition is None or any(value is None for value in args.values()):
            return
        self.conditions.append(condition)
        self.args.update(args)

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions)
