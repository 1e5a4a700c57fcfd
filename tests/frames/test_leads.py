"""leads_from_frame as a whole: mapping, frame checks, row outcomes, report and the result.

The rules it is built from have their own modules and tests: column-name guessing in
test_columns.py, wire text of cells and columns in test_clean.py, the JSON bodies in
test_lead_json.py. Expected payloads are written out by hand from the fixture files, never
taken from the code.
"""

from __future__ import annotations

import doctest
import json

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.frames import leads as frame_leads
from smartlead_nb.frames.leads import LeadBatchPayload, LeadFrameError, leads_from_frame

from .helpers import HUBSPOT_LEADS, frame


# --- column names in the result -----------------------------------------------------------

def test_conflict_is_a_warning_and_the_loser_is_a_custom_field():
    df = frame(**{"Work Email": ["w@x.io"], "Email": ["e@x.io"]})
    result = leads_from_frame(df)
    assert result.leads == [{"email": "e@x.io", "custom_fields": {"Work Email": "w@x.io"}}]
    assert result.warnings == [
        "'Email' and 'Work Email' both look like email; using 'Email', 'Work Email' goes into "
        "custom_fields (pass mapping={column: 'email'} to choose another)"]


def test_non_string_column_names_are_used_as_text():
    df = pd.DataFrame({0: ["ana@x.io"], "Email2": ["b@x.io"], 7: [3]})
    df = df.rename(columns={"Email2": "email"})
    result = leads_from_frame(df)
    assert result.mapping == {"0": "custom_fields", "email": "email", "7": "custom_fields"}
    assert result.leads == [{"email": "b@x.io", "custom_fields": {"0": "ana@x.io", "7": "3"}}]
    # and an explicit mapping may name them by the label or its text
    assert leads_from_frame(df, mapping={0: "email", "email": None}).leads == [
        {"email": "ana@x.io", "custom_fields": {"7": "3"}}]


# --- explicit mapping ---------------------------------------------------------------------

def test_explicit_mapping_overrides_the_guess():
    df = frame(**{"Work mail": ["ana@x.io"], "Email": ["old@x.io"], "Company": ["Acme"],
                  "Notes": ["internal"], "Org": ["Acme Group"]})
    result = leads_from_frame(df, mapping={"Work mail": "email", "Notes": None,
                                           "Company": "custom_fields", "Org": "company_name"})
    assert result.mapping == {"Work mail": "email", "Email": "custom_fields",
                              "Company": "custom_fields", "Notes": None, "Org": "company_name"}
    assert result.leads == [{"email": "ana@x.io", "company_name": "Acme Group",
                             "custom_fields": {"Email": "old@x.io", "Company": "Acme"}}]
    assert result.warnings == ["'Email' also looks like email, but mapping= sends 'Work mail' "
                               "there; 'Email' goes into custom_fields"]


def test_explicit_mapping_to_an_unknown_field_names_it():
    df = frame(Email=["a@x.io"], Mail2=["b@x.io"])
    with pytest.raises(LeadFrameError, match=r"column 'Mail2' to 'e-mail', which is not a "
                                             r"SmartLead lead field; use one of email, "):
        leads_from_frame(df, mapping={"Mail2": "e-mail"})


def test_explicit_mapping_of_a_missing_column_names_it_and_suggests_a_near_one():
    df = frame(**{"Work mail": ["a@x.io"]})
    with pytest.raises(LeadFrameError) as info:
        leads_from_frame(df, mapping={"work_mail": "email"})
    assert str(info.value) == ("mapping names column 'work_mail', which is not in the frame "
                               "(columns: 'Work mail'); did you mean 'Work mail'?")


def test_explicit_mapping_written_field_to_column_gets_a_hint():
    df = frame(**{"Work mail": ["a@x.io"]})
    with pytest.raises(LeadFrameError, match=r"did you mean \{'Work mail': 'email'\}"):
        leads_from_frame(df, mapping={"email": "Work mail"})


