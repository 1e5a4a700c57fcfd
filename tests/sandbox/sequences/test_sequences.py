"""Saving sequences replaces the list: update by id, create without, delete what is omitted."""


def _step(n, delay=0, **extra):
    return {"seq_number": n, "seq_delay_details": {"delay_in_days": delay},
            "subject": f"S{n}", "email_body": f"B{n}", **extra}


def _save(api, cid, steps):
    return api.post(f"/campaigns/{cid}/sequences", json={"sequences": steps})


def test_save_and_read_back_in_order(api):
    cid = api.create()
    r = _save(api, cid, [_step(2, 3, subject=""), _step(1)])
    assert r.json() == {"ok": True, "data": "success"}
    steps = api.get(f"/campaigns/{cid}/sequences").json()
    assert [(s["seq_number"], s["subject"], s["seq_delay_details"]) for s in steps] == [
        (1, "S1", {"delay_in_days": 0}), (2, "", {"delay_in_days": 3})]
    assert all(s["email_campaign_id"] == cid and s["seq_variants"] == [] for s in steps)


def test_update_by_id_keeps_ids_and_deletes_omitted(api):
    cid = api.create()
    _save(api, cid, [_step(1), _step(2, 2), _step(3, 4)])
    first, second, third = api.get(f"/campaigns/{cid}/sequences").json()
    r = _save(api, cid, [{**_step(1), "id": first["id"], "subject": "New S1"},
                         {**_step(2, 5), "id": third["id"]}])
    assert r.status_code == 200
    steps = api.get(f"/campaigns/{cid}/sequences").json()
    assert [(s["id"], s["seq_number"], s["subject"], s["seq_delay_details"]["delay_in_days"])
            for s in steps] == [(first["id"], 1, "New S1", 0), (third["id"], 2, "S2", 5)]
    assert second["id"] not in {s["id"] for s in steps}


def test_resaving_with_ids_does_not_duplicate(api):
    cid = api.create()
    _save(api, cid, [_step(1), _step(2, 1)])
    saved = api.get(f"/campaigns/{cid}/sequences").json()
    again = [{"id": s["id"], "seq_number": s["seq_number"], "subject": s["subject"],
              "email_body": s["email_body"], "seq_delay_details": s["seq_delay_details"]}
             for s in saved]
    _save(api, cid, again)
    assert [s["id"] for s in api.get(f"/campaigns/{cid}/sequences").json()] == \
        [s["id"] for s in saved]


def test_foreign_step_id_is_refused(api):
    a, b = api.create("a"), api.create("b")
    _save(api, a, [_step(1)])
    foreign = api.get(f"/campaigns/{a}/sequences").json()[0]["id"]
    r = _save(api, b, [{**_step(1), "id": foreign}])
    assert r.status_code == 400 and str(foreign) in r.json()["error"]
    assert api.get(f"/campaigns/{b}/sequences").json() == []


def test_variants_create_update_delete(api):
    cid = api.create()
    variants = [{"variant_label": "A", "subject": "a", "email_body": "ba",
                 "variant_distribution_percentage": 70},
                {"variant_label": "B", "subject": "b", "email_body": "bb",
                 "variant_distribution_percentage": 30}]
    _save(api, cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                      "variant_distribution_type": "MANUAL_PERCENTAGE",
                      "seq_variants": variants}])
    step = api.get(f"/campaigns/{cid}/sequences").json()[0]
    assert step["variant_distribution_type"] == "MANUAL_PERCENTAGE"
    got = {v["variant_label"]: v for v in step["seq_variants"]}
    assert got["A"]["variant_distribution_percentage"] == 70
    assert got["B"]["email_campaign_seq_id"] == step["id"] and got["B"]["is_deleted"] is False
    # keep A (by id, renamed subject), drop B, add C
    _save(api, cid, [{"id": step["id"], "seq_number": 1,
                      "seq_delay_details": {"delay_in_days": 0}, "seq_variants": [
                          {"id": got["A"]["id"], "variant_label": "A", "subject": "a2",
                           "email_body": "ba"},
                          {"variant_label": "C", "subject": "c", "email_body": "bc"}]}])
    after = api.get(f"/campaigns/{cid}/sequences").json()[0]["seq_variants"]
    assert [(v["id"] == got["A"]["id"], v["variant_label"], v["subject"],
             v["variant_distribution_percentage"]) for v in after] == [
        (True, "A", "a2", 50), (False, "C", "c", 50)]


def test_validation_errors(api):
    cid = api.create()
    cases = [
        ([{**_step(1), "seq_delay_details": {"delay_in_days": 400}}],
         '"sequences[0].seq_delay_details.delay_in_days" must be less than or equal to 365'),
        ([{**_step(1), "seq_number": "one"}], '"sequences[0].seq_number" must be a number'),
        ([_step(1), _step(1)], "Duplicate seq_number - 1"),
        ([{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}}],
         '"sequences[0].email_body" is required'),
        ([{**_step(1), "seq_variants": [
            {"variant_label": "A", "email_body": "x", "variant_distribution_percentage": 60},
            {"variant_label": "B", "email_body": "y", "variant_distribution_percentage": 60}]}],
         "sequences[0]: variant_distribution_percentage values must add up to 100, got 120"),
        ([{**_step(1), "seq_variants": [{"variant_label": "A", "email_body": "x"},
                                        {"variant_label": "A", "email_body": "y"}]}],
         "Duplicate variant_label - A in sequences[0]"),
        ([{**_step(1), "bogus": 1}], '"sequences[0].bogus" is not allowed'),
        # a required number: absent or null is "required", not "must be a number"
        ([{k: v for k, v in _step(1).items() if k != "seq_number"}],
         '"sequences[0].seq_number" is required'),
        ([{**_step(1), "seq_number": None}], '"sequences[0].seq_number" is required'),
        ([{**_step(1), "seq_delay_details": {}}],
         '"sequences[0].seq_delay_details.delay_in_days" is required'),
        ([_step(1), {**_step(2), "seq_delay_details": {"delay_in_days": None}}],
         '"sequences[1].seq_delay_details.delay_in_days" is required'),
        ([{**_step(1), "seq_number": 0}],
         '"sequences[0].seq_number" must be greater than or equal to 1'),
    ]
    for steps, error in cases:
        r = _save(api, cid, steps)
        assert (r.status_code, r.json().get("error")) == (400, error)
    assert api.get(f"/campaigns/{cid}/sequences").json() == []


def test_refused_while_active_then_allowed_when_paused(api):
    cid = api.ready_campaign()
    r = _save(api, cid, [_step(1)])
    assert r.status_code == 400 and "ACTIVE" in r.json()["error"]
    assert len(api.get(f"/campaigns/{cid}/sequences").json()) == 2
    api.post(f"/campaigns/{cid}/status", json={"status": "PAUSED"})
    assert _save(api, cid, [_step(1)]).status_code == 200
    assert len(api.get(f"/campaigns/{cid}/sequences").json()) == 1
