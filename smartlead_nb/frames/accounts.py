"""Sender-account health: the one rule for whether a mailbox is fit to send from (pure).

The plan's check and the builder's account picker both ask it, so a mailbox the form marks
healthy is one ``CampaignPlan.check()`` passes, and the other way round.

>>> sender_problems({"is_smtp_success": True, "is_imap_success": True,
...                  "warmup_details": {"status": "ACTIVE"}})
[]
>>> sender_problems({"is_smtp_success": True, "is_imap_success": False,
...                  "warmup_details": {"status": "PAUSED"}})
['SMTP/IMAP not connected', 'warm-up is PAUSED']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["sender_problems", "sender_health"]


def sender_problems(account: Mapping[str, Any]) -> list[str]:
    """What keeps one email account (as ``client.email_accounts.list`` returns it) from sending.

    Both SMTP and IMAP must be connected; warm-up, when the account has one, must be
    ``ACTIVE`` (no warm-up at all is fine).
    """
    problems = []
    if not (account.get("is_smtp_success") and account.get("is_imap_success")):
        problems.append("SMTP/IMAP not connected")
    warmup = (account.get("warmup_details") or {}).get("status")
    if warmup and warmup != "ACTIVE":
        problems.append(f"warm-up is {warmup}")
    return problems


def sender_health(account: Mapping[str, Any]) -> tuple[bool, str]:
    """``(healthy, words)``: :func:`sender_problems` is empty, and SMTP, IMAP, warm-up and the
    daily cap in words.

    >>> sender_health({"is_smtp_success": True, "is_imap_success": True, "message_per_day": 40})
    (True, 'SMTP ok · IMAP ok · warm-up none · 40 emails/day')
    """
    smtp, imap = bool(account.get("is_smtp_success")), bool(account.get("is_imap_success"))
    warmup = (account.get("warmup_details") or {}).get("status") or "none"
    cap = account.get("message_per_day")
    parts = [f"SMTP {'ok' if smtp else 'FAILING'}", f"IMAP {'ok' if imap else 'FAILING'}",
             f"warm-up {warmup.lower()}", f"{cap if cap is not None else '?'} emails/day"]
    return not sender_problems(account), " · ".join(parts)
