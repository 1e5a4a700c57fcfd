"""templates/inputs.py: ``steps_from_frame_like`` makes steps uniform, from dicts or a sequences
frame, and refuses frames that contradict themselves."""

from __future__ import annotations

import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.frames.sequences import sequences_frame
from smartlead_nb.templates import steps_from_frame_like

from ..helpers.templates import STEPS
from ..helpers.templates import steps_with_delays as _steps


def test_steps_round_trip_through_a_sequences_frame():
    back = steps_from_frame_like(sequences_frame(STEPS))
    assert [s["seq_number"] for s in back] == [1, 2, 3]
    assert [s["seq_delay_details"]["delay_in_days"] for s in back] == [0, 2, 4]
    assert [v["variant_label"] for v in back[0]["seq_variants"]] == ["A", "B"]
    assert back[0]["seq_variants"][1]["subject"] == "{{First_Name}}, quick question"
    assert back[0]["seq_variants"][0]["variant_distribution_percentage"] == 50
    assert "seq_variants" not in back[1] and back[1]["subject"] == ""
    assert type(back[0]["seq_number"]) is int


@pytest.mark.parametrize("frame, fragment", [
    (pd.DataFrame({"seq_number": [1, 1], "delay_in_days": [0, 2], "variant_label": ["A", "B"],
                   "subject": ["a", "b"], "email_body": ["x", "y"]}), "disagree on delay_in_days"),
    (pd.DataFrame({"seq_number": [1, 1], "delay_in_days": [0, 0], "variant_label": ["A", None],
                   "subject": ["a", "b"], "email_body": ["x", "y"]}), "some rows have a variant_label"),
    (pd.DataFrame({"seq_number": [1, 1], "delay_in_days": [0, 0], "variant_label": ["A", "A"],
                   "subject": ["a", "b"], "email_body": ["x", "y"]}), "each must be different"),
    (pd.DataFrame({"seq_number": [1], "subject": ["a"]}), "missing column"),
])
def test_inconsistent_sequences_frames_are_refused(frame, fragment):
    with pytest.raises(InputError, match=fragment):
        steps_from_frame_like(frame)


def test_duplicate_step_numbers_are_refused():
    with pytest.raises(InputError, match=r"seq_number \[2\] appears more than once"):
        steps_from_frame_like(_steps(0, 1) + [{"seq_number": 2, "subject": "x", "email_body": "y"}])
