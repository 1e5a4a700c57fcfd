"""Safety: what sends email, destroys a campaign or lets leads past the block and unsubscribe
lists needs an explicit confirmation, in the API and in the forms; the sandbox refuses wrong
keys and keeps agency clients' campaigns apart.
"""

from __future__ import annotations

import pandas as pd
import pytest
import requests

import smartlead_nb as sl
from smartlead_nb import upload_leads

from ..helpers import sent


def posts(sandbox):
    return [r for r in sandbox.requests if r["method"] in ("POST", "DELETE", "PATCH")]


NOT_CONFIRMED = [False, None, "yes", 1, "True"]   # only the literal True confirms


@pytest.mark.parametrize("confirm", NOT_CONFIRMED)
def test_sending_stopping_and_deleting_need_confirm_true(ready_campaign, client, sandbox, confirm):
    cid = ready_campaign
    sandbox.clear_requests()
    for action, match in ((lambda: client.campaigns.start(cid, confirm=confirm), "confirm=True"),
                          (lambda: client.campaigns.set_status(cid, "START", confirm=confirm), "confirm=True"),
                          (lambda: client.campaigns.set_status(cid, "start", confirm=confirm), "confirm=True"),
                          (lambda: client.campaigns.stop(cid, confirm=confirm), "confirm=True"),
                          (lambda: client.campaigns.delete(cid, confirm=confirm), "cannot be undone")):
        with pytest.raises(sl.InputError, match=match):
            action()
    assert sandbox.requests == []  # not even a read reached the sandbox
    assert client.campaigns.get(cid)["status"] == "DRAFTED"


def test_with_confirm_true_they_happen(ready_campaign, client, sandbox):
    cid = ready_campaign
    client.campaigns.start(cid, confirm=True)
    assert client.campaigns.get(cid)["status"] == "ACTIVE"
    client.campaigns.delete(cid, confirm=True)
    with pytest.raises(sl.NotFoundError):
        client.campaigns.get(cid)


@pytest.mark.parametrize("flag", ["ignore_global_block_list", "ignore_unsubscribe_list"])
def test_list_overrides_need_confirm_overrides(client, sandbox, tmp_path, flag):
    cid = client.campaigns.create("Overrides")["id"]
    sandbox.add_to_block_list("blocked@example.com")
    leads = [{"email": "blocked@example.com"}, {"email": "fine@example.com"}]
    sandbox.clear_requests()
    with pytest.raises(sl.InputError, match="confirm_overrides=True"):
        client.leads.add(cid, leads, **{flag: True})
    with pytest.raises(sl.InputError, match="confirm_overrides=True"):
        client.leads.add(cid, leads, **{flag: True}, confirm_overrides="yes")
    with pytest.raises(sl.InputError, match="confirm_overrides=True"):
        upload_leads(client, cid, pd.DataFrame(leads), progress=False, journal=False, **{flag: True})
    assert sandbox.requests == []
    # the flags that protect nobody need no confirmation
    client.leads.add(cid, leads, ignore_duplicate_leads_in_other_campaign=True)
    held = {r["lead"]["email"] for r in client.leads.list(cid)}
    assert held == {"fine@example.com"}  # the block list still applied
    client.leads.add(cid, leads, ignore_global_block_list=True, confirm_overrides=True)
    body = sent(sandbox, "POST", "/leads")[-1]["json"]
    assert body["settings"]["ignore_global_block_list"] is True


def test_plan_never_starts_without_confirm(client, sandbox, tmp_path):
    plan = sl.CampaignPlan("Careful", sequences=[{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                                  "subject": "Hi", "email_body": "Hello"}],
                           leads=pd.DataFrame({"email": ["a@example.com"]}), email_accounts=[3001])
    sandbox.clear_requests()
    with pytest.raises(sl.InputError, match="start=True, confirm=True"):
        plan.launch(client, start=True, state=tmp_path / "s.json", journal=False, progress=False)
    assert sandbox.requests == []
    result = plan.launch(client, state=tmp_path / "s.json", journal=False, progress=False)
    assert client.campaigns.get(result.campaign_id)["status"] == "DRAFTED"
    assert not [r for r in sent(sandbox, "POST") if r["path"].endswith("/status")]


