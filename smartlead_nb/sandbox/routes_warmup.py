"""Warm-up statistics of a sender account [more-sheet 3.5]: the last 7 days, shape A.

``GET /email-accounts/{id}/warmup-stats`` answers ``{id, sent_count, spam_count, inbox_count,
warmup_email_received_count, stats_by_date[7]}`` with the totals as strings (as L1 shows) and
one ``stats_by_date`` row per day, the last one "today" by the sandbox clock (UTC).

The figures are drawn, not stored: a random generator seeded by (sandbox seed, the account's
address, the date) gives each day's numbers, so they are the same on every call and every run,
and each day keeps its numbers as the clock moves on. They follow the account's warm-up
settings (``warmup_details``): nothing is sent unless the warm-up is ACTIVE and the mailbox
connects; about ``max_email_per_day`` (else ``total_warmup_per_day``, else 20) mails a day
go out; ``reply_rate`` percent of those that reached the inbox are answered. A day's numbers
are drawn whole, also for today.
"""
from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from . import routes_accounts
from .routing import Request, RouteTable

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

DAYS = 7
DEFAULT_PER_DAY = 20
SPAM_RATE = 0.03        # chance that one warm-up mail lands in spam
SAVED_FROM_SPAM = 0.8   # share of those the warm-up network moves back to the inbox


def _day(account: dict, seed: int, day: date) -> dict:
    """One day's warm-up figures for one account (a pure function of its inputs)."""
    rng = random.Random(f"warmup:{seed}:{account.get('from_email', account['id'])}:{day}")
    warmup = account.get("warmup_details") or {}
    active = warmup.get("status") == "ACTIVE" and _connected(account)
    per_day = int(warmup.get("max_email_per_day") or warmup.get("total_warmup_per_day")
                  or DEFAULT_PER_DAY)
    # Drawn in a fixed order whether or not the account is active (repeatable).
    sent = per_day - rng.randint(0, per_day // 5)
    spam = sum(rng.random() < SPAM_RATE for _ in range(sent))
    saved = sum(rng.random() < SAVED_FROM_SPAM for _ in range(spam))
    reply_share = int(warmup.get("reply_rate") or 0) / 100
    replies = sum(rng.random() < reply_share for _ in range(sent - spam))
    received = per_day - rng.randint(0, per_day // 4)
    if not active:
        return {"sent_count": 0, "spam_count": 0, "reply_count": 0,
                "save_from_spam_count": 0, "received_count": 0}
    return {"sent_count": sent, "spam_count": spam, "reply_count": replies,
            "save_from_spam_count": saved, "received_count": received}


def _connected(account: dict) -> bool:
    """SMTP and IMAP both working: the rule the sending simulation applies to senders."""
    return bool(account.get("is_smtp_success")) and bool(account.get("is_imap_success"))


@ROUTES.route("GET", r"/email-accounts/(\d+)/warmup-stats")
def warmup_stats(req: Request):
    (aid,) = req.params
    # The account as GET /email-accounts/{id} shows it, and that endpoint's 404.
    account = routes_accounts.get_account(dataclasses.replace(req, query={}))
    today = req.app.store.now().date()
    days = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    figures = [_day(account, req.app.seed, d) for d in days]
    sent = sum(f["sent_count"] for f in figures)
    spam = sum(f["spam_count"] for f in figures)
    return {
        "id": aid, "sent_count": str(sent), "spam_count": str(spam),
        "inbox_count": str(sent - spam),
        "warmup_email_received_count": str(sum(f["received_count"] for f in figures)),
        "stats_by_date": [
            # A day's row keeps its id as the window moves (YYYYMMDD).
            {"id": int(d.strftime("%Y%m%d")), "date": d.isoformat(), "sent_count": f["sent_count"],
             "reply_count": f["reply_count"], "save_from_spam_count": f["save_from_spam_count"]}
            for d, f in zip(days, figures)],
    }
