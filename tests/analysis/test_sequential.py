"""plan_test and sequential_test: the integration against published group-sequential
values, the mixture boundary against Robbins' closed form and against every look schedule,
and Monte Carlo checks of daily looks bounded by replicates (never by time)."""

import math

import numpy as np
import pytest
from scipy.stats import binom, norm

from smartlead_nb.analysis import TestPlan, plan_test, sequential_test, simulate_looks
from smartlead_nb.analysis.sequential import (
    DEFAULT_LOOKS, _best_mixing, _boundary, _drift_for_power, crossing_probabilities)
from smartlead_nb.errors import InputError


# --- the integration against published values -------------------------------------------
# Jennison & Turnbull (2000), Group Sequential Methods, chapter 2: two-sided tests at alpha
# 0.05 with K equally spaced looks. Pocock's constant C_P(K) and O'Brien & Fleming's C_B(K)
# (boundary C_B sqrt(K/k) at look k), and the inflation factors R(K) by which the maximum
# size exceeds a fixed test's for power 0.8 and 0.9.
POCOCK = {2: (2.178, 1.110, 1.100), 3: (2.289, 1.166, 1.151), 4: (2.361, 1.202, 1.183),
          5: (2.413, 1.229, 1.207)}
OBRIEN_FLEMING = {2: (1.977, 1.008, 1.007), 3: (2.004, 1.017, 1.016),
                  4: (2.024, 1.024, 1.022), 5: (2.040, 1.028, 1.026)}


@pytest.mark.parametrize("k", [2, 3, 4, 5])
@pytest.mark.parametrize("design", ["Pocock", "O'Brien-Fleming"])
def test_integration_reproduces_published_boundaries_and_inflation_factors(design, k):
    constant, r80, r90 = (POCOCK if design == "Pocock" else OBRIEN_FLEMING)[k]
    looks = np.arange(1, k + 1)
    upper = np.full(k, constant) if design == "Pocock" else constant * np.sqrt(k / looks)
    info = looks / k
    # under no difference the boundary is crossed (either side) with probability alpha
    assert sum(crossing_probabilities(-upper, upper, info)) == pytest.approx(0.05, abs=3e-4)
    # at R times the fixed size, a true effect is found with the tabled power (the tables
    # round R to three decimals, so power agrees to about 0.001)
    for inflation, power in ((r80, 0.8), (r90, 0.9)):
        drift = (norm.isf(0.025) + norm.isf(1 - power)) * math.sqrt(inflation)
        found = crossing_probabilities(-upper, upper, info, drift)[0]
        assert found == pytest.approx(power, abs=1.5e-3)


def test_one_look_is_the_fixed_sample_normal_test():
    above, below = crossing_probabilities([-1.96], [1.96], [1.0], drift=2.8)
    assert above == pytest.approx(norm.sf(1.96 - 2.8), abs=1e-6)   # Simpson on an 18-point grid
    assert below == pytest.approx(norm.cdf(-1.96 - 2.8), rel=0.01)


# --- the mixture boundary -------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [0.05, 0.01])
@pytest.mark.parametrize("rho", [0.5, 3.0, 8.0, 50.0])
def test_two_halves_match_robbins_symmetric_normal_mixture(alpha, rho):
    # Robbins (1970): the symmetric normal mixture crosses at
    # z^2 = (1 + rho) / rho * (2 log(1/alpha) + log(1 + rho)). Two one-sided half-normal
    # mixtures at alpha/2 each differ from it only by the factor Phi(.) < 1, which is close
    # to 1 where the boundary lies: slightly wider, never narrower.
    robbins = math.sqrt((1 + rho) / rho * (2 * math.log(1 / alpha) + math.log(1 + rho)))
    ours = float(_boundary(rho, alpha / 2))
    assert robbins <= ours <= robbins * 1.01


