"""compare_variants against hand-computed tables, a known-truth Monte Carlo, censoring, bad
input, and one real statistics frame from the sandbox (over HTTP)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, norm

from smartlead_nb.analysis import compare_variants
from smartlead_nb.errors import InputError

T0 = pd.Timestamp("2025-01-06 09:00", tz="UTC")
LATER = T0 + pd.Timedelta(days=30)        # every reply window long closed


def rows(step, variant, sent, replied, *, sent_at=T0, delay_days=1.0, category=None,
         bounced=0):
    """``sent`` statistics rows of one variant, the first ``replied`` of them with a reply."""
    reply = [sent_at + pd.Timedelta(days=delay_days)] * replied + [pd.NaT] * (sent - replied)
    return pd.DataFrame({
        "sequence_number": pd.array([step] * sent, dtype="Int64"),
        "seq_variant_id": pd.array([variant] * sent, dtype="Int64"),
        "sent_time": pd.Series([sent_at] * sent, dtype="datetime64[ms, UTC]"),
        "reply_time": pd.Series(reply, dtype="datetime64[ms, UTC]"),
        "lead_category": pd.Series([category] * replied + [None] * (sent - replied), dtype=object),
        "is_bounced": pd.array([True] * bounced + [False] * (sent - bounced), dtype="boolean"),
    })


def frame(*parts):
    return pd.concat(parts, ignore_index=True)


def wilson(s, n, z=norm.ppf(0.975)):
    """Wilson (1927), by hand."""
    p = s / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def pooled_z_p(e1, n1, e2, n2):
    """The pooled two-proportion z-test, by hand."""
    p = (e1 + e2) / (n1 + n2)
    z = (e1 / n1 - e2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


def newcombe(s1, n1, s2, n2):
    """Newcombe (1998) method 10, by hand from the two Wilson intervals."""
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson(s1, n1)
    l2, u2 = wilson(s2, n2)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def test_hand_computed_table_z_test_fisher_and_holm():
    stats = frame(rows(1, 11, 400, 20), rows(1, 12, 400, 44), rows(1, 13, 400, 30),
                  rows(2, 21, 30, 1), rows(2, 22, 30, 7))
    got = compare_variants(stats, now=LATER).set_index(["sequence_number", "variant"])

    a = got.loc[(1, 11)]
    assert (a.sent, a.events, a.pending, a.rate) == (400, 20, 0, 0.05)
    assert (a.rate_low, a.rate_high) == pytest.approx(wilson(20, 400), abs=1e-12)
    assert a.verdict == "control" and pd.isna(a.p_value)

    b = got.loc[(1, 12)]
    assert b.control == 11 and b["diff"] == pytest.approx(0.06)
    assert (b.diff_low, b.diff_high) == pytest.approx(newcombe(44, 400, 20, 400), abs=1e-12)
    assert b.test == "z-test"
    p_b, p_c = pooled_z_p(44, 400, 20, 400), pooled_z_p(30, 400, 20, 400)
    assert b.p_value == pytest.approx(p_b, rel=1e-9)
    # Holm over the two comparisons of step 1: smallest p times 2, then max(previous, p times 1)
    assert b.p_adjusted == pytest.approx(min(1, 2 * p_b), rel=1e-9)
    c = got.loc[(1, 13)]
    assert c.p_adjusted == pytest.approx(max(2 * p_b, p_c), rel=1e-9)
    assert b.verdict == "12 beats 11"
    assert c.verdict.startswith("no difference detectable yet: about ")
    assert c.verdict.endswith(" more sends per variant would detect a 2.5-point lift")

    # step 2: 1/30 vs 7/30 has expected counts of 4 < 5, so Fisher's exact test
    e = got.loc[(2, 22)]
    assert e.test == "Fisher exact"
    assert e.p_value == pytest.approx(fisher_exact([[7, 23], [1, 29]]).pvalue, rel=1e-9)
    assert e.p_adjusted == e.p_value          # one comparison in the step: nothing to adjust


def test_labels_from_sequences_a_variant_without_sends_and_a_chosen_control():
    sequences = [{"seq_number": 1, "seq_variants": [
        {"id": 11, "variant_label": "A"}, {"id": 12, "variant_label": "B"},
        {"id": 13, "variant_label": "C"}]}]
    stats = frame(rows(1, 11, 300, 15), rows(1, 12, 300, 45))
    got = compare_variants(stats, sequences, control="B", now=LATER).set_index("variant")
    assert list(got.index) == ["A", "B", "C"]
    assert got.loc["C", "sent"] == 0
    assert got.loc["C", "verdict"] == "no sends yet for C: no test possible"
    assert got.loc["B", "verdict"] == "control"
    assert got.loc["A", "verdict"] == "B beats A"
    assert got.loc["A", "diff"] == pytest.approx(-0.10)
    with pytest.raises(InputError, match="control 'Z' is not a variant of step 1; its variants are A, B, C"):
        compare_variants(stats, sequences, control="Z", now=LATER)


def test_sequences_frame_form_is_understood():
    seq = pd.DataFrame({"seq_number": [1, 1], "variant_id": [11, 12], "variant_label": ["A", "B"]})
    got = compare_variants(frame(rows(1, 11, 50, 5), rows(1, 12, 50, 6)), seq, now=LATER)
    assert got["variant"].tolist() == ["A", "B"]


def test_positive_replies_count_only_the_positive_categories():
    stats = frame(rows(1, 11, 200, 20, category="Out Of Office"),
                  rows(1, 12, 200, 20, category="Interested"))
    got = compare_variants(stats, metric="positive", now=LATER).set_index("variant")
    assert got.loc[11, "events"] == 0 and got.loc[12, "events"] == 20
    assert got.loc[12, "verdict"] == "12 beats 11"


def test_bounces_lower_is_better_and_never_pending():
    stats = frame(rows(1, 11, 500, 0, bounced=5), rows(1, 12, 500, 0, bounced=40))
    got = compare_variants(stats, metric="bounced", now=T0).set_index("variant")
    assert got["pending"].tolist() == [0, 0]
    assert got.loc[12, "verdict"] == "11 beats 12"


def test_a_young_campaign_is_too_early_not_a_loser():
    # B started two days ago: its replies (arriving ~3 days after a send) are mostly to come.
    stats = frame(rows(1, 11, 500, 50, sent_at=T0, delay_days=3),
                  rows(1, 12, 500, 5, sent_at=T0 + pd.Timedelta(days=8), delay_days=1))
    now = T0 + pd.Timedelta(days=10)
    got = compare_variants(stats, now=now).set_index("variant")
    assert got.loc[12, "pending"] == 495 and got.loc[11, "pending"] == 0
    assert got.loc[12, "p_adjusted"] < 0.05       # a naive test would call B the loser...
    assert got.loc[12, "verdict"] == ("too early: most replies are still to come "
                                      "(495 of 12's 500 sends are younger than 7 days)")
    # ...while most of a variant's sends are pending, it is not called either way
    young = frame(rows(1, 11, 500, 10, sent_at=now - pd.Timedelta(days=1)),
                  rows(1, 12, 500, 1, sent_at=now - pd.Timedelta(days=1)))
    verdict = compare_variants(young, now=now).set_index("variant").loc[12, "verdict"]
    assert verdict == "too early: most replies are still to come (499 of 12's 500 sends are younger than 7 days)"
    # once the window has passed for both, the same data is judged
    assert compare_variants(stats, now=now + pd.Timedelta(days=7)).set_index("variant").loc[
        12, "verdict"] == "11 beats 12"


def test_default_now_is_the_latest_time_in_the_frame():
    stats = frame(rows(1, 11, 10, 0, sent_at=T0), rows(1, 12, 10, 0, sent_at=T0 + pd.Timedelta(days=3)))
    got = compare_variants(stats).set_index("variant")
    assert got["pending"].tolist() == [10, 10]          # now = T0 + 3 days: all inside 7 days
    assert compare_variants(stats, reply_window_days=2).set_index("variant")["pending"].tolist() == [0, 10]


def test_one_variant_only_gives_rows_that_say_so():
    got = compare_variants(frame(rows(1, 11, 100, 5), rows(2, None, 80, 3)), now=LATER)
    assert got["verdict"].tolist() == [
        "one variant only in step 1: nothing to compare it with",
        "one variant only in step 2: nothing to compare it with"]
    assert got["rate"].tolist() == [0.05, 3 / 80]


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
                                 now=LATER).loc[1, "verdict"] == "2 beats 1"
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
        compare_variants(empty)
    unsent = rows(1, 11, 5, 0)
    unsent["sent_time"] = pd.NaT
    with pytest.raises(InputError, match="no sends to analyse .every 'sent_time' is empty"):
        compare_variants(unsent, now=LATER)


def test_missing_columns_are_named():
    stats = rows(1, 11, 5, 1).drop(columns=["seq_variant_id"])
    with pytest.raises(InputError, match="compare_variants needs column 'seq_variant_id' in the statistics frame"):
        compare_variants(stats)
    with pytest.raises(InputError, match="needs column 'lead_category'"):
        compare_variants(rows(1, 11, 5, 1).drop(columns=["lead_category"]), metric="positive")


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
    ({"reply_window_days": -1}, "reply_window_days must be a number of days >= 0"),
    ({"now": "not a time"}, "now= must be a time"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(InputError, match=message):
        compare_variants(frame(rows(1, 11, 5, 1), rows(1, 12, 5, 1)), **kwargs)


def test_not_a_frame():
    with pytest.raises(InputError, match="takes the statistics frame as a pandas DataFrame; got list"):
        compare_variants([{"sent_time": "2025-01-06"}])


# --- a real statistics frame from the sandbox, over HTTP ----------------------------------
def test_on_a_sandbox_campaign_frame(client, sandbox):
    cid = client.create_campaign("AB")["id"]
    client.save_sequences(cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                 "seq_variants": [
                                     {"variant_label": "A", "subject": "Hi", "email_body": "A body"},
                                     {"variant_label": "B", "subject": "Hello", "email_body": "B body"}]}])
    accounts = [a["id"] for a in client.list_email_accounts()
                if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.add_email_accounts(cid, accounts[:2])
    client.add_leads(cid, [{"email": f"ab{i}@example.com", "first_name": f"L{i}"} for i in range(60)])
    client.update_schedule(cid, timezone="UTC", days="Mon-Fri", start="08:00", end="18:00")
    client.start_campaign(cid, confirm=True)
    sandbox.advance(days=14)
    stats = client.campaign_statistics_frame(cid)
    got = compare_variants(stats, client.get_sequences(cid))
    assert got["variant"].tolist() == ["A", "B"]
    assert got["sent"].sum() == len(stats)
    assert got.loc[1, "verdict"]                     # a sentence, whatever the simulation drew
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
    import pytest

    from smartlead_nb import InputError
    from smartlead_nb.analysis import compare_variants, reply_curve

    cid = client.create_campaign("Nothing sent yet")["id"]
    stats = client.campaign_statistics_frame(cid)
    assert stats.empty and {"seq_variant_id", "is_bounced", "lead_category"} <= set(stats.columns)
    for analyse in (compare_variants, reply_curve):
        with pytest.raises(InputError, match="no sends to analyse"):
            analyse(stats)
