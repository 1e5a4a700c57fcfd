"""The mailbox chart's arithmetic on plain arrays: pools, exact comparisons, the chart-wide
false-alarm budget, drift, and the revision that stops bad mailboxes hiding each other.

Arrays are ``(..., m, T)``: ``m`` mailboxes (or domains) by ``T`` periods, with any leading
axes for many charts at once (a simulation runs thousands in one call). ``domains`` gives
each of the ``m`` rows a sending-domain code.

Method, per cell (a mailbox in a period):

- Its pool is the other domains' mailboxes that period, so that mailboxes of one broken
  domain do not sit in each other's pool; when no other domain sent that period, the other
  mailboxes of its own domain.
- Bounces: Fisher's exact test, one-sided, of the mailbox against its pool (conditional on
  the 2x2 table's margins, so the pool's own noise is allowed for: Fisher 1935; Agresti,
  Categorical Data Analysis, 3rd ed., 2013, section 3.5), its p-value from
  ``scipy.stats.hypergeom``. Replies: the same test in the other tail (too few replies).
- Bonferroni over the whole chart: half the chart's false-alarm budget ``false_alarm`` is
  shared equally by all its cell tests, half by the drift tests of its mailboxes
  (:mod:`.drift`; only mailboxes compared in two periods or more have one, and a chart
  without any gives its cell tests the whole budget), so that with every mailbox alike the chance that the chart raises any
  flag at all is at most ``false_alarm`` (Bonferroni's inequality; Dunn 1961, JASA
  56:52-64).
- Revision: flagged cells (and the rising run of a mailbox flagged for drift) leave the pools and the chart is
  computed again, until no new flag appears (revised limits, Montgomery, Introduction to
  Statistical Quality Control, 8th ed., 2019, section 6.2). With every mailbox alike the
  first pass raises nothing, so the revision never adds a false alarm to such a chart.

>>> import numpy as np
>>> sent = np.full((4, 1), 400); bounced = np.array([[8], [6], [40], [7]])
>>> chart = control_chart(sent, bounced, np.full((4, 1), 20), domains=np.arange(4))
>>> chart.bounce_flag[:, 0].tolist(), float(chart.test_level)    # one period: 0.05 / 8 tests
([False, False, True, False], 0.00625)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import drift
from ._deps import library


@dataclass(frozen=True)
class Chart:
    """Everything :func:`control_chart` computed (arrays shaped like its inputs)."""
    bounce_pool_k: np.ndarray      # (..., m, T) the pool's bounces and sends per cell
    bounce_pool_n: np.ndarray
    bounce_p: np.ndarray           # one-sided exact p-value, NaN without a pool
    reply_pool_k: np.ndarray
    reply_pool_n: np.ndarray
    reply_p: np.ndarray
    test_level: np.ndarray         # (...) each cell test's level: the Bonferroni share
    drift_cusum: np.ndarray        # (..., m, T)
    drift_p: np.ndarray            # (..., m)
    drift_level: np.ndarray        # (...) each mailbox's drift test level
    bounce_flag: np.ndarray        # (..., m, T) bool
    reply_flag: np.ndarray
    drift_flag: np.ndarray         # (..., m) bool
    drift_cells: np.ndarray        # (..., m, T) bool: a flagged mailbox's rising run
    rounds: int                    # passes of the revision


def pools(sent, counts, domains, excluded) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's pool (events, sends): the other domains' included cells that period, or
    when none of those sent, the other included cells of its own domain.

    >>> p = pools(np.array([[10], [10], [10]]), np.array([[1], [2], [3]]), np.array([0, 0, 1]),
    ...           np.zeros((3, 1), bool))
    >>> [a[:, 0].tolist() for a in p]
    [[3, 3, 3], [10, 10, 20]]
    """
    domains = np.asarray(domains)
    keep = ~np.asarray(excluded, dtype=bool)
    codes, rows = np.unique(domains, return_inverse=True)
    member = np.eye(len(codes), dtype=np.int64)[rows]          # (m, d)
    out = []
    for values in (counts, sent):
        included = np.where(keep, values, 0)
        per_domain = np.einsum("...mt,md->...dt", included, member)
        own_domain = per_domain[..., rows, :]
        others = included.sum(axis=-2, keepdims=True) - own_domain
        out.append((others, own_domain - included))
    (other_k, same_k), (other_n, same_n) = out
    use_others = other_n > 0
    return np.where(use_others, other_k, same_k), np.where(use_others, other_n, same_n)


