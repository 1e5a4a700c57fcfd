"""How many sends an A/B test needs, and what lift a given number of sends can detect.

Both start from Cohen's effect size h for two proportions (Cohen 1988, Statistical Power
Analysis for the Behavioral Sciences, 2nd ed., section 6.2), h = 2 asin(sqrt(p2)) -
2 asin(sqrt(p1)), with the power of the two-sample z-test from statsmodels
(``NormalIndPower``). That normal approximation fails when the rarer outcome is expected
only a handful of times (a 0-1% reply rate over a few hundred sends: it promises power 0.8
where the real power is 0.2), so there the size is searched with the **exact** power of
the test :func:`~smartlead_nb.analysis.compare_variants` applies (:func:`exact_power`).
Several variants share alpha (Bonferroni: each of the ``variants - 1`` comparisons with the
control at ``alpha / (variants - 1)``, which Holm's first step also uses), and a test may be
one-sided.

These sizes are for **one look at the end**. To look every day, plan with
:func:`~smartlead_nb.analysis.plan_test` and judge with
:func:`~smartlead_nb.analysis.monitor_variants`.

>>> sample_size(0.05, 0.02)          # sends per variant to tell 5% from 7%, power 0.8
2199
>>> sample_size(0, 0.01)             # 0% -> 1%: the normal approximation would say 392
790
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import InputError
from ._deps import library

# Below this many expected events (or non-events) in the rarer cell of either variant, the
# normal approximation's power can be off by more than 0.01 (0.797 at 22, 0.77 at 2.5 for
# power 0.8): sizes there come from the exact power instead.
EXACT_BELOW = 20
# No campaign sends more than this per variant: a lift that needs more is refused.
MAX_SENDS = 100_000_000
# Cochran's rule, as compare_variants applies it: Fisher's exact test when an expected
# count of the 2x2 table is below this, else the z-test.
FISHER_BELOW = 5


def check_rate(value: Any, name: str) -> float:
    """A rate between 0 and 1, else an InputError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or math.isnan(value) or not 0 <= value <= 1:
        raise InputError(f"{name} must be a rate between 0 and 1 (0.05 for 5%); got {value!r}")
    return float(value)


def check_lift(baseline: float, lift: Any) -> float:
    """A non-zero change that keeps ``baseline + lift`` a rate."""
    if isinstance(lift, bool) or not isinstance(lift, (int, float, np.number)) \
            or math.isnan(lift) or lift == 0:
        raise InputError("lift must be a non-zero change in rate (0.02 for 2 points); "
                         f"got {lift!r}")
    check_rate(baseline + lift, "baseline + lift")
    return float(lift)


def check_test_settings(power: Any, alpha: Any) -> tuple[float, float]:
    """``power`` and ``alpha`` strictly between 0 and 1."""
    for name, value in (("power", power), ("alpha", alpha)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or math.isnan(value) or not 0 < value < 1:
            raise InputError(f"{name} must be a number between 0 and 1; got {value!r}")
    return float(power), float(alpha)


def _check_design(variants: Any, one_sided: Any) -> tuple[int, bool]:
    if isinstance(variants, bool) or not isinstance(variants, (int, np.integer)) or variants < 2:
        raise InputError(f"variants must be a whole number >= 2 (control included); "
                         f"got {variants!r}")
    if not isinstance(one_sided, (bool, np.bool_)):
        raise InputError(f"one_sided must be True or False; got {one_sided!r}")
    return int(variants), bool(one_sided)


def _alternative(lift: float, one_sided: bool) -> str:
    return "two-sided" if not one_sided else ("larger" if lift > 0 else "smaller")


def sample_size(baseline: float, lift: float, *, power: float = 0.8, alpha: float = 0.05,
                variants: int = 2, one_sided: bool = False) -> int:
    """Sends per variant needed to detect ``baseline`` -> ``baseline + lift`` (rates, 0-1).

    Method: Cohen's h (Cohen 1988, section 6.2) from
    ``statsmodels.stats.proportion.proportion_effectsize``, solved for the sample size of a
    two-sample z-test with ``statsmodels.stats.power.NormalIndPower``, rounded up; alpha is
    split over the ``variants - 1`` comparisons (Bonferroni). Where the rarer outcome is
    expected fewer than 20 times, the smallest size whose :func:`exact_power` reaches
    ``power`` instead (the exact power saw-tooths with the size: Chernick & Liu 2002, Am
    Stat 56:149-155; this is the first size that reaches it).

    >>> sample_size(0.10, 0.05, power=0.9)
    911
    >>> sample_size(0.05, 0.02, variants=3), sample_size(0.05, 0.02, one_sided=True)
    (2663, 1732)
    """
    NormalIndPower = library("statsmodels.stats.power").NormalIndPower
    proportion_effectsize = library("statsmodels.stats.proportion").proportion_effectsize

    baseline = check_rate(baseline, "baseline")
    lift = check_lift(baseline, lift)
    power, alpha = check_test_settings(power, alpha)
    variants, one_sided = _check_design(variants, one_sided)
    alpha_each = alpha / (variants - 1)
    h = abs(float(proportion_effectsize(baseline + lift, baseline)))
    alternative = _alternative(1.0, one_sided)
    reachable = NormalIndPower().power(effect_size=h, nobs1=MAX_SENDS, alpha=alpha_each,
                                       ratio=1.0, alternative=alternative)
    if not reachable >= power:
        raise InputError(
            f"a lift of {lift:g} from a {baseline:g} baseline is too small to detect: it "
            f"would need more than {MAX_SENDS:,} sends per variant. Plan for the smallest "
            "lift that would change what you do")
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha_each, power=power, ratio=1.0,
                                     alternative=alternative)
    # A tiny float excess (911.0000001) must not cost a whole extra send.
    n = max(2, int(math.ceil(float(n) - 1e-9)))
    if _rare(n, baseline, lift) < EXACT_BELOW:
        n = _exact_size(n, baseline, lift, power, alpha, variants, one_sided)
    return n


