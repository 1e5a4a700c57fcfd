"""Slow drift in one mailbox's bounce rate: a CUSUM of its odds of bouncing against its pool.

A mailbox whose bounce rate creeps from 2 % to 6 % over weeks is never far enough above the
pool in any single week to cross that week's limit; the evidence is in the run of weeks.
A CUSUM adds it up.

Method: a risk-adjusted CUSUM (Page 1954, Biometrika 41:100-115; risk-adjusted: Steiner,
Cook, Farewell & Treasure 2000, Biostatistics 1:441-452) made conditional on each period's
margins. In a period the mailbox bounced ``k`` of its ``n`` sends and the period's comparison
(the mailbox with its pool) bounced ``b`` of ``m``. If the mailbox is as good as its pool, ``k``
is hypergeometric (``scipy.stats.hypergeom``); if its odds of bouncing are ``odds`` times the
pool's, ``k`` follows Fisher's noncentral hypergeometric (``scipy.stats.nchypergeom_fisher``).
The CUSUM adds each period's log likelihood ratio ``w`` and never falls below 0:
``S_t = max(0, S_{t-1} + w_t)``. Conditioning on the margins makes the pool's own noise part
of the null distribution, so two mailboxes or twenty, small or large, get the same
false-alarm rate.

How surprising the largest ``S`` seen is, ``P(max S_t >= s)`` with no drift, is computed by the
Markov-chain method of Brook & Evans (1972, Biometrika 59:539-549) on a grid of ``GRID`` steps
that rounds every step up, so the probability is never understated; and it is never above
``T * exp(-s)`` for ``T`` periods (Ville's 1939 maximal inequality for the likelihood-ratio
martingale begun at each period; the same argument gives Lorden's 1971 bound that the CUSUM
with limit ``h`` runs at least ``exp(h)`` periods on average before a false alarm).

Run lengths, for a chart of 20 mailboxes x 12 weeks, each mailbox sending 200 emails a week
at 2 % bounces: a mailbox's drift p-value reaches its share of a 5 % chart budget
(0.025 / 20) when its CUSUM reaches about 7.15. A CUSUM with that fixed limit runs about
6,900 weeks between false alarms in control (Lorden's bound: at least exp(7.15), about
1,270), and signals on average 21.4, 5.6 and 2.4 weeks after the mailbox starts bouncing
at 3 %, 4 % and 6 % (:func:`average_run_length`; the tests check these by simulation).

>>> import numpy as np
>>> k = np.array([[2, 3, 2, 6, 9, 12]]); n = np.full((1, 6), 200)     # one mailbox, 6 weeks
>>> pool_k = np.full((1, 6), 8); pool_n = np.full((1, 6), 800)        # its pool: 1 %
>>> s = cusum(increments(k, n, pool_k, pool_n))
>>> s.round(2).tolist()
[[0.0, 0.08, 0.0, 1.62, 4.77, 9.46]]
>>> bool(pvalues(k, n, pool_k, pool_n)[0] < 1e-3)
True
"""

from __future__ import annotations

import math

import numpy as np

from ._deps import library

# The drift the CUSUM is tuned to: the mailbox's odds of bouncing double against its pool
# (Steiner et al. 2000 use the same doubling as their design alternative).
ODDS = 2.0
# Grid steps of the Markov chain. Each period can add at most one step to the chain's
# CUSUM, so over T periods the probability is that of a limit at most T/GRID lower.
GRID = 400
# How far (in standard deviations) from its mean a period's step is followed exactly.
SPREAD = 12.0


def increments(k, n, pool_k, pool_n, odds: float = ODDS) -> np.ndarray:
    """Each period's log likelihood ratio (drift at ``odds`` vs none), NaN without a pool.

    Arrays of any (matching) shape: the mailbox's bounces ``k`` of ``n`` sends, its pool's
    ``pool_k`` of ``pool_n``.

    >>> increments(np.array([4, 0]), np.array([100, 0]), np.array([4, 5]), np.array([100, 90])).round(3)
    array([-0.455,    nan])
    """
    stats = library("scipy.stats")
    k, n, pool_k, pool_n = (np.asarray(a, dtype=np.int64) for a in (k, n, pool_k, pool_n))
    compared = (n > 0) & (pool_n > 0)
    total, bounced = n + pool_n, k + pool_k
    safe = [np.where(compared, a, b) for a, b in ((k, 0), (total, 1), (n, 1), (bounced, 0))]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = (stats.nchypergeom_fisher.logpmf(*safe, odds)
             - stats.hypergeom.logpmf(*safe))
    return np.where(compared, w, np.nan)


