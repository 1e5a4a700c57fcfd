"""``client.email_accounts.warmup``: a sender mailbox's warm-up, its settings and its
statistics over the last 7 days, per day and in total.

>>> check_warmup(total_warmup_per_day=60)
Traceback (most recent call last):
...
smartlead_nb.errors.InputError: total_warmup_per_day is 60: SmartLead allows 1-50 warm-up emails per day; nothing was sent
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..errors import InputError
from ..frames.responses import coerce_counts, to_int
from ..frames.warmup import warmup_daily_frame, warmup_totals
from ._base import Service, as_list, check_id, stamps_read_at

# SmartLead's documented warm-up ranges: (lowest, highest, what the number counts)
# (https://api.smartlead.ai/api-reference/email-accounts/warmup-settings).
WARMUP_RANGES = {
    "total_warmup_per_day": (1, 50, "warm-up emails per day"),
    "daily_rampup": (5, 20, "as the daily ramp-up"),
    "reply_rate_percentage": (20, 100, "percent as the warm-up reply rate"),
}
WARMUP_FLAGS = ("auto_adjust_warmup", "is_rampup_enabled")


def check_warmup(**fields: Any) -> dict[str, Any]:
    """The warm-up fields given (``None`` left out), each inside SmartLead's range.

    >>> check_warmup(total_warmup_per_day=20, daily_rampup=None)
    {'total_warmup_per_day': 20}
    """
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key in WARMUP_RANGES:
            lo, hi, what = WARMUP_RANGES[key]
            number = to_int(value) if isinstance(value, str) else value
            if isinstance(number, bool) or not isinstance(number, int) or not lo <= number <= hi:
                raise InputError(f"{key} is {value!r}: SmartLead allows {lo}-{hi} {what}; "
                                 f"nothing was sent")
            out[key] = number
        elif key in WARMUP_FLAGS or key == "warmup_enabled":
            if not isinstance(value, bool):
                raise InputError(f"{key} must be True or False, got {value!r}; nothing was sent")
            out[key] = value
        else:
            out[key] = value
    return out


class WarmupService(Service):
    """A mailbox's warm-up: ``stats``, ``stats_many``, ``frame``, ``totals``, ``update``."""

    def stats(self, email_account_id: int) -> dict:
        """``GET /email-accounts/{id}/warmup-stats``, counts cast to integers.

        SmartLead's window is always the last 7 days. The answer's shape is kept (A:
        ``stats_by_date``; B: ``daily_stats``); the frames below read both.

        >>> client.email_accounts.warmup.stats(3001)["sent_count"]          # doctest: +SKIP
        130
        """
        aid = check_id(email_account_id, "email_account_id")
        body = self._api.call("GET", f"email-accounts/{aid}/warmup-stats",
                              subject=f"email account {aid}", shape=dict)
        return _cast(body)

    def stats_many(self, account_ids: Iterable[int] | int) -> dict[int, dict]:
        """``{account_id: stats(...)}``, one request per account (in the given order).

        Feed it to :func:`smartlead_nb.frames.warmup.warmup_daily_frame` and
        :func:`~smartlead_nb.frames.warmup.warmup_totals` to get both tables from one set of
        requests.
        """
        ids = [check_id(a, "email account id") for a in as_list(account_ids)]
        if not ids:
            raise InputError("no email account ids given: pass the sender accounts to read "
                             "(client.email_accounts.frame() lists them)")
        return {aid: self.stats(aid) for aid in dict.fromkeys(ids)}

    @stamps_read_at
    def frame(self, account_ids: Iterable[int] | int) -> pd.DataFrame:
        """One row per account per day (``email_account_id``, ``date``, ``sent_count``,
        ``reply_count``, ``save_from_spam_count``), Int64 counts.

        >>> daily = client.email_accounts.warmup.frame([3001, 3002])     # doctest: +SKIP
        >>> daily.pivot(index="date", columns="email_account_id", values="sent_count")  # doctest: +SKIP
        """
        return warmup_daily_frame(self.stats_many(account_ids))

    @stamps_read_at
    def totals(self, account_ids: Iterable[int] | int) -> pd.DataFrame:
        """One row per account: 7-day totals with ``spam_rate`` and ``inbox_placement``.

        >>> client.email_accounts.warmup.totals([3001, 3002]).sort_values("spam_rate")  # doctest: +SKIP
        """
        return warmup_totals(self.stats_many(account_ids))

    def update(self, email_account_id: int, *, warmup_enabled: bool,
               total_warmup_per_day: int | None = None, daily_rampup: int | None = None,
               reply_rate_percentage: int | None = None, warmup_key_id: str | None = None,
               auto_adjust_warmup: bool | None = None,
               is_rampup_enabled: bool | None = None) -> dict:
        """Turn a mailbox's warm-up on or off and set its numbers
        (``POST /email-accounts/{id}/warmup``); only what is given is sent.

        SmartLead's ranges are checked first: ``total_warmup_per_day`` 1-50, ``daily_rampup``
        5-20, ``reply_rate_percentage`` 20-100.

        >>> client.email_accounts.warmup.update(3001, warmup_enabled=True,
        ...                                     total_warmup_per_day=20)   # doctest: +SKIP
        {'ok': True, 'message': 'Warmup settings updated successfully'}
        """
        aid = check_id(email_account_id, "email_account_id")
        body = check_warmup(warmup_enabled=warmup_enabled,
                            total_warmup_per_day=total_warmup_per_day, daily_rampup=daily_rampup,
                            reply_rate_percentage=reply_rate_percentage,
                            warmup_key_id=warmup_key_id, auto_adjust_warmup=auto_adjust_warmup,
                            is_rampup_enabled=is_rampup_enabled)
        return self._api.call("POST", f"email-accounts/{aid}/warmup", json=body,
                              subject=f"email account {aid}", shape=dict)


def _cast(body: dict) -> dict:
    """String totals to integers, the per-day rows too (``coerce_counts`` skips lists)."""
    out = coerce_counts(body)
    for key in ("stats_by_date", "daily_stats"):
        if isinstance(out.get(key), list):
            out[key] = [coerce_counts(d) if isinstance(d, dict) else d for d in out[key]]
    if "total_sent" in out:      # shape B's total, not named like a count
        out["total_sent"] = to_int(out["total_sent"])
    return out
