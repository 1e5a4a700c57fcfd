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
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def batch_digest(campaign_id: int, body: bytes) -> str:
    return hashlib.sha256(f"{campaign_id}\n".encode() + body).hexdigest()[:32]


class Journal:
    """Reads and appends one upload journal file. ``Journal(None)`` keeps nothing (no resume)."""

    def __init__(self, path: str | os.PathLike | None) -> None:
        self.path = Path(path) if path is not None else None
        self.confirmed: dict[str, dict[str, Any]] = {}
        self.in_flight: set[str] = set()
        if self.path is not None and self.path.exists():
            self._load()

    def _load(self) -> None:
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a kill: the batch counts as unconfirmed
                digest = entry.get("digest")
                if entry.get("state") == "sending":
                    self.in_flight.add(digest)
                elif entry.get("state") == "confirmed":
                    self.confirmed[digest] = entry
                    self.in_flight.discard(digest)

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
