"""Launch panel: problems and dry run, one-click create (DRAFTED), confirmed start, errors."""

from __future__ import annotations

from smartlead_nb import CampaignSettings, Schedule
from smartlead_nb.sandbox.faults import Faults
from tests.helpers import sent
from tests.helpers.widgets import HEALTHY, fill


def posts(sandbox):
    return [r["path"] for r in sent(sandbox, "POST")]


def test_check_shows_problems_and_dry_run_without_sending(builder, leads, sandbox):
    fill(builder, leads)
    sandbox.clear_requests()
    builder.launch_panel.check_button.click()
    problems = builder.launch_panel.problems.value
    assert "0 problem(s) to fix" in problems and "invalid_email" in problems
    dry = builder.launch_panel.dry_run.value
    assert "campaigns/create" in dry and "3 leads" in dry and "2 steps" in dry
    assert "api_key=REDACTED" in dry
    assert posts(sandbox) == []


def test_create_is_one_click_and_hands_the_result_back(builder, leads, sandbox, client):
    fill(builder, leads)
    seen = []
    builder.on_launch(seen.append)
    sandbox.clear_requests()
    builder.launch_panel.create_button.click()
    result = builder.result
    assert result is not None and seen == [result]
    cid = result.campaign_id
    assert f"Campaign {cid} created" in builder.launch_panel.status.value
    assert "DRAFTED" in builder.launch_panel.status.value
    assert "3 uploaded" in builder.launch_panel.status.value
    assert "Per-row report" in builder.launch_panel.report.value
    assert list(result.leads_report["outcome"].astype(str)) == [
        "uploaded", "invalid_email", "duplicate", "uploaded", "uploaded"]
    assert posts(sandbox) == ["/campaigns/create", f"/campaigns/{cid}/sequences",
                              f"/campaigns/{cid}/email-accounts", f"/campaigns/{cid}/leads",
                              f"/campaigns/{cid}/schedule", f"/campaigns/{cid}/settings"]
    campaign = client.campaigns.get(cid)
    assert campaign["status"] == "DRAFTED" and campaign["name"] == "Q1 outreach"
    assert Schedule.from_campaign(campaign).timezone == "Europe/Berlin"
    assert CampaignSettings.from_campaign(campaign).stop_on == "CLICK_ON_A_LINK"
    assert sorted(a["id"] for a in client.campaigns.email_accounts.list(cid)) == list(HEALTHY)
    assert len(client.sequences.get(cid)) == 2
    assert set(client.leads.frame(cid)["email"]) == {
        "ana@example.com", "ben@example.com", "cy@example.com"}
    # a second click resumes the same launch: no second campaign
    builder.launch_panel.create_button.click()
    assert builder.result.campaign_id == cid
    assert len(sent(sandbox, "POST", "/campaigns/create")) == 1


def test_start_needs_the_exact_campaign_name(builder, leads, sandbox, client):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.start_button.click()
    assert "Create the campaign first" in panel.start_status.value
    panel.create_button.click()
    cid = builder.result.campaign_id
    assert panel.start_button.disabled
    panel.confirm.value = "q1 outreach"                      # not exactly the name
    assert panel.start_button.disabled
    panel.start_button.click()                               # even if clicked anyway
    assert "type the campaign name exactly" in panel.start_status.value
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    assert not sent(sandbox, "POST", f"/campaigns/{cid}/status")
    panel.confirm.value = "Q1 outreach"
    assert not panel.start_button.disabled
    panel.start_button.click()
    assert f"Campaign {cid} started" in panel.start_status.value
    assert client.campaigns.get(cid)["status"] == "ACTIVE"
    assert panel.started and panel.start_button.disabled and panel.confirm.value == ""


def test_no_accounts_blocks_create(builder, leads, sandbox):
    fill(builder, leads)
    for box in builder.accounts._boxes.values():
        box.value = False
    sandbox.clear_requests()
    builder.launch_panel.create_button.click()
    assert "no sender accounts" in builder.launch_panel.problems.value
    assert "Not created: fix the problems" in builder.launch_panel.status.value
    assert builder.result is None and posts(sandbox) == []


def test_unhealthy_account_is_a_problem(builder, leads):
    fill(builder, leads)
    builder.accounts._boxes[3005].value = True               # SMTP failing
    builder.launch_panel.check_button.click()
    assert "SMTP/IMAP not connected" in builder.launch_panel.problems.value


def test_bad_schedule_blocks_create_in_plain_words(builder, leads, sandbox):
    fill(builder, leads)
    builder.schedule.start.value = "18:00"
    sandbox.clear_requests()
    builder.launch_panel.create_button.click()
    assert "start 18:00 is not before end 16:00" in builder.launch_panel.problems.value
    assert posts(sandbox) == [] and builder.result is None


def test_server_error_is_shown_in_plain_words(builder, leads, sandbox):
    fill(builder, leads)
    sandbox.faults = Faults(p500=1.0)
    builder.launch_panel.create_button.click()
    status = builder.launch_panel.status.value
    assert "sl-msg-error" in status and "SmartLead said:" in status and "HTTP 500" in status
    assert "Traceback" not in status and "api_key=" not in status
    assert builder.result is None


def test_name_with_no_leads_or_steps_lists_every_problem(builder, sandbox):
    builder.launch_panel.check_button.click()
    problems = builder.launch_panel.problems.value
    assert "the campaign has no name" in problems
    assert "no leads" in problems and "no sender accounts" in problems


