"""templates/check.py: ``check_templates`` finds every tag problem against the leads, naming
the step, variant, part, tag and spreadsheet rows."""

from __future__ import annotations

import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.frames.sequences import sequences_frame
from smartlead_nb.templates import PROBLEM_COLUMNS, check_templates

from ..helpers.templates import LEADS, ROWS, STEPS


def _summary(problems: pd.DataFrame) -> list[tuple]:
    return [(r.seq_number, r.variant_label, r.part, r.tag, r.problem, r.rows, r.count)
            for r in problems.itertuples()]


def test_check_finds_every_problem_in_a_realistic_campaign():
    problems = check_templates(STEPS, LEADS, index=ROWS)
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert _summary(problems) == [
        (1, "A", "body", "first_name", "empty for some leads", [3, 4], 2),
        (1, "A", "body", "hook", "empty for some leads", [4, 5], 2),
        (1, "B", "subject", "First_Name", "unknown tag", [], 5),
        (1, "B", "body", "first_name", "empty for some leads", [3, 4], 2),
        (2, None, "body", "first_name", "empty for some leads", [3, 4], 2),
        (3, None, "body", "linkedin_profile", "empty for some leads", [3, 4, 5, 6], 4),
    ]
    unknown = problems[problems["problem"] == "unknown tag"].iloc[0]
    assert unknown["suggestion"] == "first_name"
    assert "did you mean {{first_name}}" in unknown["message"]
    assert "case-sensitive" in unknown["message"]
    hook = problems[problems["tag"] == "hook"].iloc[0]
    assert "2 of 5 leads" in hook["message"] and "4, 5" in hook["message"]


def test_check_without_index_names_rows_by_position():
    problems = check_templates(STEPS, LEADS)
    assert problems.iloc[0]["rows"] == [1, 2]


def test_check_suggests_custom_fields_and_flags_fields_nobody_has():
    steps = [{"seq_number": 1, "subject": "Re {{Hook}}",
              "email_body": "{{website}} {{favourite_colour}} {{hook}}"}]
    problems = check_templates(steps, LEADS, index=ROWS)
    rows = {r.tag: r for r in problems.itertuples()}
    assert rows["Hook"].problem == "unknown tag" and rows["Hook"].suggestion == "hook"
    assert rows["website"].problem == "empty for all leads"
    assert rows["website"].rows == ROWS and rows["website"].count == 5
    assert rows["favourite_colour"].problem == "unknown tag"
    assert rows["favourite_colour"].suggestion is None
    assert rows["hook"].rows == [4, 5]


def test_check_flags_an_empty_first_subject_and_malformed_tags():
    steps = [
        {"seq_number": 1, "seq_variants": [
            {"variant_label": "A", "subject": "  ", "email_body": "Hi {{first_name}"},
            {"variant_label": "B", "subject": "Hello", "email_body": "Hi {{}}"}]},
        {"seq_number": 2, "seq_delay_details": {"delay_in_days": 3}, "subject": "",
         "email_body": "Any thoughts?"},
    ]
    problems = check_templates(steps, LEADS)
    assert _summary(problems) == [
        (1, "A", "subject", None, "empty first subject", [], 5),
        (1, "A", "body", "{{first_name}", "malformed tag", [], 5),
        (1, "B", "body", "{{}}", "malformed tag", [], 5),
    ]
    assert problems.iloc[1]["suggestion"] == "first_name"


def test_check_flags_a_misspelt_unsubscribe_placeholder():
    steps = [{"seq_number": 1, "subject": "Hi", "email_body": "Bye %unsubscribe_text% %signature%"}]
    problems = check_templates(steps, LEADS)
    assert problems[["tag", "problem", "suggestion"]].values.tolist() == [
        ["%unsubscribe_text%", "unknown placeholder", "%unsubscribe-text%"]]


def test_clean_copy_gives_an_empty_frame_with_the_columns():
    steps = [{"seq_number": 1, "subject": "Idea for {{company_name}}",
              "email_body": "{Hi|Hello} there %unsubscribe-text%"}]
    problems = check_templates(steps, LEADS)
    assert problems.empty and list(problems.columns) == PROBLEM_COLUMNS


def test_check_accepts_a_leads_dataframe_with_custom_columns():
    leads = pd.DataFrame({"email": ["a@x.io", "b@x.io", "c@x.io"],
                          "first_name": ["Ana", float("nan"), "Cy"],
                          "job_title": ["CFO", "CTO", None]},
                         index=pd.Index(["r10", "r11", "r12"]))
    steps = [{"seq_number": 1, "subject": "{{job_title}} at {{Job_title}}",
              "email_body": "Hi {{first_name}}"}]
    assert _summary(check_templates(steps, leads)) == [
        (1, None, "subject", "job_title", "empty for some leads", ["r12"], 1),
        (1, None, "subject", "Job_title", "unknown tag", [], 3),
        (1, None, "body", "first_name", "empty for some leads", ["r11"], 1),
    ]


def test_check_refuses_an_index_that_does_not_line_up():
    with pytest.raises(InputError, match="3 labels for 5 leads"):
        check_templates(STEPS, LEADS, index=[1, 2, 3])


def test_check_reads_a_sequences_frame_like_the_dicts():
    frame = sequences_frame(STEPS)
    assert _summary(check_templates(frame, LEADS, index=ROWS)) == \
        _summary(check_templates(STEPS, LEADS, index=ROWS))


def test_check_counts_are_right_on_many_leads():
    n = 120_000
    leads = [{"email": f"u{i}@x.io", "first_name": "" if i % 4 == 0 else f"N{i}",
              **({"custom_fields": {"hook": "h"}} if i % 3 == 0 else {})} for i in range(n)]
    steps = [{"seq_number": 1, "subject": "Hi {{first_name}}", "email_body": "{{hook}}"}]
    problems = check_templates(steps, leads)
    first, hook = problems.iloc[0], problems.iloc[1]
    assert first["count"] == n // 4 and first["rows"][:3] == [0, 4, 8]
    assert hook["count"] == n - n // 3 and hook["rows"][:3] == [1, 2, 4]
