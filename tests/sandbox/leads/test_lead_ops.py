"""Per-lead operations: lookups, pause/resume, delete, unsubscribe, update (the record is
replaced), history, and the account-wide lead list."""


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


def test_global_leads_pages_with_has_more_and_lists_campaigns(api):
    a, b = api.create("A"), api.create("B")
    api.add_leads(a, [{"email": f"g{i}@example.com", "first_name": f"G{i}"} for i in range(5)])
    api.add_leads(b, [{"email": "g0@example.com"}, {"email": "solo@example.org"}],
                  ignore_duplicate_leads_in_other_campaign=True)
    first = api.get("/leads/global-leads", params={"limit": 4}).json()
    assert (first["skip"], first["limit"], first["hasMore"], len(first["data"])) == \
        (0, 4, True, 4)
    rest = api.get("/leads/global-leads", params={"limit": 4, "offset": 4}).json()
    assert (rest["hasMore"], len(rest["data"])) == (False, 2)
    g0 = first["data"][0]
    assert isinstance(g0["id"], str) and g0["email"] == "g0@example.com"
    assert [(c["campaign_id"], c["campaign_name"]) for c in g0["campaigns"]] == \
        [(a, "A"), (b, "B")]
    assert {"campaign_status", "lead_status", "lead_added_at", "email_lead_map_id",
            "lead_last_seq_number"} <= set(g0["campaigns"][0])
    one = api.get("/leads/global-leads", params={"email": "SOLO@example.org"}).json()["data"]
    assert [x["email"] for x in one] == ["solo@example.org"]
    assert api.get("/leads/global-leads", params={"limit": 101}).status_code == 422


def test_update_lead_replaces_the_record(api):
    cid = api.create()
    lid = _one(api, cid, first_name="Ana", company_name="Old", custom_fields={"tier": "1"})
    assert api.post(f"/campaigns/{cid}/leads/{lid}", json={"company_name": "New"}).ok
    lead = api.get("/leads/", params={"email": "solo@example.com"}).json()
    assert (lead["company_name"], lead["first_name"], lead["custom_fields"]) == ("New", None, {})
    assert lead["email"] == "solo@example.com"     # the address is who the lead is: it stays
