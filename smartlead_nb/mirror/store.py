"""The mirror's DuckDB file: opening it, checking whose it is, and the one writer lock.

DuckDB lets one process at a time open a file for writing, and the sync also holds a
``filelock`` beside it for the whole sync, so a second kernel syncing the same mirror waits
for the first (up to ``lock_timeout``) and then refuses with a message saying who holds it.
Connections are opened per operation and closed after, so a mirror another kernel has open
for a query does not block this one for longer than that query.

A file that cannot be used (empty, cut short, damaged, another format, not writable, in use)
gets one :class:`MirrorFileError` naming it and saying what to do, whichever operation met
it; DuckDB's own exception never reaches the caller. The file is checked when it is opened
(its format, its length against the blocks it says it has, that it is a mirror); damage
deeper inside shows when a block is read, and is reported the same way then.
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
# Never fetch a DuckDB extension from the internet because of what a file looks like (a
# SQLite file makes DuckDB try to download its SQLite reader).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False}
# What DuckDB says when the file itself is unusable (the block checksums, a short read).
_DAMAGE = ("corrupt", "checksum", "could not read enough bytes", "not a valid duckdb database",
           "database has been invalidated", "failed to read")
_NOT_ALLOWED = ("permission denied", "operation not permitted", "read-only file system")


class MirrorFileError(InputError):
    """The mirror's file cannot be used: damaged, not a mirror, not writable, or in use.

    The message names the file and what to do; DuckDB's error is not chained (it would add
    a second traceback saying less).
    """


class MirrorInUseError(MirrorFileError):
    """Another process has the mirror's file open for writing (DuckDB allows one)."""


def _move_away(path: Path) -> str:
    return (f"Move {path} away (a sync into a new file rebuilds the mirror from SmartLead), "
            f"or pass another path=")


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def file_problem(path: Path, exc: BaseException) -> MirrorFileError | None:
    """The mirror's own error for a DuckDB error that says its file is unusable, else None
    (an error in a query, say, which the caller reports as such)."""
    duckdb = duckdb_module()
    # Only DuckDB's storage-level errors: a binder or catalog error may quote the query's
    # own words, which must not be taken for damage.
    if type(exc) not in (duckdb.Error, duckdb.IOException, duckdb.FatalException,
                         duckdb.InternalException, duckdb.SerializationException):
        return None
    text = _first_line(exc)
    low = text.lower()
    if any(word in low for word in _DAMAGE) or isinstance(exc, duckdb.FatalException):
        return MirrorFileError(f"the mirror {path} is damaged (DuckDB: {text}). "
                               f"{_move_away(path)}")
    if str(path) in text:
        return MirrorFileError(f"the mirror {path} could not be read or written (DuckDB: "
                               f"{text}): check the disk's free space and the file's "
                               f"permissions; if that is not it, the file is damaged. "
                               f"{_move_away(path)}")
    return None


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
        raise MirrorInUseError(
            f"another process is syncing the mirror {path} (it holds {lock_path(path)}); "
            f"waited {timeout:g} s. Let it finish and sync again, or pass a longer "
            f"lock_timeout=") from None
    except OSError as exc:    # (after Timeout, an OSError too) a read-only folder: no lock
        raise MirrorFileError(
            f"the mirror {path} cannot be synced here: its lock file {lock_path(path)} cannot "
            f"be created ({exc.strerror}). Move the mirror away to a folder you can write to "
            f"and pass that path=") from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[Any]:
    """A DuckDB connection to ``path`` (created with the schema if new), UTC session, closed
    after. A file that cannot be used raises :class:`MirrorFileError`, here or from the
    body of the ``with``."""
    duckdb = duckdb_module()
    existed = path.exists()
    if read_only and not existed:
        raise InputError(f"no mirror at {path} yet: run mirror.sync(client) first")
    if existed:
        _check_format(path)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
    except duckdb.Error as exc:
        raise _open_failure(path, exc, read_only) from None
    try:
        try:
            con.execute("SET TimeZone = 'UTC'")
            if existed:
                _check_opened(con, path)
            if not read_only:
                for statement in create_statements():
                    con.execute(statement)
            yield con
        except duckdb.Error as exc:
            problem = file_problem(path, exc)
            if problem is None:
                raise
            raise problem from None
    finally:
        con.close()


def check_file(path: Path) -> None:
    """Refuse now a file at ``path`` that a mirror could not use (nothing to check when there
    is no file yet, or when another process has it open: it is in use, not unusable)."""
    if not path.exists():
        return
    try:
        with connect(path, read_only=True):
            pass
    except MirrorInUseError:
        pass


