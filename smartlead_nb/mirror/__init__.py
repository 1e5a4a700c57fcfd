"""A local DuckDB mirror of a SmartLead account: pay for the data once, query it freely.

>>> import smartlead_nb as sl
>>> mirror = sl.Mirror()                                    # doctest: +SKIP
>>> mirror.sync(client)            # first time: the whole account; then only what changed  # doctest: +SKIP
<SyncSummary 3 campaigns, 41 requests, 2.3 s; changed: leads 1200, statistics 2410, ...>
>>> mirror.sql("select campaign_id, count(*) from leads group by all")   # doctest: +SKIP

Where the file is: ``Mirror(path)`` uses ``path``. ``Mirror()`` names its file after the
account it first syncs (``mirror-<client.fingerprint>.duckdb`` in the toolkit's cache
folder, next to the upload journals), so the file is known once a client is given: pass
``client=`` to open it at once, or call :meth:`Mirror.sync` first. A file holds one account
only; opening it with another account's client is refused.

A file the mirror cannot use (empty, cut short, damaged, a SQLite or text file, another
DuckDB database, not writable, open in another process) raises
:class:`~smartlead_nb.mirror.store.MirrorFileError` (an ``InputError``) naming the file and
saying what to do, from whichever call meets it: ``Mirror(path)``, ``sync``, ``sql``,
``table``, ``contacted``, ``to_parquet``.

The tables and their columns are documented in ``docs/mirror-schema.md`` (generated from
:mod:`smartlead_nb.mirror.schema`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from ..errors import InputError
from . import store
from .schema import DATA_TABLES, TABLE
from .store import MirrorFileError, MirrorInUseError
from .sync import Sync, SyncSummary

if TYPE_CHECKING:   # for type checkers only: making a Mirror loads no HTTP stack
    from ..client import SmartleadClient

__all__ = ["Mirror", "MirrorFileError", "MirrorInUseError", "SyncSummary"]


class Mirror:
    """A DuckDB file holding an account's campaigns, leads, sends and replies.

    Args:
        path: the DuckDB file (created if missing; an existing one is checked now). ``None``:
            one file per account in the cache folder, chosen by the first client given
            (``client=`` or :meth:`sync`).
        client: bind the default file to this client's account now.
        lock_timeout: seconds a sync waits for another process syncing the same file
            before it refuses.

    >>> Mirror().path is None          # no client yet, so no file yet
    True
    """

    def __init__(self, path: str | Path | None = None, *,
                 client: SmartleadClient | None = None,
                 lock_timeout: float = 60.0) -> None:
        store.duckdb_module()          # a missing extra is said here, not mid-sync
        self.path: Path | None = store.check_path(path) if path is not None else None
        self.lock_timeout = lock_timeout
        self._fingerprint: str | None = None
        if client is not None:
            self._bind(client)
        if self.path is not None:
            store.check_file(self.path)   # a damaged file is said now, not mid-sync

    def __repr__(self) -> str:
        return f"Mirror({str(self.path) if self.path else 'no file yet'!r})"

    def _bind(self, client: SmartleadClient) -> Path:
        fingerprint = client.fingerprint
        if self.path is None:
            self.path = store.default_path(fingerprint)
        elif self._fingerprint is not None and self._fingerprint != fingerprint:
            raise InputError(f"this Mirror ({self.path}) belongs to another account "
                             f"({self._fingerprint}); the client is account {fingerprint}. "
                             f"Make a new sl.Mirror() for it")
        self._fingerprint = fingerprint
        return self.path

    def _file(self) -> Path:
        if self.path is None:
            raise InputError("this Mirror has no file yet: call mirror.sync(client) first "
                             "(the file is named after the client's account), or make it "
                             "with sl.Mirror(path=...) or sl.Mirror(client=client)")
        return self.path

    # --- syncing ------------------------------------------------------------------------------
    def sync(self, client: SmartleadClient, campaigns: Iterable[int] | int | None = None, *,
             replies: bool = True, history: bool = False, full: bool = False,
             progress: bool = True) -> SyncSummary:
        """Bring the mirror up to date for every campaign (or the ids in ``campaigns``).

        The first sync reads each campaign's leads through the export (one request), its
        sends at 1,000 a request and the replies through the master inbox at 20 a request;
        later syncs read only what changed (about 2 requests a campaign when nothing did).
        Each campaign is written in one transaction: an interrupted sync leaves the mirror as
        of its last completed campaign, and the next sync continues.

        Args:
            replies: read the master inbox into ``replies`` (and reply times from it).
            history: keep the replies' text (subject, plain text, HTML, Message-ID).
            full: re-read everything, as a first sync does (catches what no count shows,
                such as a category changed between two non-Interested categories).
            progress: a progress bar (tqdm.auto).

        Returns a :class:`SyncSummary` (rows changed per table, requests spent, time).

        >>> mirror.sync(client, [1001, 1002], history=True)          # doctest: +SKIP
        """
        path = self._bind(client)
        with store.writer_lock(path, self.lock_timeout):
            with store.connect(path) as con:
                store.claim(con, path, client.fingerprint)
                return Sync(con, client, replies=replies, history=history, full=full,
                            progress=progress).run(None if campaigns is None else campaigns)

    # --- reading ------------------------------------------------------------------------------
    def sql(self, query: str, params: Any = None) -> pd.DataFrame:
        """Run SQL (DuckDB's dialect) on the mirror; returns a DataFrame (times in UTC).

        ``params`` fill ``?`` (a list) or ``$name`` (a dict) placeholders.

        >>> mirror.sql("select status, count(*) as n from leads where campaign_id = ? "
        ...            "group by status", [1001])                       # doctest: +SKIP
        """
        if not isinstance(query, str) or not query.strip():
            raise InputError(f"sql() takes a query text, got {query!r}")
        duckdb = store.duckdb_module()
        path = self._file()
        with store.connect(path, read_only=True) as con:
            try:
                return store.frame(con, query, params)
            except duckdb.Error as exc:
                damaged = store.file_problem(path, exc)
                if damaged is not None:
                    raise damaged from None
                tables = ", ".join(DATA_TABLES)
                raise InputError(f"the mirror could not run this query: "
                                 f"{str(exc).splitlines()[0]} (tables: {tables})") from None

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a DataFrame (see ``docs/mirror-schema.md`` for the columns).

        >>> mirror.table("campaigns")                                   # doctest: +SKIP
        """
        if name not in TABLE:
            raise InputError(f"no table {name!r} in the mirror; tables: {', '.join(DATA_TABLES)}")
        keys = ", ".join(f'"{k}"' for k in TABLE[name].key) or "1"
        return self.sql(f"SELECT * FROM {name} ORDER BY {keys}")

    @property
    def tables(self) -> list[str]:
        """The data tables (``sync_log`` included; the sync's own state left out)."""
        return list(DATA_TABLES)

    def to_parquet(self, folder: str | Path) -> list[Path]:
        """Write every data table to ``folder/<table>.parquet``; returns the files.

        >>> mirror.to_parquet("export/")                               # doctest: +SKIP
        """
        duckdb = store.duckdb_module()
        path = self._file()
        out = Path(folder).expanduser()
        out.mkdir(parents=True, exist_ok=True)
        files = []
        with store.connect(path, read_only=True) as con:
            for name in DATA_TABLES:
                target = out / f"{name}.parquet"
                target_sql = str(target).replace("'", "''")
                try:
                    con.execute(f"COPY {name} TO '{target_sql}' (FORMAT parquet)")
                except duckdb.Error as exc:
                    damaged = store.file_problem(path, exc)
                    if damaged is not None:
                        raise damaged from None
                    raise InputError(f"could not write {target}: "
                                     f"{str(exc).splitlines()[0]}") from None
                files.append(target)
        return files

    # --- cross-campaign duplicates ------------------------------------------------------------
    def contacted(self, emails: Iterable[str], *, exclude_campaign: int | None = None,
                  include_deleted_campaigns: bool = True) -> pd.DataFrame:
        """Which of ``emails`` are already in a campaign here, and when they were contacted.

        One row per (person, campaign): ``email`` (the person's
        :func:`~smartlead_nb.frames.emails.email_key`, so every spelling of one address
        finds them), ``campaign_id``, ``campaign_name``, ``campaign_deleted``, ``status``,
        ``added_at``, ``first_sent``, ``last_sent``, ``replied_at``. Campaigns deleted on the
        server count (their leads were emailed) unless ``include_deleted_campaigns=False``;
        ``exclude_campaign`` leaves that one out (the campaign being uploaded to).

        >>> mirror.contacted(["ana@example.eu"])                       # doctest: +SKIP
        """
        from .duplicates import contacted

        return contacted(self._file(), emails, exclude_campaign=exclude_campaign,
                         include_deleted_campaigns=include_deleted_campaigns)
