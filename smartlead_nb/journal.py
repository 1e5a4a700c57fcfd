"""The upload journal: a small append-only file that makes bulk uploads resumable.

Before a batch is sent, a ``sending`` line with the batch's digest is written; once SmartLead
answers, a ``confirmed`` line with its counters follows. Each line is flushed and fsynced, so
the journal survives an exception, a dead kernel or a killed process. On the next run:

* a batch with a ``confirmed`` line is never sent again (its recorded answer is reused);
* a batch with only a ``sending`` line lost its answer: it is sent again, which is safe
  because SmartLead de-duplicates leads by email within a campaign, and the second answer
  (``already_added_to_campaign``) is reconciled with the first attempt.

The digest covers the campaign id and the exact request body, so the journal of one campaign
can never vouch for a batch of another.

A journal is read strictly: a last line cut short by a kill is dropped (that batch counts as
unconfirmed), but any other unreadable content is an :class:`~smartlead_nb.InputError` naming
the file, never silently skipped. While an upload uses a journal it holds a lock on it
(``<journal>.lock``), so a second process on the same journal waits for the first to finish
(then finds its batches confirmed) instead of sending them all again.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "acme-campaign-7.jsonl"
>>> with Journal.locked(path) as book:
...     book.confirmed                       # batches confirmed by earlier runs: none yet
{}
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .errors import InputError

#: Seconds a second upload waits for another process to finish with the same journal.
LOCK_WAIT_SECONDS = 60.0
_STATES = ("sending", "confirmed")


def batch_digest(campaign_id: int, body: bytes) -> str:
    return hashlib.sha256(f"{campaign_id}\n".encode() + body).hexdigest()[:32]


class Journal:
    """Reads and appends one upload journal file. ``Journal(None)`` keeps nothing (no resume)."""

    def __init__(self, path: str | os.PathLike | None) -> None:
        self.path = Path(path) if path is not None else None
        self.confirmed: dict[str, dict[str, Any]] = {}
        self.in_flight: set[str] = set()
        if self.path is not None and self.path.is_dir():
            raise self._unreadable("it is a directory, not a file")
        if self.path is not None and self.path.exists():
            self._load(self.path)

    @classmethod
    @contextmanager
    def locked(cls, path: str | os.PathLike | None,
               wait: float | None = None) -> Iterator["Journal"]:
        """The journal at ``path``, read and held under its lock for the ``with`` block.

        Another process holding it is waited for up to ``wait`` seconds (default
        :data:`LOCK_WAIT_SECONDS`); then an ``InputError`` says what to do. The lock is
        taken before the file is read, so what the other process confirmed is seen.
        """
        if path is None:
            yield cls(None)
            return
        from filelock import FileLock, Timeout

        path = Path(path)
        if path.is_dir():
            raise cls._unreadable_at(path, "it is a directory, not a file")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path) + ".lock")
        seconds = LOCK_WAIT_SECONDS if wait is None else wait
        try:
            lock.acquire(timeout=seconds)
        except Timeout:
            raise InputError(
                f"the upload journal {path} is in use by another upload (another kernel or "
                f"process uploading to this campaign) and stayed locked for {seconds:g} s: "
                f"let that upload finish, then run this again (confirmed batches are skipped). "
                f"If no other upload is running, delete {path}.lock") from None
        try:
            yield cls(path)
        finally:
            lock.release()

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise self._unreadable(f"it cannot be read ({exc.strerror})") from None
        lines = data.split(b"\n")
        torn = lines.pop()  # what follows the last newline: empty, or a line cut short
        for number, raw in enumerate(lines, start=1):
            self._take(self._parse(raw, number))
        if torn.strip():
            try:
                entry = self._parse(torn, len(lines) + 1)
            except InputError:
                # A kill mid-write: that batch counts as unconfirmed. Cut the torn tail off
                # so that later lines start on a line of their own.
                with open(path, "r+b") as fh:
                    fh.truncate(len(data) - len(torn))
            else:
                self._take(entry)

    def _parse(self, raw: bytes, number: int) -> dict[str, Any]:
        if not raw.strip():
            return {}
        try:
            entry = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise self._unreadable(f"line {number} is not text (bytes that are not UTF-8)") from None
        except ValueError:
            raise self._unreadable(f"line {number} is not JSON: {_shown(raw)}") from None
        if (not isinstance(entry, dict) or entry.get("state") not in _STATES
                or not isinstance(entry.get("digest"), str)):
            raise self._unreadable(f"line {number} is not a journal entry: {_shown(raw)}")
        return entry

    def _take(self, entry: dict[str, Any]) -> None:
        if not entry:   # a blank line
            return
        digest: str = entry["digest"]   # _parse checked that it is text
        if entry.get("state") == "sending":
            self.in_flight.add(digest)
        elif entry.get("state") == "confirmed":
            self.confirmed[digest] = entry
            self.in_flight.discard(digest)

    def _unreadable(self, why: str) -> InputError:
        # Only a journal kept in a file is ever read, so one without a path is never unreadable.
        assert self.path is not None
        return self._unreadable_at(self.path, why)

    @staticmethod
    def _unreadable_at(path: Path, why: str) -> InputError:
        return InputError(
            f"the upload journal {path} cannot be used: {why}. To start over, delete "
            f"{path} (leads it recorded as uploaded are then reported as already in the "
            f"campaign, never added twice), or pass journal=False to upload without one")

    def was_lost(self, digest: str) -> bool:
        """True if this batch was sent before but its answer never arrived."""
        return digest in self.in_flight and digest not in self.confirmed

    def sending(self, digest: str, batch: int, rows: int) -> None:
        self._append({"state": "sending", "digest": digest, "batch": batch, "rows": rows})
        self.in_flight.add(digest)

    def confirm(self, digest: str, batch: int, counters: dict[str, Any],
                outcomes: dict[str, str]) -> None:
        entry = {"state": "confirmed", "digest": digest, "batch": batch,
                 "counters": counters, "outcomes": outcomes}
        self._append(entry)
        # In memory, only that it is done: the outcomes are on disk for a later resume, and
        # keeping them here would grow with the upload (memory must stay flat).
        self.confirmed[digest] = {"batch": batch, "counters": counters, "outcomes": {}}
        self.in_flight.discard(digest)

    def _append(self, entry: dict[str, Any]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "not kept"
        return f"Journal({where}: {len(self.confirmed)} confirmed batches)"


def _shown(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return repr(text if len(text) <= 60 else text[:57] + "...")
