"""The per-sender, per-lead and account-wide analytics methods against the sandbox over HTTP:
paging to the documented maxima, parameters as the Rec lines say, typed frames whose sums
agree with the per-email statistics."""
import doctest
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from smartlead_nb import InputError, SmartleadClient
from smartlead_nb.errors import UnexpectedResponse
from smartlead_nb.resources import analytics

from tests.helpers import FAST_RETRIES, sent

JANUARY = ("2025-01-01", "2025-01-31")


@pytest.fixture
def sending(client, sandbox, ready_campaign):
    """The 30-lead campaign of conftest, sending for ten days from Monday 6 January 2025."""
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=10)
    return ready_campaign


# --- mailbox-statistics --------------------------------------------------------------------
def test_mailbox_frame_adds_up_to_the_statistics_rows(client, sending):
    boxes = client.statistics.mailboxes.frame(sending)
    stats = client.statistics.frame(sending)
    assert len(boxes) == 2 and boxes["from_email"].str.contains("@").all()
    for col in ("email_account_id", "sent_count", "reply_count", "bounce_count"):
        assert str(boxes[col].dtype) == "Int64", col
    assert str(boxes["sent_time"].dt.tz) == "UTC"
    assert boxes["sent_count"].sum() == len(stats) > 0
    assert boxes["reply_count"].sum() == stats["reply_time"].notna().sum()
    assert boxes["bounce_count"].sum() == stats["is_bounced"].sum()


