import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.frames.responses import statistics_frame
from smartlead_nb.resources.statistics import date_windows

from .helpers import START, sent


@pytest.fixture
def sending_campaign(client, sandbox, ready_campaign):
    client.campaigns.schedule(ready_campaign, timezone="UTC", days="Mon-Fri", start="08:00", end="18:00")
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=10)
    return ready_campaign


def test_statistics_rows_and_frame(client, sending_campaign):
    rows = client.statistics.list(sending_campaign)
    assert rows and all(isinstance(r["sequence_number"], int) for r in rows)
    frame = client.statistics.frame(sending_campaign)
    assert len(frame) == len(rows)
    assert str(frame["sent_time"].dtype).startswith("datetime64")
    step1 = client.statistics.list(sending_campaign, sequence_number=1)
    assert {r["sequence_number"] for r in step1} == {1}
    with pytest.raises(InputError, match="sequence_number must be a whole number 1-20"):
        client.statistics.list(sending_campaign, sequence_number=0)


def test_top_level_analytics_are_integers(client, sending_campaign):
    stats = client.statistics.totals(sending_campaign)
    assert isinstance(stats["sent_count"], int) and stats["sent_count"] > 0
    assert stats["sent_count"] == len(client.statistics.list(sending_campaign))


def test_long_range_split_into_30_day_windows(client, sandbox, sending_campaign):
    start = START.date()
    end = pd.Timestamp(start) + pd.Timedelta(days=44)
    sandbox.clear_requests()
    total = client.statistics.by_date(sending_campaign, start, end.date())
    calls = sent(sandbox, "GET", "/analytics-by-date")
    assert [(c["query"]["start_date"], c["query"]["end_date"]) for c in calls] == [
        ("2025-01-06", "2025-02-04"), ("2025-02-05", "2025-02-19")]
    lifetime = client.statistics.totals(sending_campaign)
    assert total["sent_count"] == lifetime["sent_count"]
    daily = client.statistics.by_date_frame(sending_campaign, start, end.date(), days=1)
    assert len(daily) == 45 and daily["sent_count"].sum() == lifetime["sent_count"]


def test_date_windows_pure():
    assert len(date_windows("2025-01-01", "2025-01-30")) == 1
    assert len(date_windows("2025-01-01", "2025-01-31")) == 2
    with pytest.raises(InputError, match="before start"):
        date_windows("2025-02-01", "2025-01-01")


def test_leads_export_frame(client, sending_campaign):
    frame = client.leads.export(sending_campaign)
    assert len(frame) == 30 and "email" in frame.columns
    assert frame["open_count"].dtype.kind in "iu" or str(frame["open_count"].dtype) == "Int64"


def test_sequence_analytics_rows_per_step(client, sandbox, ready_campaign):
    client.campaigns.schedule(ready_campaign, timezone="UTC", days="every day", start="00:00", end="23:59")
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=6)
    now = sandbox.now.date()
    frame = client.statistics.sequences(ready_campaign, "2025-01-01", now)
    assert len(frame) == 2 and frame["sent_count"].sum() == client.statistics.totals(ready_campaign)["sent_count"]


def test_statistics_of_a_campaign_that_sent_nothing_still_has_its_columns(client):
    """A just-started live campaign has no statistics yet; the quickstart's next cell selects
    ``stats[["lead_email", "sequence_number", "sent_time", "reply_time"]]`` and groups by
    ``sequence_number``: that must give empty results, not a KeyError."""
    cid = client.campaigns.create("Nothing sent")["id"]
    stats = client.statistics.frame(cid)
    assert len(stats) == 0
    picked = stats[["lead_email", "sequence_number", "sent_time", "reply_time"]].sort_values("sent_time")
    assert len(picked) == 0
    grouped = stats.groupby("sequence_number").agg(sent=("lead_email", "size"),
                                                   replied=("reply_time", "count"))
    assert len(grouped) == 0
    assert list(statistics_frame([]).columns[:3]) == ["lead_email", "lead_name", "sequence_number"]
