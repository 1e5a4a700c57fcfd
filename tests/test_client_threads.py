"""Replying to a lead, subsequences, moving leads, account-wide leads and the safe lead update,
over real HTTP against the sandbox (the transport faults from the scripted local server)."""

import json

import pandas as pd
import pytest

from smartlead_nb.errors import ApiFailure, InputError, NotFoundError, ServerError, TransportError

from .helpers import sent


@pytest.fixture
def replied(client, sandbox, ready_campaign):
    """The ready campaign after eight days of sending: (campaign id, lead id, REPLY item)."""
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=8)
    for lid in client.leads.frame(ready_campaign)["lead_id"]:
        history = client.request("GET", f"campaigns/{ready_campaign}/leads/{lid}/message-history")
        replies = [h for h in history["history"] if h["type"] == "REPLY"]
        if replies:
            sandbox.clear_requests()
            return ready_campaign, int(lid), replies[-1]
    raise AssertionError("no reply after eight days")


def map_id_of(client, cid, lid):
    frame = client.leads.frame(cid)
    return int(frame.loc[frame["lead_id"] == lid, "campaign_lead_map_id"].iloc[0])


# -- reply --------------------------------------------------------------------------------

def test_reply_needs_confirm_and_a_stats_id_and_sends_nothing_without_them(client, sandbox,
                                                                           replied):
    cid, lid, reply = replied
    with pytest.raises(InputError, match=f"Replying in campaign {cid} sends a real email.*"
                                         "Nothing was sent.*confirm=True"):
        client.inbox.reply(cid, reply["stats_id"], "<p>Hi</p>")
    with pytest.raises(InputError, match=f"Replying in campaign {cid} sends a real email"):
        client.request("POST", f"campaigns/{cid}/reply-email-thread",
                       json={"email_stats_id": reply["stats_id"], "email_body": "x"})
    for missing in (None, "", "   "):
        with pytest.raises(InputError, match=f"email_stats_id is missing \\(got {missing!r}\\)"):
            client.inbox.reply(cid, missing, "<p>Hi</p>", confirm=True)
    with pytest.raises(InputError, match="cc: 'not-an-address' is not an email address"):
        client.inbox.reply(cid, reply["stats_id"], "<p>Hi</p>", cc=["not-an-address"],
                           confirm=True)
    assert sent(sandbox, "POST", "/reply-email-thread") == []


def test_reply_sends_the_stats_id_as_a_string_never_the_lead_id(client, sandbox, replied):
    cid, lid, reply = replied
    out = client.inbox.reply(cid, int(reply["stats_id"]), "<p>Tuesday works.</p>",
                             reply_message_id=reply["message_id"],
                             reply_email_time=pd.Timestamp(reply["time"]),
                             cc=["cfo@example.eu", "ops@example.eu"], confirm=True)
    assert out["ok"] is True and out["email_stats_id"] == reply["stats_id"]
    (request,) = sent(sandbox, "POST", "/reply-email-thread")
    body = request["json"]
    assert body["email_stats_id"] == reply["stats_id"] and "lead_id" not in body
    assert body["cc"] == "cfo@example.eu, ops@example.eu"
    assert body["reply_email_time"] == reply["time"]
    history = client.leads.message_history(cid, lid)
    assert list(history["type"])[-1] == "SENT"
    assert history["email_body"].iloc[-1] == "<p>Tuesday works.</p>"


def test_reply_to_lead_answers_its_latest_reply(client, sandbox, replied):
    cid, lid, reply = replied
    client.inbox.reply_to_lead(cid, lid, "<p>Thanks, talk soon</p>", confirm=True)
    (request,) = sent(sandbox, "POST", "/reply-email-thread")
    assert {k: request["json"][k] for k in ("email_stats_id", "reply_message_id",
                                            "reply_email_time", "reply_email_body")} == {
        "email_stats_id": reply["stats_id"], "reply_message_id": reply["message_id"],
        "reply_email_time": reply["time"], "reply_email_body": reply["email_body"]}
    quiet = client.leads.add(cid, [{"email": "quiet@example.com"}], return_lead_ids=True,
                             confirm=True)             # the campaign is sending
    quiet_id = quiet["emailToLeadIdMap"]["newlyAddedLeads"]["quiet@example.com"]
    with pytest.raises(InputError, match=f"lead {quiet_id} in campaign {cid} has not replied"):
        client.inbox.reply_to_lead(cid, quiet_id, "<p>Hi</p>", confirm=True)
    assert len(sent(sandbox, "POST", "/reply-email-thread")) == 1


def test_any_2xx_is_sent_and_only_a_429_is_retried(scripted):
    server, client = scripted({"status": 200, "text": "OK", "type": "text/plain"})
    assert client.inbox.reply(7, "a891fe37", "<p>Hi</p>", confirm=True)["ok"] is True
    server, client = scripted({"status": 429, "json": {"error": "slow"},
                               "headers": {"Retry-After": "0"}},
                              {"status": 200, "json": {"ok": True, "message": "queued"}})
    assert client.inbox.reply(7, "a891fe37", "<p>Hi</p>", confirm=True)["ok"] is True
    assert len(server.received) == 2
    server, client = scripted({"status": 500, "json": {"error": "boom"}})
    with pytest.raises(ServerError):
        client.inbox.reply(7, "a891fe37", "<p>Hi</p>", confirm=True)
    assert len(server.received) == 1          # the mail may have gone: never re-sent
    server, client = scripted({"drop": True})
    with pytest.raises(TransportError):
        client.inbox.reply(7, "a891fe37", "<p>Hi</p>", confirm=True)
    assert len(server.received) == 1
    assert json.loads(server.received[0]["body"]) == {"email_stats_id": "a891fe37",
                                                      "email_body": "<p>Hi</p>"}


