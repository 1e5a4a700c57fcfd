"""Block list, agency clients and sender mailboxes [more-facts 3.1-3.4, 3.6, 5.1, 5.2],
written from the facts sheet's Rec lines, over real HTTP."""
import sqlite3

import pytest

from smartlead_nb.sandbox import Sandbox
from smartlead_nb.sandbox.store import Store

from ..helpers.sandbox import Api


# -- block list -------------------------------------------------------------------------------
def test_block_list_is_a_bare_array_of_the_seeded_entries(api):
    entries = api.get("/leads/get-domain-block-list").json()
    assert isinstance(entries, list)
    assert [e["email_or_domain"] for e in entries] == ["blocked.example",
                                                       "do-not-email@example.com"]
    assert set(entries[0]) == {"id", "email_or_domain", "created_at", "source", "client_id"}


def test_block_list_pages_and_filters(api):
    r = api.post("/leads/add-domain-block-list",
                 json={"domain_block_list": ["a@one.example", "two.example", "A@ONE.example"]})
    assert r.status_code == 200 and r.json() == {"ok": True,
                                                 "message": "2 entries added to block list"}
    everything = api.get("/leads/get-domain-block-list").json()
    assert len(everything) == 4
    page = api.get("/leads/get-domain-block-list", params={"offset": 1, "limit": 2}).json()
    assert page == everything[1:3]
    found = api.get("/leads/get-domain-block-list",
                    params={"filter_email_or_domain": "one.exa"}).json()
    assert [e["email_or_domain"] for e in found] == ["a@one.example"]
    for bad in ({"limit": 1001}, {"limit": 0}, {"offset": -1}):
        assert api.get("/leads/get-domain-block-list", params=bad).status_code == 422


@pytest.mark.parametrize("body, fragment", [
    ({"domain_block_list": []}, '"domain_block_list" must be a non-empty array'),
    ({"domain_block_list": ["ok.example", "  "]}, '"domain_block_list[1]" is not allowed to be empty'),
    ({"domain_block_list": [3]}, '"domain_block_list[0]" must be a string'),
    ({"domain_block_list": ["x.example"], "client_id": 424242}, "Client not found"),
    ({"emails": ["x@y.example"]}, '"emails" is not allowed'),
])
def test_block_list_add_refusals(api, body, fragment):
    r = api.post("/leads/add-domain-block-list", json=body)
    assert r.status_code in (400, 404) and fragment in r.json()["error"]
    assert len(api.get("/leads/get-domain-block-list").json()) == 2


def test_the_api_block_list_is_the_list_imports_check(api):
    cid = api.create()
    api.post("/leads/add-domain-block-list", json={"domain_block_list": ["new-block.example"]})
    body = api.add_leads(cid, [{"email": "ana@new-block.example"},
                               {"email": "x@blocked.example"}, {"email": "ok@fine.example"}])
    assert (body["block_count"], body["upload_count"]) == (2, 1)
    # Deleting the seeded domain's entry lets its addresses in again.
    seeded = next(e for e in api.get("/leads/get-domain-block-list").json()
                  if e["email_or_domain"] == "blocked.example")
    assert api.delete("/leads/delete-domain-block-list",
                      params={"id": seeded["id"]}).json() == {"ok": True}
    body = api.add_leads(cid, [{"email": "x@blocked.example"}])
    assert (body["block_count"], body["upload_count"]) == (0, 1)


def test_sandbox_control_adds_to_the_same_list(sandbox, api):
    sandbox.add_to_block_list("vip@example.org")
    assert "vip@example.org" in [e["email_or_domain"]
                                 for e in api.get("/leads/get-domain-block-list").json()]


def test_block_list_delete_needs_a_known_id_in_the_query(api):
    assert api.delete("/leads/delete-domain-block-list").status_code == 400
    r = api.delete("/leads/delete-domain-block-list", params={"id": 99})
    assert r.status_code == 404 and "not found" in r.json()["error"]


# -- sender mailboxes -------------------------------------------------------------------------
NEW_MAILBOX = {"from_name": "Nora", "from_email": "nora@send.example", "user_name": "nora",
               "password": "s3cret-smtp", "smtp_host": "smtp.send.example", "smtp_port": 587,
               "imap_host": "imap.send.example", "imap_port": 993, "warmup_enabled": True,
               "total_warmup_per_day": 20}


def test_get_one_returns_passwords_and_a_numeric_reputation(api):
    first = api.get("/email-accounts/").json()[0]
    assert first["warmup_details"]["warmup_reputation"] == "100%"
    one = api.get(f"/email-accounts/{first['id']}/").json()
    assert one["password"] == "sandbox-mailbox-password"
    assert one["warmup_details"]["warmup_reputation"] == 100
    assert one["tags"] == []
    assert api.get("/email-accounts/424242/").status_code == 404


def test_save_creates_then_refuses_a_duplicate(api):
    r = api.post("/email-accounts/save", json=NEW_MAILBOX).json()
    assert r["ok"] is True and isinstance(r["emailAccountId"], int) and r["warmupKey"]
    one = api.get(f"/email-accounts/{r['emailAccountId']}/").json()
    assert one["from_email"] == "nora@send.example" and one["is_smtp_success"] is True
    assert one["warmup_details"]["status"] == "ACTIVE"
    again = api.post("/email-accounts/save", json=NEW_MAILBOX)
    assert again.status_code == 200
    assert again.json()["ok"] is False and again.json()["errorCode"] == "ACCOUNT_ALREADY_EXIST"
    assert again.json()["emailAccountId"] == r["emailAccountId"]
    updated = api.post("/email-accounts/save",
                       json=dict(NEW_MAILBOX, id=r["emailAccountId"], from_name="Nora B")).json()
    assert updated["ok"] is True
    assert api.get(f"/email-accounts/{r['emailAccountId']}/").json()["from_name"] == "Nora B"


