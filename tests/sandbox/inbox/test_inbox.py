"""The master inbox in the sandbox: contents agree with the per-email
statistics, every filter, Joi-style validation, shapes."""
from datetime import timedelta

import pytest

from tests.helpers.sandbox import START

REPLIES = "/master-inbox/inbox-replies"


@pytest.fixture
def two(sandbox, api):
    """Two campaigns that have been sending for ten days; their campaign ids."""
    a = api.ready_campaign(n_leads=120, accounts=3, name="Inbox A")
    b = api.ready_campaign(n_leads=80, accounts=2, name="Inbox B", domain="example.org")
    sandbox.advance(days=10)
    return a, b


def every_row(api, view="inbox-replies", params=None, **body):
    rows, offset = [], 0
    while True:
        r = api.post(f"/master-inbox/{view}", params=params, json={**body, "offset": offset})
        assert r.status_code == 200, r.text
        page = r.json()["data"]
        rows += page
        if len(page) < r.json()["limit"]:
            return rows
        offset += len(page)


def replied(api, cid):
    """(campaign, lead email) of every reply the per-email statistics show."""
    rows = api.get(f"/campaigns/{cid}/statistics",
                   params={"email_status": "replied", "limit": 1000}).json()["data"]
    return {(cid, r["lead_email"]) for r in rows}


def keys(rows):
    return {(r["email_campaign_id"], r["lead_email"]) for r in rows}


def test_inbox_holds_exactly_the_leads_with_a_reply(sandbox, api):
    a = api.ready_campaign(n_leads=120, accounts=3, name="Inbox A")
    b = api.ready_campaign(n_leads=80, accounts=2, name="Inbox B", domain="example.org")
    seen = 0
    # At each point of the clock: replies drawn for later are hidden, like every statistic.
    for days in (2, 3, 6):
        sandbox.advance(days=days)
        truth = replied(api, a) | replied(api, b)
        rows = every_row(api)
        assert keys(rows) == truth and len(rows) == len(truth) > seen
        assert all(r["has_new_unread_email"] and r["last_reply_time"] for r in rows)
        seen = len(rows)
    assert seen > 20


def test_shape_a_rows_and_default_page(api, two):
    body = api.post(REPLIES, json={}).json()
    assert set(body) == {"ok", "offset", "limit", "data"} and body["ok"] is True
    assert (body["offset"], body["limit"], len(body["data"])) == (0, 20, 20)
    row = body["data"][0]
    for field in ("email_lead_map_id", "email_lead_id", "email_campaign_id",
                  "email_campaign_name", "email_account_id", "lead_email", "lead_first_name",
                  "lead_last_name", "lead_status", "lead_category_id", "last_sent_time",
                  "last_reply_time", "has_new_unread_email", "is_important", "is_archived",
                  "is_snoozed", "team_member_id", "revenue"):
        assert field in row
    assert "history" not in row                 # only with fetch_message_history=true
    times = [r["last_reply_time"] for r in body["data"]]
    assert times == sorted(times, reverse=True)         # REPLY_TIME_DESC by default


def test_pages_do_not_overlap(api, two):
    first = api.post(REPLIES, json={"limit": 7}).json()["data"]
    second = api.post(REPLIES, json={"limit": 7, "offset": 7}).json()["data"]
    whole = api.post(REPLIES, json={"limit": 14}).json()["data"]
    assert first + second == whole


def test_views(api, two):
    replies = every_row(api)
    assert every_row(api, "unread-replies") == replies        # nothing is ever marked read
    sent = every_row(api, "sent")
    assert keys(replies) < keys(sent)
    assert any(r["last_reply_time"] is None and not r["has_new_unread_email"] for r in sent)
    for view in ("important", "snoozed", "scheduled", "reminders", "archived", "assigned-me",
                 "views"):
        assert api.post(f"/master-inbox/{view}", json={}).json()["data"] == []


