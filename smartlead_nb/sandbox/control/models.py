"""What the control routes ask of the sandbox as a whole: how much it holds, and what a
campaign's truth may name. They read through the group models and write nothing here."""
from __future__ import annotations

from ..email_accounts import models as email_accounts
from ..sequences import models as sequences

COUNTED = ("campaigns", "leads", "campaign_leads", "sent_emails", "email_accounts")


def counts(store) -> dict[str, int]:
    """Rows in the main tables, by table name."""
    return {table: store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in COUNTED}


def campaign_shape(store, campaign_id: int) -> tuple[dict[int, list[str]], set[int]]:
    """What a truth may name: each step's variant labels, and the attached sender accounts."""
    return (sequences.labels_by_step(store, campaign_id),
            email_accounts.attached_ids(store, campaign_id))
