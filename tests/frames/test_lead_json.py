"""frames.lead_json: lead payloads from cleaned columns, as dicts and as JSON bytes.

The promise is byte for byte: every batch body is what ``json.dumps`` (compact, UTF-8 as is)
makes of the matching slice of the lead dicts. The first part calls the module directly on
columns from ``frames.clean``; the second goes through ``LeadsResult.json_batches``.
"""

from __future__ import annotations

import doctest
import json
import random

import pandas as pd
import pytest

from smartlead_nb.frames import lead_json
from smartlead_nb.frames.clean import column_text
from smartlead_nb.frames.lead_json import json_batches, json_strings, lead_dicts
from smartlead_nb.frames.leads import LeadsResult, leads_from_frame

from .helpers import HUBSPOT_LEADS, frame


def wire(*values) -> object:
    """A column's wire text, as ``leads_from_frame`` hands it to this module."""
    return column_text(pd.Series(list(values), dtype=object))


def compact(leads: list[dict]) -> bytes:
    """The reference encoding the built bodies must equal, byte for byte."""
    return json.dumps(leads, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- the module on its own ----------------------------------------------------------------

@pytest.mark.parametrize("values", [
    [], ["Ana"], ['say "hi"', "back\\slash", "line1\nline2", "\x01", "🎉", "\u2028", ""],
])
def test_json_strings_equal_json_dumps_of_each_value(values):
    assert json_strings(values) == [json.dumps(v, ensure_ascii=False) for v in values]


def test_lead_dicts_leave_out_missing_values_and_empty_custom_fields():
    standard = [("email", wire("a@x.io", "b@x.io")), ("first_name", wire("Ana", None))]
    custom = [("Title", wire(None, "CFO")), ("Notes", wire(None, ""))]
    assert lead_dicts(standard, custom, 2) == [
        {"email": "a@x.io", "first_name": "Ana"},
        {"email": "b@x.io", "custom_fields": {"Title": "CFO"}}]
    assert lead_dicts(standard, [], 2) == [{"email": "a@x.io", "first_name": "Ana"},
                                           {"email": "b@x.io"}]


def test_json_batches_yield_positions_and_bodies_of_the_leads():
    standard = [("email", wire("a@x.io", "b@x.io", "c@x.io")),
                ("last_name", wire(None, 'O"Brien', None))]
    custom = [("Title", wire("CFO", None, None))]
    batches = list(json_batches(standard, custom, 3, 2))
    leads = lead_dicts(standard, custom, 3)
    assert [(start, stop) for start, stop, _ in batches] == [(0, 2), (2, 3)]
    assert [body for _, _, body in batches] == [compact(leads[:2]), compact(leads[2:])]
    assert batches[0][2] == (b'[{"email":"a@x.io","custom_fields":{"Title":"CFO"}},'
                             b'{"email":"b@x.io","last_name":"O\\"Brien"}]')
    assert list(json_batches(standard, custom, 0, 2)) == []


def test_bodies_equal_json_dumps_of_the_dicts_on_random_columns(monkeypatch):
    monkeypatch.setattr(lead_json, "_CHUNK_ROWS", 7)  # several chunks, batches across them
    rnd = random.Random(15)
    pieces = ["a", "Ä", '"', "\\", "\n", "\x07", "🎉", " ", "", "x,y", "}{"]
    n = 40
    for trial in range(30):
        def column(free_text: bool):
            values = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 3)))
                      if rnd.random() < 0.6 else None for _ in range(n)]
            return wire(*values) if free_text else column_text(
                pd.Series([rnd.choice([None, 1.5, 7, True]) for _ in range(n)], dtype=object))
        standard = [("email", wire(*[f"r{i}@x.io" for i in range(n)]))]
        standard += [(f, column(rnd.random() < 0.7)) for f in ("first_name", "website")
                     if rnd.random() < 0.7]
        custom = [(name, column(rnd.random() < 0.7))
                  for name in ('Quote "col"', "Ключ", "plain", "new\nline")[:rnd.randint(0, 4)]]
        leads = lead_dicts(standard, custom, n)
        size = rnd.choice([1, 3, 5, 40])
        bodies = [body for _, _, body in json_batches(standard, custom, n, size)]
        assert bodies == [compact(leads[i:i + size]) for i in range(0, n, size)], trial


def test_docstring_examples_hold():
    failures, tried = doctest.testmod(lead_json)
    assert tried > 0 and failures == 0


# --- through LeadsResult.json_batches -----------------------------------------------------

def batches_as_leads(result: LeadsResult, batch_size: int) -> list[list[dict]]:
    return [json.loads(payload.body) for payload in result.json_batches(batch_size)]


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
