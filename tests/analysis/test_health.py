"""mailbox_health: exact tests against scipy and a published example, pools without the own
domain, the chart-wide false-alarm rate and drift detection by simulation (bounded by
replicates), both input forms, detached mailboxes, by_domain, bad input, the plot."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import fisher_exact  # noqa: E402

from smartlead_nb.analysis import mailbox_health  # noqa: E402
from smartlead_nb.analysis.control import control_chart, exact_pvalue, limit  # noqa: E402
from smartlead_nb.errors import InputError  # noqa: E402

WEEK1 = pd.Timestamp("2025-01-06", tz="UTC")        # a Monday


def pool(**counts):
    frame = pd.DataFrame({"sender": ["a@one.io", "b@two.io", "c@three.io"], "period": ["w1"] * 3,
                          "sent": [400, 300, 200], "bounced": [8, 6, 30],
                          "replied": [20, 18, 1]})
    return frame.assign(**counts)


# --- the test and its limits -------------------------------------------------------------
def test_exact_pvalue_is_fishers_one_sided_test_on_agrestis_tea_tasting_example():
    # Agresti, Categorical Data Analysis (2013), section 3.5.1: 3 of 4 cups right, one-sided
    # P = 0.243; the same table in the other tail is P(X <= 3) = 0.986.
    upper = exact_pvalue(np.array([3]), np.array([4]), np.array([1]), np.array([4]), "upper")
    lower = exact_pvalue(np.array([3]), np.array([4]), np.array([1]), np.array([4]), "lower")
    assert upper[0] == pytest.approx(0.2429, abs=5e-5)
    assert lower[0] == pytest.approx(0.9857, abs=5e-5)


@pytest.mark.parametrize("k, n, pool_k, pool_n", [
    (30, 200, 14, 700), (0, 50, 3, 900), (12, 120, 40, 2000), (5, 5, 0, 10), (1, 300, 90, 400)])
def test_exact_pvalue_matches_scipy_fisher_exact_both_tails(k, n, pool_k, pool_n):
    table = [[k, n - k], [pool_k, pool_n - pool_k]]
    for tail, alternative in (("upper", "greater"), ("lower", "less")):
        got = exact_pvalue(np.array([k]), np.array([n]), np.array([pool_k]), np.array([pool_n]), tail)
        assert got[0] == pytest.approx(fisher_exact(table, alternative=alternative).pvalue, rel=1e-9)


def test_the_limit_is_where_the_test_starts_to_flag():
    n, pool_k, pool_n, level = 180, 25, 1700, 0.002
    upper = limit(np.array([n]), np.array([pool_k]), np.array([pool_n]), level, "upper")[0]
    lower = limit(np.array([n]), np.array([pool_k]), np.array([pool_n]), level, "lower")[0]
    flags_up = [fisher_exact([[k, n - k], [pool_k, pool_n - pool_k]], alternative="greater").pvalue <= level
                for k in range(n + 1)]
    assert upper == flags_up.index(True) and not any(flags_up[:int(upper)])
    assert all(flags_up[int(upper):])
    assert np.isnan(lower)        # 0 of 180 against 1.5 %: too few sends to call "too low"
    few = limit(np.array([3]), np.array([10]), np.array([100]), 1e-4, "upper")
    assert np.isnan(few[0])       # 3 of 3 bounced against 10 %: p = 0.0016, never <= 1e-4


def test_frame_has_pools_limits_p_values_and_flags():
    got = mailbox_health(pool())
    assert got.columns.tolist()[:3] == ["sender", "domain", "period"]
    c = got.set_index("sender").loc["c@three.io"]
    assert c.bounce_pool == pytest.approx(14 / 700) and c.reply_pool == pytest.approx(38 / 700)
    level = got.attrs["test_level"]
    assert level == pytest.approx(0.05 / 6)       # one period: no drift tests, 6 cell tests
    assert c.bounce_p == pytest.approx(fisher_exact([[30, 170], [14, 686]], alternative="greater").pvalue)
    assert c.flag == "bounce above limit; reply below limit"
    assert c.bounce_rate >= c.bounce_limit and c.reply_rate <= c.reply_limit
    a = got.set_index("sender").loc["a@one.io"]
    assert a.flag == "" and a.bounce_rate < a.bounce_limit


# --- pools: the own domain, revision -----------------------------------------------------
def test_two_bad_mailboxes_on_one_domain_are_both_flagged():
    senders = ["bad1@burnt.io", "bad2@burnt.io", "ok1@fine.io", "ok2@good.io"]
    frame = pd.DataFrame({"sender": senders, "period": "w1", "sent": 300,
                          "bounced": [20, 20, 6, 6], "replied": 15})
    got = mailbox_health(frame).set_index("sender")
    assert got.loc["bad1@burnt.io", "bounce_pool"] == pytest.approx(12 / 600)   # not bad2
    assert got.loc[senders[:2], "flag"].tolist() == ["bounce above limit"] * 2
    assert (got.loc[senders[2:], "flag"] == "").all()
    # the old pool, every other mailbox, holds the other bad one: neither is out of line
    old = exact_pvalue(np.array([20]), np.array([300]), np.array([32]), np.array([900]), "upper")
    assert old[0] > 3 * got.attrs["test_level"]


def test_a_flagged_mailbox_leaves_the_pools_so_a_second_one_is_not_hidden():
    # four domains; d@ is flagged first, and once it leaves c@'s pool c@ is out of line too
    frame = pd.DataFrame({"sender": ["a@1.io", "b@2.io", "c@3.io", "d@4.io"], "period": "w1",
                          "sent": 400, "bounced": [8, 8, 30, 80], "replied": 20})
    got = mailbox_health(frame).set_index("sender")
    assert got.loc["c@3.io", "bounce_pool"] == pytest.approx(16 / 800)
    assert got.loc[["c@3.io", "d@4.io"], "flag"].tolist() == ["bounce above limit"] * 2
    with_d = exact_pvalue(np.array([30]), np.array([400]), np.array([96]), np.array([1200]), "upper")
    assert with_d[0] > got.attrs["test_level"]       # against a pool holding d@ it was not


def test_one_domain_only_falls_back_to_the_other_mailboxes_of_it():
    frame = pd.DataFrame({"sender": ["a@x.io", "b@x.io", "c@x.io"], "period": "w1",
                          "sent": 400, "bounced": [8, 6, 40], "replied": 20})
    got = mailbox_health(frame).set_index("sender")
    assert got.loc["c@x.io", "bounce_pool"] == pytest.approx(14 / 800)
    assert got.loc["c@x.io", "flag"] == "bounce above limit"


def test_by_domain_groups_the_mailboxes_of_each_sending_domain():
    frame = pd.DataFrame({
        "sender": ["a@burnt.io", "b@BURNT.io", "c@fine.io", "d@fine.io", "e@ok.io", "f@ok.io"],
        "period": "w1", "sent": 200, "bounced": [11, 11, 4, 4, 4, 4], "replied": 10})
    per_mailbox = mailbox_health(frame)
    assert (per_mailbox["flag"] == "").all()           # 5.5 % each: not enough on its own
    got = mailbox_health(frame, by_domain=True)
    assert got.columns[0] == "domain" and "sender" not in got.columns
    assert got["domain"].tolist() == ["burnt.io", "fine.io", "ok.io"]
    assert got["sent"].tolist() == [400, 400, 400]
    assert got.set_index("domain").loc["burnt.io", "flag"] == "bounce above limit"
    with pytest.raises(InputError, match="by_domain=True needs sender addresses.*9001"):
        mailbox_health(frame.assign(sender=[9001, 9002, 9003, 9004, 9005, 9006]), by_domain=True)


# --- periods and detached mailboxes --------------------------------------------------------
def test_mailbox_statistics_totals_are_one_period_so_a_detached_mailbox_is_compared():
    # The frame of one mailbox-statistics call: counts over the range asked for; sent_time is
    # each mailbox's latest send. 9003 was detached two weeks ago: its latest send is older.
    rows = pd.DataFrame({"email_account_id": [9001, 9002, 9003], "from_email": ["a@x.io", "b@y.io", "c@z.io"],
                         "sent_count": ["412", "398", "150"], "bounce_count": ["8", "9", "21"],
                         "reply_count": ["12", "11", "4"],
                         "sent_time": ["2025-06-20T08:00:00.000Z", "2025-06-20T09:00:00.000Z",
                                       "2025-06-05T10:00:00.000Z"]})
    got = mailbox_health(rows).set_index("sender")
    assert got["period"].unique().tolist() == ["all"]
    assert got.loc["c@z.io", "bounce_pool"] == pytest.approx(17 / 810)
    assert got.loc["c@z.io", "flag"] == "bounce above limit"
    assert got["sent"].tolist() == [412, 398, 150]


def test_per_email_frame_compares_a_detached_mailbox_in_the_weeks_it_sent():
    rng = np.random.default_rng(5)
    parts = []
    for week in range(3):
        for sender in ("s1@a.io", "s2@b.io", "s3@c.io", "gone@d.io"):
            if sender == "gone@d.io" and week > 0:
                continue                                  # detached after its first week
            n = 300
            rate = 0.15 if sender == "gone@d.io" else 0.02
            sent = WEEK1 + pd.Timedelta(days=7 * week) + pd.to_timedelta(rng.uniform(0, 5, n), unit="D")
            replied = rng.random(n) < 0.05
            parts.append(pd.DataFrame({
                "from_email": sender, "sent_time": sent,
                "is_bounced": pd.array(rng.random(n) < rate, dtype="boolean"),
                "reply_time": pd.Series(sent + pd.Timedelta(days=1)).where(replied)}))
    got = mailbox_health(pd.concat(parts, ignore_index=True))
    gone = got[got["sender"] == "gone@d.io"]
    assert gone["period"].tolist() == [pd.Timestamp("2025-01-06")]
    assert gone["flag"].tolist() == ["bounce above limit"] and gone["bounce_p"].notna().all()
    assert (got.loc[got["sender"] != "gone@d.io", "flag"] == "").all()


def test_a_sender_alone_in_its_period_has_no_limits_and_no_flag():
    frame = pd.DataFrame({"sender": ["a", "b", "a"], "period": ["w1", "w1", "w2"],
                          "sent": [100, 100, 100], "bounced": [1, 2, 50], "replied": [3, 3, 0]})
    alone = mailbox_health(frame).set_index(["sender", "period"]).loc[("a", "w2")]
    assert np.isnan(alone.bounce_limit) and np.isnan(alone.bounce_p) and alone.flag == ""


def test_a_drifting_mailbox_is_flagged_from_where_its_drift_began():
    weeks = [f"2025-W{w:02d}" for w in range(1, 11)]
    rates = {"steady1@a.io": [0.02] * 10, "steady2@b.io": [0.02] * 10, "steady3@c.io": [0.02] * 10,
             "drifting@d.io": [0.02] * 4 + [0.04, 0.05, 0.06, 0.07, 0.08, 0.09]}
    rows = [{"sender": s, "period": w, "sent": 250, "bounced": round(250 * r), "replied": 12}
            for s, rs in rates.items() for w, r in zip(weeks, rs)]
    got = mailbox_health(pd.DataFrame(rows))
    drifting = got[got["sender"] == "drifting@d.io"].set_index("period")
    assert drifting["drift_p"].iloc[0] <= got.attrs["drift_level"]
    marked = drifting.index[drifting["flag"].str.contains("bounce drifting up")].tolist()
    assert marked[0] in weeks[3:6] and marked[-1] == weeks[-1]
    assert not drifting["flag"].iloc[:3].str.contains("drifting").any()
    # no single week is far enough out on its own
    assert not drifting["flag"].str.contains("above limit").iloc[:6].any()
    assert (got.loc[got["sender"] != "drifting@d.io", "flag"] == "").all()


def test_the_frame_and_the_arrays_agree():
    rng = np.random.default_rng(3)
    sent = rng.integers(50, 300, (6, 8))
    bounced, replied = rng.binomial(sent, 0.03), rng.binomial(sent, 0.05)
    bounced[2, 5:] = rng.binomial(sent[2, 5:], 0.15)
    frame = pd.DataFrame([{"sender": f"m{i}@d{i % 3}.io", "period": t, "sent": sent[i, t],
                           "bounced": bounced[i, t], "replied": replied[i, t]}
                          for i in range(6) for t in range(8)])
    got = mailbox_health(frame)
    chart = control_chart(sent, bounced, replied, np.arange(6) % 3)
    assert got["bounce_p"].to_numpy() == pytest.approx(chart.bounce_p.ravel(), nan_ok=True)
    assert got["flag"].str.contains("bounce above").to_numpy().tolist() == chart.bounce_flag.ravel().tolist()
    assert got.groupby("sender", sort=True)["drift_p"].first().to_numpy() == pytest.approx(chart.drift_p)


# --- the false-alarm rate and detection, by simulation ------------------------------------
def simulate(charts, mailboxes, weeks, sends, seed, drift_to=None):
    rng = np.random.default_rng(seed)
    sent = np.full((charts, mailboxes, weeks), sends)
    rate = np.full(sent.shape, 0.02)
    if drift_to is not None:
        rate[:, 0] = np.linspace(0.02, drift_to, weeks)        # mailbox 0 drifts
    bounced = rng.binomial(sent, rate)
    replied = rng.binomial(sent - bounced, 0.05)
    return control_chart(sent, bounced, replied, np.arange(mailboxes), every_drift_p=False)


def any_flag(chart):
    return (chart.bounce_flag.any(axis=(-2, -1)) | chart.reply_flag.any(axis=(-2, -1))
            | chart.drift_flag.any(axis=-1))


@pytest.mark.parametrize("mailboxes, weeks, sends, charts", [
    (20, 12, 200, 400), (20, 12, 50, 200), (2, 12, 200, 500), (2, 1, 200, 3000)])
def test_with_equal_true_rates_at_most_5_percent_of_charts_raise_any_flag(mailboxes, weeks, sends, charts):
    # The rate is bounded by 0.05 (Bonferroni); the simulated rate may exceed it only by
    # Monte Carlo noise: allowed 2 standard errors of a 5 % rate over this many charts
    # (400 charts: 0.011; the old chart raised a flag in 30-60 % of such charts).
    rate = any_flag(simulate(charts, mailboxes, weeks, sends, seed=mailboxes * 100 + sends)).mean()
    se = math.sqrt(0.05 * 0.95 / charts)
    assert rate <= 0.05 + 2 * se, (rate, se)


def test_the_shortcut_for_simulations_decides_exactly_as_the_full_computation():
    rng = np.random.default_rng(8)
    sent = np.full((40, 8, 10), 80)
    rate = np.full(sent.shape, 0.02)
    rate[:, 0] = np.linspace(0.02, 0.07, 10)
    bounced = rng.binomial(sent, rate)
    replied = rng.binomial(sent - bounced, 0.05)
    full = control_chart(sent, bounced, replied, np.arange(8))
    quick = control_chart(sent, bounced, replied, np.arange(8), every_drift_p=False)
    assert 0 < full.drift_flag[:, 0].sum() < 40            # a mix of caught and missed
    assert (full.drift_flag == quick.drift_flag).all() and (full.bounce_flag == quick.bounce_flag).all()


@pytest.mark.parametrize("sends, at_least", [(100, 0.8), (200, 0.95)])
def test_slow_drift_from_2_to_6_percent_is_found(sends, at_least):
    # 20 mailboxes x 12 weeks, one rising linearly from 2 % to 6 % bounces. Measured over
    # 400 charts: found in 90 % of charts at 100 sends a week, 99.8 % at 200 (55 % at 50);
    # 100 charts here, so the bound sits 3 standard errors below the measured rate.
    chart = simulate(100, 20, 12, sends, seed=sends + 1, drift_to=0.06)
    found = (chart.drift_flag[:, 0] | chart.bounce_flag[:, 0].any(axis=-1)).mean()
    assert found >= at_least, found


# --- input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("frame, kwargs, message", [
    (pd.DataFrame({"sent_time": [WEEK1], "is_bounced": [False], "reply_time": [pd.NaT]}), {},
     "needs a sender column .sender, from_email, email_account_id.*name no sender"),
    (pool(bounced=[8, 6, 300]), {}, r"row 2 has bounced \(300\) above sent \(200\)"),
    (pool(sent=[400, -1, 200]), {}, "column 'sent' must hold whole counts >= 0; row 1 has -1"),
    (pool().drop(columns=["replied"]), {}, "needs a 'replied' count column .replied or reply_count"),
    (pool().drop(columns=["period"]).assign(date=["not a date"] * 3), {}, "column 'date' holds values that are not times"),
    (pool(), {"by": "hour"}, "by must be 'day', 'week', 'month' or None"),
    (pool(), {"by_domain": "yes"}, "by_domain must be True or False"),
    (pool(), {"false_alarm": 0}, "false_alarm must be a probability between 0 and 1"),
    (pool(), {"false_alarm": True}, "false_alarm must be a probability"),
    (pd.DataFrame({"sender": ["a"], "sent_time": [WEEK1], "is_bounced": [False]}), {},
     "needs column 'reply_time'"),
    (pd.DataFrame({"sender": ["a"], "sent_time": [pd.NaT], "is_bounced": [False],
                   "reply_time": [pd.NaT]}), {}, "no sends to analyse"),
])
def test_bad_input(frame, kwargs, message):
    with pytest.raises(InputError, match=message):
        mailbox_health(frame, **kwargs)


@pytest.mark.parametrize("frame", [
    pd.DataFrame(columns=["email_account_id", "from_email", "sent_count", "bounce_count",
                          "reply_count", "sent_time"]),                   # no rows
    pd.DataFrame(columns=["sender", "sent_time", "is_bounced", "reply_time"]),
    pool(sent=[0, 0, 0], bounced=[0, 0, 0], replied=[0, 0, 0]),         # nothing sent yet
])
def test_an_empty_frame_is_refused_like_the_other_analyses(frame):
    with pytest.raises(InputError, match="no sends to analyse"):
        mailbox_health(frame)


def test_per_sender_rows_with_dates_are_grouped_by_week():
    rows = pool().drop(columns=["period"]).assign(date=["2025-01-06", "2025-01-08", "2025-01-14"])
    got = mailbox_health(rows)
    assert got["period"].tolist() == [pd.Timestamp("2025-01-06")] * 2 + [pd.Timestamp("2025-01-13")]


# --- the plot ------------------------------------------------------------------------------
def test_plot_draws_each_senders_limit_and_marks_flagged_points():
    health = mailbox_health(pool())
    ax = mailbox_health.plot(health)
    try:
        assert ax.get_ylabel() == "bounce rate"
        lines = ax.get_lines()
        assert len(lines) == 7              # three rates, three dashed limits, c's ✕
        limits = [line for line in lines if line.get_linestyle() == "--"]
        drawn = sorted(float(line.get_ydata()[0]) for line in limits)
        assert drawn == pytest.approx(sorted(health["bounce_limit"]))
        crosses = [line for line in lines if line.get_marker() == "x"]
        assert [float(line.get_ydata()[0]) for line in crosses] == [0.15]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["a@one.io", "b@two.io", "c@three.io", "limit", "above its limit"]
    finally:
        plt.close(ax.figure)
    with pytest.raises(InputError, match="metric must be 'bounce', 'reply' or 'drift'"):
        mailbox_health.plot(health, metric="opens")


def test_plot_of_dates_slants_them_and_draws_the_drift():
    frame = pd.DataFrame({"sender": ["a@x.io", "b@y.io"] * 6,
                          "period": np.repeat(pd.date_range("2025-01-06", periods=6, freq="7D"), 2),
                          "sent": 200, "bounced": [4, 4, 4, 5, 4, 8, 4, 10, 4, 12, 4, 14],
                          "replied": 10})
    health = mailbox_health(frame)
    assert health["flag"].str.contains("drifting").any()
    ax = mailbox_health.plot(health)
    try:
        triangles = [line for line in ax.get_lines() if line.get_marker() == "^"]
        drifting = health[health["flag"].str.contains("drifting")]
        assert triangles[0].get_ydata().tolist() == drifting["bounce_rate"].tolist()
        assert {label.get_rotation() for label in ax.get_xticklabels()} == {30.0}
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            f"2025-{m:02d}-{d:02d}" for m, d in ((1, 6), (1, 13), (1, 20), (1, 27), (2, 3), (2, 10))]
    finally:
        plt.close(ax.figure)
    ax = mailbox_health.plot(health, "drift")
    try:
        assert ax.get_ylabel() == "CUSUM of bounces against the pool"
        assert len(ax.get_lines()) == 2 + health["flag"].str.contains("drifting").any()
    finally:
        plt.close(ax.figure)
