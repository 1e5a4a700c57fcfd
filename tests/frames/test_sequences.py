"""Sequences DataFrame <-> steps, including the round trip through the sandbox."""

import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.frames.sequences import normalize_sequence, sequences_frame, sequences_from_frame

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


def test_sequence_read_back_spellings_normalise_to_one_shape():
    l1 = {"id": 70, "seq_number": 1, "seq_delay_details": {"delayInDays": 0}, "subject": "",
          "email_body": "", "sequence_variants": [
              {"id": 80, "variant_label": "A", "subject": "S", "email_body": "B", "is_deleted": False},
              {"id": 81, "variant_label": "B", "subject": "old", "email_body": "old", "is_deleted": True}]}
    p = {"id": "71", "seq_number": "2", "seq_delay_details": {"delay_in_days": "3"},
         "subject": "", "email_body": "Following up", "seq_variants": []}
    a, b = normalize_sequence(l1), normalize_sequence(p)
    assert a["seq_variants"] == [{"id": 80, "variant_label": "A", "subject": "S", "email_body": "B"}]
    assert a["seq_delay_details"] == {"delay_in_days": 0}
    assert b == {"id": 71, "seq_number": 2, "seq_delay_details": {"delay_in_days": 3},
                 "subject": "", "email_body": "Following up"}
    frame = sequences_frame([l1, p])
    assert frame[["seq_number", "variant_label", "step_id", "variant_id"]].astype(object).where(
        frame[["seq_number", "variant_label", "step_id", "variant_id"]].notna(), None).values.tolist() == [
        [1, "A", 70, 80], [2, None, 71, None]]


def test_a_frame_read_back_goes_back_as_the_same_steps():
    read_back = [{"id": 70, "seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                  "subject": "Hi", "email_body": "Hello"},
                 {"id": 71, "seq_number": 2, "seq_delay_details": {"delay_in_days": 3},
                  "subject": "", "email_body": "Following up"}]
    steps = sequences_from_frame(sequences_frame(read_back))
    assert [(s["id"], s["seq_number"], s["seq_delay_details"]["delay_in_days"], s["subject"])
            for s in steps] == [(70, 1, 0, "Hi"), (71, 2, 3, "")]
