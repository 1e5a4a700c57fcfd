"""Campaign webhooks and their deliveries: the ``webhooks`` and ``webhook_deliveries`` tables.

A delivery is one (event, webhook) pair; rows with status ``pending`` are the queue the
sender (``delivery.Deliverer``) works through, so a delivery survives a restart. Deliveries
are counted per event and webhook: a summary's ``total_calls`` includes those still being
retried, selected by the event's simulated time.
"""
from __future__ import annotations

import json

from ..analytics import models as analytics
from ..campaigns import models as campaigns
from ..errors import NotFound
from ..timeutil import iso
from . import delivery, events


def _not_found() -> NotFound:
    return NotFound("Webhook not found - Invalid webhook id.")


def _hook_json(hook) -> dict:
    """A hook as the list shows it."""
    return {"id": hook["id"], "name": hook["name"], "webhook_url": hook["webhook_url"],
            "email_campaign_id": hook["campaign_id"],
            "event_types": json.loads(hook["event_types"]),
            "categories": json.loads(hook["categories"]) if hook["categories"] else []}


def of_campaign(store, campaign_id: int) -> list[dict]:
    return [_hook_json(h) for h in store.conn.execute(
        "SELECT * FROM webhooks WHERE campaign_id = ? ORDER BY id", (campaign_id,))]


def save(store, campaign_id: int, hook_id: int | None, name: str, url: str,
         event_types: list[str], categories: list[str] | None) -> int:
    """Create a hook (``hook_id`` None) or update one of the campaign's; returns its id."""
    now = store.now_iso()
    values = (name, url, json.dumps(event_types),
              json.dumps(categories) if categories else None)
    if hook_id is None:
        return store.conn.execute(
            "INSERT INTO webhooks (campaign_id, name, webhook_url, event_types, categories, "
            "secret_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (campaign_id, *values, events.DEFAULT_SECRET, now, now)).lastrowid
    changed = store.conn.execute(
        "UPDATE webhooks SET name = ?, webhook_url = ?, event_types = ?, categories = ?, "
        "updated_at = ? WHERE id = ? AND campaign_id = ?", (*values, now, hook_id, campaign_id))
    if not changed.rowcount:
        raise _not_found()
    return hook_id


def delete(store, campaign_id: int, hook_id: int) -> None:
    """Delete one of the campaign's hooks; what was still waiting for (re)delivery goes with
    it, finished deliveries stay counted."""
    if not store.conn.execute("DELETE FROM webhooks WHERE id = ? AND campaign_id = ?",
                              (hook_id, campaign_id)).rowcount:
        raise _not_found()
    store.conn.execute("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND "
                       "status = 'pending'", (hook_id,))


def summary(store, campaign_id: int, lo: str, hi: str) -> dict:
    """Calls made for the campaign's events with times in [lo, hi]."""
    total, ok, failed = store.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(status = 'success'), 0), COALESCE(SUM(status = "
        "'failed'), 0) FROM webhook_deliveries WHERE campaign_id = ? AND event_time >= ? AND "
        "event_time <= ?", (campaign_id, lo, hi)).fetchone()
    return {"total_calls": total, "successful_calls": ok, "failed_calls": failed,
            "success_rate": round(100 * ok / total, 2) if total else 0}


def retrigger(store, campaign_id: int, lo: str, hi: str) -> int:
    """Send the failed deliveries of events in [lo, hi] again (of hooks that still exist);
    returns how many."""
    count = store.conn.execute(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt = 0 "
        "WHERE campaign_id = ? AND status = 'failed' AND event_time >= ? AND event_time <= ? "
        "AND webhook_id IN (SELECT id FROM webhooks)", (campaign_id, lo, hi)).rowcount
    if count:
        deliverer(store).kick()
    return count


def queue_events(store, start, end) -> int:
    """Queue a delivery per (event in ``(start, end]``, webhook that takes it); returns how
    many. Called inside the advancing transaction; without webhooks it costs one query."""
    hooks: dict[int, list[dict]] = {}
    for row in store.conn.execute("SELECT * FROM webhooks ORDER BY id"):
        hook = dict(row, event_types=json.loads(row["event_types"]),
                    categories=json.loads(row["categories"]) if row["categories"] else None)
        hooks.setdefault(row["campaign_id"], []).append(hook)
    rows = []
    for cid, campaign_hooks in hooks.items():
        campaign = campaigns.find(store, cid)
        if campaign is None:
            continue
        sends = analytics.sends_with_events(store, cid, iso(start), iso(end))
        for kind, when, email in events.events_between(sends, iso(start), iso(end)):
            for hook in campaign_hooks:
                if events.hook_wants(hook, kind, email["category_name"]):
                    body = events.payload(kind, when, email, dict(campaign), hook)
                    rows.append((hook["id"], cid, kind, when, json.dumps(body)))
    store.conn.executemany(
        "INSERT INTO webhook_deliveries (webhook_id, campaign_id, event_type, event_time, "
        "payload, status) VALUES (?, ?, ?, ?, ?, 'pending')", rows)
    if rows:
        deliverer(store).kick()
    return len(rows)


# -- the queue, as the sender reads and writes it ----------------------------------------------
def _take(store, now: float):
    row = store.conn.execute(
        "SELECT d.*, w.webhook_url FROM webhook_deliveries d JOIN webhooks w "
        "ON w.id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt <= ? "
        "ORDER BY d.next_attempt, d.id LIMIT 1", (now,)).fetchone()
    if row is not None:
        return dict(row), None
    later = store.conn.execute("SELECT MIN(next_attempt) FROM webhook_deliveries "
                               "WHERE status = 'pending'").fetchone()[0]
    return None, later


def _record(store, job_id: int, status: str, attempts: int, last_status: int | None,
            error: str | None, next_attempt: float) -> None:
    store.conn.execute(
        "UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, "
        "last_error = ?, next_attempt = ? WHERE id = ?",
        (status, attempts, last_status, error, next_attempt, job_id))


def _pending(store) -> int:
    return store.conn.execute(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'").fetchone()[0]


QUEUE = delivery.Queue(take=_take, record=_record, pending=_pending)


def deliverer(store) -> delivery.Deliverer:
    """The store's webhook sender (started on first use)."""
    return delivery.deliverer_for(store, QUEUE)
