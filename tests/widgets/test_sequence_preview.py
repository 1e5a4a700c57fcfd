"""Sequence preview: a step per lead, missing tags highlighted, the send timeline."""

from __future__ import annotations

from tests.helpers.widgets import fill


def test_preview_by_email_highlights_missing_tags(builder, leads):
    fill(builder, leads)
    builder.preview.lead.value = "cy@example.com"               # has no first name
    builder.preview.button.click()
    shown = builder.preview.steps.value
    assert "To <b>cy@example.com</b>" in shown
    assert "Idea for Cyan" in shown
    assert '<mark class="sl-missing">{{first_name}}</mark>' in shown
    assert "1 tag(s) have no value" in shown
    assert "Re: Idea for Cyan" in shown                         # follow-up threads
    timeline = builder.preview.timeline.value
    assert "<table" in timeline and timeline.count("<tr") == 3  # header + 2 steps


def test_preview_by_row_number(builder, leads):
    fill(builder, leads)
    builder.preview.lead.value = "1"                            # second valid lead
    builder.preview.button.click()
    assert "To <b>ben@example.com</b>" in builder.preview.steps.value
    assert "Every tag has a value" in builder.preview.steps.value


def test_preview_of_an_ab_variant(builder, leads):
    fill(builder, leads)
    step = builder.sequence.steps[0]
    step.add_variant.click()
    step.variants[1].subject.value = "Other angle, {{first_name}}"
    step.variants[1].body.value = "B body"
    builder.preview.variant.value = "B"
    builder.preview.button.click()
    assert "variant B" in builder.preview.steps.value
    assert "Other angle, Ana" in builder.preview.steps.value


def test_unknown_lead_and_no_leads_are_plain_errors(builder, leads):
    builder.preview.button.click()
    assert "row 0: email_body is empty" in builder.preview.steps.value
    builder.sequence.steps[0].variants[0].body.value = "Hi"
    builder.preview.button.click()
    assert "the plan has no valid leads to preview" in builder.preview.steps.value
    fill(builder, leads)
    builder.preview.lead.value = "nobody@example.com"
    builder.preview.button.click()
    assert "no accepted lead has the email" in builder.preview.steps.value
    assert "Traceback" not in builder.preview.steps.value


def test_the_ab_choice_lists_only_the_variants_that_exist(builder, leads):
    """Issue 11: no "B" or "C" to pick before the sequence has them."""
    fill(builder, leads)
    offered = lambda: [label for label, _ in builder.preview.variant.options]  # noqa: E731
    assert offered() == ["first variant"] and builder.preview.variant.disabled
    step = builder.sequence.steps[0]
    step.add_variant.click()
    assert offered() == ["first variant", "A", "B"] and not builder.preview.variant.disabled
    builder.preview.variant.value = "B"
    step.drop_variant(step.variants[1])
    assert offered() == ["first variant"] and builder.preview.variant.value == ""
