"""The builder's state is a CampaignPlan: the form and a cell hand work to each other."""

from __future__ import annotations

import pandas as pd
import pytest

from smartlead_nb import CampaignPlan, CampaignSettings, InputError, Schedule
from smartlead_nb.widgets import CampaignBuilder
from tests.helpers.widgets import HEALTHY, fill


def test_a_filled_form_is_a_plan(builder, leads):
    fill(builder, leads)
    plan = builder.plan
    assert isinstance(plan, CampaignPlan)
    assert plan.name == "Q1 outreach"
    assert [s["seq_number"] for s in plan.steps()] == [1, 2]
    assert plan.steps()[1]["seq_delay_details"] == {"delay_in_days": 3}
    assert plan.email_accounts == list(HEALTHY)
    assert plan.leads is leads
    assert plan.schedule.timezone == "Europe/Berlin" and plan.schedule.start == "08:30"
    assert plan.settings.to_payload()["track_settings"] == ["DONT_TRACK_EMAIL_OPEN"]
    assert plan.settings.stop_on == "CLICK_ON_A_LINK"
    assert "Q1 outreach: 2 step(s), 2 sender(s), 3 valid lead(s)" in builder.summary.value


def test_setting_the_plan_from_code_refreshes_the_form(client, leads):
    steps = pd.DataFrame({"seq_number": [1, 1, 2], "delay_in_days": [0, 0, 4],
                          "variant_label": ["A", "B", None],
                          "subject": ["Hello {{first_name}}", "Quick idea", ""],
                          "email_body": ["Body A", "Body B", "Bump"]})
    plan = CampaignPlan("From a cell", sequences=steps, leads=leads, email_accounts=[3002],
                        schedule=Schedule("Asia/Tokyo", days="Mon,Wed", start="10:00", end="15:00"),
                        settings=CampaignSettings(track_clicks=False, stop_on="open", follow_up_share=20),
                        client_id=77)
    builder = CampaignBuilder(client, plan=plan, namespace={})
    assert builder.name.value == "From a cell" and builder.client_id.value == "77"
    assert [len(s.variants) for s in builder.sequence.steps] == [2, 1]
    assert builder.sequence.steps[0].variants[1].subject.value == "Quick idea"
    assert builder.sequence.steps[1].delay.value == 4
    assert builder.accounts.value == [3002]
    assert [d for d, b in builder.schedule.days.items() if b.value] == [1, 3]
    assert builder.schedule.timezone.value == "Asia/Tokyo"
    assert builder.settings.track_clicks.value is False and builder.settings.stop_on.value == "open"
    assert builder.settings.follow_up_share.value == 20
    assert 'sl-count-valid">3</b> valid' in builder.leads_preview.counts.value
    # ... and the form hands back an equivalent plan
    back = builder.plan
    assert back.steps() == plan.steps()
    assert back.schedule.to_payload() == plan.schedule.to_payload()
    assert back.client_id == 77
    # assigning again replaces the whole form
    builder.plan = CampaignPlan("Second", sequences=[{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                                          "subject": "S", "email_body": "B"}])
    assert builder.name.value == "Second" and len(builder.sequence.steps) == 1
    assert builder.accounts.value == []
    with pytest.raises(InputError):
        builder.plan = {"name": "not a plan"}


def test_steps_add_remove_reorder_and_ab_variants(builder):
    editor = builder.sequence
    editor.steps[0].variants[0].body.value = "first"
    editor.add_step(body="second").delay.value = 2
    editor.add_step(body="third").delay.value = 5
    editor.steps[2].up.click()                       # third moves before second
    assert [s.variants[0].body.value for s in editor.steps] == ["first", "third", "second"]
    editor.steps[0].down.click()                     # first moves to position 2
    assert [s.variants[0].body.value for s in editor.steps] == ["third", "first", "second"]
    assert editor.steps[0].delay.value == 0 and editor.steps[0].delay.disabled
    assert editor.steps[1].delay.value >= 1
    editor.steps[2].remove.click()
    assert len(editor.steps) == 2
    step = editor.steps[0]
    step.add_variant.click()
    step.variants[1].subject.value = "Variant B subject"
    step.variants[1].body.value = "Variant B body"
    assert "Variant <b>B</b>" in step.variants[1].label.value
    steps = builder.plan.steps()
    assert [v["variant_label"] for v in steps[0]["seq_variants"]] == ["A", "B"]
    assert steps[0]["seq_variants"][1]["subject"] == "Variant B subject"
    step.variants[0].remove.click()                  # back to one copy: a plain step again
    assert "seq_variants" not in builder.plan.steps()[0]
    assert builder.plan.steps()[0]["email_body"] == "Variant B body"


def test_schedule_errors_in_plain_words(builder):
    builder.schedule.timezone.value = "Europe/Berlinn"
    assert "unknown timezone 'Europe/Berlinn'" in builder.schedule.status.value
    assert "Europe/Berlin" in builder.schedule.status.value        # the suggestion
    assert "unknown timezone" in builder.summary.value
    with pytest.raises(InputError, match="unknown timezone"):
        builder.plan
    builder.schedule.timezone.value = "Europe/Berlin"
    builder.schedule.start.value, builder.schedule.end.value = "18:00", "09:00"
    assert "start 18:00 is not before end 09:00" in builder.schedule.status.value
    builder.schedule.end.value = "19:00"
    for button in builder.schedule.days.values():
        button.value = False
    assert "no sending days" in builder.schedule.status.value
    assert "Traceback" not in builder.schedule.status.value


def test_client_id_must_be_a_number(builder):
    builder.client_id.value = "abc"
    assert "client id 'abc' must be a whole number" in builder.name_status.value
    builder.client_id.value = "12"
    assert builder.plan.client_id == 12


def test_leads_from_a_notebook_variable(client, leads):
    namespace = {"my_leads": leads, "not_a_frame": 3}
    builder = CampaignBuilder(client, namespace=namespace)
    assert builder.leads_source.variable.options == ("my_leads",)
    builder.leads_source.use_variable.click()
    assert builder.plan.leads is leads
    assert "Leads from DataFrame my_leads" in builder.leads_status.value
    del namespace["my_leads"]
    builder.leads_source.use_variable.click()
    assert "not a DataFrame in this notebook" in builder.leads_source.status.value


def test_upload_flags_go_both_ways_between_form_and_plan(builder):
    builder.plan = CampaignPlan("Flags", ignore_duplicate_leads_in_other_campaign=True,
                                ignore_global_block_list=True)
    assert builder.other_campaigns.value and builder.ignore_block.value
    assert not builder.ignore_unsub.value and not builder.confirm_overrides.value
    builder.ignore_block.value = False
    builder.ignore_unsub.value = True
    back = builder.plan
    assert back.ignore_duplicate_leads_in_other_campaign is True
    assert (back.ignore_global_block_list, back.ignore_unsubscribe_list) == (False, True)
