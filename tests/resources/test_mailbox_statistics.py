"""client.statistics.mailboxes (resources/mailbox_statistics.py): a campaign per sender mailbox."""

import json

import pytest

from smartlead_nb import InputError

from ..helpers import sent


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


def test_mailbox_frame_feeds_mailbox_health(client, sending):
    from smartlead_nb.analysis import mailbox_health

    boxes = client.statistics.mailboxes.frame(sending)
    health = mailbox_health(boxes, by=None)
    assert sorted(health["sender"]) == sorted(boxes["from_email"])
    assert health["sent"].sum() == boxes["sent_count"].sum()
