"""Fixtures: a fresh sandbox per test (real HTTP on 127.0.0.1) and a client pointed at it."""

from __future__ import annotations

import pytest

from smartlead_nb import SmartleadClient
from smartlead_nb.sandbox import Sandbox

from .helpers import FAST_RETRIES, START


@pytest.fixture(autouse=True)
def _keys_forgotten_after_each_test():
    """Keys a test registers (throw-away ones like "x" or "k") are forgotten afterwards, so
    redaction in the next test sees only the keys it made itself."""
    from smartlead_nb._redact import isolated_secrets

    with isolated_secrets():
        yield


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(db_path=tmp_path / "sandbox.sqlite3", rate_limits=None, seed=7,
                 start_time=START) as sb:
        yield sb


@pytest.fixture
def client(sandbox):
    with SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=None,
                         retry=FAST_RETRIES) as c:
        yield c


@pytest.fixture
def scripted():
    """``make(*replies) -> (server, client)``: a scripted local server (tests/fake_server.py)
    for answers the sandbox never gives, and a client pointed at it; servers close after."""
    from .fake_server import Scripted

    servers = []

    def make(*replies):
        server = Scripted(replies)
        servers.append(server)
        return server, SmartleadClient("fake-key-123", base_url=server.base_url,
                                       rate_limit=None, retry=FAST_RETRIES)

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def ready_campaign(client, sandbox):
    """A campaign that satisfies SmartLead's START preconditions, still DRAFTED."""
    cid = client.campaigns.create("Ready")["id"]
    client.sequences.save(cid, [
        {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
         "subject": "Hi {{first_name}}", "email_body": "Hello {{first_name}}"},
        {"seq_number": 2, "seq_delay_details": {"delay_in_days": 2},
         "subject": "", "email_body": "Following up"},
    ])
    healthy = [a["id"] for a in client.email_accounts.list() if a.get("is_smtp_success") and a.get("is_imap_success")]
    client.campaigns.email_accounts.add(cid, healthy[:2])
    client.leads.add(cid, [{"email": f"lead{i}@example.com", "first_name": f"L{i}"} for i in range(30)])
    return cid