def exact_pvalue(k, n, pool_k, pool_n, tail: str) -> np.ndarray:
    """Fisher's exact one-sided p-value of ``k``/``n`` against ``pool_k``/``pool_n``:
    ``tail="upper"`` (more events than the pool's rate suggests) or ``"lower"``. NaN without
    a pool or without sends.

    >>> exact_pvalue(np.array([3]), np.array([4]), np.array([1]), np.array([4]), "upper").round(4)
    array([0.2429])
    """
    hypergeom = library("scipy.stats").hypergeom
    k, n, pool_k, pool_n = (np.asarray(a, dtype=np.int64) for a in (k, n, pool_k, pool_n))
    compared = (n > 0) & (pool_n > 0)
    total, events = np.where(compared, n + pool_n, 1), np.where(compared, k + pool_k, 0)
    draws = np.where(compared, n, 1)
    if tail == "upper":
        p = hypergeom.sf(np.where(compared, k, 0) - 1, total, events, draws)
    else:
        p = hypergeom.cdf(np.where(compared, k, 0), total, events, draws)
    return np.where(compared, np.clip(p, 0.0, 1.0), np.nan)


def limit(n, pool_k, pool_n, level, tail: str) -> np.ndarray:
    """The count at which a cell would be flagged, given its sends and pool: for
    ``"upper"`` the fewest events whose p-value is at most ``level``, for ``"lower"`` the
    most; NaN when no count of ``n`` sends could be (or without a pool).

    >>> limit(np.array([200]), np.array([40]), np.array([2000]), 0.001, "upper").tolist()
    [13.0]
    """
    n, pool_k, pool_n = (np.asarray(a, dtype=np.int64) for a in (n, pool_k, pool_n))
    level = np.broadcast_to(np.asarray(level, dtype=float), n.shape)

    def flagged(k):
        return exact_pvalue(k, n, pool_k, pool_n, tail) <= level

    # p-values move one way with k (Fisher's test is monotone in the table): bisection
    if tail == "upper":
        low, high = np.zeros_like(n), n.copy()          # find the first k flagged in [0, n]
        possible = flagged(n)
        while (high > low).any():
            middle = (low + high) // 2
            yes = flagged(middle)
            high, low = np.where(yes, middle, high), np.where(yes, low, middle + 1)
        return np.where(possible, low, np.nan)
    low, high = np.zeros_like(n), n.copy()              # find the last k flagged in [0, n]
    possible = flagged(np.zeros_like(n))
    while (high > low).any():
        middle = (low + high + 1) // 2
        yes = flagged(middle)
        low, high = np.where(yes, middle, low), np.where(yes, high, middle - 1)
    return np.where(possible, low, np.nan)


def control_chart(sent, bounced, replied, domains, *, false_alarm: float = 0.05,
                  odds: float = drift.ODDS, every_drift_p: bool = True) -> Chart:
    """Flag cells whose bounces are high or replies low against their pool, and mailboxes
    whose bounces drift up, at most ``false_alarm`` per chart of alike mailboxes.

    ``every_drift_p=False`` skips the Markov chain for mailboxes whose drift flag is
    already settled by cheap bounds (a simulation's shortcut: the flags are the same, but
    such mailboxes' ``drift_p`` is then only the Ville bound).

    >>> sent = np.full((3, 2), 100)
    >>> control_chart(sent, np.array([[2, 2], [2, 3], [2, 30]]), sent // 10, np.arange(3)).bounce_flag.tolist()
    [[False, False], [False, False], [False, True]]
    """
    sent, bounced, replied = (np.asarray(a, dtype=np.int64) for a in (sent, bounced, replied))
    shape = sent.shape
    # many charts at once: one row per chart, and each pass recomputes only the charts
    # whose pools changed in the pass before
    sent, bounced, replied = (a.reshape((-1,) + shape[-2:]) for a in (sent, bounced, replied))
    excluded_b = np.zeros(sent.shape, dtype=bool)
    excluded_r = np.zeros(sent.shape, dtype=bool)
    todo = np.arange(len(sent))
    parts: dict[str, np.ndarray] = {}
    rounds = 0
    while len(todo):
        rounds += 1
        chart = _one_pass(sent[todo], bounced[todo], replied[todo], domains, excluded_b[todo],
                          excluded_r[todo], false_alarm, odds, every_drift_p)
        for name, value in chart.items():
            if name not in parts:
                parts[name] = np.empty((len(sent),) + value.shape[1:], dtype=value.dtype)
            parts[name][todo] = value
        more_b = excluded_b[todo] | chart["bounce_flag"] | chart["drift_cells"]
        more_r = excluded_r[todo] | chart["reply_flag"]
        changed = ((more_b != excluded_b[todo]).any(axis=(-2, -1))
                   | (more_r != excluded_r[todo]).any(axis=(-2, -1)))
        excluded_b[todo], excluded_r[todo] = more_b, more_r
        todo = todo[changed]
    lead = shape[:-2]
    return Chart(**{name: value.reshape(lead + value.shape[1:]) for name, value in parts.items()},
                 rounds=rounds)


