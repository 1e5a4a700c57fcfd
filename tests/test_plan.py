"""CampaignPlan: check, dry run and a resumable launch against the sandbox."""

import json

import pandas as pd
import pytest

from smartlead_nb import CampaignSettings, InputError, Schedule, TransportError
from smartlead_nb.plan import CampaignPlan
from smartlead_nb.sandbox import Faults
from smartlead_nb.upload import UploadInterrupted

from .helpers import sent

STEPS = pd.DataFrame({
    "seq_number": [1, 1, 2],
    "delay_in_days": [0, 0, 3],
    "variant_label": ["A", "B", None],
    "subject": ["Idea for {{company_name}}", "{{first_name}}, quick question", ""],
    "email_body": ["Hi {{first_name}}", "Hello {{first_name}}", "Following up, {{first_name}}"],
})


def leads(n=30):
    return pd.DataFrame({"Email": [f"lead{i}@example.com" for i in range(n)],
                         "First Name": [f"L{i}" for i in range(n)],
                         "Company": ["Acme"] * n})


def healthy_ids(client):
    return [a["id"] for a in client.email_accounts.list()
            if a["is_smtp_success"] and a["is_imap_success"]
            and a["warmup_details"]["status"] == "ACTIVE"][:2]


def plan_for(client, name="Plan", **kw):
    base = dict(name=name, sequences=STEPS, leads=leads(), email_accounts=healthy_ids(client),
                schedule=Schedule("Europe/Berlin", days="Mon-Fri", start="09:00", end="17:00"),
                settings=CampaignSettings(track_opens=False, stop_on="reply"))
    base.update(kw)
    return CampaignPlan(**base)


def test_a_good_plan_has_no_errors(client):
    problems = plan_for(client).check(client)
    assert problems[problems["severity"] == "error"].empty


def test_check_lists_every_kind_of_problem(client):
    bad_leads = pd.concat([leads(3), pd.DataFrame({"Email": ["oops@"], "First Name": ["X"]})],
                          ignore_index=True)
    steps = STEPS.assign(subject=["Idea for {{Company}}", "{{first_name}}", ""])
    broken = [a["id"] for a in client.email_accounts.list() if not a["is_smtp_success"]]
    problems = plan_for(client, leads=bad_leads, sequences=steps, email_accounts=broken,
                        schedule=None).check(client)
    text = problems.to_string()
    assert ("leads", "row 3") in set(zip(problems["area"], problems["item"]))
    assert "Company" in text  # unknown tag (case-sensitive: company_name exists)
    assert "SMTP/IMAP not connected" in text
    assert "no schedule" in text
    assert set(problems["severity"]) == {"error", "warning"}
    empty = CampaignPlan(name="").check()
    assert {"campaign", "sequence", "leads", "email_accounts"} <= set(empty[empty.severity == "error"].area)


def test_dry_run_sends_nothing_and_shows_the_requests(client, sandbox):
    plan = plan_for(client)
    sandbox.clear_requests()
    requests = plan.dry_run()
    assert sent(sandbox) == []
    assert requests["step"].tolist() == ["create", "sequences", "email_accounts", "leads",
                                         "schedule", "settings"]
    assert all("api_key=REDACTED" in url for url in requests["url"])
    lead_body = requests.loc[requests.step == "leads", "json"].item()
    assert len(lead_body["lead_list"]) == 30 and lead_body["lead_list"][0]["first_name"] == "L0"


def test_launch_configures_everything_and_leaves_it_drafted(client, sandbox, tmp_path):
    result = plan_for(client).launch(client, state=tmp_path / "state.json",
                                     journal=tmp_path / "j.jsonl", progress=False)
    cid = result.campaign_id
    campaign = client.campaigns.get(cid)
    assert campaign["status"] == "DRAFTED"
    assert Schedule.from_campaign(campaign).timezone == "Europe/Berlin"
    assert CampaignSettings.from_campaign(campaign).track_opens is False
    assert len(client.sequences.frame(cid)) == 3
    assert len(client.campaigns.email_accounts.list(cid)) == 2
    assert len(client.leads.list(cid)) == 30
    assert (result.leads_report["outcome"] == "uploaded").all()
    assert result.steps["step"].tolist() == ["create", "sequences", "email_accounts", "leads",
                                             "schedule", "settings"]


def test_start_needs_confirmation_before_any_request(client, sandbox):
    plan = plan_for(client)
    sandbox.clear_requests()
    with pytest.raises(InputError, match="confirm=True"):
        plan.launch(client, start=True, state=False, progress=False)
    assert sent(sandbox, "POST") == []


