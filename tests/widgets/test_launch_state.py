"""Issue 19 in the form: Create never changes a campaign that has started, Check predicts what
Create will do, Start waits until SmartLead says the campaign can start, and every message
names the form's own controls, never a Python argument.

Each test clicks the form the way a user would, against the sandbox over HTTP, and compares
what the form said with what the server received and now holds.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from smartlead_nb.widgets import CampaignBuilder
from tests.helpers import sent
from tests.helpers.widgets import fill

# A Python argument, keyword or call a non-coder cannot act on.
PYTHON = re.compile(r"\b\w+=(True|False)\b|\bignore_\w+|\bconfirm_overrides\b|\bplan\.\w+|"
                    r"\bclient\.\w+|\w+\(\)")


def posts(sandbox):
    return [r["path"] for r in sent(sandbox, "POST")]


def said(panel):
    """Everything the launch panel shows a user, as HTML."""
    running = panel.running
    return "\n".join([panel.summary.value, panel.problems.value, panel.status.value,
                      panel.report.value, panel.start_status.value, running.text.value,
                      running.status.value, running.understood.description,
                      running.add_button.description])


def no_python(panel):
    found = PYTHON.findall(re.sub(r"<code>.*?</code>", "", said(panel)))
    assert not found, found


def frame(emails):
    return pd.DataFrame({"Email": emails, "First Name": ["Ana"] * len(emails),
                         "Company": ["Acme"] * len(emails)})


def started(builder, client):
    """Create the filled form's campaign and start it by typing its name."""
    panel = builder.launch_panel
    panel.create_button.click()
    panel.confirm.value = builder.result.name
    panel.start_button.click()
    assert client.campaigns.get(builder.result.campaign_id)["status"] == "ACTIVE"
    return builder.result.campaign_id


def test_create_after_start_with_more_rows_and_new_wording_changes_nothing(builder, leads,
                                                                           sandbox, client):
    """The issue's example: it used to upload the new rows into the ACTIVE campaign (to be
    emailed with the old wording) and say "DRAFTED (nothing is sent)"."""
    fill(builder, leads)
    cid = started(builder, client)
    panel = builder.launch_panel
    builder.set_leads(pd.concat([leads, frame(["dee@example.com", "eve@example.com"])],
                                ignore_index=True))
    builder.sequence.steps[0].variants[0].subject.value = "A corrected idea for {{company_name}}"
    sandbox.clear_requests()
    panel.create_button.click()
    assert posts(sandbox) == []
    status = panel.status.value
    assert f"SmartLead says campaign {cid}" in status and "is ACTIVE" in status
    assert "Create changed nothing" in status and "DRAFTED (nothing is sent)" not in status
    assert "the sequence (subjects, bodies, delays), the leads" in status
    assert "nothing: SmartLead says campaign" in panel.summary.value
    assert "Create sends nothing" in panel.dry_run.value
    assert [s["subject"] for s in client.sequences.get(cid)][0] == "Idea for {{company_name}}"
    assert len(client.leads.list(cid)) == 3
    assert panel.start_button.disabled and panel.confirm.disabled
    no_python(panel)


def test_create_again_after_start_with_nothing_changed_says_smartlead_s_status(builder, leads,
                                                                               sandbox, client):
    fill(builder, leads)
    cid = started(builder, client)
    panel = builder.launch_panel
    sandbox.clear_requests()
    panel.create_button.click()
    assert posts(sandbox) == []
    assert f"Create changed nothing: SmartLead says campaign {cid} is ACTIVE (it is sending)" \
        in panel.status.value
    assert "Nothing to add" in panel.running.text.value and panel.running.add_button.disabled
    assert panel.start_button.disabled and "is ACTIVE, not DRAFTED" in panel.start_status.value
    client.campaigns.pause(cid)                                     # paused in SmartLead since
    panel.create_button.click()
    assert "is PAUSED (it is paused)" in panel.status.value and posts(sandbox) == [
        f"/campaigns/{cid}/status"]                                # the pause only
    no_python(panel)


