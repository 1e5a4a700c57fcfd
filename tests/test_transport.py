"""Retry, rate-limit and error rules of the transport.

Faults the sandbox injects are used wherever possible; the scripted fake covers the rest.
"""

import re
import time
from email.utils import formatdate

import pytest

from smartlead_nb import (RateLimitError, RetryPolicy, ServerError, SmartleadClient,
                          TransportError)
from smartlead_nb.errors import ApiFailure, LeadLimitExhausted, PermissionDeniedError
from smartlead_nb.sandbox import Faults, Sandbox

from .helpers import FAST_RETRIES, START, sent
from .fake_server import Scripted


@pytest.fixture
def fake():
    servers = []

    def make(*replies):
        server = Scripted(replies)
        servers.append(server)
        client = SmartleadClient("fake-key-123", base_url=server.base_url, rate_limit=None,
                                 retry=FAST_RETRIES, timeout=(2, 1.0))
        return server, client

    yield make
    for s in servers:
        s.close()


def test_create_is_not_repeated_after_a_dropped_connection(client, sandbox):
    sandbox.faults = Faults(p_drop=1.0)
    with pytest.raises(TransportError, match="may or may not have acted on it"):
        client.campaigns.create("Only once")
    sandbox.faults = None
    assert len(sent(sandbox, "POST", "/campaigns/create")) == 1
    assert [c["name"] for c in client.campaigns.list()] == ["Only once"]  # the work was done once


def test_get_is_retried_after_dropped_connections(client, sandbox):
    client.campaigns.create("x")
    sandbox.clear_requests()
    sandbox.faults = Faults(p_drop=1.0)
    with pytest.raises(TransportError):
        client.campaigns.list()
    assert len(sent(sandbox, "GET", "/campaigns")) == 4  # first try + 3 read retries


def test_get_recovers_when_a_retry_succeeds(fake):
    server, client = fake({"drop": True}, {"status": 503, "json": {"error": "busy"}},
                          {"status": 200, "json": [{"id": 1, "name": "A"}]})
    assert client.campaigns.list() == [{"id": 1, "name": "A"}]
    assert len(server.received) == 3 and client.stats["retries"] == 2


def test_server_errors_retry_reads_but_never_posts(client, sandbox):
    sandbox.faults = Faults(p500=1.0)
    with pytest.raises(ServerError) as info:
        client.campaigns.list()
    assert info.value.status == 500 and "Internal server error" in info.value.message
    assert len(sent(sandbox, "GET", "/campaigns")) == FAST_RETRIES.total + 1
    with pytest.raises(ServerError):
        client.campaigns.create("never twice")
    assert len(sent(sandbox, "POST", "/campaigns/create")) == 1


def test_post_is_resent_after_429_only(client, sandbox):
    sandbox.faults = Faults(p429=1.0)
    with pytest.raises(RateLimitError) as info:
        client.campaigns.create("throttled")
    assert info.value.retry_after is not None and info.value.status == 429
    assert len(sent(sandbox, "POST", "/campaigns/create")) == FAST_RETRIES.post_429 + 1
    sandbox.faults = None
    assert client.campaigns.list() == []  # a 429 was never processed


def test_post_429_then_success_creates_once(fake):
    server, client = fake({"status": 429, "json": {"message": "Too many"}, "headers": {"Retry-After": "0"}},
                          {"status": 200, "json": {"ok": True, "id": 5, "name": "n"}},
                          {"status": 200, "json": {"id": 5, "name": "n", "status": "DRAFTED"}})
    assert client.campaigns.create("n").id == 5
    # the create re-sent once after the 429, then the campaign read back
    assert [r["method"] for r in server.received] == ["POST", "POST", "GET"]


def test_retry_after_http_date_is_honoured(fake):
    when = formatdate(time.time() + 2.0, usegmt=True)  # whole seconds: waits 1-2 s
    server, client = fake({"status": 429, "json": {}, "headers": {"Retry-After": when}},
                          {"status": 200, "json": []})
    t0 = time.monotonic()
    client.campaigns.list()
    assert time.monotonic() - t0 >= 0.9
    assert len(server.received) == 2


def test_exhausted_rate_window_header_delays_the_next_request(fake):
    reset = time.time() + 1.2
    server, client = fake({"status": 200, "json": [], "headers": {
        "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": f"{reset:.3f}"}},
        {"status": 200, "json": []})
    client.campaigns.list()
    assert client.last_rate_limit.remaining == 0
    client.campaigns.list()
    assert server.received[1]["time"] - server.received[0]["time"] >= 0.9


def test_delete_cut_off_after_success_counts_as_done(fake):
    server, client = fake({"drop": True}, {"status": 404, "json": {"error": "Campaign not found"}})
    assert client.campaigns.delete(3, confirm=True) == {"ok": True}
    assert [r["method"] for r in server.received] == ["DELETE", "DELETE"]


def test_timeouts_are_always_set(fake):
    server, client = fake({"sleep": 3, "status": 200, "json": {}})
    t0 = time.monotonic()
    with pytest.raises(TransportError, match="timed out|connection"):
        client.campaigns.create("slow")
    assert time.monotonic() - t0 < 2.9


def test_explicit_user_agent(fake):
    server, client = fake({"status": 200, "json": []})
    client.campaigns.list()
    ua = server.received[0]["headers"]["User-Agent"]
    assert ua.startswith("smartlead-nb/") and "python-requests" not in ua


def test_html_error_page_and_empty_body(fake):
    html = "<html><head><title>Attention Required! | Cloudflare</title></head><body>1010</body></html>"
    server, client = fake({"status": 403, "text": html}, {"status": 500, "text": ""},
                          {"status": 500, "text": ""}, {"status": 500, "text": ""},
                          {"status": 500, "text": ""}, {"status": 500, "text": ""}, {"status": 500, "text": ""})
    with pytest.raises(PermissionDeniedError, match=re.escape("Attention Required! | Cloudflare")):
        client.campaigns.list()
    with pytest.raises(ServerError, match="HTTP 500 with an empty body"):
        client.campaigns.list()


def test_ok_false_inside_200_is_an_error(fake):
    server, client = fake({"status": 200, "json": {"ok": False, "message": "Account exists",
                                                   "errorCode": "ACCOUNT_ALREADY_EXIST"}})
    with pytest.raises(ApiFailure, match="Account exists") as info:
        client.request("POST", "email-accounts/save", json={})
    assert info.value.error_code == "ACCOUNT_ALREADY_EXIST"


def test_lead_credit_exhaustion(tmp_path):
    with Sandbox(db_path=tmp_path / "s.db", rate_limits=None, lead_credits=5, start_time=START) as sb:
        client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None, retry=FAST_RETRIES)
        cid = client.campaigns.create("Credits")["id"]
        with pytest.raises(LeadLimitExhausted, match="lead credits are exhausted") as info:
            client.leads.add(cid, [{"email": f"p{i}@example.com"} for i in range(8)])
        assert info.value.stopped_count == 3
        assert len(client.leads.list(cid)) == 5


def test_wrong_key_is_an_authentication_error(sandbox):
    from smartlead_nb import AuthenticationError
    bad = SmartleadClient("not-the-key", base_url=sandbox.base_url, rate_limit=None)
    with pytest.raises(AuthenticationError, match="Invalid API Key") as info:
        bad.campaigns.list()
    assert info.value.status == 401


def test_no_key_anywhere_is_a_clear_error(monkeypatch):
    from smartlead_nb import InputError
    monkeypatch.delenv("SMARTLEAD_API_KEY", raising=False)
    with pytest.raises(InputError, match="SMARTLEAD_API_KEY"):
        SmartleadClient()
