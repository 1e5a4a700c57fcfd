"""mirror.convert: the client's frames -> exactly a mirror table's columns and types (pure).

No HTTP and no DuckDB: ``conform`` and the per-table builders on hand-made frames. That the
store then holds what SmartLead said is checked end to end in test_sync.py.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd

from smartlead_nb.mirror import convert
from smartlead_nb.mirror.convert import conform
from smartlead_nb.mirror.schema import TABLE

UTC = pd.Timestamp


def accounts_frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, index=[5, 6, 7, 8])  # an index that is not 0..n-1


def test_the_columns_are_the_tables_in_order_missing_ones_null_extra_ones_dropped():
    out = conform(accounts_frame(password=["p"] * 4, from_email=list("abcd"),
                                 email_account_id=[1, 2, 3, 4]), "accounts")
    assert list(out.columns) == TABLE["accounts"].names
    assert "password" not in out.columns
    assert out.index.tolist() == [0, 1, 2, 3]  # the store inserts by position
    assert out["from_name"].isna().all() and out["client_id"].isna().all()


def test_each_sql_type_gets_its_pandas_type_from_text_numbers_and_nulls():
    out = conform(accounts_frame(
        email_account_id=["9", 10.0, None, "x"],
        is_smtp_success=["true", " Yes ", 0, None],
        is_imap_success=pd.array([True, None, False, True], dtype="boolean"),
        warmup_reputation=["97.5", 100, None, "n/a"],
        created_at=["2025-06-01T09:00:00+02:00", "2025-06-01", None, "not a time"]),
        "accounts")
    assert {c: str(out[c].dtype) for c in ["email_account_id", "is_smtp_success",
                                           "is_imap_success", "warmup_reputation",
                                           "message_per_day", "created_at"]} == {
        "email_account_id": "Int64", "is_smtp_success": "boolean", "is_imap_success": "boolean",
        "warmup_reputation": "Float64", "message_per_day": "Int64",
        "created_at": "datetime64[us, UTC]"}
    assert out["email_account_id"].tolist() == [9, 10, pd.NA, pd.NA]
    assert out["is_smtp_success"].tolist() == [True, True, False, pd.NA]
    assert out["is_imap_success"].tolist() == [True, pd.NA, False, True]
    assert out["warmup_reputation"].tolist() == [97.5, 100.0, pd.NA, pd.NA]
    assert out["created_at"].tolist()[:2] == [UTC("2025-06-01 07:00", tz="UTC"),
                                              UTC("2025-06-01", tz="UTC")]
    assert out["created_at"].isna().tolist() == [False, False, True, True]


def test_a_tz_aware_column_is_converted_to_utc_not_reparsed():
    stamps = pd.Series(pd.to_datetime(["2025-01-15 09:30"] * 4).tz_localize("America/New_York"),
                       index=[5, 6, 7, 8])
    out = conform(accounts_frame(created_at=stamps), "accounts")
    assert out["created_at"].tolist()[0] == UTC("2025-01-15 14:30", tz="UTC")
    assert str(out["created_at"].dtype) == "datetime64[us, UTC]"


def test_a_text_column_holding_other_types_becomes_text_and_nulls():
    out = conform(accounts_frame(from_email=["a@x.io", 7, {"b": 1, "a": [2]}, np.nan],
                                 type=[["SMTP"], 3, pd.NA, None]), "accounts")
    assert out["from_email"].dtype == object
    assert out["from_email"].tolist()[:3] == ["a@x.io", "7", '{"a": [2], "b": 1}']  # JSON, sorted
    assert out["type"].tolist()[:2] == ['["SMTP"]', "3"]
    assert out["from_email"].isna().tolist() == [False, False, False, True]
    assert out["type"].isna().tolist() == [False, False, True, True]


def test_a_whole_float_in_a_text_column_is_written_without_dot_zero():
    out = conform(accounts_frame(from_name=[5, np.nan, 2.5, 3]), "accounts")
    assert out["from_name"].tolist()[:1] + out["from_name"].tolist()[2:] == ["5", "2.5", "3"]


def test_constants_fill_a_column_for_every_row_over_the_frames_own():
    frame = pd.DataFrame({"campaign_id": [1, 2], "email_account_id": ["9", "10"]})
    out = conform(frame, "campaign_accounts", campaign_id=7)
    assert out["campaign_id"].tolist() == [7, 7]
    assert out["email_account_id"].tolist() == [9, 10]


def test_an_empty_frame_gives_the_empty_table():
    out = conform(pd.DataFrame(), "sequences", campaign_id=7)
    assert out.empty and list(out.columns) == TABLE["sequences"].names


# --- the per-table builders ---------------------------------------------------------------

def test_campaigns_join_schedule_days_and_are_not_deleted():
    out = convert.campaigns(pd.DataFrame({"id": [7, 8], "schedule_days": [[1, 2, 3], None]}))
    assert out["campaign_id"].tolist() == [7, 8]
    assert out["schedule_days"].tolist()[0] == "1,2,3" and pd.isna(out["schedule_days"][1])
    assert out["deleted"].tolist() == [False, False]


def test_lead_and_statistics_emails_are_compared_lower_case_and_the_last_read_row_wins():
    leads = convert.leads(pd.DataFrame({"id": ["5"], "email": ["  Ana@X.io "]}), 7)
    assert leads[["campaign_id", "lead_id", "email"]].values.tolist() == [[7, 5, "ana@x.io"]]
    stats = convert.statistics(pd.DataFrame({"lead_email": ["A@x.io", "a@x.io "],
                                             "sequence_number": [1, 1],
                                             "email_subject": ["old", "new"]}), 7)
    assert stats[["lead_email", "email_subject"]].values.tolist() == [["a@x.io", "new"]]


def test_a_reply_answers_the_sent_item_with_its_stats_id_else_the_latest_before_it():
    steps = convert.replied_steps([
        {"email_lead_map_id": "9", "history": [
            {"type": "SENT", "time": "2025-06-02T09:00:00Z", "email_seq_number": 1,
             "stats_id": "s1"},
            {"type": "SENT", "time": "2025-06-04T09:00:00Z", "email_seq_number": 2,
             "stats_id": "s2"},
            {"type": "REPLY", "time": "2025-06-05T10:00:00Z", "stats_id": "s1"},
            {"type": "REPLY", "time": "2025-06-06T10:00:00Z"}]},
        {"email_lead_map_id": 10, "history": "not a list"}])
    assert steps["email_lead_map_id"].tolist() == [9, 9]
    assert steps["sequence_number"].tolist() == [1, 2]
    assert steps["sent_time"].tolist() == [UTC("2025-06-02 09:00", tz="UTC"),
                                           UTC("2025-06-04 09:00", tz="UTC")]


def test_docstring_examples_hold():
    failures, tried = doctest.testmod(convert)
    assert tried > 0 and failures == 0
