"""reply_curve: Kaplan-Meier by hand, censoring at now, groups, bad input, the plot."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import norm  # noqa: E402

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


def test_a_group_without_replies_is_flat_at_zero():
    curve = reply_curve(stats_frame([0, 0], [None, None]), now=T0 + D)
    assert curve.to_dict("records") == [{"group": 11, "days": 0.0, "replied_share": 0.0,
                                         "ci_low": 0.0, "ci_high": 0.0, "at_risk": 2}]


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
