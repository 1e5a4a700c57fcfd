"""forecast_leads: SmartLead's own rules, predicted from what it holds, checked against what an
upload then really does (sandbox over HTTP)."""

from __future__ import annotations

import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb.forecast import forecast_leads
from smartlead_nb.frames.leads import leads_from_frame

from .helpers import sent

FLAGS = dict(ignore_global_block_list=False, ignore_unsubscribe_list=False,
             ignore_duplicate_leads_in_other_campaign=False, ignore_community_bounce_list=False)


def world(client, sandbox):
    """Leads in every situation SmartLead treats differently; the target campaign's id."""
    target = client.campaigns.create("Target")["id"]
    client.leads.add(target, [{"email": "here@f.example"}])
    other = client.campaigns.create("Other")["id"]
    client.leads.add(other, [{"email": "Other@F.example"}, {"email": "gone@f.example"}])
    gone = client.leads.list(other)[1]["lead"]["id"]
    client.leads.unsubscribe_everywhere(gone, confirm=True)
    sandbox.add_to_block_list("blocked@f.example", "blocked-domain.example")
    emails = ["new@f.example", " HERE@f.example", "other@f.example", "gone@f.example",
              "blocked@f.example", "anyone@blocked-domain.example"]
    return target, leads_from_frame(pd.DataFrame({"email": emails}))


EXPECTED = {"new@f.example": "uploaded", " HERE@f.example": "already_in_campaign",
            "other@f.example": "in_other_campaign", "gone@f.example": "unsubscribed",
            "blocked@f.example": "blocked", "anyone@blocked-domain.example": "blocked"}


@pytest.mark.parametrize("campaigns_first", [False, True])
def test_both_ways_of_asking_predict_what_the_upload_then_does(client, sandbox, campaigns_first):
    target, leads = world(client, sandbox)
    if campaigns_first:                        # fewer campaigns than leads: exports are cheaper
        per_email = len(client.campaigns.list()) >= len(leads)
        assert not per_email
    else:                                      # more campaigns than leads: look each one up
        for i in range(len(leads)):
            client.campaigns.create(f"Filler {i}")
    sandbox.clear_requests()
    forecast = forecast_leads(client, leads, FLAGS, campaign_id=target)
    asked = [r["path"] for r in sandbox.requests]
    assert forecast.requests == len(asked)
    assert any(p.endswith("/leads-export") for p in asked) is campaigns_first
    assert any(p == "/leads/" or p == "/leads" for p in asked) is not campaigns_first
    predicted = dict(zip(leads.report.loc[leads.index, "email"], forecast.outcomes))
    assert predicted == EXPECTED
    assert (forecast.added, forecast.in_campaign) == (1, 2)
    result = sl.upload_leads(client, target, pd.DataFrame({"email": list(EXPECTED)}),
                             progress=False, journal=False)
    assert dict(zip(result.rows["email"], result.rows["outcome"])) == EXPECTED


@pytest.mark.parametrize("flag, email, becomes", [
    ("ignore_duplicate_leads_in_other_campaign", "other@f.example", "uploaded"),
    ("ignore_unsubscribe_list", "gone@f.example", "in_other_campaign"),   # the next rule
    ("ignore_global_block_list", "blocked@f.example", "uploaded"),
    ("ignore_global_block_list", "anyone@blocked-domain.example", "uploaded"),
])
def test_each_flag_changes_the_prediction_as_it_changes_the_upload(client, sandbox, flag, email,
                                                                  becomes):
    target, leads = world(client, sandbox)
    forecast = forecast_leads(client, leads, {**FLAGS, flag: True}, campaign_id=target)
    predicted = dict(zip(leads.report.loc[leads.index, "email"], forecast.outcomes))
    assert predicted[email] == becomes
    result = sl.upload_leads(client, target, pd.DataFrame({"email": [email]}), progress=False,
                             journal=False, confirm_overrides=True, **{flag: True})
    assert result.rows["outcome"].tolist() == [becomes]


def test_a_forecast_over_its_budget_says_so_and_promises_nothing(client, sandbox):
    target, leads = world(client, sandbox)
    sandbox.clear_requests()
    forecast = forecast_leads(client, leads, FLAGS, campaign_id=target, max_requests=2)
    assert len(sandbox.requests) == forecast.requests == 1          # the campaign list only
    assert not forecast.looked_up
    text = forecast.describe()
    assert text.startswith("up to 6 leads will be added") and "would take" in text


def test_the_plan_check_and_summary_use_the_forecast(client, sandbox):
    other = client.campaigns.create("Other")["id"]
    client.leads.add(other, [{"email": f"p{i}@x.example"} for i in range(2)])
    plan = sl.CampaignPlan("Forecast", sequences=[{"seq_number": 1, "seq_delay_details":
                                                   {"delay_in_days": 0}, "subject": "Hi",
                                                   "email_body": "Hello"}],
                           leads=pd.DataFrame({"email": [f"p{i}@x.example" for i in range(2)]}),
                           email_accounts=[3001], schedule=sl.Schedule("UTC"))
    assert plan.summary().loc["leads", "detail"].startswith("2 valid leads to send; SmartLead "
                                                            "leaves out")   # no client: no promise
    assert plan.summary(client, state=False).loc["leads", "detail"].startswith(
        "0 of 2 leads will be added; 2 already in another campaign")
    problems = plan.check(client, state=False)
    errors = problems[problems.severity == "error"]
    assert errors["problem"].str.startswith("no lead would be added").tolist() == [True]
    assert "ignore_duplicate_leads_in_other_campaign=True lets them in" in errors["problem"].item()
    rows = problems[problems.item.str.startswith("row")]
    assert rows["problem"].tolist() == [
        f'p{i}@x.example: already in another campaign, in campaign 1001 "Other" (SmartLead skips '
        f"it; ignore_duplicate_leads_in_other_campaign=True lets it in)" for i in range(2)]
    plan.ignore_duplicate_leads_in_other_campaign = True
    assert plan.check(client, state=False).query("severity == 'error'").empty
    assert len(sent(sandbox, "POST", "/campaigns/create")) == 1   # "Other": checks create nothing
