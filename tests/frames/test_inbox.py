"""Inbox and warm-up answers -> frames (pure): both documented shapes, odd rows, dtypes."""

import pandas as pd
import pytest

from smartlead_nb.frames.inbox import (REPLY_COLUMNS, html_to_text, inbox_frame,
                                       normalize_inbox_row, replies_frame)
from smartlead_nb.frames.warmup import warmup_daily_frame, warmup_totals

ROW = {"email_lead_map_id": "9001", "email_lead_id": 5, "email_campaign_id": "7",
       "email_campaign_name": "Q3", "email_account_id": 3, "lead_email": "ana@x.io",
       "lead_first_name": "Ana", "lead_last_name": "Silva", "lead_status": "COMPLETED",
       "lead_category_id": 1, "last_sent_time": "2025-06-03T07:02:11.000Z",
       "last_reply_time": "2025-06-04T10:15:00.000Z", "has_new_unread_email": True}


def reply(time, body="<p>Yes</p>", **extra):
    return {"type": "REPLY", "time": time, "email_body": body, "subject": "Re: Hi",
            "message_id": f"<{time}@x.io>", **extra}


def test_shape_b_is_mapped_onto_shape_a():
    b = {"id": 1, "campaign_lead_map_id": 9001, "lead": {"id": 5, "email": "ana@x.io",
                                                        "first_name": "Ana"},
         "campaign": {"id": 7, "name": "Q3"}, "email_account": {"id": 3},
         "last_message": {"time": "2025-06-04T10:15:00.000Z"}, "category": {"id": 1},
         "is_read": False, "message_history": [reply("2025-06-04T10:15:00.000Z")]}
    row = normalize_inbox_row(b)
    for key in ("email_lead_map_id", "email_lead_id", "email_campaign_id", "email_campaign_name",
                "email_account_id", "lead_email", "lead_category_id", "last_reply_time"):
        assert row[key] == normalize_inbox_row(ROW)[key], key
    assert row["has_new_unread_email"] is True and len(row["history"]) == 1


def test_inbox_frame_dtypes_and_empty_answer():
    frame = inbox_frame([ROW, dict(ROW, email_lead_map_id=9002, last_reply_time=None)])
    assert str(frame["email_lead_map_id"].dtype) == "Int64"
    assert str(frame["last_reply_time"].dtype) == "datetime64[ms, UTC]"
    assert frame["last_reply_time"].isna().tolist() == [False, True]
    assert str(frame["has_new_unread_email"].dtype) == "boolean"
    empty = inbox_frame([])
    assert empty.empty and {"email_lead_map_id", "lead_email", "last_reply_time"} <= \
        set(empty.columns)


def test_one_row_per_reply_item_and_rows_without_a_thread():
    two = dict(ROW, history=[{"type": "SENT", "time": "2025-06-02T09:00:00Z"},
                             reply("2025-06-03T10:00:00.000Z"),
                             {"type": "SENT", "time": "2025-06-03T12:00:00Z"},
                             reply("2025-06-04T10:15:00.000Z")])
    bare = dict(ROW, email_lead_map_id=9002, lead_email="bo@x.io",
                last_reply_time="2025-06-05T08:00:00.000Z")     # history not fetched
    frame = replies_frame([two, bare], categories={1: "Interested"}, mailboxes={3: "m@s.io"})
    assert frame["lead_email"].tolist() == ["bo@x.io", "ana@x.io", "ana@x.io"]   # newest first
    assert frame["category"].tolist() == ["Interested"] * 3
    assert frame["mailbox"].tolist() == ["m@s.io"] * 3
    assert list(frame.columns) == REPLY_COLUMNS


def test_text_columns_and_plain_text():
    row = dict(ROW, history=[reply("2025-06-04T10:15:00.000Z",
                                   "<div>Hi,<br/>Tuesday&nbsp;works &amp; thanks</div>"
                                   "<style>p{color:red}</style>")])
    frame = replies_frame([row], text=True)
    assert frame["reply_text"].tolist() == ["Hi,\nTuesday works & thanks"]
    assert frame["reply_html"].str.startswith("<div>").all()
    assert frame["subject"].tolist() == ["Re: Hi"] and frame["message_id"].notna().all()


def test_window_is_inclusive_and_naive_times_are_utc():
    rows = [dict(ROW, email_lead_map_id=n, history=[reply(f"2025-06-0{n}T00:00:00.000Z")])
            for n in range(1, 6)]
    frame = replies_frame(rows, since="2025-06-02", until=pd.Timestamp("2025-06-04"))
    assert sorted(frame["email_lead_map_id"].tolist()) == [2, 3, 4]
    tz = replies_frame(rows, since=pd.Timestamp("2025-06-02T02:00", tz="Europe/Berlin"))
    assert len(tz) == 4


def test_duplicates_from_shifting_pages_are_dropped():
    row = dict(ROW, history=[reply("2025-06-04T10:15:00.000Z")])
    assert len(replies_frame([row, row])) == 1


@pytest.mark.parametrize("history", [None, [], [{"type": "SENT", "time": "x"}], "oops",
                                     [reply(None)], [reply("not a time")]])
def test_odd_threads_do_not_break_the_frame(history):
    row = dict(ROW, last_reply_time=None, history=history)
    frame = replies_frame([row], text=True)
    assert list(frame.columns)[:len(REPLY_COLUMNS)] == REPLY_COLUMNS
    assert str(frame["reply_time"].dtype) == "datetime64[ms, UTC]"
    assert len(frame) <= 1


def test_html_to_text_none_and_plain():
    assert html_to_text(None) is None
    assert html_to_text("plain words") == "plain words"


# -- warm-up ----------------------------------------------------------------------------------
A = {"id": 9001, "sent_count": "140", "spam_count": "3", "inbox_count": "137",
     "warmup_email_received_count": "131",
     "stats_by_date": [{"id": 1, "date": "2025-06-01", "sent_count": "20", "reply_count": 7,
                        "save_from_spam_count": 0},
                       {"id": 2, "date": "2025-06-02", "sent_count": 20, "reply_count": "6",
                        "save_from_spam_count": 1}]}


def test_daily_frame_shape_a():
    frame = warmup_daily_frame({9001: A, 9002: dict(A, id=9002)})
    assert list(frame.columns) == ["email_account_id", "date", "sent_count", "reply_count",
                                   "save_from_spam_count"]
    assert len(frame) == 4 and str(frame["sent_count"].dtype) == "Int64"
    assert frame["date"].iloc[0] == pd.Timestamp("2025-06-01")


def test_totals_shape_a():
    totals = warmup_totals({9001: A}).iloc[0]
    assert (totals["sent_count"], totals["inbox_count"], totals["reply_count"]) == (140, 137, 13)
    assert totals["spam_rate"] == pytest.approx(3 / 140)
    assert totals["inbox_placement"] == pytest.approx(137 / 140)


def test_missing_fields_and_no_days():
    frame = warmup_daily_frame({1: {}})
    assert frame.empty and "sent_count" in frame.columns
    totals = warmup_totals({1: {"stats_by_date": []}})
    assert totals["sent_count"].isna().all() and totals["spam_rate"].isna().all()
    assert warmup_totals({}).empty


@pytest.mark.parametrize("since", [float("nan"), pd.NaT, "soon"])
def test_a_window_that_is_no_time_is_refused(since):
    from smartlead_nb.errors import InputError
    with pytest.raises(InputError, match="since must be a date or time"):
        replies_frame([ROW], since=since)
