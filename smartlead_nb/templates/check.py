"""Check every step's copy against the leads before anything is sent: one row per problem."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .inputs import LeadTable, empty_mask, iter_parts, lead_table, steps_from_frame_like
from .syntax import KNOWN_PLACEHOLDERS, find_malformed, find_placeholders, find_tags

__all__ = ["check_templates", "PROBLEM_COLUMNS", "PROBLEMS"]

PROBLEM_COLUMNS = ["seq_number", "variant_label", "part", "tag", "problem", "rows", "count",
                   "suggestion", "message"]

#: Every value the ``problem`` column takes.
PROBLEMS = ("unknown tag", "empty for all leads", "empty for some leads", "malformed tag",
            "malformed spintax", "unknown placeholder", "empty first subject")

_MALFORMED_WORDS = {
    "empty tag": "is an empty tag: put a field name between the braces or remove it",
    "pipe inside tag": "has a '|' inside a tag: SmartLead documents no fallback syntax, so this "
                       "is a field name no lead has; use {{name}} and fill the field instead",
    "line break inside tag": "has a line break inside a tag: keep the tag on one line",
    "unclosed tag": "is a tag missing its closing '}}': it would be sent as written",
    "unopened tag": "has a closing '}}' without its opening '{{': it would be sent as written",
    "single braces": "uses single braces: SmartLead tags take two, {{...}}; single braces with "
                     "'|' are spintax",
    "extra brace": "has an extra brace around a tag: it would be sent as a stray '{' or '}'",
    "unclosed spintax": "looks like spintax missing its closing '}'",
    "unopened spintax": "looks like spintax missing its opening '{'",
}


def check_templates(steps: Any, leads: Any = None, *, index: Iterable[Any] | None = None,
                    columns: Mapping[Any, str | None] | None = None) -> pd.DataFrame:
    """Every placeholder problem in the copy, one row per (step, variant, part, tag, problem).

    Args:
        steps: save-sequences step dicts, or a sequences DataFrame (see
            :func:`~smartlead_nb.templates.steps_from_frame_like`).
        leads: add-leads payload dicts, or a DataFrame whose columns are SmartLead field names
            (other columns are custom fields). ``None`` checks the copy alone.
        index: the analyst's row labels, aligned with ``leads``, so ``rows`` names their rows
            (a DataFrame's own index is used by default; payload dicts get 0, 1, ...).
        columns: how the analyst's columns became lead fields (``LeadsResult.mapping``,
            ``{"Company": "company_name", "Job Title": "custom_fields"}``), so that a tag
            written after the column (``{{company}}``) suggests the field it became
            (``{{company_name}}``) before any spelling guess.

    Returns:
        A DataFrame with columns ``seq_number, variant_label, part ('subject'|'body'), tag,
        problem, rows, count, suggestion, message``; empty (with those columns) when all is
        well. ``problem`` is one of :data:`PROBLEMS`:

        - ``unknown tag``: not a standard field and no lead has a custom field of that name
          (SmartLead names are case-sensitive; ``suggestion`` holds a likely intended name);
        - ``empty for some leads`` / ``empty for all leads``: ``rows`` lists the labels of the
          leads with no value (missing or blank), ``count`` how many;
        - ``malformed tag`` / ``malformed spintax``: ``tag`` holds the offending text;
        - ``unknown placeholder``: a ``%...%`` close to SmartLead's own (``%unsubscribe-text%``);
        - ``empty first subject``: the first step has nothing to reply to.

        ``rows`` is empty for problems in the copy itself; ``count`` is then the number of
        leads affected (all of them, or 0 when the check ran without leads).

    >>> steps = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
    ...           "subject": "Idea for {{company_name}}", "email_body": "Hi {{First_Name}}"}]
    >>> leads = [{"email": "a@x.io", "first_name": "Ana", "company_name": "Acme"},
    ...          {"email": "b@x.io", "first_name": "Bo"}]
    >>> problems = check_templates(steps, leads, index=["r1", "r2"])
    >>> for row in problems[["part", "tag", "problem", "rows", "suggestion"]].values.tolist():
    ...     print(row)
    ['subject', 'company_name', 'empty for some leads', ['r2'], None]
    ['body', 'First_Name', 'unknown tag', [], 'first_name']
    """
    steps = steps_from_frame_like(steps)
    table = lead_table(leads, index)
    n = len(table)
    labels = table.labels
    empty_cache: dict[str, tuple[list[Any], int] | None] = {}
    rows: list[dict[str, Any]] = []
    first = steps[0]["seq_number"] if steps else None

    def add(part, tag, problem, message, hit_rows=(), count=0, suggestion=None):
        rows.append({"seq_number": part.seq_number, "variant_label": part.variant_label,
                     "part": part.part, "tag": tag, "problem": problem, "rows": list(hit_rows),
                     "count": count, "suggestion": suggestion, "message": message})

    for part in iter_parts(steps):
        where = _where(part)
        if part.part == "subject" and part.seq_number == first and not part.text.strip():
            add(part, None, "empty first subject",
                f"{where} is empty: the first email has no thread to reply in, so it needs a "
                f"subject (an empty subject only works on follow-ups, as a reply)", count=n)
        for snippet, reason in find_malformed(part.text):
            kind = "malformed spintax" if reason.endswith("spintax") else "malformed tag"
            suggestion = _strip_braces(snippet) if reason in ("unclosed tag", "unopened tag",
                                                              "single braces", "extra brace") else None
            hint = f"; did you mean {{{{{suggestion}}}}}?" if suggestion else ""
            add(part, snippet, kind, f"{where}: {snippet!r} {_MALFORMED_WORDS[reason]}{hint}",
                count=n, suggestion=suggestion)
        for placeholder in find_placeholders(part.text):
            if placeholder in KNOWN_PLACEHOLDERS:
                continue
            close = _close(placeholder, KNOWN_PLACEHOLDERS)
            if close:
                add(part, placeholder, "unknown placeholder",
                    f"{where}: {placeholder} is not one of SmartLead's placeholders; "
                    f"did you mean {close}?", count=n, suggestion=close)
        for tag in find_tags(part.text):
            if tag not in empty_cache:
                empty_cache[tag] = _empty_rows(table, tag, labels)
            found = empty_cache[tag]
            if found is None:
                mapped = _from_column(tag, columns, table.known)
                suggestion = mapped[0] if mapped else _close(tag, table.known)
                if mapped:
                    hint = (f" The column {mapped[1]!r} became the lead field {mapped[0]!r}; "
                            f"did you mean {{{{{suggestion}}}}}?")
                else:
                    hint = (f" Tag names are case-sensitive; did you mean {{{{{suggestion}}}}}?"
                            if suggestion else "")
                add(part, tag, "unknown tag",
                    f"{where}: {{{{{tag}}}}} is not a lead field and no lead has a custom field "
                    f"{tag!r}, so no lead has a value for it.{hint}", count=n, suggestion=suggestion)
                continue
            hit, count = found
            if count == 0:
                continue
            problem = "empty for all leads" if count == n else "empty for some leads"
            shown = ", ".join(map(repr, hit[:5])) + (", ..." if count > 5 else "")
            amount = f"all {n} leads" if count == n else f"{count} of {n} leads (rows {shown})"
            add(part, tag, problem,
                f"{where}: {{{{{tag}}}}} is empty for {amount}; their email would have a gap "
                f"where it stands", hit_rows=hit, count=count)
    # object columns keep None as None (pandas 3 would infer str columns with NaN).
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS, dtype=object)
    frame["seq_number"] = frame["seq_number"].astype("Int64")
    frame["count"] = frame["count"].astype("int64")
    return frame


def _where(part) -> str:
    variant = f" variant {part.variant_label}" if part.variant_label is not None else ""
    return f"step {part.seq_number}{variant} {part.part}"


def _empty_rows(table: LeadTable, tag: str, labels: pd.Index) -> tuple[list[Any], int] | None:
    values = table.column(tag)
    if values is None:
        return None
    mask = empty_mask(values)
    count = int(np.count_nonzero(mask))
    return (labels[mask].tolist() if count else []), count


def _squash(name: Any) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def _from_column(tag: str, columns: Mapping[Any, str | None] | None,
                 known: Iterable[str]) -> tuple[str, str] | None:
    """``(field, column)``: the field a column named like ``tag`` was mapped to ({{company}}
    -> company_name when the "Company" column became company_name); a custom field keeps its
    column's name."""
    if not columns:
        return None
    known = set(known)
    for column, target in columns.items():
        if target is None or _squash(column) != _squash(tag):
            continue
        field = str(column) if target == "custom_fields" else target
        if field in known and field != tag:
            return field, str(column)
    return None


def _strip_braces(snippet: str) -> str | None:
    name = snippet.strip("{} \t")
    return name or None


def _close(name: str, known: Iterable[str]) -> str | None:
    """A known name that differs only in case, or failing that a close spelling."""
    # Compared lower-cased, a name differing only in case scores 1.0 and comes first.
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[close[0]] if close else None
