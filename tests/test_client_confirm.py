"""request() refuses what the wrapped methods refuse: the same rule, however the call is spelled.

Everything runs against the sandbox; a refused call must leave it untouched (nothing sent).
"""

import pytest

from smartlead_nb import InputError
from smartlead_nb.resources.confirm import needs_confirmation

from .helpers import sent


def guarded_calls(cid, lead_id):
    """(method, path, body) that send email or cannot be undone, in several spellings."""
    return [
        ("POST", f"campaigns/{cid}/status", {"status": "START"}),
        ("post", f"campaigns/{cid}/status", {"status": " start "}),
        ("PATCH", f"campaigns/{cid}/status", {"status": "ACTIVE"}),
        ("POST", f"/Campaigns//{cid}/./%73tatus/", {"status": "STOPPED"}),
        ("POST", f"../v1/campaigns/{cid}/status", {"status": "START"}),  # issue 19, item 3
        (" Post", f"%2e%2E/v1/campaigns/{cid}/x/../status", {"status": "START"}),
        ("DELETE ", f"../v1/campaigns/{cid}", None),
        ("delete", f"campaigns/{cid}/status/..", None),
        ("DELETE", f"campaigns/{cid}", None),
        ("DELETE", f"campaigns/{cid}/", None),
        ("POST", f"campaigns/{cid}/leads",
         {"lead_list": [{"email": "a@example.com"}], "settings": {"ignore_unsubscribe_list": True}}),
        ("POST", f"campaigns/{cid}/leads",
         {"lead_list": [{"email": "a@example.com"}], "settings": {"ignore_global_block_list": "true"}}),
        ("POST", f"leads/{lead_id}/unsubscribe", None),
        ("DELETE", f"campaigns/{cid}/email-accounts", {"email_account_ids": [3001]}),
    ]


def test_request_refuses_every_guarded_call_before_sending(client, sandbox, ready_campaign):
    lead_id = client.leads.list(ready_campaign)[0]["lead"]["id"]
    absolute = f"{sandbox.base_url}/campaigns/{ready_campaign}"
    before = len(sent(sandbox))
    for method, path, body in guarded_calls(ready_campaign, lead_id) + [("DELETE", absolute, None)]:
        with pytest.raises(InputError, match="Nothing was sent; if you mean it.*confirm=True"):
            client.request(method, path, json=body)
    assert len(sent(sandbox)) == before
    assert client.campaigns.get(ready_campaign)["status"] == "DRAFTED"


def test_request_lets_harmless_calls_through_and_confirmed_ones_run(client, sandbox, ready_campaign):
    lead_id = client.leads.list(ready_campaign)[0]["lead"]["id"]
    client.request("POST", f"campaigns/{ready_campaign}/status", json={"status": "PAUSED"})
    client.request("POST", f"campaigns/{ready_campaign}/leads/{lead_id}/unsubscribe")  # one campaign
    client.request("POST", f"campaigns/{ready_campaign}/status", json={"status": "START"},
                   confirm=True)
    assert client.campaigns.get(ready_campaign)["status"] == "ACTIVE"


def test_raw_request_is_the_documented_no_guard_path(client, sandbox):
    assert "SKIPS THE" in type(client).raw_request.__doc__
    cid = client.campaigns.create("Gone")["id"]
    assert client.raw_request("DELETE", f"campaigns/{cid}").status == 200
    assert client.campaigns.list() == []


def test_wrapped_methods_and_request_share_one_rule(client, sandbox):
    """Same reason text on both paths: the wrapped methods ask needs_confirmation too."""
    cid = client.campaigns.create("Rule")["id"]
    cases = [(lambda: client.campaigns.delete(cid), ("DELETE", f"campaigns/{cid}", None)),
             (lambda: client.campaigns.start(cid), ("POST", f"campaigns/{cid}/status", {"status": "START"})),
             (lambda: client.campaigns.stop(cid), ("POST", f"campaigns/{cid}/status", {"status": "STOPPED"})),
             (lambda: client.leads.unsubscribe_everywhere(5), ("POST", "leads/5/unsubscribe", None)),
             (lambda: client.leads.add(cid, [{"email": "a@example.com"}], ignore_unsubscribe_list=True),
              ("POST", f"campaigns/{cid}/leads", {"settings": {"ignore_unsubscribe_list": True}}))]
    for wrapped, (method, path, body) in cases:
        reason = needs_confirmation(method, path, body)
        assert reason
        with pytest.raises(InputError) as by_method:
            wrapped()
        with pytest.raises(InputError) as by_request:
            client.request(method, path, json=body)
        assert by_method.value.args[0].startswith(reason)
        assert by_request.value.args[0].startswith(reason)
    assert needs_confirmation("POST", f"campaigns/{cid}/status", {"status": "PAUSED"}) is None
    assert needs_confirmation("GET", f"campaigns/{cid}", None) is None
    assert needs_confirmation("DELETE", f"campaigns/{cid}/leads/3", None) is None


def test_an_unconfirmed_start_says_what_it_would_do_in_a_sentence(client, sandbox, ready_campaign):
    """Issue 11: the refusal reads as a sentence: what, that nothing happened, how to go on."""
    with pytest.raises(InputError) as refused:
        client.campaigns.start(ready_campaign)
    assert str(refused.value) == (
        f"Starting campaign {ready_campaign} sends email to real people. Nothing was sent; "
        f"if you mean it, call again with confirm=True.")
