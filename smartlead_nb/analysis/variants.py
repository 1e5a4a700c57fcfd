"""Which variant of a step wins: rates, intervals, one test and a verdict in plain words.

>>> import pandas as pd
>>> sent = pd.Timestamp("2025-01-06", tz="UTC")
>>> stats = pd.DataFrame({
...     "sequence_number": [1] * 400, "seq_variant_id": [11] * 200 + [12] * 200,
...     "sent_time": [sent] * 400,
...     "reply_time": ([sent + pd.Timedelta(days=1)] * 10 + [pd.NaT] * 190
...                    + [sent + pd.Timedelta(days=1)] * 40 + [pd.NaT] * 160)})
>>> table = compare_variants(stats, now=sent + pd.Timedelta(days=14))
>>> print(table[["variant", "sent", "events", "rate", "verdict"]].to_string(index=False))
 variant  sent  events  rate                                       verdict
      11   200      10  0.05                                       control
      12   200      40  0.20 12 beats 11: by 8.7 to 21 points more replies
"""

from __future__ import annotations

import gc
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F
from . import balance, strata as S
from ._counts import COUNT_COLUMNS, LEAD_CATEGORY, matured_counts, note_now, window_ns
from ._deps import library
from .intervals import newcombe_bounds, check_level, difference_p_values, wilson_intervals
from .power import sample_size

WHO = "compare_variants"
# The lift the "more sends" advice plans for when the observed gap is smaller: one point.
MIN_PLANNED_LIFT = 0.01
POOLED = "Newcombe hybrid score"
COLUMNS = ["sequence_number", "variant", "variant_id", "sent", "events", "pending", "rate",
           "rate_low", "rate_high", "control", "diff", "diff_low", "diff_high", "method",
           "p_value", "p_adjusted", "srm_p", "duplicates_dropped", "verdict"]


