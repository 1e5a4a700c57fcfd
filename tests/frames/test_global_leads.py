"""frames.global_leads: ``GET /leads/global-leads`` rows as a frame per lead or per membership.

Pure: rows in the shape of more-sheet 5.4 (P-AK: the lead id a string, ``campaigns[]`` per
lead), no HTTP. The paging client method is tested over HTTP in test_client_threads.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from smartlead_nb.frames.global_leads import MEMBERSHIP_FIELDS, global_leads_frame

ANA = {"id": "101", "email": "ana@x.io", "first_name": "Ana", "last_name": "Silva",
       "company_name": "Acme", "website": "acme.io", "company_url": None,
       "phone_number": "+351 21 000 0000", "location": "Lisbon",
       "custom_fields": {"Title": "CFO"}, "linkedin_profile": None,
       "created_at": "2025-06-01T09:00:00.000Z", "user_id": 42,
       "campaigns": [
           {"campaign_id": 7, "campaign_name": "Q1", "campaign_status": "ACTIVE",
            "lead_status": "INPROGRESS", "lead_added_at": "2025-06-02T10:00:00+02:00",
            "email_lead_map_id": 9001, "lead_last_seq_number": 2},
           {"campaign_id": "8", "campaign_name": "Q2", "campaign_status": "PAUSED",
            "lead_status": "COMPLETED", "lead_added_at": "2025-06-03T00:00:00Z",
            "email_lead_map_id": 9002, "lead_last_seq_number": None},
           "not a membership"]}
BO = {"id": "102", "email": "bo@x.io", "created_at": "2025-06-04T00:00:00Z", "campaigns": []}
CY = {"id": 103, "email": "cy@x.io", "campaigns": None}

UTC = pd.Timestamp


def test_one_row_per_lead_with_its_campaigns_as_lists():
    frame = global_leads_frame([ANA, BO, CY])
    assert list(frame.columns[:5]) == ["lead_id", "email", "campaign_ids", "campaign_names",
                                       "n_campaigns"]
    assert frame["lead_id"].dtype == "Int64" and frame["lead_id"].tolist() == [101, 102, 103]
    assert frame["campaign_ids"].tolist() == [[7, 8], [], []]   # "8" read as a number
    assert frame["campaign_names"].tolist() == [["Q1", "Q2"], [], []]
    assert frame["n_campaigns"].dtype == "Int64" and frame["n_campaigns"].tolist() == [2, 0, 0]
    assert frame["created_at"].tolist()[:2] == [UTC("2025-06-01 09:00", tz="UTC"),
                                                UTC("2025-06-04", tz="UTC")]
    assert pd.isna(frame["created_at"].iloc[2])
    assert frame.loc[0, "custom_fields"] == {"Title": "CFO"}
    assert "campaigns" not in frame.columns and "id" not in frame.columns


def test_per_campaign_gives_one_row_per_membership_and_keeps_a_lead_in_none():
    frame = global_leads_frame([ANA, BO], per_campaign=True)
    assert list(frame.columns[:2 + len(MEMBERSHIP_FIELDS)]) == ["lead_id", "email",
                                                                *MEMBERSHIP_FIELDS]
    assert frame["lead_id"].tolist() == [101, 101, 102]
    assert frame["campaign_id"].tolist()[:2] == [7, 8] and pd.isna(frame["campaign_id"][2])
    assert frame["lead_status"].tolist()[:2] == ["INPROGRESS", "COMPLETED"]
    assert frame["email_lead_map_id"].dtype == "Int64"
    assert frame["email_lead_map_id"].tolist()[:2] == [9001, 9002]
    assert frame["lead_last_seq_number"].dtype == "Int64"
    assert frame["lead_last_seq_number"].isna().tolist() == [False, True, True]
    assert frame["lead_added_at"].tolist()[:2] == [UTC("2025-06-02 08:00", tz="UTC"),
                                                   UTC("2025-06-03", tz="UTC")]
    assert frame.groupby("campaign_id").size().to_dict() == {7: 1, 8: 1}


@pytest.mark.parametrize("per_campaign", [False, True])
def test_no_rows_still_have_the_leading_columns(per_campaign):
    frame = global_leads_frame([], per_campaign=per_campaign)
    assert frame.empty
    first = ["lead_id", "email", *(MEMBERSHIP_FIELDS if per_campaign else
                                   ("campaign_ids", "campaign_names", "n_campaigns"))]
    assert list(frame.columns[:len(first)]) == first


def test_membership_numbers_sent_as_text_are_read_as_numbers():
    as_text = dict(ANA["campaigns"][0], email_lead_map_id="9001", lead_last_seq_number="2")
    frame = global_leads_frame([dict(ANA, campaigns=[as_text, ANA["campaigns"][1]])],
                               per_campaign=True)
    assert frame["email_lead_map_id"].tolist() == [9001, 9002]
    assert frame["lead_last_seq_number"].tolist() == [2, pd.NA]
