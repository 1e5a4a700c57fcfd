"""Adding leads: limits, validation, de-duplication, suppression lists, credits; listing."""
import csv
import io
import json

import pytest

from smartlead_nb.sandbox import Sandbox

from ...helpers.sandbox import START, Api


def _count(api, cid, **params):
    return int(api.get(f"/campaigns/{cid}/leads", params=params).json()["total_leads"])


def test_more_than_400_is_refused_and_nothing_added(api):
    cid = api.create()
    leads = [{"email": f"l{i}@example.com"} for i in range(401)]
    r = api.post(f"/campaigns/{cid}/leads", json={"lead_list": leads})
    assert r.status_code == 400
    assert r.json() == {"error": "lead_list cannot exceed 400 leads per request"}
    assert _count(api, cid) == 0
    assert api.get("/leads/", params={"email": "l0@example.com"}).json() == {}


def test_exactly_400_is_accepted(api):
    cid = api.create()
    body = api.add_leads(cid, [{"email": f"l{i}@example.com"} for i in range(400)])
    assert (body["ok"], body["upload_count"], body["total_leads"]) == (True, 400, 400)
    assert _count(api, cid) == 400


@pytest.mark.parametrize("body, error", [
    ({"lead_list": [{"email": "a@example.com"}], "return_lead_ids": True},
     '"return_lead_ids" is not allowed'),
    ({"lead_list": [{"email": "a@example.com"}], "settings": {"update": True}},
     '"settings.update" is not allowed'),
    ({"lead_list": [{"email": "a@example.com"}, {"first_name": "NoMail"}]},
     '"lead_list[1].email" is required'),
    ({"lead_list": [{"email": "a@example.com", "company": "Acme"}]},
     '"lead_list[0].company" is not allowed'),
    ({"lead_list": []}, '"lead_list" must contain at least 1 items'),
])
def test_request_validation_is_all_or_nothing(api, body, error):
    cid = api.create()
    r = api.post(f"/campaigns/{cid}/leads", json=body)
    assert (r.status_code, r.json()) == (400, {"error": error})
    assert _count(api, cid) == 0


def test_counts_for_duplicates_invalid_and_already_added(api):
    cid = api.create()
    api.add_leads(cid, [{"email": "old@example.com", "first_name": "Old"}])
    body = api.add_leads(cid, [
        {"email": "new@example.com"}, {"email": "NEW@example.com"},   # same, case differs
        {"email": "not-an-email"}, {"email": "also bad@example.com"},
        {"email": "old@example.com", "first_name": "Renamed"}])
    assert body["total_leads"] == 5
    assert body["upload_count"] == 1
    assert body["duplicate_count"] == 1
    assert body["invalid_email_count"] == 2
    assert body["invalid_emails"] == ["not-an-email", "also bad@example.com"]
    assert body["already_added_to_campaign"] == 1
    assert _count(api, cid) == 2
    # re-adding overwrote the stored fields
    assert api.get("/leads/", params={"email": "old@example.com"}).json()["first_name"] == \
        "Renamed"


def test_block_list_and_community_bounce_list(sandbox, api):
    cid = api.create()
    sandbox.add_to_block_list("vip@example.org")
    leads = [{"email": "x@blocked.example"}, {"email": "vip@example.org"},
             {"email": "y@bounces.example"}, {"email": "fine@example.org"}]
    body = api.add_leads(cid, leads)
    assert (body["block_count"], body["bounce_count"], body["upload_count"]) == (2, 1, 1)
    body = api.add_leads(cid, leads, ignore_global_block_list=True,
                         ignore_community_bounce_list=True)
    assert (body["block_count"], body["bounce_count"], body["upload_count"]) == (0, 0, 3)


def test_globally_unsubscribed_leads_are_reported(api):
    a, b = api.create("a"), api.create("b")
    lid = api.add_leads(a, [{"email": "gone@example.com"}],
                        return_lead_ids=True)["emailToLeadIdMap"]["newlyAddedLeads"][
        "gone@example.com"]
    assert api.post(f"/leads/{lid}/unsubscribe").json() == {"ok": True}
    body = api.add_leads(b, [{"email": "gone@example.com"}, {"email": "ok@example.com"}])
    assert body["unsubscribed_leads"] == ["gone@example.com"] and body["upload_count"] == 1
    body = api.add_leads(b, [{"email": "gone@example.com"}], ignore_unsubscribe_list=True,
                         ignore_duplicate_leads_in_other_campaign=True)
    assert body["unsubscribed_leads"] == [] and body["upload_count"] == 1


