"""reply_curve: Kaplan-Meier by hand, censoring at now, groups, bad input, the plot."""

import math

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import binom, norm  # noqa: E402

from smartlead_nb.analysis import reply_curve  # noqa: E402
from smartlead_nb.errors import InputError  # noqa: E402

T0 = pd.Timestamp("2025-01-06 09:00", tz="UTC")
D = pd.Timedelta(days=1)


def stats_frame(sent_days, reply_days, variants=None):
    """Rows sent ``sent_days`` after T0; replies ``reply_days`` after their send (None: none)."""
    sent = [T0 + s * D for s in sent_days]
    reply = [s + r * D if r is not None else pd.NaT for s, r in zip(sent, reply_days)]
    return pd.DataFrame({
        "sequence_number": pd.array([1] * len(sent), dtype="Int64"),
        "seq_variant_id": pd.array(variants or [11] * len(sent), dtype="Int64"),
        "sent_time": pd.Series(sent, dtype="datetime64[ms, UTC]"),
        "reply_time": pd.Series(reply, dtype="datetime64[ms, UTC]")})


def test_kaplan_meier_by_hand_with_censoring_at_now():
    # now = T0 + 5 days. Durations: 1 (reply), 2.5 (reply), 2 (censored: sent at day 3),
    # 3 (reply), 5 (censored: sent at day 0, no reply yet).
    stats = stats_frame([0, 1, 3, 0, 0], [1, 2.5, None, 3, None])
    curve = reply_curve(stats, by=None, now=T0 + 5 * D)
    assert curve["days"].tolist() == [0, 1, 2.5, 3]
    assert curve["at_risk"].tolist() == [5, 5, 3, 2]
    s = [1, 4 / 5, 4 / 5 * 2 / 3, 4 / 5 * 2 / 3 * 1 / 2]
    assert curve["replied_share"].tolist() == pytest.approx([1 - x for x in s])
    # Greenwood's variance by hand, then the log(-log) interval
    greenwood = 1 / (5 * 4) + 1 / (3 * 2) + 1 / (2 * 1)
    se = s[3] * math.sqrt(greenwood)
    spread = norm.ppf(0.975) * se / (s[3] * abs(math.log(s[3])))
    # replied share = 1 - S, so its low end comes from the high end of S
    low, high = 1 - s[3] ** math.exp(-spread), 1 - s[3] ** math.exp(spread)
    last = curve.iloc[-1]
    assert (last.ci_low, last.ci_high) == pytest.approx((low, high))
    assert (curve["ci_low"] <= curve["replied_share"]).all()
    assert (curve["replied_share"] <= curve["ci_high"]).all()


def test_a_reply_after_now_is_not_yet_a_reply_and_later_sends_are_left_out():
    stats = stats_frame([0, 0, 6], [1, 4, None])
    curve = reply_curve(stats, by=None, now=T0 + 2 * D)
    assert curve["days"].tolist() == [0, 1]
    assert curve["at_risk"].tolist() == [2, 2]            # the day-6 send is not yet sent
    assert curve["replied_share"].iloc[-1] == 0.5


def test_one_curve_per_variant_with_labels_and_per_step():
    stats = stats_frame([0, 0, 0, 0], [1, None, 2, 3], variants=[11, 11, 12, 12])
    sequences = [{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
                                                     {"id": 12, "variant_label": "B"}]}]
    curve = reply_curve(stats, sequences=sequences, now=T0 + 5 * D)
    assert curve.groupby("group")["replied_share"].max().to_dict() == {"A": 0.5, "B": 1.0}
    assert reply_curve(stats, by="sequence_number", now=T0 + 5 * D)["group"].unique().tolist() == [1]


def test_a_group_without_replies_is_flat_at_zero_with_an_exact_upper_bound_not_a_zero_band():
    # two sends, observed 1 and 3 days, no reply: Clopper-Pearson for 0 of n is 1 - 0.025^(1/n)
    curve = reply_curve(stats_frame([2, 0], [None, None]), now=T0 + 3 * D)
    assert curve["days"].tolist() == [0.0, 3.0]
    assert curve["at_risk"].tolist() == [2, 1]
    assert curve["replied_share"].tolist() == [0.0, 0.0] and curve["ci_low"].tolist() == [0.0, 0.0]
    assert curve["ci_high"].tolist() == pytest.approx([1 - 0.025 ** (1 / 2), 0.975])
    assert curve["median_days"].isna().all() and (curve["median_replies"] == 0).all()