def test_error_during_launch_is_shown_in_plain_words(builder, leads, sandbox, client, monkeypatch):
    fill(builder, leads)
    real = client.campaigns.email_accounts.add
    monkeypatch.setattr(client.campaigns.email_accounts, "add", lambda cid, ids: real(cid, [987654]))
    builder.launch_panel.create_button.click()
    status = builder.launch_panel.status.value
    assert "sl-msg-error" in status and "SmartLead said:" in status
    assert "Traceback" not in status
    assert builder.result is None


def test_clearing_the_name_field_never_confirms_an_empty_box(builder, leads, sandbox, client):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.create_button.click()
    cid = builder.result.campaign_id
    builder.name.value = ""                                  # the form's name is now empty
    panel.confirm.value = "x"
    panel.confirm.value = ""                                 # and so is the confirmation box
    assert panel.start_button.disabled
    panel.start_button.click()
    assert "type the campaign name exactly" in panel.start_status.value
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    assert not sent(sandbox, "POST", f"/campaigns/{cid}/status")


def test_renaming_after_create_confirms_with_the_created_name_only(builder, leads, sandbox, client):
    fill(builder, leads)
    panel = builder.launch_panel
    panel.create_button.click()
    cid = builder.result.campaign_id
    assert "Q1 outreach" in panel.start_status.value
    builder.name.value = "Another name"                      # renamed after Create
    panel.confirm.value = "Another name"                     # the new name does not confirm
    assert panel.start_button.disabled
    panel.start_button.click()
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    assert not sent(sandbox, "POST", f"/campaigns/{cid}/status")
    panel.confirm.value = "Q1 outreach"                      # the name it was created with does
    assert not panel.start_button.disabled
    panel.start_button.click()
    assert f"Campaign {cid} started" in panel.start_status.value
    assert client.campaigns.get(cid)["status"] == "ACTIVE"


def test_a_create_that_would_add_no_lead_is_refused_by_the_check(builder, leads, sandbox, client):
    """Issue 19: the check predicts that SmartLead would add none (all three are in another
    campaign), so Create sends nothing and names the form's box that lets them in."""
    other = client.campaigns.create("Elsewhere")["id"]
    client.leads.add(other, [{"email": e} for e in ("ana@example.com", "ben@example.com",
                                                     "cy@example.com")])
    fill(builder, leads)
    panel = builder.launch_panel
    sandbox.clear_requests()
    panel.create_button.click()
    assert posts(sandbox) == [] and builder.result is None
    assert "no lead would be added" in panel.problems.value
    assert "“Add leads that are already in another campaign” (tab 4 Leads)" in panel.problems.value
    assert "0 of 3 leads will be added" in panel.summary.value
    assert "Not created" in panel.status.value
    builder.other_campaigns.value = True                      # the fix the form names
    panel.check_button.click()
    assert "3 leads will be added" in panel.summary.value
    panel.create_button.click()
    assert len(client.leads.list(builder.result.campaign_id)) == 3


def test_the_form_passes_the_other_campaign_flag(builder, leads, sandbox, client):
    other = client.campaigns.create("Elsewhere")["id"]
    client.leads.add(other, [{"email": "ana@example.com"}])
    fill(builder, leads)
    builder.other_campaigns.value = True
    assert builder.plan.ignore_duplicate_leads_in_other_campaign is True
    builder.launch_panel.create_button.click()
    cid = builder.result.campaign_id
    assert builder.result.problems == []
    body = sent(sandbox, "POST", f"/campaigns/{cid}/leads")[0]["json"]
    assert body["settings"]["ignore_duplicate_leads_in_other_campaign"] is True
    assert "ana@example.com" in set(client.leads.frame(cid)["email"])


def test_the_form_sends_overrides_only_when_confirmed(builder, leads, sandbox, client):
    fill(builder, leads)
    builder.ignore_unsub.value = True
    sandbox.clear_requests()
    builder.launch_panel.create_button.click()
    problems = builder.launch_panel.problems.value
    assert "tick the box “I confirm: email people who are blocked or unsubscribed”" in problems
    assert "confirm_overrides" not in problems
    assert builder.result is None and posts(sandbox) == []
    builder.confirm_overrides.value = True
    builder.launch_panel.create_button.click()
    cid = builder.result.campaign_id
    body = sent(sandbox, "POST", f"/campaigns/{cid}/leads")[0]["json"]
    assert body["settings"]["ignore_unsubscribe_list"] is True


def test_check_plan_reads_as_a_summary_with_the_requests_behind_a_toggle(builder, leads, sandbox):
    """Issue 11: what will be created, how many leads, which senders, the first send, in
    words; the raw dry run stays folded away."""
    fill(builder, leads, name="Spring push")
    builder.launch_panel.check_button.click()
    summary = builder.launch_panel.summary.value
    assert "What Create will do" in summary
    assert '"Spring push", created as a draft' in summary
    assert "3 leads will be added (2 of 5 rows left out: 1 duplicate, 1 with a problem)" in summary
    assert "2 emails, follow-ups 3 days after the one before" in summary
    assert "2 mailboxes: maya@demo-sender.example" in summary
    assert "Europe/Berlin" in summary and "if it is started now" in summary
    assert "clicks a link" not in summary and "stop when they click a link" in summary
    details = builder.launch_panel.details
    assert details.selected_index is None                        # folded
    assert details.children[0] is builder.launch_panel.dry_run
    assert posts(sandbox) == []


def test_the_plan_summary_in_code_matches_the_form(builder, leads, client):
    fill(builder, leads, name="Spring push")
    summary = builder.plan.summary(client)
    assert list(summary.index) == ["campaign", "sequence", "leads", "senders", "schedule",
                                   "settings", "first email"]
    assert summary.loc["settings", "detail"].startswith(
        "opens not tracked; a lead's emails stop when they click a link")
