"""Statistics and analytics endpoints: parameters, ranges, shapes."""
import pytest

from ...helpers.sandbox import START


@pytest.fixture
def sent(sandbox, api):
    """A campaign that has been sending for two weeks (starting Monday 2 June 2025)."""
    cid = api.ready_campaign(n_leads=150, delays=(0, 2), accounts=3)
    sandbox.advance(days=14)
    return cid


def test_analytics_by_date_range_limit(api, sent):
    url = f"/campaigns/{sent}/analytics-by-date"
    r = api.get(url, params={"start_date": "2025-06-01", "end_date": "2025-07-01"})  # 31 days
    assert r.status_code == 400 and "30 days" in r.json()["error"]
    ok = api.get(url, params={"start_date": "2025-06-01", "end_date": "2025-06-30"})
    assert ok.status_code == 200
    body = ok.json()
    assert (body["start_date"], body["end_date"]) == ("2025-06-01", "2025-06-30")
    assert all(isinstance(body[k], str) for k in (
        "sent_count", "unique_sent_count", "open_count", "total_reply_count",
        "non_ooo_reply_count", "total_count", "drafted_count"))
    lifetime = api.get(f"/campaigns/{sent}/analytics").json()
    assert body["sent_count"] == lifetime["sent_count"]        # everything fell in June
    assert int(body["total_reply_count"]) > int(body["non_ooo_reply_count"]) > 0


def test_analytics_by_date_counts_only_the_range(api, sent):
    url = f"/campaigns/{sent}/analytics-by-date"
    day1 = api.get(url, params={"start_date": "2025-06-02", "end_date": "2025-06-02"}).json()
    rows = api.get(f"/campaigns/{sent}/statistics", params={"limit": 1000}).json()["data"]
    on_day1 = [r for r in rows if r["sent_time"].startswith("2025-06-02")]
    assert int(day1["sent_count"]) == len(on_day1) > 0
    assert day1["total_count"] == "150"            # lifetime figure, not limited to the range
    nothing = api.get(url, params={"start_date": "2025-05-01", "end_date": "2025-05-30"}).json()
    assert nothing["sent_count"] == "0"


@pytest.mark.parametrize("params", [
    {"end_date": "2025-06-30"}, {"start_date": "2025-06-01"},
    {"start_date": "06/01/2025", "end_date": "2025-06-30"},
    {"start_date": "2025-06-10", "end_date": "2025-06-01"},
    {"start_date": "2025-06-01", "end_date": "2025-06-02", "time_zone": "Nowhere/City"},
])
def test_analytics_by_date_bad_parameters(api, sent, params):
    assert api.get(f"/campaigns/{sent}/analytics-by-date", params=params).status_code == 400


def test_time_zone_shifts_the_day(api, sent):
    url = f"/campaigns/{sent}/analytics-by-date"
    utc = api.get(url, params={"start_date": "2025-06-02", "end_date": "2025-06-02"}).json()
    tokyo = api.get(url, params={"start_date": "2025-06-02", "end_date": "2025-06-02",
                                 "time_zone": "Asia/Tokyo"}).json()
    # Tokyo's 2 June ends at 15:00 UTC, before the UTC sending window closes.
    assert 0 < int(tokyo["sent_count"]) < int(utc["sent_count"])


def test_statistics_filters_and_limits(api, sent):
    url = f"/campaigns/{sent}/statistics"
    page = api.get(url, params={"limit": 10, "offset": 5}).json()
    assert len(page["data"]) == 10 and (page["offset"], page["limit"]) == (5, 10)
    total = int(page["total_stats"])
    step2 = api.get(url, params={"email_sequence_number": 2, "limit": 1000}).json()
    assert 0 < int(step2["total_stats"]) < total
    assert {r["sequence_number"] for r in step2["data"]} == {2}
    replied = api.get(url, params={"email_status": "replied", "limit": 1000}).json()["data"]
    assert replied and all(r["reply_time"] for r in replied)
    window = api.get(url, params={"sent_time_start_date": "2025-06-03 00:00:00.000Z",
                                  "sent_time_end_date": "2025-06-03 23:59:59.000Z",
                                  "limit": 1000}).json()["data"]
    assert window and all(r["sent_time"].startswith("2025-06-03") for r in window)
    for params in ({"limit": 1001}, {"email_status": "read"}, {"email_sequence_number": 21}):
        r = api.get(url, params=params)
        assert r.status_code == 422 and r.json()["error"] == "Invalid parameters provided"


def test_sequence_analytics_per_step(api, sent):
    body = api.get(f"/campaigns/{sent}/sequence-analytics",
                   params={"start_date": "2025-06-01 00:00:00",
                           "end_date": "2025-06-30 23:59:59"}).json()
    steps = api.get(f"/campaigns/{sent}/sequences").json()
    assert body["ok"] is True
    assert [d["email_campaign_seq_id"] for d in body["data"]] == [s["id"] for s in steps]
    stats = api.get(f"/campaigns/{sent}/statistics", params={"limit": 1000}).json()["data"]
    for row, step in zip(body["data"], steps):
        mine = [r for r in stats if r["email_campaign_seq_id"] == step["id"]]
        assert row["sent_count"] == len(mine)
        assert row["open_count"] == sum(1 for r in mine if r["open_time"])
        assert isinstance(row["reply_count"], int)
    assert api.get(f"/campaigns/{sent}/sequence-analytics").status_code == 400


def test_export_counts_match_statistics(api, sent):
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(api.get(f"/campaigns/{sent}/leads-export").text)))
    stats = api.get(f"/campaigns/{sent}/statistics", params={"limit": 1000}).json()["data"]
    replies = sum(1 for r in stats if r["reply_time"])
    assert sum(int(r["reply_count"]) for r in rows) == replies
    assert len(rows) == 150
    assert START.isoformat()[:10] == "2025-06-02"
