"""A campaign's leads read back: both row shapes flattened, the export CSV typed like the JSON
rows, and the add-leads answer's three shapes counted alike.

The export's cost beside ``pd.read_csv`` is a performance claim, so it is measured in
``benchmarks/bench_mirror.py`` (part 5), not asserted here.
"""

from __future__ import annotations

import pandas as pd

from smartlead_nb.frames.campaign_leads import (campaign_leads_frame, categories_frame,
                                                lead_upload_counts, leads_export_frame)
from smartlead_nb.sandbox.leads.handlers import EXPORT_COLUMNS


def test_campaign_leads_frame_flattens_both_shapes():
    l1 = [{"campaign_lead_map_id": "99", "lead_category_id": None, "status": "INPROGRESS",
           "created_at": "2025-06-02T10:01:00.000Z",
           "lead": {"id": 555, "email": "ana@example.eu", "first_name": "Ana", "custom_fields": {"t": "CFO"}}}]
    flat = [{"id": 556, "email": "bo@example.eu", "status": "PAUSED"}]
    a, b = campaign_leads_frame(l1), campaign_leads_frame(flat)
    assert a.loc[0, "lead_id"] == 555 and a.loc[0, "lead_status"] == "INPROGRESS"
    assert a.loc[0, "campaign_lead_map_id"] == 99 and a.loc[0, "custom_fields"] == {"t": "CFO"}
    assert b.loc[0, "lead_id"] == 556 and b.loc[0, "lead_status"] == "PAUSED"


def test_empty_answers_keep_their_leading_columns():
    assert list(campaign_leads_frame([]).columns[:3]) == ["lead_id", "email", "first_name"]
    assert list(categories_frame([]).columns) == ["id", "name"]


def test_lead_upload_counts_for_the_three_shapes():
    classic = lead_upload_counts({"ok": True, "upload_count": "3", "total_leads": 5,
                                  "already_added_to_campaign": 1, "duplicate_count": 1,
                                  "invalid_email_count": 0, "unsubscribed_leads": ["x@y.z"],
                                  "block_count": 0, "is_lead_limit_exhausted": False})
    assert (classic["added"], classic["already_in_campaign"], classic["unsubscribed"]) == (3, 1, 1)
    assert lead_upload_counts({"ok": True, "inserted_count": 4, "blocked_count": 2})["blocked"] == 2
    assert lead_upload_counts({"success": True, "added_count": 6, "skipped_count": 1})["added"] == 6


def test_leads_export_csv():
    csv = ("id,email,phone_number,open_count,is_unsubscribed,created_at\n"
           "1,a@x.eu,4155550100,3,false,2025-06-02T10:00:00.000Z\n"
           "2,b@x.eu,,0,true,2025-06-02T11:00:00.000Z\n")
    frame = leads_export_frame(csv)
    assert frame["open_count"].tolist() == [3, 0]
    assert frame["phone_number"].iloc[0] == "4155550100"
    assert frame["is_unsubscribed"].tolist() == [False, True]
    assert leads_export_frame("").empty


def export_csv(n: int) -> str:
    lines = [",".join(EXPORT_COLUMNS)]
    for i in range(n):
        lines.append(
            f'{500000 + i},{9000000 + i},INPROGRESS,2025-01-06T08:00:00.000Z,First{i},Last,'
            f'l{i}@example.com,{"" if i % 3 else "+14155550100"},Co {i},https://x.io,Berlin,'
            f'"{{""job"": ""CFO""}}",,,{"true" if i % 50 == 0 else "false"},'
            f'{"" if i % 4 == 0 else i % 3 + 1},{"true" if i % 30 == 0 else "false"},'
            f'{i % 4},{i % 2},{int(i % 14 == 0)}')
    return "\n".join(lines) + "\n"


def test_export_types_are_those_of_the_record_by_record_version():
    frame = leads_export_frame(export_csv(40))
    assert frame[["id", "campaign_lead_map_id", "open_count", "reply_count"]].dtypes.astype(
        str).tolist() == ["Int64"] * 4
    assert str(frame["is_interested"].dtype) == "boolean"
    assert frame["is_unsubscribed"].tolist()[:2] == [True, False]
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert frame["phone_number"].iloc[0] == "+14155550100"
    assert frame["last_email_sequence_sent"].tolist()[:3] == [None, "2", "3"] or \
        pd.isna(frame["last_email_sequence_sent"].iloc[0])


def test_an_export_column_that_is_not_what_its_name_says_is_kept_as_text():
    frame = leads_export_frame("id,open_count,is_interested\n1,lots,maybe\n2,3,true\n")
    assert frame["open_count"].tolist() == ["lots", "3"]
    assert frame["is_interested"].tolist() == [False, True]
    assert str(frame["id"].dtype) == "Int64"


def test_an_export_never_carries_a_mailbox_password():
    frame = leads_export_frame("id,email,password,smtp_password\n1,a@x.eu,hunter2,s3cret\n")
    assert list(frame.columns) == ["id", "email"]
    assert "hunter2" not in frame.to_string() and "s3cret" not in frame.to_string()
