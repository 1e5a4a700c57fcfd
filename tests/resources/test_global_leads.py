"""client.leads.everywhere (resources/global_leads.py): every lead of the account, paged until
hasMore is false."""

import pytest

from smartlead_nb.errors import InputError

from ..helpers import sent


def test_global_leads_frame_pages_until_has_more_is_false(client, sandbox):
    a, b = client.campaigns.create("A")["id"], client.campaigns.create("B")["id"]
    client.leads.add(a, [{"email": f"g{i}@example.com"} for i in range(250)])
    client.leads.add(b, [{"email": "g1@example.com"}, {"email": "solo@example.org"}],
                     ignore_duplicate_leads_in_other_campaign=True)
    sandbox.clear_requests()
    frame = client.leads.everywhere.frame()
    assert len(frame) == 251 and frame["lead_id"].is_unique
    assert [r["query"]["offset"] for r in sent(sandbox, "GET", "/global-leads")] == \
        ["0", "100", "200"]
    g1 = frame.set_index("email").loc["g1@example.com"]
    assert g1["campaign_ids"] == [a, b] and g1["campaign_names"] == ["A", "B"]
    assert str(frame["lead_id"].dtype) == "Int64"
    long = client.leads.everywhere.frame(per_campaign=True)
    assert len(long) == 252
    assert {"campaign_id", "campaign_name", "lead_status", "email_lead_map_id"} <= set(long)
    one = client.leads.everywhere.frame(email="solo@example.org")
    assert one["email"].tolist() == ["solo@example.org"]
    with pytest.raises(InputError, match="created_after 'last week'"):
        client.leads.everywhere.frame(created_after="last week")