def test_launch_panel_start_needs_the_exact_typed_name(client, sandbox, tmp_path):
    pytest.importorskip("ipywidgets")
    from smartlead_nb.widgets import CampaignBuilder
    from tests.helpers.widgets import fill

    builder = CampaignBuilder(client, state=tmp_path / "state.json", journal=False, namespace={})
    fill(builder, pd.DataFrame({"Email": ["ana@example.com", "ben@example.com"],
                                "First Name": ["Ana", "Ben"], "Company": ["A", "B"]}), name="Q1 outreach")
    panel = builder.launch_panel
    panel.start()  # before any campaign exists
    assert "Create the campaign first" in panel.start_status.value
    panel.create_button.click()
    cid = builder.result.campaign_id
    # the form never lets leads past the block or unsubscribe lists
    lead_posts = sent(sandbox, "POST", f"/campaigns/{cid}/leads")
    assert lead_posts and all(not v for p in lead_posts for k, v in p["json"]["settings"].items()
                              if k in ("ignore_global_block_list", "ignore_unsubscribe_list"))
    sandbox.clear_requests()
    for typed in ("", "q1 outreach", "Q1 outreach ", " Q1 outreach", "Q1 outreac", "Q1  outreach"):
        panel.confirm.value = typed
        assert panel.start_button.disabled
        panel.start()  # even called directly (a stale or scripted click), it refuses
        assert "Not started" in panel.start_status.value
        assert not panel.started
    assert [r for r in sandbox.requests if r["method"] == "POST"] == []
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    panel.confirm.value = "Q1 outreach"
    assert not panel.start_button.disabled
    panel.start_button.click()
    assert panel.started and client.campaigns.get(cid)["status"] == "ACTIVE"
    assert [r["path"] for r in sent(sandbox, "POST")] == [f"/campaigns/{cid}/status"]


@pytest.mark.parametrize("key", [None, "", "wrong-key", "SANDBOX-DEMO-KEY", " sandbox-demo-key",
                                 "sandbox-demo-key ", "sandbox-demo-ke"])
def test_sandbox_refuses_a_wrong_key_and_does_nothing(sandbox, key):
    url = sandbox.base_url
    params = {} if key is None else {"api_key": key}
    before = requests.get(f"{url}/campaigns", params={"api_key": sandbox.api_key}, timeout=5).json()
    for method, path, body in (("GET", "/campaigns", None), ("POST", "/campaigns/create", {"name": "Intruder"}),
                               ("GET", "/email-accounts", None), ("POST", "/_sandbox/advance", {"days": 1})):
        r = requests.request(method, url + path, params=params, json=body, timeout=5)
        assert r.status_code == 401, (method, path, r.status_code)
        assert key is None or not key.strip() or key not in r.text  # never echoed back
    after = requests.get(f"{url}/campaigns", params={"api_key": sandbox.api_key}, timeout=5).json()
    assert after == before
    if (key or "x").strip() != sandbox.api_key:  # the client trims pasted whitespace, by design
        with pytest.raises(sl.AuthenticationError):
            sl.SmartleadClient(key or "x", base_url=url, rate_limit=None).campaigns.list()


def test_agency_clients_never_see_each_others_campaigns(client, sandbox):
    mine = {client.campaigns.create(f"A{i}", client_id=101)["id"] for i in range(3)}
    theirs = {client.campaigns.create(f"B{i}", client_id=202)["id"] for i in range(2)}
    unassigned = client.campaigns.create("No client")["id"]
    assert {c["id"] for c in client.campaigns.list(client_id=101)} == mine
    assert {c["id"] for c in client.campaigns.list(client_id=202)} == theirs
    assert client.campaigns.list(client_id=303) == []
    assert all(c["client_id"] == 101 for c in client.campaigns.list(client_id=101))
    assert {c["id"] for c in client.campaigns.list()} == mine | theirs | {unassigned}
    # a plan for one client re-running never adopts another client's campaign of the same name
    plan = sl.CampaignPlan("A0", client_id=202, sequences=[{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                                            "subject": "Hi", "email_body": "Hello"}],
                           leads=pd.DataFrame({"email": ["x@example.com"]}), email_accounts=[3001])
    result = plan.launch(client, state=False, journal=False, progress=False)
    assert result.campaign_id not in mine
    assert client.campaigns.get(result.campaign_id)["client_id"] == 202