def compare_variants(stats: pd.DataFrame, sequences: Any = None, *, metric: str = "replied",
                     control: Any = None, level: float = 0.95, window_days: float = 7,
                     now: Any = None, strata: Any = "auto", replies: pd.DataFrame | None = None,
                     reply_window_days: float | None = None) -> pd.DataFrame:
    """One row per (step, variant): matured sends, events, the rate and how it compares with
    the control, with a verdict that names the lift it rules in or out.

    What counts (see ``_counts.matured_counts``): a send is judged on "did the event come
    within ``window_days`` of the send", so only sends older than ``window_days`` at ``now``
    count (``sent``); younger ones are ``pending`` and decide nothing. ``now`` defaults to
    when the frame was read (``stats.attrs["read_at"]``, stamped by the client); without it
    the latest time in the frame is used and a warning says so. Rows repeating one send are
    counted once (``duplicates_dropped``); an event before its send is refused by row.

    Methods (each verdict and the interval printed beside it come from one method, so
    "beats" appears exactly when the interval excludes 0):

    - each rate: Wilson's score interval (Wilson 1927; Newcombe 1998, Stat Med 17:857-872);
    - each difference from the step's control, pooled: Newcombe's hybrid score interval
      (method 10 of Newcombe 1998, Stat Med 17:873-890; recommended by Fagerland, Lydersen &
      Laake 2011, Stat Methods Med Res 24:224-254), with the p-value of the test that
      inverts it (``intervals.difference_p_values``);
    - stratified by sender mailbox and/or send week when the split between the variants
      differs across them (``strata="auto"``; rule and method in ``analysis.strata``): the
      Mantel-Haenszel odds ratio with its Robins-Breslow-Greenland interval, shown in points
      at the control's rate;
    - several variants in a step: Bonferroni (Dunn 1961, JASA 56:52-64): the intervals are
      at level ``1 - (1 - level) / k`` for the step's ``k`` comparisons and ``p_adjusted``
      is ``min(1, k p)`` (``statsmodels.stats.multitest.multipletests``), so each printed
      interval still matches its verdict;
    - the split itself: a sample-ratio-mismatch check on every call (``analysis.balance``):
      a mismatch at p < 0.001, overall or in a mailbox, is stated in the verdict.

    Args:
        stats: ``client.statistics.frame(cid)``: one row per email sent. For
            mailbox strata it needs a sender column: ``analysis.with_senders(stats,
            client.statistics.leads.frame(cid))`` adds one.
        sequences: ``client.sequences.get(cid)`` (or ``client.sequences.frame(cid)``) to
            show variant labels ("A", "B") instead of ids, to list variants not yet sent and
            to take the split each variant was asked for (else equal).
        metric: ``replied``, ``positive`` (a reply categorised Interested or Meeting
            Request), ``opened``, ``clicked``, ``unsubscribed`` or ``bounced``.
        control: the variant each other is compared with (a label with ``sequences``, else
            an id); default the first variant of each step.
        level: confidence level of the intervals; ``1 - level`` is the significance level,
            for the verdicts and for the "more sends" advice.
        window_days: how long after a send its event counts.
        now: the time to judge at (default: when the frame was read).
        strata: ``"auto"`` (stratify when the split differs across mailboxes or weeks),
            ``None`` (never) or a list of ``"mailbox"``/``"week"`` (always by those).
        replies: for ``metric="positive"``, each reply's own category: a frame with
            ``lead_email``, ``category`` and ``reply_time`` (or ``event_time``), such as
            ``client.inbox.replies(cid)`` or the webhook receiver's category events.
            Without it the lead's current category is used (the verdict says so); a reply
            with no category yet is pending, never a "no".
        reply_window_days: the old name of ``window_days`` (deprecated).

    Returns:
        A DataFrame with the columns in ``COLUMNS``. ``method`` names how each difference
        was estimated (missing on control rows), ``srm_p`` is the step's sample-ratio
        p-value, ``verdict`` says what to conclude. ``attrs`` hold ``now``, ``now_source``,
        ``window_days``, ``duplicates_dropped`` and ``notes`` (sentences about the whole
        table).

    >>> stats = pd.DataFrame({"sequence_number": [1] * 4, "seq_variant_id": [11, 11, 12, 12],
    ...                       "sent_time": pd.to_datetime(["2025-01-06"] * 4, utc=True),
    ...                       "reply_time": pd.to_datetime(["2025-01-06 10:00", None, None, None], utc=True)})
    >>> compare_variants(stats, now="2025-01-07")["verdict"].tolist()[1]
    "not yet: none of 12's sends is older than 7 days (2 pending); only those can decide"
    """
    stats = F.require_frame(stats, "the statistics frame", WHO)
    window_days = _window_days(window_days, reply_window_days)
    level = check_level(level)
    mode = S.check_strata(strata, WHO)
    m = F.metric(metric)
    sender = next((c for c in F.SENDER_COLUMNS if c in stats.columns), None)
    if mode == "auto":
        factors: tuple[str, ...] = ("mailbox", "week") if sender else ("week",)
    else:
        factors = mode or ()
    counted = factors + (("mailbox",) if sender and "mailbox" not in factors else ())
    counts = matured_counts(stats, metric, window_days=window_days, now=now, who=WHO,
                            strata=counted, replies=replies)
    notes = [n for n in (note_now(counts, WHO),) if n]
    caveat = None
    if counts.attrs.get("categories") == LEAD_CATEGORY:
        notes.append(f"positive replies are judged by {LEAD_CATEGORY}")
        caveat = "positive = each lead's current category; pass replies= for each reply's own"
    table = _label(_pooled(counts), sequences)
    out = _compare(table, counts, m, control, level, window_days, mode, factors, caveat)
    out.attrs.update({k: counts.attrs[k] for k in ("now", "now_source", "window_days",
                                                   "duplicates_dropped")})
    out.attrs["notes"] = notes
    return out


def _window_days(window_days: Any, alias: Any) -> float:
    if alias is None:
        window_ns(window_days)
        return window_days
    warnings.warn("compare_variants: reply_window_days is now window_days (the old name will "
                  "go)", FutureWarning, stacklevel=3)
    window_ns(alias, "reply_window_days")
    if window_days != 7 and window_days != alias:
        raise InputError(f"{WHO}: give window_days only (reply_window_days={alias!r} is its "
                         f"old name, and window_days={window_days!r} disagrees)")
    return alias


