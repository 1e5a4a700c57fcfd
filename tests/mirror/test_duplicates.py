"""Cross-campaign duplicates before an upload: from a mirror, or looked up by email."""

from __future__ import annotations

import pandas as pd
import pytest

import smartlead_nb as sl

from ..helpers import sent
from .helpers import STEPS, running_campaign


@pytest.fixture
def mirror_of_one_campaign(client, sandbox, tmp_path):
    cid = running_campaign(client, "Earlier wave", n_leads=20)
    sandbox.advance(days=1)
    mirror = sl.Mirror(tmp_path / "mirror.duckdb")
    mirror.sync(client, progress=False)
    return mirror, cid


def new_leads(cid: int) -> pd.DataFrame:
    old = [f"LEAD{i}.{cid}@example.com" for i in range(3)]     # other spelling, same people
    fresh = [f"new{i}@example.org" for i in range(4)]
    return pd.DataFrame({"email": old + fresh, "first_name": ["X"] * 7})


def test_upload_skip_contacted_reports_the_campaign_and_sends_only_new_people(
        client, sandbox, mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    target = client.create_campaign("Next wave")["id"]
    result = sl.upload_leads(client, target, new_leads(earlier), skip_contacted=mirror,
                             journal=False, progress=False)
    rows = result.rows
    skipped = rows[rows["outcome"] == "already_contacted"]
    assert len(skipped) == 3
    assert skipped["reason"].str.contains(f"in campaign {earlier} \"Earlier wave\"").all()
    assert skipped["reason"].str.contains("last contacted 2025-01-06").all()
    posted = [r for r in sent(sandbox, "POST", f"/campaigns/{target}/leads")]
    emails = [lead["email"] for r in posted for lead in r["json"]["lead_list"]]
    assert sorted(emails) == [f"new{i}@example.org" for i in range(4)]
    # Without a mirror the same upload sends all seven (SmartLead's own check decides).
    again = sl.upload_leads(client, client.create_campaign("Other")["id"], new_leads(earlier),
                            journal=False, progress=False)
    assert "already_contacted" not in set(again.rows["outcome"])


def test_plan_check_flags_leads_from_the_mirror_without_a_request(client, sandbox,
                                                                   mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    plan = sl.CampaignPlan(name="Next", sequences=STEPS, leads=new_leads(earlier),
                           email_accounts=[])
    sandbox.clear_requests()
    problems = plan.check(mirror=mirror)
    assert sandbox.requests == []
    flagged = problems[problems["problem"].str.contains("already in campaign")]
    assert len(flagged) == 3 and (flagged["severity"] == "warning").all()
    assert flagged["problem"].str.contains(str(earlier)).all()


def test_plan_check_can_look_emails_up_and_says_what_it_costs(client, sandbox, capsys,
                                                               mirror_of_one_campaign):
    _, earlier = mirror_of_one_campaign
    plan = sl.CampaignPlan(name="Next", sequences=STEPS, leads=new_leads(earlier),
                           email_accounts=[])
    sandbox.clear_requests()
    problems = plan.check(client, lookup_contacted=True)
    assert "looking up 7 emails in your other campaigns: 7 requests" in capsys.readouterr().out
    assert len(sent(sandbox, "GET", "/leads")) == 7
    flagged = problems[problems["problem"].str.contains("already in campaign")]
    assert len(flagged) == 3
    # Not asked: no lookup, no request.
    sandbox.clear_requests()
    plan.check()
    assert sandbox.requests == []


def test_mirror_contacted_lists_campaign_and_times(mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    found = mirror.contacted([f"lead0.{earlier}@example.com", "nobody@example.org"])
    assert found["campaign_id"].tolist() == [earlier]
    assert found["first_sent"].notna().all()
    assert mirror.contacted([], exclude_campaign=earlier).empty
    assert mirror.contacted([f"lead0.{earlier}@example.com"], exclude_campaign=earlier).empty