def test_explicit_mapping_of_two_columns_to_one_field_is_refused():
    df = frame(A=["a@x.io"], B=["b@x.io"])
    with pytest.raises(LeadFrameError, match="mapping sends both 'A' and 'B' to 'email'"):
        leads_from_frame(df, mapping={"A": "email", "B": "email"})


# --- frame-level errors -------------------------------------------------------------------

def test_frame_errors_are_value_errors():
    assert issubclass(LeadFrameError, ValueError)


def test_frame_without_rows_is_refused():
    with pytest.raises(LeadFrameError, match=r"the frame has no rows \(columns: 'Email'\)"):
        leads_from_frame(pd.DataFrame({"Email": pd.Series([], dtype=object)}))


def test_frame_without_email_column_lists_columns_and_suggests_mapping():
    df = frame(Name=["Ana Silva"], **{"Work mail": ["ana@x.io"], "Company": ["Acme"]})
    with pytest.raises(LeadFrameError) as info:
        leads_from_frame(df)
    assert str(info.value) == (
        "no email column: none of the columns looks like one (columns: 'Name', 'Work mail', "
        "'Company'). Say which column holds the addresses, e.g. "
        "leads_from_frame(df, mapping={'Work mail': 'email'})")


def test_email_column_left_out_by_mapping_means_no_email_column():
    with pytest.raises(LeadFrameError, match="no email column"):
        leads_from_frame(frame(Email=["a@x.io"]), mapping={"Email": None})


def test_duplicate_column_names_are_named_with_positions():
    df = pd.DataFrame([["a@x.io", "Ana", "Silva"]], columns=["Email", "Name", "Name"])
    with pytest.raises(LeadFrameError, match="duplicate column names: 'Name' at positions 1, 2"):
        leads_from_frame(df)


def test_column_names_equal_as_text_are_duplicates_too():
    df = pd.DataFrame([["a@x.io", 1, 2]], columns=["Email", 1, "1"])
    with pytest.raises(LeadFrameError, match="'1' at positions 1, 2"):
        leads_from_frame(df)


def test_repeated_index_labels_are_refused_with_the_fix():
    df = pd.concat([frame(Email=["a@x.io"]), frame(Email=["b@x.io"])])
    with pytest.raises(LeadFrameError, match=r"repeated labels \(0\).*reset_index\(drop=True\)"):
        leads_from_frame(df)


def test_custom_column_with_empty_name_is_refused():
    df = pd.DataFrame([["a@x.io", "x"]], columns=["Email", " "])
    with pytest.raises(LeadFrameError, match=r"column 1 has an empty name.*mapping=\{' ': None\}"):
        leads_from_frame(df)


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="needs a pandas DataFrame, got list"):
        leads_from_frame([{"email": "a@x.io"}])


@pytest.mark.parametrize("bad", [-1, 2.5, "20", True])
def test_max_custom_fields_must_be_a_count(bad):
    with pytest.raises(ValueError, match="max_custom_fields must be a non-negative integer"):
        leads_from_frame(frame(Email=["a@x.io"]), max_custom_fields=bad)


def test_more_custom_fields_than_allowed_is_refused_with_count_and_limit():
    df = pd.DataFrame({"Email": ["a@x.io"], **{f"c{i}": ["v"] for i in range(201)}})
    with pytest.raises(LeadFrameError) as info:
        leads_from_frame(df)
    message = str(info.value)
    assert message.startswith("201 custom fields, more than the limit of 200 (max_custom_fields)")
    assert "'c0', 'c1'" in message and "and 189 more" in message


def test_custom_field_limit_counts_only_columns_with_values():
    df = pd.DataFrame({"Email": ["a@x.io"], **{f"c{i}": ["v"] for i in range(5)},
                       **{f"empty{i}": [np.nan] for i in range(10)}})
    assert len(leads_from_frame(df, max_custom_fields=5).leads[0]["custom_fields"]) == 5
    with pytest.raises(LeadFrameError, match="5 custom fields, more than the limit of 4"):
        leads_from_frame(df, max_custom_fields=4)


