"""An analyst's leads DataFrame -> SmartLead lead payloads, with a report on every row.

Pure: no HTTP, nothing but pandas and numpy. The pieces live beside this module:
``columns`` (which column is which field), ``clean`` (values as wire text), ``emails``
(syntax and duplicates) and ``lead_json`` (payload dicts and JSON bytes, column-wise).

Rows are judged in this order, and each gets exactly one outcome in ``result.report``:

==================  ====================================================================
``ok``              sent
``empty_row``       every used column is empty (blank spreadsheet rows)
``missing_email``   no email
``invalid_email``   the email fails the syntax check (see ``emails``)
``bad_value``       a value SmartLead should not get: longer than ``max_value_length``
                    characters, a NUL character, or broken Unicode
``duplicate``       the same person as an earlier ``ok`` row (``emails.email_key``: any
                    case, spaces, Unicode or IDN spelling), which is the one kept; so a
                    bad first copy never costs the lead
==================  ====================================================================

"Row N" in reasons is the row's index label (``df.loc[N]``).

Decisions worth knowing (the reasons are in the modules named):

- Emails are sent trimmed but in their own spelling; duplicates are found on
  ``emails.email_key``, the one rule for "same person" that the uploader, the mirror and the
  plan use too. The report's ``email`` column is the value as given.
- Every value is sent as a string: booleans as ``"true"``/``"false"``, whole floats without
  ``.0``, timestamps as ISO 8601; missing values drop the key, never ``null`` (``clean``).
- ``Domain`` columns fill ``website`` unless there is a Website column (``columns``).
- Custom fields: a warning above 20 columns with values (the limit in SmartLead's older API
  documentation), refused above ``max_custom_fields`` (200, what its current add-leads page
  allows: https://api.smartlead.ai/api-reference/campaigns/add-leads); empty columns do not
  count.
- Values over 5,000 characters reject their row (SmartLead documents no limit).
"""

from __future__ import annotations

import dataclasses
import json
import operator
import re
from collections.abc import Iterator, Mapping
from functools import cached_property
from itertools import repeat
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from smartlead_nb.errors import InputError
from smartlead_nb.frames import emails
from smartlead_nb.frames.clean import WireText, column_text, value_problems
from smartlead_nb.frames.columns import (
    CUSTOM_FIELDS, STANDARD_FIELDS, guess_column_mapping, normalise_column_name, resolve_guesses,
)
from smartlead_nb.frames.lead_json import json_batches as _json_batches
from smartlead_nb.frames.lead_json import lead_dicts

__all__ = [
    "CUSTOM_FIELDS", "OUTCOMES", "STANDARD_FIELDS", "LeadBatchPayload", "LeadFrameError",
    "LeadsResult", "guess_column_mapping", "leads_from_frame",
]

#: Row outcomes in ``LeadsResult.report["outcome"]`` (a categorical in this order).
OUTCOMES = ("ok", "empty_row", "missing_email", "invalid_email", "bad_value", "duplicate")
_OK, _EMPTY, _MISSING, _INVALID, _BAD, _DUPLICATE = range(len(OUTCOMES))

#: SmartLead's older API docs allow 20 custom fields per lead, its current docs 200.
CUSTOM_FIELDS_WARN = 20
#: Maximum leads per add-leads request (SmartLead's current docs).
MAX_BATCH_SIZE = 400


class LeadFrameError(InputError):
    """The frame as a whole cannot become leads (no email column, duplicate names, ...).

    An :class:`~smartlead_nb.InputError` (so also a ``ValueError``): a refusal before
    anything is sent, caught by the same ``except`` as every other one.
    """


class LeadBatchPayload(NamedTuple):
    """One add-leads request's worth of leads: the rows' index labels and the JSON bytes.

    ``body`` is the UTF-8 JSON array for ``lead_list``; unpacks as ``(index, body)``.
    """

    # A field named like tuple.index, on purpose: ``batch.index`` reads as a frame's does.
    index: pd.Index  # type: ignore[assignment]
    body: bytes

    def request_body(self, settings: Mapping[str, bool] | None = None) -> bytes:
        """The whole request body: ``{"lead_list": [...], "settings": {...}}``."""
        tail = b"" if settings is None else b',"settings":' + json.dumps(dict(settings)).encode()
        return b'{"lead_list":' + self.body + tail + b"}"

    def __repr__(self) -> str:
        return f"LeadBatchPayload({len(self.index)} leads, {len(self.body):,} bytes)"


