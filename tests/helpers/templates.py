"""A realistic campaign for the template tests (tests/templates/): three steps with an A/B
first step, and five leads whose gaps and oddities the checks, renders and timelines must
handle. Every expected value in those tests was worked out by hand from this copy and these
leads."""

from __future__ import annotations

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


def steps_with_delays(*delays):
    """Bare steps (number and delay only), numbered from 1, one per delay."""
    return [{"seq_number": i + 1, "seq_delay_details": {"delay_in_days": d}} for i, d in enumerate(delays)]
