"""Block list, agency clients and sender mailboxes through the client, against the sandbox
over real HTTP: shapes, refusals before sending, confirmation, secrets kept out of sight."""

import logging

import pytest

from smartlead_nb import ApiFailure, CampaignSettings, InputError, NotFoundError
from smartlead_nb._transport import Secret
from smartlead_nb.settings import check_settings_payload

from .helpers import sent


# -- block list -------------------------------------------------------------------------------
def test_block_list_frame_and_add(client, sandbox):
    frame = client.block_list.frame()
    assert list(frame.columns[:5]) == ["id", "email_or_domain", "source", "client_id",
                                       "created_at"]
    assert set(frame["email_or_domain"]) == {"blocked.example", "do-not-email@example.com"}
    assert str(frame["created_at"].dtype).startswith("datetime64")
    answer = client.block_list.add(["ana@example.com", " rival.example "])
    assert answer["message"] == "2 entries added to block list"
    assert sent(sandbox, "POST", "/leads/add-domain-block-list")[-1]["json"] == \
        {"domain_block_list": ["ana@example.com", "rival.example"]}
    assert len(client.block_list.list()) == 4
    assert [e["email_or_domain"] for e in client.block_list.list(search="rival")] == ["rival.example"]


def test_block_list_pages_with_its_own_limit(client, sandbox):
    client.block_list.add([f"x{i}.example" for i in range(3)])
    sandbox.clear_requests()
    assert len(client.block_list.list(page_size=2)) == 5
    assert [r["query"]["limit"] for r in sent(sandbox, "GET")] == ["2", "2", "2"]
    with pytest.raises(InputError):
        client.block_list.list(page_size=1001)


@pytest.mark.parametrize("entries, fragment", [
    ([], "no block-list entries"),
    (["ok.example", ""], "entry 2 of 2 is empty"),
    (["  "], "entry 1 of 1 is empty"),
    (["not a domain"], "neither an email address"),
    (["ana@@example.com"], "entry 1 of 1: invalid email"),
    ([None], "entries are text"),
])
def test_bad_block_list_entries_are_refused_before_sending(client, sandbox, entries, fragment):
    with pytest.raises(InputError, match=fragment):
        client.block_list.add(entries)
    assert sent(sandbox) == []


def test_deleting_an_entry_needs_confirm_and_lets_leads_in(client, sandbox):
    entry = next(e for e in client.block_list.list() if e["email_or_domain"] == "blocked.example")
    cid = client.campaigns.create("Blocked")["id"]
    assert client.leads.add(cid, [{"email": "x@blocked.example"}])["block_count"] == 1
    sandbox.clear_requests()
    with pytest.raises(InputError, match="re-enables outreach.*Nothing was sent"):
        client.block_list.delete(entry["id"])
    with pytest.raises(InputError, match="confirm=True"):
        client.request("DELETE", "leads/delete-domain-block-list", params={"id": entry["id"]})
    with pytest.raises(InputError, match="confirm=True"):
        client.request("DELETE", f"/Leads/delete-domain-block-list/?id={entry['id']}")
    assert sent(sandbox) == []
    assert client.block_list.delete(entry["id"], confirm=True) == {"ok": True}
    assert client.leads.add(cid, [{"email": "x@blocked.example"}])["upload_count"] == 1
    with pytest.raises(NotFoundError, match=f"block-list entry {entry['id']} not found"):
        client.block_list.delete(entry["id"], confirm=True)


