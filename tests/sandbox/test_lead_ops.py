"""Per-lead operations: lookups, pause/resume, delete, unsubscribe, update, history."""


def _one(api, cid, email="solo@example.com", **fields):
    return api.add_leads(cid, [{"email": email, **fields}], return_lead_ids=True)[
        "emailToLeadIdMap"]["newlyAddedLeads"][email]


def _status(api, cid, lid):
    rows = api.get(f"/campaigns/{cid}/leads").json()["data"]
    return next(r["status"] for r in rows if r["lead"]["id"] == lid)


def test_fetch_by_email_unknown_is_empty_object(api):
    r = api.get("/leads/", params={"email": "nobody@example.com"})
    assert (r.status_code, r.json()) == (200, {})


def test_fetch_by_email_known_has_string_id_and_campaign_data(api):
    cid = api.create("c")
    lid = _one(api, cid, first_name="Solo")
    lead = api.get("/leads/", params={"email": "SOLO@example.com"}).json()
    assert lead["id"] == str(lid) and lead["first_name"] == "Solo"
    assert [(d["campaign_id"], d["lead_status"]) for d in lead["lead_campaign_data"]] == \
        [(cid, "STARTED")]
    assert api.get(f"/leads/{lid}/campaigns").json() == [
        {"id": cid, "status": "DRAFTED", "name": "c"}]


def test_unknown_lead_is_404(api):
    cid = api.create()
    for method, path in [("POST", f"/campaigns/{cid}/leads/1/pause"),
                         ("DELETE", f"/campaigns/{cid}/leads/1"),
                         ("POST", "/leads/1/unsubscribe"), ("GET", "/leads/1/campaigns")]:
        r = api.call(method, path)
        assert (r.status_code, r.json()) == (404, {"error": "Lead not found - Invalid lead_id."})


def test_pause_resume(api):
    cid = api.create()
    lid = _one(api, cid)
    assert api.post(f"/campaigns/{cid}/leads/{lid}/pause").json() == \
        {"ok": True, "data": "success"}
    assert _status(api, cid, lid) == "PAUSED"
    r = api.post(f"/campaigns/{cid}/leads/{lid}/resume", json={"resume_lead_with_delay_days": 2})
    assert r.json() == {"ok": True, "data": "success"}
    assert _status(api, cid, lid) == "STARTED"
    bad = api.post(f"/campaigns/{cid}/leads/{lid}/resume",
                   json={"resume_lead_with_delay_days": -1})
    assert bad.status_code == 400


def test_delete_from_campaign_keeps_the_lead(api):
    cid = api.create()
    lid = _one(api, cid)
    assert api.delete(f"/campaigns/{cid}/leads/{lid}").json() == {"ok": True}
    assert api.get(f"/campaigns/{cid}/leads").json()["total_leads"] == "0"
    assert api.get("/leads/", params={"email": "solo@example.com"}).json()["id"] == str(lid)


def test_unsubscribe_one_campaign_vs_all(api):
    a, b = api.create("a"), api.create("b")
    lid = _one(api, a)
    api.add_leads(b, [{"email": "solo@example.com"}], ignore_duplicate_leads_in_other_campaign=True)
    assert api.post(f"/campaigns/{a}/leads/{lid}/unsubscribe").json() == {"ok": True}
    assert (_status(api, a, lid), _status(api, b, lid)) == ("PAUSED", "STARTED")
    api.post(f"/leads/{lid}/unsubscribe")
    assert (_status(api, a, lid), _status(api, b, lid)) == ("STOPPED", "STOPPED")
    assert api.get("/leads/", params={"email": "solo@example.com"}).json()["is_unsubscribed"]


def test_update_lead_is_account_wide(api):
    a, b = api.create("a"), api.create("b")
    lid = _one(api, a, company_name="Old")
    api.add_leads(b, [{"email": "solo@example.com"}], ignore_duplicate_leads_in_other_campaign=True)
    r = api.post(f"/campaigns/{a}/leads/{lid}", json={"company_name": "New",
                                                       "custom_fields": {"tier": "1"}})
    assert r.json() == {"ok": True}
    row = api.get(f"/campaigns/{b}/leads").json()["data"][0]["lead"]
    assert row["company_name"] == "New" and row["custom_fields"] == {"tier": "1"}
    assert api.post(f"/campaigns/{a}/leads/{lid}", json={"nope": 1}).status_code == 400


def test_message_history_empty_before_sending(api):
    cid = api.create()
    lid = _one(api, cid)
    h = api.get(f"/campaigns/{cid}/leads/{lid}/message-history").json()
    assert h == {"history": [], "from": None, "to": "solo@example.com"}
