"""Email-account answers (``GET /email-accounts``) -> one row per sender mailbox (pure).

Passwords and tokens are dropped (:data:`~smartlead_nb.frames.tidy.SECRET_FIELDS`), and the
nested ``warmup_details`` become ``warmup_*`` columns, the reputation (``"98%"``) a number.
Warm-up statistics per day are in :mod:`smartlead_nb.frames.warmup`; whether a mailbox is fit
to send from is :mod:`smartlead_nb.senders`.

>>> frame = email_accounts_frame([{"id": 1, "from_email": "a@x.io", "password": "p",
...     "message_per_day": "40", "warmup_details": {"status": "ACTIVE", "warmup_reputation": "98%"}}])
>>> frame[["from_email", "warmup_status", "warmup_reputation", "message_per_day"]].values.tolist()
[['a@x.io', 'ACTIVE', 98, 40]]
>>> "password" in frame
False
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from .tidy import columns_first, strip_secrets, tidy_frame, to_int

__all__ = ["email_accounts_frame"]


def email_accounts_frame(accounts: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per sender account, passwords dropped, warm-up details flattened."""
    rows = []
    for a in accounts:
        row = strip_secrets(dict(a))
        warmup = row.pop("warmup_details", None) or {}
        for key, value in warmup.items():
            row[f"warmup_{key}" if not key.startswith("warmup_") else key] = value
        rep = row.get("warmup_reputation")
        if isinstance(rep, str):
            row["warmup_reputation"] = to_int(rep.rstrip("%"))
        rows.append(row)
    first = ["id", "from_email", "from_name", "type", "is_smtp_success", "is_imap_success",
             "warmup_status", "message_per_day", "daily_sent_count"]
    return columns_first(tidy_frame(rows), first)
