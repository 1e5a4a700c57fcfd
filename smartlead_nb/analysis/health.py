"""Which sender mailbox is drifting: each sender's bounce and reply rates against the rest of
the pool, period by period, with binomial control limits (a p-chart).

>>> import pandas as pd
>>> pool = pd.DataFrame({"sender": ["a@x.io", "b@x.io", "c@x.io"], "period": ["2025-01-06"] * 3,
...                      "sent": [400, 400, 400], "bounced": [8, 6, 40], "replied": [20, 22, 19]})
>>> health = mailbox_health(pool)
>>> health["bounce_rate"].tolist(), health["flag"].tolist()
([0.02, 0.015, 0.1], ['', '', 'bounce above limit'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F
from ._deps import library

WHO = "mailbox_health"
# Three-sigma limits' tail probability (one side), the p-chart convention, used here as an
# exact binomial quantile so that small senders get honest limits (no negative lower limit).
TAIL = 0.00135
PERIODS = {"day": "D", "week": "W-SUN", "month": "M", None: None}   # W-SUN: weeks from Monday
# Column spellings of a per-sender frame: ours first, then the mailbox-statistics endpoint's.
COUNT_NAMES = {"sent": ("sent", "sent_count"), "bounced": ("bounced", "bounce_count"),
               "replied": ("replied", "reply_count")}
TIME_NAMES = ("time", "sent_time", "date")
COLUMNS = ["sender", "period", "sent", "bounced", "replied", "bounce_rate", "bounce_pool",
           "bounce_low", "bounce_high", "reply_rate", "reply_pool", "reply_low", "reply_high",
           "flag"]


def mailbox_health(frame: pd.DataFrame, *, by: str | None = "week") -> pd.DataFrame:
    """Sender x period bounce and reply rates, each against the pooled rate of the OTHER
    senders in that period, with a ``flag`` naming what lies outside the limits.

    Method: a p-chart (Montgomery, Introduction to Statistical Quality Control, 8th ed.,
    2019, section 7.2) whose centre line is the other senders' pooled rate in the period and
    whose limits, for this sender's n sends, are exact binomial quantiles
    (``scipy.stats.binom``) at the three-sigma tail probability 0.00135 instead of the
    normal p +- 3 sqrt(p(1-p)/n), which fails for small n or rare bounces (Montgomery
    discusses such probability limits with the p-chart). Flagged: "bounce above limit"
    and "reply below limit" (the harmful directions). A sender alone in its period has no
    pool: its limits are missing and it is not flagged.

    Args:
        frame: either a per-email statistics frame that has a sender column (``sender``,
            ``from_email`` or ``email_account_id``) besides ``sent_time``, ``is_bounced``
            and ``reply_time`` (the L1 ``/statistics`` rows have none), or a per-sender
            frame with ``sender`` (or ``from_email`` / ``email_account_id``), ``period``
            (or a time: ``time`` / ``sent_time`` / ``date``) and counts ``sent``,
            ``bounced``, ``replied`` (or the mailbox-statistics spellings ``sent_count``,
            ``bounce_count``, ``reply_count``), one row per sender and period.
        by: ``"day"``, ``"week"`` (from Monday), ``"month"`` or ``None`` (one period),
            used when periods come from times; a ``period`` column is taken as given.

    Replies of the latest period are still arriving; that lowers every sender's rate
    alike, so the comparison with the pool stays fair.

    >>> emails = pd.DataFrame({"from_email": ["a@x.io"] * 50 + ["b@x.io"] * 50,
    ...     "sent_time": pd.Timestamp("2025-01-07", tz="UTC"),
    ...     "is_bounced": [False] * 50 + [True] * 10 + [False] * 40, "reply_time": pd.NaT})
    >>> mailbox_health(emails)[["sender", "period", "sent", "bounced", "flag"]]  # doctest: +NORMALIZE_WHITESPACE
       sender     period  sent  bounced                flag
    0  a@x.io 2025-01-06    50        0
    1  b@x.io 2025-01-06    50       10  bounce above limit
    """
    frame = F.require_frame(frame, "the mailbox or statistics frame", WHO)
    if by not in PERIODS:
        raise InputError(f"{WHO}: by must be 'day', 'week', 'month' or None; got {by!r}")
    counts = _per_sender(frame, by)
    return _limits(counts)


def _sender_column(frame: pd.DataFrame) -> str:
    for name in F.SENDER_COLUMNS:
        if name in frame.columns:
            return name
    raise InputError(
        f"{WHO} needs a sender column ({', '.join(F.SENDER_COLUMNS)}); this frame has: "
        f"{', '.join(map(str, frame.columns)) or 'no columns'}. The per-email statistics rows "
        "(GET /campaigns/{id}/statistics) name no sender: pass the mailbox-statistics frame, "
        "or a frame with columns sender, period, sent, bounced, replied")


def _periods(times: pd.Series, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series("all", index=times.index)
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.to_period(PERIODS[by]).dt.start_time


def _per_sender(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    sender = _sender_column(frame)
    is_aggregate = any(name in frame.columns for name in COUNT_NAMES["sent"])
    if not is_aggregate:
        F.require_columns(frame, [F.SENT, "is_bounced", "reply_time"], WHO)
        sent = F.sends(frame, WHO, ["reply_time"])
        rows = frame[sent]
        flags = pd.DataFrame({
            "sent": 1, "bounced": F.as_flags(rows, "is_bounced").astype(np.int64),
            "replied": rows["reply_time"].notna().to_numpy(dtype=np.int64)}, index=rows.index)
        keys = [rows[sender].rename("sender"), _periods(F.as_times(rows, F.SENT, WHO), by).rename("period")]
        return flags.groupby(keys, sort=True, dropna=False).sum().reset_index()
    names = {}
    for ours, spellings in COUNT_NAMES.items():
        found = next((c for c in spellings if c in frame.columns), None)
        if found is None:
            raise InputError(f"{WHO} needs a {ours!r} count column ({' or '.join(spellings)}) "
                             f"in the per-sender frame; it has: {', '.join(map(str, frame.columns))}")
        names[ours] = found
    counts = pd.DataFrame({ours: _counts_column(frame, col) for ours, col in names.items()})
    counts["sender"] = frame[sender]
    if "period" in frame.columns:
        counts["period"] = frame["period"]
    else:
        time = next((c for c in TIME_NAMES if c in frame.columns), None)
        if time is None and by is not None:
            raise InputError(f"{WHO} needs a 'period' column or a time ({', '.join(TIME_NAMES)}) "
                             f"to group by {by}; or pass by=None for one period")
        counts["period"] = _periods(F.as_times(frame, time, WHO), by) if time else "all"
    for part in ("bounced", "replied"):
        over = counts[part] > counts["sent"]
        if over.any():
            row = counts.index[over][0]
            raise InputError(f"{WHO}: row {row} has {part} ({counts.loc[row, part]}) above "
                             f"sent ({counts.loc[row, 'sent']})")
    return counts.groupby(["sender", "period"], sort=True, dropna=False)[
        list(COUNT_NAMES)].sum().reset_index()


def _counts_column(frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() | (values < 0) | (values % 1 != 0)
    if bad.any():
        row = frame.index[bad][0]
        value = frame.loc[row, column]
        value = value.item() if isinstance(value, np.generic) else value   # -1, not np.int64(-1)
        raise InputError(f"{WHO}: column {column!r} must hold whole counts >= 0; row {row} "
                         f"has {value!r}")
    return values.astype(np.int64)


def _limits(counts: pd.DataFrame) -> pd.DataFrame:
    binom = library("scipy.stats").binom

    out = counts.copy()
    n = out["sent"].to_numpy()
    period_totals = out.groupby("period", dropna=False)[list(COUNT_NAMES)].transform("sum")
    others_n = period_totals["sent"].to_numpy() - n
    has_pool = (others_n > 0) & (n > 0)
    flags = [[] for _ in range(len(out))]
    for part, name, harmful in (("bounced", "bounce", "above"), ("replied", "reply", "below")):
        k = out[part].to_numpy()
        pool = np.divide(period_totals[part].to_numpy() - k, others_n,
                         out=np.full(len(out), np.nan), where=others_n > 0)
        safe_n, safe_p = np.where(has_pool, n, 1), np.where(has_pool, pool, 0.0)
        low_k = binom.ppf(TAIL, safe_n, safe_p)
        high_k = binom.isf(TAIL, safe_n, safe_p)
        out[f"{name}_rate"] = np.divide(k, n, out=np.full(len(out), np.nan), where=n > 0)
        out[f"{name}_pool"] = pool
        out[f"{name}_low"] = np.where(has_pool, low_k / safe_n, np.nan)
        out[f"{name}_high"] = np.where(has_pool, high_k / safe_n, np.nan)
        outside = has_pool & ((k > high_k) if harmful == "above" else (k < low_k))
        for i in np.flatnonzero(outside):
            flags[i].append(f"{name} {harmful} limit")
    out["flag"] = ["; ".join(f) for f in flags]
    return out[COLUMNS]


def plot_mailbox_health(health: pd.DataFrame, metric: str = "bounce", ax: Any = None):
    """Each sender's ``bounce`` (or ``reply``) rate by period; flagged periods marked ✕.

    Returns the matplotlib Axes (never calls ``plt.show()``).

    >>> pool = pd.DataFrame({"sender": ["a", "b"], "period": ["2025-01-06"] * 2,
    ...                      "sent": [100, 100], "bounced": [1, 30], "replied": [5, 5]})
    >>> mailbox_health.plot(mailbox_health(pool)).get_ylabel()
    'bounce rate'
    """
    if metric not in ("bounce", "reply"):
        raise InputError(f"mailbox_health.plot: metric must be 'bounce' or 'reply'; got {metric!r}")
    F.require_columns(health, COLUMNS, "mailbox_health.plot", "the mailbox_health frame")
    if ax is None:
        plt = library("matplotlib.pyplot")
        _, ax = plt.subplots()
    rate = f"{metric}_rate"
    for sender, part in health.groupby("sender", sort=True):
        line, = ax.plot(part["period"], part[rate], marker="o", label=str(sender))
        bad = part[part["flag"].str.contains(f"{metric} ", regex=False)]
        if len(bad):
            ax.plot(bad["period"], bad[rate], linestyle="none", marker="x", markersize=12,
                    color=line.get_color())
    ax.set_xlabel("period")
    ax.set_ylabel(f"{metric} rate")
    ax.legend(title="sender")
    return ax


mailbox_health.plot = plot_mailbox_health  # type: ignore[attr-defined]
