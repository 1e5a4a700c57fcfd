"""Per-sender, per-lead and account-wide analytics routes: the figures agree with the
per-email statistics rows, and the parameters are refused as SmartLead refuses them."""
import pytest

from smartlead_nb.sandbox.analytics.models import POSITIVE_CATEGORIES

RANGE = {"start_date": "2025-06-01", "end_date": "2025-06-30"}   # covers every send below


@pytest.fixture
def two(sandbox, api):
    """Two campaigns sending for two weeks (from Monday 2 June 2025) from three mailboxes."""
    first = api.ready_campaign(n_leads=120, delays=(0, 2), accounts=3, name="First")
    second = api.ready_campaign(n_leads=60, delays=(0, 3), accounts=2, name="Second")
    sandbox.advance(days=14)
    return first, second


def rows(api, cid):
    return api.get(f"/campaigns/{cid}/statistics", params={"limit": 1000}).json()["data"]


def mailboxes(api, cid, **params):
    r = api.get(f"/campaigns/{cid}/mailbox-statistics", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def analytics(api, path, **params):
    r = api.get(f"/analytics/{path}", params={**RANGE, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True
    (value,) = body["data"].values()
    return value


# --- mailbox-statistics --------------------------------------------------------------------
def test_mailbox_counts_add_up_to_the_per_email_rows(api, two):
    cid = two[0]
    emails = rows(api, cid)
    boxes = mailboxes(api, cid)
    assert len(boxes) == 3 and all(isinstance(b["sent_count"], str) for b in boxes)
    total = {k: sum(int(b[k]) for b in boxes) for k in (
        "sent_count", "open_count", "click_count", "reply_count", "bounce_count",
        "unsubscribed_count")}
    assert total["sent_count"] == len(emails) > 0
    assert total["reply_count"] == sum(bool(e["reply_time"]) for e in emails) > 0
    assert total["bounce_count"] == sum(e["is_bounced"] for e in emails) > 0
    assert total["open_count"] == sum(e["open_count"] for e in emails)
    assert total["click_count"] == sum(e["click_count"] for e in emails)
    assert total["unsubscribed_count"] == sum(e["is_unsubscribed"] for e in emails)
    lifetime = api.get(f"/campaigns/{cid}/analytics").json()
    assert total["sent_count"] == int(lifetime["sent_count"])
    assert total["reply_count"] == int(lifetime["reply_count"])


def test_mailbox_dates_count_the_range_like_analytics_by_date(api, two):
    cid = two[0]
    day = {"start_date": "2025-06-04", "end_date": "2025-06-05"}
    boxes = mailboxes(api, cid, **day)
    by_date = api.get(f"/campaigns/{cid}/analytics-by-date", params=day).json()
    assert sum(int(b["sent_count"]) for b in boxes) == int(by_date["sent_count"]) > 0
    assert sum(int(b["reply_count"]) for b in boxes) == int(by_date["reply_count"])
    assert all(b["sent_time"] is None or b["sent_time"][:10] in ("2025-06-04", "2025-06-05")
               for b in boxes)


def test_a_detached_mailbox_keeps_its_row(api, two):
    cid = two[0]
    before = mailboxes(api, cid)
    gone = before[0]["email_account_id"]
    r = api.delete(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": [gone]})
    assert r.status_code == 200, r.text
    assert mailboxes(api, cid) == before


def test_mailbox_paging_and_refusals(api, sandbox):
    cid = api.ready_campaign(n_leads=20, accounts=5)
    sandbox.advance(days=2)
    pages = [mailboxes(api, cid, limit=2, offset=o) for o in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [b["email_account_id"] for p in pages for b in p] == \
        [b["email_account_id"] for b in mailboxes(api, cid)]
    url = f"/campaigns/{cid}/mailbox-statistics"
    for params, message in [
        ({"limit": 21}, '"limit" must be less than or equal to 20'),
        ({"limit": 0}, '"limit" must be greater than or equal to 1'),
        ({"limit": "x"}, '"limit" must be a number'),
        ({"start_date": "2025-06-01"},
         '"value" contains [start_date] without its required peers [end_date]'),
        ({"end_date": "2025-06-01"},
         '"value" contains [end_date] without its required peers [start_date]'),
        ({**RANGE, "time_zone": "Nowhere/City"}, "Invalid time_zone - Nowhere/City"),
    ]:
        r = api.get(url, params=params)
        assert (r.status_code, r.json()) == (400, {"error": message}), params
    assert api.get("/campaigns/999999/mailbox-statistics").status_code == 404


# --- leads-statistics ----------------------------------------------------------------------
def all_leads(api, cid, **params):
    out, offset = [], 0
    while True:
        r = api.get(f"/campaigns/{cid}/leads-statistics",
                    params={"limit": 50, "offset": offset, **params})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["skip"], body["limit"]) == (offset, 50)
        out += body["data"]
        if not body["hasMore"]:
            assert len(body["data"]) <= 50
            return out
        assert len(body["data"]) == 50
        offset += len(body["data"])


def test_leads_statistics_history_matches_the_per_email_rows(api, two):
    cid = two[0]
    leads = all_leads(api, cid)
    emails = rows(api, cid)
    assert len(leads) == len({e["lead_email"] for e in emails}) == 120
    assert all(isinstance(x["lead_id"], str) and isinstance(x["last_seq_num"], int)
               for x in leads)
    kinds = [h["type"] for x in leads for h in x["history"]]
    assert kinds.count("SENT") == len(emails)
    assert kinds.count("REPLY") == sum(bool(e["reply_time"]) for e in emails) > 0
    senders = {b["from_email"] for b in mailboxes(api, cid)}
    assert {x["from"] for x in leads} <= senders
    one = leads[0]["history"]
    assert [h["time"] for h in one] == sorted(h["time"] for h in one)


def test_event_time_gt_keeps_leads_with_a_later_event(api, sandbox, two):
    cid = two[0]
    later = all_leads(api, cid, event_time_gt="2025-06-05")
    assert 0 < len(later) < 120
    for lead in later:
        assert max(h["time"] for h in lead["history"]) > "2025-06-05"
    assert all_leads(api, cid, event_time_gt="2030-01-01") == []


def test_leads_statistics_refuses_more_than_100(api, two):
    url = f"/campaigns/{two[0]}/leads-statistics"
    r = api.get(url, params={"limit": 101})
    assert (r.status_code, r.json()) == (400, {"error": '"limit" must be less than or equal to 100'})
    assert api.get(url, params={"limit": 100}).json()["limit"] == 100
    assert api.get(url, params={"event_time_gt": "soon"}).status_code == 400


# --- top-level-analytics-by-date -----------------------------------------------------------
def test_top_level_analytics_wraps_analytics_by_date(api, two):
    cid = two[0]
    url = f"/campaigns/{cid}/top-level-analytics-by-date"
    body = api.get(url, params=RANGE).json()
    assert body["ok"] is True
    assert body["data"] == api.get(f"/campaigns/{cid}/analytics-by-date", params=RANGE).json()
    r = api.get(url, params={"end_date": "2025-06-30"})
    assert (r.status_code, r.json()) == (400, {"error": '"start_date" is required'})
    assert api.get(url, params={"start_date": "2025-06-01"}).status_code == 400


# --- /analytics/* --------------------------------------------------------------------------
def test_day_wise_totals_add_up_to_the_overall_figures(api, two):
    overall = analytics(api, "overall-stats-v2")
    days = analytics(api, "day-wise-overall-stats")
    assert [d["date"] for d in days][:2] == ["2025-06-01", "2025-06-02"] and len(days) == 30
    for key in ("sent", "opened", "replied", "bounced"):
        assert sum(d[key] for d in days) == overall[key], key
    everything = sum(len(rows(api, cid)) for cid in two)
    assert overall["sent"] == everything > 0
    # A timezone moves sends between days but not out of a range that covers them all.
    tokyo = analytics(api, "day-wise-overall-stats", timezone="Asia/Tokyo")
    assert sum(d["sent"] for d in tokyo) == everything
    assert [d["sent"] for d in tokyo] != [d["sent"] for d in days]


def test_overall_stats_fields_and_rates(api, two):
    overall = analytics(api, "overall-stats-v2")
    emails = [e for cid in two for e in rows(api, cid)]
    assert overall["unique_lead_count"] == 180
    assert overall["positive_replied"] == sum(
        bool(e["reply_time"]) and e["lead_category"] in POSITIVE_CATEGORIES for e in emails) > 0
    assert all(isinstance(overall[k], int) for k in ("sent", "opened", "replied", "bounced"))
    expected = round(100 * overall["bounced"] / overall["sent"], 2)
    assert overall["bounce_rate"] == f"{expected:g}%"
    assert all(overall[k].endswith("%") for k in ("open_rate", "reply_rate",
                                                   "positive_reply_rate"))


def test_campaign_overall_stats_agree_with_campaign_analytics(api, two):
    table = analytics(api, "campaign/overall-stats")
    assert [r["id"] for r in table] == list(two)
    assert [r["campaign_name"] for r in table] == ["First", "Second"]
    overall = analytics(api, "overall-stats-v2")
    for key in ("sent", "opened", "replied", "bounced", "positive_replied"):
        assert sum(r[key] for r in table) == overall[key], key
    for row in table:
        by_date = api.get(f"/campaigns/{row['id']}/analytics-by-date", params=RANGE).json()
        lifetime = api.get(f"/campaigns/{row['id']}/analytics").json()
        assert row["sent"] == int(by_date["sent_count"]) == int(lifetime["sent_count"])
        assert row["replied"] == int(by_date["reply_count"])
        assert row["opened"] == int(by_date["open_count"])
        assert row["bounced"] == int(by_date["bounce_count"])
        assert row["unique_open_count"] == int(by_date["unique_open_count"])
    only = analytics(api, "campaign/overall-stats", campaign_ids=f"{two[1]}")
    assert [r["id"] for r in only] == [two[1]]
    both = analytics(api, "overall-stats-v2", campaign_ids=f"{two[0]},{two[1]}")
    assert both == overall
    page = analytics(api, "campaign/overall-stats", limit="1", offset="1")
    assert [r["id"] for r in page] == [two[1]]


def test_mailbox_health_and_categories_agree(api, two):
    overall = analytics(api, "overall-stats-v2")
    health = analytics(api, "mailbox/name-wise-health-metrics")
    assert sum(h["sent"] for h in health) == overall["sent"]
    assert sum(h["bounced"] for h in health) == overall["bounced"]
    assert all(h["bounced"] for h in analytics(api, "mailbox/name-wise-health-metrics",
                                                is_bounced="true"))
    categories = analytics(api, "lead/category-wise-response")
    assert sum(c["total_response"] for c in categories) == overall["replied"]
    assert {c["category"] for c in categories} >= set(POSITIVE_CATEGORIES)
    assert sum(c["total_response"] for c in categories
               if c["category"] in POSITIVE_CATEGORIES) == overall["positive_replied"]


def test_campaign_list_needs_no_dates(api, two):
    r = api.get("/analytics/campaign/list", params={"timezone": "UTC"})
    assert r.json() == {"ok": True, "data": {"campaign_list": [
        {"id": two[0], "name": "First"}, {"id": two[1], "name": "Second"}]}}


@pytest.mark.parametrize("path", ["overall-stats-v2", "campaign/overall-stats",
                                  "day-wise-overall-stats", "lead/category-wise-response",
                                  "mailbox/name-wise-health-metrics"])
def test_account_wide_refusals(api, path):
    url = f"/analytics/{path}"
    r = api.get(url, params={"end_date": "2025-06-30", "timezone": "UTC"})
    assert (r.status_code, r.json()) == (400, {"error": '"start_date" is required'})
    r = api.get(url, params={"start_date": "2025-06-01", "timezone": "UTC"})
    assert (r.status_code, r.json()) == (400, {"error": '"end_date" is required'})
    r = api.get(url, params={**RANGE, "timezone": "Mars/Base"})
    assert (r.status_code, r.json()) == (400, {"error": "Invalid timezone - Mars/Base"})
    assert api.get(url, params={**RANGE, "campaign_ids": "1,x"}).status_code == 400
    # unknown optional flags are accepted and ignored
    assert api.get(url, params={**RANGE, "full_data": "true", "is_agency": "false"}).ok