def test_adding_leads_to_the_running_campaign_shows_how_many_and_waits_for_the_box(
        builder, leads, sandbox, client):
    fill(builder, leads)
    cid = started(builder, client)
    panel, running = builder.launch_panel, builder.launch_panel.running
    assert running.layout.display == "none"                       # nothing to offer yet
    builder.set_leads(pd.concat([leads, frame(["dee@example.com", "eve@example.com"])],
                                ignore_index=True))
    panel.check_button.click()
    assert running.layout.display is None
    assert "2 of 5 leads will be added; 3 already in this campaign" in running.text.value
    assert "is ACTIVE, not DRAFTED: it is sending" in running.text.value
    assert "SmartLead will email 2 people" in running.understood.description
    assert running.add_button.description.startswith("Add 2 leads to campaign")
    assert running.add_button.disabled
    sandbox.clear_requests()
    running.add()                                                  # a stale or scripted click
    assert "tick the box above first" in running.status.value and posts(sandbox) == []
    running.understood.value = True
    assert not running.add_button.disabled
    # the leads change after the count was shown: the shown number no longer holds
    builder.set_leads(pd.concat([leads, frame(["dee@example.com", "eve@example.com",
                                               "fay@example.com"])], ignore_index=True))
    running.add_button.click()
    assert "changed since the count was shown" in running.status.value and posts(sandbox) == []
    assert running.add_button.disabled
    panel.check_button.click()
    assert "SmartLead will email 3 people" in running.understood.description
    running.understood.value = True
    running.add_button.click()
    assert posts(sandbox) == [f"/campaigns/{cid}/leads"]
    added = {r["email"] for r in sent(sandbox, "POST")[0]["json"]["lead_list"]}
    assert {"dee@example.com", "eve@example.com", "fay@example.com"} <= added
    assert "SmartLead added 3 leads" in running.status.value
    assert len(client.leads.list(cid)) == 6
    assert running.add_button.disabled and not running.understood.value
    no_python(panel)


def test_the_count_is_asked_again_before_adding(builder, leads, sandbox, client):
    fill(builder, leads)
    cid = started(builder, client)
    running = builder.launch_panel.running
    builder.set_leads(pd.concat([leads, frame(["dee@example.com", "eve@example.com"])],
                                ignore_index=True))
    builder.launch_panel.check_button.click()
    running.understood.value = True
    client.leads.add(cid, [{"email": "dee@example.com"}], confirm=True)   # added elsewhere since
    sandbox.clear_requests()
    running.add_button.click()
    assert "now 1 would be added, not 2" in running.status.value and posts(sandbox) == []
    assert "SmartLead will email 1 person" in running.understood.description
    assert not running.understood.value and running.add_button.disabled


def test_a_campaign_started_elsewhere_after_the_check_is_left_alone(builder, leads, sandbox,
                                                                    client, monkeypatch):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.create_button.click()
    cid = builder.result.campaign_id
    builder.sequence.steps[0].variants[0].subject.value = "New wording"
    real_check = panel.check

    def check_then_someone_starts_it():
        ok = real_check()
        monkeypatch.setattr(panel, "check", real_check)
        client.campaigns.start(cid, confirm=True)       # in SmartLead, by someone else
        return ok
    monkeypatch.setattr(panel, "check", check_then_someone_starts_it)
    sandbox.clear_requests()
    panel.create_button.click()
    assert posts(sandbox) == [f"/campaigns/{cid}/status"]          # theirs; nothing of ours
    assert "is ACTIVE in SmartLead, not DRAFTED: launch changed nothing" in panel.status.value
    assert client.sequences.get(cid)[0]["subject"] == "Idea for {{company_name}}"


def test_create_on_a_draft_says_what_smartlead_says_and_saves_only_what_changed(builder, leads,
                                                                                sandbox, client):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.create_button.click()
    cid = builder.result.campaign_id
    assert "SmartLead says it is DRAFTED" in panel.status.value
    sandbox.clear_requests()
    panel.create_button.click()                                     # nothing changed
    assert posts(sandbox) == []
    assert "nothing needed saving" in panel.status.value
    builder.schedule.timezone.value = "Asia/Tokyo"
    panel.check_button.click()
    assert "to save: the schedule" in panel.summary.value
    assert [r for r in panel.dry_run.value.split("<tr") if "schedule" in r]
    assert "campaigns/create" not in panel.dry_run.value
    panel.create_button.click()
    assert posts(sandbox) == [f"/campaigns/{cid}/schedule"]
    assert "saved now: the schedule" in panel.status.value
    assert client.campaigns.get(cid)["scheduler_cron_value"]["tz"] == "Asia/Tokyo"