def _check_format(path: Path) -> None:
    """What can be told from the first bytes, before DuckDB reads the file."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise MirrorFileError(f"the mirror {path} cannot be read ({exc.strerror}). "
                              f"{_move_away(path)}") from None
    if not head:
        raise MirrorFileError(f"the mirror {path} is empty (0 bytes): it is not a mirror, or "
                              f"its first sync was cut short. {_move_away(path)}")
    if head.startswith(b"SQLite format 3\x00"):
        raise MirrorFileError(f"{path} is a SQLite database, not a mirror (a DuckDB file). "
                              f"{_move_away(path)}")


def _check_opened(con, path: Path) -> None:
    """A file DuckDB opened: not shorter than the blocks it says it has, and a mirror."""
    wal = path.with_name(path.name + ".wal")
    # Each block in use is a distinct block of the file, so a file shorter than all of them
    # was cut short (the free ones may be trimmed off the end: they are not counted). Blocks
    # in a write-ahead log are not in the file yet: no check then.
    if not wal.exists():
        blocks, block_size = con.execute(
            "SELECT used_blocks, block_size FROM pragma_database_size() "
            "WHERE database_name = current_database()").fetchall()[0]
        needed, size = int(blocks) * int(block_size), path.stat().st_size
        if size < needed:
            raise MirrorFileError(
                f"the mirror {path} is damaged: it is cut short ({size:,} bytes; the blocks "
                f"it says it uses need at least {needed:,}), as a copy or a disk that filled up "
                f"leaves it. {_move_away(path)}")
    tables = set(tables_of(con))
    if tables and "mirror_meta" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise MirrorFileError(f"{path} is a DuckDB database but not a mirror (it has tables "
                              f"{shown} and no mirror_meta); nothing was read or written. "
                              f"{_move_away(path)}")


def _open_failure(path: Path, exc: BaseException, read_only: bool) -> MirrorFileError:
    """The mirror's error for a file DuckDB would not open."""
    text = _first_line(exc)
    low = text.lower()
    if "lock" in low:
        return MirrorInUseError(
            f"the mirror {path} is open in another process (DuckDB lets one process write a "
            f"file at a time); close that kernel's sync or query and try again. DuckDB said: "
            f"{text}")
    if any(word in low for word in _NOT_ALLOWED):
        doing = "read" if read_only else "written"
        return MirrorFileError(
            f"the mirror {path} cannot be {doing} here (DuckDB: {text}): make the file "
            f"writable, or move it away to a folder you can write to and pass that path=")
    return MirrorFileError(f"{path} cannot be opened as a DuckDB mirror (DuckDB: {text}); it "
                           f"is damaged or is not a mirror file. {_move_away(path)}")


def tables_of(con) -> list[str]:
    """The tables of the open file (not of DuckDB's own catalogs)."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()]


def columns(con, table: str) -> list[str]:
    """``table``'s columns in the open file, in order."""
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = ? ORDER BY column_index", [table]).fetchall()]


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
    if version == "1":
        _add_email_keys(con)
    elif version != str(SCHEMA_VERSION):
        raise MirrorFileError(f"the mirror {path} has schema version {version}, this "
                              f"smartlead_nb writes version {SCHEMA_VERSION}: sync into a new "
                              f"file (pass another path=)")


def _add_email_keys(con) -> None:
    """Version 1 -> 2: ``leads.email_key`` (the duplicate checks' key), in the schema's column
    order, filled from the emails held; one transaction."""
    from .convert import email_keys

    con.execute("BEGIN TRANSACTION")
    try:
        cols = ", ".join(f'"{c.name}" {c.type}' for c in TABLE["leads"].columns)
        con.execute(f"CREATE TABLE leads_upgrading ({cols})")
        con.execute("INSERT INTO leads_upgrading BY NAME SELECT * FROM leads")
        con.execute("DROP TABLE leads")
        con.execute("ALTER TABLE leads_upgrading RENAME TO leads")
        held = con.execute("SELECT DISTINCT email FROM leads WHERE email IS NOT NULL").df()
        keys = pd.DataFrame({"email": held["email"].astype(object),
                             "email_key": email_keys(held["email"])})
        con.register("upgrade_keys", keys)
        try:
            con.execute("UPDATE leads SET email_key = k.email_key FROM upgrade_keys k "
                        "WHERE leads.email = k.email")
        finally:
            con.unregister("upgrade_keys")
        con.execute("UPDATE mirror_meta SET value = ? WHERE key = 'schema_version'",
                    [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


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
