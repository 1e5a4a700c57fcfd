"""The shared typing rules: string counts become integers, times UTC datetimes, rates floats,
and mailbox credentials never reach a frame."""

import pandas as pd
import pytest

from smartlead_nb.frames.tidy import (column_kind, integer_column, integer_text_column,
                                      strip_secrets, tidy_frame, to_int)


def test_to_int():
    assert [to_int("640"), to_int(" 7 "), to_int(""), to_int(None), to_int(3.0), to_int("x"), to_int("2.5")] == \
        [640, 7, None, None, 3, "x", 2.5]


def test_strip_secrets_reaches_nested_records():
    assert strip_secrets({"a": [{"password": "x", "b": 1}]}) == {"a": [{"b": 1}]}
    assert strip_secrets({"refresh_token": "t", "smtp_password": "s", "id": 1}) == {"id": 1}


@pytest.mark.parametrize("name, value, kind", [
    ("created_at", "2025-06-02T09:15:00.000Z", "time"),
    ("last_reply_at", "2025-06-02T09:15:00Z", "time"),
    ("lead.sent_time", "2025-06-02T09:15:00Z", "time"),
    ("id", "12", "int"),
    ("campaign.lead_id", "12", "int"),
    ("reply_count", "3", "int"),
    ("max_leads_per_day", "50", "int"),
    ("open_rate", "34%", "rate"),
    ("name", "Q1", "text"),
    ("status", "12", "text"),           # digits, but not a count by name: stays text
])
def test_the_name_decides_the_type_in_tidy_frame(name, value, kind):
    assert column_kind(name) == kind
    column = tidy_frame([{name: value}])[name]
    expected = {"time": lambda c: str(c.dt.tz) == "UTC", "int": lambda c: str(c.dtype) == "Int64",
                "rate": lambda c: c.dtype == "float64", "text": lambda c: c.iloc[0] == value}
    assert expected[kind](column), (name, column.dtype)


@pytest.mark.parametrize("convert", [integer_column, integer_text_column])
def test_integer_columns_keep_a_column_that_is_not_all_numbers(convert):
    assert convert(pd.Series(["3", "4", None], dtype=object)).tolist() == [3, 4, pd.NA]
    assert convert(pd.Series(["3", "lots"], dtype=object)).tolist() == ["3", "lots"]
    assert convert(pd.Series(["1.5", "2"], dtype=object)).tolist() == [1.5, 2.0]
