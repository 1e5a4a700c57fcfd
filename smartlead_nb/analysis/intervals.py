"""Confidence intervals for a rate and for the difference of two rates (statsmodels).

>>> [round(x, 4) for x in proportion_interval(81, 263)]
[0.2553, 0.3662]
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

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
    low, high = proportion_confint(successes, trials, alpha=1 - level, method="wilson")
    return _floats(low, high)


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
    """Vectorised :func:`difference_interval` (arrays in, two arrays out, not rounded).

    Used by ``compare_variants`` for all of a campaign's pairs in one statsmodels call.

    >>> low, high = difference_intervals([9, 56], [10, 70], [3, 48], [10, 80])
    >>> [round(float(x), 4) for x in low]
    [0.1705, 0.0524]
    """
    import numpy as np
    confint_proportions_2indep = library(
        "statsmodels.stats.proportion").confint_proportions_2indep

    level = check_level(level)
    for i, pair in enumerate(zip(s1, n1, s2, n2)):
        check_counts(pair[0], pair[1], f"first group of pair {i}")
        check_counts(pair[2], pair[3], f"second group of pair {i}")
    low, high = confint_proportions_2indep(np.asarray(s1, float), np.asarray(n1, float),
                                           np.asarray(s2, float), np.asarray(n2, float),
                                           method="newcomb", compare="diff", alpha=1 - level)
    return np.atleast_1d(low), np.atleast_1d(high)


def _floats(low: float, high: float) -> tuple[float, float]:
    # Plain floats, not numpy scalars, so a notebook echoes (0.25, 0.37), not np.float64(...).
    return float(low), float(high)
