"""Sender mailboxes over real HTTP: get one, save (create or update), update, warm-up
settings and ranges, tags, and the reconnect of failed logins."""
import pytest


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