def test_campaign_and_account_filters(api, two):
    a, b = two
    only_b = every_row(api, filters={"campaignId": b})
    assert keys(only_b) == replied(api, b)
    assert keys(every_row(api, filters={"campaignId": [a, b]})) == keys(every_row(api))
    rows = every_row(api)
    account = rows[0]["email_account_id"]
    mine = every_row(api, filters={"emailAccountId": [account]})
    assert mine and {r["email_lead_map_id"] for r in mine} == \
        {r["email_lead_map_id"] for r in rows if r["email_account_id"] == account}


def test_category_filters(api, two):
    rows = every_row(api)
    interested = api.get("/leads/fetch-categories").json()[0]["id"]
    chosen = every_row(api, filters={"leadCategories": {"categoryIdsIn": [interested]}})
    assert chosen and all(r["lead_category_id"] == interested for r in chosen)
    assert len(chosen) == sum(r["lead_category_id"] == interested for r in rows)
    others = every_row(api, filters={"leadCategories": {"categoryIdsNotIn": [interested]}})
    assert len(others) + len(chosen) == len(rows)
    none = every_row(api, filters={"leadCategories": {"unassigned": True}})
    some = every_row(api, filters={"leadCategories": {"isAssigned": True}})
    assert none and some and len(none) + len(some) == len(rows)
    assert all(r["lead_category_id"] is None for r in none)


def test_search_status_and_reply_window(api, two):
    a, b = two
    assert keys(every_row(api, filters={"search": "EXAMPLE.ORG"})) == replied(api, b)
    one = every_row(api)[3]
    found = every_row(api, filters={"search": one["lead_email"].split("@")[0] + "@"})
    assert one["email_lead_map_id"] in {r["email_lead_map_id"] for r in found}
    sent = every_row(api, "sent")
    assert keys(every_row(api, "sent", filters={"emailStatus": "Replied"})) == keys(every_row(api))
    not_replied = every_row(api, "sent", filters={"emailStatus": ["Not Replied"]})
    assert len(not_replied) + len(every_row(api)) == len(sent)
    either = every_row(api, "sent", filters={"emailStatus": ["Replied", "Bounced"]})
    assert keys(every_row(api)) < keys(either) <= keys(sent)
    lo, hi = (START + timedelta(days=3)).isoformat(), (START + timedelta(days=5)).isoformat()
    window = every_row(api, filters={"replyTimeBetween": [lo, hi]})
    expected = [r for r in every_row(api) if lo[:19] <= r["last_reply_time"][:19] <= hi[:19]]
    assert window and len(window) == len(expected)


def test_sort_by_sent_time(api, two):
    rows = every_row(api, sortBy="SENT_TIME_DESC")
    times = [r["last_sent_time"] for r in rows]
    assert times == sorted(times, reverse=True) and len(rows) == len(every_row(api))


def test_client_filter(api, sandbox):
    cid = api.create("Client campaign", client_id=77)
    steps = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "Hi",
              "email_body": "<p>Hello</p>"}]
    assert api.post(f"/campaigns/{cid}/sequences", json={"sequences": steps}).ok
    assert api.post(f"/campaigns/{cid}/email-accounts",
                    json={"email_account_ids": api.healthy_account_ids()[:2]}).ok
    api.add_leads(cid, [{"email": f"c{i}@client.example"} for i in range(80)])
    assert api.post(f"/campaigns/{cid}/status", json={"status": "START"}).ok
    api.ready_campaign(n_leads=40, name="No client")
    sandbox.advance(days=8)
    assert replied(api, cid)
    assert keys(every_row(api, filters={"campaignClientId": [77]})) == replied(api, cid)
    assert every_row(api, filters={"campaignClientId": [78]}) == []
    assert every_row(api, filters={"campaignTagId": [1]}) == []     # no tags in the sandbox


