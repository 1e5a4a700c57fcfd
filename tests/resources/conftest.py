"""Fixtures of the service tests: campaigns that have sent, and one with a reply."""

import pytest


@pytest.fixture
def sending_campaign(client, sandbox, ready_campaign):
    client.campaigns.schedule(ready_campaign, timezone="UTC", days="Mon-Fri", start="08:00", end="18:00")
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=10)
    return ready_campaign


@pytest.fixture
def sending(client, sandbox, ready_campaign):
    """The 30-lead campaign of conftest, sending for ten days from Monday 6 January 2025."""
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=10)
    return ready_campaign


@pytest.fixture
def replied(client, sandbox, ready_campaign):
    """The ready campaign after eight days of sending: (campaign id, lead id, REPLY item)."""
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=8)
    for lid in client.leads.frame(ready_campaign)["lead_id"]:
        history = client.request("GET", f"campaigns/{ready_campaign}/leads/{lid}/message-history")
        replies = [h for h in history["history"] if h["type"] == "REPLY"]
        if replies:
            sandbox.clear_requests()
            return ready_campaign, int(lid), replies[-1]
    raise AssertionError("no reply after eight days")
