"""client.inbox.reply and reply_to_lead (resources/replies.py builds the body): a real email, so
confirm=True, the stats id as a string, retried only after a 429."""

import json

import pandas as pd
import pytest

from smartlead_nb.errors import InputError, ServerError, TransportError

from ..helpers import sent


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
