"""leads_from_frame: column mapping, wire cleaning, row checks, report and JSON batches.

Expected payloads are written out by hand from the fixture files, never taken from the code.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.frames import emails, lead_json
from smartlead_nb.frames.leads import (
    STANDARD_FIELDS, LeadBatchPayload, LeadFrameError, LeadsResult, guess_column_mapping,
    leads_from_frame,
)


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def lead_values(result: LeadsResult, column: str) -> list:
    """The custom field ``column`` of every accepted lead (``None`` where it is left out)."""
    return [lead.get("custom_fields", {}).get(column) for lead in result.leads]


def batches_as_leads(result: LeadsResult, batch_size: int) -> list[list[dict]]:
    return [json.loads(payload.body) for payload in result.json_batches(batch_size)]


# --- column names -------------------------------------------------------------------------

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

HUBSPOT_LEADS = [
    {"email": "ana.silva@example.eu", "first_name": "Ana", "last_name": "Silva",
     "company_name": "Example GmbH", "phone_number": "+351 21 000 0000",
     "website": "https://example.eu", "location": "Lisbon",
     "custom_fields": {"Record ID": "1001", "Country/Region": "Portugal", "Job Title": "CFO",
                       "Lifecycle Stage": "lead", "Create Date": "2024-01-15T09:30:00"}},
    {"email": "BOB@Acme.io", "first_name": "Bob", "last_name": "Jones", "company_name": "Acme",
     "website": "acme.io",
     "custom_fields": {"Record ID": "1002", "Country/Region": "United States",
                       "Job Title": "VP Sales", "Lifecycle Stage": "customer",
                       "Create Date": "2024-02-01T14:05:00"}},
    {"email": "zoe@bücher.de", "first_name": "Zoë", "last_name": "O'Brien",
     "company_name": 'Bücher "&" Co', "website": "bücher.de", "location": "Köln",
     "custom_fields": {"Record ID": "1006", "Country/Region": "Germany",
                       "Job Title": 'Head of "Growth"', "Lifecycle Stage": "lead",
                       "Create Date": "2024-03-01T00:00:00"}},
]


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


# --- values on the wire -------------------------------------------------------------------

def test_missing_values_of_every_kind_are_left_out():
    df = frame(Email=["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"],
               Note=pd.Series([None, np.nan, pd.NA, "", "   \t ", "\xa0kept\xa0"], dtype=object),
               When=pd.to_datetime(["2024-03-01", None, "2024-03-02", None, None, None]))
    result = leads_from_frame(df)
    assert result.leads == [
        {"email": "a@x.io", "custom_fields": {"When": "2024-03-01"}},
        {"email": "b@x.io"},
        {"email": "c@x.io", "custom_fields": {"When": "2024-03-02"}},
        {"email": "d@x.io"}, {"email": "e@x.io"},
        {"email": "f@x.io", "custom_fields": {"Note": "kept"}},
    ]
    assert b"null" not in b"".join(p.body for p in result.json_batches())


@pytest.mark.parametrize("values, expected", [
    ([4155550100.0, np.nan], ["4155550100", None]),
    ([4.4207946e11, 1.0], ["442079460000", "1"]),
    ([0.1, 2.5, -0.0], ["0.1", "2.5", "0"]),
    ([1e20, 1.5e-7], ["100000000000000000000", "1.5e-07"]),
    ([np.inf, -np.inf, 7.0], [None, None, "7"]),
])
def test_floats_become_digits_without_dot_zero_or_exponent(values, expected):
    df = frame(Email=[f"r{i}@x.io" for i in range(len(values))], Value=values)
    assert lead_values(leads_from_frame(df), "Value") == expected


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_narrow_floats_keep_their_own_shortest_text(dtype):
    df = frame(Email=["a@x.io", "b@x.io"], Score=np.array([0.1, 3.0], dtype=dtype))
    assert lead_values(leads_from_frame(df), "Score") == ["0.1", "3"]


def test_phone_number_is_always_a_string():
    df = frame(Email=["a@x.io", "b@x.io"], Phone=np.array([4155550100, 442079460000]))
    assert [lead["phone_number"] for lead in leads_from_frame(df).leads] == [
        "4155550100", "442079460000"]


def test_integers_booleans_and_nullable_dtypes():
    df = frame(Email=["a@x.io", "b@x.io", "c@x.io"],
               Seats=np.array([1, 250, 250], dtype=np.int32),
               Big=np.array([2**64 - 1, 0, 7], dtype=np.uint64),
               Opted=[True, False, True],
               Maybe=pd.array([True, None, False], dtype="boolean"),
               Count=pd.array([None, 3, 4], dtype="Int64"),
               Share=pd.array([0.5, None, 2.0], dtype="Float64"))
    result = leads_from_frame(df)
    assert [lead["custom_fields"] for lead in result.leads] == [
        {"Seats": "1", "Big": "18446744073709551615", "Opted": "true", "Maybe": "true",
         "Share": "0.5"},
        {"Seats": "250", "Big": "0", "Opted": "false", "Count": "3"},
        {"Seats": "250", "Big": "7", "Opted": "true", "Maybe": "false", "Count": "4",
         "Share": "2"},
    ]


def test_repeated_numbers_take_the_same_route_as_distinct_ones():
    seats = [10, 20, 10, 20] * 300  # many repeats: converted once per distinct value
    df = frame(Email=[f"r{i}@x.io" for i in range(len(seats))], Seats=seats,
               Rev=[float(s) + 0.5 for s in seats])
    result = leads_from_frame(df)
    assert lead_values(result, "Seats")[:4] == ["10", "20", "10", "20"]
    assert lead_values(result, "Rev")[:4] == ["10.5", "20.5", "10.5", "20.5"]


def test_mixed_types_in_one_column_are_stringified_each_by_its_kind():
    mixed = pd.Series([1, "abc", 2.5, 3.0, True, None, np.int64(5), np.float64(2.0),
                       np.bool_(False), decimal.Decimal("1.50"), dt.date(2024, 3, 1),
                       pd.Timestamp("2024-03-01 09:30", tz="UTC"), b"bytes", [1, 2]],
                      dtype=object)
    df = frame(Email=[f"r{i}@x.io" for i in range(len(mixed))], Mixed=mixed)
    assert lead_values(leads_from_frame(df), "Mixed") == [
        "1", "abc", "2.5", "3", "true", None, "5", "2", "false", "1.50", "2024-03-01",
        "2024-03-01T09:30:00+00:00", "bytes", "[1, 2]"]


def test_payload_values_are_plain_python_strings():
    df = frame(Email=["a@x.io"], N=np.array([5]), F=np.array([2.5]), B=np.array([True]),
               D=pd.to_datetime(["2024-03-01 10:00"]), O=pd.Series([np.int64(3)], dtype=object))
    lead = leads_from_frame(df).leads[0]
    values = [lead["email"], *lead["custom_fields"].values()]
    assert [type(v) for v in values] == [str] * 6


@pytest.mark.parametrize("stamps, expected", [
    (pd.to_datetime(["2024-03-01", "2024-12-31", None]), ["2024-03-01", "2024-12-31", None]),
    (pd.to_datetime(["2024-03-01 09:30", "2024-03-02 00:00"]),
     ["2024-03-01T09:30:00", "2024-03-02T00:00:00"]),
    (pd.to_datetime(["2024-03-01 09:30:00.250", "2024-03-02 00:00:00.000"]),
     ["2024-03-01T09:30:00.250", "2024-03-02T00:00:00.000"]),
    (pd.to_datetime(["2024-01-15 09:30", "2024-07-01 09:30"]).tz_localize("America/New_York"),
     ["2024-01-15T09:30:00-05:00", "2024-07-01T09:30:00-04:00"]),
    (pd.to_datetime(["2024-01-15 00:00"]).tz_localize("UTC"), ["2024-01-15T00:00:00+00:00"]),
    (pd.to_datetime(["2024-01-15 00:00"]).tz_localize("Asia/Kathmandu"),
     ["2024-01-15T00:00:00+05:45"]),
])
def test_timestamps_become_iso_8601(stamps, expected):
    df = frame(Email=[f"r{i}@x.io" for i in range(len(stamps))], When=stamps)
    assert lead_values(leads_from_frame(df), "When") == expected


def test_timedeltas_become_iso_8601_durations():
    df = frame(Email=["a@x.io", "b@x.io"], Wait=pd.to_timedelta(["1 days 02:00:00", None]))
    assert lead_values(leads_from_frame(df), "Wait") == ["P1DT2H0M0S", None]


def test_surrounding_whitespace_is_trimmed_everywhere():
    df = frame(Email=["  Ana@Example.com\t"], **{"First Name": ["\u3000Ana "],
                                                 "Title": ["\n CFO \r\n"]})
    assert leads_from_frame(df).leads == [
        {"email": "Ana@Example.com", "first_name": "Ana", "custom_fields": {"Title": "CFO"}}]


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


@pytest.mark.parametrize("address, reason", [
    ("ana@@x", "two @ signs"),
    ("a@b@c.com", "two @ signs"),
    ("ana.example.com", "no @ sign"),
    ("@example.com", "nothing before the @"),
    ("ana@", "nothing after the @"),
    ("ana silva@example.com", "it contains a space or an invisible character"),
    ("ana\u200b@example.com", "it contains a space or an invisible character"),
    ('"ana silva"@example.com', 'quoted addresses ("..."@) are not supported'),
    ("josé@example.com", "character 'é' is not allowed before the @"),
    ("ana(x)@example.com", "character '(' is not allowed before the @"),
    ("ana..b@example.com", "two dots in a row"),
    ("ana@example..com", "two dots in a row"),
    (".ana@example.com", "the part before the @ starts or ends with a dot"),
    ("ana@example,com", "character ',' is not allowed in the domain"),
    ("ana@exa_mple.com", "character '_' is not allowed in the domain"),
    ("ana@[192.168.0.1]", "character '[' is not allowed in the domain"),
    ("ana@localhost", "the domain 'localhost' has no dot"),
    ("ana@example.com.", "the domain starts or ends with a dot"),
    ("ana@-example.com", "a part of the domain starts or ends with a hyphen"),
    ("ana@example-.com", "a part of the domain starts or ends with a hyphen"),
    ("ana@example.c", "the top-level domain '.c' is too short"),
    ("ana@example.c0m", "the top-level domain '.c0m' is not letters"),
    ("a" * 65 + "@example.com", "the part before the @ is longer than 64 characters"),
    ("ana@" + "b" * 250 + ".com", "it is longer than 254 characters"),
])
def test_invalid_emails_are_rejected_with_a_plain_reason(address, reason):
    df = frame(Email=["ok@example.com", address])
    result = leads_from_frame(df)
    shown = address if len(address) <= 80 else address[:77] + "..."
    shown = shown.replace("\u200b", "\\u200b")
    assert result.report.loc[1].tolist() == [address, "invalid_email",
                                             f"invalid email '{shown}': {reason}"]
    assert result.leads == [{"email": "ok@example.com"}]


@pytest.mark.parametrize("address", [
    "ana@example.com", "Ana.Silva+promo@Example.CO.UK", "o'brien@example.ie", "a@b.io",
    "ana@bücher.de", "ana@пример.рф", "ana@xn--e1afmkfd.xn--p1ai", "x_y-z!#$%&'*+/=?^`{|}~@a-b.example",
    "a" * 64 + "@example.com",
])
def test_valid_emails_are_accepted(address):
    assert leads_from_frame(frame(Email=[address])).leads == [{"email": address}]


_ATEXT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")


def reference_is_valid(address: str) -> bool:
    """The rules of the emails module written the slow, obvious way, as an independent check."""
    if address.count("@") != 1 or len(address) > 254:
        return False
    local, domain = address.split("@")
    if not 1 <= len(local) <= 64 or not domain:
        return False
    if any(c not in _ATEXT and c != "." for c in local) or ".." in local:
        return False
    if local[0] == "." or local[-1] == ".":
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if not label or label[0] == "-" or label[-1] == "-":
            return False
        if any(not (c.isalnum() or c == "-") or (c.isascii() and not (c.isalnum() or c == "-"))
               for c in label):
            return False
    tld = labels[-1]
    if tld.lower().startswith("xn--"):
        return len(tld) > 4 and all(c.isascii() and (c.isalnum() or c == "-") for c in tld)
    return len(tld) >= 2 and all(c.isalpha() for c in tld)


def test_email_check_agrees_with_a_slow_reference_and_always_says_why():
    rnd = random.Random(20240301)
    pieces = ["a", "Z", "0", ".", "@", "-", "_", " ", '"', "é", "п", "\u200b", "\xa0", ",",
              "+", "xn--", "com", "io", "b.c", "..", "@@"]
    addresses = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 9)))
                 for _ in range(20000)]
    addresses += [rnd.choice(["a", "a.b", "é", "a-b", '"a"', ".a", "a.", "a..b", "a+b"]) + "@"
                  + rnd.choice(["x", "x.co", "x.c", "-x.com", "x-.com", "x..com", "bü.de",
                                "x.123", "x.xn--p1ai", "x.co.", "x_y.com", "x.c-m", "x.xn--"])
                  for _ in range(5000)]
    values = np.array(addresses, dtype=object)
    codes, reasons = emails.check_emails(values, np.ones(len(values), dtype=bool))
    expected = np.array([reference_is_valid(a) for a in addresses])
    disagree = [a for a, c, e in zip(addresses, codes, expected) if (c == emails.OK) != e]
    assert disagree == []
    assert expected.sum() > 300 and (~expected).sum() > 300  # both sides really exercised
    why = [r for r in reasons[codes == emails.INVALID]]
    assert not [r for r in why if r.endswith("not a valid email address")]
    # and no rule fires on an address the check accepts
    assert emails.email_problems(pd.Series(values[codes == emails.OK], dtype=object)).isna().all()


def test_value_over_the_length_limit_rejects_the_row_with_a_reason():
    df = frame(Email=["a@x.io", "b@x.io"], Notes=["x" * 10_000, "short"], Title=["CFO", "CEO"])
    result = leads_from_frame(df)
    assert result.report.loc[0].tolist() == [
        "a@x.io", "bad_value",
        "value in column 'Notes' is 10,000 characters long (the limit is 5,000)"]
    assert result.leads == [{"email": "b@x.io", "custom_fields": {"Notes": "short",
                                                                  "Title": "CEO"}}]
    assert leads_from_frame(df, max_value_length=10_000).report["outcome"].tolist() == ["ok", "ok"]


def test_nul_and_broken_unicode_reject_the_row_naming_every_column():
    df = frame(Email=["a@x.io", "b@x.io", "c@x.io"],
               Notes=pd.Series(["ok", "bad\x00value", "\ud800broken"], dtype=object),
               Title=pd.Series(["CFO", "x" * 6000, "CEO"], dtype=object))
    result = leads_from_frame(df)
    assert result.report["outcome"].tolist() == ["ok", "bad_value", "bad_value"]
    assert result.report["reason"].tolist() == [
        "",
        "value in column 'Notes' contains a NUL character (\\x00); value in column 'Title' is "
        "6,000 characters long (the limit is 5,000)",
        "value in column 'Notes' is not valid Unicode (a lone surrogate; was the file read "
        "with the right encoding?)"]


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


# --- JSON batches -------------------------------------------------------------------------

def test_json_batches_parse_to_exactly_the_leads_in_batches(read_data):
    result = leads_from_frame(read_data("hubspot_contacts.csv", parse_dates=["Create Date"]))
    assert batches_as_leads(result, 2) == [HUBSPOT_LEADS[:2], HUBSPOT_LEADS[2:]]
    assert batches_as_leads(result, 400) == [HUBSPOT_LEADS]
    assert [p.index.tolist() for p in result.json_batches(2)] == [[0, 1], [5]]


def test_json_batches_across_chunk_edges(monkeypatch):
    monkeypatch.setattr(lead_json, "_CHUNK_ROWS", 5)  # chunks of 4 rows with batches of 2
    n = 11
    df = frame(Email=[f"r{i}@x.io" for i in range(n)],
               First=[None if i % 3 == 0 else f"N{i}" for i in range(n)],
               A=[f"a{i}" if i % 2 else None for i in range(n)],
               B=[f"b{i}" if i % 4 < 2 else None for i in range(n)])
    df = df.rename(columns={"First": "First Name"})
    result = leads_from_frame(df)
    expected = []
    for i in range(n):
        lead = {"email": f"r{i}@x.io"}
        if i % 3:
            lead["first_name"] = f"N{i}"
        custom = {k: v for k, v in (("A", f"a{i}" if i % 2 else None),
                                    ("B", f"b{i}" if i % 4 < 2 else None)) if v}
        if custom:
            lead["custom_fields"] = custom
        expected.append(lead)
    assert result.leads == expected
    batches = list(result.json_batches(2))
    assert [json.loads(p.body) for p in batches] == [expected[i:i + 2] for i in range(0, n, 2)]
    assert [p.index.tolist() for p in batches] == [list(range(i, min(n, i + 2)))
                                                   for i in range(0, n, 2)]


def test_json_escapes_quotes_backslashes_controls_and_keeps_unicode():
    tricky = ['say "hi"', "back\\slash", "line1\nline2", "tab\there", "\x01ctrl", "emoji 🎉",
              "ünïcödé", "sep\u2028arator", "</script>"]
    df = frame(Email=[f"r{i}@x.io" for i in range(len(tricky))], **{
        'Quote "col"': tricky, "Ключ": ["значение"] * len(tricky),
        "new\nline": ["v"] * len(tricky), "First Name": tricky})
    result = leads_from_frame(df)
    assert [lead["first_name"] for lead in result.leads] == [t.strip() for t in tricky]
    assert result.leads[0]["custom_fields"] == {'Quote "col"': 'say "hi"', "Ключ": "значение",
                                                "new\nline": "v"}
    (payload,) = result.json_batches()
    assert json.loads(payload.body) == result.leads
    assert "значение".encode() in payload.body  # UTF-8 as is, not \u escapes


def test_custom_field_commas_when_the_first_custom_column_is_empty():
    df = frame(Email=["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io"],
               A=["1", None, None, "4", None], B=["1", "2", None, None, None],
               C=["1", None, "3", "4", None])
    result = leads_from_frame(df)
    expected = [{"email": "a@x.io", "custom_fields": {"A": "1", "B": "1", "C": "1"}},
                {"email": "b@x.io", "custom_fields": {"B": "2"}},
                {"email": "c@x.io", "custom_fields": {"C": "3"}},
                {"email": "d@x.io", "custom_fields": {"A": "4", "C": "4"}},
                {"email": "e@x.io"}]
    assert result.leads == expected
    assert batches_as_leads(result, 400) == [expected]
    (payload,) = result.json_batches()
    assert payload.body.startswith(b'[{"email":"a@x.io","custom_fields":{"A":"1","B":"1","C":"1"}}')
    assert b'{"email":"e@x.io"}]' in payload.body


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
    from smartlead_nb.frames import leads as leads_module

    def broken(column):
        raise TypeError("no idea")

    monkeypatch.setattr(leads_module, "column_text", broken)
    with pytest.raises(LeadFrameError, match=r"column 'Email' \((?:str|object)\) could not be turned "
                                             r"into text: TypeError: no idea"):
        leads_from_frame(frame(Email=["a@x.io"]))


@pytest.mark.parametrize("module", ["columns", "lead_json", "leads"])
def test_docstring_examples_hold(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"smartlead_nb.frames.{module}")
    failures, tried = doctest.testmod(mod)
    assert tried > 0 and failures == 0


def test_standard_fields_are_the_documented_ones():
    assert STANDARD_FIELDS == ("email", "first_name", "last_name", "company_name",
                               "phone_number", "website", "location", "linkedin_profile",
                               "company_url")
