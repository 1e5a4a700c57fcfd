"""Confidence intervals for a rate and for the difference of two rates (statsmodels), and
the p-value that goes with the difference's interval.

Every bound is clipped to where it must lie (a rate's in [0, 1], around its estimate; a
difference's in [-1, 1], around the observed difference): the libraries' float noise
(a lower bound of 1e-17 over an estimate of 0) must not put an estimate outside its interval.

>>> [round(x, 4) for x in proportion_interval(81, 263)]
[0.2553, 0.3662]
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

import numpy as np

from ..errors import InputError
from ._deps import library


def check_level(level: Any) -> float:
    """A confidence level strictly between 0 and 1 (0.95), else an InputError."""
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise InputError(f"level must be a number between 0 and 1 (e.g. 0.95); got {level!r}")
    return float(level)


def check_counts(successes: Any, trials: Any, what: str = "") -> tuple[int, int]:
    """Whole, non-negative counts with ``successes <= trials`` and at least one trial."""
    name = f" ({what})" if what else ""
    for label, value in (("successes", successes), ("trials", trials)):
        if isinstance(value, bool) or not _whole(value) or value < 0:
            raise InputError(f"{label}{name} must be a whole number >= 0; got {value!r}")
    successes, trials = int(successes), int(trials)
    if trials == 0:
        raise InputError(f"no trials{name}: a rate needs at least one send")
    if successes > trials:
        raise InputError(f"successes{name} ({successes}) exceed trials ({trials})")
    return successes, trials


def _whole(value: Any) -> bool:
    if isinstance(value, Integral):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def proportion_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``successes / trials``.

    Method: the Wilson (1927) score interval, recommended by Newcombe (1998), "Two-sided
    confidence intervals for the single proportion", Stat Med 17:857-872 (his method 3),
    computed by ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    >>> [round(x, 4) for x in proportion_interval(0, 20)]   # inside [0, 1], unlike Wald's
    [0.0, 0.1611]
    """
    proportion_confint = library("statsmodels.stats.proportion").proportion_confint

    level = check_level(level)
    successes, trials = check_counts(successes, trials)
    low, high = wilson_intervals([successes], [trials], level)
    return _floats(low[0], high[0])


def wilson_intervals(successes, trials, level: float = 0.95):
    """Vectorised :func:`proportion_interval` for counts already checked (arrays in, two
    arrays out); NaN where ``trials`` is 0; each interval clipped to [0, 1] and to contain
    its estimate.

    >>> low, high = wilson_intervals([0, 3], [20, 0])
    >>> [round(float(low[0]), 4), round(float(high[0]), 4)], bool(np.isnan(low[1]))
    ([0.0, 0.1611], True)
    """
    proportion_confint = library("statsmodels.stats.proportion").proportion_confint

    s = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    some = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(s, np.where(some, n, 1), alpha=1 - level, method="wilson")
        estimate = np.where(some, s / np.where(some, n, 1), np.nan)
    low = np.where(some, np.minimum(np.clip(low, 0, 1), estimate), np.nan)
    high = np.where(some, np.maximum(np.clip(high, 0, 1), estimate), np.nan)
    return np.atleast_1d(low), np.atleast_1d(high)


def difference_interval(s1: int, n1: int, s2: int, n2: int,
                        level: float = 0.95) -> tuple[float, float]:
    """Interval for the difference of two rates, ``s1/n1 - s2/n2``.

    Method: Newcombe's hybrid score interval (method 10 of Newcombe 1998, "Interval
    estimation for the difference between independent proportions: comparison of eleven
    methods", Stat Med 17:873-890), computed by
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``.

    >>> [round(x, 4) for x in difference_interval(56, 70, 48, 80)]
    [0.0524, 0.3339]
    """
    low, high = difference_intervals([s1], [n1], [s2], [n2], level)
    return _floats(low[0], high[0])


