"""mailbox_health: p-chart limits from scipy's binomial by hand, both input forms, flags,
bad input, the plot."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import binom  # noqa: E402

from smartlead_nb.analysis import mailbox_health  # noqa: E402
from smartlead_nb.errors import InputError  # noqa: E402

WEEK1 = pd.Timestamp("2025-01-06", tz="UTC")        # a Monday


def pool(**counts):
    frame = pd.DataFrame({"sender": ["a", "b", "c"], "period": ["w1"] * 3,
                          "sent": [400, 300, 200], "bounced": [8, 6, 30],
                          "replied": [20, 18, 1]})
    return frame.assign(**counts)


def test_limits_are_the_other_senders_pooled_rate_as_exact_binomial_quantiles():
    got = mailbox_health(pool()).set_index("sender")
    # c against a + b: 14 bounces in 700 sends, 38 replies in 700; n = 200
    p_bounce, p_reply = 14 / 700, 38 / 700
    c = got.loc["c"]
    assert c.bounce_pool == pytest.approx(p_bounce) and c.reply_pool == pytest.approx(p_reply)
    assert c.bounce_high == binom.isf(0.00135, 200, p_bounce) / 200
    assert c.bounce_low == binom.ppf(0.00135, 200, p_bounce) / 200
    assert c.reply_low == binom.ppf(0.00135, 200, p_reply) / 200
    assert c.bounce_rate == 30 / 200
    assert c.flag == "bounce above limit; reply below limit"
    # a against b + c: 36/500 bounces; a's 8/400 is low, which is not harmful: no flag
    a = got.loc["a"]
    assert a.bounce_pool == pytest.approx(36 / 500) and a.flag == ""
    assert got.loc["b", "flag"] == ""


def test_per_email_frame_with_a_sender_column_by_week_flags_the_degrading_week_only():
    rng = np.random.default_rng(5)
    parts = []
    for week in range(3):
        for sender in ("s1@x.io", "s2@x.io", "s3@x.io", "s4@x.io"):
            n = 300
            rate = 0.15 if (sender == "s4@x.io" and week == 2) else 0.02
            sent = WEEK1 + pd.Timedelta(days=7 * week) + pd.to_timedelta(rng.uniform(0, 5, n), unit="D")
            replied = rng.random(n) < 0.05
            parts.append(pd.DataFrame({
                "from_email": sender, "sent_time": sent,
                "is_bounced": pd.array(rng.random(n) < rate, dtype="boolean"),
                "reply_time": pd.Series(sent + pd.Timedelta(days=1)).where(replied)}))
    stats = pd.concat(parts, ignore_index=True)
    got = mailbox_health(stats)
    assert len(got) == 12 and (got["sent"] == 300).all()
    assert sorted(got["period"].unique()) == [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-13"),
                                              pd.Timestamp("2025-01-20")]
    flagged = got[got["flag"].str.contains("bounce above limit")]
    assert flagged[["sender", "period"]].values.tolist() == [["s4@x.io", pd.Timestamp("2025-01-20")]]
    # the same frame as one period
    assert len(mailbox_health(stats, by=None)) == 4


def test_mailbox_statistics_spellings_with_string_counts():
    rows = pd.DataFrame({"email_account_id": [9001, 9002], "sent_count": ["212", "190"],
                         "bounce_count": ["3", "2"], "reply_count": ["6", "5"],
                         "sent_time": ["2025-06-05T08:14:02.000Z", "2025-06-04T10:00:00.000Z"]})
    got = mailbox_health(rows)
    assert got["sender"].tolist() == [9001, 9002]
    assert got["sent"].tolist() == [212, 190]
    assert got["period"].tolist() == [pd.Timestamp("2025-06-02")] * 2


def test_a_sender_alone_in_its_period_has_no_limits_and_no_flag():
    frame = pd.DataFrame({"sender": ["a", "b", "a"], "period": ["w1", "w1", "w2"],
                          "sent": [100, 100, 100], "bounced": [1, 2, 50], "replied": [3, 3, 0]})
    alone = mailbox_health(frame).set_index(["sender", "period"]).loc[("a", "w2")]
    assert np.isnan(alone.bounce_high) and alone.flag == ""


@pytest.mark.parametrize("frame, kwargs, message", [
    (pd.DataFrame({"sent_time": [WEEK1], "is_bounced": [False], "reply_time": [pd.NaT]}), {},
     "needs a sender column .sender, from_email, email_account_id.*name no sender"),
    (pool(bounced=[8, 6, 300]), {}, r"row 2 has bounced \(300\) above sent \(200\)"),
    (pool(sent=[400, -1, 200]), {}, "column 'sent' must hold whole counts >= 0; row 1 has -1"),
    (pool().drop(columns=["replied"]), {}, "needs a 'replied' count column .replied or reply_count"),
    (pool().drop(columns=["period"]), {}, "needs a 'period' column or a time"),
    (pool(), {"by": "hour"}, "by must be 'day', 'week', 'month' or None"),
    (pd.DataFrame({"sender": ["a"], "sent_time": [WEEK1], "is_bounced": [False]}), {},
     "needs column 'reply_time'"),
    (pd.DataFrame({"sender": ["a"], "sent_time": [pd.NaT], "is_bounced": [False],
                   "reply_time": [pd.NaT]}), {}, "no sends to analyse"),
])
def test_bad_input(frame, kwargs, message):
    with pytest.raises(InputError, match=message):
        mailbox_health(frame, **kwargs)


def test_plot_returns_axes_and_marks_flagged_points():
    ax = mailbox_health.plot(mailbox_health(pool()))
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
        assert ax.get_ylabel() == "bounce rate"
        assert len(ax.get_lines()) == 4            # three senders + c's flagged marker
    finally:
        plt.close(ax.figure)
    with pytest.raises(InputError, match="metric must be 'bounce' or 'reply'"):
        mailbox_health.plot(mailbox_health(pool()), metric="opens")