def cusum(w: np.ndarray) -> np.ndarray:
    """The CUSUM along the last axis of ``increments``: ``S_t = max(0, S_{t-1} + w_t)``;
    a period without a comparison (NaN) leaves it where it was.

    >>> cusum(np.array([1.0, -0.5, np.nan, -2.0, 3.0])).tolist()
    [1.0, 0.5, 0.5, 0.0, 3.0]
    """
    w = np.nan_to_num(np.asarray(w, dtype=float), nan=0.0)
    out = np.empty_like(w)
    level = np.zeros(w.shape[:-1])
    for t in range(w.shape[-1]):
        level = np.maximum(0.0, level + w[..., t])
        out[..., t] = level
    return out


def change_start(s: np.ndarray) -> np.ndarray:
    """Where the CUSUM's highest run began: the period after it last stood at 0 before its
    maximum, the usual estimate of when a shift started (Page 1954; Montgomery,
    Introduction to Statistical Quality Control, 8th ed., section 9.1). Per row of ``s``.

    >>> change_start(np.array([[0.0, 1.0, 0.0, 0.5, 2.0, 1.5]])).tolist()
    [3]
    """
    s = np.atleast_2d(s)
    peak = s.argmax(axis=-1)
    steps = np.arange(s.shape[-1])
    zero_before = np.where((s == 0) & (steps <= peak[:, None]), steps, -1).max(axis=-1)
    return zero_before + 1


def pvalues(k, n, pool_k, pool_n, odds: float = ODDS, rows=None) -> np.ndarray:
    """For each row (a mailbox, periods along the last axis): the probability, with no drift,
    that its CUSUM would reach the highest value it did. An upper bound (see the module).
    ``rows`` (a bool mask) limits the work to some rows; the others get 1.

    >>> pvalues(np.array([[1, 1]]), np.array([[100, 100]]), np.array([[1, 1]]), np.array([[100, 100]]))
    array([1.])
    """
    k, n, pool_k, pool_n = (np.atleast_2d(np.asarray(a, dtype=np.int64))
                            for a in (k, n, pool_k, pool_n))
    highest = cusum(increments(k, n, pool_k, pool_n, odds)).max(axis=-1)
    todo = highest > 0 if rows is None else (highest > 0) & np.asarray(rows, dtype=bool)
    out = np.ones(len(highest))
    if todo.any():
        steps = _Steps(k[todo], n[todo], pool_k[todo], pool_n[todo], odds)
        out[todo] = [steps.crossing(i, s) for i, s in enumerate(highest[todo])]
    return out


def crossing_probability(s: float, k, n, pool_k, pool_n, odds: float = ODDS) -> float:
    """``P(max_t S_t >= s)`` over the given periods of one mailbox with no drift, each
    period's bounces hypergeometric given its margins (``k`` only fixes the margins).

    >>> round(crossing_probability(3.0, [0, 0], [100, 100], [2, 2], [100, 100]), 6)
    0.0
    """
    k, n, pool_k, pool_n = (np.atleast_2d(np.asarray(a, dtype=np.int64))
                            for a in (k, n, pool_k, pool_n))
    return _Steps(k, n, pool_k, pool_n, odds).crossing(0, float(s)) if s > 0 else 1.0


