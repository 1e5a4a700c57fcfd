"""client.block_list (resources/block_list.py): entries checked before sending, pages, and deleting
an entry only with confirm=True."""

import pytest

from smartlead_nb import InputError, NotFoundError

from ..helpers import sent


# -- block list -------------------------------------------------------------------------------
def test_block_list_frame_and_add(client, sandbox):
    frame = client.block_list.frame()
    assert list(frame.columns[:5]) == ["id", "email_or_domain", "source", "client_id",
                                       "created_at"]
    assert set(frame["email_or_domain"]) == {"blocked.example", "do-not-email@example.com"}
    assert str(frame["created_at"].dtype).startswith("datetime64")
    answer = client.block_list.add(["ana@example.com", " rival.example "])
    assert answer["message"] == "2 entries added to block list"
    assert sent(sandbox, "POST", "/leads/add-domain-block-list")[-1]["json"] == \
        {"domain_block_list": ["ana@example.com", "rival.example"]}
    assert len(client.block_list.list()) == 4
    assert [e["email_or_domain"] for e in client.block_list.list(search="rival")] == ["rival.example"]


def test_block_list_pages_with_its_own_limit(client, sandbox):
    client.block_list.add([f"x{i}.example" for i in range(3)])
    sandbox.clear_requests()
    assert len(client.block_list.list(page_size=2)) == 5
    assert [r["query"]["limit"] for r in sent(sandbox, "GET")] == ["2", "2", "2"]
    with pytest.raises(InputError):
        client.block_list.list(page_size=1001)


@pytest.mark.parametrize("entries, fragment", [
    ([], "no block-list entries"),
    (["ok.example", ""], "entry 2 of 2 is empty"),
    (["  "], "entry 1 of 1 is empty"),
    (["not a domain"], "neither an email address"),
    (["ana@@example.com"], "entry 1 of 1: invalid email"),
    ([None], "entries are text"),
])
def test_bad_block_list_entries_are_refused_before_sending(client, sandbox, entries, fragment):
    with pytest.raises(InputError, match=fragment):
        client.block_list.add(entries)
    assert sent(sandbox) == []


def test_deleting_an_entry_needs_confirm_and_lets_leads_in(client, sandbox):
    entry = next(e for e in client.block_list.list() if e["email_or_domain"] == "blocked.example")
    cid = client.campaigns.create("Blocked")["id"]
    assert client.leads.add(cid, [{"email": "x@blocked.example"}])["block_count"] == 1
    sandbox.clear_requests()
    with pytest.raises(InputError, match="re-enables outreach.*Nothing was sent"):
        client.block_list.delete(entry["id"])
    with pytest.raises(InputError, match="confirm=True"):
        client.request("DELETE", "leads/delete-domain-block-list", params={"id": entry["id"]})
    with pytest.raises(InputError, match="confirm=True"):
        client.request("DELETE", f"/Leads/delete-domain-block-list/?id={entry['id']}")
    assert sent(sandbox) == []
    assert client.block_list.delete(entry["id"], confirm=True) == {"ok": True}
    assert client.leads.add(cid, [{"email": "x@blocked.example"}])["upload_count"] == 1
    with pytest.raises(NotFoundError, match=f"block-list entry {entry['id']} not found"):
        client.block_list.delete(entry["id"], confirm=True)
