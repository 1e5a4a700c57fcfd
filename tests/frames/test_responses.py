"""Responses -> DataFrames: string counts become integers, times become datetimes,
every documented spelling is understood, and passwords never reach a frame."""

import pandas as pd

from smartlead_nb.frames.responses import (campaign_leads_frame, campaigns_frame,
                                           combine_analytics_windows, email_accounts_frame,
                                           lead_upload_counts, leads_export_frame,
                                           normalize_sequence, sequences_frame, statistics_frame,
                                           strip_secrets, to_int)


def test_to_int():
    assert [to_int("640"), to_int(" 7 "), to_int(""), to_int(None), to_int(3.0), to_int("x"), to_int("2.5")] == \
        [640, 7, None, None, 3, "x", 2.5]


def test_campaigns_frame_types_and_schedule_columns():
    frame = campaigns_frame([
        {"id": "12", "name": "B", "status": "ACTIVE", "created_at": "2025-06-02T09:15:00.000Z",
         "scheduler_cron_value": "{tz: 'Europe/Berlin', days: [1,2], startHour: '09:00', endHour: '17:00'}",
         "max_leads_per_day": "50"},
        {"id": 11, "name": "A", "status": "DRAFTED", "created_at": "2025-06-01T08:00:00Z",
         "scheduler_cron_value": None, "max_leads_per_day": None},
    ])
    assert list(frame.columns[:3]) == ["id", "name", "status"]
    assert frame["id"].tolist() == [12, 11] and str(frame["id"].dtype) == "Int64"
    assert frame["created_at"].iloc[0] == pd.Timestamp("2025-06-02 09:15", tz="UTC")
    assert frame["schedule_timezone"].tolist()[0] == "Europe/Berlin"
    assert frame["max_leads_per_day"].tolist() == [50, pd.NA] or frame["max_leads_per_day"].isna().iloc[1]


def test_email_accounts_frame_drops_passwords_and_flattens_warmup():
    accounts = [{"id": 1, "from_email": "a@x.example", "password": "p1", "imap_password": "p2",
                 "is_smtp_success": True, "message_per_day": "40",
                 "warmup_details": {"status": "ACTIVE", "warmup_reputation": "98%", "total_sent_count": "12"}}]
    frame = email_accounts_frame(accounts)
    assert "password" not in frame.columns and "imap_password" not in frame.columns
    assert "p1" not in frame.to_string() and "p2" not in frame.to_string()
    assert frame.loc[0, "warmup_status"] == "ACTIVE"
    assert frame.loc[0, "warmup_reputation"] == 98 and frame.loc[0, "message_per_day"] == 40
    assert strip_secrets({"a": [{"password": "x", "b": 1}]}) == {"a": [{"b": 1}]}


def test_campaign_leads_frame_flattens_both_shapes():
    l1 = [{"campaign_lead_map_id": "99", "lead_category_id": None, "status": "INPROGRESS",
           "created_at": "2025-06-02T10:01:00.000Z",
           "lead": {"id": 555, "email": "ana@example.eu", "first_name": "Ana", "custom_fields": {"t": "CFO"}}}]
    flat = [{"id": 556, "email": "bo@example.eu", "status": "PAUSED"}]
    a, b = campaign_leads_frame(l1), campaign_leads_frame(flat)
    assert a.loc[0, "lead_id"] == 555 and a.loc[0, "lead_status"] == "INPROGRESS"
    assert a.loc[0, "campaign_lead_map_id"] == 99 and a.loc[0, "custom_fields"] == {"t": "CFO"}
    assert b.loc[0, "lead_id"] == 556 and b.loc[0, "lead_status"] == "PAUSED"


def test_statistics_frame():
    frame = statistics_frame([{"lead_email": "a@x.eu", "sequence_number": "1", "open_count": "2",
                               "sent_time": "2025-06-03T07:02:11.000Z", "open_time": None,
                               "is_bounced": False}])
    assert frame.loc[0, "open_count"] == 2 and frame.loc[0, "sequence_number"] == 1
    assert pd.isna(frame.loc[0, "open_time"]) and frame.loc[0, "sent_time"].year == 2025
    assert str(frame["is_bounced"].dtype) == "boolean"


