import pytest

from smartlead_nb import BadRequestError, InputError

from .helpers import sent


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
