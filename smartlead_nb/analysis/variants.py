"""Which variant of a step wins: rates, intervals, tests and a verdict in plain words.

>>> import pandas as pd
>>> sent = pd.Timestamp("2025-01-06", tz="UTC")
>>> stats = pd.DataFrame({
...     "sequence_number": [1] * 400, "seq_variant_id": [11] * 200 + [12] * 200,
...     "sent_time": [sent] * 400,
...     "reply_time": ([sent + pd.Timedelta(days=1)] * 10 + [pd.NaT] * 190
...                    + [sent + pd.Timedelta(days=1)] * 40 + [pd.NaT] * 160)})
>>> table = compare_variants(stats, now=sent + pd.Timedelta(days=14))
>>> print(table[["variant", "sent", "events", "rate", "test", "verdict"]].to_string(index=False))
 variant  sent  events  rate   test     verdict
      11   200      10  0.05    NaN     control
      12   200      40  0.20 z-test 12 beats 11
"""

from __future__ import annotations

import gc
import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F
from ._deps import library
from .intervals import check_level, difference_intervals
from .power import sample_size

WHO = "compare_variants"
# The lift a verdict plans for when the observed gap is smaller: one percentage point.
MIN_PLANNED_LIFT = 0.01
COLUMNS = ["sequence_number", "variant", "variant_id", "sent", "events", "pending", "rate",
           "rate_low", "rate_high", "control", "diff", "diff_low", "diff_high", "test",
           "p_value", "p_adjusted", "verdict"]


def compare_variants(stats: pd.DataFrame, sequences: Any = None, *, metric: str = "replied",
                     control: Any = None, level: float = 0.95, now: Any = None,
                     reply_window_days: float = 7) -> pd.DataFrame:
    """One row per (step, variant): sends, events, the rate and how it compares with the control.

    Method: Wilson score intervals for each rate and Newcombe's hybrid score interval (his
    method 10; Newcombe 1998, Stat Med 17:873-890) for each difference from the step's
    control, via statsmodels; the p-value is Fisher's exact test (Fisher 1935) when any
    expected count of the 2x2 table is below 5, else the pooled two-proportion z-test
    (``statsmodels.stats.proportion.proportions_ztest``); p-values are adjusted across the
    variants of a step by Holm's step-down method (Holm 1979, Scand J Statist 6:65-70;
    ``statsmodels.stats.multitest.multipletests``).

    Args:
        stats: ``client.campaign_statistics_frame(cid)``: one row per email sent.
        sequences: ``client.get_sequences(cid)`` (or ``client.sequences_frame(cid)``) to
            show variant labels ("A", "B") instead of ids, and to list variants not yet sent.
        metric: ``replied``, ``positive`` (a reply from a lead categorised as
            Interested or Meeting Request), ``opened``, ``clicked``, ``unsubscribed`` or
            ``bounced``.
        control: the variant each other is compared with (a label with ``sequences``, else
            an id); default the first variant of each step.
        level: confidence level of the intervals; ``1 - level`` is the significance level.
        now: the time the data is read at (default: the latest time in ``stats``).
        reply_window_days: how long after a send its event can still arrive. Sends younger
            than that without the event yet are ``pending``: counted in ``sent`` (so a
            ``rate`` is a lower bound while any are pending) and, when they are most of a
            comparison's sends, the verdict is "too early" whatever the test says.

    Returns:
        A DataFrame with the columns in ``COLUMNS``: ``test`` names the test that gave
        ``p_value`` (missing on control rows), ``verdict`` says what to conclude.

    >>> stats = pd.DataFrame({"sequence_number": [1] * 4, "seq_variant_id": [11, 11, 12, 12],
    ...                       "sent_time": pd.to_datetime(["2025-01-06"] * 4, utc=True),
    ...                       "reply_time": pd.to_datetime(["2025-01-06 10:00", None, None, None], utc=True)})
    >>> compare_variants(stats, now="2025-01-07")["verdict"].tolist()[1]
    "too early: most replies are still to come (2 of 12's 2 sends are younger than 7 days)"
    """
    stats = F.require_frame(stats, "the statistics frame", WHO)
    m = F.metric(metric)
    level = check_level(level)
    window = _window(reply_window_days)
    F.require_columns(stats, [F.STEP, F.VARIANT_ID, F.SENT, *F.metric_columns(m)], WHO)
    counts = _counts(stats, m, now, window)
    table = _label(counts, sequences)
    return _compare(table, m, control, level, window)


