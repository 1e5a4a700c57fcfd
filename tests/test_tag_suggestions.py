"""A tag written after the analyst's column suggests the lead field that column became."""

import pandas as pd

import smartlead_nb as sl
from smartlead_nb.templates import check_templates

STEPS = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
          "subject": "Hi {{company}}", "email_body": "{{job_title}}: {{frist_name}}"}]


def test_a_tag_named_after_a_mapped_column_suggests_its_field():
    """Issue 11: {{company}} with a "Company" column mapped to company_name suggests
    {{company_name}}; a spelling guess alone picks company_url, the closer string."""
    leads = pd.DataFrame({"Email": ["a@b.example"], "Company": ["Acme"], "First Name": ["Ana"],
                          "Job Title": ["CFO"]})
    checked = sl.leads_from_frame(leads)
    problems = check_templates(STEPS, checked.leads, columns=checked.mapping).set_index("tag")
    assert problems.loc["company", "suggestion"] == "company_name"
    assert "column 'Company' became the lead field 'company_name'" in problems.loc["company", "message"]
    assert problems.loc["job_title", "suggestion"] == "Job Title"    # a custom field keeps its name
    assert problems.loc["frist_name", "suggestion"] == "first_name"   # spelling guess as before
    without = check_templates(STEPS, checked.leads).set_index("tag")
    assert without.loc["company", "suggestion"] == "company_url"      # what it said before


def test_the_plan_check_passes_its_mapping_along():
    leads = pd.DataFrame({"Email": ["a@b.example"], "Company": ["Acme"]})
    plan = sl.CampaignPlan("Suggest", sequences=[{**STEPS[0], "email_body": "Hello"}], leads=leads)
    messages = plan.check()["problem"].tolist()
    assert any("did you mean {{company_name}}" in m for m in messages), messages
