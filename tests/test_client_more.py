"""The rest of the client's surface: stop, lead look-ups and history, per-step analytics,
the raw escape hatch, the sandbox controls, and the 422/503 error paths."""

import pytest

from smartlead_nb import BadRequestError, InputError, ServerError
from smartlead_nb.errors import ValidationError
from smartlead_nb.sandbox import Faults

from .helpers import FAST_RETRIES, sent


def test_stop_needs_confirmation_and_is_final(client, ready_campaign):
    client.start_campaign(ready_campaign, confirm=True)
    with pytest.raises(InputError, match="confirm=True"):
        client.stop_campaign(ready_campaign)
    client.stop_campaign(ready_campaign, confirm=True)
    assert client.get_campaign(ready_campaign)["status"] == "STOPPED"
    with pytest.raises(BadRequestError, match="STOPPED"):
        client.start_campaign(ready_campaign, confirm=True)


def test_lead_lookups_updates_and_history(client, sandbox, ready_campaign):
    other = client.create_campaign("Other")["id"]
    lead = client.get_lead_by_email("lead3@example.com")
    campaigns = client.lead_campaigns(lead["id"])
    assert [c["id"] for c in campaigns] == [ready_campaign]
    client.update_lead(ready_campaign, lead["id"], {"first_name": "Renamed",
                                                    "custom_fields": {"Tier": "A"}})
    again = client.get_lead_by_email("lead3@example.com")
    assert again["first_name"] == "Renamed" and again["custom_fields"] == {"Tier": "A"}
    client.start_campaign(ready_campaign, confirm=True)
    sandbox.advance(days=5)
    history = client.message_history(ready_campaign, lead["id"])
    assert len(history) >= 1 and set(history["type"]) <= {"SENT", "REPLY"}
    assert str(history["time"].dtype).startswith("datetime64")
    with pytest.raises(InputError, match="unknown field"):
        client.update_lead(other, lead["id"], {"company": "x"})


def test_sequence_analytics_rows_per_step(client, sandbox, ready_campaign):
    client.update_schedule(ready_campaign, timezone="UTC", days="every day", start="00:00", end="23:59")
    client.start_campaign(ready_campaign, confirm=True)
    sandbox.advance(days=6)
    now = sandbox.now.date()
    frame = client.sequence_analytics(ready_campaign, "2025-01-01", now)
    assert len(frame) == 2 and frame["sent_count"].sum() == client.campaign_analytics(ready_campaign)["sent_count"]


def test_campaign_accounts_frame(client, ready_campaign):
    frame = client.campaign_email_accounts_frame(ready_campaign)
    assert len(frame) == 2 and "password" not in frame.columns


def test_raw_request_and_422_maps_to_validation_error(client, ready_campaign):
    response = client.raw_request("GET", f"campaigns/{ready_campaign}/leads", params={"limit": 1})
    assert response.status == 200 and response.retries == 0 and "Content-Type" in response.headers
    assert len(response.body["data"]) == 1
    with pytest.raises(ValidationError) as info:
        client.request("GET", f"campaigns/{ready_campaign}/leads", params={"limit": 500})
    assert info.value.status == 422 and isinstance(info.value, ValueError)


def test_503_is_retried_for_reads(client, sandbox):
    sandbox.faults = Faults(p503=1.0)
    with pytest.raises(ServerError) as info:
        client.list_campaigns()
    assert info.value.status == 503
    assert len(sent(sandbox, "GET", "/campaigns")) == FAST_RETRIES.total + 1


def test_sandbox_controls_over_http(client, sandbox):
    before = client.sandbox.state()["now"]
    moved = client.sandbox.advance(days=2)
    assert moved["now"] > before and sandbox.now.isoformat()[:10] == moved["now"][:10]