def test_save_with_failing_host_and_missing_fields(api):
    r = api.post("/email-accounts/save",
                 json=dict(NEW_MAILBOX, from_email="bad@send.example", smtp_host="fail.invalid"))
    one = api.get(f"/email-accounts/{r.json()['emailAccountId']}/").json()
    assert one["is_smtp_success"] is False and one["smtp_failure_error"]
    missing = dict(NEW_MAILBOX)
    del missing["password"]
    r = api.post("/email-accounts/save", json=missing)
    assert r.status_code == 400 and r.json() == {"error": '"password" is required'}


def test_update_accepts_only_the_documented_keys(api):
    aid = api.get("/email-accounts/").json()[0]["id"]
    r = api.post(f"/email-accounts/{aid}", json={"from_name": "Maya C.", "max_email_per_day": 25})
    assert r.json() == {"ok": True, "message": "Email account updated successfully"}
    one = api.get(f"/email-accounts/{aid}/").json()
    assert (one["from_name"], one["message_per_day"]) == ("Maya C.", 25)
    r = api.post(f"/email-accounts/{aid}", json={"smtp_host": "x"})
    assert r.status_code == 400 and r.json() == {"error": '"smtp_host" is not allowed'}
    assert api.post("/email-accounts/424242", json={"from_name": "x"}).status_code == 404


@pytest.mark.parametrize("field, value, message", [
    ("total_warmup_per_day", 51, '"total_warmup_per_day" must be less than or equal to 50'),
    ("total_warmup_per_day", 0, '"total_warmup_per_day" must be greater than or equal to 1'),
    ("daily_rampup", 21, '"daily_rampup" must be less than or equal to 20'),
    ("daily_rampup", 4, '"daily_rampup" must be greater than or equal to 5'),
    ("reply_rate_percentage", 19, '"reply_rate_percentage" must be greater than or equal to 20'),
    ("reply_rate_percentage", 101, '"reply_rate_percentage" must be less than or equal to 100'),
])
def test_warmup_ranges(api, field, value, message):
    aid = api.get("/email-accounts/").json()[0]["id"]
    r = api.post(f"/email-accounts/{aid}/warmup", json={"warmup_enabled": True, field: value})
    assert r.status_code == 400 and r.json() == {"error": message}


def test_warmup_settings_are_reflected(api):
    aid = api.get("/email-accounts/").json()[0]["id"]
    assert api.post(f"/email-accounts/{aid}/warmup", json={"total_warmup_per_day": 10}
                    ).json() == {"error": '"warmup_enabled" is required'}
    r = api.post(f"/email-accounts/{aid}/warmup",
                 json={"warmup_enabled": False, "total_warmup_per_day": 10,
                       "reply_rate_percentage": "40", "daily_rampup": 5})
    assert r.json()["ok"] is True
    details = api.get(f"/email-accounts/{aid}/").json()["warmup_details"]
    assert (details["status"], details["max_email_per_day"], details["reply_rate"]) == \
        ("INACTIVE", 10, 40)


def test_tags_create_map_list_and_unmap(api):
    accounts = api.get("/email-accounts/").json()
    tag = api.post("/email-accounts/tag-manager", json={"name": "EU", "color": "#00f"}).json()
    tid = tag["data"]["id"]
    ids = [accounts[0]["id"], accounts[1]["id"]]
    assert api.post("/email-accounts/tag-mapping",
                    json={"email_account_ids": ids, "tag_ids": [tid]}).json()["ok"]
    one = api.get(f"/email-accounts/{ids[0]}/").json()
    assert one["tags"] == [{"id": tid, "name": "EU", "color": "#00f"}]
    listed = api.post("/email-accounts/tag-list",
                      json={"email_ids": [accounts[1]["from_email"]]}).json()["data"]
    assert listed[0]["tags"][0]["name"] == "EU"
    api.delete("/email-accounts/tag-mapping", json={"email_account_ids": ids, "tag_ids": [tid]})
    assert api.get(f"/email-accounts/{ids[0]}/").json()["tags"] == []


def test_reconnect_heals_failed_logins(api):
    r = api.post("/email-accounts/reconnect-failed-email-accounts", json={})
    assert r.json() == {"ok": True, "message": "Reconnect initiated"}
    assert all(a["is_smtp_success"] for a in api.get("/email-accounts/").json())


def test_a_file_from_before_the_block_list_table_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite3"
    Store(path).close()
    old = sqlite3.connect(path)        # make it look like a file written before issue 14
    for table in ("block_list", "clients", "client_api_keys", "account_tags", "account_tag_map"):
        old.execute(f"DROP TABLE {table}")
    old.execute("ALTER TABLE campaigns DROP COLUMN extra_settings")
    old.execute("INSERT INTO suppressions VALUES ('block', 'legacy.example')")
    old.commit()
    old.close()
    with Sandbox(db_path=path, rate_limits=None) as sb:
        api_ = Api(sb)
        values = [e["email_or_domain"] for e in api_.get("/leads/get-domain-block-list").json()]
        assert set(values) == {"blocked.example", "do-not-email@example.com", "legacy.example"}
        cid = api_.create()
        assert api_.get(f"/campaigns/{cid}").json()["domain_level_rate_limit"] is False
