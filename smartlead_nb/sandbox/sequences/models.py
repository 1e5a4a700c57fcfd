"""A campaign's steps and their A/B variants: the ``sequences`` and ``variants`` tables.

Saving replaces the list: a step sent with its ``id`` is updated, one without is created, and
a stored step left out is deleted (variants likewise within a step).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from ..errors import Conflict


@dataclass
class Step:
    """One checked step of a save: ``id`` None for a new one; ``variants`` are dicts with
    ``id`` (None: new), ``label``, ``subject``, ``body`` and ``pct``."""

    id: int | None
    number: int
    delay_days: int
    subject: str
    email_body: str | None
    extra: dict = field(default_factory=dict)
    variants: list[dict] = field(default_factory=list)


def check_editable(campaign) -> None:
    """A running campaign's sequence cannot change."""
    if campaign["status"] == "ACTIVE":
        raise Conflict("Sequences cannot be modified while the campaign is ACTIVE - "
                       "pause the campaign first")


def step_ids(store, campaign_id: int) -> set[int]:
    return {r["id"] for r in store.conn.execute(
        "SELECT id FROM sequences WHERE campaign_id = ?", (campaign_id,))}


def variant_ids(store, step_id: int) -> set[int]:
    return {r["id"] for r in store.conn.execute(
        "SELECT id FROM variants WHERE seq_id = ?", (step_id,))}


def save(store, campaign_id: int, steps: list[Step]) -> None:
    """Replace the campaign's steps with ``steps`` (checked by the caller)."""
    db, now = store.conn, store.now_iso()
    kept = {s.id for s in steps if s.id is not None}
    for sid in step_ids(store, campaign_id) - kept:     # steps left out are deleted
        db.execute("DELETE FROM variants WHERE seq_id = ?", (sid,))
        db.execute("DELETE FROM sequences WHERE id = ?", (sid,))
    for s in steps:
        if s.id is None:
            s.id = db.execute(
                "INSERT INTO sequences (campaign_id, seq_number, subject, email_body, "
                "delay_in_days, extra, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                (campaign_id, s.number, s.subject, s.email_body, s.delay_days,
                 json.dumps(s.extra), now, now)).lastrowid
        else:
            db.execute("UPDATE sequences SET seq_number=?, subject=?, email_body=?, "
                       "delay_in_days=?, extra=?, updated_at=? WHERE id=?",
                       (s.number, s.subject, s.email_body, s.delay_days, json.dumps(s.extra),
                        now, s.id))
        _save_variants(store, s.id, s.variants, now)


def _save_variants(store, step_id: int, variants: list[dict], now: str) -> None:
    db = store.conn
    keep = {v["id"] for v in variants if v["id"] is not None}
    for vid in variant_ids(store, step_id) - keep:
        db.execute("DELETE FROM variants WHERE id = ?", (vid,))
    for v in variants:
        if v["id"] is None:
            db.execute("INSERT INTO variants (seq_id, variant_label, subject, email_body, "
                       "pct, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                       (step_id, v["label"], v["subject"], v["body"], v["pct"], now, now))
        else:
            db.execute("UPDATE variants SET variant_label=?, subject=?, email_body=?, "
                       "pct=?, updated_at=? WHERE id=?",
                       (v["label"], v["subject"], v["body"], v["pct"], now, v["id"]))


def delete_for_campaign(store, campaign_id: int) -> None:
    """Forget a deleted campaign's steps and variants."""
    store.conn.execute("DELETE FROM variants WHERE seq_id IN "
                       "(SELECT id FROM sequences WHERE campaign_id = ?)", (campaign_id,))
    store.conn.execute("DELETE FROM sequences WHERE campaign_id = ?", (campaign_id,))


def has_any(store, campaign_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM sequences WHERE campaign_id = ?",
                              (campaign_id,)).fetchone() is not None


def with_variants(store, campaign_id: int) -> list[tuple[sqlite3.Row, list[sqlite3.Row]]]:
    """``(step row, its variant rows)`` in step order: what the simulation sends."""
    out = []
    for s in store.conn.execute("SELECT * FROM sequences WHERE campaign_id = ? "
                                "ORDER BY seq_number", (campaign_id,)).fetchall():
        out.append((s, store.conn.execute("SELECT * FROM variants WHERE seq_id = ? ORDER BY id",
                                          (s["id"],)).fetchall()))
    return out


def labels_by_step(store, campaign_id: int) -> dict[int, list[str]]:
    """Each step number's variant labels (empty without variants)."""
    return {step["seq_number"]: [v["variant_label"] for v in variants]
            for step, variants in with_variants(store, campaign_id)}


def steps(store, campaign_id: int) -> list[dict]:
    """The campaign's steps in seq_number order, as API objects with their variants."""
    out = []
    for row, variant_rows in with_variants(store, campaign_id):
        variants = [{
            "id": v["id"], "created_at": v["created_at"], "updated_at": v["updated_at"],
            "is_deleted": False, "subject": v["subject"], "email_body": v["email_body"],
            "email_campaign_seq_id": row["id"], "variant_label": v["variant_label"],
            "variant_distribution_percentage": v["pct"],
        } for v in variant_rows]
        step = {
            "id": row["id"], "created_at": row["created_at"], "updated_at": row["updated_at"],
            "email_campaign_id": campaign_id, "seq_number": row["seq_number"],
            "subject": row["subject"], "email_body": row["email_body"],
            "seq_delay_details": {"delay_in_days": row["delay_in_days"]},
            "seq_variants": variants,
        }
        step.update(json.loads(row["extra"]))
        out.append(step)
    return out
