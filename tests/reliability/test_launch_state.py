"""Issue 19, item 1: a campaign that is no longer DRAFTED is never changed by a launch.

Every test runs a real launch against the sandbox over HTTP, moves the campaign on the server
(started, paused, stopped, finished, deleted, renamed, changed by hand) and runs the launch
again the many ways a user could: more rows, corrected wording, another schedule, other
settings, other senders, another upload option, an old or a stale state file. The server's
request log shows what was sent; the campaign's own records show what it holds.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb import CampaignNotDrafted, CampaignSettings, Schedule
from smartlead_nb.resources.confirm import added_leads_reason

from ..helpers import sent

STEPS = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
          "subject": "Idea for {{company_name}}", "email_body": "Hi {{first_name}}"},
         {"seq_number": 2, "seq_delay_details": {"delay_in_days": 2},
          "subject": "", "email_body": "Following up"}]


def people(n, start=0, domain="launch.example"):
    return pd.DataFrame({"Email": [f"p{i}@{domain}" for i in range(start, start + n)],
                         "First Name": [f"P{i}" for i in range(start, start + n)],
                         "Company": ["Acme"] * n})


def make_plan(name="Trust", **changes):
    base = dict(name=name, sequences=STEPS, leads=people(5), email_accounts=[3001, 3002],
                schedule=Schedule("Europe/Berlin", days="Mon-Fri", start="09:00", end="17:00"),
                settings=CampaignSettings(track_opens=False, stop_on="reply"))
    return sl.CampaignPlan(**{**base, **changes})


#: Every way the plan can differ from what the first launch saved.
CHANGES = {
    "more rows": dict(leads=people(8)),
    "corrected wording": dict(sequences=[{**STEPS[0], "subject": "A better idea for {{company_name}}"},
                                         STEPS[1]]),
    "a new follow-up": dict(sequences=STEPS + [{"seq_number": 3, "seq_delay_details":
                                                {"delay_in_days": 4}, "subject": "",
                                                "email_body": "Last note"}]),
    "another schedule": dict(schedule=Schedule("America/New_York", days="Mon-Fri")),
    "other settings": dict(settings=CampaignSettings(track_opens=True, stop_on="click")),
    "another sender": dict(email_accounts=[3001, 3003]),
    "an upload option": dict(ignore_duplicate_leads_in_other_campaign=True),
    "rows and wording": dict(leads=people(9), sequences=[{**STEPS[0], "subject": "Fixed"}, STEPS[1]]),
}


def move_to(client, sandbox, cid, status):
    """Put a launched campaign in ``status`` the way SmartLead gets there."""
    client.campaigns.start(cid, confirm=True)
    if status == "PAUSED":
        client.campaigns.pause(cid)
    elif status == "STOPPED":
        client.campaigns.stop(cid, confirm=True)
    elif status == "COMPLETED":
        for _ in range(30):
            sandbox.advance(days=1)
            if client.campaigns.get(cid)["status"] == "COMPLETED":
                break
    assert client.campaigns.get(cid)["status"] == status


def holdings(client, cid):
    """What the campaign holds, as SmartLead reads it back."""
    campaign = client.campaigns.get(cid)
    return {"status": campaign["status"],
            "leads": sorted(client.leads.frame(cid)["email"]),
            "steps": [(s["seq_number"], s["subject"]) for s in client.sequences.get(cid)],
            "senders": sorted(a["id"] for a in client.campaigns.email_accounts.list(cid)),
            "schedule": campaign["scheduler_cron_value"],
            "tracking": campaign["track_settings"]}


@pytest.mark.parametrize("status", ["ACTIVE", "PAUSED", "STOPPED", "COMPLETED"])
def test_a_relaunch_never_changes_a_campaign_that_is_not_drafted(client, sandbox, tmp_path,
                                                                  status):
    state, journal = tmp_path / "state.json", tmp_path / "journal.jsonl"
    cid = make_plan().launch(client, state=state, journal=journal, progress=False).campaign_id
    move_to(client, sandbox, cid, status)
    before = holdings(client, cid)
    for change, fields in CHANGES.items():
        sandbox.clear_requests()
        with pytest.raises(CampaignNotDrafted) as info:
            make_plan(**fields).launch(client, state=state, journal=journal, progress=False)
        assert sent(sandbox, "POST") == [], change                  # nothing sent at all
        assert info.value.campaign_id == cid and info.value.status == status, change
        text = str(info.value)
        assert f"is {status} in SmartLead" in text and "launch changed nothing" in text, change
        assert holdings(client, cid) == before, change
    # the message names what differs, and the confirmed way in for leads
    with pytest.raises(CampaignNotDrafted, match=r"the sequence \(subjects.*the leads.*"
                                                 r"plan\.add_leads\(client, confirm=True\)"):
        make_plan(**CHANGES["rows and wording"]).launch(client, state=state, journal=journal,
                                                        progress=False)


def test_the_issue_example_start_then_create_again_with_more_rows_and_new_wording(
        client, sandbox, tmp_path):
    """After Start, 'Create' with more rows and corrected wording uploaded the rows into the
    ACTIVE campaign (emailed with the old wording) and said DRAFTED. Now it sends nothing."""
    state, journal = tmp_path / "state.json", tmp_path / "journal.jsonl"
    first = make_plan().launch(client, state=state, journal=journal, progress=False)
    assert first.status == "DRAFTED"
    client.campaigns.start(first.campaign_id, confirm=True)
    sandbox.clear_requests()
    again = make_plan(**CHANGES["rows and wording"])
    with pytest.raises(CampaignNotDrafted):
        again.launch(client, state=state, journal=journal, progress=False)
    assert sent(sandbox, "POST") == []
    assert len(client.leads.list(first.campaign_id)) == 5
    preview = again.launch_preview(client, state=state)
    assert (preview.status, preview.draft) == ("ACTIVE", False)
    assert preview.differs == ["sequences", "leads"] and preview.refusal()


def test_an_unchanged_plan_on_a_started_campaign_changes_nothing_and_says_what_smartlead_says(
        client, sandbox, tmp_path):
    state = tmp_path / "state.json"
    cid = make_plan().launch(client, state=state, journal=False, progress=False).campaign_id
    client.campaigns.start(cid, confirm=True)
    sandbox.clear_requests()
    again = make_plan().launch(client, state=state, journal=False, progress=False)
    assert (again.campaign_id, again.status, again.sent_now) == (cid, "ACTIVE", [])
    assert "SmartLead says ACTIVE" in repr(again) and "sent now: nothing" in repr(again)
    client.campaigns.pause(cid)
    sandbox.clear_requests()
    with pytest.raises(CampaignNotDrafted, match="does not restart it"):
        make_plan().launch(client, start=True, confirm=True, state=state, journal=False,
                           progress=False)
    assert sent(sandbox, "POST") == [] and client.campaigns.get(cid)["status"] == "PAUSED"
    client.campaigns.start(cid, confirm=True)
    sandbox.clear_requests()
    started = make_plan().launch(client, start=True, confirm=True, state=state, journal=False,
                                 progress=False)                 # a start whose answer was lost
    assert started.status == "ACTIVE" and started.sent_now == []
    assert sent(sandbox, "POST") == []
    assert list(started.steps["step"])[-1] == "start"


def test_a_draft_saves_again_every_part_the_plan_changed(client, sandbox, tmp_path):
    state, journal = tmp_path / "state.json", tmp_path / "journal.jsonl"
    cid = make_plan().launch(client, state=state, journal=journal, progress=False).campaign_id
    sandbox.clear_requests()
    same = make_plan().launch(client, state=state, journal=journal, progress=False)
    assert same.sent_now == [] and sent(sandbox, "POST") == []   # nothing to save: nothing sent
    for change, path in (("corrected wording", "/sequences"), ("another schedule", "/schedule"),
                         ("other settings", "/settings")):
        sandbox.clear_requests()
        result = make_plan(**CHANGES[change]).launch(client, state=state, journal=journal,
                                                     progress=False)
        assert [r["path"] for r in sent(sandbox, "POST")] == [f"/campaigns/{cid}{path}"], change
        assert result.status == "DRAFTED" and len(result.sent_now) == 1, change
        make_plan().launch(client, state=state, journal=journal, progress=False)  # back again
    held = holdings(client, cid)
    assert held["steps"] == [(1, "Idea for {{company_name}}"), (2, "")]
    assert held["schedule"]["tz"] == "Europe/Berlin"
    make_plan(**CHANGES["another sender"]).launch(client, state=state, journal=journal,
                                                  progress=False)
    assert holdings(client, cid)["senders"] == [3001, 3003]      # 3002 left the draft
    sandbox.clear_requests()
    grown = make_plan(**CHANGES["more rows"]).launch(client, state=state, journal=journal,
                                                     progress=False)
    assert len(client.leads.list(cid)) == 8
    assert grown.leads_report["outcome"].value_counts().to_dict() == {
        "already_in_campaign": 5, "uploaded": 3}
    shrunk = make_plan(leads=people(6)).launch(client, state=state, journal=journal,
                                               progress=False)
    assert any("still holds 2 leads" in p and "p6@launch.example" in p for p in shrunk.problems)


def test_a_campaign_started_between_an_interrupted_run_and_its_resume_is_left_alone(
        client, sandbox, tmp_path):
    state, journal = tmp_path / "state.json", tmp_path / "journal.jsonl"
    plan = make_plan()
    real = client.campaigns.schedule

    def fails_once(*args, **kwargs):
        client.campaigns.schedule = real
        raise sl.ServerError("boom", status=500)
    client.campaigns.schedule = fails_once
    with pytest.raises(sl.ServerError):
        plan.launch(client, state=state, journal=journal, progress=False)
    cid = json.loads(state.read_text())["campaign_id"]
    client.campaigns.start(cid, confirm=True)                 # someone started it in SmartLead
    sandbox.clear_requests()
    with pytest.raises(CampaignNotDrafted, match="the schedule, the settings"):
        plan.launch(client, state=state, journal=journal, progress=False)
    assert sent(sandbox, "POST") == []
    assert client.campaigns.get(cid)["scheduler_cron_value"] is None   # never saved


def test_a_campaign_deleted_between_runs_is_created_again_and_said_so(client, sandbox, tmp_path):
    state = tmp_path / "state.json"
    first = make_plan().launch(client, state=state, journal=False, progress=False).campaign_id
    client.campaigns.delete(first, confirm=True)
    assert "no longer has" in make_plan().launch_preview(client, state=state).note
    with pytest.warns(UserWarning, match=f"names campaign {first}, which SmartLead no longer has"):
        again = make_plan().launch(client, state=state, journal=False, progress=False)
    assert again.campaign_id != first and again.status == "DRAFTED"
    assert "create" in again.sent_now and len(client.leads.list(again.campaign_id)) == 5


def test_an_old_state_file_without_digests_is_saved_again_while_drafted_and_refused_after(
        client, sandbox, tmp_path):
    state = tmp_path / "state.json"
    cid = make_plan().launch(client, state=state, journal=False, progress=False).campaign_id
    data = json.loads(state.read_text())
    del data["saved"]                                       # as an older version wrote it
    state.write_text(json.dumps(data))
    sandbox.clear_requests()
    result = make_plan().launch(client, state=state, journal=False, progress=False)
    assert result.status == "DRAFTED"
    assert {r["path"].rsplit("/", 1)[-1] for r in sent(sandbox, "POST")} == {
        "sequences", "email-accounts", "leads", "schedule", "settings"}
    data = json.loads(state.read_text())
    del data["saved"]
    state.write_text(json.dumps(data))
    client.campaigns.start(cid, confirm=True)
    sandbox.clear_requests()
    with pytest.raises(CampaignNotDrafted):                  # cannot tell: never assume "done"
        make_plan().launch(client, state=state, journal=False, progress=False)
    assert sent(sandbox, "POST") == []


@pytest.mark.parametrize("saved", ['"text"', "[1, 2]", "7"])
def test_a_state_file_whose_digests_are_unreadable_is_refused(client, sandbox, tmp_path, saved):
    state = tmp_path / "state.json"
    state.write_text('{"campaign_id": 1001, "name": "Trust", "done": [], "saved": ' + saved + "}")
    sandbox.clear_requests()
    with pytest.raises(sl.InputError, match="launch state file"):
        make_plan().launch(client, state=state, journal=False, progress=False)
    assert sent(sandbox, "POST") == []


# -- adding leads to a campaign that has started needs confirm=True, however it is spelt ------

def add_calls(client, cid, tmp_path, source, email="new@spelling.example"):
    """Every way the toolkit offers to add leads to campaign ``cid``; each adds one new lead."""
    one = [{"email": email, "first_name": "New"}]
    csv = tmp_path / f"{email}.csv"
    pd.DataFrame(one).to_csv(csv, index=False)
    return {
        "add_leads list": lambda **kw: client.leads.add(cid, one, **kw),
        "add_leads dict": lambda **kw: client.leads.add(cid, one[0], **kw),
        "add_leads frame": lambda **kw: client.leads.add(cid, pd.DataFrame(one), **kw),
        "add_leads csv": lambda **kw: client.leads.add(cid, str(csv), **kw),
        "upload_leads": lambda **kw: sl.upload_leads(client, cid, pd.DataFrame(one),
                                                     progress=False, journal=False, **kw),
        "request": lambda **kw: client.request("POST", f"campaigns/{cid}/leads",
                                               json={"lead_list": one}, **kw),
        "request, spelt oddly": lambda **kw: client.request(
            "post", f"/Campaigns//{cid}/./leads/", json={"lead_list": one}, **kw),
        "move_leads": lambda **kw: client.leads.move(source, cid, ["p0@launch.example"], **kw),
    }


@pytest.mark.parametrize("status", ["ACTIVE", "PAUSED", "STOPPED", "COMPLETED"])
def test_adding_leads_to_a_campaign_that_is_not_drafted_needs_confirm(client, sandbox, tmp_path,
                                                                      status):
    source = make_plan("Source").launch(client, state=False, journal=False,
                                        progress=False).campaign_id
    cid = make_plan("Running", leads=people(3, domain="run.example")).launch(
        client, state=False, journal=False, progress=False).campaign_id
    move_to(client, sandbox, cid, status)
    before = len(client.leads.list(cid))
    for spelling, call in add_calls(client, cid, tmp_path, source).items():
        sandbox.clear_requests()
        with pytest.raises(CampaignNotDrafted, match=f"Campaign {cid} is {status}, not "
                                                     f"DRAFTED.*confirm=True") as info:
            call()
        assert sent(sandbox, "POST") == [], spelling
        assert (info.value.campaign_id, info.value.status) == (cid, status), spelling
    assert len(client.leads.list(cid)) == before
    client.leads.add(cid, [{"email": "new@spelling.example"}], confirm=True)
    assert len(client.leads.list(cid)) == before + 1


def test_adding_leads_to_a_draft_needs_no_confirmation(client, sandbox, tmp_path):
    source = make_plan("Source").launch(client, state=False, journal=False,
                                        progress=False).campaign_id
    for n, spelling in enumerate(add_calls(client, 0, tmp_path, source)):
        if spelling == "request, spelt oddly":
            continue   # refused above before sending; the server itself routes only the plain path
        cid = client.campaigns.create(f"Draft {spelling}")["id"]
        add_calls(client, cid, tmp_path, source, f"new{n}@draft.example")[spelling]()
        assert len(client.leads.list(cid)) == 1, spelling


@pytest.mark.parametrize("answer, needs_confirm", [
    ({"id": 7, "status": "DRAFTED"}, False), ({"id": 7, "status": " drafted "}, False),
    ({"id": 7, "status": "ACTIVE"}, True), ({"id": 7, "status": "active"}, True),
    ({"id": 7, "status": "ARCHIVED"}, True), ({"id": 7, "status": None}, True),
    ({"id": 7, "status": ""}, True), ({"id": 7}, True), ({"id": 7, "status": "DRAFT"}, True),
])
def test_a_status_is_taken_for_a_draft_only_when_smartlead_says_drafted(answer, needs_confirm):
    assert (added_leads_reason(answer) is not None) is needs_confirm


def test_plan_add_leads_is_the_confirmed_way_into_a_running_campaign(client, sandbox, tmp_path):
    state, journal = tmp_path / "state.json", tmp_path / "journal.jsonl"
    cid = make_plan().launch(client, state=state, journal=journal, progress=False).campaign_id
    client.campaigns.start(cid, confirm=True)
    grown = make_plan(leads=people(8))
    forecast = grown.forecast_leads(client, campaign_id=cid)
    assert (forecast.added, forecast.counts()) == (3, {"already_in_campaign": 5, "uploaded": 3})
    sandbox.clear_requests()
    with pytest.raises(CampaignNotDrafted, match="call plan.add_leads again with confirm=True"):
        grown.add_leads(client, state=state, journal=journal, progress=False)
    assert sent(sandbox, "POST") == []
    result = grown.add_leads(client, state=state, journal=journal, progress=False, confirm=True)
    assert int(result.summary()["uploaded"]) == forecast.added == 3
    assert len(client.leads.list(cid)) == 8
    sandbox.clear_requests()           # the campaign now holds these leads: launch agrees
    assert grown.launch(client, state=state, journal=journal, progress=False).sent_now == []
    assert sent(sandbox, "POST") == []
