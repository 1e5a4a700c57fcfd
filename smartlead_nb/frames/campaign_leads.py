"""A campaign's leads as SmartLead answers them -> DataFrames and counters (pure, no HTTP).

The other direction, an analyst's DataFrame -> the lead payloads sent, is
:mod:`smartlead_nb.frames.leads`; leads across all campaigns are
:mod:`smartlead_nb.frames.global_leads`. Here:

- :func:`campaign_leads_frame`: ``GET /campaigns/{id}/leads`` rows, the lead's fields beside
  its status in the campaign;
- :func:`leads_export_frame`: the ``GET /campaigns/{id}/leads-export`` CSV, typed;
- :func:`lead_upload_counts`: the answer to ``POST /campaigns/{id}/leads`` (add leads), in
  any of its documented shapes, as one set of counters;
- :func:`categories_frame`: the lead categories (``GET /leads/fetch-categories``).

>>> frame = campaign_leads_frame([{"campaign_lead_map_id": "99", "status": "PAUSED",
...                                "lead": {"id": 555, "email": "ana@x.eu"}}])
>>> frame[["lead_id", "email", "lead_status", "campaign_lead_map_id"]].values.tolist()
[[555, 'ana@x.eu', 'PAUSED', 99]]
>>> lead_upload_counts({"upload_count": "3", "already_added_to_campaign": 1})["added"]
3
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping

import pandas as pd

from .columns import CUSTOM_FIELDS, STANDARD_FIELDS
from .tidy import (SECRET_FIELDS, column_kind, columns_first, integer_text_column,
                   percent_column, tidy_frame, to_int)

__all__ = ["campaign_leads_frame", "categories_frame", "lead_upload_counts",
           "leads_export_frame"]


def campaign_leads_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Flatten ``GET /campaigns/{id}/leads`` rows: the lead's fields beside its campaign status.

    Tolerates both documented shapes: the help centre's, with the lead nested under
    ``"lead"`` (``{..., "lead": {...}}``), and the OpenAPI spec's flat lead rows.
    """
    flat = []
    for row in rows:
        row = dict(row)
        lead = row.pop("lead", None)
        if isinstance(lead, dict):
            merged = {f"lead_{k}" if k == "id" else k: v for k, v in lead.items()}
            merged.update({k: v for k, v in row.items()})
            row = merged
        if "lead_id" not in row and "id" in row and "campaign_lead_map_id" not in row:
            row["lead_id"] = row.pop("id")
        status = row.pop("status", None)
        row["lead_status"] = status
        flat.append(row)
    # Every lead field is documented here, so an empty answer (a campaign whose leads were all
    # skipped) still has the columns a notebook selects next.
    first = ["lead_id", *STANDARD_FIELDS[:4], "lead_status", "lead_category_id",
             "campaign_lead_map_id", "created_at", *STANDARD_FIELDS[4:], CUSTOM_FIELDS]
    return columns_first(tidy_frame(flat), first)


def categories_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per lead category (``id``, ``name``, ...)."""
    return columns_first(tidy_frame(rows), ["id", "name"])


def leads_export_frame(csv_text: str) -> pd.DataFrame:
    """Parse ``GET /campaigns/{id}/leads-export`` CSV into a typed DataFrame.

    Column by column (vectorised: a 50,000-lead export costs about what ``pd.read_csv``
    does), with :func:`~smartlead_nb.frames.tidy.tidy_frame`'s rules: times -> UTC, counts and
    ids -> Int64, the two flags -> boolean, ``phone_number`` kept as text (leading zeros, ``+``).

    >>> frame = leads_export_frame("id,email,open_count,is_interested\\n7,a@x.io,2,true\\n")
    >>> frame[["id", "open_count", "is_interested"]].dtypes.astype(str).tolist()
    ['Int64', 'Int64', 'boolean']
    """
    if not csv_text or not csv_text.strip():
        return pd.DataFrame()
    header = next(csv.reader(io.StringIO(csv_text[:csv_text.find("\n") + 1 or None])), [])
    kinds = {col: _export_kind(col) for col in header}
    # The C parser reads the numbers and flags itself; text SmartLead should not send there
    # (a count that is not a number) falls back to reading that column as text.
    typed = {c: "Int64" if k == "int" else "boolean" if k == "flag" else str
             for c, k in kinds.items()}
    options: dict[str, Any] = dict(keep_default_na=False, na_values=[""],
                                   true_values=list(_TRUE_WORDS), false_values=list(_FALSE_WORDS))
    try:
        frame = pd.read_csv(io.StringIO(csv_text), dtype=typed, **options)
    except (ValueError, TypeError):
        frame = pd.read_csv(io.StringIO(csv_text), dtype=str, **options)
        for col, kind in kinds.items():
            if kind == "int" and col in frame.columns:
                frame[col] = integer_text_column(frame[col])
            elif kind == "flag" and col in frame.columns:
                frame[col] = _truthy_column(frame[col])
    frame = frame.drop(columns=[c for c in frame.columns if c in SECRET_FIELDS])
    for col in frame.columns:
        typed_as = kinds.get(col)
        if typed_as == "phone":
            frame[col] = frame[col].astype("string")
        elif typed_as == "time":
            frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601")
        elif typed_as == "rate":
            frame[col] = percent_column(frame[col])
    return frame


_TRUE_WORDS = ("true", "True", "TRUE", "1", "yes", "t")
_FALSE_WORDS = ("false", "False", "FALSE", "0", "no", "f")


def _export_kind(col: str) -> str:
    """How an export column is typed: the two flags, the phone, then tidy_frame's rules."""
    if col in ("is_unsubscribed", "is_interested"):
        return "flag"
    if col == "phone_number":
        return "phone"
    return column_kind(col)


def _truthy_column(series: pd.Series) -> pd.Series:
    """A column of flag words as ``boolean``: true, 1, yes, t (any case) are True."""
    words = series.str.strip().str.lower()
    return words.isin(("true", "1", "yes", "t")).astype("boolean").mask(series.isna())


def lead_upload_counts(body: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the three documented add-leads response shapes to one set of counters.

    Returns ``added``, ``already_in_campaign``, ``duplicates``, ``invalid``, ``blocked``,
    ``unsubscribed``, ``stopped_by_limit``, ``lead_limit_exhausted`` and ``raw`` (the body).
    Counters a shape does not report are ``None``.
    """
    unsub = body.get("unsubscribed_leads")
    unsub_count = len(unsub) if isinstance(unsub, list) else to_int(unsub)
    if "upload_count" in body or "already_added_to_campaign" in body:  # the help centre's shape
        added = to_int(body.get("upload_count"))
    elif "inserted_count" in body:  # the shape in the OpenAPI file SmartLead publishes
        added = to_int(body.get("inserted_count"))
    else:  # the shape on https://api.smartlead.ai/api-reference/campaigns/add-leads
        added = to_int(body.get("added_count"))
    return {
        "added": added,
        "already_in_campaign": to_int(body.get("already_added_to_campaign")),
        "duplicates": to_int(body.get("duplicate_count")),
        "invalid": to_int(body.get("invalid_email_count")),
        "blocked": to_int(body.get("block_count", body.get("blocked_count"))),
        "unsubscribed": unsub_count,
        "skipped": to_int(body.get("skipped_count")),
        "stopped_by_limit": to_int(body.get("lead_import_stopped_count")),
        "lead_limit_exhausted": bool(body.get("is_lead_limit_exhausted", False)),
        "raw": dict(body),
    }