def _rare(n: float, baseline: float, lift: float) -> float:
    """Expected count of the rarer outcome (event or non-event) in either variant."""
    return n * min(baseline, 1 - baseline, baseline + lift, 1 - baseline - lift)


def _exact_size(start: int, baseline: float, lift: float, power: float, alpha: float,
                variants: int, one_sided: bool) -> int:
    """The first size from ``start`` up whose exact power reaches ``power``: grown by a
    quarter until it does, then bisected back to the first that does."""
    def enough(n: int) -> bool:
        return exact_power(n, baseline, lift, alpha=alpha, variants=variants,
                           one_sided=one_sided) >= power

    if enough(start):
        return start
    low, high = start, start
    while not enough(high):
        low, high = high, int(math.ceil(high * 1.25))
        if high > MAX_SENDS:
            raise InputError(f"a lift of {lift:g} from a {baseline:g} baseline cannot reach "
                             f"power {power:g} with up to {MAX_SENDS:,} sends per variant")
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if enough(mid) else (mid, high)
    return high


def exact_power(sent: int, baseline: float, lift: float, *, alpha: float = 0.05,
                variants: int = 2, one_sided: bool = False) -> float:
    """The real power of ``sent`` sends per variant: the chance that the test
    ``compare_variants`` applies calls the difference when the rates are ``baseline`` and
    ``baseline + lift``.

    Method: every outcome (x1, x2) of the two binomial counts is enumerated (outcomes
    farther than 1e-12 into either tail left out) and tested as compare_variants tests it:
    Fisher's exact test (Fisher 1935) when an expected count of the 2x2 table is below 5
    (Cochran 1954), else the pooled two-proportion z-test; power is the binomial
    probability of the outcomes it rejects at ``alpha / (variants - 1)``.

    >>> round(exact_power(392, 0, 0.01), 3)     # the size Cohen's approximation gives
    0.202
    """
    stats = library("scipy.stats")
    n = sent
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"sent must be a whole number of sends per variant, at least 1; "
                         f"got {sent!r}")
    baseline = check_rate(baseline, "baseline")
    lift = check_lift(baseline, lift)
    _, alpha = check_test_settings(0.5, alpha)
    variants, one_sided = _check_design(variants, one_sided)
    alpha_each = alpha / (variants - 1)
    p1, p2 = baseline, baseline + lift
    x1, w1 = _binomial_support(int(n), p1)
    x2, w2 = _binomial_support(int(n), p2)
    if len(x1) * len(x2) > 25_000_000:
        raise InputError(f"exact_power: {sent:,} sends at these rates are too many outcomes "
                         "to enumerate; the normal approximation (sample_size) is accurate "
                         "there")
    a, b = np.meshgrid(x1, x2, indexing="ij")          # events in control, in variant
    total = a + b
    pooled = total / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (b - a) / n / se, 0.0)
    if one_sided:
        toward = z if lift > 0 else -z
        reject = toward >= stats.norm.isf(alpha_each)
    else:
        reject = np.abs(z) >= stats.norm.isf(alpha_each / 2)
    # Equal sends: the table's smallest expected count is min(total, 2n - total) / 2.
    fisher = np.minimum(total, 2 * n - total) < 2 * FISHER_BELOW
    for t in np.unique(total[fisher]):
        cells = fisher & (total == t)
        reject[cells] = _fisher_rejects(int(n), int(t), a[cells], alpha_each,
                                        None if not one_sided else lift > 0)
    return float(w1 @ reject.astype(float) @ w2)


