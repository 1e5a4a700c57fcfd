"""client.campaigns.subsequences (resources/subsequences.py): create one, push leads into it with
their threads."""

import json

import pandas as pd
import pytest

from smartlead_nb.errors import ApiFailure, InputError

from ..helpers import map_id_of, sent


def test_create_subsequence_and_unknown_parents_refused_before_sending(client, sandbox):
    parent = client.campaigns.create("Parent")["id"]
    sub = client.campaigns.subsequences.create(parent, "Interested Reply")
    assert sub["parent_campaign_id"] == parent and sub["name"] == "Interested Reply"
    assert client.campaigns.get(sub["id"])["parent_campaign_id"] == parent
    with pytest.raises(InputError, match="parent_campaign_id 999999: no such campaign"):
        client.campaigns.subsequences.create(999999)
    assert len(sent(sandbox, "POST", "/create-subsequence")) == 1


def test_pushing_warm_leads_keeps_their_history(client, sandbox, replied):
    cid, lid, _ = replied
    sub = client.campaigns.subsequences.create(cid, "Warm replies")["id"]
    before = client.leads.message_history(cid, lid)
    email = client.leads.frame(cid).set_index("lead_id").loc[lid, "email"]
    pushed = client.campaigns.subsequences.push_leads(cid, sub, [email], delay_days=2)
    assert list(pushed.columns[:4]) == ["email", "lead_id", "email_lead_map_id", "pushed"]
    assert pushed["pushed"].tolist() == [True]
    (request,) = sent(sandbox, "POST", "/push-to-subsequence")
    assert request["json"] == {"email_lead_map_id": map_id_of(client, cid, lid),
                               "sub_sequence_id": sub, "sub_sequence_delay_time": 2,
                               "stop_lead_on_parent_campaign_reply": False}
    assert client.leads.frame(sub)["lead_id"].tolist() == [lid]
    pd.testing.assert_frame_equal(client.leads.message_history(sub, lid), before)
    with pytest.raises(ApiFailure, match="already"):       # ok:false inside a 200
        client.campaigns.subsequences.push(sub, map_id_of(client, cid, lid))


def test_a_lead_named_in_another_spelling_is_the_same_lead(client, sandbox, replied):
    """Leads are found by email_key, the package's one rule for the same person (issue 19)."""
    cid, lid, _ = replied
    sub = client.campaigns.subsequences.create(cid, "Warm replies")["id"]
    email = client.leads.frame(cid).set_index("lead_id").loc[lid, "email"]
    pushed = client.campaigns.subsequences.push_leads(cid, sub, [f"  {email.upper()}. "])
    assert pushed["lead_id"].tolist() == [lid] and pushed["pushed"].tolist() == [True]


def test_subsequence_and_lead_ids_are_checked_before_pushing(client, sandbox, replied):
    cid, lid, _ = replied
    stranger = client.campaigns.create("Not a child")["id"]
    with pytest.raises(InputError, match="subsequence_id 999999: no such campaign"):
        client.campaigns.subsequences.push(999999, map_id_of(client, cid, lid))
    with pytest.raises(InputError, match=f"campaign {stranger} is not a subsequence"):
        client.campaigns.subsequences.push(stranger, map_id_of(client, cid, lid))
    sub = client.campaigns.subsequences.create(cid)["id"]
    with pytest.raises(InputError, match=f"campaign {stranger} is not a subsequence of "
                                         f"campaign {cid}"):
        client.campaigns.subsequences.push_leads(cid, stranger, [lid])
    with pytest.raises(InputError, match="'nobody@example.com'.* not in campaign"):
        client.campaigns.subsequences.push_leads(cid, sub, [lid, "nobody@example.com"])
    with pytest.raises(InputError, match="delay_days must be a whole number"):
        client.campaigns.subsequences.push(sub, map_id_of(client, cid, lid), delay_days=0.5)
    assert sent(sandbox, "POST", "/push-to-subsequence") == []
