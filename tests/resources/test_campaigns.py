"""client.campaigns (resources/campaigns.py) against the sandbox over real HTTP: create, read, list,
delete, status, schedule and settings; the Campaign handle."""

import inspect

import pandas as pd
import pytest

from smartlead_nb import (BadRequestError, Campaign, CampaignSettings, InputError, NotFoundError,
                          Schedule)
from smartlead_nb.settings import check_settings_payload

from ..helpers import sent


def test_create_defaults_to_untitled_and_reads_the_campaign_back(client, sandbox):
    sandbox.clear_requests()
    camp = client.campaigns.create()
    assert (camp.name, camp.status) == ("Untitled Campaign", "DRAFTED")
    # the status is SmartLead's answer, not assumed: the create, then one read of it
    assert [(r["method"], r["path"]) for r in sent(sandbox)] == [
        ("POST", "/campaigns/create"), ("GET", f"/campaigns/{camp.id}")]


def test_create_with_client_id_and_list_filters_by_it(client):
    a = client.campaigns.create("Agency A", client_id=11)["id"]
    b = client.campaigns.create("Agency B", client_id=22)["id"]
    assert [c["id"] for c in client.campaigns.list(client_id=11)] == [a]
    ids = [c["id"] for c in client.campaigns.list()]
    assert ids.index(b) < ids.index(a)  # newest first


def test_campaigns_frame_has_real_dtypes(client):
    client.campaigns.create("One")
    frame = client.campaigns.frame()
    assert str(frame["id"].dtype) == "Int64"
    assert str(frame["created_at"].dtype).startswith("datetime64")
    assert frame.loc[0, "name"] == "One"


def test_unknown_campaign_names_the_id(client):
    with pytest.raises(NotFoundError, match="campaign 424242 not found") as info:
        client.campaigns.get(424242)
    assert isinstance(info.value, KeyError) and info.value.status == 404
    assert info.value.body == {"error": "Campaign not found - Invalid campaign_id."}


def test_bad_ids_refused_before_any_request(client, sandbox):
    for bad in (0, -3, "abc", 1.5, None, True):
        with pytest.raises(InputError, match="campaign_id"):
            client.campaigns.get(bad)
    assert sent(sandbox) == []


def test_delete_needs_confirmation(client, sandbox):
    cid = client.campaigns.create("Doomed")["id"]
    with pytest.raises(InputError, match="confirm=True"):
        client.campaigns.delete(cid)
    assert client.campaigns.get(cid)["id"] == cid
    assert client.campaigns.delete(cid, confirm=True)["ok"] is True
    with pytest.raises(NotFoundError):
        client.campaigns.get(cid)


def test_status_rules(client, sandbox, ready_campaign):
    with pytest.raises(InputError, match="unknown campaign status 'GO'.*START, PAUSED, STOPPED"):
        client.campaigns.set_status(ready_campaign, "GO")
    with pytest.raises(InputError, match="confirm=True"):
        client.campaigns.start(ready_campaign)
    assert sent(sandbox, "POST", "/status") == []
    client.campaigns.start(ready_campaign, confirm=True)
    assert client.campaigns.get(ready_campaign)["status"] == "ACTIVE"
    assert sent(sandbox, "POST", "/status")[-1]["json"] == {"status": "START"}
    client.campaigns.pause(ready_campaign)
    assert client.campaigns.get(ready_campaign)["status"] == "PAUSED"


def test_start_preconditions_come_back_as_bad_request(client):
    cid = client.campaigns.create("Empty")["id"]
    with pytest.raises(BadRequestError) as info:
        client.campaigns.start(cid, confirm=True)
    assert isinstance(info.value, ValueError) and info.value.status == 400
    assert "sequence" in info.value.message.lower()


def test_schedule_sent_as_variant_a_and_read_back(client, sandbox):
    cid = client.campaigns.create("Sched")["id"]
    client.campaigns.schedule(cid, timezone="Europe/Berlin", days="Mon-Fri", start="8:30",
                              end="17:00", max_new_leads_per_day=40)
    body = sent(sandbox, "POST", "/schedule")[-1]["json"]
    assert body["days_of_the_week"] == [1, 2, 3, 4, 5] and body["start_hour"] == "08:30"
    stored = Schedule.from_campaign(client.campaigns.get(cid))
    assert (stored.timezone, stored.day_numbers, stored.start, stored.end,
            stored.max_new_leads_per_day) == ("Europe/Berlin", [1, 2, 3, 4, 5], "08:30", "17:00", 40)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(timezone="Europe/Berlinn"), "unknown timezone 'Europe/Berlinn'"),
    (dict(timezone="UTC", start="18:00", end="09:00"), "not before end"),
    (dict(timezone="UTC", days="Someday"), "unknown day"),
])
def test_bad_schedule_refused_before_any_request(client, sandbox, kwargs, fragment):
    cid = client.campaigns.create("Sched")["id"]
    with pytest.raises(InputError, match=fragment):
        client.campaigns.schedule(cid, **kwargs)
    assert sent(sandbox, path_end="/schedule") == []


