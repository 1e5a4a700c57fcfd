"""The mirror against the sandbox over real HTTP: exact after every kind of sync, and cheap."""

from __future__ import annotations

import pytest

import smartlead_nb as sl
from smartlead_nb import InputError

from .helpers import add_leads, assert_exact, per_campaign, running_campaign

ACCOUNT_WIDE = 5      # campaigns, accounts, categories, inbox (+1 spare)


@pytest.fixture
def mirror(tmp_path):
    return sl.Mirror(tmp_path / "mirror.duckdb")


@pytest.fixture
def campaigns(client, sandbox):
    ids = [running_campaign(client, f"Wave {n}", n_leads=60) for n in range(2)]
    sandbox.advance(days=4)          # Monday to Friday: sends, opens, replies
    return ids


def test_first_sync_equals_the_server_and_reads_in_bulk(client, sandbox, mirror, campaigns):
    sandbox.clear_requests()
    summary = mirror.sync(client, progress=False)
    log = sandbox.requests
    for cid in campaigns:
        assert_exact(mirror, client, cid)
    paths = [r["path"] for r in log]
    assert not any(p.endswith("/leads") for p in paths), "paged campaigns/{id}/leads"
    assert sum(p.endswith("/leads-export") for p in paths) == len(campaigns)
    assert {r["query"]["limit"] for r in log if r["path"].endswith("/statistics")} == {"1000"}
    assert {r["json"]["limit"] for r in log if "master-inbox" in r["path"]} == {20}
    assert summary.requests == len(log)
    assert summary.changes["leads"] == 120 and summary.changes["statistics"] > 0
    assert set(summary.campaigns) == set(campaigns)


def test_a_re_sync_with_nothing_new_costs_at_most_three_requests_a_campaign(
        client, sandbox, mirror, campaigns):
    mirror.sync(client, progress=False)
    sandbox.clear_requests()
    summary = mirror.sync(client, progress=False)
    log = sandbox.requests
    for cid in campaigns:
        assert len(per_campaign(log, cid)) <= 3, [r["path"] for r in per_campaign(log, cid)]
        assert_exact(mirror, client, cid)
    assert len(log) <= 3 * len(campaigns) + ACCOUNT_WIDE
    assert not any(summary.changes.values()), summary.changes


def test_new_leads_and_a_day_of_sending_are_read_incrementally(client, sandbox, mirror,
                                                                campaigns):
    mirror.sync(client, progress=False)
    add_leads(client, campaigns[0], range(60, 90))
    sandbox.advance(days=3)          # the weekend, then Monday's sends
    sandbox.clear_requests()
    summary = mirror.sync(client, progress=False)
    stats = [r for r in sandbox.requests if r["path"].endswith("/statistics")]
    for cid in campaigns:
        assert_exact(mirror, client, cid)
    assert all("sent_time_start_date" in r["query"] for r in stats), [r["query"] for r in stats]
    assert summary.changes["leads"] >= 30


def test_a_deleted_and_a_recategorised_lead_are_mirrored(client, sandbox, mirror, campaigns):
    cid = campaigns[0]
    add_leads(client, cid, [500])                 # a lead never emailed
    mirror.sync(client, progress=False)
    leads = mirror.sql("select lead_id, email from leads where campaign_id = ?", [cid])
    sent = mirror.sql("select distinct lead_id from statistics where campaign_id = ? "
                      "order by lead_id", [cid])
    gone, moved = int(sent["lead_id"][0]), int(sent["lead_id"][1])
    untouched = int(leads[leads["email"].str.startswith("lead500.")]["lead_id"].iloc[0])
    client.leads.delete(cid, gone)
    client.leads.set_category(cid, moved, "Interested")
    client.leads.set_category(cid, untouched, "Interested")
    mirror.sync(client, progress=False)
    assert_exact(mirror, client, cid)
    assert mirror.sql("select count(*) as n from statistics where lead_id = ?",
                      [gone])["n"][0] == 0
    categories = mirror.sql("select lead_id, category from leads where lead_id in (?, ?) "
                            "and campaign_id = ?", [moved, untouched, cid])
    assert set(categories["category"]) == {"Interested"}
    # Between two categories the export cannot tell apart, full=True re-reads.
    client.leads.set_category(cid, moved, "Not Interested")
    mirror.sync(client, progress=False, full=True)
    assert_exact(mirror, client, cid)


