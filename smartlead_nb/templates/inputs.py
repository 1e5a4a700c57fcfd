"""Steps and leads in the shapes the rest of the package uses, made uniform for the templates.

Steps arrive as save-sequences step dicts (or as a sequences DataFrame, one row per step or per
A/B variant); leads as add-leads payload dicts (with an optional list of the analyst's row
labels) or as a DataFrame whose columns are already SmartLead's field names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..frames.clean import cell_text, is_missing
from ..frames.responses import normalize_sequence, to_int
from ..frames.sequences import sequences_from_frame
from .syntax import STANDARD_TAGS

__all__ = ["steps_from_frame_like", "lead_table", "LeadTable", "as_dicts", "Part", "iter_parts", "lead_value"]


def _int(value: Any) -> Any:
    """Whole numbers of any kind (numpy, ``3.0``, ``"3"``) as ``int``; ``None`` when missing;
    anything else returned unchanged for the caller to reject by name."""
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    value = to_int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def steps_from_frame_like(steps: Any) -> list[dict[str, Any]]:
    """Steps as save-sequences dicts, sorted by ``seq_number``, from dicts or a DataFrame.

    A DataFrame goes through :func:`smartlead_nb.frames.sequences.sequences_from_frame` (the
    same rules, aliases and messages as ``CampaignPlan`` and ``client.sequences.save`` use): one row
    per step, or one row per variant of an A/B step, as
    :func:`smartlead_nb.frames.responses.sequences_frame` returns it. Dicts may use any
    read-back spelling :func:`~smartlead_nb.frames.responses.normalize_sequence` accepts.

    >>> frame = pd.DataFrame({"seq_number": [1, 1, 2], "delay_in_days": [0, 0, 3],
    ...                       "variant_label": ["A", "B", None],
    ...                       "subject": ["Idea for {{company_name}}", "Quick question", ""],
    ...                       "email_body": ["<p>Hi</p>", "<p>Hello</p>", "<p>Bump</p>"]})
    >>> [(s["seq_number"], len(s.get("seq_variants", []))) for s in steps_from_frame_like(frame)]
    [(1, 2), (2, 0)]
    """
    if isinstance(steps, pd.DataFrame):
        # The one sequences-frame converter: what launch() saves is what the templates check.
        out = sequences_from_frame(steps)
    elif isinstance(steps, Mapping):
        out = [_normalize(steps)]
    elif steps is None:
        out = []
    else:
        out = []
        for i, step in enumerate(steps):
            if not isinstance(step, Mapping):
                raise InputError(f"step {i + 1} is a {type(step).__name__}, not a step dict")
            out.append(_normalize(step))
    for position, step in enumerate(out, start=1):
        if step["seq_number"] is None:
            step["seq_number"] = position  # a hand-written list may rely on its order
    numbers = [s["seq_number"] for s in out]
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise InputError(f"seq_number must be whole numbers, got {numbers}")
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise InputError(f"seq_number {duplicates} appears more than once; each step needs its own")
    return sorted(out, key=lambda s: s["seq_number"])


def _normalize(step: Mapping[str, Any]) -> dict[str, Any]:
    out = normalize_sequence(step)
    out["seq_number"] = _int(out["seq_number"])
    delay = _int(out["seq_delay_details"]["delay_in_days"])
    out["seq_delay_details"] = {"delay_in_days": 0 if delay is None else delay}
    return out


@dataclass(frozen=True)
class Part:
    """One piece of copy: a subject or body of a step or of one of its variants."""

    seq_number: int
    variant_label: str | None
    part: str  # "subject" | "body"
    text: str


def iter_parts(steps: Sequence[Mapping[str, Any]]) -> Iterator[Part]:
    """Every subject and body that can be sent: a step's own when it has no variants,
    else each variant's (the step-level copy is then unused)."""
    for step in steps:
        variants = step.get("seq_variants") or []
        sources = [(v.get("variant_label"), v) for v in variants] or [(None, step)]
        for label, src in sources:
            yield Part(step["seq_number"], label, "subject", src.get("subject") or "")
            yield Part(step["seq_number"], label, "body", src.get("email_body") or "")


