"""monitor_variants on statistics frames: what a look counts (matured sends only), that its
numbers are sequential_test's on those counts (so the Monte Carlo checks of sequential_test
are checks of monitor_variants), the decisions in words, and bad input."""

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.analysis import monitor_variants, plan_test, sequential_test
from smartlead_nb.errors import InputError

T0 = pd.Timestamp("2025-01-06 09:00", tz="UTC")
DAY = pd.Timedelta(days=1)
SEQUENCES = [{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
                                                {"id": 12, "variant_label": "B"}]}]


def batch(variant, sent, replied, *, day=0, delay_days=1.0, step=1, bounced=0):
    """``sent`` sends of one variant on day ``day``, the first ``replied`` replied."""
    at = T0 + day * DAY
    reply = [at + delay_days * DAY] * replied + [pd.NaT] * (sent - replied)
    return pd.DataFrame({
        "sequence_number": pd.array([step] * sent, dtype="Int64"),
        "seq_variant_id": pd.array([variant] * sent, dtype="Int64"),
        "sent_time": pd.Series([at] * sent, dtype="datetime64[ms, UTC]"),
        "reply_time": pd.Series(reply, dtype="datetime64[ms, UTC]"),
        "is_bounced": pd.array([True] * bounced + [False] * (sent - bounced), dtype="boolean"),
    })


def frame(*parts):
    stats = pd.concat(parts, ignore_index=True)
    stats.insert(0, "stats_id", [f"s{i}" for i in range(len(stats))])
    return stats


def test_a_look_counts_matured_sends_and_matches_sequential_test():
    stats = frame(batch(11, 800, 40, day=0), batch(12, 800, 90, day=0),
                  batch(11, 300, 30, day=12), batch(12, 300, 30, day=12))   # young at the look
    plan = plan_test(0.05, 0.03)
    out = monitor_variants(stats, SEQUENCES, plan=plan, now=T0 + 15 * DAY)
    a, b = out.iloc[0], out.iloc[1]
    assert (a.variant, a.sent, a.events, a.pending, a.decision) == ("A", 800, 40, 300, "control")
    assert (b.variant, b.sent, b.events, b.pending, b.control) == ("B", 800, 90, 300, "A")
    expected = sequential_test(90, 800, 40, 800, plan=plan)
    assert b["diff"] == pytest.approx(float(expected.diff))
    assert (b.diff_low, b.diff_high) == pytest.approx((float(expected.low), float(expected.high)))
    assert b.p_value == pytest.approx(float(expected.p_value))
    assert b.decision == "stop: B beats A" == str(expected.decision)
    assert b.planned == plan.sends_per_variant


def test_replies_still_to_come_never_decide():
    # every send is younger than the window: a big early lead in replies decides nothing
    stats = frame(batch(11, 800, 5, day=0), batch(12, 800, 80, day=0))
    out = monitor_variants(stats, SEQUENCES, plan=plan_test(0.05, 0.03), now=T0 + 3 * DAY)
    assert out["sent"].tolist() == [0, 0] and out["pending"].tolist() == [800, 800]
    assert out["decision"].tolist() == ["control", "continue"]


def test_no_worthwhile_difference_names_the_plan_and_without_a_plan_it_continues():
    stats = frame(batch(11, 12000, 600), batch(12, 12000, 610))
    later = T0 + 30 * DAY
    with_plan = monitor_variants(stats, SEQUENCES, plan=plan_test(0.05, 0.03), now=later)
    assert with_plan["decision"].tolist() == ["control", "stop: no worthwhile difference"]
    assert with_plan.loc[1, "diff_high"] < 0.03 and with_plan.loc[1, "diff_low"] > -0.03
    without = monitor_variants(stats, SEQUENCES, now=later)
    assert without["decision"].tolist() == ["control", "continue"]
    assert without["planned"].isna().all()