def difference_intervals(s1, n1, s2, n2, level: float = 0.95):
    """Vectorised :func:`difference_interval` (arrays in, two arrays out, not rounded), each
    clipped to [-1, 1] and to contain its observed difference.

    Used by ``compare_variants`` for all of a campaign's pairs in one statsmodels call.

    >>> low, high = difference_intervals([9, 56], [10, 70], [3, 48], [10, 80])
    >>> [round(float(x), 4) for x in low]
    [0.1705, 0.0524]
    """
    level = check_level(level)
    for i, pair in enumerate(zip(s1, n1, s2, n2)):
        check_counts(pair[0], pair[1], f"first group of pair {i}")
        check_counts(pair[2], pair[3], f"second group of pair {i}")
    s1, n1, s2, n2 = (np.asarray(x, float) for x in (s1, n1, s2, n2))
    return newcombe_bounds(s1, n1, s2, n2, 1 - level)


def newcombe_bounds(s1, n1, s2, n2, alpha):
    """:func:`difference_intervals` for float arrays already checked, at significance
    ``alpha`` (a number or one per pair): what ``compare_variants`` and the p-value search
    call in their loops.

    >>> [round(float(x), 4) for x in newcombe_bounds(np.array([9.]), np.array([10.]),
    ...                                              np.array([3.]), np.array([10.]), 0.05)[0]]
    [0.1705]
    """
    confint_proportions_2indep = library(
        "statsmodels.stats.proportion").confint_proportions_2indep

    low, high = confint_proportions_2indep(s1, n1, s2, n2, method="newcomb", compare="diff",
                                           alpha=alpha)
    diff = s1 / n1 - s2 / n2
    low = np.minimum(np.clip(low, -1, 1), diff)
    high = np.maximum(np.clip(high, -1, 1), diff)
    return np.atleast_1d(low), np.atleast_1d(high)


# The largest z the p-value search tries: 2 * norm.sf(37.5) is about 1e-307, near the
# smallest normal float, so a p-value below it is reported as that bound.
Z_MAX = 37.5


def difference_p_values(s1, n1, s2, n2):
    """Two-sided p-values for ``s1/n1 - s2/n2 = 0`` from the hybrid score interval itself.

    Method: the test that inverts :func:`difference_interval`: the p-value is the largest
    ``1 - level`` whose interval still contains 0 (the duality of tests and intervals;
    Casella & Berger 2002, Statistical Inference, 2nd ed., section 9.2.1), found with
    ``scipy.optimize.elementwise.find_root``. So ``p < 1 - level`` exactly when the interval
    at ``level`` excludes 0, and a verdict read from either says the same.

    >>> [round(float(p), 4) for p in difference_p_values([44, 5], [400, 50], [20, 5], [400, 50])]
    [0.0021, 1.0]
    """
    find_root = library("scipy.optimize.elementwise").find_root
    norm = library("scipy.stats").norm

    s1, n1, s2, n2 = np.broadcast_arrays(*(np.asarray(x, float) for x in (s1, n1, s2, n2)))
    diff = s1 / n1 - s2 / n2
    p = np.ones(diff.shape)
    away = diff != 0
    if not away.any():
        return p
    sign = np.sign(diff[away])
    args = (*(x[away] for x in (s1, n1, s2, n2)), sign)

    def bound_toward_zero(z, s1, n1, s2, n2, sign):
        # the lower bound of a positive difference, minus the upper bound of a negative
        # one: positive while the interval at this z excludes 0, falling as z grows
        low, high = newcombe_bounds(s1, n1, s2, n2, 2 * norm.sf(z))
        return np.where(sign > 0, low, -high)

    # z to 1e-9 relative: the p-value to about 1e-6 relative, far finer than it is printed
    found = find_root(bound_toward_zero, (np.zeros(sign.shape), np.full(sign.shape, Z_MAX)),
                      args=args, tolerances={"xrtol": 1e-9, "xatol": 1e-12})
    z = np.where(found.success, found.x, Z_MAX)
    p[away] = np.minimum(1.0, 2 * norm.sf(z))
    return p


def _floats(low: float, high: float) -> tuple[float, float]:
    # Plain floats, not numpy scalars, so a notebook echoes (0.25, 0.37), not np.float64(...).
    return float(low), float(high)
