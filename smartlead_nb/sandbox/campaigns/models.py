"""Campaigns: the ``campaigns`` and ``campaign_truth`` tables and their rules."""
from __future__ import annotations

import sqlite3

from ..errors import NotFound

NOT_FOUND = "Campaign not found - Invalid campaign_id."


def find(store, campaign_id: int) -> sqlite3.Row | None:
    """The campaign row, or None."""
    return store.conn.execute("SELECT * FROM campaigns WHERE id = ?",
                              (campaign_id,)).fetchone()


def get(store, campaign_id: int) -> sqlite3.Row:
    """The campaign row, or NotFound in SmartLead's words."""
    row = find(store, campaign_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def select(store, client_ids: list[int] | None = None,
           campaign_ids: list[int] | None = None) -> list[sqlite3.Row]:
    """``id``, ``name`` and ``client_id`` of the campaigns of those clients and ids (None: any),
    by id."""
    rows = store.conn.execute("SELECT id, name, client_id FROM campaigns ORDER BY id").fetchall()
    return [r for r in rows if (client_ids is None or r["client_id"] in client_ids)
            and (campaign_ids is None or r["id"] in campaign_ids)]


def touch(store, campaign_id: int, **columns) -> None:
    """Set ``columns`` (none: only mark it changed) and ``updated_at`` to the clock."""
    sets = "".join(f"{name} = ?, " for name in columns)
    store.conn.execute(f"UPDATE campaigns SET {sets}updated_at = ? WHERE id = ?",
                       (*columns.values(), store.now_iso(), campaign_id))
