"""The block list over real HTTP: the seeded entries, paging and filters, refusals, and that the
list the API shows is the list lead imports check."""
import pytest


def test_block_list_is_a_bare_array_of_the_seeded_entries(api):
    entries = api.get("/leads/get-domain-block-list").json()
    assert isinstance(entries, list)
    assert [e["email_or_domain"] for e in entries] == ["blocked.example",
                                                       "do-not-email@example.com"]
    assert set(entries[0]) == {"id", "email_or_domain", "created_at", "source", "client_id"}


def test_block_list_pages_and_filters(api):
    r = api.post("/leads/add-domain-block-list",
                 json={"domain_block_list": ["a@one.example", "two.example", "A@ONE.example"]})
    assert r.status_code == 200 and r.json() == {"ok": True,
                                                 "message": "2 entries added to block list"}
    everything = api.get("/leads/get-domain-block-list").json()
    assert len(everything) == 4
    page = api.get("/leads/get-domain-block-list", params={"offset": 1, "limit": 2}).json()
    assert page == everything[1:3]
    found = api.get("/leads/get-domain-block-list",
                    params={"filter_email_or_domain": "one.exa"}).json()
    assert [e["email_or_domain"] for e in found] == ["a@one.example"]
    for bad in ({"limit": 1001}, {"limit": 0}, {"offset": -1}):
        assert api.get("/leads/get-domain-block-list", params=bad).status_code == 422


@pytest.mark.parametrize("body, fragment", [
    ({"domain_block_list": []}, '"domain_block_list" must be a non-empty array'),
    ({"domain_block_list": ["ok.example", "  "]}, '"domain_block_list[1]" is not allowed to be empty'),
    ({"domain_block_list": [3]}, '"domain_block_list[0]" must be a string'),
    ({"domain_block_list": ["x.example"], "client_id": 424242}, "Client not found"),
    ({"emails": ["x@y.example"]}, '"emails" is not allowed'),
])
def test_block_list_add_refusals(api, body, fragment):
    r = api.post("/leads/add-domain-block-list", json=body)
    assert r.status_code in (400, 404) and fragment in r.json()["error"]
    assert len(api.get("/leads/get-domain-block-list").json()) == 2


def test_the_api_block_list_is_the_list_imports_check(api):
    cid = api.create()
    api.post("/leads/add-domain-block-list", json={"domain_block_list": ["new-block.example"]})
    body = api.add_leads(cid, [{"email": "ana@new-block.example"},
                               {"email": "x@blocked.example"}, {"email": "ok@fine.example"}])
    assert (body["block_count"], body["upload_count"]) == (2, 1)
    # Deleting the seeded domain's entry lets its addresses in again.
    seeded = next(e for e in api.get("/leads/get-domain-block-list").json()
                  if e["email_or_domain"] == "blocked.example")
    assert api.delete("/leads/delete-domain-block-list",
                      params={"id": seeded["id"]}).json() == {"ok": True}
    body = api.add_leads(cid, [{"email": "x@blocked.example"}])
    assert (body["block_count"], body["upload_count"]) == (0, 1)


def test_sandbox_control_adds_to_the_same_list(sandbox, api):
    sandbox.add_to_block_list("vip@example.org")
    assert "vip@example.org" in [e["email_or_domain"]
                                 for e in api.get("/leads/get-domain-block-list").json()]


def test_block_list_delete_needs_a_known_id_in_the_query(api):
    for missing in ({}, {"id": ""}):
        r = api.delete("/leads/delete-domain-block-list", params=missing)
        assert (r.status_code, r.json()["error"]) == (400, '"id" is required')
    for bad, details in (("seven", '"id" must be a number'),
                         ("0", '"id" must be greater than or equal to 1')):
        r = api.delete("/leads/delete-domain-block-list", params={"id": bad})
        assert (r.status_code, r.json()["details"]) == (422, details)
    r = api.delete("/leads/delete-domain-block-list", params={"id": 99})
    assert r.status_code == 404 and "not found" in r.json()["error"]
