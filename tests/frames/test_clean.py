"""frames.clean: the text SmartLead gets for one cell (``scalar_text``, ``cell_text``,
``is_missing``) and for a whole column (``column_text``, ``value_problems``).

The first part calls the functions directly; the second follows the same rules through
``leads_from_frame``, where they show as the leads' values (a missing value leaves its key out).
"""

from __future__ import annotations

import datetime as dt
import decimal
import doctest

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.frames import clean
from smartlead_nb.frames.clean import (
    WireText, cell_text, column_text, is_missing, scalar_text, value_problems,
)
from smartlead_nb.frames.leads import LeadsResult, leads_from_frame

from .helpers import frame

KATHMANDU = dt.timezone(dt.timedelta(hours=5, minutes=45))


# --- one cell -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    None, float("nan"), np.float32("nan"), np.float64("nan"), pd.NaT, pd.NA,
    np.datetime64("NaT"), np.timedelta64("NaT"),
])
def test_no_value_of_every_kind_is_missing_and_has_no_text(value):
    assert is_missing(value)
    assert scalar_text(value) is None
    assert cell_text(value) == ""


@pytest.mark.parametrize("value", ["", " ", 0, 0.0, False, np.False_, decimal.Decimal("0"),
                                   b"", [], dt.timedelta(0)])
def test_empty_text_zero_and_false_are_values(value):
    assert not is_missing(value)
    assert scalar_text(value) is not None


@pytest.mark.parametrize("value, text", [
    # text is passed on untrimmed: trimming is the column rule
    (" Ana ", " Ana "),
    # booleans, numpy's included, in JSON's spelling; before the integer rule (True is an int)
    (True, "true"), (False, "false"), (np.bool_(True), "true"), (np.False_, "false"),
    (7, "7"), (np.int64(-5), "-5"), (np.uint64(2**64 - 1), "18446744073709551615"),
    # whole floats without ".0" or exponent; others their shortest text at their own precision
    (3.0, "3"), (np.float64(4.4207946e11), "442079460000"), (1e20, "100000000000000000000"),
    (2.5, "2.5"), (np.float32(0.1), "0.1"), (1.5e-7, "1.5e-07"),
    # Decimal keeps its own digits (trailing zeros are the writer's)
    (decimal.Decimal("1.50"), "1.50"), (decimal.Decimal("1E+3"), "1E+3"),
    # bytes as UTF-8, a broken byte replaced rather than failing the whole column
    ("café".encode(), "café"), (b"\xffok", "\ufffdok"),
    # dates and times: ISO 8601, with the offset of a tz-aware value
    (dt.date(2024, 3, 1), "2024-03-01"), (dt.time(9, 30), "09:30:00"),
    (dt.datetime(2024, 3, 1, 9, 30), "2024-03-01T09:30:00"),
    (dt.datetime(2024, 3, 1, 9, 30, tzinfo=KATHMANDU), "2024-03-01T09:30:00+05:45"),
    (pd.Timestamp("2024-01-15 09:30", tz="America/New_York"), "2024-01-15T09:30:00-05:00"),
    (np.datetime64("2024-03-01T09:30"), "2024-03-01T09:30:00"),
    # durations: ISO 8601 durations, whichever type carries them
    (dt.timedelta(days=1, hours=2), "P1DT2H0M0S"), (pd.Timedelta("90s"), "P0DT0H1M30S"),
    # anything else: str()
    ([1, 2], "[1, 2]"),
])
def test_each_documented_type_has_its_wire_text(value, text):
    assert scalar_text(value) == text
    assert cell_text(value) == text
    assert not is_missing(value)


@pytest.mark.parametrize("value", [float("inf"), -np.inf, np.float32("inf"),
                                   decimal.Decimal("Infinity"), decimal.Decimal("NaN")])
def test_infinities_and_decimal_nan_have_no_wire_text(value):
    assert scalar_text(value) is None
    assert cell_text(value) == ""


@pytest.mark.parametrize("value, text", [(np.timedelta64(90, "s"), "P0DT0H1M30S"),
                                         (np.timedelta64(90, "ns"), "P0DT0H0M0.00000009S"),
                                         (np.timedelta64(2, "D"), "P2DT0H0M0S")])
def test_numpy_timedeltas_are_iso_durations_too(value, text):
    assert scalar_text(value) == text


# --- one column ---------------------------------------------------------------------------

def test_a_column_is_an_array_of_str_with_present_flags():
    text = column_text(pd.Series([" Ana ", None, "", "\xa0", "Bo"], dtype=object))
    assert isinstance(text, WireText)
    assert text.values.tolist() == ["Ana", "", "", "", "Bo"]
    assert text.present.tolist() == [True, False, False, False, True]
    assert (text.free_text, text.longest, text.suspect, text.escape) == (True, 3, False, False)


def test_the_screening_flags_say_what_a_column_holds():
    assert column_text(pd.Series(['say "hi"'])).escape
    assert column_text(pd.Series(["tab\there"])).escape
    assert column_text(pd.Series(["nul\x00"])).suspect
    assert column_text(pd.Series(["\ud800"], dtype=object)).suspect
    assert not column_text(pd.Series(["ünïcödé 🎉"])).suspect
    numbers = column_text(pd.Series([1.0, 2.5]))
    assert not numbers.free_text and numbers.values.tolist() == ["1", "2.5"]


def test_categorical_columns_take_their_categories_text_and_missing_codes():
    text = column_text(pd.Series([" a ", None, "b", " a "], dtype="category"))
    assert text.values.tolist() == ["a", "", "b", "a"]
    assert text.present.tolist() == [True, False, True, True]


def test_take_keeps_the_flags_for_the_rows_taken():
    text = column_text(pd.Series(['"q"', None, "long text"]))
    taken = text.take(np.array([1, 2]))
    assert taken.values.tolist() == ["", "long text"] and taken.present.tolist() == [False, True]
    assert (taken.free_text, taken.longest, taken.escape) == (True, 9, True)


def test_value_problems_name_the_column_per_position():
    text = column_text(pd.Series(["ok", "x" * 12, None, "a\x00b", "\udc80"], dtype=object))
    assert value_problems(text, "Notes", 10) == {
        1: "value in column 'Notes' is 12 characters long (the limit is 10)",
        3: "value in column 'Notes' contains a NUL character (\\x00)",
        4: "value in column 'Notes' is not valid Unicode (a lone surrogate; was the file read "
           "with the right encoding?)"}


def test_value_problems_skip_columns_that_cannot_hold_them():
    assert value_problems(column_text(pd.Series([2**62, 5])), "Big", 3) == {}  # numbers
    assert value_problems(column_text(pd.Series(["short"])), "Notes", 5) == {}


def test_docstring_examples_hold():
    failures, tried = doctest.testmod(clean)
    assert tried > 0 and failures == 0


# --- the same rules, as the leads' values -------------------------------------------------

def lead_values(result: LeadsResult, column: str) -> list:
    """The custom field ``column`` of every accepted lead (``None`` where it is left out)."""
    return [lead.get("custom_fields", {}).get(column) for lead in result.leads]


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
