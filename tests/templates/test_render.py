"""templates/render.py: one step (or the whole sequence) as a given lead will get it."""

from __future__ import annotations

import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.templates import render, render_sequence, resolve_spintax

from ..helpers.templates import LEADS, STEPS


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