@dataclasses.dataclass(kw_only=True, eq=False, repr=False)
class LeadsResult:
    """What :func:`leads_from_frame` made of a frame.

    Attributes:
        report: one row per input row, indexed like the input: ``email`` (as given),
            ``outcome`` (categorical, see :data:`OUTCOMES`) and ``reason`` (``""`` when ok).
        index: index labels of the accepted rows, aligned with :attr:`leads`.
        mapping: ``{column: target}`` for every column, where target is a standard field
            name, ``"custom_fields"`` (sent under the column's own name) or ``None`` (left
            out, because ``mapping=`` said so).
        warnings: things worth a look that did not stop anything.
    """

    report: pd.DataFrame
    index: pd.Index
    mapping: dict
    warnings: list[str]
    # the accepted rows' texts, column by column, that the payloads are built from
    standard: dataclasses.InitVar[list[tuple[str, WireText]]]
    custom: dataclasses.InitVar[list[tuple[str, WireText]]]

    def __post_init__(self, standard: list[tuple[str, WireText]],
                      custom: list[tuple[str, WireText]]) -> None:
        self._standard, self._custom = standard, custom

    @cached_property
    def leads(self) -> list[dict]:
        """Payload dicts of the accepted rows, in input order (built on first use)."""
        return lead_dicts(self._standard, self._custom, len(self.index))

    @property
    def rejected(self) -> pd.DataFrame:
        """The report rows that will not be sent."""
        return self.report[self.report["outcome"] != "ok"]

    def summary(self) -> pd.Series:
        """Rows per outcome, every outcome listed."""
        return self.report["outcome"].value_counts(sort=False).rename("rows")

    def json_batches(self, batch_size: int = MAX_BATCH_SIZE) -> Iterator[LeadBatchPayload]:
        """Yield the accepted leads as ``lead_list`` JSON, ``batch_size`` leads at a time.

        Built column-wise, without a dict per lead; ``json.loads(body)`` equals the matching
        slice of :attr:`leads`. 400 is the most SmartLead's current docs allow per request;
        older docs say 100 or 350, so the uploader chooses.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"batch_size must be an integer from 1 to {MAX_BATCH_SIZE}, "
                             f"got {batch_size!r}")
        batches = _json_batches(self._standard, self._custom, len(self.index), int(batch_size))
        return (LeadBatchPayload(self.index[start:stop], body) for start, stop, body in batches)

    def __len__(self) -> int:
        return len(self.index)

    def __repr__(self) -> str:
        counts = self.summary()
        rejected = ", ".join(f"{n:,} {name}" for name, n in counts.items() if name != "ok" and n)
        targets = list(self.mapping.values())
        lines = [
            f"LeadsResult: {len(self.report):,} rows -> {counts['ok']:,} leads"
            + (f"; rejected {rejected}" if rejected else ""),
            f"  columns: {sum(t in STANDARD_FIELDS for t in targets)} standard fields, "
            f"{targets.count(CUSTOM_FIELDS)} custom fields"
            + (f", {targets.count(None)} left out" if None in targets else ""),
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def leads_from_frame(df: pd.DataFrame, mapping: Mapping[object, str | None] | None = None, *,
                     max_custom_fields: int = 200, max_value_length: int = 5000) -> LeadsResult:
    """Map, clean and check a leads DataFrame; keep every row accounted for.

    Columns are matched to SmartLead's fields by name (see ``columns``); ``mapping`` overrides
    that per column: ``{"Work mail": "email", "Notes": None, "Company": "custom_fields"}``.
    Every other column goes into ``custom_fields`` under its own name. Values are sent as
    trimmed strings, missing ones left out (see ``clean``).

    Args:
        df: the leads, one row per lead.
        mapping: column -> standard field, ``"custom_fields"``, or ``None`` to leave it out.
        max_custom_fields: refuse frames with more custom columns carrying values (200 is
            what SmartLead's current docs allow; above 20 a warning is given).
        max_value_length: a row with a longer value is rejected as ``bad_value``.

    Raises:
        LeadFrameError: the frame cannot be used as a whole; the message says why and how
            to fix it.

    >>> df = pd.DataFrame({"E-mail": ["ana@example.eu", "bad@", "ANA@example.eu"],
    ...                    "First Name": ["Ana", "Bo", "Ana"], "Job title": ["CFO", None, ""]})
    >>> result = leads_from_frame(df)
    >>> result.leads
    [{'email': 'ana@example.eu', 'first_name': 'Ana', 'custom_fields': {'Job title': 'CFO'}}]
    >>> result.report["outcome"].tolist()
    ['ok', 'invalid_email', 'duplicate']
    """
    columns = _check_frame(df)
    for name, value in (("max_custom_fields", max_custom_fields),
                        ("max_value_length", max_value_length)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    resolved, warnings = resolve_guesses(columns, _explicit_mapping(mapping, columns))
    email_column = _email_column(df, columns, resolved)

    texts = {column: _column_text(df.iloc[:, position], column)
             for position, (column, target) in enumerate(resolved.items()) if target is not None}
    for column, target in resolved.items():
        if target == "phone_number":
            texts[column] = _phone_text(texts[column])
    custom = [c for c, t in resolved.items() if t == CUSTOM_FIELDS and texts[c].present.any()]
    warnings += _custom_field_warnings(custom, max_custom_fields)
    warnings += [
        f"column {column!r} (phone_number) was read as numbers, so leading zeros and '+' signs "
        f"are already lost; read the file with dtype={{{column!r}: str}} to keep them"
        for position, (column, target) in enumerate(resolved.items())
        if target == "phone_number" and df.iloc[:, position].dtype.kind == "f"]

    outcome, reason = _judge_rows(df.index, texts, email_column, max_value_length)
    report = pd.DataFrame(
        {"email": df.iloc[:, columns.index(email_column)].array,
         "outcome": pd.Categorical.from_codes(outcome, categories=pd.Index(OUTCOMES)),
         "reason": reason},
        index=df.index)

    accepted = np.flatnonzero(outcome == _OK)
    sent = {column: text if len(accepted) == len(df) else text.take(accepted)
            for column, text in texts.items()}
    standard = [(field, sent[column]) for field in STANDARD_FIELDS
                for column, target in resolved.items() if target == field]
    return LeadsResult(
        report=report, index=df.index[accepted], mapping=resolved, warnings=warnings,
        # columns without a single value in the accepted rows add nothing to any payload
        standard=[(k, t) for k, t in standard if k == "email" or t.present.any()],
        custom=[(c, sent[c]) for c in custom if sent[c].present.any()])


def _check_frame(df: object) -> list[str]:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"leads_from_frame needs a pandas DataFrame, got {type(df).__name__}")
    columns = [str(c) for c in df.columns]
    if len(df) == 0:
        raise LeadFrameError(f"the frame has no rows (columns: {_preview(columns) or 'none'})")
    seen: dict[str, list[int]] = {}
    for position, column in enumerate(columns):
        seen.setdefault(column, []).append(position)
    repeated = {c: p for c, p in seen.items() if len(p) > 1}
    if repeated:
        listed = "; ".join(f"{c!r} at positions {', '.join(map(str, p))}"
                           for c, p in repeated.items())
        raise LeadFrameError(f"duplicate column names: {listed}. Rename or drop them first, "
                             "since each column becomes one field of the lead")
    if not df.index.is_unique:
        labels = df.index[df.index.duplicated()].unique()[:5].tolist()
        raise LeadFrameError(
            f"the index has repeated labels ({', '.join(map(repr, labels))}); the report and "
            "the upload journal name rows by label, so make them unique first, e.g. "
            "df = df.reset_index(drop=True)")
    return columns


def _explicit_mapping(mapping: Mapping | None, columns: list[str]) -> dict[str, str | None]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a dict of column -> field, got {type(mapping).__name__}")
    allowed = f"one of {', '.join(STANDARD_FIELDS)}, 'custom_fields' or None (leave it out)"
    fixed: dict[str, str | None] = {}
    for key, target in mapping.items():
        column = str(key)
        if column not in columns:
            if column in STANDARD_FIELDS and str(target) in columns:
                hint = (f"; it goes from column to field: did you mean "
                        f"{{{str(target)!r}: {column!r}}}?")
            else:
                wanted = normalise_column_name(column)
                close = [c for c in columns if normalise_column_name(c) == wanted]
                hint = f"; did you mean {close[0]!r}?" if close else ""
            raise LeadFrameError(f"mapping names column {column!r}, which is not in the frame "
                                 f"(columns: {_preview(columns)}){hint}")
        if target is not None and target != CUSTOM_FIELDS and target not in STANDARD_FIELDS:
            raise LeadFrameError(f"mapping sends column {column!r} to {target!r}, which is not a "
                                 f"SmartLead lead field; use {allowed}")
        twin = next((c for c, t in fixed.items() if t == target and t in STANDARD_FIELDS), None)
        if twin is not None:
            raise LeadFrameError(f"mapping sends both {twin!r} and {column!r} to {target!r}; "
                                 f"a lead has one {target}")
        fixed[column] = target
    return fixed


def _no_email_message(df: pd.DataFrame, columns: list[str]) -> str:
    example = columns[0] if columns else "Email"
    for position, column in enumerate(columns):
        sample = df.iloc[:200, position]
        if sample.dtype.kind in "OSU" or isinstance(sample.dtype, pd.StringDtype):
            if sample.astype(object).map(lambda v: isinstance(v, str) and "@" in v).any():
                example = column
                break
    return (f"no email column: none of the columns looks like one (columns: "
            f"{_preview(columns) or 'none'}). Say which column holds the addresses, e.g. "
            f"leads_from_frame(df, mapping={{{example!r}: 'email'}})")


def _email_column(df: pd.DataFrame, columns: list[str], resolved: dict) -> str:
    """The column mapped to ``email``, once the whole mapping is known to be usable."""
    email_column = next((c for c, t in resolved.items() if t == "email"), None)
    if email_column is None:
        raise LeadFrameError(_no_email_message(df, columns))
    # A custom field is named by its column; an empty name could never be used in a template.
    for position, (column, target) in enumerate(resolved.items()):
        if target == CUSTOM_FIELDS and not column.strip():
            raise LeadFrameError(
                f"column {position} has an empty name, so it cannot be a custom field; rename it "
                f"or leave it out with mapping={{{column!r}: None}}")
    return email_column


def _custom_field_warnings(custom: list[str], limit: int) -> list[str]:
    if len(custom) > limit:
        raise LeadFrameError(
            f"{len(custom)} custom fields, more than the limit of {limit} (max_custom_fields): "
            "SmartLead refuses leads with more. Leave columns out with mapping={column: None} "
            f"or df.drop(columns=...); the custom columns are {_preview(custom)}")
    if len(custom) > CUSTOM_FIELDS_WARN:
        return [f"{len(custom)} custom fields: SmartLead's older API docs allow "
                f"{CUSTOM_FIELDS_WARN} per lead (its current docs 200); if uploads are refused, "
                "leave some out with mapping={column: None}"]
    return []


# A phone a spreadsheet wrote as a float ("4155550101.0") and that was then read as text, as
# the CSV readers and the form's upload do (dtype=str, to keep leading zeros and "+").
_FLOAT_PHONE = re.compile(r"^(\+?\d+)\.0+$")


def _phone_text(text: WireText) -> WireText:
    """Phones as digits: the ``.0`` a float rendering added is dropped, whatever the dtype."""
    if not text.free_text:
        return text   # numbers were already written as digits by column_text
    # Screen with a C-level map first: only values with a "." reach the regex.
    dotted = np.fromiter(map(operator.contains, text.values, repeat(".")), dtype=bool,
                         count=len(text.values))
    candidates = np.flatnonzero(dotted & text.present)
    if not len(candidates):
        return text
    values = text.values.copy()
    for i in candidates:
        match = _FLOAT_PHONE.match(values[i])
        if match:
            values[i] = match.group(1)
    return dataclasses.replace(text, values=values)


def _column_text(column: pd.Series, name: str) -> WireText:
    try:
        return column_text(column)
    except Exception as exc:  # a dtype nobody foresaw: say which column, not where in pandas
        raise LeadFrameError(f"column {name!r} ({column.dtype}) could not be turned into text: "
                             f"{type(exc).__name__}: {exc}") from exc


def _judge_rows(index: pd.Index, texts: dict[str, WireText], email_column: str,
                max_value_length: int) -> tuple[npt.NDArray[np.int8], np.ndarray]:
    n = len(index)
    email = texts[email_column]
    codes, email_reasons = emails.check_emails(email.values, email.present)
    outcome = np.select([codes == emails.OK, codes == emails.MISSING], [_OK, _MISSING],
                        _INVALID).astype(np.int8)
    reason = np.full(n, "", dtype=object)
    invalid = np.flatnonzero(outcome == _INVALID)
    reason[invalid] = email_reasons[invalid]
    reason[outcome == _MISSING] = f"no email (column {email_column!r} is empty)"

    anything = np.zeros(n, dtype=bool)
    for text in texts.values():
        anything |= text.present
    outcome[~anything] = _EMPTY
    reason[~anything] = "the row is empty"

    for column, text in texts.items():
        if column == email_column:
            continue
        for position, why in value_problems(text, column, max_value_length).items():
            if outcome[position] == _OK:
                outcome[position], reason[position] = _BAD, why
            elif outcome[position] == _BAD:
                reason[position] += "; " + why

    candidates = np.flatnonzero(outcome == _OK)
    repeats, originals = emails.find_duplicates(email.values[candidates])
    if len(repeats):
        rows, firsts = candidates[repeats], candidates[originals]
        outcome[rows] = _DUPLICATE
        reason[rows] = ("duplicate of row " + _labels(index, firsts)
                        + " (" + email.values[firsts] + ")")
    return outcome, reason


def _labels(index: pd.Index, positions: np.ndarray) -> np.ndarray:
    out = np.empty(len(positions), dtype=object)
    out[:] = [repr(x) if isinstance(x, str) else str(x) for x in index[positions].tolist()]
    return out


def _preview(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(map(repr, names[:limit]))
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
