"""client.email_accounts and client.campaigns.email_accounts (resources/email_accounts.py): the
account's sender mailboxes, one at a time and all of them, their tags, a campaign's senders."""

import logging

import pytest

from smartlead_nb import ApiFailure, BadRequestError, InputError, NotFoundError

from ..helpers import sent


def test_list_pages_through_all_accounts(client, sandbox):
    everything = client.email_accounts.list()
    assert len(everything) >= 5
    sandbox.clear_requests()
    paged = client.email_accounts.list(page_size=2)
    assert [a["id"] for a in paged] == [a["id"] for a in everything]
    offsets = [int(r["query"]["offset"]) for r in sent(sandbox, "GET", "/email-accounts")]
    assert offsets == list(range(0, 2 * len(offsets), 2)) and len(offsets) >= len(everything) // 2


def test_passwords_never_leave_the_client(client):
    accounts = client.email_accounts.list()
    assert all("password" not in a and "imap_password" not in a for a in accounts)
    frame = client.email_accounts.frame()
    assert not {"password", "imap_password"} & set(frame.columns)
    assert "sandbox-mailbox-password" not in frame.to_string()
    assert {"is_smtp_success", "warmup_status", "message_per_day"} <= set(frame.columns)


def test_attach_and_detach(client, sandbox):
    cid = client.campaigns.create("Senders")["id"]
    healthy = [a["id"] for a in client.email_accounts.list() if a["is_smtp_success"] and a["is_imap_success"]]
    client.campaigns.email_accounts.add(cid, healthy[:2])
    assert sorted(a["id"] for a in client.campaigns.email_accounts.list(cid)) == sorted(healthy[:2])
    before = len(sent(sandbox))
    with pytest.raises(InputError, match=r"Removing sender accounts from campaign \d+ changes "
                                         r"who sends.*Nothing was sent.*confirm=True"):
        client.campaigns.email_accounts.remove(cid, [healthy[0]])
    assert len(sent(sandbox)) == before
    client.campaigns.email_accounts.remove(cid, [healthy[0]], confirm=True)
    assert [a["id"] for a in client.campaigns.email_accounts.list(cid)] == [healthy[1]]
    delete = sent(sandbox, "DELETE", "/email-accounts")[-1]
    assert delete["json"] == {"email_account_ids": [healthy[0]]}


def test_unhealthy_account_refused_by_server(client):
    cid = client.campaigns.create("Senders")["id"]
    broken = [a["id"] for a in client.email_accounts.list() if not a["is_smtp_success"]]
    assert broken, "the sandbox seeds one unhealthy account"
    with pytest.raises(BadRequestError, match=f"Email account id - {broken[0]} not allowed"):
        client.campaigns.email_accounts.add(cid, broken)
    assert client.campaigns.email_accounts.list(cid) == []


def test_bad_ids_refused_locally(client, sandbox):
    with pytest.raises(InputError):
        client.campaigns.email_accounts.add(1, [])
    with pytest.raises(InputError, match="email account id"):
        client.campaigns.email_accounts.add(1, ["x"])
    with pytest.raises(InputError):
        client.email_accounts.list(page_size=101)
    assert sent(sandbox) == []


def test_campaign_accounts_frame(client, ready_campaign):
    frame = client.campaigns.email_accounts.frame(ready_campaign)
    assert len(frame) == 2 and "password" not in frame.columns


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
