"""frames.columns: which SmartLead field a column fills, guessed from its name alone.

Pure name logic, no data: these call the module's functions directly. How a guess shows in a
whole result (mapping, warnings, leads) is in test_leads.py.
"""

from __future__ import annotations

import doctest

import pytest

from smartlead_nb.frames import columns
from smartlead_nb.frames.columns import (
    STANDARD_FIELDS, guess_column_mapping, normalise_column_name, resolve_guesses,
)


# --- normalise_column_name ----------------------------------------------------------------

@pytest.mark.parametrize("name, normal", [
    (" E-mail Address ", "emailaddress"), ("email_address", "emailaddress"),
    ("EMAIL.ADDRESS", "emailaddress"), ("Country/Region", "countryregion"),
    ("Prénom", "prénom"),        # letters outside ASCII are letters, kept
    ("Straße", "strasse"),       # case-folded, not just lower-cased
    ("# Employees", "employees"), (7, "7"), ("\u3000", ""),
])
def test_names_are_case_folded_and_keep_only_letters_and_digits(name, normal):
    assert normalise_column_name(name) == normal


# --- guess_column_mapping -----------------------------------------------------------------

@pytest.mark.parametrize("name, field", [
    ("Email", "email"), ("E-mail Address", "email"), ("E-MAIL ADDRESS", "email"),
    ("Email Address", "email"), ("Work Email", "email"), ("email_address", "email"),
    ("First Name", "first_name"), ("firstname", "first_name"), ("Given name", "first_name"),
    ("first_name", "first_name"), ("Last Name", "last_name"), ("Surname", "last_name"),
    ("Company", "company_name"), ("Company Name", "company_name"),
    ("Organization", "company_name"), ("Account Name", "company_name"),
    ("Company / Account", "company_name"), ("Phone", "phone_number"),
    ("Phone Number", "phone_number"), ("Mobile", "phone_number"),
    ("Mobile Phone", "phone_number"), ("Website", "website"), ("Website URL", "website"),
    ("Company Website", "website"), ("Domain", "website"), ("Company Domain Name", "website"),
    ("Location", "location"), ("City", "location"), ("Country", "location"),
    ("Country/Region", "location"), ("LinkedIn", "linkedin_profile"),
    ("LinkedIn URL", "linkedin_profile"), ("Person Linkedin Url", "linkedin_profile"),
    ("linkedInProfileUrl", "linkedin_profile"), ("Company URL", "company_url"),
    ("company_url", "company_url"),
])
def test_export_column_names_are_recognised(name, field):
    assert guess_column_mapping([name]) == {name: field}


@pytest.mark.parametrize("name", [
    "Email Status", "Secondary Email", "Name", "Full Name", "Job Title", "Company Linkedin Url",
    "URL", "State", "Company Name for Emails", "Lead Status",
])
def test_look_alike_names_stay_custom_fields(name):
    assert guess_column_mapping([name]) == {name: "custom_fields"}


def test_best_named_column_wins_a_field_even_when_it_comes_later():
    mapping = guess_column_mapping(["Work Email", "Email", "Corporate Phone", "Phone"])
    assert mapping == {"Work Email": "custom_fields", "Email": "email",
                       "Corporate Phone": "custom_fields", "Phone": "phone_number"}


def test_equally_named_columns_first_one_wins():
    assert guess_column_mapping(["email", "EMAIL"]) == {"email": "email", "EMAIL": "custom_fields"}


def test_standard_fields_are_the_documented_ones():
    assert STANDARD_FIELDS == ("email", "first_name", "last_name", "company_name",
                               "phone_number", "website", "location", "linkedin_profile",
                               "company_url")


def test_every_column_is_in_the_mapping_in_column_order_as_text():
    assert list(guess_column_mapping(["Notes", 3, "Email"])) == ["Notes", "3", "Email"]
    assert guess_column_mapping([]) == {}


# --- resolve_guesses: the caller's choices, then guesses ----------------------------------

def test_fixed_choices_are_kept_and_the_rest_guessed():
    mapping, notes = resolve_guesses(["Work mail", "Company", "Notes", "Phone"],
                                     {"Work mail": "email", "Notes": None})
    assert mapping == {"Work mail": "email", "Company": "company_name", "Notes": None,
                       "Phone": "phone_number"}
    assert notes == []


def test_a_fixed_choice_to_custom_fields_is_not_guessed_over():
    mapping, notes = resolve_guesses(["Email", "Company"], {"Company": "custom_fields"})
    assert mapping == {"Email": "email", "Company": "custom_fields"}
    assert notes == []


def test_a_column_the_caller_placed_does_not_compete_for_its_look_alike_field():
    assert resolve_guesses(["Email", "E-mail"], {"Email": None}) == (
        {"Email": None, "E-mail": "email"}, [])


def test_a_field_taken_by_a_fixed_choice_sends_look_alikes_to_custom_fields_with_a_note():
    mapping, notes = resolve_guesses(["Email", "Work mail"], {"Work mail": "email"})
    assert mapping == {"Email": "custom_fields", "Work mail": "email"}
    assert notes == ["'Email' also looks like email, but mapping= sends 'Work mail' there; "
                     "'Email' goes into custom_fields"]
    _, notes = resolve_guesses(["Email", "E-mail", "Mail2"], {"Mail2": "email"})
    assert notes == ["'Email' and 'E-mail' also look like email, but mapping= sends 'Mail2' "
                     "there; 'Email' and 'E-mail' go into custom_fields"]


def test_three_claims_on_one_field_name_the_winner_and_both_losers():
    mapping, notes = resolve_guesses(["Corporate Phone", "Mobile", "Phone"], {})
    assert mapping == {"Corporate Phone": "custom_fields", "Mobile": "custom_fields",
                       "Phone": "phone_number"}
    assert notes == ["'Phone', 'Mobile' and 'Corporate Phone' all look like phone_number; "
                     "using 'Phone', 'Mobile' and 'Corporate Phone' go into custom_fields "
                     "(pass mapping={column: 'phone_number'} to choose another)"]


def test_notes_come_in_the_order_of_the_standard_fields():
    _, notes = resolve_guesses(["City", "Country", "Email", "Work Email"], {})
    assert [note.split(";")[0].rsplit(" ", 1)[1] for note in notes] == ["email", "location"]


def test_docstring_examples_hold():
    failures, tried = doctest.testmod(columns)
    assert tried > 0 and failures == 0