# -- subsequences and moving leads ---------------------------------------------------------

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


def test_move_leads_adds_to_the_target_and_pauses_in_the_source(client, sandbox, replied):
    """What notebook 05's old cell did (warm leads into their own campaign, out of this one),
    without deleting them from the source: their history stays, the source is recorded."""
    cid, lid, _ = replied
    leads = client.leads.frame(cid).set_index("lead_id")
    client.leads.update(cid, lid, {"company_name": "Warm Co", "custom_fields": {"tier": "A"}})
    history = client.leads.message_history(cid, lid)
    target = client.campaigns.create("Warm replies")["id"]
    moved = client.leads.move(cid, target, [leads.loc[lid, "email"]])
    assert moved[["lead_id", "source_campaign_id", "target_campaign_id",
                  "in_target"]].values.tolist() == [[lid, cid, target, True]]
    there = client.leads.frame(target).set_index("lead_id").loc[lid]
    assert there["company_name"] == "Warm Co" and there["first_name"] == leads.loc[lid,
                                                                                  "first_name"]
    assert there["custom_fields"] == {"tier": "A", "moved_from_campaign_id": str(cid)}
    status = client.leads.frame(cid).set_index("lead_id").loc[lid, "lead_status"]
    assert status == moved["source_status"].iloc[0]
    assert status in ("PAUSED", "COMPLETED", "STOPPED")     # nothing more goes out from cid
    pd.testing.assert_frame_equal(client.leads.message_history(cid, lid), history)
    with pytest.raises(InputError, match="target_campaign_id 999999: no such campaign"):
        client.leads.move(cid, 999999, [lid])
    with pytest.raises(InputError, match="source and target are both campaign"):
        client.leads.move(cid, cid, [lid])


def test_move_leads_pauses_leads_still_running_in_the_source(client, ready_campaign):
    target = client.campaigns.create("Elsewhere")["id"]
    moved = client.leads.move(ready_campaign, target, ["lead1@example.com", "lead2@example.com"],
                              record_source=False)
    assert moved["source_status"].tolist() == ["PAUSED", "PAUSED"]
    source = client.leads.frame(ready_campaign).set_index("email")
    assert source.loc[["lead1@example.com", "lead2@example.com"], "lead_status"].tolist() == \
        ["PAUSED", "PAUSED"]
    there = client.leads.frame(target).set_index("email")
    assert sorted(there.index) == ["lead1@example.com", "lead2@example.com"]
    assert there.loc["lead1@example.com", "first_name"] == "L1"


# -- account-wide leads ----------------------------------------------------------------------

def test_global_leads_frame_pages_until_has_more_is_false(client, sandbox):
    a, b = client.campaigns.create("A")["id"], client.campaigns.create("B")["id"]
    client.leads.add(a, [{"email": f"g{i}@example.com"} for i in range(250)])
    client.leads.add(b, [{"email": "g1@example.com"}, {"email": "solo@example.org"}],
                     ignore_duplicate_leads_in_other_campaign=True)
    sandbox.clear_requests()
    frame = client.leads.everywhere.frame()
    assert len(frame) == 251 and frame["lead_id"].is_unique
    assert [r["query"]["offset"] for r in sent(sandbox, "GET", "/global-leads")] == \
        ["0", "100", "200"]
    g1 = frame.set_index("email").loc["g1@example.com"]
    assert g1["campaign_ids"] == [a, b] and g1["campaign_names"] == ["A", "B"]
    assert str(frame["lead_id"].dtype) == "Int64"
    long = client.leads.everywhere.frame(per_campaign=True)
    assert len(long) == 252
    assert {"campaign_id", "campaign_name", "lead_status", "email_lead_map_id"} <= set(long)
    one = client.leads.everywhere.frame(email="solo@example.org")
    assert one["email"].tolist() == ["solo@example.org"]
    with pytest.raises(InputError, match="created_after 'last week'"):
        client.leads.everywhere.frame(created_after="last week")


# -- safe partial update ------------------------------------------------------------------------

def test_update_lead_keeps_the_fields_it_does_not_mention(client, sandbox):
    cid = client.campaigns.create("Update")["id"]
    client.leads.add(cid, [{"email": "ana@example.com", "first_name": "Ana",
                            "company_name": "Old", "custom_fields": {"tier": "1", "hook": "x"}}])
    lid = client.leads.find("ana@example.com")["id"]
    merged = client.leads.update(cid, lid, {"company_name": "New",
                                            "custom_fields": {"hook": "y", "gone": None}})
    lead = client.leads.find("ana@example.com")
    assert (lead["first_name"], lead["company_name"]) == ("Ana", "New")
    assert lead["custom_fields"] == {"tier": "1", "hook": "y"}
    assert merged["first_name"] == "Ana" and merged["custom_fields"] == lead["custom_fields"]
    client.leads.update(cid, lid, {"first_name": None})     # None clears a field
    assert client.leads.find("ana@example.com")["first_name"] is None
    other = client.campaigns.create("Other")["id"]
    with pytest.raises(NotFoundError, match=f"lead {lid} in campaign {other}"):
        client.leads.update(other, lid, {"company_name": "x"})