@pytest.mark.parametrize("schedule", ["equal 365", "geometric 100", "geometric 300", "late 50"])
def test_no_look_schedule_spends_more_than_alpha(schedule):
    """Ville's inequality, checked by integration: with no difference, the two-sided
    boundary tuned to the plan is crossed with probability at most alpha however the looks
    are spread (from 1/100 to 100 times the planned size)."""
    alpha_side = 0.025
    rho = _best_mixing(alpha_side)
    kind, count = schedule.split()
    fraction = {"equal": lambda n: np.arange(1, n + 1) / n,
                "geometric": lambda n: np.geomspace(0.01, 100, n),
                "late": lambda n: np.linspace(1, 100, n)}[kind](int(count))
    upper = _boundary(rho * fraction, alpha_side)
    crossed = sum(crossing_probabilities(-upper, upper, fraction))
    assert 0 < crossed <= 0.05


def test_power_hardly_depends_on_how_often_you_look():
    # the plan (looks=None) is sized for DEFAULT_LOOKS; the docs promise 10-200 looks within
    # 0.02 of the planned 0.8, and say one look at the end gives 0.74
    alpha_side = 0.025
    drift = _drift_for_power(DEFAULT_LOOKS, alpha_side, 0.8)
    rho = _best_mixing(alpha_side)

    def power(k):
        fraction = np.arange(1, k + 1) / k
        upper = _boundary(rho * fraction, alpha_side)
        lower = np.maximum(-upper, drift * np.sqrt(fraction) - upper)
        return crossing_probabilities(lower, upper, fraction, drift)[0]

    assert power(DEFAULT_LOOKS) == pytest.approx(0.8, abs=1e-4)
    for k in (10, 60, 200):
        assert power(k) == pytest.approx(0.8, abs=0.02), k
    assert power(1) == pytest.approx(0.74, abs=0.005)


# --- plan_test -----------------------------------------------------------------------------
def test_plan_is_a_larger_size_than_one_look_and_states_its_boundary():
    plan = plan_test(0.05, 0.03)
    assert isinstance(plan, TestPlan)
    assert plan.fixed_sends == 1047                  # sample_size(0.05, 0.03)
    assert 1.5 * plan.fixed_sends < plan.sends_per_variant < 2 * plan.fixed_sends
    assert len(plan.boundary) == DEFAULT_LOOKS
    assert plan.boundary["sends_per_variant"].iloc[-1] == plan.sends_per_variant
    # the boundary falls as information grows, to its minimum at the planned size
    z = plan.boundary["z_boundary"].to_numpy()
    assert (np.diff(z) < 0).all() and z[-1] == pytest.approx(z.min())
    assert "1,818 sends per variant" in repr(plan) and "1,047" in repr(plan)


def test_plan_grows_with_variants_power_and_smaller_lifts_and_shrinks_one_sided():
    base = plan_test(0.05, 0.03).sends_per_variant
    assert plan_test(0.05, 0.03, variants=3).sends_per_variant > base
    assert plan_test(0.05, 0.03, power=0.9).sends_per_variant > base
    assert plan_test(0.05, 0.02).sends_per_variant > base
    assert plan_test(0.05, 0.03, one_sided=True).sends_per_variant < base
    assert plan_test(0.05, 0.03, looks=5).sends_per_variant > base       # fewer looks
    # a drop is planned like a rise of the same size from the other rate's side
    assert plan_test(0.08, -0.03).sends_per_variant == base