def test_before_the_first_reply_and_after_the_last_the_band_is_exact_not_degenerate():
    curve = reply_curve(stats_frame([0] * 4, [1, 2, 3, 4]), by=None, now=T0 + 9 * D)
    assert curve.loc[0, "ci_high"] == pytest.approx(1 - 0.025 ** (1 / 4))     # day 0, 4 at risk
    last = curve.iloc[-1]                                   # everyone replied: 1 of 1 left
    assert last.replied_share == 1.0 and last.ci_high == 1.0
    assert last.ci_low == pytest.approx(0.025)              # Clopper-Pearson for 1 of 1
    assert (curve["ci_low"] <= curve["replied_share"]).all()
    assert (curve["replied_share"] <= curve["ci_high"]).all()


def test_median_delay_of_the_replies_within_the_window_of_matured_sends():
    # eleven sends 10 days old reply after these delays (one at 9 days: outside 7 days),
    # a 2-day-old send replied after 0.1 days (too young to count), a reply after now
    delays = [0.2, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0]
    frame = stats_frame([0] * 11 + [0, 8, 0], delays + [9, 0.1, 11])
    curve = reply_curve(frame, by=None, now=T0 + 10 * D)
    first = curve.iloc[0]
    assert first.median_replies == 11 and first.median_days == 2.0
    # the order-statistic interval: the widest r with 2 P(Bin(11, 1/2) <= r - 1) <= 0.05
    r = max(r for r in range(1, 6) if 2 * binom.cdf(r - 1, 11, 0.5) <= 0.05)
    assert (first.median_low, first.median_high) == (delays[r - 1], delays[11 - r])
    assert curve["median_days"].nunique() == 1            # repeated on the group's rows
    shorter = reply_curve(frame, by=None, now=T0 + 10 * D, window_days=3).iloc[0]
    assert shorter.median_replies == 8 and shorter.median_days == 1.25


def test_too_few_replies_for_the_level_leave_the_interval_missing():
    curve = reply_curve(stats_frame([0, 0, 0], [1, 2, None]), by=None, now=T0 + 10 * D)
    assert curve.loc[0, "median_days"] == 1.5
    assert np.isnan(curve.loc[0, "median_low"]) and np.isnan(curve.loc[0, "median_high"])


def test_default_now_is_the_latest_time_in_the_frame():
    curve = reply_curve(stats_frame([0, 0], [1, None]), by=None)   # now = T0 + 1 day
    assert curve["at_risk"].tolist() == [2, 2]


@pytest.mark.parametrize("change, kwargs, message", [
    (lambda f: f.drop(columns=["reply_time"]), {}, "reply_curve needs column 'reply_time'"),
    (lambda f: f.drop(columns=["seq_variant_id"]), {}, "needs column 'seq_variant_id'"),
    (lambda f: f, {"by": "sender"}, "by must be 'variant', 'sequence_number' or None"),
    (lambda f: f.assign(reply_time=f["sent_time"] - D), {},
     r"2 row\(s\) have a reply_time before their sent_time"),
    (lambda f: f, {"now": T0 - D}, "every send is after now="),
    (lambda f: f.iloc[:0], {}, "no sends to analyse .it has no rows"),
    (lambda f: f, {"window_days": 0}, "window_days must be a number of days above 0"),
    (lambda f: f, {"window_days": "7"}, "window_days must be a number of days above 0"),
    (lambda f: f, {"window_days": float("nan")}, "window_days must be a number of days above 0"),
])
def test_bad_input(change, kwargs, message):
    with pytest.raises(InputError, match=message):
        reply_curve(change(stats_frame([0, 0], [1, None])), **kwargs)


def test_plot_returns_axes_with_one_line_per_group():
    stats = stats_frame([0, 0, 0, 0], [1, None, 2, 3], variants=[11, 11, 12, 12])
    ax = reply_curve.plot(reply_curve(stats, now=T0 + 5 * D))
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
        assert len(ax.get_lines()) == 2
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["11", "12"]
    finally:
        plt.close(ax.figure)
