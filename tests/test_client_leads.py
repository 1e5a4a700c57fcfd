import pytest

from smartlead_nb import InputError, NotFoundError
from smartlead_nb.frames.responses import lead_upload_counts

from .helpers import sent


def leads(n, start=0):
    return [{"email": f"person{i}@example.com", "first_name": f"P{i}", "phone_number": 4155550100 + i,
             "custom_fields": {"Role": "CFO"}} for i in range(start, start + n)]


def test_add_leads_counts_new_duplicates_and_already_present(client):
    cid = client.create_campaign("Leads")["id"]
    first = client.add_leads(cid, leads(3) + [{"email": "PERSON0@example.com"}, {"email": "not-an-email@"}])
    counts = lead_upload_counts(first)
    assert (counts["added"], counts["duplicates"], counts["invalid"]) == (3, 1, 1)
    again = lead_upload_counts(client.add_leads(cid, leads(4)))
    assert (again["added"], again["already_in_campaign"]) == (1, 3)
    assert len(client.list_campaign_leads(cid)) == 4


def test_more_than_400_refused_before_sending(client, sandbox):
    cid = client.create_campaign("Big")["id"]
    with pytest.raises(InputError, match="401 leads in one request.*at most 400; nothing was sent"):
        client.add_leads(cid, leads(401))
    assert sent(sandbox, "POST", "/leads") == []
    assert client.add_leads(cid, leads(400))["upload_count"] == 400


def test_lead_shape_checked_before_sending(client, sandbox):
    cid = client.create_campaign("Shape")["id"]
    with pytest.raises(InputError, match=r"lead 1: email is missing"):
        client.add_leads(cid, [{"email": "a@b.co"}, {"first_name": "NoEmail"}])
    with pytest.raises(InputError, match=r"lead 0: unknown field\(s\) \['company'\]"):
        client.add_leads(cid, [{"email": "a@b.co", "company": "Acme"}])
    with pytest.raises(InputError, match="confirm_overrides=True"):
        client.add_leads(cid, [{"email": "a@b.co"}], ignore_unsubscribe_list=True)
    assert sent(sandbox, "POST", "/leads") == []


def test_phone_numbers_are_sent_as_strings(client, sandbox):
    cid = client.create_campaign("Phones")["id"]
    client.add_leads(cid, [{"email": "a@b.co", "phone_number": 4155550100.0}])
    assert sent(sandbox, "POST", "/leads")[-1]["json"]["lead_list"][0]["phone_number"] == "4155550100"


def test_listing_pages_and_filters(client, sandbox):
    cid = client.create_campaign("List")["id"]
    client.add_leads(cid, leads(250))
    sandbox.clear_requests()
    everyone = client.list_campaign_leads(cid)
    assert len(everyone) == 250 and len({r["lead"]["email"] for r in everyone}) == 250
    assert len(sent(sandbox, "GET", "/leads")) == 3  # 100 + 100 + 50
    frame = client.campaign_leads_frame(cid, limit=5)
    assert len(frame) == 5 and str(frame["lead_id"].dtype) == "Int64"
    lead_id = everyone[0]["lead"]["id"]
    client.pause_lead(cid, lead_id)
    paused = client.list_campaign_leads(cid, status="PAUSED")
    assert [r["lead"]["id"] for r in paused] == [lead_id]
    with pytest.raises(InputError, match="unknown lead status 'SLEEPING'"):
        client.list_campaign_leads(cid, status="SLEEPING")


def test_lead_operations(client, sandbox):
    cid = client.create_campaign("Ops")["id"]
    client.add_leads(cid, leads(3))
    rows = client.list_campaign_leads(cid)
    a, b, c = (r["lead"]["id"] for r in rows)
    client.pause_lead(cid, a)
    client.resume_lead(cid, a, delay_days=1)
    client.delete_lead(cid, b)
    client.unsubscribe_lead(cid, c)
    left = {r["lead"]["id"]: r for r in client.list_campaign_leads(cid)}
    assert b not in left and left[a]["status"] != "PAUSED"
    found = client.get_lead_by_email("person2@example.com")
    assert found["id"] == c  # SmartLead sends this id as a string; the client casts it
    assert client.get_lead_by_email("nobody@example.com") is None
    before = len(sent(sandbox))
    with pytest.raises(InputError, match="every campaign.*confirm=True"):
        client.unsubscribe_lead_everywhere(a)
    assert len(sent(sandbox)) == before  # refused before sending
    client.unsubscribe_lead_everywhere(a, confirm=True)
    with pytest.raises(NotFoundError, match="lead 987654"):
        client.unsubscribe_lead_everywhere(987654, confirm=True)


