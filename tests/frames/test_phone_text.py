"""Phone numbers that a spreadsheet once wrote as floats, then read back as text."""

import pandas as pd

from smartlead_nb import leads_from_frame


def test_a_float_rendering_read_as_text_is_sent_as_digits():
    """Issue 11: a CSV read with dtype=str (the upload readers, the form) keeps the '.0' the
    export wrote; it is not part of any phone number, so it is never sent."""
    frame = pd.DataFrame({"Email": ["a@a.example", "b@b.example", "c@c.example", "d@d.example"],
                          "Phone": ["4155550101.0", "+442079460000.00", "+44 20 7946 0000",
                                    "0.5 ext"]}, dtype="string")
    phones = [lead.get("phone_number") for lead in leads_from_frame(frame).leads]
    assert phones == ["4155550101", "+442079460000", "+44 20 7946 0000", "0.5 ext"]


def test_the_same_digits_whether_the_column_was_read_as_floats_or_as_text():
    as_floats = pd.DataFrame({"email": ["a@a.example"], "phone": [4155550101.0]})
    as_text = pd.DataFrame({"email": ["a@a.example"], "phone": ["4155550101.0"]})
    assert leads_from_frame(as_floats).leads == leads_from_frame(as_text).leads


def test_other_text_columns_keep_their_dot_zero():
    frame = pd.DataFrame({"email": ["a@a.example"], "version": ["2.0"]})
    assert leads_from_frame(frame).leads[0]["custom_fields"] == {"version": "2.0"}
