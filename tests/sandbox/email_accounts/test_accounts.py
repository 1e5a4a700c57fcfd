"""Seeded sender accounts, pagination, attaching and detaching."""
import json


def test_seeded_accounts_include_one_broken_and_one_cold(api):
    accounts = api.get("/email-accounts/").json()
    assert len(accounts) == 6
    broken = [a for a in accounts if not a["is_smtp_success"]]
    assert len(broken) == 1 and broken[0]["smtp_failure_error"]
    assert sum(a["warmup_details"]["status"] == "INACTIVE" for a in accounts) == 1
    assert all(a["password"] == "sandbox-mailbox-password" for a in accounts)
    assert all(a["from_email"].endswith("@demo-sender.example") for a in accounts)


def test_pagination_and_limit_bounds(api):
    all_ids = [a["id"] for a in api.get("/email-accounts/").json()]
    page = api.get("/email-accounts/", params={"offset": 2, "limit": 3}).json()
    assert [a["id"] for a in page] == all_ids[2:5]
    for params in ({"limit": 101}, {"offset": -1}, {"limit": "ten"}):
        r = api.get("/email-accounts/", params=params)
        assert r.status_code == 422
        assert r.json()["error"] == "Invalid parameters provided"


def test_attach_list_and_detach(api):
    cid = api.create()
    ids = api.healthy_account_ids()[:2]
    r = api.post(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": ids})
    body = r.json()
    assert body["ok"] is True
    assert [(m["email_campaign_id"], m["email_account_id"]) for m in body["result"]] == \
        [(cid, ids[0]), (cid, ids[1])]
    assert [a["id"] for a in api.get(f"/campaigns/{cid}/email-accounts").json()] == ids
    r = api.delete(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": [ids[0]]})
    assert r.json() == {"ok": True, "result": 1}
    assert [a["id"] for a in api.get(f"/campaigns/{cid}/email-accounts").json()] == [ids[1]]


def test_unhealthy_or_unknown_account_is_refused_and_nothing_attached(api):
    cid = api.create()
    broken = next(a["id"] for a in api.get("/email-accounts/").json()
                  if not a["is_smtp_success"])
    good = api.healthy_account_ids()[0]
    for bad in (broken, 424242):
        r = api.post(f"/campaigns/{cid}/email-accounts",
                     json={"email_account_ids": [good, bad]})
        assert r.status_code == 400
        assert r.json() == {"error": f"Email account id - {bad} not allowed. Permission Error."}
    assert api.get(f"/campaigns/{cid}/email-accounts").json() == []


def test_last_account_of_active_campaign_cannot_be_removed(api):
    cid = api.ready_campaign(accounts=1)
    only = api.get(f"/campaigns/{cid}/email-accounts").json()[0]["id"]
    r = api.delete(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": [only]})
    assert r.status_code == 400 and "last email account" in r.json()["error"]
    assert len(api.get(f"/campaigns/{cid}/email-accounts").json()) == 1


def test_campaign_count_follows_attachments(api):
    a, b = api.create("a"), api.create("b")
    acc = api.healthy_account_ids()[0]
    for cid in (a, b):
        api.post(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": [acc]})
    one = api.get(f"/email-accounts/{acc}", params={"fetch_campaigns": "true"}).json()
    assert one["campaign_count"] == 2 and one["campaign_ids"] == [a, b]
    assert json.dumps(one)  # plain JSON all the way down