def test_sequence_read_back_spellings_normalise_to_one_shape():
    l1 = {"id": 70, "seq_number": 1, "seq_delay_details": {"delayInDays": 0}, "subject": "",
          "email_body": "", "sequence_variants": [
              {"id": 80, "variant_label": "A", "subject": "S", "email_body": "B", "is_deleted": False},
              {"id": 81, "variant_label": "B", "subject": "old", "email_body": "old", "is_deleted": True}]}
    p = {"id": "71", "seq_number": "2", "seq_delay_details": {"delay_in_days": "3"},
         "subject": "", "email_body": "Following up", "seq_variants": []}
    a, b = normalize_sequence(l1), normalize_sequence(p)
    assert a["seq_variants"] == [{"id": 80, "variant_label": "A", "subject": "S", "email_body": "B"}]
    assert a["seq_delay_details"] == {"delay_in_days": 0}
    assert b == {"id": 71, "seq_number": 2, "seq_delay_details": {"delay_in_days": 3},
                 "subject": "", "email_body": "Following up"}
    frame = sequences_frame([l1, p])
    assert frame[["seq_number", "variant_label", "step_id", "variant_id"]].astype(object).where(
        frame[["seq_number", "variant_label", "step_id", "variant_id"]].notna(), None).values.tolist() == [
        [1, "A", 70, 80], [2, None, 71, None]]


def test_lead_upload_counts_for_the_three_shapes():
    classic = lead_upload_counts({"ok": True, "upload_count": "3", "total_leads": 5,
                                  "already_added_to_campaign": 1, "duplicate_count": 1,
                                  "invalid_email_count": 0, "unsubscribed_leads": ["x@y.z"],
                                  "block_count": 0, "is_lead_limit_exhausted": False})
    assert (classic["added"], classic["already_in_campaign"], classic["unsubscribed"]) == (3, 1, 1)
    assert lead_upload_counts({"ok": True, "inserted_count": 4, "blocked_count": 2})["blocked"] == 2
    assert lead_upload_counts({"success": True, "added_count": 6, "skipped_count": 1})["added"] == 6


def test_combine_windows_sums_events_and_keeps_lifetime_fields():
    w1 = {"id": 7, "start_date": "2025-01-01", "end_date": "2025-01-30", "sent_count": "10",
          "reply_count": "1", "total_count": "100", "drafted_count": "5"}
    w2 = {"id": 7, "start_date": "2025-01-31", "end_date": "2025-02-15", "sent_count": "4",
          "reply_count": "2", "total_count": "101", "drafted_count": "6"}
    total = combine_analytics_windows([w1, w2])
    assert (total["sent_count"], total["reply_count"], total["total_count"]) == (14, 3, 101)
    assert (total["start_date"], total["end_date"], total["windows"]) == ("2025-01-01", "2025-02-15", 2)


def test_leads_export_csv():
    csv = ("id,email,phone_number,open_count,is_unsubscribed,created_at\n"
           "1,a@x.eu,4155550100,3,false,2025-06-02T10:00:00.000Z\n"
           "2,b@x.eu,,0,true,2025-06-02T11:00:00.000Z\n")
    frame = leads_export_frame(csv)
    assert frame["open_count"].tolist() == [3, 0]
    assert frame["phone_number"].iloc[0] == "4155550100"
    assert frame["is_unsubscribed"].tolist() == [False, True]
    assert leads_export_frame("").empty


def test_empty_answers_keep_their_leading_columns():
    assert list(campaign_leads_frame([]).columns[:3]) == ["lead_id", "email", "first_name"]
    assert list(campaigns_frame([]).columns[:3]) == ["id", "name", "status"]
    assert "from_email" in email_accounts_frame([]).columns
    assert statistics_frame([])[["lead_email", "sent_time"]].empty
