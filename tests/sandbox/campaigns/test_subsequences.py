"""Creating a subsequence: a DRAFTED campaign with a parent, and the refusals."""


def test_create_subsequence_is_a_drafted_campaign_with_a_parent(api):
    parent = api.create("Parent")
    r = api.post("/campaigns/create-subsequence",
                 json={"parent_campaign_id": parent, "subsequence_name": "Interested Reply"})
    body = r.json()
    assert r.status_code == 200 and body["ok"] is True
    assert body["id"] == body["subsequence_id"] and body["name"] == "Interested Reply"
    got = api.get(f"/campaigns/{body['id']}").json()
    assert (got["status"], got["parent_campaign_id"]) == ("DRAFTED", parent)
    unnamed = api.post("/campaigns/create-subsequence", json={"parent_campaign_id": parent})
    assert unnamed.json()["name"]
    for bad, message in [({}, '"parent_campaign_id" is required'),
                         ({"parent_campaign_id": "x"}, '"parent_campaign_id" must be a number'),
                         ({"parent_campaign_id": parent, "x": 1}, '"x" is not allowed')]:
        r = api.post("/campaigns/create-subsequence", json=bad)
        assert (r.status_code, r.json()) == (400, {"error": message})
    assert api.post("/campaigns/create-subsequence",
                    json={"parent_campaign_id": 999999}).status_code == 404