def test_launch_refuses_a_plan_with_errors(client, sandbox):
    plan = plan_for(client, email_accounts=[])
    sandbox.clear_requests()
    with pytest.raises(InputError, match="email_accounts"):
        plan.launch(client, state=False, progress=False)
    assert sent(sandbox, "POST") == []


def test_failed_launch_resumes_into_the_same_campaign(client, sandbox, tmp_path):
    plan = plan_for(client, name="Resumable", leads=leads(900))
    state, journal = tmp_path / "state.json", tmp_path / "j.jsonl"
    original = client.leads.send_batch
    calls = []

    def flaky(cid, body):
        calls.append(cid)
        if len(calls) != 2:
            return original(cid, body)
        sandbox.faults = Faults(p500=1.0)
        try:
            return original(cid, body)
        finally:
            sandbox.faults = None
    client.leads.send_batch = flaky
    with pytest.raises(UploadInterrupted):
        plan.launch(client, state=state, journal=journal, progress=False)
    client.leads.send_batch = original
    result = plan.launch(client, start=True, confirm=True, state=state, journal=journal, progress=False)
    named = [c for c in client.campaigns.list() if c["name"] == "Resumable"]
    assert [c["id"] for c in named] == [result.campaign_id]
    assert len(client.sequences.frame(result.campaign_id)) == 3  # not saved twice
    assert len(client.leads.list(result.campaign_id)) == 900
    assert client.campaigns.get(result.campaign_id)["status"] == "ACTIVE"
    assert len(sent(sandbox, "POST", "/sequences")) == 1


def test_lost_create_answer_is_adopted_not_repeated(client, sandbox, tmp_path):
    client.campaigns.create("Adopt")  # an older campaign with the same name must not be taken
    plan = plan_for(client, name="Adopt")
    state = tmp_path / "state.json"
    sandbox.faults = Faults(p_drop=1.0)
    with pytest.raises(TransportError):
        plan.launch(client, state=state, journal=False, progress=False)
    sandbox.faults = None
    result = plan.launch(client, state=state, journal=False, progress=False)
    named = sorted(c["id"] for c in client.campaigns.list() if c["name"] == "Adopt")
    assert len(named) == 2 and result.campaign_id == named[-1]
    assert len(sent(sandbox, "POST", "/campaigns/create")) == 2  # the old one and the dropped one


def test_previews_pick_leads_and_render_every_step():
    steps = pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, 3],
                          "subject": ["Idea for {{company_name}}", ""],
                          "email_body": ["Hi {{first_name}}", "Bump"]})
    people = pd.DataFrame({"Email": ["a@x.com", "b@y.com"], "First Name": ["Ana", None],
                           "Company": ["X", "Y"]}, index=[10, 20])
    plan = CampaignPlan("Preview", sequences=steps, leads=people, email_accounts=[1],
                        schedule=Schedule("America/New_York", days="Mon-Fri"))
    assert plan.lead(20)["email"] == "b@y.com" and plan.lead("A@X.com")["first_name"] == "Ana"
    shown = plan.render("b@y.com", highlight=True)
    assert shown["subject"].tolist() == ["Idea for Y", "Re: Idea for Y"]
    assert '<mark class="sl-missing">{{first_name}}</mark>' in shown["body"].iloc[0]
    # Thursday 16:30 New York: step 1 then; step 2 due Sunday -> Monday 09:00.
    timeline = plan.timeline(start=pd.Timestamp("2025-01-09 16:30"))
    assert timeline["send_date"].astype(str).tolist() == ["2025-01-09", "2025-01-13"]
    assert timeline["local_time"].tolist() == ["16:30", "09:00"]
    with pytest.raises(InputError, match="no accepted lead"):
        plan.lead("nobody@z.com")


def test_a_frame_changed_in_place_is_checked_again(client):
    frame = leads(3)
    plan = plan_for(client, leads=frame)
    assert plan.check(client).query("area == 'leads'").empty
    frame.loc[1, "Email"] = "not-an-email"                   # same object, new content
    problems = plan.check(client)
    assert ("leads", "row 1") in set(zip(problems["area"], problems["item"]))
    assert len(plan.checked_leads()) == 2


def test_a_launch_that_adds_no_lead_says_so_first(client, sandbox, tmp_path):
    other = client.campaigns.create("Elsewhere")["id"]
    client.leads.add(other, [{"email": f"lead{i}@example.com"} for i in range(5)])
    plan = plan_for(client, name="Nobody new", leads=leads(5))
    result = plan.launch(client, state=tmp_path / "s.json", journal=False, progress=False)
    assert len(client.leads.list(result.campaign_id)) == 0
    assert len(result.problems) == 1
    assert "no leads were added" in result.problems[0] and "5 in_other_campaign" in result.problems[0]
    assert "ignore_duplicate_leads_in_other_campaign=True" in result.problems[0]
    assert repr(result).startswith("PROBLEM: no leads were added")


