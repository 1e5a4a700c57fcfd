"""templates/syntax.py: finding ``{{tags}}``, spintax, ``%placeholders%`` and malformed markup."""

from __future__ import annotations

import pytest

from smartlead_nb.templates import (
    STANDARD_TAGS, find_malformed, find_placeholders, find_spintax, find_tags,
)


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
