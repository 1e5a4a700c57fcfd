"""Bugs the reliability work found and fixed (each test failed before its fix)."""

from __future__ import annotations

from smartlead_nb.frames.responses import statistics_frame


def test_statistics_of_a_campaign_that_sent_nothing_still_has_its_columns(client):
    """A just-started live campaign has no statistics yet; the quickstart's next cell selects
    ``stats[["lead_email", "sequence_number", "sent_time", "reply_time"]]`` and groups by
    ``sequence_number``: that must give empty results, not a KeyError."""
    cid = client.create_campaign("Nothing sent")["id"]
    stats = client.campaign_statistics_frame(cid)
    assert len(stats) == 0
    picked = stats[["lead_email", "sequence_number", "sent_time", "reply_time"]].sort_values("sent_time")
    assert len(picked) == 0
    grouped = stats.groupby("sequence_number").agg(sent=("lead_email", "size"),
                                                   replied=("reply_time", "count"))
    assert len(grouped) == 0
    assert list(statistics_frame([]).columns[:3]) == ["lead_email", "lead_name", "sequence_number"]