def test_a_campaign_deleted_on_the_server_is_marked_deleted(client, sandbox, mirror, campaigns):
    mirror.sync(client, progress=False)
    client.campaigns.delete(campaigns[1], confirm=True)
    summary = mirror.sync(client, progress=False)
    assert summary.deleted == [campaigns[1]]
    assert "deleted on the server" in repr(summary)
    rows = mirror.sql("select campaign_id, deleted from campaigns order by campaign_id")
    assert rows.set_index("campaign_id")["deleted"].to_dict() == {campaigns[0]: False,
                                                                 campaigns[1]: True}
    # Asked for by id, it is reported, not synced as live.
    again = mirror.sync(client, [campaigns[1]], progress=False)
    assert again.deleted == [campaigns[1]] and again.campaigns == []
    with pytest.raises(InputError, match="neither on the server nor in the mirror"):
        mirror.sync(client, [999999], progress=False)


def test_an_interrupted_sync_keeps_finished_campaigns_and_the_next_one_continues(
        client, sandbox, mirror, campaigns, monkeypatch):
    real = client.leads.export
    calls = []

    def export_then_fail(cid):
        calls.append(cid)
        if len(calls) == 2:
            raise KeyboardInterrupt        # Ctrl-C between the campaigns
        return real(cid)

    monkeypatch.setattr(client.leads, "export", export_then_fail)
    with pytest.raises(KeyboardInterrupt) as caught:
        mirror.sync(client, progress=False)
    assert "Run mirror.sync(...) again to continue" in "".join(caught.value.__notes__)
    first, second = sorted(campaigns)
    held = mirror.sql("select campaign_id, count(*) as n from leads group by all")
    assert held["campaign_id"].tolist() == [first]
    assert mirror.sql("select count(*) as n from statistics where campaign_id = ?",
                      [second])["n"][0] == 0
    monkeypatch.setattr(client.leads, "export", real)
    mirror.sync(client, progress=False)
    for cid in campaigns:
        assert_exact(mirror, client, cid)


def test_a_subset_of_campaigns_is_synced_alone(client, sandbox, mirror, campaigns):
    summary = mirror.sync(client, [campaigns[0]], progress=False)
    assert summary.campaigns == [campaigns[0]]
    assert set(mirror.sql("select distinct campaign_id from leads")["campaign_id"]) == {
        campaigns[0]}
    assert_exact(mirror, client, campaigns[0])


def test_history_true_keeps_the_reply_text(client, sandbox, mirror, campaigns):
    mirror.sync(client, progress=False)
    assert mirror.sql("select count(reply_text) as n from replies")["n"][0] == 0
    mirror.sync(client, progress=False, history=True)
    replies = mirror.table("replies")
    assert len(replies) and replies["reply_text"].notna().all()
    assert replies["sequence_number"].notna().all()
    mirror.sync(client, progress=False)      # a later sync without history keeps the text
    assert mirror.table("replies")["reply_text"].notna().all()


def test_sql_table_and_parquet(client, sandbox, mirror, campaigns, tmp_path):
    mirror.sync(client, progress=False)
    rate = mirror.sql("""select s.sequence_number, count(*) as sent, count(s.reply_time) as
                         replied from statistics s join campaigns c using (campaign_id)
                         where not c.deleted group by all order by 1""")
    assert rate["sent"].sum() == len(mirror.table("statistics"))
    assert str(mirror.table("statistics")["sent_time"].dt.tz) == "UTC"
    files = mirror.to_parquet(tmp_path / "out")
    assert {f.stem for f in files} == set(mirror.tables)
    import pandas as pd
    assert len(pd.read_parquet(tmp_path / "out" / "leads.parquet")) == 120 \
        if _has_parquet_engine() else True
    with pytest.raises(InputError, match="no table"):
        mirror.table("passwords")
    with pytest.raises(InputError, match="could not run this query"):
        mirror.sql("select * from nowhere")


def _has_parquet_engine() -> bool:
    try:
        import pyarrow  # noqa: F401
        return True
    except ImportError:
        return False


def test_accounts_never_hold_a_password(client, sandbox, mirror, campaigns):
    mirror.sync(client, progress=False)
    columns = set(mirror.table("accounts").columns)
    assert not columns & {"password", "imap_password", "smtp_password"}
    text = mirror.sql("select * from accounts").to_csv()
    assert "password" not in text.lower()
