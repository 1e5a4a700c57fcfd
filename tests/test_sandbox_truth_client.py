"""``client.sandbox.set_truth`` / ``get_truth`` over real HTTP, and a known A/B truth
recovered by the analysis functions from what the client reads back."""
import math

import pytest

from smartlead_nb import BadRequestError, InputError
from smartlead_nb.analysis import compare_variants

ALL_DAYS = dict(timezone="UTC", days="Sun-Sat", start="09:00", end="17:00")
AB_STEP = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
            "seq_variants": [
                {"variant_label": "A", "subject": "Idea A", "email_body": "Hi A",
                 "variant_distribution_percentage": 50},
                {"variant_label": "B", "subject": "Idea B", "email_body": "Hi B",
                 "variant_distribution_percentage": 50}]}]


def _healthy(client):
    return [a["id"] for a in client.email_accounts.list()
            if a.get("is_smtp_success") and a.get("is_imap_success")]


def _ab_campaign(client, n_leads, name="AB"):
    cid = client.campaigns.create(name)["id"]
    client.sequences.save(cid, AB_STEP)
    client.campaigns.email_accounts.add(cid, _healthy(client))
    client.campaigns.schedule(cid, **ALL_DAYS, max_new_leads_per_day=1000)
    leads = [{"email": f"ab{i}@truth.example"} for i in range(n_leads)]
    for start in range(0, n_leads, 400):
        client.leads.add(cid, leads[start:start + 400])
    return cid


def test_a_known_ab_truth_is_recovered_and_compare_variants_says_b_beats_a(client):
    cid = _ab_campaign(client, 3000)
    client.sandbox.set_truth(cid, reply_rates={"A": 0.05, "B": 0.15}, positive_share=0.5,
                             bounce_rates={a: 0.0 for a in _healthy(client)})
    client.campaigns.start(cid, confirm=True)
    client.sandbox.advance(days=30)        # 15 days of sending, then replies (<= 72 h) all in
    stats = client.statistics.frame(cid)
    sequences = client.sequences.get(cid)
    table = compare_variants(stats, sequences).set_index("variant")
    assert table["sent"].sum() == 3000
    for label, truth in (("A", 0.05), ("B", 0.15)):
        n = table.loc[label, "sent"]
        assert abs(table.loc[label, "rate"] - truth) < 4 * math.sqrt(truth * (1 - truth) / n)
        assert table.loc[label, "rate_low"] < truth < table.loc[label, "rate_high"]
    assert table.loc["B", "verdict"].startswith("B beats A: by ")
    # "positive reply" is not "reply": about half of the replies are positive
    positive = compare_variants(stats, sequences, metric="positive").set_index("variant")
    assert 0.35 < positive.loc["B", "events"] / table.loc["B", "events"] < 0.65
    assert positive.loc["B", "verdict"].startswith("B beats A: by ")


def test_get_truth_gives_back_what_was_set_with_ids_and_steps_as_ints(client):
    cid = _ab_campaign(client, 1)
    account = _healthy(client)[0]
    stored = client.sandbox.set_truth(
        cid, reply_rates={"A": 0.1, 1: 0.2}, reply_delay_days=4,
        bounce_rates={account: {"rate": 0.01, "from_day": 3, "then": 0.25}})
    expected = {"reply_rates": {"A": 0.1, 1: 0.2}, "reply_delay_days": 4.0,
                "bounce_rates": {account: {"rate": 0.01, "from_day": 3, "then": 0.25}}}
    assert stored == expected == client.sandbox.get_truth(cid)
    assert client.sandbox.set_truth(cid) is None           # no fields: the truth is removed
    assert client.sandbox.get_truth(cid) is None


@pytest.mark.parametrize("kwargs, named", [
    ({"reply_rates": {"A": 2}}, "reply_rates['A'] must be a probability between 0 and 1; got 2"),
    ({"reply_rates": {"A": float("nan")}}, "got nan"),
    ({"positive_share": "half"}, "positive_share must be a probability between 0 and 1; got 'half'"),
    ({"bounce_rates": {"not-an-id": 0.1}}, "bounce_rates: 'not-an-id' is not a sender account id"),
    ({"bounce_rates": {3001: {"rate": 0.1, "then": 0.3}}}, "from_day and then together"),
    ({"reply_delay_days": -1}, "reply_delay_days must be a number of days above 0 and at most 60; got -1"),
])
def test_set_truth_refuses_bad_values_before_sending(client, kwargs, named):
    cid = _ab_campaign(client, 1)
    client.sandbox.set_truth(cid, positive_share=0.3)
    with pytest.raises(InputError) as caught:
        client.sandbox.set_truth(cid, **kwargs)
    assert named in str(caught.value) and "nothing was sent" in str(caught.value)
    assert client.sandbox.get_truth(cid) == {"positive_share": 0.3}


def test_labels_and_accounts_the_campaign_lacks_are_refused_by_the_sandbox(client):
    cid = _ab_campaign(client, 1)
    with pytest.raises(BadRequestError, match=r"no variant or step 'C'; it has step 1 \(variants A, B\)"):
        client.sandbox.set_truth(cid, reply_rates={"C": 0.1})
    detached = [a["id"] for a in client.email_accounts.list()
                if not a.get("is_smtp_success")][0]
    with pytest.raises(BadRequestError, match=f"sender account {detached} is not attached"):
        client.sandbox.set_truth(cid, bounce_rates={detached: 0.1})
    with pytest.raises(InputError, match="campaign_id must be a positive whole number"):
        client.sandbox.set_truth(0, positive_share=0.1)


def test_set_truth_on_a_server_that_is_not_a_sandbox_is_refused_in_plain_words(client, sandbox):
    live_like = type(client)(sandbox.api_key, base_url=client.base_url + "/nothing",
                             rate_limit=None)
    with pytest.raises(InputError, match="not a smartlead_nb sandbox"):
        live_like.sandbox.set_truth(1001, positive_share=0.1)
    with pytest.raises(InputError, match="not a smartlead_nb sandbox"):
        live_like.sandbox.get_truth(1001)
