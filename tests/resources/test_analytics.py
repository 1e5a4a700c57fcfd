"""client.analytics (resources/analytics.py): the account's analytics across campaigns, and the
answer shapes the sandbox does not send."""

import doctest
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from smartlead_nb import InputError, SmartleadClient
from smartlead_nb.errors import UnexpectedResponse
from smartlead_nb.resources import analytics

from ..helpers import FAST_RETRIES, sent


JANUARY = ("2025-01-01", "2025-01-31")


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