def test_settings_in_plain_words(client, sandbox):
    cid = client.campaigns.create("Settings")["id"]
    client.campaigns.settings(cid, track_opens=False, stop_on="reply", follow_up_share=40)
    back = CampaignSettings.from_campaign(client.campaigns.get(cid))
    assert (back.track_opens, back.track_clicks, back.stop_on, back.follow_up_share) == (
        False, True, "REPLY_TO_AN_EMAIL", 40)
    with pytest.raises(InputError, match="unknown stop rule"):
        client.campaigns.settings(cid, stop_on="never")


def test_get_or_create_does_not_duplicate(client):
    first = client.campaigns.get_or_create("Weekly")
    again = client.campaigns.get_or_create("Weekly")
    assert first["id"] == again["id"]
    assert [c["name"] for c in client.campaigns.list()].count("Weekly") == 1


def test_raw_request_escape_hatch(client):
    cid = client.campaigns.create("Raw")["id"]
    assert client.request("GET", f"campaigns/{cid}")["name"] == "Raw"
    with pytest.raises(NotFoundError):
        client.request("GET", "no/such/endpoint")


def test_stop_needs_confirmation_and_is_final(client, ready_campaign):
    client.campaigns.start(ready_campaign, confirm=True)
    with pytest.raises(InputError, match="confirm=True"):
        client.campaigns.stop(ready_campaign)
    client.campaigns.stop(ready_campaign, confirm=True)
    assert client.campaigns.get(ready_campaign)["status"] == "STOPPED"
    with pytest.raises(BadRequestError, match="STOPPED"):
        client.campaigns.start(ready_campaign, confirm=True)


# -- newer campaign settings ------------------------------------------------------------------
def test_newer_settings_round_trip(client):
    cid = client.campaigns.create("Settings")["id"]
    settings = CampaignSettings(pause_domain_on_reply=True, domain_rate_limit=True,
                                bounce_autopause_threshold=5,
                                out_of_office={"ignoreOOOasReply": True,
                                               "reactivateOOOwithDelay": 3},
                                ai_categories=[1, 2], ignore_mailbox_sending_limit=False)
    client.campaigns.settings(cid, settings)
    back = CampaignSettings.from_campaign(client.campaigns.get(cid))
    assert (back.pause_domain_on_reply, back.domain_rate_limit, back.bounce_autopause_threshold,
            back.ai_categories) == (True, True, "5", [1, 2])
    assert back.out_of_office["reactivateOOOwithDelay"] == 3
    client.campaigns.settings(cid, {"auto_pause_domain_leads_on_reply": False,
                                    "ignore_ss_mailbox_sending_limit": True})
    campaign = client.campaigns.get(cid)
    assert campaign["auto_pause_domain_leads_on_reply"] is False
    assert campaign["ignore_ss_mailbox_sending_limit"] is True


@pytest.mark.parametrize("body, fragment", [
    ({"domain_level_rate_limit": "yes"}, "True or False"),
    ({"bounce_autopause_threshold": "ten"}, "whole number"),
    ({"out_of_office_detection_settings": "on"}, "must be a dict"),
    ({"ai_categorisation_options": 3}, "list of lead category ids"),
    ({"auto_pause_domain_lead_on_reply": True}, "did you mean"),
])
def test_bad_newer_settings_are_refused_before_sending(body, fragment):
    with pytest.raises(InputError, match=fragment):
        check_settings_payload(body)


def test_campaign_settings_refuse_a_bad_newer_value_at_once():
    with pytest.raises(InputError, match="auto_pause_domain_leads_on_reply must be True or False"):
        CampaignSettings(pause_domain_on_reply="yes")


# --- the Campaign handle -----------------------------------------------------------------------
STEPS = pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, 3],
                      "subject": ["Idea for {{company_name}}", ""],
                      "email_body": ["Hi {{first_name}}", "Following up"]})