def test_the_plan_passes_its_upload_flags_through(client, sandbox, tmp_path):
    other = client.campaigns.create("Elsewhere")["id"]
    client.leads.add(other, [{"email": f"lead{i}@example.com"} for i in range(5)])
    plan = plan_for(client, name="Shared leads", leads=leads(5),
                    ignore_duplicate_leads_in_other_campaign=True)
    result = plan.launch(client, state=tmp_path / "s.json", journal=False, progress=False)
    assert result.problems == []
    assert len(client.leads.list(result.campaign_id)) == 5
    body = sent(sandbox, "POST", f"/campaigns/{result.campaign_id}/leads")[0]["json"]
    assert body["settings"]["ignore_duplicate_leads_in_other_campaign"] is True
    assert body["settings"]["ignore_global_block_list"] is False


def test_block_list_override_needs_confirm_overrides(client, sandbox, tmp_path):
    plan = plan_for(client, name="Override", ignore_unsubscribe_list=True)
    sandbox.clear_requests()
    with pytest.raises(InputError, match="confirm_overrides=True"):
        plan.launch(client, state=tmp_path / "s.json", journal=False, progress=False)
    assert sent(sandbox, "POST") == []
    result = plan.launch(client, state=tmp_path / "s.json", journal=False, progress=False,
                         confirm_overrides=True)
    body = sent(sandbox, "POST", f"/campaigns/{result.campaign_id}/leads")[0]["json"]
    assert body["settings"]["ignore_unsubscribe_list"] is True


def test_resume_starts_over_when_the_stored_id_is_another_campaign(client, sandbox, tmp_path):
    state = tmp_path / "s.json"
    first = plan_for(client, name="Mine").launch(client, state=state, journal=False, progress=False)
    sandbox.reset()                                         # ids are not reused after a reset...
    data = json.loads(state.read_text())
    other = client.campaigns.create("Someone else's")["id"]
    data["campaign_id"] = other                             # ...but a stale file may name any id
    state.write_text(json.dumps(data))
    with pytest.warns(UserWarning, match="not the campaign this plan created"):
        again = plan_for(client, name="Mine").launch(client, state=state, journal=False,
                                                     progress=False)
    assert again.campaign_id not in (first.campaign_id, other)
    assert client.campaigns.get(again.campaign_id)["name"] == "Mine"
    assert client.campaigns.get(other)["name"] == "Someone else's"
    assert len(client.leads.list(other)) == 0


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '"text"'])
def test_an_unreadable_state_file_is_refused_not_taken_for_a_fresh_start(client, sandbox,
                                                                       tmp_path, content):
    state = tmp_path / "s.json"
    state.write_text(content)
    sandbox.clear_requests()
    with pytest.raises(InputError, match="launch state file") as info:
        plan_for(client, name="Corrupt").launch(client, state=state, journal=False, progress=False)
    assert str(state) in str(info.value) and "state=False" in str(info.value)
    assert sent(sandbox, "POST") == []


def test_launch_never_asks_smartlead_to_start_a_campaign_it_would_refuse(client, sandbox, tmp_path):
    """Issue 19: SmartLead answers a start without leads with a 400; launch asks first."""
    other = client.campaigns.create("Elsewhere")["id"]
    client.leads.add(other, [{"email": f"lead{i}@example.com"} for i in range(5)])
    plan = plan_for(client, name="Nobody to email", leads=leads(5))
    state = tmp_path / "s.json"
    with pytest.raises(InputError, match="was not started: SmartLead says it has no leads; it "
                                         "stays DRAFTED"):
        plan.launch(client, start=True, confirm=True, state=state, journal=False, progress=False)
    cid = json.loads(state.read_text())["campaign_id"]
    assert not sent(sandbox, "POST", f"/campaigns/{cid}/status")
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    assert "start" not in json.loads(state.read_text())["done"]


def test_the_result_says_what_smartlead_says_and_what_this_run_sent(client, sandbox, tmp_path):
    state = tmp_path / "s.json"
    first = plan_for(client, name="Said").launch(client, state=state, journal=False, progress=False)
    assert first.status == "DRAFTED"
    assert first.sent_now == ["create", "sequences", "email_accounts", "leads", "schedule",
                              "settings"]
    sandbox.clear_requests()
    again = plan_for(client, name="Said").launch(client, state=state, journal=False,
                                                 progress=False)
    assert again.sent_now == [] and sent(sandbox, "POST") == []
    assert sent(sandbox, "GET", f"/campaigns/{first.campaign_id}")   # its status was asked
    assert "SmartLead says DRAFTED" in repr(again) and "sent now: nothing" in repr(again)
