"""Agency clients and their API keys over real HTTP: save, list, create, reset and delete keys,
and the refusals."""
import pytest


def test_client_save_list_and_keys(api):
    r = api.post("/client/save", json={"name": "Acme", "email": "ops@acme.example",
                                       "permission": ["full_access"]})
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["name"] == "Acme" and data["api_key"].startswith("sandbox_cl_")
    listed = api.get("/client/").json()
    assert listed["ok"] is True and [c["id"] for c in listed["data"]] == [data["id"]]
    made = api.post("/client/api-key", json={"clientId": data["id"], "keyName": "reporting"})
    key = made.json()["data"]
    assert key["keyName"] == "reporting" and key["api_key"].startswith("sandbox_cl_")
    keys = api.get("/client/api-key", params={"clientId": data["id"]}).json()["data"]
    assert [k["keyName"] for k in keys] == ["Default", "reporting"]
    reset = api.call("PUT", f"/client/api-key/reset/{key['id']}").json()["data"]
    assert reset["api_key"] != key["api_key"]
    assert api.delete(f"/client/api-key/{key['id']}").json() == {"ok": True}
    assert api.delete(f"/client/api-key/{key['id']}").status_code == 404


@pytest.mark.parametrize("body, fragment", [
    ({"name": "Acme"}, '"email" is required'),
    ({"email": "a@b.example"}, '"name" is required'),
    ({"name": "Acme", "email": "not-an-email"}, '"email" must be a valid email'),
    ({"name": "Acme", "email": "a@b.example", "colour": "red"}, '"colour" is not allowed'),
])
def test_client_save_refusals(api, body, fragment):
    r = api.post("/client/save", json=body)
    assert r.status_code == 400 and fragment in r.json()["error"]
    assert api.get("/client/").json()["data"] == []


def test_client_key_for_unknown_client_is_404(api):
    r = api.post("/client/api-key", json={"clientId": 5, "keyName": "x"})
    assert r.status_code == 404 and r.json() == {"error": "Client not found - Invalid clientId 5."}
