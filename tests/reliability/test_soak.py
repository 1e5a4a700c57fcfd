"""Soak under faults: 20,000 leads and a whole plan launch while the sandbox misbehaves.

The client never re-sends a POST after a 500, a 503 or a dropped connection (SmartLead has
no idempotency keys), so an upload under these faults stops with ``UploadInterrupted``; the
analyst's path is to run the same call again with the same journal until it completes. The
tests do exactly that, in a bounded loop, and count the re-runs.
"""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb import SmartleadClient
from smartlead_nb.sandbox import Faults, Sandbox
from smartlead_nb import UploadInterrupted, upload_leads

from ..helpers import FAST_RETRIES, START
from ..helpers.reliability import db_campaign_emails, db_campaigns, messy_leads

FAULTS = Faults(latency=(0.0, 0.004), leads_latency=(0.0, 0.01),
                p429=0.10, p503=0.05, p500=0.05, p_drop=0.05, seed=20260)
MAX_RERUNS = 60


def run_until_done(call, limit=MAX_RERUNS):
    """Call until it stops raising a SmartLead error; returns (result, re-runs, errors seen)."""
    errors = Counter()
    for attempt in range(limit):
        try:
            return call(), attempt, errors
        except sl.SmartleadError as exc:  # UploadInterrupted, ServerError, TransportError, ...
            errors[type(exc).__name__] += 1
    raise AssertionError(f"still failing after {limit} re-runs: {dict(errors)}")


@pytest.fixture
def faulty(tmp_path):
    db = tmp_path / "soak.sqlite3"
    with Sandbox(db_path=db, rate_limits=None, seed=3, start_time=START) as sb:
        client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None,
                                 retry=FAST_RETRIES)
        yield sb, client, db
        client.close()


@pytest.mark.slow
def test_20000_leads_under_faults_end_exactly_right(faulty, tmp_path):
    sb, client, db = faulty
    frame, expected = messy_leads(19_000, n_invalid=400, n_dupes=600)
    assert len(frame) == 20_000
    cid = client.campaigns.create("Soak")["id"]
    journal = tmp_path / "soak-journal.jsonl"
    sb.clear_requests()
    sb.faults = FAULTS

    def upload():
        return upload_leads(client, cid, frame, journal=journal, progress=False)

    result, reruns, errors = run_until_done(upload)
    counts = dict(sb.fault_counts)
    stats = client.stats
    sb.faults = None
    log = sb.requests

    # the campaign holds exactly the valid unique leads, each once
    held = db_campaign_emails(db, cid)
    assert len(held) == len(set(e.lower() for e in held)), "a lead is in the campaign twice"
    assert {e.lower() for e in held} == expected
    # ... and the API agrees with the database
    assert {r["lead"]["email"].lower() for r in client.leads.list(cid)} == expected
    # the final report accounts for every input row, once
    rows = result.rows
    assert result.complete and len(rows) == len(frame)
    assert sorted(rows.index) == list(frame.index)
    outcomes = rows["outcome"].value_counts().to_dict()
    assert outcomes == {"uploaded": 19_000, "invalid_email": 400, "duplicate": 600}, outcomes
    assert set(rows.loc[rows["outcome"] == "uploaded", "email"].str.strip().str.lower()) == expected
    assert (rows.loc[rows["outcome"] != "uploaded", "reason"].str.len() > 0).all()
    # faults really happened, of every kind, and forced re-runs
    assert min(counts.values()) > 0, counts
    assert reruns >= 1 and errors["UploadInterrupted"] >= 1
    # no campaign created twice; no invalid or duplicate row was ever sent
    assert [name for _, name in db_campaigns(db)].count("Soak") == 1
    sent_emails = [lead["email"].lower() for r in log if r["method"] == "POST"
                   and r["path"].endswith("/leads") for lead in (r["json"] or {}).get("lead_list", [])]
    assert set(sent_emails) == expected
    # a confirmed batch is never sent again: every re-sent email belonged to a batch whose
    # earlier attempt got no usable answer (a fault), never to one that was answered 200
    answered_ok = set()
    for r in log:
        if r["method"] != "POST" or not r["path"].endswith("/leads"):
            continue
        batch = frozenset(lead["email"].lower() for lead in r["json"]["lead_list"])
        assert batch not in answered_ok, "a confirmed batch was sent again"
        if r["fault"] is None and r["status"] == 200:
            answered_ok.add(batch)
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    assert len({e["digest"] for e in entries if e["state"] == "confirmed"}) == 48
    print(f"\nSOAK upload: {len(frame):,} rows, {outcomes['uploaded']:,} leads sent; "
          f"faults injected {counts}; lead POSTs {len([r for r in log if r['path'].endswith('/leads') and r['method'] == 'POST'])}; "
          f"retries made {stats['retries']} (requests {stats['requests']}); re-runs {reruns} {dict(errors)}")


