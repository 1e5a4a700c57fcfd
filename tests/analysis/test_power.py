"""Sample size and detectable lift: Cohen's h with the normal approximation (Cohen 1988)."""

import math

import pytest
from scipy.stats import norm

from smartlead_nb.analysis import detectable_lift, exact_power, sample_size, sends_still_needed
from smartlead_nb.errors import InputError


def hand_sample_size(p1, p2, power=0.8, alpha=0.05):
    """Cohen (1988) 6.2: each arcsine-transformed rate has variance 1/n, so their difference
    2/n, giving n = 2 ((z_(1-alpha/2) + z_power) / h)^2 per group (Cohen's table: h = 0.2 at
    alpha 0.05 and power 0.8 needs 392). The far tail's power, which statsmodels also counts,
    can save at most one send here."""
    h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))
    return 2 * ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) / h) ** 2


@pytest.mark.parametrize("baseline, lift, power, alpha", [
    (0.05, 0.02, 0.8, 0.05), (0.10, 0.05, 0.9, 0.05), (0.02, 0.01, 0.8, 0.01),
    (0.30, -0.05, 0.8, 0.05)])
def test_sample_size_is_cohens_formula_rounded_up(baseline, lift, power, alpha):
    expected = hand_sample_size(baseline, baseline + lift, power, alpha)
    got = sample_size(baseline, lift, power=power, alpha=alpha)
    assert isinstance(got, int)
    assert got in (math.ceil(expected) - 1, math.ceil(expected))


def test_cohens_table_value():
    # h = 0.2 exactly (0.5 -> 0.5993), alpha 0.05 two-sided, power 0.8: Cohen (1988) Table
    # 6.4.1 prints n = 392 (392.4 to the nearest); sends cannot be fractional, so 393.
    p2 = math.sin(math.asin(math.sqrt(0.5)) + 0.1) ** 2
    assert sample_size(0.5, p2 - 0.5) == 393


def test_detectable_lift_inverts_sample_size():
    for baseline in (0.01, 0.05, 0.2):
        for n in (500, 2000, 10000):
            lift = detectable_lift(n, baseline)
            assert lift > 0
            # n sends detect exactly this lift: asking for it back gives n (the root
            # finder's tolerance may land a hair either side of the whole number)
            assert abs(sample_size(baseline, lift) - n) <= 1


def test_detectable_lift_nan_when_nothing_up_to_100_percent_is_detectable():
    assert math.isnan(detectable_lift(3, 0.95))


@pytest.mark.parametrize("call, message", [
    (lambda: sample_size(0.05, 0), "lift must be a non-zero change"),
    (lambda: sample_size(1.5, 0.1), "baseline must be a rate between 0 and 1"),
    (lambda: sample_size(0.95, 0.1), r"baseline \+ lift must be a rate"),
    (lambda: sample_size(0.05, 0.01, power=1), "power must be a number between 0 and 1"),
    (lambda: detectable_lift(0, 0.05), "sent must be a number of sends per variant"),
    (lambda: detectable_lift(100, float("nan")), "baseline must be a rate"),
])
def test_bad_input_is_refused_with_a_reason(call, message):
    with pytest.raises(InputError, match=message):
        call()


# --- honest at tiny baselines: the exact power of the test compare_variants applies --------
def brute_force_power(n, p1, p2, alpha=0.05, alternative="two-sided"):
    """Every outcome tested one by one with scipy's Fisher test and statsmodels' z-test, by
    Cochran's rule (Fisher when an expected count is below 5), weighted by its probability."""
    from scipy.stats import binom, fisher_exact
    from scipy.stats.contingency import expected_freq
    from statsmodels.stats.proportion import proportions_ztest

    power = 0.0
    for a in range(n + 1):
        for b in range(n + 1):
            weight = binom.pmf(a, n, p1) * binom.pmf(b, n, p2)
            if weight < 1e-14:
                continue
            table = [[b, n - b], [a, n - a]]          # variant first, as the test reads it
            if (expected_freq(table) < 5).any():
                p = fisher_exact(table, alternative={"two-sided": "two-sided",
                                                      "larger": "greater"}[alternative]).pvalue
            elif a + b in (0, 2 * n):
                p = 1.0
            else:
                p = proportions_ztest([b, a], [n, n], alternative=alternative)[1]
            power += weight * (p <= alpha)
    return power


@pytest.mark.parametrize("n, p1, p2, one_sided", [
    (30, 0.0, 0.10, False), (40, 0.05, 0.25, False), (25, 0.2, 0.6, False),
    (40, 0.02, 0.15, True), (60, 0.5, 0.7, False)])
def test_exact_power_is_the_power_of_the_test_compare_variants_applies(n, p1, p2, one_sided):
    expected = brute_force_power(n, p1, p2, alternative="larger" if one_sided else "two-sided")
    got = exact_power(n, p1, p2 - p1, one_sided=one_sided)
    assert got == pytest.approx(expected, abs=1e-9)