def test_return_lead_ids_map_and_other_campaigns(api):
    a, b = api.create("a"), api.create("b")
    first = api.add_leads(a, [{"email": "one@example.com"}, {"email": "two@example.com"}],
                          return_lead_ids=True)
    new = first["emailToLeadIdMap"]["newlyAddedLeads"]
    assert set(new) == {"one@example.com", "two@example.com"}
    listed = {row["lead"]["email"]: row["lead"]["id"]
              for row in api.get(f"/campaigns/{a}/leads").json()["data"]}
    assert listed == new
    again = api.add_leads(a, [{"email": "one@example.com"}], return_lead_ids=True)
    assert again["emailToLeadIdMap"]["existingLeads"] == {"one@example.com": new["one@example.com"]}
    # Leads already in another campaign are skipped unless the flag allows them.
    other = api.add_leads(b, [{"email": "two@example.com"}], return_lead_ids=True)
    assert other["upload_count"] == 0 and other["duplicate_count"] == 1
    assert other["emailToLeadIdMap"]["existingLeadsInOtherCampaigns"] == \
        {"two@example.com": new["two@example.com"]}
    allowed = api.add_leads(b, [{"email": "two@example.com"}],
                            ignore_duplicate_leads_in_other_campaign=True)
    assert allowed["upload_count"] == 1
    assert "emailToLeadIdMap" not in allowed


def test_lead_credit_exhaustion_keeps_what_fit(tmp_path):
    with Sandbox(db_path=tmp_path / "c.sqlite3", rate_limits=None, start_time=START,
                 lead_credits=5) as sb:
        api = Api(sb)
        cid = api.create()
        body = api.add_leads(cid, [{"email": f"c{i}@example.com"} for i in range(8)])
        assert body["ok"] is False and body["is_lead_limit_exhausted"] is True
        assert body["upload_count"] == 5 and body["lead_import_stopped_count"] == 3
        assert "Lead credit limit exhausted" in body["error"]
        assert _count(api, cid) == 5
        body = api.add_leads(cid, [{"email": "late@example.com"}])
        assert (body["ok"], body["upload_count"], body["lead_import_stopped_count"]) == \
            (False, 0, 1)


def test_list_pagination_fields_and_limits(api):
    cid = api.create()
    api.add_leads(cid, [{"email": f"p{i}@example.com", "first_name": f"P{i}",
                         "phone_number": 5550100 + i,
                         "custom_fields": {"title": "CFO", "rank": i}} for i in range(7)])
    page = api.get(f"/campaigns/{cid}/leads", params={"offset": 5, "limit": 5}).json()
    assert page["total_leads"] == "7" and page["offset"] == 5 and page["limit"] == 5
    assert [row["lead"]["email"] for row in page["data"]] == ["p5@example.com", "p6@example.com"]
    row = page["data"][0]
    assert row["status"] == "STARTED" and row["lead_category_id"] is None
    assert row["lead"]["custom_fields"] == {"title": "CFO", "rank": 5}
    assert row["lead"]["phone_number"] == "5550105" and row["lead"]["is_unsubscribed"] is False
    for params in ({"limit": 101}, {"offset": -1}, {"status": "SENT"},
                   {"emailStatus": "is_read"}, {"lead_category_id": 0}):
        r = api.get(f"/campaigns/{cid}/leads", params=params)
        assert r.status_code == 422, params
        assert r.json()["error"] == "Invalid parameters provided"


def test_list_filters_by_status_and_category(api):
    cid = api.create()
    ids = api.add_leads(cid, [{"email": f"f{i}@example.com"} for i in range(4)],
                        return_lead_ids=True)["emailToLeadIdMap"]["newlyAddedLeads"]
    categories = {c["name"]: c["id"] for c in api.get("/leads/fetch-categories").json()}
    assert len(categories) == 7 and "Out Of Office" in categories
    target = ids["f1@example.com"]
    r = api.post(f"/campaigns/{cid}/leads/{target}/category",
                 json={"category_id": categories["Interested"], "pause_lead": True})
    assert r.json() == {"ok": True}
    paused = api.get(f"/campaigns/{cid}/leads", params={"status": "PAUSED"}).json()
    assert [row["lead"]["id"] for row in paused["data"]] == [target]
    interested = api.get(f"/campaigns/{cid}/leads",
                         params={"lead_category_id": categories["Interested"]}).json()
    assert interested["total_leads"] == "1"
    assert _count(api, cid, status="STARTED") == 3
    r = api.post(f"/campaigns/{cid}/leads/{target}/category", json={"category_id": 999999})
    assert r.status_code == 400


def test_export_csv_parses_with_documented_columns(api):
    cid = api.create()
    api.add_leads(cid, [{"email": "e1@example.com", "first_name": "Ann, Jr.",
                         "custom_fields": {"k": "v"}}, {"email": "e2@example.com"}])
    r = api.get(f"/campaigns/{cid}/leads-export")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == ["id", "campaign_lead_map_id", "status", "created_at",
                             "first_name", "last_name", "email", "phone_number",
                             "company_name", "website", "location", "custom_fields",
                             "linkedin_profile", "company_url", "is_unsubscribed",
                             "last_email_sequence_sent", "is_interested", "open_count",
                             "click_count", "reply_count"]
    assert [r["email"] for r in rows] == ["e1@example.com", "e2@example.com"]
    assert rows[0]["first_name"] == "Ann, Jr."
    assert json.loads(rows[0]["custom_fields"]) == {"k": "v"}
    assert rows[0]["open_count"] == "0" and rows[0]["last_email_sequence_sent"] == ""
