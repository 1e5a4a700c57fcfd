"""Threads over real HTTP: replying into a lead's thread (recorded, never sent) and pushing a
lead into a subsequence, whose thread carries on from the parent campaign's."""

from datetime import timedelta

from smartlead_nb.sandbox.timeutil import iso

from ..leads.test_lead_ops import _one


def _replied_thread(api, sandbox):
    """A started campaign after enough days for replies; (campaign id, lead id, REPLY item)."""
    cid = api.ready_campaign(n_leads=60, delays=(0, 3))
    sandbox.advance(days=8)
    for row in api.get(f"/campaigns/{cid}/leads").json()["data"]:
        lid = row["lead"]["id"]
        history = api.get(f"/campaigns/{cid}/leads/{lid}/message-history").json()["history"]
        replies = [h for h in history if h["type"] == "REPLY"]
        if replies:
            return cid, lid, replies[-1]
    raise AssertionError("no reply after eight days")


def test_reply_is_appended_to_the_history_as_sent_from_the_campaign_mailbox(api, sandbox):
    cid, lid, reply = _replied_thread(api, sandbox)
    before = api.get(f"/campaigns/{cid}/leads/{lid}/message-history").json()
    r = api.post(f"/campaigns/{cid}/reply-email-thread", json={
        "email_stats_id": reply["stats_id"], "email_body": "<p>Tuesday works.</p>",
        "reply_message_id": reply["message_id"], "reply_email_time": reply["time"],
        "reply_email_body": reply["email_body"], "cc": "cfo@example.eu"})
    assert (r.status_code, r.json()) == (200, {"ok": True, "data": "success"})
    after = api.get(f"/campaigns/{cid}/leads/{lid}/message-history").json()
    assert after["history"][:-1] == before["history"]
    last = after["history"][-1]
    assert last["type"] == "SENT" and last["email_body"] == "<p>Tuesday works.</p>"
    assert last["subject"].startswith("Re: ") and last["stats_id"] != reply["stats_id"]
    assert last["from"] == before["from"] and after["from"] == before["from"]
    assert last["time"] == iso(sandbox.now)


def test_reply_validation_follows_joi(api, sandbox):
    cid, lid, reply = _replied_thread(api, sandbox)
    path = f"/campaigns/{cid}/reply-email-thread"
    good = {"email_stats_id": reply["stats_id"], "email_body": "<p>Hi</p>"}
    cases = [
        ({"email_body": "<p>Hi</p>"}, '"email_stats_id" is required'),
        ({**good, "email_stats_id": int(reply["stats_id"])}, '"email_stats_id" must be a string'),
        ({"email_stats_id": reply["stats_id"]}, '"email_body" is required'),
        ({**good, "lead_id": lid}, '"lead_id" is not allowed'),
        ({**good, "cc": ["a@example.com"]}, '"cc" must be a string'),
        ({**good, "email_stats_id": "no-such-stats-id"}, "Invalid email_stats_id or campaign_id"),
    ]
    for body, message in cases:
        r = api.post(path, json=body)
        assert (r.status_code, r.json()) == (400, {"error": message}), body
    other = api.create("Other")
    r = api.post(f"/campaigns/{other}/reply-email-thread", json=good)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid email_stats_id or campaign_id"})
    assert api.post("/campaigns/999999/reply-email-thread", json=good).status_code == 404
    history = api.get(f"/campaigns/{cid}/leads/{lid}/message-history").json()["history"]
    assert history[-1]["type"] == "REPLY"        # nothing refused was appended