def _binomial_support(n: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    binom = library("scipy.stats").binom
    low = int(binom.ppf(1e-12, n, p)) if 0 < p < 1 else int(round(n * p))
    high = int(binom.isf(1e-12, n, p)) + 1 if 0 < p < 1 else int(round(n * p))
    x = np.arange(max(low - 1, 0), min(high, n) + 1)
    return x, binom.pmf(x, n, p)


def _fisher_rejects(n: int, total: int, control_events: np.ndarray, alpha: float,
                    variant_higher: bool | None) -> np.ndarray:
    """Whether Fisher's test rejects each table with ``total`` events over 2 x ``n`` sends.

    Conditional on the total, the control's events are hypergeometric; the two-sided
    p-value sums the tables no more likely than the one seen (with scipy's relative
    tolerance of 1e-7), the one-sided one the tail toward the alternative.
    """
    hypergeom = library("scipy.stats").hypergeom
    k = np.arange(max(0, total - n), min(total, n) + 1)
    pmf = hypergeom.pmf(k, 2 * n, total, n)
    if variant_higher is None:
        p = np.array([pmf[pmf <= q * (1 + 1e-7)].sum() for q in pmf])
    elif variant_higher:
        p = np.cumsum(pmf)                      # few control events = variant ahead
    else:
        p = np.cumsum(pmf[::-1])[::-1]
    rejects = dict(zip(k.tolist(), (p <= alpha).tolist()))
    return np.array([rejects[int(x)] for x in control_events], dtype=bool)


def detectable_lift(sent: int, baseline: float, *, power: float = 0.8, alpha: float = 0.05,
                    variants: int = 2, one_sided: bool = False) -> float:
    """The smallest upward lift in rate that ``sent`` sends per variant detect (inverse of
    :func:`sample_size`).

    Method: ``NormalIndPower().solve_power`` solved for Cohen's h (Cohen 1988, section 6.2) at
    ``sent`` per variant, then h turned back into a rate by inverting its definition,
    p2 = sin(asin(sqrt(baseline)) + h/2)^2; where the rarer outcome is expected fewer than
    20 times, the smallest lift whose :func:`exact_power` reaches ``power`` (bisection).
    NaN when no rate up to 100% is detectable.

    >>> round(detectable_lift(2199, 0.05), 4)
    0.02
    """
    NormalIndPower = library("statsmodels.stats.power").NormalIndPower

    if isinstance(sent, bool) or not isinstance(sent, (int, float, np.number)) or not sent >= 2:
        raise InputError(f"sent must be a number of sends per variant, at least 2; got {sent!r}")
    baseline = check_rate(baseline, "baseline")
    power, alpha = check_test_settings(power, alpha)
    variants, one_sided = _check_design(variants, one_sided)
    alpha_each = alpha / (variants - 1)
    h = NormalIndPower().solve_power(nobs1=float(sent), alpha=alpha_each, power=power,
                                     ratio=1.0, alternative=_alternative(1.0, one_sided),
                                     effect_size=None)
    angle = math.asin(math.sqrt(baseline)) + float(h) / 2
    lift = math.sin(angle) ** 2 - baseline if angle <= math.pi / 2 else float("nan")
    approximate = not math.isnan(lift) and _rare(sent, baseline, lift) >= EXACT_BELOW
    if approximate or baseline == 1 or not float(sent).is_integer():
        return lift
    return _exact_lift(int(sent), baseline, power, alpha, variants, one_sided)


def _exact_lift(n: int, baseline: float, power: float, alpha: float, variants: int,
                one_sided: bool) -> float:
    """The smallest upward lift whose exact power at ``n`` reaches ``power`` (bisection,
    keeping the side that reaches it), NaN when even 100% does not."""
    def enough(lift: float) -> bool:
        return exact_power(n, baseline, lift, alpha=alpha, variants=variants,
                           one_sided=one_sided) >= power

    low, high = 0.0, 1 - baseline
    if not enough(high):
        return float("nan")
    while high - low > 1e-7:
        mid = (low + high) / 2
        low, high = (low, mid) if enough(mid) else (mid, high)
    return high


def sends_still_needed(sent: int, baseline: float, lift: float, *, level: float = 0.95,
                       power: float = 0.8, variants: int = 2, one_sided: bool = False) -> int:
    """How many more sends per variant a test needs to detect ``lift``, having ``sent``.

    For a verdict's "about N more sends" advice. Pass the **planned** lift (the smallest
    one worth finding, fixed before the test) and the comparison's confidence ``level``,
    never the gap observed so far: a size chosen from the data makes the next verdict
    depend on the same noise, and following the advice raises the false-call rate
    (issue 20). Looking again after these sends is a second look: to look as often as you
    like, plan with :func:`~smartlead_nb.analysis.plan_test` and judge with
    :func:`~smartlead_nb.analysis.monitor_variants` instead.

    Method: :func:`sample_size` at alpha = 1 - level, minus the sends so far (0 when
    already enough).

    >>> sends_still_needed(1500, 0.05, 0.02)
    699
    >>> sends_still_needed(1500, 0.05, 0.02, level=0.99)
    1772
    """
    if isinstance(level, bool) or not isinstance(level, (int, float, np.number)) \
            or not 0 < level < 1:
        raise InputError(f"level must be a number between 0 and 1 (e.g. 0.95); got {level!r}")
    if isinstance(sent, bool) or not isinstance(sent, (int, np.integer)) or sent < 0:
        raise InputError(f"sent must be a whole number of sends per variant >= 0; got {sent!r}")
    needed = sample_size(baseline, lift, power=power, alpha=1 - float(level),
                         variants=variants, one_sided=one_sided)
    return max(0, needed - int(sent))
