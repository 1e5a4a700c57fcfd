"""client.statistics.leads (resources/lead_statistics.py): a campaign per lead, with its events."""

import pandas as pd
import pytest

from smartlead_nb import InputError

from ..helpers import sent


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
