"""The mirror's DuckDB file: opening it, checking whose it is, and the one writer lock.

DuckDB lets one process at a time open a file for writing, and the sync also holds a
``filelock`` beside it for the whole sync, so a second kernel syncing the same mirror waits
for the first (up to ``lock_timeout``) and then refuses with a message saying who holds it.
Connections are opened per operation and closed after, so a mirror another kernel has open
for a query does not block this one for longer than that query.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from .._extras import import_extra
from ..errors import InputError
from .schema import SCHEMA_VERSION, TABLE, create_statements

FINGERPRINT_KEY = "account_fingerprint"


def duckdb_module():
    """``duckdb``, imported on first use so ``import smartlead_nb`` stays light."""
    return import_extra("duckdb", "mirror", "the mirror")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def writer_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the mirror's sync lock, waiting up to ``timeout`` seconds for another holder."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(path)))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise InputError(
            f"another process is syncing the mirror {path} (it holds {lock_path(path)}); "
            f"waited {timeout:g} s. Let it finish and sync again, or pass a longer "
            f"lock_timeout=") from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[Any]:
    """A DuckDB connection to ``path`` (created with the schema if new), UTC session, closed
    after. Refuses a file that is not a mirror, or one another process has open."""
    duckdb = duckdb_module()
    if read_only and not path.exists():
        raise InputError(f"no mirror at {path} yet: run mirror.sync(client) first")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise InputError(f"the mirror {path} is open in another process (DuckDB lets one "
                             f"process write a file at a time); close that kernel's sync or "
                             f"query and try again. DuckDB said: {text.splitlines()[0]}") from None
        raise InputError(f"{path} cannot be opened as a DuckDB mirror ({text.splitlines()[0]}); "
                         f"it is not a mirror file, or it is damaged: move it away or pass "
                         f"another path=") from None
    except duckdb.Error as exc:
        raise InputError(f"{path} cannot be opened as a DuckDB mirror: "
                         f"{str(exc).splitlines()[0]}; move it away or pass another path=") \
            from None
    try:
        con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            for statement in create_statements():
                con.execute(statement)
        yield con
    finally:
        con.close()


def meta(con) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM mirror_meta").fetchall())


def claim(con, path: Path, fingerprint: str) -> None:
    """Make sure the file belongs to ``fingerprint``'s account; a new file is claimed."""
    known = meta(con)
    owner = known.get(FINGERPRINT_KEY)
    if owner is None:
        now = datetime.now(timezone.utc).isoformat()
        con.executemany("INSERT INTO mirror_meta VALUES (?, ?)",
                        [(FINGERPRINT_KEY, fingerprint), ("schema_version", str(SCHEMA_VERSION)),
                         ("created_at", now)])
        return
    if owner != fingerprint:
        raise InputError(
            f"the mirror {path} belongs to another account (fingerprint {owner}); this client "
            f"is account {fingerprint}. Nothing was read or written. Use sl.Mirror() without a "
            f"path (one file per account) or give this account its own path=")
    version = known.get("schema_version")
    if version != str(SCHEMA_VERSION):
        raise InputError(f"the mirror {path} has schema version {version}, this smartlead_nb "
                         f"writes version {SCHEMA_VERSION}: sync into a new file")


def insert(con, table: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` (already :func:`convert.conform`-ed to ``table``) to ``table``."""
    if frame.empty:
        return
    assert list(frame.columns) == TABLE[table].names, (table, list(frame.columns))
    name = f"incoming_{table}"
    con.register(name, frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {name}")
    finally:
        con.unregister(name)


def replace_where(con, table: str, frame: pd.DataFrame, **where: Any) -> None:
    """Delete ``table``'s rows matching ``where`` (column = value), then insert ``frame``."""
    condition = " AND ".join(f'"{k}" = ?' for k in where)
    con.execute(f"DELETE FROM {table} WHERE {condition}", list(where.values()))
    insert(con, table, frame)


def replace_counting(con, table: str, frame: pd.DataFrame, **where: Any) -> int:
    """:func:`replace_where`, returning how many rows were added, changed or removed."""
    condition = " AND ".join(f'"{k}" = ?' for k in where)
    params = list(where.values())
    name = f"replacing_{table}"
    con.register(name, frame)
    try:
        key = ", ".join(f'"{k}"' for k in TABLE[table].key)
        changed = con.execute(
            f"SELECT (SELECT COUNT(*) FROM (SELECT * FROM {name} EXCEPT SELECT * FROM {table} "
            f"WHERE {condition})) + (SELECT COUNT(*) FROM (SELECT {key} FROM {table} WHERE "
            f"{condition} EXCEPT SELECT {key} FROM {name}))", params + params).fetchall()[0][0]
    finally:
        con.unregister(name)
    replace_where(con, table, frame, **where)
    return int(changed)


def upsert(con, table: str, frame: pd.DataFrame, key: tuple[str, ...] | None = None) -> int:
    """Insert ``frame``, replacing rows with the same key; returns how many rows are new or
    differ from what was there."""
    if frame.empty:
        return 0
    key = key or TABLE[table].key
    name = f"upsert_{table}"
    con.register(name, frame)
    try:
        changed = con.execute(f"SELECT COUNT(*) FROM (SELECT * FROM {name} EXCEPT "
                              f"SELECT * FROM {table})").fetchall()[0][0]
        match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM i."{k}"' for k in key)
        con.execute(f"DELETE FROM {table} t USING {name} i WHERE {match}")
        con.execute(f"INSERT INTO {table} SELECT * FROM {name}")
    finally:
        con.unregister(name)
    return int(changed)


def frame(con, sql: str, params: Any = None) -> pd.DataFrame:
    """The result of ``sql`` as a DataFrame, times in UTC."""
    return con.execute(sql, params or []).df()


def default_path(fingerprint: str) -> Path:
    from .._ratelimit import cache_dir

    return cache_dir() / f"mirror-{fingerprint}.duckdb"


def check_path(path: Any) -> Path:
    try:
        out = Path(os.fspath(path)).expanduser()
    except TypeError:
        raise InputError(f"path must be a file path, got {path!r}") from None
    if out.is_dir():
        raise InputError(f"{out} is a folder: give the mirror a file path such as "
                         f"{out / 'mirror.duckdb'}")
    return out
