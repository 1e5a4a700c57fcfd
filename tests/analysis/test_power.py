"""Sample size and detectable lift: Cohen's h with the normal approximation (Cohen 1988)."""

import math

import pytest
from scipy.stats import norm

from smartlead_nb.analysis import detectable_lift, sample_size
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