def test_mailbox_statistics_pages_by_20_until_a_short_page(client, sandbox):
    cid = client.campaigns.create("Many senders")["id"]
    # 25 healthy mailboxes attached: the sandbox seeds six (five healthy) and has no route
    # that creates one, so the other twenty are copies of a seeded one, written directly.
    store = sandbox._running().store
    with store.transaction() as db:
        model = json.loads(db.execute("SELECT data FROM email_accounts ORDER BY id").fetchone()[0])
        for n in range(20):
            db.execute("INSERT INTO email_accounts (data) VALUES (?)",
                       (json.dumps({**model, "from_email": f"box{n}@demo-sender.example"}),))
    ids = [a["id"] for a in client.email_accounts.list()
           if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.campaigns.email_accounts.add(cid, ids)
    sandbox.clear_requests()
    rows = client.statistics.mailboxes.list(cid)
    assert len(rows) == len(ids) == 25
    pages = sent(sandbox, "GET", "/mailbox-statistics")
    assert [(p["query"]["offset"], p["query"]["limit"]) for p in pages] == [
        ("0", "20"), ("20", "20")]
    assert all(p["query"]["time_zone"] == "UTC" and "start_date" not in p["query"] for p in pages)


def test_mailbox_dates_go_together(client, sandbox, sending):
    with pytest.raises(InputError, match="both start and end, or neither.*only start"):
        client.statistics.mailboxes.frame(sending, start="2025-01-06")
    sandbox.clear_requests()
    day = client.statistics.mailboxes.frame(sending, "2025-01-06", "2025-01-06",
                                            time_zone="Europe/Berlin")
    (call,) = sent(sandbox, "GET", "/mailbox-statistics")
    assert (call["query"]["start_date"], call["query"]["end_date"],
            call["query"]["time_zone"]) == ("2025-01-06", "2025-01-06", "Europe/Berlin")
    first_day = client.statistics.by_date(sending, "2025-01-06", "2025-01-06",
                                          time_zone="Europe/Berlin")
    assert day["sent_count"].sum() == first_day["sent_count"] > 0


# --- leads-statistics ----------------------------------------------------------------------
def test_leads_statistics_pages_by_100_and_follows_has_more(client, sandbox):
    cid = client.campaigns.create("Big list")["id"]
    client.sequences.save(cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                 "subject": "Hi", "email_body": "Hello"}])
    healthy = [a["id"] for a in client.email_accounts.list()
               if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.campaigns.email_accounts.add(cid, healthy)
    client.leads.add(cid, [{"email": f"l{i}@example.com"} for i in range(250)])
    client.campaigns.start(cid, confirm=True)
    sandbox.advance(days=7)
    sandbox.clear_requests()
    leads = client.statistics.leads.frame(cid)
    calls = sent(sandbox, "GET", "/leads-statistics")
    assert [(c["query"]["offset"], c["query"]["limit"]) for c in calls] == [
        ("0", "100"), ("100", "100"), ("200", "100")]
    assert len(leads) == 250 and leads["lead_id"].is_unique
    assert str(leads["lead_id"].dtype) == "Int64"
    assert str(leads["first_sent_time"].dt.tz) == "UTC"
    assert leads["sent_count"].sum() == len(client.statistics.list(cid))
    assert isinstance(leads["history"].iloc[0], list)
    with pytest.raises(InputError, match="page_size must be between 1 and 100"):
        next(client.statistics.leads.iter(cid, page_size=101))


def test_lead_history_frame_and_since(client, sandbox, sending):
    events = client.statistics.leads.history(sending)
    stats = client.statistics.frame(sending)
    assert (events["type"] == "SENT").sum() == len(stats)
    assert (events["type"] == "REPLY").sum() == stats["reply_time"].notna().sum()
    assert str(events["time"].dt.tz) == "UTC"
    sandbox.clear_requests()
    later = client.statistics.leads.frame(sending, since="2025-01-10")
    (call,) = sent(sandbox, "GET", "/leads-statistics")
    assert call["query"]["event_time_gt"] == "2025-01-10"
    assert 0 < len(later) <= 30
    assert (later["last_event_time"] > pd.Timestamp("2025-01-10", tz="UTC")).all()


# --- top-level-analytics-by-date -----------------------------------------------------------
def test_top_level_analytics_by_date(client, sending):
    top = client.statistics.top_level(sending, "2025-01-06", "2025-01-31")
    by_date = client.statistics.by_date(sending, "2025-01-06", "2025-01-31")
    assert top["sent_count"] == by_date["sent_count"] > 0
    frame = client.statistics.top_level_frame(sending, "2025-01-06", "2025-01-31")
    assert len(frame) == 1 and str(frame["sent_count"].dtype) == "Int64"
    with pytest.raises(InputError, match="before start"):
        client.statistics.top_level(sending, "2025-02-01", "2025-01-01")


# --- /analytics/* --------------------------------------------------------------------------
def test_day_wise_sums_equal_overall_stats(client, sandbox, sending):
    sandbox.clear_requests()
    overall = client.analytics.overall(*JANUARY)
    days = client.analytics.day_wise(*JANUARY, timezone="America/New_York")
    assert len(days) == 31 and str(days["date"].dtype).startswith("datetime64")
    for col in ("sent", "opened", "replied", "bounced"):
        assert str(days[col].dtype) == "Int64"
        assert days[col].sum() == overall[col], col
    assert overall["sent"] == len(client.statistics.list(sending)) > 0
    assert isinstance(overall["reply_rate"], float)
    assert overall["reply_rate"] == pytest.approx(
        100 * overall["replied"] / overall["unique_lead_count"], abs=0.01)
    calls = sent(sandbox, "GET", "/analytics/overall-stats-v2") + \
        sent(sandbox, "GET", "/analytics/day-wise-overall-stats")
    assert [c["query"].get("timezone") for c in calls] == ["UTC", "America/New_York"]


def test_campaign_overall_stats_agree_with_campaign_analytics(client, sandbox, sending):
    other = client.campaigns.create("Idle")["id"]
    sandbox.clear_requests()
    table = client.analytics.campaign_performance(*JANUARY, campaign_ids=[sending, other])
    (call,) = sent(sandbox, "GET", "/analytics/campaign/overall-stats")
    assert call["query"]["campaign_ids"] == f"{sending},{other}"
    assert (call["query"]["limit"], call["query"]["offset"]) == ("1000", "0")
    assert table["id"].tolist() == [sending, other]
    row = table.set_index("id").loc[sending]
    lifetime = client.statistics.totals(sending)
    assert row["sent"] == lifetime["sent_count"] and row["replied"] == lifetime["reply_count"]
    assert row["bounced"] == lifetime["bounce_count"]
    assert table.set_index("id").loc[other, "sent"] == 0
    assert table["reply_rate"].dtype == "float64"
    paged = client.analytics.campaign_performance(*JANUARY, page_size=1)
    assert paged["id"].tolist() == [sending, other]
    assert len(sent(sandbox, "GET", "/analytics/campaign/overall-stats")) == 1 + 3


def test_campaign_list_categories_and_mailbox_health(client, sandbox, sending):
    sandbox.clear_requests()
    names = client.analytics.campaign_list()
    assert names.to_dict("records") == [{"id": sending, "name": "Ready"}]
    (call,) = sent(sandbox, "GET", "/analytics/campaign/list")
    assert call["query"] == {"timezone": "UTC"}
    overall = client.analytics.overall(*JANUARY)
    cats = client.analytics.category_responses(*JANUARY)
    assert cats["total_response"].sum() == overall["replied"]
    assert cats["percentage"].dtype == "float64"
    health = client.analytics.mailbox_health(*JANUARY)
    assert health["sent"].sum() == overall["sent"]
    boxes = client.statistics.mailboxes.frame(sending)
    assert sorted(health["email_account"]) == sorted(boxes["from_email"])


def test_id_lists_and_dates_are_checked_before_sending(client, sandbox):
    sandbox.clear_requests()
    with pytest.raises(InputError, match="campaign_ids must be a positive whole number"):
        client.analytics.overall(*JANUARY, campaign_ids=[1, "x"])
    with pytest.raises(InputError, match="not YYYY-MM-DD"):
        client.analytics.day_wise("January", "2025-01-31")
    with pytest.raises(InputError, match="timezone"):
        client.analytics.overall(*JANUARY, timezone="Mars/Base")
    assert sent(sandbox) == []


# --- shapes the sandbox does not send (a fake server on loopback) ---------------------------
class _Canned(BaseHTTPRequestHandler):
    bodies: dict = {}

    def do_GET(self):
        path = self.path.split("?")[0].removeprefix("/api/v1/")
        data = json.dumps(self.bodies[path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def canned():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with SmartleadClient("fake-key", base_url=f"http://127.0.0.1:{server.server_port}/api/v1",
                         rate_limit=None, retry=FAST_RETRIES) as c:
        yield c
    server.shutdown()
    server.server_close()


def test_other_documented_shapes_are_tolerated(canned):
    _Canned.bodies = {
        # a scraper's nested day rows with string counts
        "analytics/day-wise-overall-stats": {"ok": True, "data": {"day_wise_stats": [
            {"date": "2025-06-02", "email_engagement_metrics": {
                "sent": "5", "opened": "2", "replied": "1", "bounced": "0"}}]}},
        # another wrapper key: the first list under data is taken
        "analytics/lead/category-wise-response": {"success": True, "data": {
            "category_wise_stats": [{"lead_category": "Interested", "lead_category_count": "3"}]}},
        "analytics/overall-stats-v2": {"ok": True, "data": {"overall_stats": {
            "sent": "10", "replied": 2, "reply_rate": "20%", "positive_reply_rate": "50.5%"}}},
        "campaigns/7/mailbox-statistics": [{"email_account_id": "9", "from_email": "a@x.io",
                                            "sent_count": "212", "bounce_count": "3"}],
        "campaigns/7/leads-statistics": {"data": [{"lead_id": "1", "history": []}]},
        "analytics/campaign/list": {"ok": True, "data": "nothing here"},
    }
    days = canned.analytics.day_wise("2025-06-01", "2025-06-02")
    assert days["sent"].tolist() == [5] and str(days["sent"].dtype) == "Int64"
    cats = canned.analytics.category_responses("2025-06-01", "2025-06-02")
    assert cats[["category", "total_response"]].values.tolist() == [["Interested", 3]]
    overall = canned.analytics.overall("2025-06-01", "2025-06-02")
    assert overall == {"sent": 10, "replied": 2, "reply_rate": 20.0, "positive_reply_rate": 50.5}
    boxes = canned.statistics.mailboxes.frame(7)
    assert boxes["sent_count"].tolist() == [212] and boxes["open_count"].isna().all()
    leads = canned.statistics.leads.frame(7)         # no hasMore: a short page ends it
    assert leads["lead_id"].tolist() == [1] and leads["sent_count"].tolist() == [0]
    with pytest.raises(UnexpectedResponse, match="holds no 'campaign_list'") as err:
        canned.analytics.campaign_list()
    assert "fake-key" not in str(err.value)


def test_module_examples_run():
    result = doctest.testmod(analytics)
    assert result.failed == 0


def test_mailbox_frame_feeds_mailbox_health(client, sending):
    from smartlead_nb.analysis import mailbox_health

    boxes = client.statistics.mailboxes.frame(sending)
    health = mailbox_health(boxes, by=None)
    assert sorted(health["sender"]) == sorted(boxes["from_email"])
    assert health["sent"].sum() == boxes["sent_count"].sum()
