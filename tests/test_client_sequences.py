import pytest

from smartlead_nb import InputError

from .helpers import sent

STEPS = [
    {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
     "seq_variants": [
         {"variant_label": "A", "subject": "Idea for {{company_name}}", "email_body": "Hi A",
          "variant_distribution_percentage": 50},
         {"variant_label": "B", "subject": "{{first_name}}, quick one", "email_body": "Hi B",
          "variant_distribution_percentage": 50}]},
    {"seq_number": 2, "seq_delay_details": {"delay_in_days": 3}, "subject": "",
     "email_body": "Following up"},
]


def test_round_trip_keeps_ids_and_never_duplicates(client):
    cid = client.campaigns.create("Seq")["id"]
    client.sequences.save(cid, STEPS)
    first = client.sequences.get(cid)
    assert [s["seq_number"] for s in first] == [1, 2]
    assert [v["variant_label"] for v in first[0]["seq_variants"]] == ["A", "B"]
    assert first[1]["subject"] == "" and first[1]["seq_delay_details"] == {"delay_in_days": 3}
    first[1]["email_body"] = "Second try"
    client.sequences.save(cid, first)
    second = client.sequences.get(cid)
    assert [s["id"] for s in second] == [s["id"] for s in first]
    assert second[1]["email_body"] == "Second try"
    frame = client.sequences.frame(cid)
    assert len(frame) == 3 and frame["step_id"].notna().all()


def test_sequence_checks_name_the_step(client, sandbox):
    cid = client.campaigns.create("Seq")["id"]
    bad = [
        ([{"seq_number": 1, "seq_delay_details": {"delay_in_days": -1}, "subject": "s", "email_body": "b"}],
         "delay_in_days must be a whole number of days 0-365, got -1"),
        ([{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "", "email_body": "b"}],
         "first step needs a subject"),
        ([{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "s", "email_body": "b"},
          {"seq_number": 1, "seq_delay_details": {"delay_in_days": 2}, "subject": "", "email_body": "c"}],
         r"seq_number \[1\] used by more than one step"),
        ([{**STEPS[0], "seq_variants": [dict(STEPS[0]["seq_variants"][0], variant_distribution_percentage=70),
                                        STEPS[0]["seq_variants"][1]]}], "add up to 120"),
        ([], "at least one"),
    ]
    for steps, fragment in bad:
        with pytest.raises(InputError, match=fragment):
            client.sequences.save(cid, steps)
    assert sent(sandbox, "POST", "/sequences") == []


def test_unknown_campaign(client):
    from smartlead_nb import NotFoundError
    with pytest.raises(NotFoundError, match="campaign 9999"):
        client.sequences.get(9999)
