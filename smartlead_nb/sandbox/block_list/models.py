"""The block list and the community bounce list: the ``block_list`` and ``suppressions`` tables.

The API's block list lives in ``block_list``; imports and the simulation look values up in
``suppressions`` (kind ``block``), which the store's triggers keep equal to it, so the list
the API shows is the list imports check. Kind ``bounce`` is the community bounce list: an
address that bounced is refused by later imports. A value is an address or a bare domain.
"""
from __future__ import annotations

from ..errors import NotFound


def _entry(row) -> dict:
    return {"id": row["id"], "email_or_domain": row["email_or_domain"],
            "created_at": row["created_at"], "source": row["source"],
            "client_id": row["client_id"]}


def entries(store, text: str, client_id: int | None, offset: int, limit: int) -> list[dict]:
    """Entries whose value contains ``text`` (when given) of ``client_id`` (when given),
    oldest first."""
    where: list[str] = []
    args: list[str | int] = []
    if text:
        where.append("instr(email_or_domain, ?) > 0")
        args.append(text)
    if client_id is not None:
        where.append("client_id = ?")
        args.append(client_id)
    sql = "SELECT * FROM block_list" + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.conn.execute(sql + " ORDER BY id LIMIT ? OFFSET ?", (*args, limit, offset))
    return [_entry(row) for row in rows]


def add(store, values: list[str], *, source: str = "manual",
        client_id: int | None = None) -> int:
    """Put addresses or bare domains on the block list (lower-cased); returns how many were
    new. Imports and the simulation honour them at once."""
    count = "SELECT COUNT(*) FROM block_list"
    before = store.conn.execute(count).fetchone()[0]
    store.conn.executemany(
        "INSERT OR IGNORE INTO block_list (email_or_domain, source, client_id, created_at) "
        "VALUES (?, ?, ?, ?)",
        [(v.strip().lower(), source, client_id, store.now_iso()) for v in values])
    return store.conn.execute(count).fetchone()[0] - before


def delete(store, entry_id: int) -> None:
    if not store.conn.execute("DELETE FROM block_list WHERE id = ?", (entry_id,)).rowcount:
        raise NotFound("Block list entry not found - Invalid id.")


def add_bounces(store, emails) -> None:
    """Addresses that bounced join the community bounce list."""
    store.conn.executemany("INSERT OR IGNORE INTO suppressions VALUES ('bounce', ?)",
                           [(email,) for email in emails])


def _listed(store, kind: str, email: str) -> bool:
    domain = email.rsplit("@", 1)[-1]
    return store.conn.execute(
        "SELECT 1 FROM suppressions WHERE kind = ? AND value IN (?, ?)",
        (kind, email, domain)).fetchone() is not None


def is_blocked(store, email: str) -> bool:
    """True if the address or its domain is on the block list."""
    return _listed(store, "block", email)


def is_bounced(store, email: str) -> bool:
    """True if the address or its domain is on the community bounce list."""
    return _listed(store, "bounce", email)


def blocked_values(store) -> set[str]:
    """Every blocked address and domain (the simulation checks each send against them)."""
    return {r[0] for r in store.conn.execute(
        "SELECT value FROM suppressions WHERE kind = 'block'")}
