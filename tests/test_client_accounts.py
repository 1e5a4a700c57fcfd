import pytest

from smartlead_nb import BadRequestError, InputError

from .helpers import sent


def test_list_pages_through_all_accounts(client, sandbox):
    everything = client.list_email_accounts()
    assert len(everything) >= 5
    sandbox.clear_requests()
    paged = client.list_email_accounts(page_size=2)
    assert [a["id"] for a in paged] == [a["id"] for a in everything]
    offsets = [int(r["query"]["offset"]) for r in sent(sandbox, "GET", "/email-accounts")]
    assert offsets == list(range(0, 2 * len(offsets), 2)) and len(offsets) >= len(everything) // 2


def test_passwords_never_leave_the_client(client):
    accounts = client.list_email_accounts()
    assert all("password" not in a and "imap_password" not in a for a in accounts)
    frame = client.email_accounts_frame()
    assert not {"password", "imap_password"} & set(frame.columns)
    assert "sandbox-mailbox-password" not in frame.to_string()
    assert {"is_smtp_success", "warmup_status", "message_per_day"} <= set(frame.columns)


def test_attach_and_detach(client, sandbox):
    cid = client.create_campaign("Senders")["id"]
    healthy = [a["id"] for a in client.list_email_accounts() if a["is_smtp_success"] and a["is_imap_success"]]
    client.add_email_accounts(cid, healthy[:2])
    assert sorted(a["id"] for a in client.campaign_email_accounts(cid)) == sorted(healthy[:2])
    before = len(sent(sandbox))
    with pytest.raises(InputError, match=r"Removing sender accounts from campaign \d+ changes "
                                         r"who sends.*Nothing was sent.*confirm=True"):
        client.remove_email_accounts(cid, [healthy[0]])
    assert len(sent(sandbox)) == before
    client.remove_email_accounts(cid, [healthy[0]], confirm=True)
    assert [a["id"] for a in client.campaign_email_accounts(cid)] == [healthy[1]]
    delete = sent(sandbox, "DELETE", "/email-accounts")[-1]
    assert delete["json"] == {"email_account_ids": [healthy[0]]}


def test_unhealthy_account_refused_by_server(client):
    cid = client.create_campaign("Senders")["id"]
    broken = [a["id"] for a in client.list_email_accounts() if not a["is_smtp_success"]]
    assert broken, "the sandbox seeds one unhealthy account"
    with pytest.raises(BadRequestError, match=f"Email account id - {broken[0]} not allowed"):
        client.add_email_accounts(cid, broken)
    assert client.campaign_email_accounts(cid) == []


def test_bad_ids_refused_locally(client, sandbox):
    with pytest.raises(InputError):
        client.add_email_accounts(1, [])
    with pytest.raises(InputError, match="email account id"):
        client.add_email_accounts(1, ["x"])
    with pytest.raises(InputError):
        client.list_email_accounts(page_size=101)
    assert sent(sandbox) == []


def test_campaign_accounts_frame(client, ready_campaign):
    frame = client.campaign_email_accounts_frame(ready_campaign)
    assert len(frame) == 2 and "password" not in frame.columns