def ville_bound(highest: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """``min(1, T * exp(-s))``: a closed-form upper bound of :func:`crossing_probability`.

    >>> ville_bound(np.array([0.0, np.log(1200)]), np.array([12, 12])).round(6).tolist()
    [1.0, 0.01]
    """
    with np.errstate(over="ignore"):
        return np.minimum(1.0, periods * np.exp(-np.asarray(highest, dtype=float)))


class _Steps:
    """The null distribution of every period's CUSUM step, for rows x periods at once
    (scipy's calls are vectorised here; the chain below is plain numpy)."""

    def __init__(self, k, n, pool_k, pool_n, odds):
        stats = library("scipy.stats")
        compared = (n > 0) & (pool_n > 0)
        self.rows, self.cols = np.nonzero(compared)
        n, pn = n[compared], pool_n[compared]
        total, bounced = n + pn, k[compared] + pool_k[compared]
        # The steps within SPREAD standard deviations of the mean; the rest of the mass is
        # counted conservatively (below: at the lowest step; above: as a crossing).
        mean = n * bounced / total
        sd = np.sqrt(mean * (1 - bounced / total) * pn / np.maximum(total - 1, 1))
        low = np.maximum(np.floor(mean - SPREAD * sd), np.maximum(bounced - pn, 0))
        high = np.minimum(np.ceil(mean + SPREAD * sd), np.minimum(n, bounced))
        low, high = low.astype(np.int64), np.maximum(high, low).astype(np.int64)
        width = int((high - low).max(initial=0)) + 1
        support = low[:, None] + np.arange(width)
        inside = support <= high[:, None]
        args = (total[:, None], n[:, None], bounced[:, None])
        # exp(logpmf): scipy's logpmf is ~40x faster than its pmf on large arrays
        mass = np.where(inside, np.exp(stats.hypergeom.logpmf(
            np.minimum(support, high[:, None]), *args)), 0.0)
        mass[:, 0] += stats.hypergeom.cdf(low - 1, total, n, bounced)  # lower tail: at low
        self.beyond = stats.hypergeom.sf(high, total, n, bounced)    # upper tail: a crossing
        # w(j) = j log(odds) - log E0[odds^X], the log likelihood ratio of increments()
        log_norm = low * math.log(odds) - (stats.nchypergeom_fisher.logpmf(
            low, total, n, bounced, odds) - stats.hypergeom.logpmf(low, total, n, bounced))
        self.w = np.where(inside, support * math.log(odds) - log_norm[:, None], np.nan)
        self.mass = mass

    def crossing(self, row: int, s: float) -> float:
        cells = np.flatnonzero(self.rows == row)
        step = s / GRID
        state: np.ndarray = np.zeros(GRID)
        state[0] = 1.0
        crossed = 0.0
        states = np.arange(GRID)
        for c in cells:
            keep = self.mass[c] > 0
            shift = np.ceil(self.w[c, keep] / step)
            # where each state goes with each step: 0 at the floor, GRID once it has crossed
            lands = np.clip(states[None, :] + np.clip(shift, -GRID, GRID)[:, None], 0, GRID)
            moved = np.bincount(lands.astype(np.int64).ravel(),
                                weights=(self.mass[c, keep][:, None] * state[None, :]).ravel(),
                                minlength=GRID + 1)
            crossed += moved[GRID] + state.sum() * self.beyond[c]
            state = moved[:GRID]
        return float(min(1.0, crossed, len(cells) * math.exp(-s)))


def run_length(h: float, steps, probs, grid: int = 2 * GRID) -> float:
    """Average run length (periods until ``S >= h``, from ``S = 0``) of the CUSUM
    ``S = max(0, S + x)`` with steps ``x`` drawn independently from ``steps`` with ``probs``:
    the Brook & Evans (1972) Markov chain, states every ``h / grid``, steps rounded to the
    nearest state, solved with ``numpy.linalg.solve``.

    The normal CUSUM with reference value 0.5 and limit 4 (steps ``N(mu, 1) - 0.5``) runs
    about 336 periods in control, 8.38 after a one-sigma shift (Montgomery's Table 9.3 gives
    168 for the two-sided chart, whose two one-sided halves alarm equally often):

    >>> stats = library("scipy.stats")
    >>> x = np.linspace(-12, 12, 24001)
    >>> [round(run_length(4, x - 0.5, stats.norm.pdf(x, mu) * 0.001), 1) for mu in (0, 1)]
    [334.5, 8.4]
    """
    probs = np.asarray(probs, dtype=float)
    shift = np.clip(np.rint(np.asarray(steps, dtype=float) / (h / grid)), -grid, grid)
    moves, which = np.unique(shift.astype(np.int64), return_inverse=True)
    weights = np.bincount(which, weights=probs / probs.sum())
    states = np.arange(grid)
    stay = np.zeros((grid, grid))             # transitions among the states below h
    for move, weight in zip(moves, weights):
        to = states + move
        below = to < grid
        np.add.at(stay, (states[below], np.maximum(to[below], 0)), weight)
    return float(np.linalg.solve(np.eye(grid) - stay, np.ones(grid))[0])


def average_run_length(h: float, sends: int, pool_sends: int, pool_rate: float,
                       rate: float | None = None, odds: float = ODDS) -> float:
    """Average number of periods before this module's CUSUM first reaches ``h`` when every
    period the mailbox sends ``sends`` emails bouncing at ``rate`` (default: the pool's) and
    its pool ``pool_sends`` bouncing at ``pool_rate`` (binomial counts; :func:`run_length`).

    >>> round(average_run_length(7.15, 200, 3800, 0.02, rate=0.06), 1)
    2.4
    """
    stats = library("scipy.stats")
    rate = pool_rate if rate is None else rate
    counts: list[tuple[np.ndarray, np.ndarray]] = []
    for n, p in ((sends, rate), (pool_sends, pool_rate)):
        spread = SPREAD * math.sqrt(n * p * (1 - p)) + 1
        values = np.arange(max(0, math.floor(n * p - spread)), min(n, math.ceil(n * p + spread)) + 1)
        counts.append((values, stats.binom.pmf(values, n, p)))
    (k, pk), (pool_k, ppool) = counts
    k, pool_k = np.meshgrid(k, pool_k, indexing="ij")
    w = increments(k, np.full(k.shape, sends), pool_k, np.full(k.shape, pool_sends), odds)
    return run_length(h, w.ravel(), np.outer(pk, ppool).ravel())
