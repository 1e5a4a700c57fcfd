"""Campaign endpoints through the client, against the sandbox over real HTTP."""

import pytest

from smartlead_nb import BadRequestError, InputError, NotFoundError, Schedule
from smartlead_nb.settings import CampaignSettings

from .helpers import sent


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