def _window(days: Any) -> pd.Timedelta:
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not days >= 0:
        raise InputError(f"reply_window_days must be a number of days >= 0; got {days!r}")
    return pd.Timedelta(days=days)


def _counts(stats: pd.DataFrame, m: F.Metric, now: Any, window: pd.Timedelta) -> pd.DataFrame:
    """sent / events / pending per (step, variant id): one groupby over the rows."""
    time_columns = [m.column] if m.column in F.TIME_COLUMNS else []
    sent = F.sends(stats, WHO, time_columns)
    happened = F.events(stats, m) & sent
    if m.delayed:
        cutoff = F.as_now(now, stats, WHO) - window
        young = (F.as_times(stats, F.SENT, WHO) > cutoff).to_numpy()
        pending = sent & young & ~happened
    else:
        pending = np.zeros(len(stats), dtype=bool)
    no_step = stats[F.STEP].isna().to_numpy() & sent
    if no_step.any():
        raise InputError(f"{WHO}: sends without a {F.STEP!r} (rows "
                         f"{F.marked_rows(stats, no_step)}): the step of every send must be "
                         "known")
    return _group_sums(stats, {"sent": sent, "events": happened, "pending": pending})


def _group_sums(stats: pd.DataFrame, flags: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per (step, variant id): how many rows have each flag set, in one pass.

    The rows are grouped once (``ngroup``) and one ``np.bincount`` counts the rows of every
    (group, combination of flags) pair; the flag sums follow from that small table. This
    keeps the whole call within 2x of a bare ``groupby(...).size()`` (benchmarks/).
    """
    grouped = stats.groupby([F.STEP, F.VARIANT_ID], dropna=False, sort=True)
    codes = grouped.ngroup().to_numpy()
    combo = np.zeros(len(stats), dtype=np.uint8)
    for bit, values in enumerate(flags.values()):
        combo |= values.view(np.uint8) << np.uint8(bit)
    width = 1 << len(flags)
    table = np.bincount(codes * width + combo, minlength=grouped.ngroups * width)
    table = table.reshape(grouped.ngroups, width)
    # the groups' keys, in ngroup's order (size() reuses the grouping already made)
    keys = grouped.size().index.to_frame(index=False, name=[F.STEP, F.VARIANT_ID])
    for bit, name in enumerate(flags):
        keys[name] = table[:, [c for c in range(width) if c >> bit & 1]].sum(axis=1)
    keys = keys[keys[F.STEP].notna()].reset_index(drop=True)
    keys[F.STEP] = keys[F.STEP].astype("int64")
    keys[F.VARIANT_ID] = pd.array(keys[F.VARIANT_ID], dtype="Int64")
    return keys


def _label(counts: pd.DataFrame, sequences: Any) -> pd.DataFrame:
    """Add the ``variant`` column: labels from ``sequences`` (variants without sends kept as
    rows with ``sent`` 0), else the variant id."""
    if sequences is None:
        out = counts.rename(columns={F.VARIANT_ID: "variant_id"})
        out["variant"] = out["variant_id"]
        return out
    labels = F.variant_labels(sequences)
    out = labels.merge(counts, on=[F.STEP, F.VARIANT_ID], how="outer", sort=False)
    unknown = out["label"].isna()
    out.loc[unknown, "label"] = [
        f"id {vid} (not in sequences)" if pd.notna(vid) else f"{step} (not in sequences)"
        for step, vid in out.loc[unknown, [F.STEP, F.VARIANT_ID]].itertuples(index=False)]
    out[["sent", "events", "pending"]] = out[["sent", "events", "pending"]].fillna(0).astype("int64")
    # Steps in order; inside a step, the order the campaign lists its variants (A before B).
    out["_order"] = np.arange(len(out))
    out = out.sort_values([F.STEP, "_order"], kind="stable").drop(columns="_order")
    return out.rename(columns={F.VARIANT_ID: "variant_id", "label": "variant"}).reset_index(drop=True)


def _compare(table: pd.DataFrame, m: F.Metric, control: Any, level: float,
             window: pd.Timedelta) -> pd.DataFrame:
    """The small per-variant table -> rates, intervals, tests and verdicts (arrays, not
    row-by-row pandas: this table is small, but pandas' per-cell overhead is not)."""
    proportion_confint = library("statsmodels.stats.proportion").proportion_confint

    n = len(table)
    steps = table[F.STEP].tolist()
    variants = table["variant"].tolist()
    sent = table["sent"].to_numpy(dtype=np.int64)
    events = table["events"].to_numpy(dtype=np.int64)
    has_sends = sent > 0
    rate = np.divide(events, sent, out=np.full(n, np.nan), where=has_sends)
    low, high = proportion_confint(events, np.maximum(sent, 1), alpha=1 - level, method="wilson")
    controls = _controls(steps, variants, control)
    ctrl = _control_rows(steps, variants, controls)

    diff, diff_low, diff_high, p_value = (np.full(n, np.nan) for _ in range(4))
    test: list[str | None] = [None] * n
    v = np.array([i for i in range(n) if ctrl[i] != i and has_sends[i] and has_sends[ctrl[i]]],
                 dtype=np.int64)
    if len(v):
        c = np.array([ctrl[i] for i in v], dtype=np.int64)
        diff[v] = rate[v] - rate[c]
        diff_low[v], diff_high[v] = difference_intervals(events[v], sent[v], events[c], sent[c],
                                                         level)
        for i, j in zip(v, c):
            p_value[i], test[i] = two_proportion_test(events[i], sent[i], events[j], sent[j])
    out = pd.DataFrame({
        F.STEP: steps, "variant": table["variant"], "variant_id": table["variant_id"],
        "sent": sent, "events": events, "pending": table["pending"].to_numpy(dtype=np.int64),
        "rate": rate, "rate_low": np.where(has_sends, low, np.nan),
        "rate_high": np.where(has_sends, high, np.nan), "control": controls, "diff": diff,
        "diff_low": diff_low, "diff_high": diff_high, "test": test, "p_value": p_value,
        "p_adjusted": _holm(steps, p_value)}, columns=COLUMNS[:-1])
    rows = out.to_dict("records")
    step_size = pd.Series(steps).value_counts().to_dict()
    out["verdict"] = [_verdict(rows[i], rows[ctrl[i]], i == ctrl[i], step_size[steps[i]], m,
                               level, window) for i in range(n)]
    return out


def _controls(steps: list[int], variants: list[Any], control: Any) -> list[Any]:
    """The control's ``variant`` for every row: ``control`` if given, else the step's first."""
    chosen: dict[int, Any] = {}
    for step in dict.fromkeys(steps):
        options = [v for s, v in zip(steps, variants) if s == step]
        if control is None:
            chosen[step] = options[0]
        elif any(_same(control, v) for v in options):
            chosen[step] = next(v for v in options if _same(control, v))
        elif len(options) > 1:
            raise InputError(f"{WHO}: control {control!r} is not a variant of step {step}; "
                             f"its variants are {', '.join(map(str, options))}")
        else:
            chosen[step] = options[0]   # a single-variant step: nothing to compare anyway
    return [chosen[step] for step in steps]


def _same(a: Any, b: Any) -> bool:
    """Equal as the user would read them: 12 == "12"; a missing id equals only a missing id."""
    a_na, b_na = _missing(a), _missing(b)
    if a_na or b_na:
        return a_na and b_na
    return str(a) == str(b)


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _control_rows(steps: list[int], variants: list[Any], controls: list[Any]) -> list[int]:
    """For every row, the row number of its step's control."""
    first: dict[int, int] = {}
    for i, (step, variant, ctrl) in enumerate(zip(steps, variants, controls)):
        if _same(variant, ctrl):
            first.setdefault(step, i)
    return [first.get(step, i) for i, step in enumerate(steps)]


def two_proportion_test(e1: int, n1: int, e2: int, n2: int) -> tuple[float, str]:
    """``(p_value, test name)`` for e1/n1 vs e2/n2 (two-sided).

    Method: Fisher's exact test (``scipy.stats.fisher_exact``) when any expected count of the
    2x2 table is below 5 (Cochran 1954, Biometrics 10:417-451, the usual rule), else the
    pooled two-proportion z-test (``statsmodels.stats.proportion.proportions_ztest``).

    >>> two_proportion_test(1, 10, 8, 10)[1]
    'Fisher exact'
    """
    fisher_exact = library("scipy.stats").fisher_exact
    expected_freq = library("scipy.stats.contingency").expected_freq
    proportions_ztest = library("statsmodels.stats.proportion").proportions_ztest

    table = np.array([[e1, n1 - e1], [e2, n2 - e2]], dtype=float)
    if (expected_freq(table) < 5).any():
        return float(fisher_exact(table, alternative="two-sided").pvalue), "Fisher exact"
    _, p = proportions_ztest([e1, e2], [n1, n2], alternative="two-sided")
    return float(p), "z-test"


def _holm(steps: list[int], p_value: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values, each step's variants one family (statsmodels multipletests)."""
    multipletests = library("statsmodels.stats.multitest").multipletests

    adjusted = np.full(len(p_value), np.nan)
    step_of = np.asarray(steps)
    for step in dict.fromkeys(steps):
        family = np.flatnonzero((step_of == step) & ~np.isnan(p_value))
        if not len(family):
            continue
        # statsmodels' Holm ends with gc.collect(), a full collection that costs ~25 ms per
        # step on a notebook's heap (more than counting a million rows); freezing the heap
        # for the call leaves that collection only the objects made since.
        gc.freeze()
        try:
            adjusted[family] = multipletests(p_value[family], method="holm")[1]
        finally:
            gc.unfreeze()
    return adjusted


def _verdict(row: dict, ctrl: dict, is_control: bool, step_variants: int, m: F.Metric,
             level: float, window: pd.Timedelta) -> str:
    if step_variants == 1:
        return f"one variant only in step {row[F.STEP]}: nothing to compare it with"
    if row["sent"] == 0:
        return f"no sends yet for {row['variant']}: no test possible"
    if is_control:
        return "control"
    if ctrl["sent"] == 0:
        return f"control {ctrl['variant']} has no sends yet: no test possible"
    # Judged per variant, not over the pair: a variant started yesterday must not lose to
    # one that has had weeks to collect its replies.
    young = max((row, ctrl), key=lambda r: r["pending"] / r["sent"])
    if young["pending"] * 2 > young["sent"]:
        days = f"{window / pd.Timedelta(days=1):g}"
        return (f"too early: most {m.noun} are still to come ({young['pending']:,} of "
                f"{young['variant']}'s {young['sent']:,} sends are younger than {days} days)")
    if row["p_adjusted"] < 1 - level:
        better = (row["diff"] > 0) == m.higher_is_better
        winner, loser = (row, ctrl) if better else (ctrl, row)
        return f"{winner['variant']} beats {loser['variant']}"
    return _not_yet(row, ctrl, m)


def _not_yet(row: dict, ctrl: dict, m: F.Metric) -> str:
    """How many more sends would settle it: planned for the observed gap (at least a point)."""
    baseline = float(ctrl["rate"])
    lift = max(abs(float(row["diff"])), MIN_PLANNED_LIFT)
    if baseline + lift > 1:
        lift = -lift
    try:
        needed = sample_size(baseline, lift)
    except InputError:
        return "no difference detectable yet"
    more = needed - int(min(row["sent"], ctrl["sent"]))
    points = f"{abs(lift) * 100:.1f}".rstrip("0").rstrip(".")
    if more <= 0:
        return (f"no difference detectable: a {points}-point gap in {m.noun} would usually have "
                "shown by now, so it is probably noise")
    return (f"no difference detectable yet: about {_round_up(more):,} more sends per variant "
            f"would detect a {points}-point lift")


def _round_up(n: int) -> int:
    """Two significant figures, rounded up: 2,374 -> 2,400 (a plan, not a measurement)."""
    if n < 100:
        return int(n)
    scale = 10 ** (int(math.log10(n)) - 1)
    return int(math.ceil(n / scale) * scale)