def _one_pass(sent, bounced, replied, domains, excluded_b, excluded_r, false_alarm, odds,
              every_drift_p) -> dict[str, np.ndarray]:
    """One pass of the chart over charts stacked on the first axis."""
    bounce_pool = pools(sent, bounced, domains, excluded_b)
    reply_pool = pools(sent, replied, domains, excluded_r)
    bounce_p = exact_pvalue(bounced, sent, *bounce_pool, "upper")
    reply_p = exact_pvalue(replied, sent, *reply_pool, "lower")
    w = drift.increments(bounced, sent, *bounce_pool, odds)
    cusum = drift.cusum(w)
    periods = (~np.isnan(w)).sum(axis=-1)
    tracked = periods >= 2                # a drift needs two periods compared at least
    groups = tracked.sum(axis=-1)
    drift_level = false_alarm / 2 / np.maximum(groups, 1)
    tests = (~np.isnan(bounce_p)).sum(axis=(-2, -1)) + (~np.isnan(reply_p)).sum(axis=(-2, -1))
    test_level = np.where(groups > 0, false_alarm / 2, false_alarm) / np.maximum(tests, 1)
    drift_p = _drift_pvalues(w, cusum, periods, bounced, sent, bounce_pool, drift_level, odds,
                             every_drift_p)
    level = test_level[:, None, None]
    return dict(bounce_pool_k=bounce_pool[0], bounce_pool_n=bounce_pool[1], bounce_p=bounce_p,
                reply_pool_k=reply_pool[0], reply_pool_n=reply_pool[1], reply_p=reply_p,
                test_level=test_level, drift_cusum=cusum, drift_p=drift_p,
                drift_level=drift_level,
                bounce_flag=np.nan_to_num(bounce_p, nan=1.0) <= level,
                reply_flag=np.nan_to_num(reply_p, nan=1.0) <= level,
                drift_flag=(flagged := tracked & (drift_p <= drift_level[:, None])),
                drift_cells=_rising_run(cusum, flagged) & (sent > 0))


def _rising_run(cusum, flagged):
    """The cells of each flagged mailbox from where its CUSUM's highest run began (its last
    0 before the peak) to the peak: the periods the drift is estimated to cover."""
    flat = cusum.reshape(-1, cusum.shape[-1])
    start = drift.change_start(flat).reshape(cusum.shape[:-1])
    peak = cusum.argmax(axis=-1)
    steps = np.arange(cusum.shape[-1])
    return flagged[..., None] & (steps >= start[..., None]) & (steps <= peak[..., None])


def _drift_pvalues(w, cusum, periods, bounced, sent, pool, drift_level, odds, every):
    shape = periods.shape
    flat = [a.reshape(-1, a.shape[-1]) for a in (w, cusum, bounced, sent, *pool)]
    w, cusum, k, n, pool_k, pool_n = flat
    highest = cusum.max(axis=-1)
    ville = drift.ville_bound(highest, periods.reshape(-1))
    if every:
        todo = highest > 0
    else:
        level = np.broadcast_to(np.asarray(drift_level)[..., None], shape).reshape(-1)
        todo = (ville > level) & (_one_period_bound(w, highest, k, n, pool_k, pool_n, odds) <= level)
    p = np.minimum(ville, drift.pvalues(k, n, pool_k, pool_n, odds, rows=todo))
    return p.reshape(shape)


def _one_period_bound(w, highest, k, n, pool_k, pool_n, odds):
    """A lower bound of each row's drift p-value: the CUSUM is never below the step of any
    one period, so ``P(max S >= s) >= P(w_t >= s)``; t is the row's largest step."""
    hypergeom = library("scipy.stats").hypergeom
    rows = np.arange(len(w))
    t = np.nan_to_num(w, nan=-np.inf).argmax(axis=-1)
    w_t = w[rows, t]
    k, n, pool_k, pool_n = k[rows, t], n[rows, t], pool_k[rows, t], pool_n[rows, t]
    compared = ~np.isnan(w_t)
    log_odds = np.log(odds)
    # w(j) = j log(odds) - c: the fewest bounces whose step reaches s, plus one for rounding
    c = k * log_odds - np.where(compared, w_t, 0.0)
    needed = np.ceil((highest + c) / log_odds) + 1
    tail = hypergeom.sf(needed - 1, np.where(compared, n + pool_n, 1),
                        np.where(compared, k + pool_k, 0), np.where(compared, n, 1))
    return np.where(compared, tail, 0.0)