def test_categories_by_name(client, sandbox):
    cid = client.create_campaign("Cats")["id"]
    client.add_leads(cid, leads(1))
    lead_id = client.list_campaign_leads(cid)[0]["lead"]["id"]
    names = client.lead_categories_frame()["name"].tolist()
    assert "Interested" in names
    client.set_lead_category(cid, lead_id, "interested")
    body = sent(sandbox, "POST", "/category")[-1]["json"]
    wanted = next(c["id"] for c in client.lead_categories() if c["name"] == "Interested")
    assert body == {"category_id": wanted, "pause_lead": False}
    assert client.list_campaign_leads(cid, category_id=wanted)[0]["lead"]["id"] == lead_id
    with pytest.raises(InputError, match="no lead category named 'Hot'"):
        client.set_lead_category(cid, lead_id, "Hot")


def test_add_leads_takes_a_frame_or_a_csv_path_like_upload_leads(client, sandbox, tmp_path):
    """Issue 11: the first thing an analyst types works, with upload_leads' report."""
    import pandas as pd

    frame = pd.DataFrame({"Email Address": ["ana@a.example", "ANA@a.example", "not-an-email",
                                            "ben@b.example"],
                          "First Name": ["Ana", "Ana", "X", "Ben"],
                          "Phone": [4155550101.0, None, None, 4155550102.0]})
    cid = client.create_campaign("Front door")["id"]
    result = client.add_leads(cid, frame)
    assert list(result.rows.index) == [0, 1, 2, 3]                       # one row per input row
    assert list(result.rows["outcome"]) == ["uploaded", "duplicate", "invalid_email", "uploaded"]
    on_server = client.campaign_leads_frame(cid).set_index("email")
    assert sorted(on_server.index) == ["ana@a.example", "ben@b.example"]
    assert on_server.loc["ana@a.example", "phone_number"] == "4155550101"   # no "….0"

    path = tmp_path / "more.csv"
    path.write_text("email,first_name\ncara@c.example,Cara\n")
    cid2 = client.create_campaign("Front door from a file")["id"]
    from_file = client.add_leads(cid2, str(path))
    assert from_file.summary().to_dict() == {"uploaded": 1}
    assert client.campaign_leads_frame(cid2)["email"].tolist() == ["cara@c.example"]


def test_add_leads_with_a_string_that_is_not_a_file_says_so(client, sandbox):
    cid = client.create_campaign("Stray string")["id"]
    sandbox.clear_requests()
    with pytest.raises(InputError, match=r"'leads\.csv', which is not a file.*CSV path, a DataFrame"):
        client.add_leads(cid, "leads.csv")
    with pytest.raises(InputError, match="not a file"):
        client.add_leads(cid, "ana@example.com")
    assert sent(sandbox, "POST", "/leads") == []


def test_add_leads_with_one_lead_dict_adds_that_lead(client):
    cid = client.create_campaign("One dict")["id"]
    assert client.add_leads(cid, {"email": "dee@d.example"})["upload_count"] == 1


def test_a_campaign_whose_leads_were_all_skipped_still_has_every_lead_column(client):
    """Issue 11 (02 run twice): every lead was already in another campaign, so the campaign
    is empty; the frame still has the columns the next cell selects."""
    first = client.create_campaign("First")["id"]
    client.add_leads(first, [{"email": "ana@a.example", "phone_number": "4155550101"}])
    second = client.create_campaign("Second")["id"]
    counts = client.add_leads(second, [{"email": "ana@a.example"}])
    assert counts["upload_count"] == 0
    on_server = client.campaign_leads_frame(second)
    assert on_server.empty
    picked = on_server[["email", "first_name", "company_name", "phone_number", "custom_fields"]]
    assert list(picked.columns) == ["email", "first_name", "company_name", "phone_number",
                                    "custom_fields"]


def test_lead_lookups_updates_and_history(client, sandbox, ready_campaign):
    other = client.create_campaign("Other")["id"]
    lead = client.get_lead_by_email("lead3@example.com")
    campaigns = client.lead_campaigns(lead["id"])
    assert [c["id"] for c in campaigns] == [ready_campaign]
    client.update_lead(ready_campaign, lead["id"], {"first_name": "Renamed",
                                                    "custom_fields": {"Tier": "A"}})
    again = client.get_lead_by_email("lead3@example.com")
    assert again["first_name"] == "Renamed" and again["custom_fields"] == {"Tier": "A"}
    client.start_campaign(ready_campaign, confirm=True)
    sandbox.advance(days=5)
    history = client.message_history(ready_campaign, lead["id"])
    assert len(history) >= 1 and set(history["type"]) <= {"SENT", "REPLY"}
    assert str(history["time"].dtype).startswith("datetime64")
    with pytest.raises(InputError, match="unknown field"):
        client.update_lead(other, lead["id"], {"company": "x"})
