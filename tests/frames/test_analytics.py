"""Pure frame builders for the statistics and analytics answers: dtypes, documented shapes,
empty answers, windows summed."""
import doctest

import pandas as pd

from smartlead_nb.frames import analytics as fa
from smartlead_nb.frames.analytics import combine_analytics_windows, statistics_frame
from smartlead_nb.frames.tidy import tidy_frame


def test_percent_strings_become_floats_in_every_frame():
    # Under pandas 3 text columns are "str", not object: the rate parsing must still happen.
    frame = tidy_frame([{"reply_rate": "34%"}, {"reply_rate": "3.5%"}])
    assert frame["reply_rate"].dtype == "float64"
    assert frame["reply_rate"].tolist() == [34.0, 3.5]
    assert fa.campaign_performance_frame([{"id": "7", "open_rate": "50%"}])["open_rate"].tolist() \
        == [50.0]
    assert fa.percent("12.5 %") == 12.5 and fa.percent("") is None and fa.percent("n/a") == "n/a"


def test_empty_answers_keep_the_documented_columns():
    for build, columns in [(fa.mailbox_statistics_frame, fa.MAILBOX_COLUMNS),
                           (fa.leads_statistics_frame, fa.LEAD_COLUMNS),
                           (fa.lead_history_frame, fa.HISTORY_COLUMNS),
                           (fa.day_wise_frame, fa.DAY_COLUMNS),
                           (fa.campaign_performance_frame, fa.PERFORMANCE_COLUMNS),
                           (fa.category_responses_frame, fa.CATEGORY_COLUMNS),
                           (fa.mailbox_health_metrics_frame, fa.HEALTH_COLUMNS)]:
        frame = build([])
        assert frame.empty and list(frame.columns)[:len(columns)] == columns, build.__name__


def test_mailbox_rows_missing_a_count_still_have_it():
    frame = fa.mailbox_statistics_frame([{"email_account_id": 9, "sent_count": "4"}])
    assert list(frame.columns)[:len(fa.MAILBOX_COLUMNS)] == fa.MAILBOX_COLUMNS
    assert str(frame["reply_count"].dtype) == "Int64" and frame["reply_count"].isna().all()
    assert str(frame["sent_time"].dt.tz) == "UTC"


ROWS = [
    {"lead_id": "555001", "email_lead_map_id": "2433664091", "from": "max@send.example",
     "to": "ana@example.eu", "status": "INPROGRESS", "created_at": "2025-06-02T10:01:00.000Z",
     "last_seq_num": 2, "history": [
         {"stats_id": "a", "type": "SENT", "message_id": "<1@x>",
          "time": "2025-06-03T07:02:11.000Z", "email_body": "<p>Hi</p>", "subject": "Idea"},
         {"stats_id": "b", "type": "REPLY", "message_id": "<2@x>",
          "time": "2025-06-04T09:00:00.000Z", "email_body": "<p>Yes</p>", "subject": "Re: Idea",
          "cc_emails": ["boss@example.eu"]}]},
    {"lead_id": "555002", "email_lead_map_id": "2433664092", "to": "bo@example.eu",
     "last_seq_num": "1", "history": None},
]


def test_one_row_per_lead_with_the_history_kept():
    frame = fa.leads_statistics_frame(ROWS)
    assert frame["lead_id"].tolist() == [555001, 555002]
    for col in ("lead_id", "email_lead_map_id", "last_seq_num"):
        assert str(frame[col].dtype) == "Int64", col
    assert frame["sent_count"].tolist() == [1, 0] and frame["reply_count"].tolist() == [1, 0]
    assert frame["replied"].tolist() == [True, False]
    assert frame.loc[0, "first_sent_time"] == pd.Timestamp("2025-06-03T07:02:11Z")
    assert frame.loc[0, "last_event_time"] == pd.Timestamp("2025-06-04T09:00:00Z")
    assert pd.isna(frame.loc[1, "first_sent_time"])
    assert frame.loc[0, "history"] == ROWS[0]["history"] and frame.loc[1, "history"] == []


def test_history_exploded_one_row_per_event():
    events = fa.lead_history_frame(ROWS)
    assert events["type"].tolist() == ["SENT", "REPLY"]
    assert events["to"].tolist() == ["ana@example.eu"] * 2
    assert str(events["time"].dt.tz) == "UTC"
    assert events.loc[1, "cc_emails"] == ["boss@example.eu"]


def test_day_rows_flat_or_nested():
    flat = fa.day_wise_frame([{"date": "2025-06-02", "sent": 3, "opened": 1, "replied": 0,
                               "bounced": 0}])
    nested = fa.day_wise_frame([{"date": "2025-06-02", "email_engagement_metrics": {
        "sent": "3", "opened": "1", "replied": "0", "bounced": "0"}}])
    pd.testing.assert_frame_equal(flat, nested)
    assert str(flat["date"].dtype).startswith("datetime64") and str(flat["sent"].dtype) == "Int64"


def test_unwrap_takes_the_key_then_any_payload():
    assert fa.unwrap({"data": {"x": [1], "y": {}}}, "y") == {}
    assert fa.unwrap({"data": {"other": [1]}}, "y") == [1]
    assert fa.unwrap({"data": [2]}, "y") == [2]
    assert fa.unwrap({"data": "text"}, "y") is None
    assert fa.unwrap("<html>", "y") is None


def test_analytics_record_casts_nested_counts_and_rates():
    record = fa.analytics_record({"sent": "10", "bounce_rate": "2.5%", "percentage": "40%",
                                  "name": "Q1"})
    assert record == {"sent": 10, "bounce_rate": 2.5, "percentage": 40.0, "name": "Q1"}


def test_module_examples_run():
    result = doctest.testmod(fa)
    assert result.attempted > 5 and result.failed == 0


def test_statistics_frame():
    frame = statistics_frame([{"lead_email": "a@x.eu", "sequence_number": "1", "open_count": "2",
                               "sent_time": "2025-06-03T07:02:11.000Z", "open_time": None,
                               "is_bounced": False}])
    assert frame.loc[0, "open_count"] == 2 and frame.loc[0, "sequence_number"] == 1
    assert pd.isna(frame.loc[0, "open_time"]) and frame.loc[0, "sent_time"].year == 2025
    assert str(frame["is_bounced"].dtype) == "boolean"


def test_statistics_frame_of_nothing_sent_has_typed_columns():
    frame = statistics_frame([])
    assert frame[["lead_email", "sent_time"]].empty
    assert str(frame["sent_time"].dt.tz) == "UTC" and str(frame["open_count"].dtype) == "Int64"


def test_combine_windows_sums_events_and_keeps_lifetime_fields():
    w1 = {"id": 7, "start_date": "2025-01-01", "end_date": "2025-01-30", "sent_count": "10",
          "reply_count": "1", "total_count": "100", "drafted_count": "5"}
    w2 = {"id": 7, "start_date": "2025-01-31", "end_date": "2025-02-15", "sent_count": "4",
          "reply_count": "2", "total_count": "101", "drafted_count": "6"}
    total = combine_analytics_windows([w1, w2])
    assert (total["sent_count"], total["reply_count"], total["total_count"]) == (14, 3, 101)
    assert (total["start_date"], total["end_date"], total["windows"]) == ("2025-01-01", "2025-02-15", 2)
    assert combine_analytics_windows([]) == {}