def test_more_than_twenty_custom_fields_is_a_warning():
    df = pd.DataFrame({"Email": ["a@x.io"], **{f"c{i}": [i] for i in range(21)}})
    result = leads_from_frame(df)
    assert len(result.leads[0]["custom_fields"]) == 21
    assert result.warnings == [
        "21 custom fields: SmartLead's older API docs allow 20 per lead (its current docs 200); "
        "if uploads are refused, leave some out with mapping={column: None}"]
    assert leads_from_frame(df.iloc[:, :21]).warnings == []


# --- realistic exports --------------------------------------------------------------------

def test_hubspot_export(read_data):
    df = read_data("hubspot_contacts.csv", parse_dates=["Create Date"])
    result = leads_from_frame(df)

    assert result.leads == HUBSPOT_LEADS
    assert list(result.leads[0]) == ["email", "first_name", "last_name", "company_name",
                                     "phone_number", "website", "location", "custom_fields"]
    assert result.index.tolist() == [0, 1, 5]
    assert result.mapping == {
        "Record ID": "custom_fields", "First Name": "first_name", "Last Name": "last_name",
        "Email": "email", "Phone Number": "phone_number", "Company Name": "company_name",
        "Website URL": "website", "City": "location", "Country/Region": "custom_fields",
        "Job Title": "custom_fields", "Lifecycle Stage": "custom_fields",
        "Create Date": "custom_fields"}
    assert result.warnings == [
        "'City' and 'Country/Region' both look like location; using 'City', 'Country/Region' "
        "goes into custom_fields (pass mapping={column: 'location'} to choose another)"]

    report = result.report
    assert report.index.equals(df.index)
    assert list(report.columns) == ["email", "outcome", "reason"]
    assert isinstance(report["outcome"].dtype, pd.CategoricalDtype)
    assert report["outcome"].tolist() == ["ok", "ok", "invalid_email", "duplicate",
                                          "missing_email", "ok"]
    assert report["reason"].tolist() == [
        "", "", "invalid email 'chloe@@acme.fr': two @ signs",
        "duplicate of row 1 (BOB@Acme.io)", "no email (column 'Email' is empty)", ""]
    assert report["email"].tolist()[:4] == ["ana.silva@example.eu", " BOB@Acme.io ",
                                            "chloe@@acme.fr", "bob@acme.io"]
    assert pd.isna(report["email"].iloc[4])


@pytest.mark.parametrize("convert", [
    pytest.param(lambda df: df.astype({c: object for c in df.columns if df[c].dtype.kind in "OT"
                                       or isinstance(df[c].dtype, pd.StringDtype)}),
                 id="object-strings"),
    pytest.param(lambda df: df.convert_dtypes(), id="nullable-dtypes"),
    pytest.param(lambda df: df.astype({"Job Title": "category", "Lifecycle Stage": "category"}),
                 id="categoricals"),
])
def test_hubspot_export_gives_the_same_leads_whatever_the_dtypes(read_data, convert):
    df = convert(read_data("hubspot_contacts.csv", parse_dates=["Create Date"]))
    before = df.copy(deep=True)
    assert leads_from_frame(df).leads == HUBSPOT_LEADS
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is never written to


