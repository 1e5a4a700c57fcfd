"""Sequences DataFrame <-> steps, including the round trip through the sandbox."""

import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.frames.sequences import sequences_from_frame

AB = pd.DataFrame({
    "Step": [1, 1, 2],
    "Delay": [0, 0, 3],
    "Variant": ["A", "B", None],
    "Share": [60, 40, None],
    "Subject": ["Idea for {{company_name}}", "{{first_name}}, quick question", ""],
    "Body": ["Hi A", "Hi B", "Following up"],
})


def test_ab_frame_with_analyst_column_names():
    steps = sequences_from_frame(AB)
    assert steps == [
        {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "", "email_body": "",
         "seq_variants": [
             {"variant_label": "A", "subject": "Idea for {{company_name}}", "email_body": "Hi A",
              "variant_distribution_percentage": 60},
             {"variant_label": "B", "subject": "{{first_name}}, quick question", "email_body": "Hi B",
              "variant_distribution_percentage": 40}]},
        {"seq_number": 2, "seq_delay_details": {"delay_in_days": 3}, "subject": "",
         "email_body": "Following up"},
    ]


@pytest.mark.parametrize("change, fragment", [
    (lambda f: f.assign(Delay=[0, 0, -2]), "row 2: delay_in_days must be 0-365, got -2"),
    (lambda f: f.assign(Delay=[0, 1, 3]), "row 1: step 1 has delay 1 here but 0"),
    (lambda f: f.assign(Variant=["A", None, None]), r"step 1: rows \[1\] have no variant_label"),
    (lambda f: f.assign(Body=["Hi A", " ", "x"]), "row 1: email_body is empty"),
    (lambda f: f.assign(Step=[1, 1, 2.5]), "row 2: seq_number must be a whole number, got 2.5"),
    (lambda f: f.assign(Delay=[0, 0, None]), "delay_in_days is empty for step 2"),
    (lambda f: f.drop(columns=["Body"]), r"no \['email_body'\] column"),
    (lambda f: f.iloc[0:0], "empty"),
])
def test_bad_frames_name_row_and_column(change, fragment):
    with pytest.raises(InputError, match=fragment):
        sequences_from_frame(change(AB))


def test_round_trip_through_the_sandbox_creates_no_duplicates(client):
    cid = client.campaigns.create("Round trip")["id"]
    client.sequences.save(cid, sequences_from_frame(AB))
    frame = client.sequences.frame(cid)
    frame.loc[frame["variant_label"] == "B", "subject"] = "Changed B"
    frame.loc[frame["seq_number"] == 2, "email_body"] = "Bumping this"
    client.sequences.save(cid, sequences_from_frame(frame))
    after = client.sequences.frame(cid)
    assert len(after) == 3
    assert after["step_id"].tolist() == frame["step_id"].tolist()
    assert after["variant_id"].tolist()[:2] == frame["variant_id"].tolist()[:2]
    assert after.loc[after["variant_label"] == "B", "subject"].item() == "Changed B"
    assert after.loc[after["seq_number"] == 2, "email_body"].item() == "Bumping this"
