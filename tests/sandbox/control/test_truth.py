"""A campaign's known truth (``/_sandbox/truth``): stored, validated, and recovered from what
the API shows: bounce schedules per sender, reply delays and censoring, reply categories
(out-of-office goes on, unsubscribe replies unsubscribe), determinism, defaults untouched."""
import math
import sqlite3

import pytest

from smartlead_nb.sandbox import Sandbox

from tests.helpers.sandbox import START, Api, when

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]






def _campaign(api, n_leads, *, delays=(0,), accounts=None, name="Truth", variants=None,
              per_day=1000, domain="truth.example"):
    """A DRAFTED campaign sending every day (so tests need fewer simulated days)."""
    cid = api.create(name)
    steps = [{"seq_number": i + 1, "seq_delay_details": {"delay_in_days": d},
              "subject": "Hello" if i == 0 else "", "email_body": f"Body {i + 1}"}
             for i, d in enumerate(delays)]
    if variants:
        steps[0]["seq_variants"] = [
            {"subject": f"Subject {label}", "email_body": f"Body {label}", "variant_label": label,
             "variant_distribution_percentage": 100 // len(variants)} for label in variants]
    r = api.post(f"/campaigns/{cid}/sequences", json={"sequences": steps})
    assert r.ok, r.text
    ids = accounts or api.healthy_account_ids()
    assert api.post(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": ids}).ok
    r = api.post(f"/campaigns/{cid}/schedule", json={
        "timezone": "UTC", "days_of_the_week": ALL_DAYS, "start_hour": "09:00",
        "end_hour": "17:00", "max_new_leads_per_day": per_day})
    assert r.ok, r.text
    leads = [{"email": f"p{i}.{name.lower()}@{domain}"} for i in range(n_leads)]
    for chunk in range(0, n_leads, 400):
        api.add_leads(cid, leads[chunk:chunk + 400])
    return cid


def _start(api, cid):
    r = api.post(f"/campaigns/{cid}/status", json={"status": "START"})
    assert r.status_code == 200, r.text


def _set_truth(api, cid, **truth):
    r = api.post("/_sandbox/truth", json={"campaign_id": cid, **truth})
    assert r.status_code == 200, r.text
    return r.json()


def _near(observed, p, n, sds=4.5):
    """Within ``sds`` binomial standard deviations of the truth (a false alarm ~1e-5)."""
    return abs(observed - p) <= sds * math.sqrt(p * (1 - p) / n) + 1e-9


# -- storage, validation --------------------------------------------------------------------

def test_truth_is_stored_read_back_survives_a_restart_and_reset_forgets_it(tmp_path):
    path = tmp_path / "sandbox.sqlite3"
    with Sandbox(db_path=path, rate_limits=None, start_time=START) as sb:
        api = Api(sb)
        account = api.healthy_account_ids()[0]
        cid = _campaign(api, 1, accounts=[account], variants=["A", "B"])
        assert api.get("/_sandbox/truth", params={"campaign_id": cid}).json()["truth"] is None
        answer = _set_truth(api, cid, reply_rates={"A": 0.05, "B": 0.15, "1": 0.1},
                            positive_share=0.5, reply_delay_days=3,
                            bounce_rates={str(account): {"rate": 0.02, "from_day": 5,
                                                         "then": 0.2}})
    truth = {"reply_rates": {"A": 0.05, "B": 0.15, "1": 0.1}, "positive_share": 0.5,
             "bounce_rates": {str(account): {"rate": 0.02, "from_day": 5, "then": 0.2}},
             "reply_delay_days": 3.0}
    assert answer == {"ok": True, "campaign_id": cid, "truth": truth}
    with Sandbox(db_path=path, rate_limits=None) as sb:          # a restart
        api = Api(sb)
        assert api.get("/_sandbox/truth", params={"campaign_id": cid}).json() == {
            "campaign_id": cid, "truth": truth}
        # each call replaces the whole truth; one with no fields removes it
        assert _set_truth(api, cid, positive_share=0.2)["truth"] == {"positive_share": 0.2}
        assert _set_truth(api, cid)["truth"] is None
        _set_truth(api, cid, positive_share=0.2)
        assert api.post("/_sandbox/reset").ok
        r = api.get("/_sandbox/truth", params={"campaign_id": cid})
        assert r.status_code == 400 and "not a campaign" in r.json()["error"]
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM campaign_truth").fetchone() == (0,)


def test_a_file_from_before_truths_gets_the_table_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    with Sandbox(db_path=path, rate_limits=None, start_time=START) as sb:
        cid = Api(sb).create("Old")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE campaign_truth")
    with Sandbox(db_path=path, rate_limits=None) as sb:
        api = Api(sb)
        assert api.get(f"/campaigns/{cid}").ok
        assert _set_truth(api, cid, positive_share=0.3)["truth"] == {"positive_share": 0.3}


@pytest.mark.parametrize("truth, message", [
    ({"reply_rates": {"A": 1.5}}, "reply_rates['A'] must be a probability between 0 and 1; got 1.5"),
    ({"reply_rates": {"C": 0.1}}, "no variant or step 'C'; it has step 1 (variants A, B), step 2"),
    ({"reply_rates": {"3": 0.1}}, "no variant or step '3'"),
    ({"reply_rates": [0.1]}, "reply_rates must map variant labels"),
    ({"positive_share": -0.1}, "positive_share must be a probability"),
    ({"positive_share": True}, "positive_share must be a probability"),
    ({"bounce_rates": {"3999": 0.1}}, "sender account 3999 is not attached to the campaign"),
    ({"bounce_rates": {"maya": 0.1}}, "'maya' is not a sender account id"),
    ({"bounce_rates": {"ACCOUNT": {"rate": 0.1, "from_day": 5}}}, "from_day and then together"),
    ({"bounce_rates": {"ACCOUNT": {"rate": 0.1, "from_day": -1, "then": 0.2}}},
     "['from_day'] must be a whole number of days >= 0"),
    ({"bounce_rates": {"ACCOUNT": {"rate": 0.1, "from_day": 2, "then": 2}}}, "['then'] must be a probability"),
    ({"bounce_rates": {"ACCOUNT": {"rate": 0.1, "over_days": 5}}}, "over_days only with them"),
    ({"bounce_rates": {"ACCOUNT": {"rate": 0.1, "from_day": 0, "then": 0.2, "over_days": 0}}},
     "['over_days'] must be a whole number of days >= 1"),
    ({"bounce_rates": {"ACCOUNT": {"rate": 0.1, "from_day": 0, "then": 0.2, "over_days": 2.5}}},
     "['over_days'] must be a whole number of days >= 1"),
    ({"reply_delay_days": 0}, "reply_delay_days must be a number of days above 0"),
    ({"reply_delay_days": "3"}, "reply_delay_days must be a number of days above 0"),
    ({"reply_rate": 0.1}, '"reply_rate" is not allowed'),
])
def test_a_bad_truth_is_a_400_naming_the_value_and_nothing_is_stored(api, truth, message):
    account = api.healthy_account_ids()[0]
    cid = _campaign(api, 1, delays=(0, 2), accounts=[account], variants=["A", "B"])
    _set_truth(api, cid, positive_share=0.5)
    if "bounce_rates" in truth:
        truth = {"bounce_rates": {k.replace("ACCOUNT", str(account)): v
                                  for k, v in truth["bounce_rates"].items()}}
    r = api.post("/_sandbox/truth", json={"campaign_id": cid, **truth})
    assert r.status_code == 400
    assert message in r.json()["error"]
    assert api.get("/_sandbox/truth", params={"campaign_id": cid}).json()["truth"] == {
        "positive_share": 0.5}


@pytest.mark.parametrize("campaign_id", [None, "x", 999_999])
def test_truth_for_no_or_an_unknown_campaign_is_a_400(api, campaign_id):
    r = api.post("/_sandbox/truth", json={"campaign_id": campaign_id, "positive_share": 0.1})
    assert r.status_code == 400 and '"campaign_id"' in r.json()["error"]
    r = api.get("/_sandbox/truth", params={} if campaign_id is None else {"campaign_id": campaign_id})
    assert r.status_code == 400


# -- what the simulation does with it ------------------------------------------------------

def test_a_drifting_mailbox_bounces_along_its_straight_line(sandbox, api):
    drifting = api.healthy_account_ids()[0]
    cid = _campaign(api, 560, accounts=[drifting], name="Drift")
    schedule = {"rate": 0.02, "from_day": 0, "then": 0.3, "over_days": 14}
    assert _set_truth(api, cid, bounce_rates={drifting: schedule})["truth"] == {
        "bounce_rates": {str(drifting): schedule}}
    _start(api, cid)
    sandbox.advance(days=14)
    rows = api.statistics(cid)
    first_day = min(when(r["sent_time"]).date() for r in rows)
    by_half = [[r["is_bounced"] for r in rows
                if (when(r["sent_time"]).date() - first_day).days // 7 == half] for half in (0, 1)]
    # days 0-6 average 0.02 + 0.28 * 3/14 = 0.08; days 7-13 average 0.02 + 0.28 * 10/14 = 0.22
    assert _near(sum(by_half[0]) / len(by_half[0]), 0.08, len(by_half[0]))
    assert _near(sum(by_half[1]) / len(by_half[1]), 0.22, len(by_half[1]))


def test_a_degrading_mailbox_bounces_at_its_true_rate_before_and_after_from_day(sandbox, api):
    degrading, healthy = api.healthy_account_ids()[:2]
    # Only the degrading mailbox sends here (40 a day), so every row of the statistics is its.
    cid = _campaign(api, 560, accounts=[degrading], name="Solo")
    _set_truth(api, cid, bounce_rates={degrading: {"rate": 0.05, "from_day": 5, "then": 0.3}})
    _start(api, cid)
    sandbox.advance(days=14)
    rows = api.statistics(cid)
    first_day = min(when(r["sent_time"]).date() for r in rows)
    before = [r["is_bounced"] for r in rows if (when(r["sent_time"]).date() - first_day).days < 5]
    after = [r["is_bounced"] for r in rows if (when(r["sent_time"]).date() - first_day).days >= 5]
    assert len(before) == 200 and len(after) == 360       # 40 a day, every day
    assert _near(sum(before) / len(before), 0.05, len(before))
    assert _near(sum(after) / len(after), 0.3, len(after))


def test_bounce_rates_belong_to_the_sender_that_the_simulation_chose(sandbox, api):
    always, never = api.healthy_account_ids()[:2]
    cid = _campaign(api, 60, accounts=[always, never], name="Pair")
    _set_truth(api, cid, bounce_rates={always: 1.0, never: 0.0})
    _start(api, cid)
    sandbox.advance(days=2)
    senders = {a["id"]: a["from_email"] for a in api.get("/email-accounts/").json()}
    rows = api.statistics(cid)
    assert 0 < sum(r["is_bounced"] for r in rows) < len(rows) == 60
    for row in rows[:20]:
        lead_id = api.get("/leads", params={"email": row["lead_email"]}).json()["id"]
        history = api.get(f"/campaigns/{cid}/leads/{lead_id}/message-history").json()
        assert history["from"] == senders[always if row["is_bounced"] else never]


def test_reply_delays_have_the_true_mean_and_a_young_campaign_has_replies_to_come(sandbox, api):
    cid = _campaign(api, 400, name="Delay")
    _set_truth(api, cid, reply_rates={1: 0.5}, reply_delay_days=3, bounce_rates={
        a: 0.0 for a in api.healthy_account_ids()})
    _start(api, cid)
    sandbox.advance(days=2)                            # all 400 sent on the first two days
    young = api.statistics(cid)
    assert len(young) == 400
    sandbox.advance(days=40)                           # 40 days >> 6x the mean (the cap)
    old = api.statistics(cid)
    delays = [(when(r["reply_time"]) - when(r["sent_time"])).total_seconds() / 86400
              for r in old if r["reply_time"]]
    seen_young = sum(1 for r in young if r["reply_time"])
    assert _near(len(delays) / 400, 0.5, 400)
    # gamma(shape 2, mean 3): sd 2.12, so the mean of ~200 delays has sd ~0.15
    assert abs(sum(delays) / len(delays) - 3) < 0.6
    assert max(delays) > 7                             # replies keep coming for days
    # censoring: a day or two after the sends most replies are still to come (about 18% seen)
    assert 0.05 * len(delays) < seen_young < 0.4 * len(delays)


def test_reply_categories_follow_the_truth_ooo_goes_on_and_unsubscribe_replies_stop(sandbox, api):
    cid = _campaign(api, 1000, delays=(0, 1), name="Categories")
    _set_truth(api, cid, reply_rates={1: 0.6, 2: 0.0}, positive_share=0.4,
               bounce_rates={a: 0.0 for a in api.healthy_account_ids()})
    _start(api, cid)
    sandbox.advance(days=30)
    rows = api.statistics(cid)
    first = [r for r in rows if r["sequence_number"] == 1]
    second = {r["lead_email"] for r in rows if r["sequence_number"] == 2}
    replies = [r for r in first if r["reply_time"]]
    assert len(first) == 1000 and _near(len(replies) / 1000, 0.6, 1000)
    share = {name: sum(r["lead_category"] == name for r in replies) / len(replies)
             for name in ("Interested", "Meeting Request", "Out Of Office", "Do Not Contact")}
    n = len(replies)
    assert _near(share["Interested"] + share["Meeting Request"], 0.4, n)   # positive != reply
    assert _near(share["Out Of Office"], 0.6 * 0.30, n)
    assert _near(share["Do Not Contact"], 0.6 * 0.15, n)
    for r in replies:
        if r["lead_category"] == "Out Of Office":      # an auto-reply: the sequence goes on
            assert r["lead_email"] in second
        else:
            assert r["lead_email"] not in second
        # an unsubscribe reply unsubscribes the lead
        assert r["is_unsubscribed"] == (r["lead_category"] == "Do Not Contact")
    analytics = api.get(f"/campaigns/{cid}/analytics-by-date", params={
        "start_date": "2025-06-01", "end_date": "2025-06-30"}).json()
    ooo = int(analytics["total_reply_count"]) - int(analytics["non_ooo_reply_count"])
    assert ooo == sum(r["lead_category"] == "Out Of Office" for r in replies)


def _outcomes(rows):
    """What an analyst sees, without database ids (which depend on what else exists)."""
    keep = ("lead_email", "sequence_number", "email_subject", "sent_time", "open_time",
            "click_time", "reply_time", "lead_category", "is_bounced", "is_unsubscribed")
    return sorted(tuple(r[k] for k in keep) for r in rows)


def _run(tmp_path, name, *, other_first=False, truth=True, truth_then_removed=False, seed=7):
    """The same actions on a fresh sandbox; returns (this campaign's, the other's) outcomes."""
    with Sandbox(db_path=tmp_path / name, rate_limits=None, start_time=START, seed=seed) as sb:
        api = Api(sb)
        other = None
        if other_first:
            other = _campaign(api, 150, delays=(0, 2), name="Other", domain="other.example",
                              accounts=api.healthy_account_ids()[:2])
            _start(api, other)
        cid = _campaign(api, 150, delays=(0, 2), variants=["A", "B"], name="Known")
        if truth:
            _set_truth(api, cid, reply_rates={"A": 0.1, "B": 0.3, 2: 0.2}, positive_share=0.6,
                       reply_delay_days=2, bounce_rates={
                           api.healthy_account_ids()[0]: {"rate": 0, "from_day": 1, "then": 0.5}})
        if truth_then_removed:
            _set_truth(api, cid)
        _start(api, cid)
        sb.advance(days=12)
        return _outcomes(api.statistics(cid)), other and _outcomes(api.statistics(other))


def test_outcomes_are_deterministic_and_depend_only_on_the_campaign_its_truth_and_the_seed(
        tmp_path):
    alone, _ = _run(tmp_path, "a.sqlite3")
    again, _ = _run(tmp_path, "b.sqlite3")
    crowded, other_beside_truth = _run(tmp_path, "c.sqlite3", other_first=True)
    assert alone == again == crowded
    assert alone != _run(tmp_path, "d.sqlite3", seed=8)[0]
    # defaults unchanged: a campaign without a truth is simulated as ever, beside one with a
    # truth or not, and a truth set then removed leaves nothing behind
    _, other_alone = _run(tmp_path, "e.sqlite3", other_first=True, truth=False)
    assert other_beside_truth == other_alone
    no_truth, _ = _run(tmp_path, "f.sqlite3", truth=False)
    assert no_truth == _run(tmp_path, "g.sqlite3", truth_then_removed=True)[0] != alone