@pytest.mark.parametrize("view, body, message", [
    ("inbox-replies", {"limit": 21}, '"limit" must be less than or equal to 20'),
    ("inbox-replies", {"limit": 0}, '"limit" must be greater than or equal to 1'),
    ("inbox-replies", {"offset": -1}, '"offset" must be greater than or equal to 0'),
    ("inbox-replies", {"limit": "20"}, '"limit" must be a number'),
    ("inbox-replies", {"page": 1}, '"page" is not allowed'),
    ("inbox-replies", {"sortBy": "NEWEST"}, '"sortBy" must be one of'),
    ("inbox-replies", {"filters": {"campaignId": [1, 2, 3, 4, 5, 6]}},
     '"filters.campaignId" must contain less than or equal to 5 items'),
    ("inbox-replies", {"filters": {"emailAccountId": list(range(1, 22))}},
     '"filters.emailAccountId" must contain less than or equal to 20 items'),
    ("unread-replies", {"filters": {"emailAccountId": list(range(1, 12))}},
     '"filters.emailAccountId" must contain less than or equal to 10 items'),
    ("inbox-replies", {"filters": {"campaignId": "7"}}, '"filters.campaignId" must be one of'),
    ("inbox-replies", {"filters": {"search": "x" * 31}}, '"filters.search" length must be'),
    ("inbox-replies", {"filters": {"emailStatus": "replied"}}, '"filters.emailStatus" must be'),
    ("inbox-replies", {"filters": {"leadCategories": {"categoryIdsIn": list(range(11))}}},
     '"filters.leadCategories.categoryIdsIn" must contain less than or equal to 10 items'),
    ("inbox-replies", {"filters": {"leadCategories": {"color": 1}}},
     '"filters.leadCategories.color" is not allowed'),
    ("inbox-replies", {"filters": {"replyTimeBetween": ["2025-06-01T00:00:00.000Z"]}},
     '"filters.replyTimeBetween" must be an array of 2'),
    ("inbox-replies", {"filters": {"replyTimeBetween": ["yesterday", "today"]}},
     '"filters.replyTimeBetween[0]" must be a valid ISO 8601 date'),
    ("sent", {"filters": {"campaign": 1}}, '"filters.campaign" is not allowed'),
])
def test_validation(api, view, body, message):
    r = api.post(f"/master-inbox/{view}", json=body)
    assert r.status_code == 400 and message in r.json()["error"], r.text


def test_bad_fetch_message_history_flag(api):
    r = api.post(REPLIES, params={"fetch_message_history": "maybe"}, json={})
    assert r.status_code == 400 and "fetch_message_history" in r.json()["error"]


def test_rows_carry_the_thread_that_message_history_shows(api, two):
    rows = api.post(REPLIES, params={"fetch_message_history": "true"},
                    json={"limit": 5}).json()["data"]
    assert len(rows) == 5
    for row in rows:
        history = api.get(f"/campaigns/{row['email_campaign_id']}/leads/"
                          f"{row['email_lead_id']}/message-history").json()["history"]
        assert row["history"] == history
        reply = [item for item in row["history"] if item["type"] == "REPLY"]
        assert reply and reply[-1]["time"] == row["last_reply_time"] and reply[-1]["email_body"]


def test_one_thread_and_its_404(api, two):
    row = api.post(REPLIES, json={"limit": 1}).json()["data"][0]
    r = api.get(f"/master-inbox/{row['email_lead_map_id']}")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True
    data = body["data"]
    assert {k: data[k] for k in row} == row and any(h["type"] == "REPLY" for h in data["history"])
    missing = api.get("/master-inbox/123")
    assert missing.status_code == 404 and missing.json() == {"error": "Lead not found"}


def test_untracked_replies(api):
    body = api.get("/master-inbox/untracked-replies", params={"limit": 50}).json()
    assert body["ok"] is True and body["data"]["data"]["replies"] == []
    assert api.get("/master-inbox/untracked-replies", params={"limit": 101}).status_code == 422