# -- agency clients ---------------------------------------------------------------------------
def test_create_and_list_clients_with_keys_kept_secret(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    acme = client.clients.create("Acme", "ops@acme.example", password="acme-login-pw")
    assert isinstance(acme["id"], int)
    key = acme["data"]["api_key"]
    assert isinstance(key, Secret) and key.reveal().startswith("sandbox_cl_")
    assert key.reveal() not in repr(acme) and "********" in repr(acme)
    made = client.clients.api_keys.create(acme["id"], "reporting")
    assert isinstance(made["data"]["api_key"], Secret)
    frame = client.clients.api_keys.frame(acme["id"])
    assert list(frame["keyName"]) == ["Default", "reporting"]
    text = frame.to_string() + frame.to_csv() + repr(client.clients.api_keys.list(acme["id"]))
    assert "sandbox_cl_" not in text and "********" in text
    assert "sandbox_cl_" not in caplog.text
    assert list(client.clients.frame()["name"]) == ["Acme"]
    assert client.clients.list()[0]["email"] == "ops@acme.example"


def test_a_revealed_client_key_is_redacted_from_error_text(client):
    acme = client.clients.create("Acme", "ops@acme.example")
    raw = acme["data"]["api_key"].reveal()
    from smartlead_nb._redact import redact

    assert raw not in redact(f"something failed for {raw}")


@pytest.mark.parametrize("name, email, fragment", [
    ("Acme", None, "needs an email"),
    ("Acme", "  ", "needs an email"),
    ("Acme", "ops@acme", "invalid email"),
    ("", "ops@acme.example", "needs a name"),
])
def test_a_client_without_a_valid_email_or_name_is_refused_before_sending(
        client, sandbox, name, email, fragment):
    with pytest.raises(InputError, match=fragment):
        client.clients.create(name, email)
    assert sent(sandbox) == []


def test_client_key_refusals(client, sandbox):
    with pytest.raises(InputError, match="keyName"):
        client.clients.api_keys.create(20001, " ")
    with pytest.raises(InputError, match="ACTIVE, INACTIVE"):
        client.clients.api_keys.list(status="on")
    assert sent(sandbox) == []
    with pytest.raises(NotFoundError, match="client 20999"):
        client.clients.api_keys.create(20999, "x")


# -- sender mailboxes -------------------------------------------------------------------------
MAILBOX = dict(from_name="Nora", from_email="nora@send.example", user_name="nora",
               password="nora-smtp-secret", smtp_host="smtp.send.example", smtp_port=587,
               imap_host="imap.send.example", imap_port=993)


def test_get_one_drops_passwords_and_reads_reputation_as_a_number(client, sandbox):
    aid = client.email_accounts.list()[0]["id"]
    one = client.email_accounts.get(aid, fetch_campaigns=True)
    assert "password" not in one and "imap_password" not in one
    assert "sandbox-mailbox-password" not in repr(one)
    assert one["warmup_details"]["warmup_reputation"] == 100
    assert one["campaign_ids"] == []
    with pytest.raises(NotFoundError, match="email account 424242"):
        client.email_accounts.get(424242)


def test_save_update_and_duplicate(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    made = client.email_accounts.save(**MAILBOX, warmup_enabled=True, total_warmup_per_day=20,
                                      max_email_per_day=30)
    aid = made["id"]
    one = client.email_accounts.get(aid)
    assert (one["from_email"], one["message_per_day"]) == ("nora@send.example", 30)
    assert one["warmup_details"]["status"] == "ACTIVE"
    with pytest.raises(ApiFailure) as failure:
        client.email_accounts.save(**MAILBOX)
    assert failure.value.body["errorCode"] == "ACCOUNT_ALREADY_EXIST"
    assert failure.value.body["emailAccountId"] == aid
    assert "nora-smtp-secret" not in str(failure.value) + caplog.text
    client.email_accounts.save(**dict(MAILBOX, from_name="Nora B"), email_account_id=aid)
    client.email_accounts.update(aid, max_email_per_day=12, signature="<p>N</p>")
    one = client.email_accounts.get(aid)
    assert (one["from_name"], one["message_per_day"], one["signature"]) == ("Nora B", 12,
                                                                           "<p>N</p>")


def test_mailbox_input_is_checked_before_sending(client, sandbox):
    with pytest.raises(InputError, match="smtp_port must be a port number"):
        client.email_accounts.save(**dict(MAILBOX, smtp_port="587"))
    with pytest.raises(InputError, match="from_email: invalid email"):
        client.email_accounts.save(**dict(MAILBOX, from_email="nora@"))
    with pytest.raises(InputError, match="did you mean 'signature'"):
        client.email_accounts.save(**MAILBOX, signatur="x")
    with pytest.raises(InputError, match="smtp_host"):
        client.email_accounts.update(3001, smtp_host="x")
    assert sent(sandbox) == []


@pytest.mark.parametrize("field, value, fragment", [
    ("total_warmup_per_day", 51, "total_warmup_per_day is 51: SmartLead allows 1-50"),
    ("total_warmup_per_day", 0, "allows 1-50"),
    ("daily_rampup", 2, "daily_rampup is 2: SmartLead allows 5-20"),
    ("reply_rate_percentage", 10, "reply_rate_percentage is 10: SmartLead allows 20-100"),
    ("reply_rate_percentage", "abc", "allows 20-100"),
])
def test_warmup_out_of_range_is_refused_naming_the_range(client, sandbox, field, value, fragment):
    with pytest.raises(InputError, match=fragment):
        client.email_accounts.warmup.update(3001, warmup_enabled=True, **{field: value})
    assert sent(sandbox) == []


def test_warmup_settings_are_sent_and_reflected(client, sandbox):
    aid = client.email_accounts.list()[0]["id"]
    client.email_accounts.warmup.update(aid, warmup_enabled=False, total_warmup_per_day=12,
                                        reply_rate_percentage=40)
    assert sent(sandbox, "POST", "/warmup")[-1]["json"] == \
        {"warmup_enabled": False, "total_warmup_per_day": 12, "reply_rate_percentage": 40}
    details = client.email_accounts.get(aid)["warmup_details"]
    assert (details["status"], details["max_email_per_day"], details["reply_rate"]) == \
        ("INACTIVE", 12, 40)


def test_tags(client):
    accounts = client.email_accounts.list()
    tag = client.email_accounts.tags.save("EU senders", color="#3498db")
    assert tag["name"] == "EU senders" and isinstance(tag["id"], int)
    client.email_accounts.tags.add([accounts[0]["id"]], tag["id"])
    frame = client.email_accounts.tags.frame([accounts[0]["from_email"], accounts[1]["from_email"]])
    assert frame[["from_email", "tag_name"]].values.tolist() == \
        [[accounts[0]["from_email"], "EU senders"]]
    client.email_accounts.tags.remove(accounts[0]["id"], [tag["id"]])
    assert client.email_accounts.tags.frame(accounts[0]["from_email"]).empty
    assert client.email_accounts.tags.save("EU", tag_id=tag["id"])["name"] == "EU"


def test_reconnect_and_account_filters(client):
    assert [a["from_email"] for a in client.email_accounts.list(isSmtpSuccess=False)] == \
        ["sofia@demo-sender.example"]
    client.email_accounts.reconnect_failed()
    assert client.email_accounts.list(isSmtpSuccess=False) == []
    assert {a["type"] for a in client.email_accounts.list(esp="GMAIL")} == {"GMAIL"}


# -- newer campaign settings ------------------------------------------------------------------
def test_newer_settings_round_trip(client):
    cid = client.campaigns.create("Settings")["id"]
    settings = CampaignSettings(pause_domain_on_reply=True, domain_rate_limit=True,
                                bounce_autopause_threshold=5,
                                out_of_office={"ignoreOOOasReply": True,
                                               "reactivateOOOwithDelay": 3},
                                ai_categories=[1, 2], ignore_mailbox_sending_limit=False)
    client.campaigns.settings(cid, settings)
    back = CampaignSettings.from_campaign(client.campaigns.get(cid))
    assert (back.pause_domain_on_reply, back.domain_rate_limit, back.bounce_autopause_threshold,
            back.ai_categories) == (True, True, "5", [1, 2])
    assert back.out_of_office["reactivateOOOwithDelay"] == 3
    client.campaigns.settings(cid, {"auto_pause_domain_leads_on_reply": False,
                                    "ignore_ss_mailbox_sending_limit": True})
    campaign = client.campaigns.get(cid)
    assert campaign["auto_pause_domain_leads_on_reply"] is False
    assert campaign["ignore_ss_mailbox_sending_limit"] is True


@pytest.mark.parametrize("body, fragment", [
    ({"domain_level_rate_limit": "yes"}, "True or False"),
    ({"bounce_autopause_threshold": "ten"}, "whole number"),
    ({"out_of_office_detection_settings": "on"}, "must be a dict"),
    ({"ai_categorisation_options": 3}, "list of lead category ids"),
    ({"auto_pause_domain_lead_on_reply": True}, "did you mean"),
])
def test_bad_newer_settings_are_refused_before_sending(body, fragment):
    with pytest.raises(InputError, match=fragment):
        check_settings_payload(body)


def test_campaign_settings_refuse_a_bad_newer_value_at_once():
    with pytest.raises(InputError, match="auto_pause_domain_leads_on_reply must be True or False"):
        CampaignSettings(pause_domain_on_reply="yes")