LEADS = pd.DataFrame({"Email Address": ["ana@northwind.example", "ben@contoso.example"],
                      "First Name": ["Ana", "Ben"], "Company": ["Northwind", "Contoso"]})


def test_the_seven_steps_on_a_handle(client, sandbox, tmp_path):
    camp = client.campaigns.create("Q1 outreach")
    assert isinstance(camp, Campaign) and (camp.name, camp.status) == ("Q1 outreach", "DRAFTED")
    sandbox.clear_requests()
    camp.sequences.save(STEPS)                                       # a steps DataFrame
    camp.email_accounts.add([3001, 3002])
    report = camp.leads.add(LEADS)                      # any columns: a per-row report
    camp.schedule("America/New_York", days="Mon-Fri", start="9am", end="5pm")
    camp.settings(track_opens=False, stop_on="reply")
    camp.start(confirm=True)
    assert [(r["method"], r["path"]) for r in sent(sandbox) if r["method"] == "POST"] == [
        ("POST", f"/campaigns/{camp.id}/{part}") for part in
        ("sequences", "email-accounts", "leads", "schedule", "settings", "status")]
    assert (report.rows["outcome"] == "uploaded").sum() == 2
    assert camp.status == "DRAFTED"                  # as last read: a change is not re-read ...
    assert camp.refresh() is camp and camp.status == "ACTIVE"      # ... until refresh()
    sandbox.advance(days=3)
    stats = camp.statistics()
    assert len(stats) and set(stats["lead_email"]) <= set(LEADS["Email Address"])
    assert stats.attrs["read_at"] == pd.Timestamp(client.sandbox.state()["now"]).floor("s")
    assert camp.analytics()["sent_count"] == len(stats)
    assert [s["seq_number"] for s in camp.sequences.get()] == [1, 2]


def test_start_and_delete_on_a_handle_need_confirmation(client, sandbox, ready_campaign):
    camp = client.campaign(ready_campaign)
    sandbox.clear_requests()
    for action in (camp.start, camp.stop, camp.delete):
        with pytest.raises(InputError, match="confirm=True"):
            action()
    assert sent(sandbox) == []


def test_a_handle_is_one_line_and_a_read_only_view_of_the_record(client, sandbox):
    made = client.campaigns.create("View of 'it'")
    camp = client.campaign(made.id)
    assert repr(camp) == f"Campaign(id={made.id}, name=\"View of 'it'\", status='DRAFTED')"
    assert "\n" not in repr(camp)
    record = client.request("GET", f"campaigns/{made.id}")
    assert dict(camp) == record and camp == record            # the server's fields, as read
    assert camp["id"] == made.id and camp.get("status") == "DRAFTED" and "name" in camp
    with pytest.raises(TypeError):
        camp["name"] = "renamed"                                   # type: ignore[index]
    with pytest.raises(KeyError):
        camp["no such field"]


def test_get_or_create_returns_the_existing_handle_without_creating(client, sandbox):
    first = client.campaigns.get_or_create("Once")
    sandbox.clear_requests()
    again = client.campaigns.get_or_create("Once")
    assert isinstance(again, Campaign) and again.id == first.id
    assert [r["method"] for r in sent(sandbox)] == ["GET"]        # the list, no create


def test_a_handle_offers_the_verbs_that_take_its_campaign(client, ready_campaign):
    camp = client.campaign(ready_campaign)
    assert {"add", "frame", "pause", "upload", "iter"} <= set(dir(camp.leads))
    assert not {"find", "move", "campaigns", "categories"} & set(dir(camp.leads))
    assert sorted(dir(camp.email_accounts)) == ["add", "frame", "list", "remove"]
    assert "campaign_id" not in inspect.signature(camp.leads.pause).parameters
    assert camp.leads.pause.__doc__ == client.leads.pause.__doc__
    with pytest.raises(AttributeError, match="'find'.*offers add, delete, export"):
        camp.leads.find
    assert camp.email_accounts.list() == client.campaigns.email_accounts.list(ready_campaign)
    assert repr(camp.sequences) == f"<SequencesService of campaign {ready_campaign}: frame, get, save>"


def test_unknown_handles_and_bad_ids_are_refused(client, sandbox):
    with pytest.raises(NotFoundError, match="campaign 424242 not found"):
        client.campaign(424242)
    sandbox.clear_requests()
    with pytest.raises(InputError, match="campaign_id must be a positive whole number"):
        client.campaign("7; DROP")
    assert sent(sandbox) == []