def test_apollo_export(read_data):
    df = read_data("apollo_people.csv")
    result = leads_from_frame(df)

    assert result.leads == [
        {"email": "ana@example.eu", "first_name": "Ana", "last_name": "Silva",
         "company_name": "Example GmbH", "phone_number": "'+351 910 000 000",
         "website": "http://www.example.eu", "location": "Lisbon",
         "linkedin_profile": "http://www.linkedin.com/in/ana-silva",
         "custom_fields": {"Title": "CFO", "Company Name for Emails": "Example",
                           "Email Status": "Verified", "Corporate Phone": "'+351 21 000 0000",
                           "# Employees": "250", "Industry": "Financial Services",
                           "Company Linkedin Url": "http://www.linkedin.com/company/example",
                           "State": "Lisbon", "Country": "Portugal",
                           "Annual Revenue": "12500000"}},
        {"email": "raj@datawise.io", "first_name": "Raj", "last_name": "Patel",
         "company_name": "Datawise", "website": "http://www.datawise.io",
         "location": "San Francisco",
         "custom_fields": {"Title": "Head of Data", "Company Name for Emails": "Datawise",
                           "Email Status": "Unavailable", "Work Direct Phone": "'+1 415-555-0100",
                           "Industry": "Software", "State": "California",
                           "Country": "United States"}},
        {"email": "LI@EXAMPLE.EU", "first_name": "Li", "last_name": "Wei",
         "company_name": "Example GmbH", "website": "http://www.example.eu",
         "linkedin_profile": "http://www.linkedin.com/in/li-wei",
         "custom_fields": {"Title": "COO", "Company Name for Emails": "Example",
                           "Email Status": "Verified", "# Employees": "250",
                           "Industry": "Financial Services",
                           "Company Linkedin Url": "http://www.linkedin.com/company/example",
                           "Country": "Portugal", "Annual Revenue": "12500000"}},
    ]
    assert result.report.loc[3].tolist() == [
        "tom@berg", "invalid_email", "invalid email 'tom@berg': the domain 'berg' has no dot"]
    assert result.warnings == [
        "'Mobile Phone', 'Work Direct Phone' and 'Corporate Phone' all look like phone_number; "
        "using 'Mobile Phone', 'Work Direct Phone' and 'Corporate Phone' go into custom_fields "
        "(pass mapping={column: 'phone_number'} to choose another)",
        "'City' and 'Country' both look like location; using 'City', 'Country' goes into "
        "custom_fields (pass mapping={column: 'location'} to choose another)"]


def test_spreadsheet_with_blank_rows_and_phones_read_as_floats(read_data):
    df = read_data("excel_blank_rows.csv")
    assert df["Mobile"].dtype == np.float64  # what pandas really makes of it
    result = leads_from_frame(df)

    assert result.mapping == {"E-MAIL ADDRESS": "email", "Given name": "first_name",
                              "Surname": "last_name", "Organization": "company_name",
                              "Mobile": "phone_number", "Notes": "custom_fields"}
    assert result.leads == [
        {"email": "ana@example.com", "first_name": "Ana", "last_name": "Silva",
         "company_name": "Example", "phone_number": "4155550100"},
        {"email": "bo@example.org", "first_name": "Bo", "last_name": "Berg",
         "company_name": "Berg AB", "phone_number": "442079460000",
         "custom_fields": {"Notes": "call after 3pm"}},
        {"email": "cy@example.net", "first_name": "Cy"},
    ]
    assert result.report["outcome"].tolist() == ["ok", "empty_row", "ok", "empty_row",
                                                 "empty_row", "ok"]
    assert result.report["reason"].tolist()[1] == "the row is empty"
    assert result.warnings == [
        "column 'Mobile' (phone_number) was read as numbers, so leading zeros and '+' signs are "
        "already lost; read the file with dtype={'Mobile': str} to keep them"]


def test_input_frame_is_left_untouched(read_data):
    df = read_data("hubspot_contacts.csv", parse_dates=["Create Date"])
    before = df.copy(deep=True)
    leads_from_frame(df)
    pd.testing.assert_frame_equal(df, before)


# --- rows that are not sent ---------------------------------------------------------------

def test_duplicates_compare_trimmed_and_case_insensitive_and_keep_the_first():
    df = frame(Email=["ana@example.com", "bo@example.com", " ANA@Example.com ",
                      "Ana@example.COM", "bo@example.com"],
               Name=["first", "bo", "second", "third", "bo again"])
    result = leads_from_frame(df)
    assert result.leads == [{"email": "ana@example.com", "custom_fields": {"Name": "first"}},
                            {"email": "bo@example.com", "custom_fields": {"Name": "bo"}}]
    assert result.report["reason"].tolist() == [
        "", "", "duplicate of row 0 (ana@example.com)", "duplicate of row 0 (ana@example.com)",
        "duplicate of row 1 (bo@example.com)"]