def test_zero_baseline_is_sized_by_exact_power_not_the_approximation():
    # the bug: Cohen's approximation says 392 sends find 0% -> 1% with power 0.8; the test
    # actually run finds it 20% of the time
    assert exact_power(392, 0, 0.01) == pytest.approx(0.20, abs=0.01)
    n = sample_size(0, 0.01)
    assert exact_power(n, 0, 0.01) >= 0.8
    assert exact_power(n - 1, 0, 0.01) < 0.8              # and it is the first size that does


@pytest.mark.parametrize("baseline, lift", [
    (0.0, 0.005), (0.001, 0.01), (0.005, 0.02), (0.01, 0.05), (0.02, 0.1), (0.99, -0.05),
    (1.0, -0.02), (0.001, 0.5)])
def test_every_size_reaches_its_power_exactly(baseline, lift):
    for power, alpha, variants, one_sided in ((0.8, 0.05, 2, False), (0.9, 0.01, 3, True)):
        n = sample_size(baseline, lift, power=power, alpha=alpha, variants=variants,
                        one_sided=one_sided)
        assert exact_power(n, baseline, lift, alpha=alpha, variants=variants,
                           one_sided=one_sided) >= power


@pytest.mark.parametrize("baseline, lift", [(0.05, 0.02), (0.10, 0.05), (0.3, -0.05)])
def test_where_counts_are_large_cohens_size_is_kept_and_its_power_is_right(baseline, lift):
    n = sample_size(baseline, lift)
    assert n == math.ceil(hand_sample_size(baseline, baseline + lift)) or \
        n == math.ceil(hand_sample_size(baseline, baseline + lift)) - 1
    assert exact_power(n, baseline, lift) == pytest.approx(0.8, abs=0.01)


@pytest.mark.parametrize("lift", [1e-12, -1e-12, 1e-9, 5e-324])
def test_an_undetectably_small_lift_is_refused_saying_why(lift):
    with pytest.raises(InputError, match="too small to detect: it would need more than "
                                         "100,000,000 sends per variant"):
        sample_size(0.05, lift)


def test_variants_share_alpha_bonferroni():
    for k in (3, 5):
        assert sample_size(0.05, 0.02, variants=k) == sample_size(0.05, 0.02, alpha=0.05 / (k - 1))
        assert detectable_lift(2000, 0.05, variants=k) == pytest.approx(
            detectable_lift(2000, 0.05, alpha=0.05 / (k - 1)))
    assert sample_size(0.05, 0.02, variants=3) > sample_size(0.05, 0.02)


def test_one_sided_uses_the_one_tail_critical_value():
    for baseline, lift in ((0.05, 0.02), (0.10, -0.03)):
        h = abs(2 * math.asin(math.sqrt(baseline + lift)) - 2 * math.asin(math.sqrt(baseline)))
        hand = 2 * ((norm.ppf(0.95) + norm.ppf(0.8)) / h) ** 2
        assert sample_size(baseline, lift, one_sided=True) == math.ceil(hand)


def test_detectable_lift_at_tiny_baselines_is_the_exact_smallest_lift():
    for sent, baseline in ((300, 0.0), (500, 0.01), (1000, 0.002)):
        lift = detectable_lift(sent, baseline)
        assert exact_power(sent, baseline, lift) >= 0.8
        assert exact_power(sent, baseline, lift * 0.97) < 0.8


def test_sends_still_needed_sizes_from_the_planned_lift_at_the_level():
    assert sends_still_needed(1500, 0.05, 0.02) == sample_size(0.05, 0.02) - 1500
    assert sends_still_needed(1500, 0.05, 0.02, level=0.99) == \
        sample_size(0.05, 0.02, alpha=0.01) - 1500
    assert sends_still_needed(5000, 0.05, 0.02) == 0
    assert sends_still_needed(0, 0.05, 0.02, variants=3) == sample_size(0.05, 0.02, variants=3)


@pytest.mark.parametrize("call, message", [
    (lambda: sample_size(0.05, 0.02, variants=1), "variants must be a whole number >= 2"),
    (lambda: sample_size(0.05, 0.02, variants=2.0), "variants must be a whole number"),
    (lambda: sample_size(0.05, 0.02, variants=True), "variants must be a whole number"),
    (lambda: sample_size(0.05, 0.02, one_sided="no"), "one_sided must be True or False"),
    (lambda: sample_size(0.05, float("nan")), "lift must be a non-zero change"),
    (lambda: sample_size(0.05, "0.02"), "lift must be a non-zero change"),
    (lambda: sample_size(0.05, 0.02, alpha=float("nan")), "alpha must be a number between"),
    (lambda: exact_power(0, 0.05, 0.02), "sent must be a whole number of sends"),
    (lambda: exact_power(10.5, 0.05, 0.02), "sent must be a whole number of sends"),
    (lambda: sends_still_needed(10, 0.05, 0.02, level=95),
     "level must be a number between 0 and 1"),
    (lambda: sends_still_needed(-1, 0.05, 0.02),
     "sent must be a whole number of sends per variant >= 0"),
])
def test_new_options_refuse_bad_input_with_a_reason(call, message):
    with pytest.raises(InputError, match=message):
        call()
