"""Campaign create/list/get/delete, status, schedule and settings."""
import pytest


def test_create_defaults_to_untitled_drafted(api):
    r = api.post("/campaigns/create", json={})
    body = r.json()
    assert r.status_code == 200 and body["ok"] is True and body["name"] == "Untitled Campaign"
    assert body["created_at"] == "2025-06-02T08:00:00.000Z"   # the simulated clock
    campaign = api.get(f"/campaigns/{body['id']}").json()
    assert campaign["status"] == "DRAFTED"
    assert campaign["name"] == "Untitled Campaign"
    assert campaign["scheduler_cron_value"] is None and campaign["client_id"] is None


def test_create_refuses_unknown_keys(api):
    r = api.post("/campaigns/create", json={"name": "x", "track_settings": []})
    assert r.status_code == 400
    assert r.json() == {"error": '"track_settings" is not allowed'}


def test_list_is_newest_first_and_filters_by_client(api):
    a = api.create("a")
    b = api.create("b", client_id=7)
    c = api.create("c")
    assert [x["id"] for x in api.get("/campaigns/").json()] == [c, b, a]
    assert [x["id"] for x in api.get("/campaigns/", params={"client_id": 7}).json()] == [b]
    tagged = api.get("/campaigns/", params={"include_tags": "true"}).json()
    assert all(x["tags"] == [] for x in tagged)
    assert "tags" not in api.get("/campaigns/").json()[0]


def test_unknown_campaign_is_404_with_smartlead_body(api):
    for method, path in [("GET", "/campaigns/999999"), ("DELETE", "/campaigns/999999"),
                         ("POST", "/campaigns/999999/status")]:
        r = api.call(method, path, json={"status": "PAUSED"})
        assert r.status_code == 404
        assert r.json() == {"error": "Campaign not found - Invalid campaign_id."}


def test_delete_removes_campaign_but_keeps_lead_records(api):
    cid = api.ready_campaign(n_leads=2, start=False)
    assert api.delete(f"/campaigns/{cid}").json() == {"ok": True}
    assert api.get(f"/campaigns/{cid}").status_code == 404
    lead = api.get("/leads/", params={"email": f"lead0.{cid}@example.com"}).json()
    assert lead["email"] == f"lead0.{cid}@example.com" and lead["lead_campaign_data"] == []


def _status(api, cid, status, method="POST"):
    return api.call(method, f"/campaigns/{cid}/status", json={"status": status})


def test_start_needs_steps_accounts_and_leads(api):
    cid = api.create()
    r = _status(api, cid, "START")
    assert r.status_code == 400
    assert r.json()["error"] == ("Cannot start campaign: no sequence steps, "
                                 "no email accounts, no leads")
    api.post(f"/campaigns/{cid}/sequences", json={"sequences": [
        {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "s",
         "email_body": "b"}]})
    assert _status(api, cid, "START").json()["error"].endswith("no email accounts, no leads")
    api.post(f"/campaigns/{cid}/email-accounts",
             json={"email_account_ids": api.healthy_account_ids()[:1]})
    assert _status(api, cid, "START").json()["error"] == "Cannot start campaign: no leads"
    assert api.get(f"/campaigns/{cid}").json()["status"] == "DRAFTED"
    api.add_leads(cid, [{"email": "x@example.com"}])
    assert _status(api, cid, "START").json() == {"ok": True}
    assert api.get(f"/campaigns/{cid}").json()["status"] == "ACTIVE"


def test_active_synonym_and_patch_are_accepted(api):
    cid = api.ready_campaign(start=False)
    assert _status(api, cid, "ACTIVE", method="PATCH").status_code == 200
    assert api.get(f"/campaigns/{cid}").json()["status"] == "ACTIVE"
    assert _status(api, cid, "PAUSED", method="PATCH").status_code == 200
    assert api.get(f"/campaigns/{cid}").json()["status"] == "PAUSED"


def test_stopped_is_irreversible(api):
    cid = api.ready_campaign()
    assert _status(api, cid, "STOPPED").status_code == 200
    for again in ("START", "ACTIVE", "PAUSED"):
        r = _status(api, cid, again)
        assert r.status_code == 400 and "stopped" in r.json()["error"].lower()
    assert api.get(f"/campaigns/{cid}").json()["status"] == "STOPPED"


