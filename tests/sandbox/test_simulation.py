"""The simulated clock and sending: schedule, caps, delays, outcomes, determinism."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from smartlead_nb.sandbox import Sandbox

from ..helpers.sandbox import START, Api, when






def _scenario(tmp_path, name, seed):
    """The same actions on a fresh sandbox; returns what an analyst would look at."""
    with Sandbox(db_path=tmp_path / name, rate_limits=None, start_time=START,
                 seed=seed) as sb:
        api = Api(sb)
        cid = api.ready_campaign(n_leads=120, delays=(0, 2, 4), accounts=2)
        sb.advance(days=20)
        analytics = api.get(f"/campaigns/{cid}/analytics").json()
        stats = api.statistics(cid)
        return analytics, stats


def test_same_seed_same_results_and_other_seed_differs(tmp_path):
    a1, s1 = _scenario(tmp_path, "a.sqlite3", seed=7)
    a2, s2 = _scenario(tmp_path, "b.sqlite3", seed=7)
    a3, s3 = _scenario(tmp_path, "c.sqlite3", seed=8)
    assert a1 == a2 and s1 == s2
    assert s1 != s3


def test_sending_produces_engagement_consistent_with_statistics(sandbox, api):
    cid = api.ready_campaign(n_leads=200, delays=(0, 2), accounts=2)
    sandbox.advance(days=14)
    a = api.get(f"/campaigns/{cid}/analytics").json()
    rows = api.statistics(cid)
    assert int(a["sent_count"]) == len(rows) > 0
    assert int(a["unique_sent_count"]) == len({r["lead_email"] for r in rows})
    assert int(a["unique_open_count"]) == len({r["lead_email"] for r in rows if r["open_time"]}) > 0
    assert int(a["open_count"]) == sum(r["open_count"] for r in rows)
    assert int(a["reply_count"]) == sum(1 for r in rows if r["reply_time"]) > 0
    assert int(a["bounce_count"]) == sum(r["is_bounced"] for r in rows)
    lead_stats = a["campaign_lead_stats"]
    assert lead_stats["total"] == 200 == sum(lead_stats[k] for k in (
        "notStarted", "inprogress", "completed", "paused", "stopped", "blocked"))


def test_sends_stay_inside_schedule_and_daily_cap(sandbox, api):
    cid = api.ready_campaign(n_leads=50, delays=(0,), accounts=2, start=False)
    api.post(f"/campaigns/{cid}/schedule", json={
        "timezone": "America/New_York", "days_of_the_week": [1, 3], "start_hour": "10:00",
        "end_hour": "12:00", "max_new_leads_per_day": 5})
    api.post(f"/campaigns/{cid}/status", json={"status": "START"})
    sandbox.advance(days=14)
    rows = api.statistics(cid)
    ny = ZoneInfo("America/New_York")
    per_day = {}
    for row in rows:
        local = when(row["sent_time"]).astimezone(ny)
        assert local.isoweekday() in (1, 3)            # Monday, Wednesday
        assert "10:00" <= local.strftime("%H:%M") < "12:00"
        per_day[local.date()] = per_day.get(local.date(), 0) + 1
    # two weeks of Mondays and Wednesdays, five new leads each
    assert sorted(per_day.values()) == [5, 5, 5, 5]


def test_follow_ups_wait_for_their_delay(sandbox, api):
    cid = api.ready_campaign(n_leads=30, delays=(0, 3), accounts=2)
    sandbox.advance(days=1)
    assert {r["sequence_number"] for r in api.statistics(cid)} == {1}
    sandbox.advance(days=13)
    rows = api.statistics(cid)
    first = {r["lead_email"]: when(r["sent_time"]) for r in rows if r["sequence_number"] == 1}
    second = {r["lead_email"]: when(r["sent_time"]) for r in rows if r["sequence_number"] == 2}
    assert second, "some follow-ups should have gone out"
    for email, sent in second.items():
        assert sent - first[email] >= timedelta(days=3)
    subjects = {r["email_subject"] for r in rows if r["sequence_number"] == 2}
    assert all(s.startswith("Re: Step 1 for Lead") for s in subjects)


def test_paused_lead_gets_nothing_and_resume_delay_is_honoured(sandbox, api):
    cid = api.ready_campaign(n_leads=3, delays=(0,), start=False)
    ids = {r["lead"]["email"]: r["lead"]["id"]
           for r in api.get(f"/campaigns/{cid}/leads").json()["data"]}
    paused, delayed = ids[f"lead0.{cid}@example.com"], ids[f"lead1.{cid}@example.com"]
    api.post(f"/campaigns/{cid}/leads/{paused}/pause")
    api.post(f"/campaigns/{cid}/leads/{delayed}/pause")
    api.post(f"/campaigns/{cid}/leads/{delayed}/resume", json={"resume_lead_with_delay_days": 2})
    api.post(f"/campaigns/{cid}/status", json={"status": "START"})
    sandbox.advance(days=1)
    sent = {r["lead_email"] for r in api.statistics(cid)}
    assert sent == {f"lead2.{cid}@example.com"}
    sandbox.advance(days=3)
    rows = api.statistics(cid)
    assert f"lead0.{cid}@example.com" not in {r["lead_email"] for r in rows}
    late = [r for r in rows if r["lead_email"] == f"lead1.{cid}@example.com"]
    assert len(late) == 1 and when(late[0]["sent_time"]) >= START + timedelta(days=2)
    status = {r["lead"]["id"]: r["status"]
              for r in api.get(f"/campaigns/{cid}/leads").json()["data"]}
    assert status[paused] == "PAUSED"


def test_paused_campaign_sends_nothing(sandbox, api):
    cid = api.ready_campaign(n_leads=5)
    api.post(f"/campaigns/{cid}/status", json={"status": "PAUSED"})
    sandbox.advance(days=5)
    assert api.get(f"/campaigns/{cid}/analytics").json()["sent_count"] == "0"


def test_no_opens_without_open_tracking(sandbox, api):
    cid = api.ready_campaign(n_leads=60, delays=(0,), accounts=2, start=False)
    api.post(f"/campaigns/{cid}/settings", json={"track_settings": ["DONT_TRACK_EMAIL_OPEN"]})
    api.post(f"/campaigns/{cid}/status", json={"status": "START"})
    sandbox.advance(days=3)
    a = api.get(f"/campaigns/{cid}/analytics").json()
    assert int(a["sent_count"]) == 60 and a["open_count"] == "0"
    assert int(a["click_count"]) > 0      # clicks are still tracked


def test_events_appear_only_once_the_clock_reaches_them(sandbox, api):
    cid = api.ready_campaign(n_leads=60, delays=(0,), accounts=2)
    sandbox.advance(hours=9)              # the window closed at 17:00, an hour ago
    early = api.get(f"/campaigns/{cid}/analytics").json()
    api.post(f"/campaigns/{cid}/status", json={"status": "PAUSED"})
    sandbox.advance(days=4)
    late = api.get(f"/campaigns/{cid}/analytics").json()
    assert early["sent_count"] == late["sent_count"] == "60"
    assert int(late["open_count"]) > int(early["open_count"])
    assert int(late["reply_count"]) >= int(early["reply_count"])


def test_campaign_completes_when_every_lead_is_done(sandbox, api):
    cid = api.ready_campaign(n_leads=4, delays=(0,))
    sandbox.advance(days=1)
    assert api.get(f"/campaigns/{cid}").json()["status"] == "COMPLETED"
    statuses = {r["status"] for r in api.get(f"/campaigns/{cid}/leads").json()["data"]}
    assert statuses <= {"COMPLETED", "STOPPED"}
    history = api.get(f"/campaigns/{cid}/leads/"
                      f"{api.get(f'/campaigns/{cid}/leads').json()['data'][0]['lead']['id']}"
                      "/message-history").json()
    assert history["history"][0]["type"] == "SENT"
    assert history["history"][0]["subject"] == "Step 1 for Lead0"
    assert history["from"].endswith("@demo-sender.example")


def test_lead_blocked_after_import_is_not_emailed(sandbox, api):
    cid = api.ready_campaign(n_leads=3, domain="later-blocked.example")
    sandbox.add_to_block_list("later-blocked.example")
    sandbox.advance(days=1)
    a = api.get(f"/campaigns/{cid}/analytics").json()
    assert a["sent_count"] == "0" and a["block_count"] == "3"


def test_advance_via_control_endpoint(sandbox, api):
    r = api.post("/_sandbox/advance", json={"days": 1, "hours": 2})
    assert r.json() == {"ok": True, "now": "2025-06-03T10:00:00.000Z"}
    assert sandbox.now == START + timedelta(days=1, hours=2)
    assert api.post("/_sandbox/advance", json={"days": -1}).status_code == 400
    assert sandbox.now.tzinfo is not None and sandbox.now.utcoffset() == timedelta(0)
    assert api.get("/_sandbox/state").json()["now"] == "2025-06-03T10:00:00.000Z"
    assert datetime(2025, 6, 3, 10, tzinfo=timezone.utc) == sandbox.now


def test_ab_variants_follow_their_percentages(sandbox, api):
    cid = api.ready_campaign(n_leads=300, delays=(0,), accounts=5, start=False)
    step = api.get(f"/campaigns/{cid}/sequences").json()[0]
    api.post(f"/campaigns/{cid}/sequences", json={"sequences": [{
        "id": step["id"], "seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
        "seq_variants": [
            {"variant_label": "A", "subject": "A for {{first_name}}", "email_body": "a",
             "variant_distribution_percentage": 80},
            {"variant_label": "B", "subject": "B", "email_body": "b",
             "variant_distribution_percentage": 20}]}]})
    api.post(f"/campaigns/{cid}/schedule", json={"max_new_leads_per_day": 300})
    api.post(f"/campaigns/{cid}/status", json={"status": "START"})
    sandbox.advance(days=1)                  # Monday's window only
    variants = {v["variant_label"]: v["id"]
                for v in api.get(f"/campaigns/{cid}/sequences").json()[0]["seq_variants"]}
    rows = api.statistics(cid)
    assert len(rows) == 200                  # five healthy mailboxes, 200 emails a day
    share_a = sum(r["seq_variant_id"] == variants["A"] for r in rows) / len(rows)
    assert 0.7 < share_a < 0.9
    assert {r["seq_variant_id"] for r in rows} == set(variants.values())
    assert all(r["email_subject"].startswith("A for Lead") for r in rows
               if r["seq_variant_id"] == variants["A"])


def _story(api, name="Stable story"):
    """One campaign's outcomes as an analyst reads them, free of ids and absolute times."""
    cid = api.create(name)
    steps = [{"seq_number": i + 1, "seq_delay_details": {"delay_in_days": d},
              "subject": "Hello" if i == 0 else "", "email_body": f"Body {i + 1}"}
             for i, d in enumerate((0, 2, 4))]
    assert api.post(f"/campaigns/{cid}/sequences", json={"sequences": steps}).ok
    accounts = api.healthy_account_ids()[:2]
    assert api.post(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": accounts}).ok
    api.add_leads(cid, [{"email": f"person{i}@stable.example"} for i in range(150)])
    assert api.post(f"/campaigns/{cid}/status", json={"status": "START"}).ok
    api.sb.advance(days=21)
    story = {}
    for r in api.statistics(cid):
        reply = when(r["reply_time"]) - when(r["sent_time"]) if r["reply_time"] else None
        story[(r["lead_email"], r["sequence_number"])] = (
            r["is_bounced"], reply, r["lead_category"] if "lead_category" in r else None,
            accounts.index(int(r["email_account_id"])) if "email_account_id" in r else None)
    return story


def test_a_campaigns_outcomes_do_not_depend_on_what_else_the_sandbox_holds(tmp_path):
    """Issue 11: the same campaign tells the same story on a fresh sandbox and on one that
    already holds other campaigns, other leads and a clock moved on by a few days."""
    with Sandbox(db_path=tmp_path / "fresh.sqlite3", rate_limits=None, start_time=START,
                 seed=7) as sb:
        fresh = _story(Api(sb))
    with Sandbox(db_path=tmp_path / "used.sqlite3", rate_limits=None, start_time=START,
                 seed=7) as sb:
        api = Api(sb)
        for n in range(3):   # earlier notebooks: more campaigns, more leads, ids used up
            api.ready_campaign(n_leads=40 + n, name=f"Earlier {n}")
        sb.advance(days=3, hours=5)
        used = _story(api)
    assert len(fresh) > 300 and fresh.keys() == used.keys()
    assert fresh == used
    assert any(v[1] is not None for v in fresh.values())   # replies happened at all