STEPS = pd.DataFrame({"seq_number": [1, 2, 3], "delay_in_days": [0, 3, 5],
                      "subject": ["Idea for {{company_name}}", "", ""],
                      "email_body": ["Hi {{first_name}}, a thought.", "Following up.", "Last note."]})


@pytest.mark.slow
def test_whole_plan_launch_survives_the_same_faults(faulty, tmp_path):
    sb, client, db = faulty
    frame, expected = messy_leads(3_000, n_invalid=50, n_dupes=80, domain="plan.example")
    frame = frame.rename(columns={"Company": "Company Name"})
    plan = sl.CampaignPlan(
        "Soak plan", sequences=STEPS, leads=frame, email_accounts=[3001, 3002],
        schedule=sl.Schedule("America/New_York", days="Mon-Fri", start="9am", end="5pm"),
        settings=sl.CampaignSettings(track_opens=False, stop_on="reply"))
    assert plan.check().query("severity == 'error'").empty
    state = tmp_path / "plan-state.json"
    journal = tmp_path / "plan-journal.jsonl"
    sb.clear_requests()
    # heavier faults than the upload soak, so that every step meets some
    sb.faults = Faults(latency=(0.0, 0.004), p429=0.10, p503=0.10, p500=0.10, p_drop=0.10, seed=77)

    result, reruns, errors = run_until_done(
        lambda: plan.launch(client, state=state, journal=journal, progress=False))
    counts = dict(sb.fault_counts)
    sb.faults = None
    log = sb.requests

    assert [name for _, name in db_campaigns(db)].count("Soak plan") == 1
    cid = result.campaign_id
    campaign = client.campaigns.get(cid)
    assert campaign["status"] == "DRAFTED"
    assert sl.Schedule.from_campaign(campaign).timezone == "America/New_York"
    assert sl.CampaignSettings.from_campaign(campaign).stop_on == "REPLY_TO_AN_EMAIL"
    seqs = client.sequences.get(cid)
    assert sorted(s["seq_number"] for s in seqs) == [1, 2, 3]  # not duplicated by re-runs
    assert sorted(a["id"] for a in client.campaigns.email_accounts.list(cid)) == [3001, 3002]
    held = db_campaign_emails(db, cid)
    assert len(held) == len(set(held)) and {e.lower() for e in held} == expected
    # The per-row report can also be rebuilt from the journal by hand: the same upload call
    # again resends nothing and reports every row.
    sb.clear_requests()
    report = upload_leads(client, cid, frame, journal=journal, progress=False).rows
    assert [r for r in sb.requests if r["method"] == "POST"] == []
    assert len(report) == len(frame)
    assert report["outcome"].value_counts().to_dict() == {
        "uploaded": 3_000, "duplicate": 80, "invalid_email": 50}
    assert json.loads(state.read_text())["done"] == [
        "sequences", "email_accounts", "leads", "schedule", "settings"]
    creates = [r for r in log if r["path"] == "/campaigns/create"]
    assert sum(counts.values()) > 0 and len(log) > 10
    print(f"\nSOAK launch: campaign {cid}; {len(creates)} create attempts -> 1 campaign; "
          f"faults injected {counts}; retries made {client.stats['retries']}; "
          f"re-runs {reruns} {dict(errors)}")


def test_launch_rerun_still_returns_the_leads_report(sandbox, client, tmp_path):
    frame, _ = messy_leads(30, n_invalid=2, n_dupes=3, domain="rerun.example")
    plan = sl.CampaignPlan("Rerun report", sequences=STEPS.rename(columns={}), leads=frame,
                           email_accounts=[3001],
                           schedule=sl.Schedule("UTC"), settings=sl.CampaignSettings(track_opens=False))
    state, journal = tmp_path / "state.json", tmp_path / "journal.jsonl"
    calls = {"n": 0}
    original = client.campaigns.schedule

    def failing_schedule(*args, **kwargs):  # the schedule step fails once, after the leads
        calls["n"] += 1
        if calls["n"] == 1:
            raise sl.ServerError("boom", status=500)
        return original(*args, **kwargs)
    client.campaigns.schedule = failing_schedule
    with pytest.raises(sl.ServerError):
        plan.launch(client, state=state, journal=journal, progress=False)
    result = plan.launch(client, state=state, journal=journal, progress=False)
    assert result.leads_report is not None and len(result.leads_report) == len(frame)
