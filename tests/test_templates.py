"""Templates: find tags and spintax, check them against the leads, render, lay out the timeline.

Every expected value below was worked out by hand from the copy, the leads and a calendar
(June 2025: the 5th is a Thursday; Europe's clocks go back on Sunday 26 October 2025).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from smartlead_nb import InputError, Schedule
from smartlead_nb.frames.responses import sequences_frame
from smartlead_nb.templates import (
    PROBLEM_COLUMNS, STANDARD_TAGS, check_templates, find_malformed, find_placeholders,
    find_spintax, find_tags, render, render_sequence, resolve_spintax, send_timeline,
    steps_from_frame_like,
)

# --- a realistic three-step campaign with an A/B first step -------------------------------
STEPS = [
    {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
     "seq_variants": [
         {"variant_label": "A", "subject": "Idea for {{company_name}}",
          "email_body": "<p>{Hi|Hello} {{first_name}},</p><p>Saw {{hook}}: worth a chat?</p>"
                        "<p>%signature%</p>%unsubscribe-text%",
          "variant_distribution_percentage": 50},
         {"variant_label": "B", "subject": "{{First_Name}}, quick question",
          "email_body": "<p>Hi {{ first_name }},</p><p>How does {{company_name}} book meetings "
                        "today?</p>%unsubscribe-text%",
          "variant_distribution_percentage": 50}]},
    {"seq_number": 2, "seq_delay_details": {"delay_in_days": 2}, "subject": "",
     "email_body": "<p>Bumping this, {{first_name}}. {Any thoughts|Worth a look}?</p>"},
    {"seq_number": 3, "seq_delay_details": {"delay_in_days": 4},
     "subject": "Last note for {{company_name}}",
     "email_body": "<p>Someone else at {{company_name}}? {{ linkedin_profile }}</p>"},
]

# Spreadsheet rows 2..6: Bo has no first name, Cy a blank one; only Ana has a LinkedIn URL;
# Cy has no custom fields at all and Dee an empty hook; Cy's company is an injection attempt.
LEADS = [
    {"email": "ana@acme.io", "first_name": "Ana", "company_name": "Acme",
     "linkedin_profile": "https://linkedin.com/in/ana", "custom_fields": {"hook": "your Series B"}},
    {"email": "bo@bolt.io", "company_name": "Bolt & Co", "custom_fields": {"hook": "the Berlin office"}},
    {"email": "cy@evil.io", "first_name": "  ", "company_name": "<script>alert(1)</script>"},
    {"email": "dee@dune.io", "first_name": "Dee", "company_name": "Dune", "custom_fields": {"hook": ""}},
    {"email": "eve@echo.io", "first_name": "Eve", "company_name": "Echo",
     "custom_fields": {"hook": "the new CFO"}},
]
ROWS = [2, 3, 4, 5, 6]


# --- syntax -----------------------------------------------------------------------------------
def test_find_tags_ordered_unique_with_inner_whitespace():
    assert find_tags("Hi {{first_name}} at {{ company_name }}") == ["first_name", "company_name"]
    assert find_tags("{{website}} {{ website }} {{first_name}} {{website}}") == ["website", "first_name"]


def test_find_tags_is_case_sensitive_and_skips_spintax_and_placeholders():
    text = "{Hi|Hello} {{First_Name}} and {{first_name}} %unsubscribe-text% %signature%"
    assert find_tags(text) == ["First_Name", "first_name"]


def test_find_tags_sees_tags_inside_spintax_options():
    assert find_tags("{Hey {{first_name}}|Hello {{company_name}} team}") == ["first_name", "company_name"]


def test_find_tags_leaves_out_malformed_tags():
    assert find_tags("{{first_name} {{}} {{ }} {{a|b}} {{last_name}}") == ["last_name"]
    assert find_tags(None) == []


def test_find_spintax_nested_and_with_tags():
    assert find_spintax("{Hi|Hello {{first_name}}}, {quick|{short|brief}} question") == [
        ["Hi", "Hello {{first_name}}"], ["short", "brief"], ["quick", "{short|brief}"]]
    assert find_spintax("no spin {{first_name}} {single}") == []


def test_find_placeholders_ignores_percentages_and_url_escapes():
    text = "Save 20% now, 30% later %signature% https://x.io/a%E2%80%99b %unsubscribe-text%"
    assert find_placeholders(text) == ["%signature%", "%unsubscribe-text%"]


@pytest.mark.parametrize("text, expected", [
    ("Hi {{first_name}, thanks", [("{{first_name}", "unclosed tag")]),
    ("Hi {{}} and {{ }}", [("{{}}", "empty tag"), ("{{ }}", "empty tag")]),
    ("Hi first_name}} there", [("first_name}}", "unopened tag")]),
    ("Hi {first_name} there", [("{first_name}", "single braces")]),
    ("Hi {{{first_name}}}!", [("{{{first_name}}}", "extra brace")]),
    ("{{first_name|there}}", [("{{first_name|there}}", "pipe inside tag")]),
    ("{Hi|Hello there, {{first_name}}", [("{Hi|Hello there, {{first_name}}", "unclosed spintax")]),
    ("Pick one | or } the other", [("Pick one | or }", "unopened spintax")]),
])
def test_find_malformed(text, expected):
    assert find_malformed(text) == expected


@pytest.mark.parametrize("text", [
    "<style>p { color: red } .x{margin:0}</style><p>{Hello|Hi {{first_name}}}</p>",
    "Up 20% on {{company_name}} %unsubscribe-text%",
    "{Hi|Hello|} {{ first_name }}, {quick|{short|brief}} one",
])
def test_well_formed_copy_has_no_malformed_markup(text):
    assert find_malformed(text) == []


def test_standard_tags_are_smartleads_lead_fields():
    assert set(STANDARD_TAGS) == {"email", "first_name", "last_name", "company_name", "phone_number",
                                  "website", "location", "linkedin_profile", "company_url"}


# --- check_templates --------------------------------------------------------------------------
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


# --- render -------------------------------------------------------------------------------
def test_render_fills_tags_takes_first_spintax_option_and_keeps_placeholders():
    out = render(STEPS[0], LEADS[0], variant="A")
    assert out == {
        "subject": "Idea for Acme",
        "body": "<p>Hi Ana,</p><p>Saw your Series B: worth a chat?</p><p>%signature%</p>"
                "%unsubscribe-text%"}


def test_render_leaves_missing_tags_visible_as_written():
    out = render(STEPS[0], LEADS[1], variant="B")
    assert out["subject"] == "{{First_Name}}, quick question"
    assert out["body"].startswith("<p>Hi {{ first_name }},</p>")
    blank = render(STEPS[0], LEADS[2], variant="A")  # first_name is whitespace only
    assert "Hello" not in blank["body"] and "<p>Hi {{first_name}},</p>" in blank["body"]


def test_render_highlight_marks_missing_tags():
    out = render(STEPS[0], LEADS[3], variant="A", highlight=True)
    assert "Saw <mark class=\"sl-missing\">{{hook}}</mark>: worth" in out["body"]
    assert "Hi Dee," in out["body"]
    assert out["subject"] == "Idea for Dune"


def test_render_never_lets_a_lead_value_inject_html():
    for highlight in (False, True):
        body = render(STEPS[0], LEADS[2], variant="B", highlight=highlight)["body"]
        assert "<script>" not in body
        assert "How does &lt;script&gt;alert(1)&lt;/script&gt; book" in body
    body = render(STEPS[0], LEADS[1], variant="B")["body"]
    assert "How does Bolt &amp; Co book" in body


def test_subject_is_plain_text_unless_highlighted():
    step = STEPS[2]
    assert render(step, LEADS[1])["subject"] == "Last note for Bolt & Co"
    assert render(step, LEADS[1], highlight=True)["subject"] == "Last note for Bolt &amp; Co"
    hostile = render(step, LEADS[2], highlight=True)["subject"]
    assert hostile == "Last note for &lt;script&gt;alert(1)&lt;/script&gt;"


def test_spintax_seed_is_reproducible_and_reaches_every_option():
    step = STEPS[1]
    assert "Any thoughts?" in render(step, LEADS[0])["body"]
    picks = {render(step, LEADS[0], seed=s)["body"] for s in range(40)}
    assert picks == {"<p>Bumping this, Ana. Any thoughts?</p>", "<p>Bumping this, Ana. Worth a look?</p>"}
    assert render(step, LEADS[0], seed=7) == render(step, LEADS[0], seed=7)


def test_lead_values_are_never_read_as_spintax_or_tags():
    lead = {"first_name": "{Al|Bo} {{last_name}}", "last_name": "Ng"}
    assert resolve_spintax("{Hi|Hey} {{first_name}}") == "Hi {{first_name}}"
    assert render({"subject": "{Hi|Hey} {{first_name}}", "email_body": ""}, lead)["subject"] == \
        "Hi {Al|Bo} {{last_name}}"


def test_empty_follow_up_subject_is_a_reply_to_the_previous_one():
    assert render(STEPS[1], LEADS[0], previous_subject="Idea for Acme")["subject"] == "Re: Idea for Acme"
    assert render(STEPS[1], LEADS[0], previous_subject="Re: Idea for Acme")["subject"] == "Re: Idea for Acme"
    assert render(STEPS[1], LEADS[0])["subject"] == ""


def test_render_sequence_threads_subjects_per_variant():
    a = render_sequence(STEPS, LEADS[0], variant="A")
    assert a["subject"].tolist() == ["Idea for Acme", "Re: Idea for Acme", "Last note for Acme"]
    assert a["variant_label"].tolist() == ["A", None, None]
    b = render_sequence(STEPS, LEADS[0], variant="B")
    assert b["subject"].tolist()[:2] == ["{{First_Name}}, quick question",
                                         "Re: {{First_Name}}, quick question"]


def test_variant_choice():
    assert render(STEPS[0], LEADS[0])["subject"] == "Idea for Acme"  # first variant
    with pytest.raises(InputError, match=r"step 1 has no variant 'C'.*\['A', 'B'\]"):
        render(STEPS[0], LEADS[0], variant="C")


def test_render_accepts_a_dataframe_row_with_custom_columns():
    leads = pd.DataFrame({"first_name": ["Ana", None], "employees": [120.0, float("nan")]})
    step = {"subject": "{{first_name}}", "email_body": "{{employees}} people"}
    assert render(step, leads.iloc[0]) == {"subject": "Ana", "body": "120 people"}
    assert render(step, leads.iloc[1]) == {"subject": "{{first_name}}", "body": "{{employees}} people"}


# --- send_timeline ------------------------------------------------------------------------
NY = Schedule("America/New_York", days="Mon-Fri", start="09:00", end="17:00")


def _steps(*delays):
    return [{"seq_number": i + 1, "seq_delay_details": {"delay_in_days": d}} for i, d in enumerate(delays)]


def _local(frame):
    return [(str(d), w, t) for d, w, t in zip(frame["send_date"], frame["weekday"], frame["local_time"])]


def test_timeline_across_a_weekend_in_new_york():
    # 20:45 UTC on Thursday 5 June 2025 is 16:45 in New York (EDT, UTC-4).
    t = send_timeline(_steps(0, 1, 2, 3), NY, start=datetime(2025, 6, 5, 20, 45, tzinfo=timezone.utc))
    assert _local(t) == [("2025-06-05", "Thursday", "16:45"),  # inside the window
                         ("2025-06-06", "Friday", "16:45"),
                         ("2025-06-09", "Monday", "09:00"),    # due Sunday 16:45
                         ("2025-06-12", "Thursday", "09:00")]  # Monday 09:00 + 3 days
    assert t["days_after_start"].tolist() == [0, 1, 4, 7]
    assert t["moved"].tolist() == [False, False, True, False]
    assert "Sunday" in t["note"][2]
    assert t["send_time"][2] == pd.Timestamp("2025-06-09 13:00", tz="UTC")
    assert t["seq_number"].tolist() == [1, 2, 3, 4] and t["delay_in_days"].tolist() == [0, 1, 2, 3]


def test_timeline_past_the_end_of_the_window_moves_to_next_sending_day():
    # Naive start = New York wall-clock time: Thursday 17:30 is after the 09:00-17:00 window.
    t = send_timeline(_steps(0, 1), NY, start=datetime(2025, 6, 5, 17, 30))
    assert _local(t) == [("2025-06-06", "Friday", "09:00"), ("2025-06-09", "Monday", "09:00")]
    assert "after" in t["note"][0]
    # Friday 18:00: past the window and into the weekend.
    t = send_timeline(_steps(0), NY, start=datetime(2025, 6, 6, 18, 0))
    assert _local(t) == [("2025-06-09", "Monday", "09:00")]
    assert t["days_after_start"].tolist() == [3]
    # Wednesday 07:15 plus a day is Thursday 07:15: it waits for the window to open.
    t = send_timeline(_steps(1), NY, start=datetime(2025, 6, 4, 7, 15))
    assert _local(t) == [("2025-06-05", "Thursday", "09:00")]


def test_timeline_in_tokyo_where_the_utc_date_differs():
    tokyo = Schedule("Asia/Tokyo", days="Mon-Fri", start="09:00", end="18:00",
                     start_time="2025-06-06T10:00:00Z")  # Friday 19:00 in Tokyo
    t = send_timeline(_steps(0, 1), tokyo)  # start defaults to the schedule's start_time
    assert _local(t) == [("2025-06-09", "Monday", "09:00"), ("2025-06-10", "Tuesday", "09:00")]
    assert t["send_time"][0] == pd.Timestamp("2025-06-09 00:00", tz="UTC")
    assert t["send_date"][0] == date(2025, 6, 9)
    assert t.equals(send_timeline(_steps(0, 1), tokyo, start="2025-06-06T10:00:00Z"))


def test_timeline_keeps_wall_clock_time_across_the_dst_change():
    berlin = Schedule("Europe/Berlin", days="Mon-Fri", start="08:00", end="18:00")
    t = send_timeline(_steps(0, 3), berlin, start=datetime(2025, 10, 24, 10, 0))
    assert _local(t) == [("2025-10-24", "Friday", "10:00"), ("2025-10-27", "Monday", "10:00")]
    assert t["send_time"][0] == pd.Timestamp("2025-10-24 08:00", tz="UTC")  # CEST, UTC+2
    assert t["send_time"][1] == pd.Timestamp("2025-10-27 09:00", tz="UTC")  # CET, UTC+1


def test_timeline_spreads_leads_over_days_by_the_daily_cap():
    capped = Schedule("America/New_York", days="Mon-Fri", start="09:00", end="17:00",
                      max_new_leads_per_day=2)
    t = send_timeline(_steps(0, 3), capped, start=datetime(2025, 6, 5, 10, 0), leads=LEADS)
    assert t["lead"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert t["email"].tolist()[::2] == [lead["email"] for lead in LEADS]
    got = [(lead, seq, d, time) for lead, seq, (d, _, time)
           in zip(t["lead"], t["seq_number"], _local(t))]
    assert got == [
        (0, 1, "2025-06-05", "10:00"), (0, 2, "2025-06-09", "09:00"),  # Sunday -> Monday
        (1, 1, "2025-06-05", "10:00"), (1, 2, "2025-06-09", "09:00"),
        (2, 1, "2025-06-06", "09:00"), (2, 2, "2025-06-09", "09:00"),  # Friday + 3 = Monday
        (3, 1, "2025-06-06", "09:00"), (3, 2, "2025-06-09", "09:00"),
        (4, 1, "2025-06-09", "09:00"), (4, 2, "2025-06-12", "09:00"),  # third sending day
    ]
    assert "sending day 3" in t["note"][8]


def test_timeline_leads_as_a_count_or_a_frame():
    capped = Schedule("America/New_York", days="Mon-Fri", max_new_leads_per_day=3)
    t = send_timeline(_steps(0), capped, start=datetime(2025, 6, 6, 9, 30), leads=7)
    assert [str(d) for d in t["send_date"]] == ["2025-06-06"] * 3 + ["2025-06-09"] * 3 + ["2025-06-10"]
    frame = pd.DataFrame({"email": ["a@x.io", "b@x.io"]}, index=["row 7", "row 9"])
    t = send_timeline(_steps(0, 1), capped, start=datetime(2025, 6, 6, 9, 30), leads=frame)
    assert t["lead"].tolist() == ["row 7", "row 7", "row 9", "row 9"]
    assert t["email"].tolist() == ["a@x.io", "a@x.io", "b@x.io", "b@x.io"]


def test_timeline_accepts_a_schedule_payload_and_sorts_steps():
    payload = NY.to_payload()
    steps = list(reversed(_steps(0, 1)))
    t = send_timeline(steps, payload, start=datetime(2025, 6, 5, 10, 0))
    assert t["seq_number"].tolist() == [1, 2]
    assert _local(t) == [("2025-06-05", "Thursday", "10:00"), ("2025-06-06", "Friday", "10:00")]


@pytest.mark.parametrize("delays, fragment", [
    ((0, -1), r"step 2: delay_in_days is -1"),
    ((0, 2, "soon"), r"step 3: delay_in_days must be a whole number.*'soon'"),
    ((0, 2.5), r"step 2: delay_in_days must be a whole number"),
    ((0, 200, 200), r"step 3: the delays add up to 400 days"),
    ((366,), r"step 1: the delays add up to 366 days"),
])
def test_bad_delays_raise_naming_the_step(delays, fragment):
    with pytest.raises(InputError, match=fragment):
        send_timeline(_steps(*delays), NY, start=datetime(2025, 6, 5, 10, 0))


def test_bad_delay_in_a_sequences_frame_names_the_step():
    frame = pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, -3],
                          "subject": ["Hi", ""], "email_body": ["a", "b"]})
    with pytest.raises(InputError, match="step 2"):
        send_timeline(frame, NY, start=datetime(2025, 6, 5, 10, 0))


# --- steps_from_frame_like ----------------------------------------------------------------
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