@dataclass
class LeadTable:
    """Lead values column-wise: standard fields and custom fields kept apart (a custom field
    may share a standard field's name; the standard field wins, as it does in the payload)."""

    labels: pd.Index
    standard: pd.DataFrame
    custom: pd.DataFrame

    def __len__(self) -> int:
        return len(self.labels)

    def column(self, tag: str) -> pd.Series | None:
        """The values a tag is filled from, or ``None`` when no lead has that field."""
        if tag in STANDARD_TAGS:
            return self.standard[tag] if tag in self.standard.columns else _blank(len(self))
        if tag in self.custom.columns:
            return self.custom[tag]
        return None

    @property
    def known(self) -> list[str]:
        return list(STANDARD_TAGS) + [c for c in self.custom.columns if c not in STANDARD_TAGS]


def _blank(n: int) -> pd.Series:
    return pd.Series([None] * n, dtype=object)


def lead_table(leads: Any, index: Iterable[Any] | None = None) -> LeadTable:
    """Build the lead values once: one DataFrame pass, so checking many tags is vectorised."""
    if leads is None:
        leads = []
    if isinstance(leads, pd.DataFrame):
        frame = leads.reset_index(drop=True)
        labels = leads.index
    else:
        if isinstance(leads, Mapping):
            leads = [leads]
        leads = as_dicts(leads)
        frame = pd.DataFrame.from_records(leads) if leads else pd.DataFrame()
        labels = pd.RangeIndex(len(leads))
    # Same rule for frames and dicts, and the same as lead_value: standard fields by name;
    # custom fields from custom_fields, then from any other column/key.
    standard = frame[[c for c in frame.columns if c in STANDARD_TAGS]]
    custom = frame[[c for c in frame.columns if c not in STANDARD_TAGS and c != "custom_fields"]]
    if "custom_fields" in frame.columns:
        nested_rows = [v if type(v) is dict or isinstance(v, Mapping) else {}
                       for v in frame["custom_fields"]]
        if any(nested_rows):
            nested = pd.DataFrame.from_records(nested_rows)
            for c in nested.columns.intersection(custom.columns):
                nested[c] = nested[c].where(nested[c].notna(), custom[c])
            custom = pd.concat([nested, custom[[c for c in custom.columns if c not in nested.columns]]],
                               axis=1)
    if index is not None:
        labels = pd.Index(index)
        if len(labels) != len(frame):
            raise InputError(f"index has {len(labels)} labels for {len(frame)} leads; they must line up")
    return LeadTable(labels, standard.reset_index(drop=True), custom.reset_index(drop=True))


def as_dicts(leads: Iterable[Any]) -> list[dict[str, Any]]:
    """The leads as a list of plain dicts (refusing anything else), fast for a million."""
    leads = list(leads)
    if all(type(lead) is dict for lead in leads):  # isinstance(Mapping) costs ~1 us a lead
        return leads
    out = []
    for i, lead in enumerate(leads):
        if not isinstance(lead, Mapping):
            raise InputError(f"lead {i} is a {type(lead).__name__}, not a lead dict")
        out.append(dict(lead))
    return out


def empty_mask(values: pd.Series) -> np.ndarray:
    """True where a lead has no usable value: missing, or text that is blank after trimming."""
    if values.dtype.kind in "biufcmM":
        return values.isna().to_numpy()
    missing = values.isna().to_numpy()
    present = ~missing
    out = missing.copy()
    if present.any():
        text = values.to_numpy()[present]
        # str() first so numbers and other objects count as present; map is a C loop.
        stripped = np.fromiter(map(len, map(str.strip, map(str, text))), dtype=np.int64, count=len(text))
        out[present] = stripped == 0
    return out


def lead_value(lead: Mapping[str, Any] | pd.Series, tag: str) -> str:
    """One lead's text for ``tag`` (``""`` when it has none).

    ``lead`` is a payload dict (custom fields under ``custom_fields``) or a flat row whose
    non-standard keys are custom fields; a standard field wins over a custom one of that name.

    >>> lead_value({"first_name": "Ana", "custom_fields": {"hook": "your Series B"}}, "hook")
    'your Series B'
    """
    if tag in STANDARD_TAGS:
        return cell_text(lead.get(tag)).strip()
    custom = lead.get("custom_fields")
    if isinstance(custom, Mapping) and tag in custom:
        return cell_text(custom[tag]).strip()
    return cell_text(lead.get(tag)).strip() if tag != "custom_fields" else ""
