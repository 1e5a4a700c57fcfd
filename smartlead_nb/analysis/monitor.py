"""Judge an A/B test at any look, from the statistics frame: :func:`monitor_variants`.

The counting half of daily monitoring (which sends have matured, their events, the labels
and controls of each step); the judging is :func:`~.sequential.sequential_test`, so what is
checked of that (published boundaries, Monte Carlo of 60 daily looks) holds here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _counts as C
from . import _frames as F
from .sequential import TestPlan, plan_test, sequential_test

MONITOR = "monitor_variants"
VARIANT_ID = "variant_id"      # as matured_counts names it


def monitor_variants(stats: pd.DataFrame, sequences: Any = None, *,
                     plan: TestPlan | None = None, metric: str = "replied",
                     window_days: float = 7, now: Any = None) -> pd.DataFrame:
    """Judge an A/B test at any look: one row per (step, variant) with a decision.

    Only matured sends count: those older than ``window_days`` at ``now``, each with the
    events that came within ``window_days`` of it; younger ones are ``pending`` and decide
    nothing (the package's one counting, shared with ``compare_variants``: repeated rows
    counted once, events before their send refused). Each variant is compared with its step's first variant (the control) by
    :func:`sequential_test`, whose interval and p-value hold at every look at once: look
    every day, stop at the first ``stop:`` decision, and a false winner is called at most
    ``plan.alpha`` of the time.

    Args:
        stats: ``client.statistics.frame(cid)``: one row per email sent.
        sequences: ``client.sequences.get(cid)`` (or ``client.sequences.frame(cid)``) for labels.
        plan: from :func:`plan_test`: alpha, sides, the mixture's tuning and the lift below
            which a difference is not worth having. Without one: alpha 0.05 two-sided,
            tuned for a 2-point lift, and never "no worthwhile difference".
        metric: as in ``compare_variants`` (``replied``, ``positive``, ``opened``, ...).
        window_days: how long after a send its event can still arrive.
        now: the time of the look (default: when the frame was read, its
            ``attrs["read_at"]``; else the latest time in it, with a warning saying so).

    Returns:
        Columns ``sequence_number``, ``variant``, ``variant_id``, ``sent`` (matured sends),
        ``events``, ``pending``, ``rate``, ``control``, ``diff``, ``diff_low``,
        ``diff_high`` (always-valid interval), ``p_value`` (always-valid, adjusted for the
        step's comparisons), ``planned`` (the plan's sends per variant) and ``decision``:
        ``continue``, ``stop: B beats A`` or ``stop: no worthwhile difference`` (``control``
        on the control's row).

    >>> sent = pd.Timestamp("2025-01-06", tz="UTC")
    >>> replied = [sent + pd.Timedelta(days=1)]
    >>> stats = pd.DataFrame({"sequence_number": [1] * 2000,
    ...                       "seq_variant_id": [11] * 1000 + [12] * 1000,
    ...                       "sent_time": [sent] * 2000,
    ...                       "reply_time": replied * 40 + [pd.NaT] * 960
    ...                                     + replied * 90 + [pd.NaT] * 910})
    >>> look = monitor_variants(stats, plan=plan_test(0.04, 0.03), now=sent + pd.Timedelta(days=14))
    >>> print(look[["variant", "sent", "events", "diff_low", "diff_high", "decision"]].round(3)
    ...       .to_string(index=False))
     variant  sent  events  diff_low  diff_high          decision
          11  1000      40       NaN        NaN           control
          12  1000      90     0.016      0.084 stop: 12 beats 11
    """
    stats = F.require_frame(stats, "the statistics frame", MONITOR)
    m = F.metric(metric)
    if plan is not None and not isinstance(plan, TestPlan):
        raise InputError(f"{MONITOR}: plan must come from plan_test; got {type(plan).__name__}")
    counts = C.matured_counts(stats, metric, window_days=window_days, now=now, who=MONITOR)
    note = C.note_now(counts, MONITOR)
    # attrs move to the result: pandas deep-copies a frame's attrs on every operation
    attrs, counts.attrs = dict(counts.attrs), {}
    out = _judge(_with_labels(counts, sequences), plan, m.higher_is_better)
    out.attrs.update(attrs)             # now, where it came from, duplicates dropped, ...
    if note:
        out.attrs["note"] = note
    return out


def _with_labels(counts: pd.DataFrame, sequences: Any) -> pd.DataFrame:
    """``variant`` labels from ``sequences`` (variants not yet matured kept, with 0 sends),
    in the campaign's order; without ``sequences``, the variant ids (already in order)."""
    if sequences is None:
        return counts.assign(variant=counts[VARIANT_ID])
    labels = F.variant_labels(sequences).rename(columns={"label": "variant",
                                                         F.VARIANT_ID: VARIANT_ID})
    out = labels.merge(counts, on=[F.STEP, VARIANT_ID], how="outer", sort=False)
    unknown = out["variant"].isna()
    out.loc[unknown, "variant"] = [f"id {vid} (not in sequences)"
                                   for vid in out.loc[unknown, VARIANT_ID]]
    out[["sent", "events", "pending"]] = out[["sent", "events", "pending"]].fillna(0)
    return out.sort_values(F.STEP, kind="stable").reset_index(drop=True)


def _judge(table: pd.DataFrame, plan: TestPlan | None, higher_is_better: bool) -> pd.DataFrame:
    """Every non-control row against its step's first row, one vectorised call per number
    of comparisons (plain arrays: the table is small, pandas' per-call overhead is not)."""
    steps = table[F.STEP].to_numpy(dtype=np.int64)
    variants = table["variant"].to_numpy(dtype=object)
    sent = table["sent"].to_numpy(dtype=float)
    events = table["events"].to_numpy(dtype=float)
    n = len(steps)
    first_of: dict[int, int] = {}
    size_of: dict[int, int] = {}
    for i, step in enumerate(steps.tolist()):
        first_of.setdefault(step, i)
        size_of[step] = size_of.get(step, 0) + 1
    first = np.array([first_of[step] for step in steps.tolist()], dtype=np.int64)
    # alpha is shared by the step's comparisons, or the plan's if it planned for more
    shared = np.array([max(size_of[step], plan.variants if plan else 2) - 1
                       for step in steps.tolist()], dtype=np.int64)
    labels = np.array([str(v) for v in variants], dtype=object)
    diff, low, high, p = (np.full(n, np.nan) for _ in range(4))
    decision = np.array(["control" if size_of[step] > 1 else
                         "one variant only: nothing to compare" for step in steps.tolist()],
                        dtype=object)
    rows = np.flatnonzero(np.arange(n) != first)
    for comparisons in np.unique(shared[rows]).tolist():
        chosen = rows[shared[rows] == comparisons]
        c = first[chosen]
        result = sequential_test(events[chosen], sent[chosen], events[c], sent[c], plan=plan,
                                 comparisons=comparisons, higher_is_better=higher_is_better,
                                 label=labels[chosen], control_label=labels[c])
        diff[chosen], low[chosen], high[chosen], p[chosen], decision[chosen] = result
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(sent > 0, events / np.maximum(sent, 1), np.nan)
    no_diff = np.isnan(diff)
    return pd.DataFrame({
        F.STEP: steps, "variant": variants,
        VARIANT_ID: pd.array(table[VARIANT_ID], dtype="Int64"),
        "sent": sent.astype(np.int64), "events": events.astype(np.int64),
        "pending": table["pending"].to_numpy(dtype=np.int64), "rate": rate,
        "control": variants[first], "diff": diff,
        "diff_low": np.where(no_diff, np.nan, low), "diff_high": np.where(no_diff, np.nan, high),
        "p_value": p,
        "planned": pd.array([plan.sends_per_variant if plan else None] * n, dtype="Int64"),
        "decision": decision})
