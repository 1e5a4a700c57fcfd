"""Warm-up figures of a sender account: the last seven days, repeatable, following the clock
and the account's settings."""
from datetime import timedelta

from tests.helpers.sandbox import START


def accounts(api):
    return {a["from_email"]: a for a in api.get("/email-accounts/").json()}


def test_warmup_stats_shape_a(sandbox, api):
    maya = accounts(api)["maya@demo-sender.example"]
    body = api.get(f"/email-accounts/{maya['id']}/warmup-stats").json()
    assert body["id"] == maya["id"]
    for key in ("sent_count", "spam_count", "inbox_count", "warmup_email_received_count"):
        assert isinstance(body[key], str)
    days = body["stats_by_date"]
    assert [d["date"] for d in days] == [
        (START.date() - timedelta(days=back)).isoformat() for back in range(6, -1, -1)]
    assert int(body["sent_count"]) == sum(d["sent_count"] for d in days) > 0
    assert int(body["inbox_count"]) == int(body["sent_count"]) - int(body["spam_count"])
    assert all(d["reply_count"] <= d["sent_count"] for d in days)
    assert {"id", "date", "sent_count", "reply_count", "save_from_spam_count"} == set(days[0])


def test_warmup_stats_are_deterministic_and_follow_the_clock(sandbox, api):
    maya = accounts(api)["maya@demo-sender.example"]["id"]
    url = f"/email-accounts/{maya}/warmup-stats"
    first = api.get(url).json()
    assert api.get(url).json() == first
    sandbox.advance(days=2)
    later = api.get(url).json()["stats_by_date"]
    assert later[-1]["date"] == (START.date() + timedelta(days=2)).isoformat()
    assert later[:5] == first["stats_by_date"][2:]          # a day keeps its numbers


def test_warmup_stats_follow_the_settings(api):
    by_email = accounts(api)
    inactive = by_email["lucas@demo-sender.example"]["id"]         # warm-up INACTIVE
    broken = by_email["sofia@demo-sender.example"]["id"]           # SMTP fails
    for aid in (inactive, broken):
        body = api.get(f"/email-accounts/{aid}/warmup-stats").json()
        assert body["sent_count"] == "0" and len(body["stats_by_date"]) == 7


def test_warmup_stats_unknown_account(api):
    r = api.get("/email-accounts/3999/warmup-stats")
    assert r.status_code == 404 and "email_account_id" in r.json()["error"]
