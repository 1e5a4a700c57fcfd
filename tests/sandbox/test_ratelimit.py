"""Rate limiting: the limiter's windows (fake clock) and the 429 over HTTP (scaled windows)."""
import time

import pytest
import requests

from smartlead_nb.sandbox import PRO, STANDARD, RateLimits, Sandbox
from smartlead_nb.sandbox.ratelimit import RateLimiter, retry_after_value
from tests.helpers.sandbox import FakeClock


def test_tiers():
    assert (STANDARD.per_second, STANDARD.per_minute, STANDARD.per_hour) == (10, 60, 1000)
    assert (PRO.per_second, PRO.per_minute, PRO.per_hour) == (20, 120, 3000)


def test_burst_window_and_rejections_do_not_consume():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(10, 60, 1000), clock)
    decisions = [limiter.check("k") for _ in range(10)]
    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions][:3] == [9, 8, 7]
    clock.t += 0.4
    for _ in range(5):                       # refused five times...
        refused = limiter.check("k")
        assert not refused.allowed
        assert refused.retry_after == pytest.approx(0.6)
    clock.t += 0.6                           # ...yet one second after the burst, room again
    assert limiter.check("k").allowed


def test_reset_follows_the_window_that_sets_remaining():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(10, 60, 1000), clock)
    for _ in range(10):
        last = limiter.check("k")
    assert last.remaining == 0                           # the burst window is spent...
    assert last.reset <= int(time.time()) + 2            # ...and frees within a second


def test_minute_window_and_reset_header():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(100, 5, 1000), clock)
    for i in range(5):
        clock.t += 1
        assert limiter.check("k").allowed
    refused = limiter.check("k")
    assert not refused.allowed and refused.retry_after == pytest.approx(56.0)
    assert refused.limit == 5 and refused.remaining == 0
    assert refused.reset >= int(time.time()) + 55
    assert limiter.check("other-key").allowed     # budgets are per key


def test_retry_after_format():
    assert retry_after_value(0.2, 1.0) == 1 and retry_after_value(2.01, 1.0) == 3
    assert retry_after_value(0.3456, 0.1) == 0.35 and retry_after_value(0.0001, 0.1) == 0.01


def test_http_429_with_headers_then_recovers(tmp_path):
    limits = RateLimits(10, 60, 1000, time_scale=0.5)   # 10 per 0.5 s, 60 per 30 s
    with Sandbox(db_path=tmp_path / "r.sqlite3", rate_limits=limits) as sb:
        session = requests.Session()
        url, key = sb.base_url + "/campaigns", {"api_key": sb.api_key}
        responses = [session.get(url, params=key, timeout=5) for _ in range(11)]
        assert [r.status_code for r in responses] == [200] * 10 + [429]
        first, last = responses[0], responses[-1]
        # Limit, Remaining and Reset describe one window: the burst window binds here.
        assert first.headers["X-RateLimit-Limit"] == "10"
        assert first.headers["X-RateLimit-Remaining"] == "9"
        assert float(first.headers["X-RateLimit-Reset"]) >= int(time.time())  # exact when scaled
        wait = float(last.headers["Retry-After"])
        assert 0 < wait <= 0.5 and len(last.headers["Retry-After"].split(".")[1]) == 2
        body = last.json()["error"]
        assert body["code"] == "RATE_LIMIT_EXCEEDED" and body["retry_after"] == wait
        assert last.headers["X-RateLimit-Remaining"] == "0"
        assert sb.requests[-1]["rate_limited"] is True and sb.requests[-1]["fault"] is None
        time.sleep(wait + 0.02)
        assert session.get(url, params=key, timeout=5).status_code == 200


def test_auth_is_checked_before_limits(tmp_path):
    with Sandbox(db_path=tmp_path / "r.sqlite3", rate_limits=RateLimits(1, 60, 1000)) as sb:
        for _ in range(3):
            r = requests.get(sb.base_url + "/campaigns", params={"api_key": "bad"}, timeout=5)
            assert r.status_code == 401
        assert requests.get(sb.base_url + "/campaigns", params={"api_key": sb.api_key},
                            timeout=5).status_code == 200


def test_limits_can_be_switched_off_at_runtime(tmp_path):
    with Sandbox(db_path=tmp_path / "r.sqlite3", rate_limits=RateLimits(1, 60, 1000)) as sb:
        get = lambda: requests.get(sb.base_url + "/campaigns",        # noqa: E731
                                   params={"api_key": sb.api_key}, timeout=5)
        assert [get().status_code for _ in range(2)] == [200, 429]
        sb.rate_limits = None
        r = get()
        assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers
