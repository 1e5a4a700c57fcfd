"""compare_variants against hand-computed tables, verdicts that agree with their intervals over
a grid of tables, degenerate tables, strata (Agresti's CMH example; the issue's confounded
campaign), the sample-ratio check, the words of the verdicts, a known-truth Monte Carlo,
bad input, and one real statistics frame from the sandbox (over HTTP)."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from smartlead_nb.analysis import compare_variants
from smartlead_nb.analysis.strata import with_senders
from smartlead_nb.errors import InputError

T0 = pd.Timestamp("2025-01-06 09:00", tz="UTC")
LATER = T0 + pd.Timedelta(days=30)        # every reply window long closed


def rows(step, variant, sent, replied, *, sent_at=T0, delay_days=1.0, category=None,
         bounced=0, sender=None):
    """``sent`` statistics rows of one variant, the first ``replied`` of them with a reply."""
    reply = [sent_at + pd.Timedelta(days=delay_days)] * replied + [pd.NaT] * (sent - replied)
    frame = pd.DataFrame({
        "sequence_number": pd.array([step] * sent, dtype="Int64"),
        "seq_variant_id": pd.array([variant] * sent, dtype="Int64"),
        "sent_time": pd.Series([sent_at] * sent, dtype="datetime64[ms, UTC]"),
        "reply_time": pd.Series(reply, dtype="datetime64[ms, UTC]"),
        "lead_category": pd.Series([category] * replied + [None] * (sent - replied), dtype=object),
        "is_bounced": pd.array([True] * bounced + [False] * (sent - bounced), dtype="boolean"),
    })
    if sender is not None:
        frame["sender"] = sender
    return frame


def frame(*parts):
    return pd.concat(parts, ignore_index=True)


def wilson(s, n, z=norm.ppf(0.975)):
    """Wilson (1927), by hand."""
    p = s / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def newcombe(s1, n1, s2, n2, z=norm.ppf(0.975)):
    """Newcombe (1998) method 10, by hand from the two Wilson intervals."""
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson(s1, n1, z)
    l2, u2 = wilson(s2, n2, z)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def test_hand_computed_table_newcombe_bonferroni_and_the_inverted_p_value():
    stats = frame(rows(1, 11, 400, 20), rows(1, 12, 400, 44), rows(1, 13, 400, 30),
                  rows(2, 21, 30, 1), rows(2, 22, 30, 7))
    got = compare_variants(stats, now=LATER).set_index(["sequence_number", "variant"])

    a = got.loc[(1, 11)]
    assert (a.sent, a.events, a.pending, a.rate) == (400, 20, 0, 0.05)
    assert (a.rate_low, a.rate_high) == pytest.approx(wilson(20, 400), abs=1e-12)
    assert a.verdict == "control" and pd.isna(a.p_value) and pd.isna(a.method)

    # step 1 has two comparisons: Bonferroni intervals at 97.5%
    z = norm.ppf(1 - 0.05 / 2 / 2)
    b = got.loc[(1, 12)]
    assert b.control == 11 and b["diff"] == pytest.approx(0.06)
    assert (b.diff_low, b.diff_high) == pytest.approx(newcombe(44, 400, 20, 400, z), abs=1e-12)
    assert b.method == "Newcombe hybrid score"
    # the p-value is where the interval's lower bound reaches 0
    assert newcombe(44, 400, 20, 400, norm.isf(b.p_value / 2))[0] == pytest.approx(0, abs=1e-7)
    assert b.p_adjusted == pytest.approx(2 * b.p_value, rel=1e-12)
    assert b.verdict == "12 beats 11: by 1.7 to 10 points more replies"
    c = got.loc[(1, 13)]
    assert c.diff_low < 0 < c.diff_high and c.p_adjusted >= 0.05
    assert c.verdict.startswith("no difference detectable yet: 13 - 11 is -1.4 to +6.5 points, "
                                "so no difference larger than 6.5 points in replies; about ")
    assert c.verdict.endswith(" more matured sends per variant would detect a 2.5-point lift")

    # step 2: one comparison, 95%
    e = got.loc[(2, 22)]
    assert (e.diff_low, e.diff_high) == pytest.approx(newcombe(7, 30, 1, 30), abs=1e-12)
    assert e.p_adjusted == e.p_value


# --- verdict and interval agree, bounds where they must be --------------------------------
def _counts_frame(tables):
    """One step per table: ``[(sent, replied), ...]`` per variant."""
    parts = [rows(step, 10 * step + k, n, e) for step, table in enumerate(tables, start=1)
             for k, (n, e) in enumerate(table) if n]
    return frame(*parts)


def test_beats_appears_exactly_when_the_interval_excludes_zero_over_a_grid():
    rng = np.random.default_rng(11)
    tables = []
    for _ in range(120):
        k = int(rng.choice([2, 2, 3]))
        n = rng.integers(1, 400, k)
        tables.append([(int(x), int(rng.binomial(x, rng.choice([0.0, 0.02, 0.1, 0.5, 1.0]))))
                       for x in n])
    for level in (0.9, 0.95, 0.99):
        got = compare_variants(_counts_frame(tables), now=LATER, level=level, strata=None)
        judged = got[got["method"].notna()]
        assert len(judged) > 100
        excludes = (judged["diff_low"] > 0) | (judged["diff_high"] < 0)
        beats = judged["verdict"].str.contains(" beats ")
        assert (beats == excludes).all()
        assert (beats == (judged["p_adjusted"] < 1 - level)).all()
        assert not judged["verdict"].str.contains("noise").any()
        # every estimate inside its interval, every bound where it must lie
        assert ((judged["diff_low"] <= judged["diff"])
                & (judged["diff"] <= judged["diff_high"])).all()
        assert ((judged["diff_low"] >= -1) & (judged["diff_high"] <= 1)).all()
        sent = got[got["sent"] > 0]
        assert ((sent["rate_low"] >= 0) & (sent["rate_low"] <= sent["rate"])
                & (sent["rate"] <= sent["rate_high"]) & (sent["rate_high"] <= 1)).all()


DEGENERATE = [
    [(1, 1), (1, 0)],              # 1/1 vs 0/1: raised TypeError before issue 20
    [(1, 0), (1, 1)],
    [(1, 0), (1, 0)],
    [(1, 1), (1, 1)],
    [(5, 5), (5, 5)],              # every send answered: zero variance
    [(5, 0), (5, 0)],
    [(50, 50), (50, 0)],
    [(1, 1), (2000, 0)],
    [(3, 0), (3, 3), (3, 1)],
    [(2, 1)],                      # one variant
]


@pytest.mark.parametrize("table", DEGENERATE, ids=[str(t) for t in DEGENERATE])
@pytest.mark.parametrize("strata", [None, "auto", ["week"]])
def test_degenerate_tables_give_sentences_not_errors(table, strata):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no RuntimeWarning from a division by zero
        got = compare_variants(_counts_frame([table]), now=LATER, strata=strata)
    assert got["verdict"].map(lambda v: isinstance(v, str) and len(v) > 5).all()
    judged = got[got["method"].notna()]
    for r in judged.itertuples():
        assert (" beats " in r.verdict) == (r.diff_low > 0 or r.diff_high < 0)


def test_a_variant_with_no_sends_and_one_with_only_young_sends():
    sequences = [{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
                                                     {"id": 12, "variant_label": "B"},
                                                     {"id": 13, "variant_label": "C"}]}]
    stats = frame(rows(1, 11, 50, 5), rows(1, 13, 20, 1, sent_at=LATER - pd.Timedelta(days=2)))
    got = compare_variants(stats, sequences, now=LATER).set_index("variant")
    assert got.loc["B", "verdict"].startswith("no sends yet for B: no test possible; but the "
                                              "split is off: A 50, B 0, C 20 sends")
    assert got.loc["C", "verdict"].startswith("not yet: none of C's sends is older than 7 days "
                                              "(20 pending); only those can decide; but ")
    assert got.loc["C", ["sent", "pending"]].tolist() == [0, 20]


# --- level everywhere --------------------------------------------------------------------
def test_level_sets_the_intervals_the_verdict_and_the_advice():
    stats = frame(rows(1, 11, 1000, 50), rows(1, 12, 1000, 68))
    at95 = compare_variants(stats, now=LATER).loc[1]
    at99 = compare_variants(stats, now=LATER, level=0.99).loc[1]
    assert (at99.diff_low, at99.diff_high) == pytest.approx(
        newcombe(68, 1000, 50, 1000, norm.ppf(0.995)), abs=1e-12)
    need95 = int(at95.verdict.split("about ")[1].split(" more")[0].replace(",", ""))
    need99 = int(at99.verdict.split("about ")[1].split(" more")[0].replace(",", ""))
    assert need99 > need95 * 1.3          # planned at alpha 0.01, not 0.05


# --- words an analyst can act on -----------------------------------------------------------
def test_the_verdict_names_the_lift_it_rules_in_or_out():
    won = compare_variants(frame(rows(1, 11, 3000, 150), rows(1, 12, 3000, 270)),
                           now=LATER).loc[1, "verdict"]
    assert won == "12 beats 11: by 2.7 to 5.3 points more replies"
    flat = compare_variants(frame(rows(1, 11, 20000, 1000), rows(1, 12, 20000, 1010)),
                            now=LATER).loc[1, "verdict"]
    assert flat == ("no difference larger than 0.48 points in replies "
                    "(12 - 11 is -0.38 to +0.48 points)")
    fewer = compare_variants(frame(rows(1, 11, 500, 0, bounced=5), rows(1, 12, 500, 0, bounced=40)),
                             metric="bounced", now=T0).loc[1, "verdict"]
    assert fewer == "11 beats 12: by 4.5 to 9.8 points fewer bounces"


# --- censoring, now, and the old argument's name --------------------------------------------
def test_a_young_variant_is_judged_on_its_matured_sends_only():
    # B started later: its young sends are pending, never counted as "no reply"
    stats = frame(rows(1, 11, 500, 50, sent_at=T0),
                  rows(1, 12, 300, 30, sent_at=T0 + pd.Timedelta(days=2)),
                  rows(1, 12, 300, 0, sent_at=T0 + pd.Timedelta(days=12)))
    got = compare_variants(stats, now=T0 + pd.Timedelta(days=14)).set_index("variant")
    assert got.loc[12, ["sent", "events", "pending"]].tolist() == [300, 30, 300]
    assert got.loc[12, "diff"] == pytest.approx(0.0)
    assert " beats " not in got.loc[12, "verdict"]


def test_reply_window_days_still_works_with_a_future_warning():
    stats = frame(rows(1, 11, 100, 10, delay_days=3), rows(1, 12, 100, 10, delay_days=3))
    with pytest.warns(FutureWarning, match="reply_window_days is now window_days"):
        old = compare_variants(stats, now=LATER, reply_window_days=2)
    assert old["events"].tolist() == [0, 0]          # the replies came after 2 days
    pd.testing.assert_frame_equal(old, compare_variants(stats, now=LATER, window_days=2))
    with pytest.raises(InputError, match="give window_days only"):
        with pytest.warns(FutureWarning):
            compare_variants(stats, now=LATER, window_days=3, reply_window_days=2)


def test_positive_replies_say_which_category_they_used():
    stats = frame(rows(1, 11, 200, 20, category="Out Of Office"),
                  rows(1, 12, 200, 20, category="Interested"))
    got = compare_variants(stats, metric="positive", now=LATER).set_index("variant")
    assert got.loc[11, "events"] == 0 and got.loc[12, "events"] == 20
    assert got.loc[12, "verdict"].startswith("12 beats 11: by ")
    assert got.loc[12, "verdict"].endswith("(positive = each lead's current category; pass "
                                           "replies= for each reply's own)")
    assert any("lead's current category" in n for n in got.attrs["notes"])


# --- strata -------------------------------------------------------------------------------
# Agresti, Categorical Data Analysis (2nd ed., 2002), section 6.3: eight clinics; drug
# successes/patients and control successes/patients. CMH = 6.38 (p = 0.012), MH OR = 2.13.
AGRESTI = [(11, 36, 10, 37), (16, 20, 22, 32), (14, 19, 7, 19), (2, 16, 1, 17),
           (6, 17, 0, 12), (1, 11, 0, 10), (1, 5, 1, 9), (4, 6, 6, 7)]


def test_stratified_comparison_reproduces_agresti_and_converts_to_points():
    parts = []
    for clinic, (a, n1, c, n2) in enumerate(AGRESTI):
        parts += [rows(1, 11, n2, c, sender=f"clinic{clinic}"),
                  rows(1, 12, n1, a, sender=f"clinic{clinic}")]
    got = compare_variants(frame(*parts), now=LATER, strata=["mailbox"]).loc[1]
    assert got.method == "Mantel-Haenszel within mailbox"
    control_rate = sum(c for _, _, c, _ in AGRESTI) / sum(n for *_, n in AGRESTI)
    odds = 2.1345                         # Agresti's 2.13
    at_control = control_rate * odds / (1 - control_rate + control_rate * odds)
    assert got["diff"] == pytest.approx(at_control - control_rate, abs=1e-4)
    # Wald test of log(2.1345) with the Robins-Breslow-Greenland se (0.3035): p = 0.0124
    assert got.p_value == pytest.approx(2 * norm.sf(math.log(2.134549) / 0.3034676), rel=1e-5)
    assert got.verdict.startswith("12 beats 11: by ")
    assert got.verdict.endswith(", compared within each mailbox")


def confounded(scale=1):
    """The issue's campaign: B better within each mailbox, A better pooled (B mostly sent
    from the mailbox whose mail lands in spam)."""
    return frame(rows(1, 11, 2000 * scale, 200 * scale, sender="good@a.io"),
                 rows(1, 12, 200 * scale, 36 * scale, sender="good@a.io"),
                 rows(1, 11, 200 * scale, 2 * scale, sender="bad@b.io"),
                 rows(1, 12, 2000 * scale, 40 * scale, sender="bad@b.io"))


def test_pooling_misleads_and_auto_stratifies():
    seq = [{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
                                               {"id": 12, "variant_label": "B"}]}]
    pooled = compare_variants(confounded(), seq, now=LATER, strata=None).loc[1]
    assert pooled.verdict.startswith("A beats B") and pooled.p_value < 0.001
    auto = compare_variants(confounded(), seq, now=LATER).loc[1]
    assert auto.method == "Mantel-Haenszel within mailbox"
    assert auto.verdict.startswith("B beats A: by ") and auto.diff_low > 0
    # the skewed mailboxes are named (the split is off in each; overall it is 2,200/2,200)
    assert "in mailboxes bad@b.io (A 200, B 2,000, p < 1e-16) and good@a.io (A 2,000, B 200, " \
           "p < 1e-16): something other than chance chose" in auto.verdict
    assert pooled.srm_p == pytest.approx(1.0)


def test_auto_leaves_a_balanced_campaign_pooled_and_forcing_stratifies_it():
    balanced = frame(rows(1, 11, 1000, 50, sender="m1"), rows(1, 12, 1000, 70, sender="m1"),
                     rows(1, 11, 1000, 20, sender="m2"), rows(1, 12, 1000, 30, sender="m2"))
    auto = compare_variants(balanced, now=LATER).loc[1]
    assert auto.method == "Newcombe hybrid score"
    forced = compare_variants(balanced, now=LATER, strata=["mailbox", "week"]).loc[1]
    assert forced.method == "Mantel-Haenszel within mailbox and week"
    assert forced["diff"] == pytest.approx(auto["diff"], abs=0.004)


def test_send_weeks_confound_too():
    # week 1: 8% reply rate, mostly A; week 2: 2%, mostly B; within each week B is better
    stats = frame(rows(1, 11, 2000, 160), rows(1, 12, 300, 36),
                  rows(1, 11, 300, 6, sent_at=T0 + pd.Timedelta(days=7)),
                  rows(1, 12, 2000, 60, sent_at=T0 + pd.Timedelta(days=7)))
    got = compare_variants(stats, now=LATER).loc[1]
    assert got.method == "Mantel-Haenszel within week"
    assert got.verdict.startswith("12 beats 11")
    assert compare_variants(stats, now=LATER, strata=None).loc[1].verdict.startswith("11 beats 12")


def test_no_mailbox_sent_both_variants():
    stats = frame(rows(1, 11, 100, 5, sender="m1"), rows(1, 12, 100, 9, sender="m2"))
    got = compare_variants(stats, now=LATER, strata=["mailbox"]).loc[1]
    assert got.verdict.startswith("no mailbox sent both 12 and 11: they cannot be compared "
                                  "within mailbox")


def test_with_senders_takes_the_sender_from_leads_statistics():
    stats = frame(rows(1, 11, 2, 0), rows(1, 12, 2, 0))
    stats["lead_email"] = ["a@x.io", "B@x.io ", "c@x.io", "d@x.io"]
    stats.attrs["read_at"] = LATER
    leads = pd.DataFrame({"to": ["a@x.io", "b@x.io", "c@x.io"],
                          "from": ["m1@s.io", "m1@s.io", "m2@s.io"]})
    got = with_senders(stats, leads)
    assert got["sender"].astype(object).where(got["sender"].notna(), None).tolist() == \
        ["m1@s.io", "m1@s.io", "m2@s.io", None]
    assert isinstance(got["sender"].dtype, pd.CategoricalDtype)
    assert got.attrs["read_at"] == LATER and "sender" not in stats.columns
    with pytest.raises(InputError, match="needs column 'from' in the leads-statistics frame"):
        with_senders(stats, leads.drop(columns="from"))


# --- the split between variants ------------------------------------------------------------
def test_a_sample_ratio_mismatch_is_stated_and_asked_shares_are_respected():
    stats = frame(rows(1, 11, 600, 30), rows(1, 12, 400, 20))
    even = compare_variants(stats, now=LATER).loc[1]
    assert even.srm_p < 1e-9
    assert even.verdict.endswith("but the split is off: 11 600, 12 400 sends where an equal "
                                 "split was asked (sample-ratio mismatch, p = 2.5e-10): "
                                 "something other than chance chose who got which variant; "
                                 "find it before trusting this comparison")
    seq = [{"seq_number": 1, "seq_variants": [
        {"id": 11, "variant_label": "A", "variant_distribution_percentage": 60},
        {"id": 12, "variant_label": "B", "variant_distribution_percentage": 40}]}]
    asked = compare_variants(stats, seq, now=LATER).loc[1]
    assert asked.srm_p == pytest.approx(1.0) and "split" not in asked.verdict
    # a small imbalance is not a mismatch
    assert "split" not in compare_variants(frame(rows(1, 11, 520, 30), rows(1, 12, 480, 20)),
                                           now=LATER).loc[1, "verdict"]


def test_only_the_skewed_mailbox_is_named_among_many_healthy_ones():
    rng = np.random.default_rng(41)
    parts = []
    for box in range(30):                                   # healthy: a random 50/50 split
        a = int(rng.binomial(400, 0.5))
        parts += [rows(1, 11, a, a // 20, sender=f"m{box:02d}@s.io"),
                  rows(1, 12, 400 - a, (400 - a) // 20, sender=f"m{box:02d}@s.io")]
    parts += [rows(1, 11, 300, 15, sender="skewed@s.io"), rows(1, 12, 100, 5, sender="skewed@s.io")]
    verdict = compare_variants(frame(*parts), now=LATER).loc[1, "verdict"]
    assert "in mailbox skewed@s.io (11 300, 12 100, p < 1e-16)" in verdict   # 1.5e-23
    assert "m0" not in verdict and "m1" not in verdict and "m2" not in verdict


# --- the known truth, over many seeds ----------------------------------------------------
def simulated(rng, n, p_a, p_b):
    """One finished A/B step: n sends per variant, replies drawn from the true rates."""
    replied = np.concatenate([rng.random(n) < p_a, rng.random(n) < p_b])
    return pd.DataFrame({
        "sequence_number": np.ones(2 * n, dtype=np.int64),
        "seq_variant_id": np.repeat([1, 2], n),
        "sent_time": pd.Series([T0] * (2 * n), dtype="datetime64[ms, UTC]"),
        "reply_time": pd.Series(np.where(replied, T0 + pd.Timedelta(days=1), pd.NaT),
                                dtype="datetime64[ms, UTC]"),
    })


def test_monte_carlo_power_and_false_positive_rate():
    # bounded by replicates (200 campaigns each way), never by wall time
    seeds = 200
    found = sum(compare_variants(simulated(np.random.default_rng(seed), 1500, 0.04, 0.08),
                                 now=LATER).loc[1, "verdict"].startswith("2 beats 1")
                for seed in range(seeds))
    # 4% vs 8% at 1,500 per variant has power ~0.999 at alpha 0.05
    assert found >= 0.95 * seeds
    called = sum(compare_variants(simulated(np.random.default_rng(10_000 + seed), 1500, 0.05, 0.05),
                                  now=LATER).loc[1, "p_adjusted"] < 0.05
                 for seed in range(seeds))
    # nominal 5%: 10 of 200 expected; 3 binomial standard deviations either side
    sd = math.sqrt(seeds * 0.05 * 0.95)
    assert 10 - 3 * sd <= called <= 10 + 3 * sd, called


# --- bad input ---------------------------------------------------------------------------
def test_zero_sends_is_refused():
    empty = rows(1, 11, 0, 0)
    with pytest.raises(InputError, match="no sends to analyse .it has no rows"):
        compare_variants(empty, now=LATER)
    unsent = rows(1, 11, 5, 0)
    unsent["sent_time"] = pd.NaT
    with pytest.raises(InputError, match="no sends to analyse .every 'sent_time' is empty"):
        compare_variants(unsent, now=LATER)


def test_missing_columns_are_named():
    stats = rows(1, 11, 5, 1).drop(columns=["seq_variant_id"])
    with pytest.raises(InputError, match="compare_variants needs column 'seq_variant_id' in the statistics frame"):
        compare_variants(stats, now=LATER)
    with pytest.raises(InputError, match="needs column 'lead_category'"):
        compare_variants(rows(1, 11, 5, 1).drop(columns=["lead_category"]), metric="positive",
                         now=LATER)


def test_nan_and_bad_times_are_refused_by_row():
    stats = frame(rows(1, 11, 5, 2), rows(1, 12, 5, 0))
    stats.loc[1, "sent_time"] = pd.NaT                  # a reply without its send
    with pytest.raises(InputError, match=r"1 row\(s\) have 'reply_time' but no 'sent_time' \(rows \[1\]\)"):
        compare_variants(stats, now=LATER)
    text = frame(rows(1, 11, 2, 0), rows(1, 12, 2, 0))
    text["sent_time"] = ["2025-01-06T09:00:00Z", "yesterday", "2025-01-06T09:00:00Z", None]
    with pytest.raises(InputError, match="column 'sent_time' holds values that are not times, e.g. 'yesterday' .rows \\[1\\]"):
        compare_variants(text, now=LATER)
    nostep = frame(rows(1, 11, 3, 0), rows(1, 12, 3, 0))
    nostep["sequence_number"] = pd.array([1, None, 1, 1, 1, 1], dtype="Int64")
    with pytest.raises(InputError, match="sends without a 'sequence_number' .rows \\[1\\]"):
        compare_variants(nostep, now=LATER)


@pytest.mark.parametrize("kwargs, message", [
    ({"metric": "meetings"}, "metric must be one of replied, positive, opened"),
    ({"level": 95}, "level must be a number between 0 and 1"),
    ({"window_days": -1}, "window_days must be a number of days >= 0"),
    ({"now": "not a time"}, "now= must be a time"),
    ({"strata": "mailboxes"}, "strata must be 'auto', None or a list of 'mailbox' and 'week'"),
    ({"strata": ["week", "domain"]}, "strata must be names from 'mailbox', 'week'; got 'domain'"),
    ({"strata": ["mailbox"]}, "does not say which mailbox sent each email"),
    ({"metric": "positive", "replies": [{"lead_email": "a"}]}, "replies= .* as a pandas DataFrame"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(InputError, match=message):
        compare_variants(frame(rows(1, 11, 5, 1), rows(1, 12, 5, 1)), **{"now": LATER, **kwargs})


def test_not_a_frame():
    with pytest.raises(InputError, match="takes the statistics frame as a pandas DataFrame; got list"):
        compare_variants([{"sent_time": "2025-01-06"}])


# --- a real statistics frame from the sandbox, over HTTP ----------------------------------
def test_on_a_sandbox_campaign_frame(client, sandbox):
    cid = client.campaigns.create("AB")["id"]
    client.sequences.save(cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                 "seq_variants": [
                                     {"variant_label": "A", "subject": "Hi", "email_body": "A body"},
                                     {"variant_label": "B", "subject": "Hello", "email_body": "B body"}]}])
    accounts = [a["id"] for a in client.email_accounts.list()
                if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.campaigns.email_accounts.add(cid, accounts[:2])
    client.leads.add(cid, [{"email": f"ab{i}@example.com", "first_name": f"L{i}"} for i in range(60)])
    client.campaigns.schedule(cid, timezone="UTC", days="Mon-Fri", start="08:00", end="18:00")
    client.campaigns.start(cid, confirm=True)
    sandbox.advance(days=14)
    stats = client.statistics.frame(cid)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # judged as of the read: no note needed
        got = compare_variants(stats, client.sequences.get(cid))
    assert got.attrs["now"] == stats.attrs["read_at"] and got.attrs["now_source"] == "read_at"
    assert got["variant"].tolist() == ["A", "B"]
    assert (got["sent"] + got["pending"]).sum() == len(stats)
    assert got.loc[1, "verdict"]                     # a sentence, whatever the simulation drew
    senders = with_senders(stats, client.statistics.leads.frame(cid))
    assert senders["sender"].notna().all()
    assert len(compare_variants(senders, strata=["mailbox", "week"])) == 2
    for metric in ("positive", "opened", "clicked", "unsubscribed", "bounced"):
        assert len(compare_variants(stats, metric=metric)) == 2


def test_a_step_without_variants_and_a_variant_missing_from_sequences():
    sequences = [{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
                                                     {"id": 12, "variant_label": "B"}]},
                 {"seq_number": 2}]
    stats = frame(rows(1, 11, 100, 5), rows(1, 12, 100, 9), rows(2, None, 150, 4),
                  rows(1, 99, 10, 1))
    got = compare_variants(stats, sequences, now=LATER)
    assert got["variant"].tolist() == ["A", "B", "id 99 (not in sequences)", "2"]
    assert got["sent"].tolist() == [100, 100, 10, 150]
    assert got["verdict"].iloc[3] == "one variant only in step 2: nothing to compare it with"


def test_a_campaign_that_has_sent_nothing_gets_a_sentence_not_a_missing_column(client):
    """Zero sends over real HTTP: the empty statistics frame keeps its documented columns, so
    compare_variants says there is nothing to analyse yet (it used to name a missing column)."""
    from smartlead_nb.analysis import reply_curve

    cid = client.campaigns.create("Nothing sent yet")["id"]
    stats = client.statistics.frame(cid)
    assert stats.empty and {"seq_variant_id", "is_bounced", "lead_category"} <= set(stats.columns)
    for analyse in (compare_variants, reply_curve):
        with pytest.raises(InputError, match="no sends to analyse"):
            analyse(stats)
