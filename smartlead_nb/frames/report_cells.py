"""Cells of reports written for people: safe to open in a spreadsheet (CSV/formula injection).

A spreadsheet opening a CSV runs a text cell that begins like a formula: ``=HYPERLINK(...)``
or ``@SUM(...)`` from a bought lead list would run on the analyst's machine. OWASP's rule
(CSV Injection, https://owasp.org/www-community/attacks/CSV_Injection): a cell that begins
with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a single quote in front, so the
spreadsheet reads it as text.

What this module adds to that rule, and why:

- the same characters after leading blanks (spaces, no-break and zero-width spaces), since
  some spreadsheets trim a cell before reading it, and, as a precaution, their fullwidth
  forms (``＝``, ``＋``, ``－``, ``＠``), which an import step that folds fullwidth text to
  ASCII would turn into a formula;
- line feed and NUL as first characters, like tab and carriage return (OWASP ASVS 5,
  requirement 1.2.10, adds NUL);
- a cell that already begins with a quote followed by one of these gets one more quote, so
  :func:`unquote_cell` gives back exactly what was written, and a report read back by the
  toolkit holds the values as given.

Only text is changed. Numbers written as numbers (a ``batch`` column, a negative amount) are
not formulas and stay as they are; a number held as text (``"-5"``, ``"+44 20 7946 0958"``)
is text and gets the quote, as OWASP's rule says. Reports only: what is sent to SmartLead is
never passed through here.

>>> report_cell("=HYPERLINK(\\"http://x\\")"), report_cell("Ana"), report_cell("  @SUM(A1)")
('\\'=HYPERLINK("http://x")', 'Ana', "'  @SUM(A1)")
>>> unquote_cell(report_cell("'=1+1")) == "'=1+1"
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["report_cell", "report_frame", "unquote_cell", "unquote_frame"]

# A formula begins with one of these (ASCII, then fullwidth).
_FORMULA_START = "=+-@\uff1d\uff0b\uff0d\uff20"
# As the very first character these make a cell special too (OWASP: tab, CR; ASVS: NUL).
_FIRST_CHAR = "\t\r\n\x00"
# Blanks a spreadsheet may skip before reading the formula: whitespace and invisible marks.
_BLANKS = (" \t\r\n\x0b\x0c\x00\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
           "\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f"
           "\u2060\u3000\ufeff")


def _needs_quote(text: str) -> bool:
    # Quotes already in front are looked past: "'=1" gets one more, so unquoting is exact.
    text = text.lstrip("'")
    if not text:
        return False
    first = text.lstrip(_BLANKS)[:1]
    return text[0] in _FIRST_CHAR or (first != "" and first in _FORMULA_START)


def report_cell(value: Any) -> Any:
    """``value`` as a report cell: a text that a spreadsheet would run gets a leading ``'``;
    anything else (other text, numbers, missing values) is returned unchanged."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unquote_cell(value: Any) -> Any:
    """The value :func:`report_cell` was given (for a report the toolkit reads back)."""
    if isinstance(value, str) and value[:1] == "'" and _needs_quote(value[1:]):
        return value[1:]
    return value


def report_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (index and column names too) made safe by
    :func:`report_cell`; numeric, boolean and date columns are left as they are."""
    return _map_text(frame, report_cell)


def unquote_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`report_frame` undone, for a report read back with text columns."""
    return _map_text(frame, unquote_cell)


def _is_text(dtype) -> bool:
    if isinstance(dtype, pd.CategoricalDtype):
        return _is_text(dtype.categories.dtype)
    return dtype == object or isinstance(dtype, pd.StringDtype)


def _map_text(frame: pd.DataFrame, cell) -> pd.DataFrame:
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text(column.dtype):
            # A Series keeps the column's dtype (pandas-stubs list only arrays and scalars).
            out.isetitem(position, column.map(cell, na_action="ignore"))  # type: ignore[arg-type]
    if _is_text(out.index.dtype):
        out.index = out.index.map(cell)
    out.index.name = cell(out.index.name)
    if _is_text(out.columns.dtype):
        out.columns = out.columns.map(cell)
    return out