def test_duplicate_reasons_use_index_labels():
    df = frame(Email=["a@x.io", "b@x.io", "A@X.IO"])
    df.index = ["lead-a", "lead-b", "lead-c"]
    result = leads_from_frame(df)
    assert result.report.loc["lead-c", "reason"] == "duplicate of row 'lead-a' (a@x.io)"
    assert result.index.tolist() == ["lead-a", "lead-b"]


def test_a_bad_first_copy_does_not_cost_the_lead():
    df = frame(Email=["ana@x.io", "ANA@x.io"], Notes=["x" * 5001, "fine"])
    result = leads_from_frame(df)
    assert result.leads == [{"email": "ANA@x.io", "custom_fields": {"Notes": "fine"}}]
    assert result.report["outcome"].tolist() == ["bad_value", "ok"]


def test_summary_repr_rejected_and_len(read_data):
    result = leads_from_frame(read_data("hubspot_contacts.csv"))
    assert result.summary().to_dict() == {"ok": 3, "empty_row": 0, "missing_email": 1,
                                          "invalid_email": 1, "bad_value": 0, "duplicate": 1}
    assert len(result) == 3
    assert result.rejected.index.tolist() == [2, 3, 4]
    assert repr(result) == (
        "LeadsResult: 6 rows -> 3 leads; rejected 1 missing_email, 1 invalid_email, 1 duplicate\n"
        "  columns: 7 standard fields, 5 custom fields\n"
        "  warning: 'City' and 'Country/Region' both look like location; using 'City', "
        "'Country/Region' goes into custom_fields (pass mapping={column: 'location'} to choose "
        "another)")


def test_no_accepted_rows_gives_no_leads_and_no_batches():
    result = leads_from_frame(frame(Email=["nope", None], Name=["A", "B"]))
    assert result.leads == [] and len(result.index) == 0
    assert list(result.json_batches()) == []
    assert repr(result).startswith("LeadsResult: 2 rows -> 0 leads; rejected 1 missing_email, "
                                   "1 invalid_email")


# --- the batches a result hands out ------------------------------------------------------

@pytest.mark.parametrize("bad", [0, 401, 2.0, True, "100"])
def test_json_batch_size_must_be_1_to_400(bad):
    result = leads_from_frame(frame(Email=["a@x.io"]))
    with pytest.raises(ValueError, match="batch_size must be an integer from 1 to 400"):
        result.json_batches(bad)  # refused at the call, not at the first batch


def test_batch_payload_unpacks_and_wraps_a_request_body():
    result = leads_from_frame(frame(Email=["a@x.io"]))
    (payload,) = result.json_batches()
    assert isinstance(payload, LeadBatchPayload)
    index, body = payload
    assert index.tolist() == [0] and body == b'[{"email":"a@x.io"}]'
    assert json.loads(payload.request_body({"ignore_global_block_list": False})) == {
        "lead_list": [{"email": "a@x.io"}], "settings": {"ignore_global_block_list": False}}
    assert json.loads(payload.request_body()) == {"lead_list": [{"email": "a@x.io"}]}
    assert repr(payload) == "LeadBatchPayload(1 leads, 20 bytes)"


def test_a_column_that_cannot_be_converted_is_named(monkeypatch):
    def broken(column):
        raise TypeError("no idea")

    monkeypatch.setattr(frame_leads, "column_text", broken)
    with pytest.raises(LeadFrameError, match=r"column 'Email' \((?:str|object)\) could not be turned "
                                             r"into text: TypeError: no idea"):
        leads_from_frame(frame(Email=["a@x.io"]))


def test_docstring_examples_hold():
    failures, tried = doctest.testmod(frame_leads)
    assert tried > 0 and failures == 0
