"""How replies arrive after a send: the Kaplan-Meier curve of time to first reply.

A send without a reply yet is not a "no": it is censored at ``now`` (its lead may still
reply), which is exactly what the Kaplan-Meier estimator allows for.

>>> import pandas as pd
>>> t0 = pd.Timestamp("2025-01-06", tz="UTC")
>>> stats = pd.DataFrame({"sequence_number": [1] * 4, "seq_variant_id": [11] * 4,
...     "sent_time": [t0] * 4,
...     "reply_time": [t0 + pd.Timedelta(days=1), t0 + pd.Timedelta(days=2), pd.NaT, pd.NaT]})
>>> reply_curve(stats, by=None, now=t0 + pd.Timedelta(days=5))[["days", "replied_share", "at_risk"]]
   days  replied_share  at_risk
0   0.0           0.00        4
1   1.0           0.25        4
2   2.0           0.50        3
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F
from ._deps import library
from .intervals import check_level

WHO = "reply_curve"
BY = {"variant": F.VARIANT_ID, "sequence_number": F.STEP, None: None}
COLUMNS = ["group", "days", "replied_share", "ci_low", "ci_high", "at_risk", "median_days",
           "median_low", "median_high", "median_replies"]
DAY = pd.Timedelta(days=1)
WINDOW_DAYS = 7


def reply_curve(stats: pd.DataFrame, by: str | None = "variant", *, now: Any = None,
                level: float = 0.95, sequences: Any = None,
                window_days: float = WINDOW_DAYS) -> pd.DataFrame:
    """Share of sends replied to by each number of days after the send, per group.

    Method: the Kaplan-Meier product-limit estimate (Kaplan & Meier 1958, JASA 53:457-481)
    from ``statsmodels.duration.survfunc.SurvfuncRight``, one observation per email sent:
    the days from ``sent_time`` to ``reply_time``, or to ``now`` (censored) when no reply has
    come yet; ``replied_share`` is 1 - survival. Its pointwise interval applies the normal
    quantile to statsmodels' Greenwood standard error on the log(-log) scale (Kalbfleisch &
    Prentice 2002, The Statistical Analysis of Failure Time Data, 2nd ed., section 4.3),
    which statsmodels does not provide for a curve (only for its quantiles). Before the first
    reply (and in a group nobody has replied to yet) that interval is undefined; there the
    upper end is the exact Clopper-Pearson bound for no reply among the sends at risk
    (``statsmodels.stats.proportion.proportion_confint(method="beta")``), never a [0, 0]
    band that would claim certainty.

    How long replies take: ``median_days`` is the median delay of the replies that came
    within ``window_days`` of a send that is at least ``window_days`` old at ``now``
    (``median_replies`` of them), with the distribution-free order-statistic interval for a
    median (Conover, Practical Nonparametric Statistics, 3rd ed., 1999, section 3.2;
    ``scipy.stats.quantile_test``). Those delays are all fully observed, so no censoring
    enters. The Kaplan-Meier median of time to first reply over all sends (statsmodels'
    ``SurvfuncRight.quantile``, Brookmeyer & Crowley 1982) is not used: it does not exist
    until half the leads have replied, which cold email never sees. Missing (NaN) when
    no reply qualifies; the interval is missing when there are too few for ``level``.

    Args:
        stats: ``client.statistics.frame(cid)``.
        by: ``"variant"`` (one curve per variant id, or label with ``sequences``),
            ``"sequence_number"`` (per step) or ``None`` (one curve).
        now: when the data was read (default: the latest time in ``stats``); sends after it
            are left out, replies after it count as not yet come.
        window_days: the replies the median delay is taken over (see above).

    Returns:
        A tidy frame (``COLUMNS``): a row at day 0, then one per distinct reply time.
        ``at_risk`` is the number of sends still without a reply and still observed just
        before ``days``; a group without replies gets a second row at its longest
        follow-up. The ``median_*`` columns repeat each group's median delay on its rows.
        Plot it with ``reply_curve.plot(curve)``.

    >>> sent = pd.to_datetime(["2025-01-06"] * 3, utc=True)
    >>> stats = pd.DataFrame({"seq_variant_id": [11, 11, 12], "sent_time": sent,
    ...                       "reply_time": [sent[0] + pd.Timedelta(days=2), pd.NaT, pd.NaT]})
    >>> reply_curve(stats, now="2025-01-10").groupby("group")["replied_share"].max().to_dict()
    {11: 0.5, 12: 0.0}
    """
    stats = F.require_frame(stats, "the statistics frame", WHO)
    if by not in BY:
        raise InputError(f"{WHO}: by must be 'variant', 'sequence_number' or None; got {by!r}")
    level = check_level(level)
    if isinstance(window_days, bool) or not isinstance(window_days, (int, float)) \
            or not 0 < window_days < float("inf"):
        raise InputError(f"{WHO}: window_days must be a number of days above 0; got {window_days!r}")
    key = BY[by]
    F.require_columns(stats, [F.SENT, "reply_time"] + ([key] if key else []), WHO)
    sent = F.sends(stats, WHO, ["reply_time"])
    now = F.as_now(now, stats, WHO)
    sent_at = F.as_times(stats, F.SENT, WHO)
    reply_at = F.as_times(stats, "reply_time", WHO)
    early = (reply_at < sent_at).to_numpy()
    if early.any():
        raise InputError(f"{WHO}: {int(early.sum())} row(s) have a reply_time before their "
                         f"sent_time (rows {F.marked_rows(stats, early)}); fix or drop them")
    observed = sent & (sent_at <= now).to_numpy()
    if not observed.any():
        raise InputError(f"{WHO}: every send is after now={now}; pass a later now=")
    replied = (reply_at <= now).to_numpy() & observed
    end = reply_at.where(replied, now)
    days = ((end - sent_at) / DAY).to_numpy(dtype=float)
    groups = _groups(stats, key, sequences)
    matured = ((now - sent_at) / DAY).to_numpy(dtype=float) >= window_days
    parts = []
    for name, index in pd.Series(np.flatnonzero(observed)).groupby(
            groups[observed], sort=False, dropna=False):
        rows = index.to_numpy()
        curve = _km(name, days[rows], replied[rows].astype(int), level)
        in_window = replied[rows] & matured[rows] & (days[rows] <= window_days)
        median = _median_delay(days[rows][in_window], level)
        parts.append(curve.assign(**median))
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def _median_delay(delays: np.ndarray, level: float) -> dict[str, float]:
    if not len(delays):
        return {"median_days": np.nan, "median_low": np.nan, "median_high": np.nan,
                "median_replies": 0}
    quantile_test = library("scipy.stats").quantile_test
    interval = quantile_test(delays, q=float(np.median(delays)), p=0.5).confidence_interval(level)
    return {"median_days": float(np.median(delays)), "median_low": float(interval.low),
            "median_high": float(interval.high), "median_replies": len(delays)}


def _groups(stats: pd.DataFrame, key: str | None, sequences: Any) -> np.ndarray:
    if key is None:
        return np.full(len(stats), "all", dtype=object)
    values = stats[key]
    if key == F.VARIANT_ID and sequences is not None:
        labels = F.variant_labels(sequences).dropna(subset=[F.VARIANT_ID])
        names = dict(zip(labels[F.VARIANT_ID].astype(int), labels["label"]))
        return np.array([names.get(v, f"id {v}") if pd.notna(v) else "no variant"
                         for v in values], dtype=object)
    return values.to_numpy(dtype=object)


def _km(name: Any, days: np.ndarray, status: np.ndarray, level: float) -> pd.DataFrame:
    norm = library("scipy.stats").norm
    SurvfuncRight = library("statsmodels.duration.survfunc").SurvfuncRight

    if not status.any():
        # no reply yet: flat at 0 so far, from day 0 to the longest follow-up
        ends = np.unique([0.0, float(days.max())])
        at_risk = np.array([(days >= end).sum() for end in ends])
        share = np.zeros(len(ends))
        return _rows(name, ends, share, share, _none_replied(at_risk, level), at_risk)
    fit = SurvfuncRight(days, status)
    surv, se = fit.surv_prob, fit.surv_prob_se
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_surv = np.log(surv)
        spread = z * se / (surv * np.abs(log_surv))
        # on the log(-log) scale, then back: a larger exponent gives a smaller survival
        low_surv = surv ** np.exp(spread)
        high_surv = surv ** np.exp(-spread)
    at_risk = fit.n_risk.astype(int)
    low, high = 1 - high_surv, 1 - low_surv
    # Where everyone at risk has replied (the estimate is 1) the transform is undefined too:
    # the exact bound for all of them replying.
    everyone = ~np.isfinite(spread)
    low[everyone] = 1 - _none_replied(at_risk[everyone], level)
    high[everyone] = 1.0
    times = np.concatenate([[0.0], fit.surv_times.astype(float)])
    at_risk = np.concatenate([[len(days)], at_risk])
    return _rows(name, times, np.concatenate([[0.0], 1 - surv]), np.concatenate([[0.0], low]),
                 np.concatenate([_none_replied(at_risk[:1], level), high]), at_risk)


def _none_replied(at_risk: np.ndarray, level: float) -> np.ndarray:
    """Clopper-Pearson upper bound for no reply among ``at_risk`` sends."""
    proportion_confint = library("statsmodels.stats.proportion").proportion_confint
    if not len(at_risk):
        return np.zeros(0)
    return np.asarray(proportion_confint(0, at_risk, alpha=1 - level, method="beta")[1], dtype=float)


def _rows(name, days, share, low, high, at_risk) -> pd.DataFrame:
    return pd.DataFrame({"group": name, "days": days, "replied_share": share, "ci_low": low,
                         "ci_high": high, "at_risk": at_risk})


def plot_reply_curve(curve: pd.DataFrame, ax: Any = None):
    """Step plot of :func:`reply_curve`'s output, one line (and shaded interval) per group.

    Returns the matplotlib Axes (never calls ``plt.show()``).

    >>> sent = pd.to_datetime(["2025-01-06"] * 2, utc=True)
    >>> stats = pd.DataFrame({"sent_time": sent, "reply_time": [sent[0] + pd.Timedelta(days=2), pd.NaT]})
    >>> reply_curve.plot(reply_curve(stats, by=None, now="2025-01-10")).get_xlabel()
    'days since send'
    """
    F.require_columns(curve, COLUMNS, "reply_curve.plot", "the reply curve")
    if ax is None:
        plt = library("matplotlib.pyplot")
        _, ax = plt.subplots()
    for name, part in curve.groupby("group", sort=False, dropna=False):
        line, = ax.step(part["days"], part["replied_share"], where="post", label=str(name))
        ax.fill_between(part["days"], part["ci_low"], part["ci_high"], step="post",
                        alpha=0.2, color=line.get_color())
    ax.set_xlabel("days since send")
    ax.set_ylabel("share replied")
    ax.set_ylim(0, None)
    if curve["group"].nunique(dropna=False) > 1:
        ax.legend(title="group")
    return ax


reply_curve.plot = plot_reply_curve  # type: ignore[attr-defined]