def _pooled(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts summed over the strata: one row per (step, variant id), in key order.

    ``counts`` is sorted by step and variant first, so each (step, variant) is a run of
    rows: ``np.add.reduceat`` over the runs (a pandas groupby here cost more than the
    rest of a small comparison)."""
    keys = [F.STEP, "variant_id"]
    if len(counts.columns) == len(keys) + len(COUNT_COLUMNS):
        return counts.copy()
    step = counts[F.STEP].to_numpy()
    vid = counts["variant_id"].to_numpy(dtype="float64", na_value=np.nan)
    new = np.ones(len(counts), dtype=bool)
    same_id = (vid[1:] == vid[:-1]) | (np.isnan(vid[1:]) & np.isnan(vid[:-1]))
    new[1:] = (step[1:] != step[:-1]) | ~same_id
    starts = np.flatnonzero(new)
    out = counts.iloc[starts][keys].reset_index(drop=True)
    sums = np.add.reduceat(counts[COUNT_COLUMNS].to_numpy(dtype=np.int64), starts, axis=0)
    for k, column in enumerate(COUNT_COLUMNS):
        out[column] = sums[:, k]
    return out


def _label(counts: pd.DataFrame, sequences: Any) -> pd.DataFrame:
    """Add ``variant`` (labels from ``sequences``, else the id) and ``share`` (the split
    asked for, from ``sequences``); variants without sends are kept with ``sent`` 0."""
    if sequences is None:
        out = counts.copy()
        out["variant"] = out["variant_id"]
        out["share"] = np.nan
        return out
    labels = F.variant_labels(sequences).rename(columns={F.VARIANT_ID: "variant_id"})
    out = labels.merge(counts, on=[F.STEP, "variant_id"], how="outer", sort=False)
    unknown = out["label"].isna()
    out.loc[unknown, "label"] = [
        f"id {vid} (not in sequences)" if pd.notna(vid) else f"{step} (not in sequences)"
        for step, vid in out.loc[unknown, [F.STEP, "variant_id"]].itertuples(index=False)]
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].fillna(0).astype("int64")
    # Steps in order; inside a step, the order the campaign lists its variants (A before B).
    out["_order"] = np.arange(len(out))
    out = out.sort_values([F.STEP, "_order"], kind="stable").drop(columns="_order")
    return out.rename(columns={"label": "variant"}).reset_index(drop=True)


# --- the comparisons -------------------------------------------------------------------------
def _compare(table: pd.DataFrame, counts: pd.DataFrame, m: F.Metric, control: Any,
             level: float, window_days: float, mode: Any, factors: tuple[str, ...],
             caveat: str | None = None) -> pd.DataFrame:
    """The small per-variant table -> rates, intervals, tests, balance and verdicts."""
    n = len(table)
    steps = table[F.STEP].tolist()
    variants = table["variant"].tolist()
    ids = table["variant_id"].tolist()
    sent = table["sent"].to_numpy(dtype=np.int64)
    events = table["events"].to_numpy(dtype=np.int64)
    has_sends = sent > 0
    rate = np.divide(events, sent, out=np.full(n, np.nan), where=has_sends)
    rate_low, rate_high = wilson_intervals(events, sent, level)
    controls = _controls(steps, variants, control)
    ctrl = _control_rows(steps, variants, controls)

    pairs = [i for i in range(n) if ctrl[i] != i and has_sends[i] and has_sends[ctrl[i]]]
    family = pd.Series([steps[i] for i in pairs], dtype="int64").value_counts().to_dict()
    alpha = np.array([(1 - level) / family[steps[i]] for i in pairs])
    diff, diff_low, diff_high, p_value = (np.full(n, np.nan) for _ in range(4))
    method: list[str | None] = [None] * n
    notes: dict[int, str] = {}
    pooled = []
    view = _Strata(counts) if len(counts.columns) > 2 + len(COUNT_COLUMNS) else None
    for k, i in enumerate(pairs):
        by = _strata_for(view, steps[i], ids[i], ids[ctrl[i]], mode, factors)
        if not by:
            pooled.append(k)
            continue
        result = S.mantel_haenszel(*_strata_arrays(view, steps[i], ids[i], ids[ctrl[i]], by),
                                   level=1 - alpha[k])
        method[i] = f"Mantel-Haenszel within {' and '.join(by)}"
        if result is None:
            notes[i] = (f"no {' and '.join(by)} sent both {variants[i]} and "
                        f"{variants[ctrl[i]]}: they cannot be compared within {' and '.join(by)}")
            continue
        diff[i], diff_low[i], diff_high[i] = result.points()
        p_value[i] = result.p_value
    if pooled:
        v = np.array([pairs[k] for k in pooled])
        c = np.array([ctrl[i] for i in v])
        a = alpha[pooled]
        diff[v] = rate[v] - rate[c]
        diff_low[v], diff_high[v] = newcombe_bounds(
            events[v].astype(float), sent[v].astype(float), events[c].astype(float),
            sent[c].astype(float), a)
        p_value[v] = difference_p_values(events[v], sent[v], events[c], sent[c])
        for i in v:
            method[i] = POOLED
    p_adjusted = _bonferroni(steps, p_value)
    srm_p, srm_text = _balance(table, view, steps)

    out = pd.DataFrame({
        F.STEP: steps, "variant": table["variant"], "variant_id": table["variant_id"],
        "sent": sent, "events": events, "pending": table["pending"].to_numpy(dtype=np.int64),
        "rate": rate, "rate_low": rate_low, "rate_high": rate_high, "control": controls,
        "diff": diff, "diff_low": diff_low, "diff_high": diff_high, "method": method,
        "p_value": p_value, "p_adjusted": p_adjusted, "srm_p": srm_p,
        "duplicates_dropped": table["duplicates_dropped"].to_numpy(dtype=np.int64)},
        columns=COLUMNS[:-1])
    rows = out.to_dict("records")
    step_size = pd.Series(steps).value_counts().to_dict()
    verdicts = []
    for i in range(n):
        text = _verdict(rows[i], rows[ctrl[i]], i == ctrl[i], step_size[steps[i]], m, level,
                        window_days, family.get(steps[i], 1), notes.get(i))
        if i != ctrl[i] and srm_text.get(steps[i]):
            text += f"; but {srm_text[steps[i]]}"
        if i != ctrl[i] and caveat and rows[i]["method"] is not None:
            text += f" ({caveat})"
        verdicts.append(text)
    out["verdict"] = verdicts
    return out


class _Strata:
    """The per-stratum counts (``matured_counts`` with strata) as numpy arrays, so that each
    pair's strata are a ``np.bincount`` over a few hundred rows, not a pandas groupby."""

    def __init__(self, counts: pd.DataFrame) -> None:
        self.frame = counts
        self.step = counts[F.STEP].to_numpy()
        self.no_id = counts["variant_id"].isna().to_numpy()
        self.vid = counts["variant_id"].to_numpy(dtype="float64", na_value=np.nan)
        self.column = {c: counts[c].to_numpy(dtype=float) for c in ("sent", "events", "pending")}
        self.column["assigned"] = self.column["sent"] + self.column["pending"]
        self._codes: dict[tuple[str, ...], tuple[np.ndarray, list]] = {}

    def codes(self, by: tuple[str, ...]) -> tuple[np.ndarray, list]:
        """Each row's stratum of ``by`` (codes) and the strata's names."""
        if by not in self._codes:
            if len(by) == 1:
                codes, uniques = pd.factorize(self.frame[by[0]], use_na_sentinel=False)
                names = [(u,) for u in uniques]
            else:
                codes, index = pd.factorize(pd.MultiIndex.from_frame(self.frame[list(by)]))
                names = list(index)
            self._codes[by] = (codes, names)
        return self._codes[by]

    def rows(self, step: int, vid: Any) -> np.ndarray:
        mine = self.no_id if _missing(vid) else (self.vid == float(vid))
        return (self.step == step) & mine

    def per_stratum(self, step: int, vid: Any, by: tuple[str, ...], column: str) -> np.ndarray:
        codes, names = self.codes(by)
        rows = self.rows(step, vid)
        return np.bincount(codes[rows], weights=self.column[column][rows], minlength=len(names))


def _strata_for(view: _Strata | None, step: int, vid: Any, cid: Any, mode: Any,
                factors: tuple[str, ...]) -> tuple[str, ...]:
    """The factors this pair is compared within: all of ``factors`` when forced; with
    ``"auto"``, those across which the pair's split differs (``strata.split_differs``)."""
    if not factors or view is None:
        return ()
    if mode != "auto":
        return factors
    return tuple(f for f in factors
                 if S.split_differs(view.per_stratum(step, vid, (f,), "sent"),
                                    view.per_stratum(step, cid, (f,), "sent"))
                 < S.STRATIFY_ALPHA)


def _strata_arrays(view: _Strata, step: int, vid: Any, cid: Any, by: tuple[str, ...]):
    """(variant events, variant sends, control events, control sends) per stratum."""
    return tuple(view.per_stratum(step, who, by, column)
                 for who in (vid, cid) for column in ("events", "sent"))


def _bonferroni(steps: list[int], p_value: np.ndarray) -> np.ndarray:
    """Bonferroni-adjusted p-values, each step's comparisons one family (statsmodels)."""
    multipletests = library("statsmodels.stats.multitest").multipletests

    adjusted = np.full(len(p_value), np.nan)
    step_of = np.asarray(steps)
    for step in dict.fromkeys(steps):
        family = np.flatnonzero((step_of == step) & ~np.isnan(p_value))
        if not len(family):
            continue
        # statsmodels' multipletests ends with gc.collect(), a full collection that costs
        # ~25 ms per step on a notebook's heap (more than counting a million rows);
        # freezing the heap for the call leaves that collection only the objects made since.
        gc.freeze()
        try:
            adjusted[family] = multipletests(p_value[family], method="bonferroni")[1]
        finally:
            gc.unfreeze()
    return adjusted


# --- the split: sample-ratio mismatch ------------------------------------------------------
def _balance(table: pd.DataFrame, view: _Strata | None, steps: list[int]
             ) -> tuple[np.ndarray, dict[int, str]]:
    """Per row the step's sample-ratio p-value; per step the sentence for its verdicts."""
    srm_p = np.full(len(table), np.nan)
    texts: dict[int, str] = {}
    assigned = (table["sent"] + table["pending"]).to_numpy(dtype=float)
    names_all = table["variant"].tolist()
    ids_all = table["variant_id"].tolist()
    shares_all = table["share"].tolist()
    step_of = np.asarray(steps)
    for step in dict.fromkeys(steps):
        rows = np.flatnonzero(step_of == step)
        if len(rows) < 2:
            continue
        shares = balance.expected_shares([shares_all[r] for r in rows], len(rows))
        p = float(balance.sample_ratio_p([assigned[rows]], shares)[0])
        srm_p[rows] = p
        names = [names_all[r] for r in rows]
        parts = []
        if p < balance.SRM_ALPHA:
            parts.append(f"the split is off: {_split(names, assigned[rows])} sends where "
                         f"{_asked(names, shares)} was asked (sample-ratio mismatch, "
                         f"{_p(p)})")
        if view is not None and "mailbox" in view.frame.columns:
            boxes = _mailbox_mismatches(view, step, [ids_all[r] for r in rows], names, shares)
            if boxes:
                parts.append(("in mailbox " if len(boxes) == 1 else "in mailboxes ")
                             + " and ".join(boxes))
        if parts:
            texts[step] = ("; ".join(parts) + ": something other than chance chose who got "
                           "which variant; find it before trusting this comparison")
    return srm_p, texts


def _mailbox_mismatches(view: _Strata, step: int, ids: list[Any], names: list[Any],
                        shares: np.ndarray | None) -> list[str]:
    """The mailboxes (at most three) whose own split is off, at 0.001 / mailboxes checked."""
    _, mailboxes = view.codes(("mailbox",))
    sends = np.column_stack([view.per_stratum(step, vid, ("mailbox",), "assigned")
                             for vid in ids])
    p = balance.sample_ratio_p(sends, shares)
    checked = np.isfinite(p)
    if not checked.any():
        return []
    flagged = np.flatnonzero(checked & (p < balance.SRM_ALPHA / checked.sum()))
    label = ["(no sender)" if _missing(m[0]) else str(m[0]) for m in mailboxes]
    ranked = sorted(flagged, key=lambda k: (p[k], label[k]))      # worst first, then by name
    return [f"{label[k]} ({_split(names, sends[k])}, {_p(p[k])})" for k in ranked[:3]]


def _p(p: float) -> str:
    return "p < 1e-16" if p < 1e-16 else f"p = {p:.2g}"


def _split(names: list[Any], sends: np.ndarray) -> str:
    return ", ".join(f"{name} {int(x):,}" for name, x in zip(names, sends))


def _asked(names: list[Any], shares: np.ndarray | None) -> str:
    if shares is None:
        return "an equal split"
    total = shares.sum()
    return "/".join(f"{100 * s / total:g}" for s in shares) + " (" + "/".join(map(str, names)) + ")"


# --- controls ------------------------------------------------------------------------------
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


# --- verdicts in words ---------------------------------------------------------------------
def _verdict(row: dict, ctrl: dict, is_control: bool, step_variants: int, m: F.Metric,
             level: float, window_days: float, comparisons: int, note: str | None) -> str:
    days = f"{window_days:g}"
    if step_variants == 1:
        return f"one variant only in step {row[F.STEP]}: nothing to compare it with"
    if row["sent"] == 0 and row["pending"] == 0:
        return f"no sends yet for {row['variant']}: no test possible"
    if is_control:
        return "control"
    for who, r in ((row["variant"], row), (f"control {ctrl['variant']}", ctrl)):
        if r["sent"] == 0:
            if r["pending"] == 0:
                return f"{who} has no sends yet: no test possible"
            return (f"not yet: none of {who}'s sends is older than {days} days "
                    f"({r['pending']:,} pending); only those can decide")
    if note or row["method"] is None or np.isnan(row["p_value"]):
        return note or "no test possible"
    within = ("" if row["method"] == POOLED
              else f", compared within each {row['method'].split(' within ')[1]}")
    more = "more" if m.higher_is_better else "fewer"
    low, high = row["diff_low"], row["diff_high"]
    if low > 0 or high < 0:
        better = (low > 0) == m.higher_is_better
        winner, loser = (row, ctrl) if better else (ctrl, row)
        # the winner's advantage, as a range in points of the metric
        a, b = (low, high) if low > 0 else (-high, -low)
        return (f"{winner['variant']} beats {loser['variant']}: by {_points(a)} to "
                f"{_points(b)} points {more} {m.noun}{within}")
    largest = _points(max(abs(low), abs(high)))
    bounds = (f"{row['variant']} - {ctrl['variant']} is {_signed(low)} to {_signed(high)} "
              f"points{within}")
    advice = _more_sends(row, ctrl, level, comparisons)
    if advice:
        return (f"no difference detectable yet: {bounds}, so no difference larger than "
                f"{largest} points in {m.noun}; {advice}")
    return f"no difference larger than {largest} points in {m.noun} ({bounds})"


def _more_sends(row: dict, ctrl: dict, level: float, comparisons: int) -> str | None:
    """"about N more sends per variant would detect a L-point lift", planned at the verdict's
    significance level for the observed gap (at least a point); None when the sends for it
    are already there, or no size can be planned."""
    baseline = float(ctrl["rate"])
    if not 0 < baseline < 1:         # nothing to plan from a rate of 0 or 100%
        return None
    lift = max(abs(float(row["diff"])), MIN_PLANNED_LIFT)
    if baseline + lift > 1:
        lift = -lift
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # a plan that cannot converge: no advice
            needed = sample_size(baseline, lift, alpha=(1 - level) / comparisons)
    except (InputError, ArithmeticError, TypeError, ValueError):
        return None
    more = needed - int(min(row["sent"], ctrl["sent"]))
    if more <= 0:
        return None
    return (f"about {_round_up(more):,} more matured sends per variant would detect a "
            f"{_points(abs(lift))}-point lift")


def _points(x: float) -> str:
    """A difference in rate as points: 0.0234 -> "2.3", 0.25 -> "25", 0.0012 -> "0.12"."""
    v = abs(x) * 100
    if v >= 10:
        text = f"{v:.0f}"
    elif v >= 1:
        text = f"{v:.1f}"
    else:
        text = f"{v:.2f}"
    return text


def _signed(x: float) -> str:
    return ("-" if x < 0 else "+") + _points(x)


def _round_up(n: int) -> int:
    """Two significant figures, rounded up: 2,374 -> 2,400 (a plan, not a measurement)."""
    if n < 100:
        return int(n)
    scale = 10 ** (int(math.log10(n)) - 1)
    return int(math.ceil(n / scale) * scale)