def test_the_control_can_win_and_labels_default_to_ids():
    stats = frame(batch(11, 1500, 120), batch(12, 1500, 40))
    out = monitor_variants(stats, plan=plan_test(0.05, 0.03), now=T0 + 30 * DAY)
    assert out["variant"].tolist() == [11, 12]
    assert out["decision"].tolist() == ["control", "stop: 11 beats 12"]


def test_three_variants_share_alpha():
    three = [{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
                                                {"id": 12, "variant_label": "B"},
                                                {"id": 13, "variant_label": "C"}]}]
    stats = frame(batch(11, 1500, 60), batch(12, 1500, 95), batch(13, 1500, 60))
    plan = plan_test(0.04, 0.03, variants=3)
    out = monitor_variants(stats, three, plan=plan, now=T0 + 30 * DAY).set_index("variant")
    alone = sequential_test(95, 1500, 60, 1500, plan=plan, comparisons=1)
    assert out.loc["B", "p_value"] == pytest.approx(min(1, 2 * float(alone.p_value)))
    assert out.loc["B", "diff_low"] < float(alone.low)
    # a step's variants are judged against its own control only
    assert out.loc["C", "control"] == "A"


def test_fewer_bounces_is_the_better_variant():
    stats = frame(batch(11, 2000, 0, bounced=200), batch(12, 2000, 0, bounced=60))
    out = monitor_variants(stats, SEQUENCES, metric="bounced", now=T0 + 30 * DAY)
    assert out.loc[1, "decision"] == "stop: B beats A"
    assert out.loc[1, "diff"] < 0


@pytest.mark.parametrize("call, message", [
    (lambda s: monitor_variants(s.to_dict("records")),
     "takes the statistics frame as a pandas DataFrame"),
    (lambda s: monitor_variants(s, plan=0.03), "plan must come from plan_test"),
    (lambda s: monitor_variants(s, plan={"lift": 0.03}), "plan must come from plan_test"),
    (lambda s: monitor_variants(s, metric="replies"), "metric must be one of"),
    (lambda s: monitor_variants(s.drop(columns=["seq_variant_id"])),
     "needs column 'seq_variant_id'"),
])
def test_bad_input_is_refused_with_a_reason(call, message):
    stats = frame(batch(11, 10, 1), batch(12, 10, 2))
    with pytest.raises(InputError, match=message):
        call(stats)


def test_ids_as_text_and_a_step_without_variants_are_grouped_the_same_way():
    stats = frame(batch(11, 1500, 120), batch(12, 1500, 40), batch(11, 300, 9, step=2))
    stats.loc[stats["sequence_number"] == 2, "seq_variant_id"] = pd.NA
    as_ints = monitor_variants(stats, plan=plan_test(0.05, 0.03), now=T0 + 30 * DAY)
    text = stats.astype({"seq_variant_id": object})
    text["seq_variant_id"] = text["seq_variant_id"].map(lambda v: None if pd.isna(v) else str(v))
    as_text = monitor_variants(text, plan=plan_test(0.05, 0.03), now=T0 + 30 * DAY)
    for out in (as_ints, as_text):
        assert out["sent"].tolist() == [1500, 1500, 300]
        assert out["decision"].tolist()[:2] == ["control", "stop: 11 beats 12"]
        assert out["decision"].tolist()[2] == "one variant only: nothing to compare"


def test_a_repeated_row_counts_once_and_a_reply_after_now_is_not_seen():
    stats = frame(batch(11, 100, 10), batch(12, 100, 10))
    twice = pd.concat([stats, stats.iloc[:5]], ignore_index=True)      # same stats_id again
    out = monitor_variants(twice, now=T0 + 30 * DAY)
    assert out["sent"].tolist() == [100, 100] and out["events"].tolist() == [10, 10]
    late = frame(batch(11, 100, 10, delay_days=6), batch(12, 100, 10, delay_days=1))
    out = monitor_variants(late, now=T0 + 3 * DAY, window_days=2)   # A's replies come later
    assert out["events"].tolist() == [0, 10]