@pytest.mark.parametrize("kwargs, message", [
    ({"baseline": 1.2, "lift": 0.01}, "baseline must be a rate"),
    ({"baseline": 0.05, "lift": 0}, "lift must be a non-zero change"),
    ({"baseline": 0.99, "lift": 0.02}, r"baseline \+ lift must be a rate"),
    ({"baseline": 0.05, "lift": 0.02, "variants": 1}, "variants must be a whole number >= 2"),
    ({"baseline": 0.05, "lift": 0.02, "variants": 2.5}, "variants must be a whole number"),
    ({"baseline": 0.05, "lift": 0.02, "looks": 0}, "looks must be a whole number from 1 to 365"),
    ({"baseline": 0.05, "lift": 0.02, "looks": 1000}, "looks must be a whole number"),
    ({"baseline": 0.05, "lift": 0.02, "looks": True}, "looks must be a whole number"),
    ({"baseline": 0.05, "lift": 0.02, "one_sided": "yes"}, "one_sided must be True or False"),
    ({"baseline": 0.05, "lift": 0.02, "power": 0.04}, r"power \(0.04\) must exceed alpha"),
    ({"baseline": 0.05, "lift": 0.02, "alpha": 0}, "alpha must be a number between 0 and 1"),
    ({"baseline": "5%", "lift": 0.02}, "baseline must be a rate"),
])
def test_plan_refuses_bad_input_with_a_reason(kwargs, message):
    with pytest.raises(InputError, match=message):
        plan_test(kwargs.pop("baseline"), kwargs.pop("lift"), **kwargs)


# --- sequential_test -------------------------------------------------------------------------
def test_p_value_and_interval_always_agree():
    rng = np.random.default_rng(5)
    n, cn = rng.integers(50, 5000, 2000), rng.integers(50, 5000, 2000)
    e, ce = binom.rvs(n, 0.06, random_state=rng), binom.rvs(cn, 0.05, random_state=rng)
    plan = plan_test(0.05, 0.02, variants=3)
    for kwargs in ({}, {"plan": plan}, {"plan": plan_test(0.05, 0.02, one_sided=True)}):
        r = sequential_test(e, n, ce, cn, **kwargs)
        excludes_zero = (r.low > 0) | (r.high < 0)
        if kwargs.get("plan") is not None and kwargs["plan"].one_sided:
            excludes_zero = r.low > 0
        assert ((r.p_value <= (plan.alpha if kwargs else 0.05)) == excludes_zero).all()
        assert ((r.low <= r.diff) & (r.diff <= r.high)).all()
        assert ((r.low >= -1) & (r.high <= 1)).all()
        assert 0 < excludes_zero.mean() < 1           # both outcomes occur in this set


def test_decisions_winner_loser_no_difference_and_continue():
    plan = plan_test(0.05, 0.03)
    r = sequential_test([90, 20, 500, 5], [1500, 1500, 10000, 100],
                        [45, 45, 510, 4], [1500, 1500, 10000, 100], plan=plan,
                        label="B", control_label="A")
    assert r.decision.tolist() == ["stop: B beats A", "stop: A beats B",
                                   "stop: no worthwhile difference", "continue"]
    # without a plan there is no lift to rule out
    r = sequential_test([500], [10000], [510], [10000])
    assert r.decision.tolist() == ["continue"]


def test_lower_is_better_metric_names_the_lower_rate_the_winner():
    r = sequential_test([20], [1500], [90], [1500], higher_is_better=False,
                        label="B", control_label="A")
    assert r.decision.tolist() == ["stop: B beats A"]


def test_one_sided_plan_never_calls_the_control_the_winner():
    plan = plan_test(0.05, 0.03, one_sided=True)
    r = sequential_test([20, 150], [1500, 1500], [90, 50], [1500, 1500], plan=plan)
    assert r.decision.tolist() == ["stop: no worthwhile difference", "stop: B beats A"]


def test_more_comparisons_widen_the_interval_like_bonferroni():
    plan = plan_test(0.05, 0.03)              # one plan: one mixture, alpha split three ways
    one = sequential_test(80, 1500, 50, 1500, plan=plan, comparisons=1)
    three = sequential_test(80, 1500, 50, 1500, plan=plan, comparisons=3)
    assert three.low < one.low and three.high > one.high
    assert float(three.p_value) == pytest.approx(min(1.0, 3 * float(one.p_value)))


