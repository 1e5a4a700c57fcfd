"""matured_counts: what counts at ``now`` (matured vs pending), which ``now``, duplicates,
events before their send, per-reply categories, strata; and the bias it removes (a variant
whose leads start later is no longer called the loser), by Monte Carlo bounded in replicates."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.analysis import compare_variants
from smartlead_nb.analysis._counts import (NowNote, duplicate_rows, id_codes, matured_counts,
                                           nanoseconds)
from smartlead_nb.errors import InputError

T0 = pd.Timestamp("2025-01-06 09:00", tz="UTC")        # a Monday
DAY = pd.Timedelta(days=1)


def sends(variant, offsets_days, reply_after_days, *, step=1, emails=None, **extra):
    """One row per send at T0 + offset, with a reply that many days later (None: no reply)."""
    n = len(offsets_days)
    sent = [T0 + d * DAY for d in offsets_days]
    reply = [s + r * DAY if r is not None else pd.NaT for s, r in zip(sent, reply_after_days)]
    frame = pd.DataFrame({"sequence_number": [step] * n, "seq_variant_id": [variant] * n,
                          "sent_time": pd.Series(sent, dtype="datetime64[ns, UTC]"),
                          "reply_time": pd.Series(reply, dtype="datetime64[ns, UTC]")})
    if emails is not None:
        frame["lead_email"] = emails
    for key, value in extra.items():
        frame[key] = value
    return frame


def count(stats, **kwargs):
    kwargs.setdefault("now", T0 + 20 * DAY)
    out = matured_counts(stats, "replied", **kwargs)
    return out.set_index(["sequence_number", "variant_id"])


# --- matured, pending, events within the window, at now -------------------------------------
def test_only_sends_older_than_the_window_count_and_only_events_within_it():
    stats = sends(11, [0, 0, 0, 5, 12, 14, 25],
                  [1, 7, 7.5, None, 1, None, 0])
    got = count(stats, window_days=7, now=T0 + 20 * DAY).loc[(1, 11)]
    # matured: sent at day 0, 0, 0, 5, 12 (<= day 13); day 14 is young; day 25 is after now
    assert (got.sent, got.pending) == (5, 1)
    # a reply on day 7 exactly counts, 7.5 days after does not
    assert got.events == 3


def test_events_after_now_are_ignored_and_a_later_now_sees_more():
    stats = sends(11, [0, 0], [3, 6])
    assert count(stats, window_days=7, now=T0 + 7 * DAY).loc[(1, 11)].events == 2
    # at day 7 both replies are in; judged at day 5 the send is young: nothing decides yet
    early = count(stats, window_days=7, now=T0 + 5 * DAY).loc[(1, 11)]
    assert (early.sent, early.events, early.pending) == (0, 0, 2)
    # a window of 4 days at day 10: the reply 6 days after its send came too late
    assert count(stats, window_days=4, now=T0 + 10 * DAY).loc[(1, 11)].events == 1


@pytest.mark.parametrize("days", [-1, float("nan"), float("inf"), "7", True, None])
def test_a_window_that_is_not_a_number_of_days_is_refused(days):
    with pytest.raises(InputError, match="window_days must be a number of days >= 0"):
        matured_counts(sends(11, [0], [1]), "replied", window_days=days, now=T0 + 9 * DAY)


def test_bounces_are_known_at_send_time_and_never_pending():
    stats = sends(11, [0, 19], [None, None], is_bounced=[True, True])
    got = matured_counts(stats, "bounced", now=T0 + 20 * DAY).iloc[0]
    assert (got.sent, got.events, got.pending) == (2, 2, 0)


# --- which now ------------------------------------------------------------------------------
def test_now_defaults_to_read_at_and_a_later_now_is_refused():
    stats = sends(11, [0, 10], [1, None])
    stats.attrs["read_at"] = T0 + 20 * DAY
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no note: the read time is known
        got = matured_counts(stats, "replied")
    assert got.attrs["now"] == T0 + 20 * DAY and got.attrs["now_source"] == "read_at"
    assert got.iloc[0].sent == 2
    with pytest.raises(InputError, match=r"now= \(2025-01-27 09:00 UTC\) is after the frame "
                                         r"was read \(2025-01-26 09:00 UTC\)"):
        matured_counts(stats, "replied", now=T0 + 21 * DAY)
    assert matured_counts(stats, "replied", now=T0 + 19 * DAY).attrs["now_source"] == "now="


def test_without_read_at_or_now_the_latest_time_is_used_and_said():
    stats = sends(11, [0, 10], [1, None])
    with pytest.warns(NowNote, match="judged as of 2025-01-16 09:00 UTC, the latest time in "
                                     "the frame .it carries no read time: pass now=."):
        got = compare_variants(pd.concat([stats, sends(12, [0], [None])]), strata=None)
    assert got.attrs["now_source"] == "latest time in the frame"
    assert got.attrs["notes"][0].startswith("judged as of 2025-01-16 09:00 UTC")


# --- duplicates -----------------------------------------------------------------------------
def test_a_send_read_twice_counts_once_and_is_reported():
    stats = sends(11, [0, 0, 1, 1], [None, 1, None, None], emails=["a@x", "b@x", "c@x", "c@x"])
    got = count(stats)
    assert (got.loc[(1, 11)].sent, got.loc[(1, 11)].duplicates_dropped) == (3, 1)
    assert count(stats).attrs["duplicates_dropped"] == 1


def test_of_two_copies_the_one_that_knows_the_reply_is_kept_in_either_order():
    for first_reply in (None, 1):
        second = 1 if first_reply is None else None
        stats = sends(11, [0, 0, 3], [first_reply, second, None], emails=["a@x", "a@x", "b@x"])
        got = count(stats).loc[(1, 11)]
        assert (got.sent, got.events, got.duplicates_dropped) == (2, 1, 1)


def test_stats_id_names_a_send_and_rows_in_any_order_are_found():
    rng = np.random.default_rng(5)
    base = sends(11, list(range(50)), [None] * 50, stats_id=[f"s{i}" for i in range(50)])
    repeated = pd.concat([base, base.iloc[[3, 17, 17]]], ignore_index=True)
    shuffled = repeated.iloc[rng.permutation(len(repeated))].reset_index(drop=True)
    for frame in (repeated, shuffled):
        got = count(frame, now=T0 + 80 * DAY).loc[(1, 11)]
        assert (got.sent, got.duplicates_dropped) == (50, 3)


@pytest.mark.parametrize("per_second", [3, 40])          # 40: past the neighbour search
def test_copies_among_many_sends_in_the_same_second_are_found(per_second):
    rng = np.random.default_rng(per_second)
    seconds = np.repeat(np.arange(200), per_second)
    base = sends(11, seconds / 86400, [None] * len(seconds),
                 emails=[f"l{i}@x" for i in range(len(seconds))])
    copies = base.iloc[[5, 77, 78, 301]]
    stats = pd.concat([base, copies]).sort_values("sent_time", kind="stable")
    # a copy may sit anywhere in its second, after other leads' rows
    stats = stats.groupby("sent_time", group_keys=False).sample(frac=1.0, random_state=rng)
    got = count(stats.reset_index(drop=True), now=T0 + 30 * DAY).loc[(1, 11)]
    assert (got.sent, got.duplicates_dropped) == (len(base), 4)


def test_different_sends_at_the_same_second_are_not_duplicates():
    # two leads written to in the same second; the same lead on two steps; a row without a
    # lead: none of these is a copy
    stats = pd.concat([sends(11, [0, 0], [None, None], emails=["a@x", "b@x"]),
                       sends(21, [0], [None], step=2, emails=["a@x"]),
                       sends(11, [0, 0], [None, None], emails=[None, None])], ignore_index=True)
    codes = [id_codes(stats[c])[0] for c in ("sequence_number", "seq_variant_id")]
    assert not duplicate_rows(stats, nanoseconds(stats["sent_time"]), *codes).any()
    # without any key column nothing can be told apart, so nothing is dropped
    assert count(sends(11, [0, 0], [None, None])).loc[(1, 11)].sent == 2


# --- events before their send ----------------------------------------------------------------
@pytest.mark.parametrize("before", [pd.Timedelta(seconds=1), pd.Timedelta(days=3)])
def test_a_reply_before_its_send_is_refused_naming_the_rows(before):
    stats = sends(11, [0, 1, 2], [1, None, 1])
    stats.loc[2, "reply_time"] = stats.loc[2, "sent_time"] - before
    with pytest.raises(InputError, match=r"1 row\(s\) have a 'reply_time' before their "
                                         r"'sent_time' \(rows \[2\]\)"):
        matured_counts(stats, "replied", now=T0 + 20 * DAY)


def test_a_reply_before_its_send_in_text_and_other_units_is_refused_too():
    stats = pd.DataFrame({"sequence_number": [1, 1], "seq_variant_id": [11, 11],
                          "sent_time": ["2025-01-06T09:00:00Z", "2025-01-06 10:00:00+01:00"],
                          "reply_time": pd.Series(pd.to_datetime(
                              ["2025-01-07T09:00:00Z", "2025-01-06T08:59:59Z"]),
                              dtype="datetime64[s, UTC]").array}, index=["x", "y"])
    with pytest.raises(InputError, match=r"\(rows \['y'\]\)"):
        matured_counts(stats, "replied", now=T0 + 20 * DAY)


# --- positive: each reply's own category -----------------------------------------------------
def _positive_frame():
    # a: OOO on step 1 (later Interested on step 2); b: Interested; c: replied, no category yet
    stats = pd.concat([
        sends(11, [0, 0, 0], [1, 2, 3], emails=["a@x", "b@x", "c@x"]),
        sends(21, [4], [1], step=2, emails=["a@x"])], ignore_index=True)
    stats["lead_category"] = ["Interested", "Interested", None, "Interested"]
    return stats


def test_without_replies_the_leads_current_category_counts_and_uncategorised_is_pending():
    got = matured_counts(_positive_frame(), "positive", now=T0 + 20 * DAY)
    step1 = got[got["sequence_number"] == 1].iloc[0]
    # a's out-of-office counts as positive: the caveat in attrs says why
    assert (step1.sent, step1.events, step1.pending, step1.uncategorised) == (2, 2, 1, 1)
    assert "lead's current category" in got.attrs["categories"]


@pytest.mark.parametrize("time_column", ["event_time", "reply_time"])
def test_with_replies_each_reply_takes_its_own_category(time_column):
    replies = pd.DataFrame({
        "lead_email": [" A@x ", "a@x", "b@x", "c@x"],
        time_column: [T0 + 1 * DAY + pd.Timedelta(minutes=5), T0 + 5 * DAY, T0 + 2 * DAY,
                      T0 + 25 * DAY],                  # c's category comes after now
        "category": ["Out Of Office", "Interested", "Meeting Request", "Interested"]})
    got = matured_counts(_positive_frame(), "positive", now=T0 + 20 * DAY, replies=replies)
    step1 = got[got["sequence_number"] == 1].iloc[0]
    step2 = got[got["sequence_number"] == 2].iloc[0]
    assert (step1.sent, step1.events, step1.uncategorised) == (2, 1, 1)
    assert (step2.sent, step2.events) == (1, 1)
    assert "each reply's own category" in got.attrs["categories"]


def test_a_category_given_after_the_leads_next_reply_is_not_the_earlier_replys():
    replies = pd.DataFrame({"lead_email": ["a@x"], "event_time": [T0 + 5 * DAY],
                            "category": ["Interested"]})
    got = matured_counts(_positive_frame(), "positive", now=T0 + 20 * DAY, replies=replies)
    step1 = got[got["sequence_number"] == 1].iloc[0]
    assert step1.events == 0 and step1.uncategorised == 3      # a's step-1 reply: pending


def test_a_replies_frame_without_the_columns_is_refused():
    with pytest.raises(InputError, match="needs column 'category' in the replies frame"):
        matured_counts(_positive_frame(), "positive", now=T0 + 20 * DAY,
                       replies=pd.DataFrame({"lead_email": ["a@x"], "event_time": [T0]}))


# --- strata -----------------------------------------------------------------------------------
def test_weeks_start_on_monday_utc_and_mailboxes_may_be_missing():
    stats = sends(11, [-1 / 24 / 60 / 60 - 9 / 24, 0, 6.6], [None] * 3,
                  sender=pd.Categorical(["m1", None, "m1"]))
    # -9h01s from Monday 09:00 is Sunday 23:59:59; day 6.6 is Sunday evening
    got = matured_counts(stats, "replied", now=T0 + 30 * DAY, strata=["mailbox", "week"])
    rows = {(None if pd.isna(m) else m, w.strftime("%Y-%m-%d")): s
            for m, w, s in got[["mailbox", "week", "sent"]].itertuples(index=False)}
    assert rows == {("m1", "2024-12-30"): 1, ("m1", "2025-01-06"): 1, (None, "2025-01-06"): 1}


def test_mailbox_strata_without_a_sender_column_say_how_to_add_one():
    with pytest.raises(InputError, match=r"with_senders\(stats, client.statistics.leads.frame"):
        matured_counts(sends(11, [0], [1]), "replied", now=T0 + 9 * DAY, strata=["mailbox"])
    with pytest.raises(InputError, match="strata must be names from 'mailbox', 'week'"):
        matured_counts(sends(11, [0], [1]), "replied", now=T0 + 9 * DAY, strata=["domain"])


# --- the bias matured counting removes --------------------------------------------------------
def trickle(rng, n_per_day, p, *, b_starts_on, read_on=21, mean_delay=4.0):
    """A campaign read on day ``read_on``: leads added daily, B's starting later; replies
    (true rate ``p`` for both variants) arrive over days, and those after the read are not
    in the frame, as in a real read."""
    parts = []
    for variant, first in ((1, 0), (2, b_starts_on)):
        days = np.repeat(np.arange(first, read_on), n_per_day).astype(float)
        days += rng.random(len(days))
        delay = rng.exponential(mean_delay, len(days))
        seen = (rng.random(len(days)) < p) & (days + delay <= read_on)
        parts.append(pd.DataFrame({
            "sequence_number": 1, "seq_variant_id": variant,
            "sent_time": T0 + pd.to_timedelta(days, unit="D"),
            "reply_time": (T0 + pd.to_timedelta(days + delay, unit="D")).where(seen)}))
    stats = pd.concat(parts, ignore_index=True)
    stats.attrs["read_at"] = T0 + read_on * DAY
    return stats


def test_a_later_start_is_no_longer_a_loss_monte_carlo_bounded_by_replicates():
    """Equal true rates (10%), B's leads starting 6 days after A's, read on day 21. Counting
    young sends as failures called "A beats B" in 39 of these 200 campaigns and "B beats A"
    in none (the code before issue 20); with matured sends only, each direction stays
    within its 2.5% (plus 3 binomial sd)."""
    replicates = 200
    a_wins = b_wins = 0
    for seed in range(replicates):
        stats = trickle(np.random.default_rng(seed), 200, 0.10, b_starts_on=6)
        verdict = compare_variants(stats, strata=None).loc[1, "verdict"]
        a_wins += verdict.startswith("1 beats 2")
        b_wins += verdict.startswith("2 beats 1")
    limit = replicates * 0.025 + 3 * math.sqrt(replicates * 0.025 * 0.975)
    assert a_wins <= limit and b_wins <= limit, (a_wins, b_wins)
