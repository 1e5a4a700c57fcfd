"""The client-side budget keeps normal use away from 429s, even across processes."""

import subprocess
import sys
import textwrap

import pytest

from smartlead_nb import STANDARD, RateLimit, SmartleadClient
from smartlead_nb.sandbox import RateLimits, Sandbox

from .helpers import FAST_RETRIES, START, sent


def statuses(sandbox):
    return [r["status"] for r in sent(sandbox)]


@pytest.fixture
def limited(tmp_path):
    def make(limits):
        sb = Sandbox(db_path=tmp_path / "rl.sqlite3", rate_limits=limits, start_time=START).start()
        made.append(sb)
        return sb
    made = []
    yield make
    for sb in made:
        sb.stop()


def test_default_budget_meets_no_429_at_documented_limits(limited):
    sb = limited(RateLimits(10, 60, 1000))
    client = SmartleadClient(sb.api_key, base_url=sb.base_url)  # default: STANDARD
    assert client._transport.rate_limit == STANDARD
    for _ in range(15):
        client.campaigns.list()
    log = sent(sb)
    assert 429 not in statuses(sb) and len(log) == 15
    assert log[10]["time"] - log[0]["time"] >= 0.95  # the 11th waited for the next second


def test_without_any_budget_the_sandbox_does_answer_429(limited):
    sb = limited(RateLimits(10, 60, 1000))
    client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None, retry=FAST_RETRIES)
    client._transport.honour_rate_headers = False
    for _ in range(12):
        client.campaigns.list()  # 429s are retried after Retry-After, so these still succeed
    assert 429 in statuses(sb)


def test_rate_headers_alone_keep_a_client_out_of_429(limited):
    sb = limited(RateLimits(10, 60, 1000))
    client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None, retry=FAST_RETRIES)
    for _ in range(12):
        client.campaigns.list()
    assert 429 not in statuses(sb)
    assert client.last_rate_limit.limit == 10   # the burst window binds after 12 quick calls


def test_minute_window_scaled_meets_no_429(limited):
    scale = 0.1  # 10 per 0.1 s, 60 per 6 s, on both sides
    sb = limited(RateLimits(10, 60, 1000, time_scale=scale))
    client = SmartleadClient(sb.api_key, base_url=sb.base_url,
                             rate_limit=RateLimit(time_scale=scale, margin=0.2))
    for _ in range(65):
        client.campaigns.list()
    log = sent(sb)
    assert 429 not in statuses(sb)
    assert log[60]["time"] - log[0]["time"] >= 6 * 0.95


def test_two_processes_share_one_keys_budget(limited, tmp_path):
    sb = limited(RateLimits(10, 60, 1000))
    script = textwrap.dedent(f"""
        import smartlead_nb as sl
        c = sl.SmartleadClient({sb.api_key!r}, base_url={sb.base_url!r})
        for _ in range(10):
            c.campaigns.list()
    """)
    env_cache = {"SMARTLEAD_NB_CACHE_DIR": str(tmp_path / "shared-cache")}
    import os
    env = dict(os.environ, **env_cache)
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert len(sent(sb)) == 20 and 429 not in statuses(sb)


def test_a_long_wait_for_the_budget_is_said_once_not_silent(sandbox, caplog, monkeypatch):
    """A notebook waiting a minute for the key's budget must not look like a hang: the wait
    is announced once (a WARNING on the smartlead_nb logger, which notebooks show)."""
    import logging

    from smartlead_nb import _ratelimit

    monkeypatch.setattr(_ratelimit, "NOTICE_AFTER_SECONDS", 0.3)
    monkeypatch.setattr(_ratelimit, "_last_notice", [0.0])
    tight = RateLimit(per_second=1, per_minute=2, per_hour=100, time_scale=0.02, shared=False)
    client = SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=tight)
    with caplog.at_level(logging.WARNING, logger="smartlead_nb"):
        for _ in range(4):
            client.campaigns.list()
    notices = [r for r in caplog.records if "request budget is spent" in r.getMessage()]
    assert len(notices) == 1 and "waiting about" in notices[0].getMessage()
    assert sandbox.api_key not in notices[0].getMessage()