# -- Check predicts Create -------------------------------------------------------------------

def predicted(panel):
    """The number of leads the summary says Create will add."""
    text = panel.summary.value
    match = re.search(r"(\d+) (?:of \d+ )?leads? will be added", text)
    assert match, text
    return int(match.group(1))


SCENARIOS = {
    # name: (set-up on the server, the form's box "Add leads that are already in another campaign")
    "all in another campaign": (lambda c, sb: c.leads.add(c.campaigns.create("Other")["id"], [
        {"email": e} for e in ("ana@example.com", "ben@example.com", "cy@example.com")]), False),
    "two in another campaign": (lambda c, sb: c.leads.add(c.campaigns.create("Other")["id"], [
        {"email": "ANA@Example.com"}, {"email": "cy@example.com"}]), False),
    "in another campaign, box ticked": (lambda c, sb: c.leads.add(c.campaigns.create("Other")["id"],
                                                                  [{"email": "ben@example.com"}]), True),
    "one on the block list": (lambda c, sb: sb.add_to_block_list("ben@example.com"), False),
    "a blocked domain": (lambda c, sb: sb.add_to_block_list("example.com"), False),
    "one unsubscribed": (lambda c, sb: unsubscribe(c, "cy@example.com"), True),
    "nothing in the way": (lambda c, sb: None, False),
}


EXPECTED = {"all in another campaign": 0, "two in another campaign": 1,
            "in another campaign, box ticked": 3, "one on the block list": 2,
            "a blocked domain": 0, "one unsubscribed": 2, "nothing in the way": 3}


def unsubscribe(client, email):
    cid = client.campaigns.create("Old list")["id"]
    client.leads.add(cid, [{"email": email}])
    lead = client.leads.list(cid)[0]["lead"]["id"]
    client.leads.unsubscribe_everywhere(lead, confirm=True)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_check_predicts_exactly_what_create_adds(client, sandbox, tmp_path, leads, scenario):
    setup, box = SCENARIOS[scenario]
    setup(client, sandbox)
    builder = CampaignBuilder(client, state=tmp_path / "s.json", journal=False, namespace={})
    fill(builder, leads)
    builder.other_campaigns.value = box
    panel = builder.launch_panel
    panel.check_button.click()
    expected = predicted(panel)
    assert expected == EXPECTED[scenario]          # the prediction is not trivially "all"
    sandbox.clear_requests()
    panel.create_button.click()
    if expected == 0:
        assert builder.result is None and posts(sandbox) == []       # refused, as predicted
        assert "no lead would be added" in panel.problems.value
    else:
        cid = builder.result.campaign_id
        assert len(client.leads.list(cid)) == expected, panel.summary.value
        assert int((builder.result.leads_report["outcome"] == "uploaded").sum()) == expected
    no_python(panel)


def test_check_says_when_it_did_not_look_and_start_waits_for_leads(client, sandbox, tmp_path,
                                                                   leads):
    """With no budget for the look-up the check says it did not look; Create then adds none
    (all three are in another campaign), and Start stays off: SmartLead says no leads."""
    other = client.campaigns.create("Other")["id"]
    client.leads.add(other, [{"email": e} for e in ("ana@example.com", "ben@example.com",
                                                     "cy@example.com")])
    builder = CampaignBuilder(client, state=tmp_path / "s.json", journal=False, namespace={},
                              forecast_requests=0)
    fill(builder, leads)
    panel = builder.launch_panel
    panel.check_button.click()
    assert "up to 3 leads will be added" in panel.summary.value
    assert "looking them up would take" in panel.summary.value
    panel.create_button.click()
    cid = builder.result.campaign_id
    assert "PROBLEM: no leads were added" in panel.status.value
    assert "SmartLead says campaign" in panel.start_status.value
    assert "has no leads" in panel.start_status.value
    panel.confirm.value = "Q1 outreach"
    assert panel.start_button.disabled and panel.confirm.disabled
    sandbox.clear_requests()
    panel.start()                                                   # even called directly
    assert "Not started" in panel.start_status.value and "has no leads" in panel.start_status.value
    assert not sent(sandbox, "POST", f"/campaigns/{cid}/status")
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    no_python(panel)


@pytest.mark.parametrize("takes_away", ["the leads", "the senders"])
def test_start_asks_smartlead_again_before_sending(builder, leads, sandbox, client, takes_away):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.create_button.click()
    cid = builder.result.campaign_id
    panel.confirm.value = "Q1 outreach"
    assert not panel.start_button.disabled
    if takes_away == "the leads":                  # removed in SmartLead after Create
        for row in client.leads.list(cid):
            client.leads.delete(cid, row["lead"]["id"])
        missing = "no leads"
    else:
        client.campaigns.email_accounts.remove(cid, [3001, 3002], confirm=True)
        missing = "no sender accounts"
    sandbox.clear_requests()
    panel.start_button.click()
    assert f"Not started: {panel.start_button.description} stays off" in panel.start_status.value
    assert missing in panel.start_status.value
    assert not sent(sandbox, "POST", f"/campaigns/{cid}/status")
    assert panel.start_button.disabled and client.campaigns.get(cid)["status"] == "DRAFTED"


@pytest.mark.parametrize("edit", ["wording", "rows", "schedule", "senders"])
def test_start_refuses_while_the_form_holds_changes_create_has_not_saved(builder, leads, sandbox,
                                                                         client, edit):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.create_button.click()
    cid = builder.result.campaign_id
    if edit == "wording":
        builder.sequence.steps[0].variants[0].subject.value = "Corrected after Create"
    elif edit == "rows":
        builder.set_leads(pd.concat([leads, frame(["dee@example.com"])], ignore_index=True))
    elif edit == "schedule":
        builder.schedule.timezone.value = "Asia/Tokyo"
    else:
        builder.accounts._boxes[3002].value = False
    panel.confirm.value = "Q1 outreach"
    sandbox.clear_requests()
    panel.start_button.click()
    assert "Not started: the form has changed since" in panel.start_status.value
    assert not sent(sandbox, "POST") and client.campaigns.get(cid)["status"] == "DRAFTED"
    panel.create_button.click()                                  # saves the change
    panel.confirm.value = "Q1 outreach"
    panel.start_button.click()
    assert client.campaigns.get(cid)["status"] == "ACTIVE"
    if edit == "wording":
        assert client.sequences.get(cid)[0]["subject"] == "Corrected after Create"


def test_start_says_what_smartlead_says_after_it(builder, leads, client):
    fill(builder, leads)
    cid = started(builder, client)
    status = builder.launch_panel.start_status.value
    assert f"Campaign {cid} started: SmartLead says it is ACTIVE (it is sending)" in status


@pytest.mark.parametrize("how", ["block override unconfirmed", "unsubscribe override unconfirmed",
                                 "all in another campaign"])
def test_every_fix_is_named_as_the_forms_own_control(builder, leads, sandbox, client, how):
    if how == "all in another campaign":
        other = client.campaigns.create("Other")["id"]
        client.leads.add(other, [{"email": e} for e in ("ana@example.com", "ben@example.com",
                                                         "cy@example.com")])
    fill(builder, leads)
    if how == "block override unconfirmed":
        builder.ignore_block.value = True
    elif how == "unsubscribe override unconfirmed":
        builder.ignore_unsub.value = True
    panel = builder.launch_panel
    panel.create_button.click()
    assert builder.result is None
    shown = said(panel)
    assert "(tab 4 Leads)" in shown
    label = {"block override unconfirmed": builder.confirm_overrides.description,
             "unsubscribe override unconfirmed": builder.confirm_overrides.description,
             "all in another campaign": builder.other_campaigns.description}[how]
    assert f"“{label}”" in shown
    no_python(panel)
