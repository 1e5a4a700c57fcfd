"""How many sends an A/B test needs, and what lift a given number of sends can detect.

Both use Cohen's effect size h for two proportions (Cohen 1988, Statistical Power Analysis
for the Behavioral Sciences, 2nd ed., section 6.2), h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)),
with the power of the two-sided two-sample z-test from statsmodels (``NormalIndPower``).

>>> sample_size(0.05, 0.02)          # sends per variant to tell 5% from 7%, power 0.8
2199
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import InputError
from ._deps import library


def _probability(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1 \
            or math.isnan(value):
        raise InputError(f"{name} must be a rate between 0 and 1 (0.05 for 5%); got {value!r}")
    return float(value)


def _test_settings(power: Any, alpha: Any) -> tuple[float, float]:
    for name, value in (("power", power), ("alpha", alpha)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise InputError(f"{name} must be a number between 0 and 1; got {value!r}")
    return float(power), float(alpha)


def sample_size(baseline: float, lift: float, *, power: float = 0.8,
                alpha: float = 0.05) -> int:
    """Sends per variant needed to detect ``baseline`` -> ``baseline + lift`` (rates, 0-1).

    Method: Cohen's h (Cohen 1988, section 6.2) from
    ``statsmodels.stats.proportion.proportion_effectsize``, solved for the sample size of a
    two-sided two-sample z-test with ``statsmodels.stats.power.NormalIndPower``, rounded up.

    >>> sample_size(0.10, 0.05, power=0.9)
    911
    """
    NormalIndPower = library("statsmodels.stats.power").NormalIndPower
    proportion_effectsize = library(
        "statsmodels.stats.proportion").proportion_effectsize

    baseline = _probability(baseline, "baseline")
    if isinstance(lift, bool) or not isinstance(lift, (int, float)) or math.isnan(lift) or lift == 0:
        raise InputError(f"lift must be a non-zero change in rate (0.02 for 2 points); got {lift!r}")
    _probability(baseline + lift, "baseline + lift")
    power, alpha = _test_settings(power, alpha)
    h = proportion_effectsize(baseline + lift, baseline)
    n = NormalIndPower().solve_power(effect_size=abs(h), alpha=alpha, power=power, ratio=1.0,
                                     alternative="two-sided")
    # A tiny float excess (911.0000001) must not cost a whole extra send.
    return int(math.ceil(float(n) - 1e-9))


def detectable_lift(sent: int, baseline: float, *, power: float = 0.8,
                    alpha: float = 0.05) -> float:
    """The smallest upward lift in rate that ``sent`` sends per variant detect (inverse of
    :func:`sample_size`).

    Method: ``NormalIndPower().solve_power`` solved for Cohen's h (Cohen 1988, section 6.2) at
    ``sent`` per variant, then h turned back into a rate by inverting its definition,
    p2 = sin(asin(sqrt(baseline)) + h/2)^2. NaN when no rate up to 100% is detectable.

    >>> round(detectable_lift(2199, 0.05), 4)
    0.02
    """
    NormalIndPower = library("statsmodels.stats.power").NormalIndPower

    if isinstance(sent, bool) or not isinstance(sent, (int, float)) or not sent >= 2:
        raise InputError(f"sent must be a number of sends per variant, at least 2; got {sent!r}")
    baseline = _probability(baseline, "baseline")
    power, alpha = _test_settings(power, alpha)
    h = NormalIndPower().solve_power(nobs1=float(sent), alpha=alpha, power=power, ratio=1.0,
                                     alternative="two-sided", effect_size=None)
    angle = math.asin(math.sqrt(baseline)) + float(h) / 2
    if angle > math.pi / 2:
        return float("nan")
    return math.sin(angle) ** 2 - baseline
