"""Warm-up statistics of sender accounts: the last 7 days, per day and in total."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from ..errors import InputError
from ..frames.tidy import coerce_counts, to_int
from ..frames.warmup import warmup_daily_frame, warmup_totals
from ._base import Resource, check_id


class WarmupMixin(Resource):
    def warmup_stats(self, email_account_id: int) -> dict:
        """``GET /email-accounts/{id}/warmup-stats``, counts cast to integers.

        SmartLead's window is always the last 7 days. The answer's shape is kept (A:
        ``stats_by_date``; B: ``daily_stats``); the frames below read both.

        >>> client.warmup_stats(3001)["sent_count"]          # doctest: +SKIP
        130
        """
        aid = check_id(email_account_id, "email_account_id")
        body = self._call("GET", f"email-accounts/{aid}/warmup-stats",
                          subject=f"email account {aid}", shape=dict)
        return _cast(body)

    def warmup_stats_many(self, account_ids: Iterable[int] | int) -> dict[int, dict]:
        """``{account_id: warmup_stats(...)}``, one request per account (in the given order).

        Feed it to :func:`smartlead_nb.frames.warmup.warmup_daily_frame` and
        :func:`~smartlead_nb.frames.warmup.warmup_totals` to get both tables from one set of
        requests.
        """
        ids = [check_id(a, "email account id") for a in
               ([account_ids] if isinstance(account_ids, (int, str)) else account_ids)]
        if not ids:
            raise InputError("no email account ids given: pass the sender accounts to read "
                             "(client.email_accounts_frame() lists them)")
        return {aid: self.warmup_stats(aid) for aid in dict.fromkeys(ids)}

    @Resource.stamps_read_at
    def warmup_stats_frame(self, account_ids: Iterable[int] | int) -> pd.DataFrame:
        """One row per account per day (``email_account_id``, ``date``, ``sent_count``,
        ``reply_count``, ``save_from_spam_count``), Int64 counts.

        >>> daily = client.warmup_stats_frame([3001, 3002])               # doctest: +SKIP
        >>> daily.pivot(index="date", columns="email_account_id", values="sent_count")  # doctest: +SKIP
        """
        return warmup_daily_frame(self.warmup_stats_many(account_ids))

    @Resource.stamps_read_at
    def warmup_totals_frame(self, account_ids: Iterable[int] | int) -> pd.DataFrame:
        """One row per account: 7-day totals with ``spam_rate`` and ``inbox_placement``.

        >>> client.warmup_totals_frame([3001, 3002]).sort_values("spam_rate")  # doctest: +SKIP
        """
        return warmup_totals(self.warmup_stats_many(account_ids))


def _cast(body: dict) -> dict:
    """String totals to integers, the per-day rows too (``coerce_counts`` skips lists)."""
    out = coerce_counts(body)
    for key in ("stats_by_date", "daily_stats"):
        if isinstance(out.get(key), list):
            out[key] = [coerce_counts(d) if isinstance(d, dict) else d for d in out[key]]
    if "total_sent" in out:      # shape B's total, not named like a count
        out["total_sent"] = to_int(out["total_sent"])
    return out
