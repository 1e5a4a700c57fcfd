"""Sequences DataFrame -> the steps SmartLead's save-sequences takes (pure, no HTTP).

One row per step, or one row per A/B variant of a step. The reverse direction,
``sequences_frame``, lives in ``frames.responses``; together they round-trip
``client.sequences.get`` -> DataFrame -> edit -> ``client.sequences.save`` without creating
duplicate steps, because the ``step_id`` / ``variant_id`` columns are carried back as ``id``.

>>> import pandas as pd
>>> steps = sequences_from_frame(pd.DataFrame({
...     "seq_number": [1, 2], "delay_in_days": [0, 3],
...     "subject": ["Idea for {{company_name}}", ""],
...     "email_body": ["Hi {{first_name}}", "Following up"]}))
>>> [(s["seq_number"], s["seq_delay_details"]["delay_in_days"], s["subject"]) for s in steps]
[(1, 0, 'Idea for {{company_name}}'), (2, 3, '')]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import InputError
from .clean import cell_text, is_missing

REQUIRED = ("seq_number", "email_body")
OPTIONAL = ("delay_in_days", "subject", "variant_label", "variant_share", "step_id", "variant_id",
            "variant_distribution_type", "winning_metric_property")
# Column names analysts type, mapped to ours.
ALIASES = {"step": "seq_number", "step_number": "seq_number", "seq": "seq_number",
           "delay": "delay_in_days", "delay_days": "delay_in_days", "days": "delay_in_days",
           "wait_days": "delay_in_days", "body": "email_body", "email": "email_body",
           "variant": "variant_label", "label": "variant_label", "share": "variant_share",
           "variant_distribution_percentage": "variant_share", "id": "step_id"}


def sequences_from_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Turn a sequences DataFrame into the list ``client.sequences.save`` takes.

    Columns: ``seq_number`` and ``email_body`` (required), ``delay_in_days`` (default 0 for
    step 1; required for later steps), ``subject`` (empty = reply in the same thread),
    ``variant_label`` and ``variant_share`` for A/B variants (rows with the same
    ``seq_number``), and ``step_id`` / ``variant_id`` to update existing steps in place.
    Errors name the row (by the frame's index) and the column.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a DataFrame of sequence steps, got {type(frame).__name__}")
    if frame.empty:
        raise InputError("the sequences frame is empty: a campaign needs at least one step")
    frame = _normalise_columns(frame)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"sequences frame is missing column(s): no {missing} column(s) among "
                         f"{list(frame.columns)}")
    steps: dict[int, dict[str, Any]] = {}
    for label, row in frame.iterrows():  # a handful of rows: clarity over vectorising
        number = _whole(row.get("seq_number"), "seq_number", label, low=1)
        delay_raw = row.get("delay_in_days")
        if is_missing(delay_raw):
            if number != 1:
                raise InputError(f"row {label!r}: delay_in_days is empty for step {number}; "
                                 f"say how many days after the previous step it goes out")
            delay = 0
        else:
            delay = _whole(delay_raw, "delay_in_days", label, low=0, high=365,
                           where=f" for step {number}")
        step = steps.setdefault(number, {"seq_number": number,
                                         "seq_delay_details": {"delay_in_days": delay},
                                         "_rows": []})
        if step["seq_delay_details"]["delay_in_days"] != delay:
            raise InputError(f"row {label!r}: step {number} has delay {delay} here but "
                             f"{step['seq_delay_details']['delay_in_days']} on another row; its "
                             f"rows disagree on delay_in_days, and variants of one step share "
                             f"one delay")
        step["_rows"].append((label, row))
    return [_build_step(steps[n]) for n in sorted(steps)]


def _build_step(step: dict[str, Any]) -> dict[str, Any]:
    rows = step.pop("_rows")
    number = step["seq_number"]
    labels = [r.get("variant_label") for _, r in rows]
    has_variants = any(not is_missing(v) for v in labels)
    if has_variants and any(is_missing(v) for v in labels):
        bad = [lab for (lab, r), v in zip(rows, labels) if is_missing(v)]
        raise InputError(f"step {number}: rows {bad} have no variant_label while others do (some "
                         f"rows have a variant_label and some don't); label every variant of an "
                         f"A/B step (A, B, ...)")
    if not has_variants and len(rows) > 1:
        raise InputError(f"step {number} appears on rows {[lab for lab, _ in rows]}: give each "
                         f"row a variant_label for A/B variants, or number the steps apart")
    step_id = _first_present(rows, "step_id")
    if step_id is not None:
        step["id"] = _whole(step_id, "step_id", rows[0][0], low=1)
    for key in ("variant_distribution_type", "winning_metric_property"):
        value = _first_present(rows, key)
        if value is not None:
            step[key] = str(value)
    if has_variants:
        variants = []
        for label, row in rows:
            variant: dict[str, Any] = {"variant_label": str(row["variant_label"]).strip(),
                                       "subject": cell_text(row.get("subject")),
                                       "email_body": _body(row, label)}
            if not is_missing(row.get("variant_id")):
                variant["id"] = _whole(row["variant_id"], "variant_id", label, low=1)
            if not is_missing(row.get("variant_share")):
                variant["variant_distribution_percentage"] = _whole(
                    row["variant_share"], "variant_share", label, low=0, high=100)
            variants.append(variant)
        seen = [v["variant_label"] for v in variants]
        if len(set(seen)) < len(seen):
            raise InputError(f"step {number} has variant labels {seen}; each must be different")
        step["seq_variants"] = variants
        step["subject"], step["email_body"] = "", ""
    else:
        label, row = rows[0]
        step["subject"] = cell_text(row.get("subject"))
        step["email_body"] = _body(row, label)
    return step


def _normalise_columns(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.columns.duplicated().any():
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise InputError(f"sequences frame has duplicate column(s) {dupes}")
    renamed = {}
    for col in frame.columns:
        key = str(col).strip().lower().replace(" ", "_").replace("-", "_")
        key = ALIASES.get(key, key)
        if key in REQUIRED + OPTIONAL and key not in renamed.values():
            renamed[col] = key
    return frame.rename(columns=renamed)


def _first_present(rows, key: str) -> Any:
    for _, row in rows:
        if not is_missing(row.get(key)):
            return row.get(key)
    return None


def _whole(value: Any, column: str, label: Any, *, low: int, high: int | None = None,
           where: str = "") -> int:
    if is_missing(value) or isinstance(value, bool):
        raise InputError(f"row {label!r}: {column} is empty; it must be a whole number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"row {label!r}: {column} must be a whole number, got {value!r}") from None
    if not number.is_integer():
        raise InputError(f"row {label!r}: {column} must be a whole number, got {value!r}")
    if number < low or (high is not None and number > high):
        limit = f"{low}-{high}" if high is not None else f"{low} or more"
        raise InputError(f"row {label!r}: {column} must be {limit}, got {int(number)}{where}")
    return int(number)


def _body(row: pd.Series, label: Any) -> str:
    body = cell_text(row.get("email_body"))
    if not body.strip():
        raise InputError(f"row {label!r}: email_body is empty")
    return body