def test_push_to_subsequence_keeps_the_history_and_waits_the_delay_in_days(api, sandbox):
    cid, lid, reply = _replied_thread(api, sandbox)
    sub = api.post("/campaigns/create-subsequence", json={"parent_campaign_id": cid}).json()["id"]
    map_id = next(r["campaign_lead_map_id"] for r in api.get(f"/campaigns/{cid}/leads").json()[
        "data"] if r["lead"]["id"] == lid)
    parent_history = api.get(f"/campaigns/{cid}/leads/{lid}/message-history").json()["history"]
    r = api.post("/master-inbox/push-to-subsequence", json={
        "email_lead_map_id": map_id, "sub_sequence_id": sub, "sub_sequence_delay_time": 2,
        "stop_lead_on_parent_campaign_reply": True})
    body = r.json()
    assert r.status_code == 200 and body["ok"] is True
    assert body["data"]["parent_campaign_id"] == cid and body["data"]["sub_sequence_id"] == sub
    assert body["data"]["will_start_at"] == iso(sandbox.now + timedelta(days=2))
    rows = api.get(f"/campaigns/{sub}/leads").json()["data"]
    assert [(r["lead"]["id"], r["status"]) for r in rows] == [(lid, "STARTED")]
    history = api.get(f"/campaigns/{sub}/leads/{lid}/message-history").json()["history"]
    assert history == parent_history
    # A reply in the subsequence answers the same thread.
    r = api.post(f"/campaigns/{sub}/reply-email-thread",
                 json={"email_stats_id": reply["stats_id"], "email_body": "<p>Yes</p>"})
    assert r.status_code == 200, r.text
    again = api.post("/master-inbox/push-to-subsequence",
                     json={"email_lead_map_id": map_id, "sub_sequence_id": sub})
    assert again.json()["ok"] is False


def test_push_to_an_unrelated_campaign_is_an_error_inside_a_200(api):
    cid, other = api.create("Parent"), api.create("Not a child")
    lid = _one(api, cid)
    map_id = api.get(f"/campaigns/{cid}/leads").json()["data"][0]["campaign_lead_map_id"]
    r = api.post("/master-inbox/push-to-subsequence",
                 json={"email_lead_map_id": map_id, "sub_sequence_id": other})
    assert (r.status_code, r.json()) == (200, {
        "ok": False, "message": "Invalid subsequence or not related to the parent campaign"})
    r = api.post("/master-inbox/push-to-subsequence",
                 json={"email_lead_map_id": 1, "sub_sequence_id": other})
    assert (r.status_code, r.json()) == (404, {"error": "Lead not found"})
    r = api.post("/master-inbox/push-to-subsequence", json={"sub_sequence_id": other})
    assert (r.status_code, r.json()) == (400, {"error": '"email_lead_map_id" is required'})
    assert lid


def test_a_started_subsequence_sends_to_a_pushed_lead_after_the_delay(api, sandbox):
    cid, lid, _ = _replied_thread(api, sandbox)
    sub = api.post("/campaigns/create-subsequence", json={"parent_campaign_id": cid}).json()["id"]
    steps = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
              "subject": "", "email_body": "<p>A person will call you</p>"}]
    assert api.post(f"/campaigns/{sub}/sequences", json={"sequences": steps}).ok
    assert api.post(f"/campaigns/{sub}/email-accounts",
                    json={"email_account_ids": api.healthy_account_ids()[:1]}).ok
    map_id = next(r["campaign_lead_map_id"] for r in api.get(f"/campaigns/{cid}/leads").json()[
        "data"] if r["lead"]["id"] == lid)
    api.post("/master-inbox/push-to-subsequence", json={
        "email_lead_map_id": map_id, "sub_sequence_id": sub, "sub_sequence_delay_time": 3})
    assert api.post(f"/campaigns/{sub}/status", json={"status": "START"}).ok
    path = f"/campaigns/{sub}/leads/{lid}/message-history"
    before = len(api.get(path).json()["history"])
    sandbox.advance(days=2)
    assert len(api.get(path).json()["history"]) == before        # still waiting the delay
    sandbox.advance(days=3)
    history = api.get(path).json()["history"]
    assert history[-1]["email_body"] == "<p>A person will call you</p>"