def test_unknown_status_names_allowed_values(api):
    cid = api.create()
    r = _status(api, cid, "RUNNING")
    assert r.status_code == 400
    assert "START, PAUSED, STOPPED" in r.json()["error"]


SCHEDULE = {"timezone": "Europe/Berlin", "days_of_the_week": [1, 2, 3, 4, 5],
            "start_hour": "08:30", "end_hour": "17:00", "min_time_btw_emails": 12,
            "max_new_leads_per_day": 40, "schedule_start_time": "2025-06-03T06:30:00Z"}


def test_schedule_reads_back_in_smartlead_spelling(api):
    cid = api.create()
    r = api.post(f"/campaigns/{cid}/schedule", json=SCHEDULE)
    assert r.json() == {"ok": True}
    c = api.get(f"/campaigns/{cid}").json()
    assert c["scheduler_cron_value"] == {"tz": "Europe/Berlin", "days": [1, 2, 3, 4, 5],
                                         "startHour": "08:30", "endHour": "17:00"}
    assert c["min_time_btwn_emails"] == 12 and c["max_leads_per_day"] == 40
    assert c["schedule_start_time"] == "2025-06-03T06:30:00.000Z"


@pytest.mark.parametrize("change, error", [
    ({"timezone": "Mars/Olympus"}, "Invalid timezone - Mars/Olympus"),
    ({"start_hour": "25:00"}, "Invalid start_hour - 25:00"),
    ({"end_hour": "5pm"}, "Invalid end_hour - 5pm"),
    ({"start_hour": "18:00", "end_hour": "09:00"}, "start_hour 18:00 must be earlier"),
    ({"days_of_the_week": [1, 7]}, "Invalid days_of_the_week - 7"),
    ({"days_of_the_week": ["Mon"]}, 'Invalid days_of_the_week - "Mon"'),
    ({"days": [1, 2]}, '"days" is not allowed'),
    ({"schedule_start_time": "tomorrow"}, "Invalid schedule_start_time - tomorrow"),
])
def test_schedule_validation(api, change, error):
    cid = api.create()
    r = api.post(f"/campaigns/{cid}/schedule", json={**SCHEDULE, **change})
    assert r.status_code == 400
    assert r.json()["error"].startswith(error)
    assert api.get(f"/campaigns/{cid}").json()["scheduler_cron_value"] is None


def test_settings_read_back_short_forms(api):
    cid = api.create("old name")
    r = api.patch(f"/campaigns/{cid}/settings", json={
        "track_settings": ["DONT_TRACK_EMAIL_OPEN", "DONT_TRACK_LINK_CLICK"],
        "stop_lead_settings": "CLICK_ON_A_LINK", "unsubscribe_text": "Bye",
        "send_as_plain_text": True, "follow_up_percentage": 40, "client_id": 12,
        "enable_ai_esp_matching": True, "name": "new name"})
    assert r.json() == {"ok": True}
    c = api.get(f"/campaigns/{cid}").json()
    assert c["track_settings"] == ["DONT_EMAIL_OPEN", "DONT_LINK_CLICK"]
    assert (c["stop_lead_settings"], c["unsubscribe_text"], c["name"]) == \
        ("CLICK_ON_A_LINK", "Bye", "new name")
    assert c["send_as_plain_text"] is True and c["enable_ai_esp_matching"] is True
    assert (c["follow_up_percentage"], c["client_id"]) == (40, 12)


@pytest.mark.parametrize("body, error", [
    ({"track_settings": ["DONT_EMAIL_OPEN"]}, "Invalid track_settings value - DONT_EMAIL_OPEN"),
    ({"stop_lead_settings": "NEVER"}, "Invalid stop_lead_settings value - NEVER"),
    ({"follow_up_percentage": 101}, '"follow_up_percentage" must be less than or equal to 100'),
    ({"send_as_plain_text": "yes"}, '"send_as_plain_text" must be a boolean'),
    ({"max_leads_per_day": 10}, '"max_leads_per_day" is not allowed'),
])
def test_settings_validation(api, body, error):
    cid = api.create()
    r = api.post(f"/campaigns/{cid}/settings", json=body)
    assert r.status_code == 400 and r.json()["error"].startswith(error)
    c = api.get(f"/campaigns/{cid}").json()
    assert c["track_settings"] == [] and c["stop_lead_settings"] is None