def test_no_variance_yet_decides_nothing():
    r = sequential_test([0, 30], [30, 30], [0, 30], [30, 30])
    assert r.decision.tolist() == ["continue", "continue"]
    assert r.p_value.tolist() == [1.0, 1.0]
    assert r.low.tolist() == [-1.0, -1.0] and r.high.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("args, message", [
    ((11, 10, 1, 10), "events must be counts between 0 and the sends"),
    ((1, 10, -1, 10), "control_events must be counts"),
    ((float("nan"), 10, 1, 10), "events must be counts"),
])
def test_sequential_test_refuses_impossible_counts(args, message):
    with pytest.raises(InputError, match=message):
        sequential_test(*args)


def test_sequential_test_refuses_bad_comparisons():
    for bad in (0, 1.5, True):
        with pytest.raises(InputError, match="comparisons must be a whole number >= 1"):
            sequential_test(5, 10, 1, 10, comparisons=bad)


# --- Monte Carlo: daily looks, leads added every day -----------------------------------------
# Bounded by replicates. 4,000 campaigns give the false-winner rate a Monte Carlo standard
# error of at most sqrt(0.055 * 0.945 / 4000) = 0.0036 near the bound (0.002 at the ~1.5%
# observed), so a method whose real rate were 6.5% would fail the bound with probability
# above 0.99; 2,000 campaigns give power a standard error of 0.009 against a 0.05 tolerance.
CAMPAIGNS_NULL = 4000
CAMPAIGNS_POWER = 2000


@pytest.mark.parametrize("baseline, lift, variants", [(0.05, 0.03, 2), (0.01, 0.02, 2),
                                                       (0.05, 0.03, 3)])
def test_false_winner_rate_over_60_daily_looks_is_at_most_alpha_plus_half_a_point(
        baseline, lift, variants):
    plan = plan_test(baseline, lift, variants=variants)
    # the planned size matures at look 40, and the analyst keeps looking to look 60
    runs = simulate_looks(plan, baseline, baseline, campaigns=CAMPAIGNS_NULL, looks=60,
                          sends_per_day=2 * plan.sends_per_variant / 40, seed=11)
    false_winner = runs["monitor"].str.contains("beats").mean()
    assert false_winner <= plan.alpha / plan.comparisons + 0.005
    # the same campaigns judged by a fixed test every day: the peeking the monitor prevents
    # (this also shows the simulation can find a false winner when there is one)
    assert runs["peeking"].str.contains("beats").mean() > 0.15


@pytest.mark.parametrize("baseline, lift, one_sided", [(0.05, 0.03, False), (0.02, 0.01, False),
                                                        (0.10, -0.04, False), (0.05, 0.03, True)])
def test_power_at_the_planned_size_is_within_five_points_of_the_plan(baseline, lift, one_sided):
    plan = plan_test(baseline, lift, one_sided=one_sided)
    # a look every day until the planned size has matured (60 looks)
    runs = simulate_looks(plan, baseline, baseline + lift, campaigns=CAMPAIGNS_POWER, looks=60,
                          seed=12)
    winner = "stop: B beats A" if lift > 0 else "stop: A beats B"
    found = (runs["monitor"] == winner).mean()
    assert found == pytest.approx(plan.power, abs=0.05)


def test_boundary_is_the_root_of_the_mixture_ratio_found_by_bisection():
    from smartlead_nb.analysis.sequential import _log_mixture_ratio
    rho = np.geomspace(1e-6, 1e6, 400)
    for alpha_side in (0.0025, 0.025, 0.05, 0.4):
        target = math.log(1 / alpha_side)
        low, high = np.zeros_like(rho), np.full_like(rho, 1e4)
        for _ in range(80):
            mid = (low + high) / 2
            above = _log_mixture_ratio(mid, rho) >= target
            low, high = np.where(above, low, mid), np.where(above, mid, high)
        assert np.abs(_boundary(rho, alpha_side) - high).max() < 1e-9
