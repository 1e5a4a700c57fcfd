"""Auth, routing, body parsing and the request log."""
import requests


def test_missing_key_is_401(sandbox):
    r = requests.get(sandbox.base_url + "/campaigns", timeout=5)
    assert r.status_code == 401
    assert r.json() == {"message": "Invalid API Key"}


def test_wrong_key_is_401_and_changes_nothing(sandbox, api):
    r = requests.post(sandbox.base_url + "/campaigns/create", params={"api_key": "nope"},
                      json={"name": "x"}, timeout=5)
    assert r.status_code == 401
    assert r.json() == {"message": "Invalid API Key"}
    assert api.get("/campaigns").json() == []


def test_trailing_slash_is_optional(api):
    cid = api.create("slash")
    assert [c["id"] for c in api.get("/campaigns/").json()] == [cid]
    assert [c["id"] for c in api.get("/campaigns").json()] == [cid]
    assert api.get(f"/campaigns/{cid}/").json()["id"] == cid


def test_unknown_route_is_404_resource_not_found(api):
    r = api.get("/no-such-thing")
    assert r.status_code == 404
    assert r.json() == {"error": "Resource not found"}


def test_wrong_method_on_known_path_is_405_json(api):
    r = api.call("PUT", "/campaigns/create")
    assert r.status_code == 405
    assert "error" in r.json()


def test_malformed_json_is_400(api):
    r = api.post("/campaigns/create", data="{not json",
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "Malformed JSON" in r.json()["error"]


def test_request_log_records_path_query_and_body_without_key(sandbox, api):
    api.post("/campaigns/create/", json={"name": "logged"})
    api.get("/email-accounts/", params={"limit": 5})
    log = sandbox.requests
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/campaigns/create", 200), ("GET", "/email-accounts", 200)]
    assert log[0]["json"] == {"name": "logged"}
    assert log[1]["query"] == {"limit": "5"}
    assert all("api_key" not in e["query"] and e["fault"] is None for e in log)
    assert log[0]["time"] <= log[1]["time"]
    sandbox.clear_requests()
    assert sandbox.requests == []


def test_control_requests_are_not_logged_and_need_the_key(sandbox, api):
    r = requests.get(sandbox.base_url + "/_sandbox/state", timeout=5)
    assert r.status_code == 401
    state = api.get("/_sandbox/state").json()
    assert state["campaigns"] == 0 and state["email_accounts"] == 6
    assert sandbox.requests == []


def test_concurrent_requests_are_each_atomic(sandbox, api):
    from concurrent.futures import ThreadPoolExecutor

    from ..helpers.sandbox import Api

    def work(n):
        client = Api(sandbox)
        cid = client.create(f"c{n}")
        body = client.add_leads(cid, [{"email": f"t{n}.{i}@example.com"} for i in range(20)])
        return cid, body["upload_count"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(24)))
    assert len({cid for cid, _ in results}) == 24
    assert all(count == 20 for _, count in results)
    assert api.get("/_sandbox/state").json()["leads"] == 24 * 20
