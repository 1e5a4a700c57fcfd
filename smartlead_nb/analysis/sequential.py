"""A/B tests you may look at every day: plan the size, then judge each look safely.

Looking at a fixed-size test every day and stopping at the first "significant" day calls a
false winner far more often than its 5% (Armitage, McPherson & Rowe 1969, J R Stat Soc A
132:235-244). Here every look uses an **always-valid confidence sequence** for the
difference of two rates: an interval that holds at every look at once, however many looks
there are and whenever they happen (daily, twice on Monday, after a week away), so stopping
at the first look whose interval excludes zero keeps the false-winner rate below alpha.

Method: the normal-mixture boundary of the mixture sequential probability ratio test
(Robbins 1970, Ann Math Stat 41:1397-1409), in the form of Howard, Ramdas, McAuliffe &
Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann Stat
49:1055-1080 (one-sided half-normal mixture, section 3 and Proposition 6), applied to the
difference of two rates with its plug-in variance as in Johari, Koomen, Pekelis & Walsh
2022, "Always valid inference: continuous monitoring of A/B tests", Oper Res 70:1806-1821
(valid asymptotically: Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas 2024, "Time-uniform
central limit theory and asymptotic confidence sequences", Ann Stat 52:2613-2640). The
mixture is tuned so that the interval is narrowest at the planned size (Howard et al. 2021,
section 3.5); two sides are two one-sided sequences at alpha/2 each, and several variants of
a step are compared with the control at alpha/(variants - 1) each (Bonferroni).

The planned size (:func:`plan_test`) is the number of sends per variant at which the
sequence finds the planned lift with the planned power when the test is looked at
throughout; that power is computed by the recursive numerical integration of group
sequential designs (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, Group
Sequential Methods with Applications to Clinical Trials, chapter 19), as implemented by
``gsdesign`` (a port of the R package gsDesign's integration routines).

Why not a ready-made engine (evaluated December 2026, with this project's pandas 3 and
numpy 2): Spotify's ``spotify-confidence`` 4.1 requires pandas < 3; GrowthBook's
``gbstats`` 0.8 requires pandas < 2 and numpy < 2 (its sequential mode is the same
Howard et al. mixture used here); ``savvi`` 0.3 (Lindon & Malek 2022) solves a convex program
with cvxpy at every look (~15 ms a look, too slow for a Monte Carlo of daily looks), judges
the ratio of rates from conversions alone and has no planning; ``confseq`` (Howard's own)
does not build on Python 3.11 without a C++ toolchain and Boost; statsmodels 0.14 has no
sequential tests. ``gsdesign`` fits the one part it does (the integration), so it is used
for exactly that, pinned in the ``analysis`` extra.

>>> plan = plan_test(0.05, 0.03)
>>> plan.sends_per_variant, plan.fixed_sends
(1818, 1047)
>>> result = sequential_test(60, 1000, 30, 1000, plan=plan)   # 6% vs 3% after 1,000 each
>>> str(result.decision), round(float(result.low), 4), round(float(result.high), 4)
('stop: B beats A', 0.0019, 0.0581)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError
from ._deps import library
from .power import check_lift, check_rate, check_test_settings, sample_size

# Plans with looks=None are sized for this many equally spaced looks (about daily over a
# month); with 10 to 200 looks the power stays within 0.02 of the plan, with one look at
# the end it is 0.74 for a plan of 0.8 (tests/analysis/test_sequential.py).
DEFAULT_LOOKS = 30
# More planned looks than this put looks so close together that the integration's grid
# can no longer resolve the step between them (its power exceeds 1 at 1,000 looks).
MAX_LOOKS = 365
# Without a plan the mixture is tuned for a lift of this size (2 points): any fixed tuning
# keeps the error rate; the tuning only moves where the interval is narrowest.
DEFAULT_LIFT = 0.02
# Grid size of the numerical integration (gsDesign's default r = 18).
GRID = 18

CONTINUE = "continue"
NO_DIFFERENCE = "stop: no worthwhile difference"


@dataclass(frozen=True, repr=False)
class TestPlan:
    """What :func:`plan_test` decided: how many sends, which looks, which boundary.

    ``boundary`` has one row per planned look: the sends per variant by then, the z value
    the difference must reach (``z_boundary``) and, at the baseline rate, the gap in rate
    that would stop the test there (``gap_to_stop``). Looks at other times are just as
    valid: the boundary is a function of the information at the look, not of the look's
    number.

    >>> plan_test(0.05, 0.03)
    TestPlan(1,818 sends per variant to find 5% -> 8% with power 0.8 at alpha 0.05 two-sided, 2 variants, any looks (sized for 30); one look at the end would need 1,047)
    """
    __test__ = False          # not a pytest test class, despite its name

    baseline: float
    lift: float
    variants: int
    power: float
    alpha: float
    one_sided: bool
    looks: int | None
    sends_per_variant: int
    fixed_sends: int          # what one look at the end would need (sample_size)
    mixing_sd: float          # the mixture's standard deviation, in rate (0-1)
    boundary: pd.DataFrame = field(compare=False)

    @property
    def comparisons(self) -> int:
        """Comparisons with the control that share alpha: ``variants - 1``."""
        return self.variants - 1

    def __repr__(self) -> str:
        sides = "one-sided" if self.one_sided else "two-sided"
        looks = f"{self.looks} looks" if self.looks else f"any looks (sized for {DEFAULT_LOOKS})"
        return (f"TestPlan({self.sends_per_variant:,} sends per variant to find "
                f"{_pct(self.baseline)} -> {_pct(self.baseline + self.lift)} with power "
                f"{self.power:g} at alpha {self.alpha:g} {sides}, {self.variants} variants, "
                f"{looks}; one look at the end would need {self.fixed_sends:,})")


class SequentialResult(NamedTuple):
    """One always-valid comparison per element (arrays of the inputs' shape)."""
    diff: np.ndarray          # variant rate minus control rate
    low: np.ndarray           # always-valid interval for diff
    high: np.ndarray
    p_value: np.ndarray       # always-valid p-value, Bonferroni-adjusted for the comparisons
    decision: np.ndarray      # "continue", "stop: B beats A", ...


def plan_test(baseline: float, lift: float, *, variants: int = 2, power: float = 0.8,
              alpha: float = 0.05, looks: int | None = None,
              one_sided: bool = False) -> TestPlan:
    """Sends per variant for a test you may look at every day, and its boundary.

    Args:
        baseline: the control's expected rate (0.05 for 5%).
        lift: the smallest change worth finding, in rate (0.03 for 3 points).
        variants: variants in the step, control included; alpha is split across the
            ``variants - 1`` comparisons with the control (Bonferroni).
        power: the chance of finding ``lift`` by the planned size.
        alpha: the chance of ever calling a winner when there is no difference.
        looks: how many equally spaced looks to size for; None (the default) means "as
            often as you like" and sizes for 30. Looking more or less often never
            changes alpha, only the power a little.
        one_sided: only ask whether the variant is better than the control.

    Method: the size is the smallest at which the confidence sequence described in this
    module's docstring crosses its boundary with probability ``power`` when the true lift
    is ``lift`` (rates' variance under the plan, normal approximation; recursive numerical
    integration by ``gsdesign``, Jennison & Turnbull 2000 ch. 19); a look at which the
    interval lies within ``lift`` of zero stops the test for no worthwhile difference.

    >>> plan = plan_test(0.05, 0.03, looks=3)
    >>> plan.boundary
       look  sends_per_variant  z_boundary  gap_to_stop
    0     1                656    3.159805     0.038025
    1     2               1311    3.049517     0.025959
    2     3               1966    3.035890     0.021104
    """
    baseline, lift, variants, power, alpha, looks = _plan_inputs(
        baseline, lift, variants, power, alpha, looks, one_sided)
    alpha_side = _alpha_per_side(alpha, variants - 1, one_sided)
    k = looks or DEFAULT_LOOKS
    rho = _best_mixing(alpha_side)
    drift = _drift_for_power(k, alpha_side, power)
    # Var(rate difference) per send per variant under the plan: p1(1-p1) + p2(1-p2).
    spread = baseline * (1 - baseline) + (baseline + lift) * (1 - baseline - lift)
    n = math.ceil((drift / abs(lift)) ** 2 * spread - 1e-9)
    fraction = np.arange(1, k + 1) / k
    z = _boundary(rho * fraction, alpha_side)
    sends = np.ceil(n * fraction - 1e-9).astype(np.int64)
    null_sd = np.sqrt(2 * baseline * (1 - baseline) / sends)
    boundary = pd.DataFrame({"look": np.arange(1, k + 1), "sends_per_variant": sends,
                             "z_boundary": z, "gap_to_stop": z * null_sd})
    fixed = sample_size(baseline, lift, power=power, alpha=alpha, variants=variants,
                        one_sided=one_sided)
    return TestPlan(baseline=baseline, lift=lift, variants=variants, power=power, alpha=alpha,
                    one_sided=bool(one_sided), looks=looks, sends_per_variant=n,
                    fixed_sends=fixed, mixing_sd=math.sqrt(rho * spread / n),
                    boundary=boundary)


def sequential_test(events: Any, sent: Any, control_events: Any, control_sent: Any, *,
                    plan: TestPlan | None = None, comparisons: int | None = None,
                    higher_is_better: bool = True, label: Any = "B",
                    control_label: Any = "A") -> SequentialResult:
    """The always-valid comparison of ``events/sent`` with ``control_events/control_sent``.

    The counts-level engine of :func:`monitor_variants`, vectorised: pass arrays (one
    element per campaign and look, say) to simulate many campaigns at once. ``plan``
    supplies alpha, the sides, the mixture's tuning and the lift below which a difference
    is not worth having; without one, alpha is 0.05 two-sided, the mixture is tuned for a
    2-point lift and "no worthwhile difference" is never said. ``comparisons`` (default:
    the plan's ``variants - 1``, else 1) is how many comparisons share alpha; ``label`` and
    ``control_label`` (one each, or one per element) name the two in the decisions.

    A look with no variance yet (no events at all, or every send an event) decides nothing.

    >>> r = sequential_test([5, 60], [100, 1000], [2, 30], [100, 1000])
    >>> r.decision.tolist()
    ['continue', 'stop: B beats A']
    >>> [round(float(p), 4) for p in r.p_value]
    [1.0, 0.0399]
    """
    e, n, ce, cn = (np.asarray(a, dtype=float) for a in (events, sent, control_events,
                                                          control_sent))
    for name, (x, total) in {"events": (e, n), "control_events": (ce, cn)}.items():
        if np.any(x < 0) or np.any(x > total) or np.any(np.isnan(x)) or np.any(np.isnan(total)):
            raise InputError(f"sequential_test: {name} must be counts between 0 and the sends")
    alpha, one_sided, lift = (plan.alpha, plan.one_sided, abs(plan.lift)) if plan \
        else (0.05, False, None)
    m = comparisons if comparisons is not None else (plan.comparisons if plan else 1)
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise InputError(f"comparisons must be a whole number >= 1; got {comparisons!r}")
    alpha_side = _alpha_per_side(alpha, int(m), one_sided)
    sigma2 = plan.mixing_sd ** 2 if plan else _default_mixing_variance(alpha_side)

    with np.errstate(divide="ignore", invalid="ignore"):
        rate, ctrl = e / n, ce / cn
        diff = rate - ctrl
        var = rate * (1 - rate) / n + ctrl * (1 - ctrl) / cn
    known = np.isfinite(var) & (var > 0)
    safe_var = np.where(known, var, 1.0)
    rho = sigma2 / safe_var
    half = _boundary(rho, alpha_side) * np.sqrt(safe_var)
    low = np.where(known, np.clip(diff - half, -1, 1), -1.0)
    high = np.where(known, np.clip(diff + half, -1, 1), 1.0)
    z = np.where(known, diff, 0.0) / np.sqrt(safe_var)
    better = z if higher_is_better else -z
    # p-value: the smallest alpha at which the interval would exclude 0 (so the two agree)
    log_lr = _log_mixture_ratio(better if one_sided else np.abs(z), rho)
    p = np.exp(-log_lr) * m * (1 if one_sided else 2)
    p_value = np.where(known, np.minimum(p, 1.0), 1.0)

    up, down = (low > 0, high < 0) if higher_is_better else (high < 0, low > 0)
    wins = known & up
    loses = known & down & (not one_sided)
    decision = np.full(np.shape(diff), CONTINUE, dtype=object)
    if lift is not None:
        gain_high = high if higher_is_better else -low
        gain_low = low if higher_is_better else -high
        small = (gain_high < lift) if one_sided else (gain_high < lift) & (gain_low > -lift)
        decision[known & small & ~wins & ~loses] = NO_DIFFERENCE
    names = np.broadcast_to(np.asarray(label, dtype=object), decision.shape)
    controls = np.broadcast_to(np.asarray(control_label, dtype=object), decision.shape)
    decision[wins] = "stop: " + names[wins].astype(str).astype(object) + " beats " \
        + controls[wins].astype(str).astype(object)
    decision[loses] = "stop: " + controls[loses].astype(str).astype(object) + " beats " \
        + names[loses].astype(str).astype(object)
    return SequentialResult(diff, low, high, p_value, decision)


# --- the mixture boundary --------------------------------------------------------------
def _log_mixture_ratio(z: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """log of the half-normal mixture likelihood ratio at standardised difference ``z``.

    With the estimate's variance V and the mixture's variance sigma^2 (rho = sigma^2 / V),
    mixing the Gaussian likelihood ratio over a half-normal prior on the effect gives
    2 / sqrt(1 + rho) * exp(z^2 rho / (2 (1 + rho))) * Phi(z sqrt(rho / (1 + rho)))
    (Howard et al. 2021, Proposition 6, in the units of the estimate).
    """
    log_ndtr = library("scipy.special").log_ndtr
    rho = np.asarray(rho, dtype=float)
    shrink = rho / (1 + rho)
    return (math.log(2) - 0.5 * np.log1p(rho) + 0.5 * z * z * shrink
            + log_ndtr(z * np.sqrt(shrink)))


def _boundary(rho: Any, alpha_side: float) -> np.ndarray:
    """The z a look must reach: the root of log-ratio = log(1/alpha_side), per element.

    Newton's method from the root without the Phi factor (Robbins' closed form, which lies
    just below it): the log-ratio is increasing and smooth, and six steps reach the root to
    1e-11 for rho from 1e-6 to 1e6 (tests/analysis/test_sequential.py checks against
    bisection).
    """
    log_ndtr = library("scipy.special").log_ndtr
    rho = np.asarray(rho, dtype=float)
    target = math.log(1 / alpha_side)
    shrink = rho / (1 + rho)
    root = np.sqrt(shrink)
    z = np.sqrt(np.maximum(0.0, (2 * (target - math.log(2)) + np.log1p(rho)) / shrink))
    for _ in range(6):
        x = z * root
        excess = _log_mixture_ratio(z, rho) - target
        # d/dz log Phi(z root) = root phi(x) / Phi(x), computed on the log scale
        mills = np.exp(-0.5 * x * x - 0.5 * math.log(2 * math.pi) - log_ndtr(x))
        z = z - excess / (z * shrink + root * mills)
    return z


@lru_cache(maxsize=64)
def _best_mixing(alpha_side: float) -> float:
    """rho = sigma^2 / V at which the boundary (so the interval) is narrowest: the mixture
    is tuned so that this happens at the planned size (Howard et al. 2021, section 3.5)."""
    minimize_scalar = library("scipy.optimize").minimize_scalar
    found = minimize_scalar(lambda log_rho: float(_boundary(math.exp(log_rho), alpha_side)),
                            bounds=(-5.0, 12.0), method="bounded",
                            options={"xatol": 1e-6})
    return math.exp(found.x)


def _default_mixing_variance(alpha_side: float) -> float:
    """sigma^2 for monitoring without a plan: as plan_test would tune it for DEFAULT_LIFT
    (sigma is proportional to the planned lift, whatever the baseline)."""
    drift = _drift_for_power(DEFAULT_LOOKS, alpha_side, 0.8)
    return _best_mixing(alpha_side) * (DEFAULT_LIFT / drift) ** 2


# --- power by recursive numerical integration ---------------------------------------------
def crossing_probabilities(lower: Any, upper: Any, information: Any,
                           drift: float = 0.0) -> tuple[float, float]:
    """P(the z statistic first leaves (lower_k, upper_k) above / below), over the looks.

    Z_k = theta_hat_k sqrt(I_k) with increments independent and Z_k ~ N(drift sqrt(I_k), 1):
    the canonical joint distribution of group sequential tests (Jennison & Turnbull 2000,
    chapter 3), integrated recursively look by look (chapter 19) by ``gsdesign``'s ``h1``
    and ``hupdate`` (Simpson's rule on gsDesign's grid). Use -inf / inf for no bound.

    >>> up, down = crossing_probabilities([-2.413] * 5, [2.413] * 5, [1, 2, 3, 4, 5])
    >>> round(up + down, 4)        # Pocock's 5-look boundary: alpha 0.05 in all
    0.05
    """
    gsdesign = library("gsdesign")
    lower, upper, info = (np.asarray(a, dtype=float) for a in (lower, upper, information))
    if not (lower.shape == upper.shape == info.shape) or info.ndim != 1 or not len(info):
        raise InputError("crossing_probabilities: lower, upper and information must be "
                         "equally long lists")
    if np.any(np.diff(info) <= 0) or info[0] <= 0:
        raise InputError("crossing_probabilities: information must be positive and increase")
    above = below = 0.0
    previous = None
    for k, (a, b, i) in enumerate(zip(lower, upper, info)):
        if previous is None:
            def density(lo, hi, prev=None, i_prev=None):   # the signature of the one below
                return gsdesign.h1(GRID, drift, i, lo, hi)
        else:
            def density(lo, hi, prev=previous, i_prev=info[k - 1]):
                return gsdesign.hupdate(GRID, drift, i, lo, hi, drift, i_prev, prev)
        if np.isfinite(b):
            above += float(density(b, np.inf)[2].sum())
        if np.isfinite(a):
            below += float(density(-np.inf, a)[2].sum())
        if a >= b:
            break                # every path has stopped
        previous = density(a, b)
    return above, below


@lru_cache(maxsize=64)
def _drift_for_power(looks: int, alpha_side: float, power: float) -> float:
    """The standardised lift at the planned size, lift / sd(diff at n), that gives ``power``.

    The boundary in z depends only on the looks' fractions of the planned size (rho_k =
    rho* k/K), so the plan reduces to one number, found by root finding (brentq) on the
    integrated power; the futility line (interval within the lift of 0) is the lower bound.
    """
    brentq = library("scipy.optimize").brentq
    fraction = np.arange(1, looks + 1) / looks
    upper = _boundary(_best_mixing(alpha_side) * fraction, alpha_side)

    def power_at(drift: float) -> float:
        lower = np.maximum(-upper, drift * np.sqrt(fraction) - upper)
        return crossing_probabilities(lower, upper, fraction, drift)[0]

    return float(brentq(lambda d: power_at(d) - power, 0.1, 40.0, xtol=1e-7))


# --- inputs ------------------------------------------------------------------------------
def _alpha_per_side(alpha: float, comparisons: int, one_sided: bool) -> float:
    return alpha / comparisons / (1 if one_sided else 2)


def _plan_inputs(baseline, lift, variants, power, alpha, looks, one_sided):
    baseline = check_rate(baseline, "baseline")
    lift = check_lift(baseline, lift)
    power, alpha = check_test_settings(power, alpha)
    if isinstance(variants, bool) or not isinstance(variants, (int, np.integer)) or variants < 2:
        raise InputError(f"variants must be a whole number >= 2 (control included); "
                         f"got {variants!r}")
    if looks is not None and (isinstance(looks, bool) or not isinstance(looks, (int, np.integer))
                              or not 1 <= looks <= MAX_LOOKS):
        raise InputError(f"looks must be a whole number from 1 to {MAX_LOOKS}, or None for "
                         f"'as often as you like'; got {looks!r}")
    if not isinstance(one_sided, (bool, np.bool_)):
        raise InputError(f"one_sided must be True or False; got {one_sided!r}")
    if power <= alpha:
        raise InputError(f"power ({power:g}) must exceed alpha ({alpha:g})")
    return baseline, lift, int(variants), power, alpha, (int(looks) if looks else None)


def _pct(rate: float) -> str:
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + "%"

