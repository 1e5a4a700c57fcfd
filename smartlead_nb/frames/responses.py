"""SmartLead responses -> tidy DataFrames and normalised records (pure, no HTTP).

SmartLead sends many counts as strings (``"640"``), ids sometimes as strings, timestamps as
ISO text, and spells some keys several ways. These functions absorb all of that so that
analysts get integers, datetimes and one spelling.

>>> frame = campaigns_frame([{"id": 7, "name": "Q1", "status": "DRAFTED",
...                           "created_at": "2025-06-02T09:15:00.000Z"}])
>>> frame["created_at"][0]
Timestamp('2025-06-02 09:15:00+0000', tz='UTC')
>>> frame["created_at"].dtype.kind      # a datetime column (its unit depends on the pandas version)
'M'
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .columns import CUSTOM_FIELDS, STANDARD_FIELDS

# Mailbox credentials come back from the email-account endpoints; they never leave the client.
SECRET_FIELDS = frozenset({"password", "imap_password", "smtp_password", "app_password",
                           "refresh_token", "access_token"})

COUNT_SUFFIXES = ("_count",)
COUNT_FIELDS = frozenset({
    "total_leads", "total_stats", "total", "blocked", "stopped", "completed", "inprogress",
    "notStarted", "interested", "booked", "paused", "sent", "opened", "clicked", "replied",
    "bounced", "unsubscribed", "positive_replied", "message_per_day", "max_leads_per_day",
    "min_time_btwn_emails", "follow_up_percentage", "sequence_number", "seq_number",
    "delay_in_days",
})
ID_FIELDS = frozenset({"id", "user_id", "client_id", "lead_id", "campaign_id", "email_campaign_id",
                       "email_campaign_seq_id", "seq_variant_id", "campaign_lead_map_id",
                       "lead_category_id", "email_account_id", "parent_campaign_id"})
TIME_FIELDS = frozenset({"created_at", "updated_at", "sent_time", "open_time", "click_time",
                         "reply_time", "last_reply_at", "schedule_start_time", "time",
                         "last_sent_time"})


def strip_secrets(record: Any) -> Any:
    """Drop mailbox passwords and tokens from a record (recursively)."""
    if isinstance(record, dict):
        return {k: strip_secrets(v) for k, v in record.items() if k not in SECRET_FIELDS}
    if isinstance(record, list):
        return [strip_secrets(v) for v in record]
    return record


def to_int(value: Any) -> Any:
    """``"640"`` -> 640; ``None``/``""`` -> ``None``; anything else unchanged."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
                return int(number) if number.is_integer() else number
            except ValueError:
                return value
    return value


def coerce_counts(record: Mapping[str, Any]) -> dict[str, Any]:
    """Cast every count-like and id-like field of one record to a number."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out[key] = coerce_counts(value)
        elif _is_count(key) or key in ID_FIELDS:
            out[key] = to_int(value)
        else:
            out[key] = value
    return out


def _is_count(key: str) -> bool:
    return key in COUNT_FIELDS or key.endswith(COUNT_SUFFIXES)


def tidy_frame(records: Iterable[Mapping[str, Any]], *, columns: Sequence[str] | None = None,
               index: str | None = None) -> pd.DataFrame:
    """A DataFrame with SmartLead's dtypes fixed: counts -> Int64, ids -> Int64, times -> UTC."""
    rows = [strip_secrets(dict(r)) for r in records]
    frame = pd.DataFrame(rows, columns=list(columns) if columns else None)
    for col in frame.columns:
        name = str(col)
        leaf = name.rsplit(".", 1)[-1]
        if leaf in TIME_FIELDS or leaf.endswith("_at"):
            frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601")
        elif _is_count(leaf) or leaf in ID_FIELDS:
            frame[col] = integer_column(frame[col])
        elif leaf.endswith("_rate") and not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = percent_column(frame[col])
    if index and index in frame.columns:
        frame = frame.set_index(index)
    return frame


def integer_column(series: pd.Series) -> pd.Series:
    """Counts as ``Int64`` (whole numbers) or floats; a column that is not all numbers stays."""
    return _numbers_or_as_given(series, pd.to_numeric(series.map(to_int), errors="coerce"))


def _numbers_or_as_given(series: pd.Series, numbers: pd.Series) -> pd.Series:
    if numbers.isna().sum() > series.isna().sum():
        return series  # not all numeric: leave as given rather than lose values
    if (numbers.dropna() % 1 == 0).all():
        return numbers.astype("Int64")
    return numbers


def percent_column(series: pd.Series) -> pd.Series:
    """``"34%"`` -> 34.0 (the analytics endpoints send rates as percent strings)."""
    cleaned = series.astype("string").str.rstrip("%").str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")  # "34%": a float
    return numbers if numbers.notna().sum() >= series.notna().sum() else series


def campaigns_frame(campaigns: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per campaign; the schedule flattened into ``schedule_*`` columns."""
    from ..schedule import parse_cron_value

    rows = []
    for c in campaigns:
        row = dict(c)
        cron = parse_cron_value(row.pop("scheduler_cron_value", None)) or {}
        row["schedule_timezone"] = cron.get("tz")
        row["schedule_days"] = cron.get("days")
        row["schedule_start"] = cron.get("startHour")
        row["schedule_end"] = cron.get("endHour")
        if isinstance(row.get("tags"), list):
            row["tags"] = [t.get("tag_name") or t.get("name") for t in row["tags"] if isinstance(t, dict)]
        rows.append(row)
    first = ["id", "name", "status", "created_at", "updated_at", "client_id"]
    return columns_first(tidy_frame(rows), first)


def email_accounts_frame(accounts: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per sender account, passwords dropped, warm-up details flattened."""
    rows = []
    for a in accounts:
        row = strip_secrets(dict(a))
        warmup = row.pop("warmup_details", None) or {}
        for key, value in warmup.items():
            row[f"warmup_{key}" if not key.startswith("warmup_") else key] = value
        rep = row.get("warmup_reputation")
        if isinstance(rep, str):
            row["warmup_reputation"] = to_int(rep.rstrip("%"))
        rows.append(row)
    first = ["id", "from_email", "from_name", "type", "is_smtp_success", "is_imap_success",
             "warmup_status", "message_per_day", "daily_sent_count"]
    return columns_first(tidy_frame(rows), first)


def campaign_leads_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Flatten ``GET /campaigns/{id}/leads`` rows: the lead's fields beside its campaign status.

    Tolerates the documented shapes: ``{..., "lead": {...}}`` (L1) and flat lead rows (OAS).
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


def statistics_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per email sent (``GET /campaigns/{id}/statistics``, L1 shape)."""
    first = ["lead_email", "lead_name", "sequence_number", "email_subject", "sent_time",
             "open_time", "click_time", "reply_time", "open_count", "click_count"]
    # The rest of the documented row, so an empty answer (nothing sent yet) still has every
    # column the analysis functions read and can say "no sends" instead of "no column".
    rest = ["lead_category", "email_campaign_seq_id", "seq_variant_id", "email_message",
            "is_unsubscribed", "is_bounced"]
    frame = columns_first(tidy_frame(rows), first + rest)
    if frame.empty:
        for col in ("sent_time", "open_time", "click_time", "reply_time"):
            frame[col] = pd.to_datetime(frame[col], utc=True)
        for col in ("sequence_number", "open_count", "click_count", "seq_variant_id",
                    "email_campaign_seq_id"):
            frame[col] = frame[col].astype("Int64")
        for col in ("lead_email", "lead_name", "email_subject", "lead_category", "email_message"):
            frame[col] = frame[col].astype("str")
    for col in ("is_unsubscribed", "is_bounced"):
        if col in frame.columns:
            frame[col] = frame[col].astype("boolean")
    return frame


def categories_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    return columns_first(tidy_frame(rows), ["id", "name"])


def leads_export_frame(csv_text: str) -> pd.DataFrame:
    """Parse ``GET /campaigns/{id}/leads-export`` CSV into a typed DataFrame.

    Column by column (vectorised: a 50,000-lead export costs about what ``pd.read_csv``
    does), with :func:`tidy_frame`'s rules: times -> UTC, counts and ids -> Int64, the two
    flags -> boolean, ``phone_number`` kept as text (leading zeros, ``+``).

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
    options = dict(keep_default_na=False, na_values=[""], true_values=list(_TRUE_WORDS),
                   false_values=list(_FALSE_WORDS))
    try:
        frame = pd.read_csv(io.StringIO(csv_text), dtype=typed, **options)
    except (ValueError, TypeError):
        frame = pd.read_csv(io.StringIO(csv_text), dtype=str, **options)
        for col, kind in kinds.items():
            if kind == "int" and col in frame.columns:
                frame[col] = _int_column(frame[col])
            elif kind == "flag" and col in frame.columns:
                frame[col] = _truthy_column(frame[col])
    frame = frame.drop(columns=[c for c in frame.columns if c in SECRET_FIELDS])
    for col in frame.columns:
        kind = kinds.get(col)
        if kind == "phone":
            frame[col] = frame[col].astype("string")
        elif kind == "time":
            frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601")
        elif kind == "rate":
            frame[col] = percent_column(frame[col])
    return frame


_TRUE_WORDS = ("true", "True", "TRUE", "1", "yes", "t")
_FALSE_WORDS = ("false", "False", "FALSE", "0", "no", "f")


def _export_kind(col: str) -> str:
    """How an export column is typed: tidy_frame's rules, by name."""
    leaf = str(col).rsplit(".", 1)[-1]
    if col in ("is_unsubscribed", "is_interested"):
        return "flag"
    if col == "phone_number":
        return "phone"
    if leaf in TIME_FIELDS or leaf.endswith("_at"):
        return "time"
    if _is_count(leaf) or leaf in ID_FIELDS:
        return "int"
    return "rate" if leaf.endswith("_rate") else "text"


def _int_column(series: pd.Series) -> pd.Series:
    """:func:`integer_column` for a column of text, without a Python call per value."""
    return _numbers_or_as_given(series, pd.to_numeric(series, errors="coerce"))


def _truthy_column(series: pd.Series) -> pd.Series:
    """:func:`_truthy` for a column of text."""
    words = series.str.strip().str.lower()
    return words.isin(("true", "1", "yes", "t")).astype("boolean").mask(series.isna())


def _truthy(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NA
    return str(value).strip().lower() in ("true", "1", "yes", "t")


def columns_first(frame: pd.DataFrame, first: Sequence[str]) -> pd.DataFrame:
    """The ``first`` columns leading; an empty answer still has them, so a notebook cell that
    selects them gets an empty table rather than a KeyError (a campaign with no leads yet)."""
    if frame.empty:
        return frame.reindex(columns=list(first) + [c for c in frame.columns if c not in first])
    lead = [c for c in first if c in frame.columns]
    return frame[lead + [c for c in frame.columns if c not in lead]]


# --- sequences ----------------------------------------------------------------------------
def normalize_sequence(step: Mapping[str, Any]) -> dict[str, Any]:
    """One step as read back, in the shape ``client.sequences.save`` sends.

    Read-back spellings differ between sources: variants under ``seq_variants`` or
    ``sequence_variants``, delay under ``delay_in_days`` or ``delayInDays`` (or a flat
    ``delay_in_days``). Deleted variants (``is_deleted: true``) are dropped.
    """
    delay_details = step.get("seq_delay_details") or {}
    if isinstance(delay_details, dict):
        delay = delay_details.get("delay_in_days", delay_details.get("delayInDays"))
    else:
        delay = None
    if delay is None:
        delay = step.get("delay_in_days", step.get("delayInDays", 0))
    variants_raw = step.get("seq_variants")
    if variants_raw is None:
        variants_raw = step.get("sequence_variants") or step.get("variants") or []
    variants = []
    for v in variants_raw:
        if v.get("is_deleted"):
            continue
        variant = {
            "id": to_int(v.get("id")),
            "variant_label": v.get("variant_label"),
            "subject": v.get("subject") or "",
            "email_body": v.get("email_body") or "",
        }
        share = v.get("variant_distribution_percentage")
        if share is not None:
            variant["variant_distribution_percentage"] = to_int(share)
        variants.append(variant)
    out: dict[str, Any] = {
        "id": to_int(step.get("id")),
        "seq_number": to_int(step.get("seq_number")),
        "seq_delay_details": {"delay_in_days": to_int(delay) or 0},
        "subject": step.get("subject") or "",
        "email_body": step.get("email_body") or "",
    }
    for key in ("variant_distribution_type", "lead_distribution_percentage",
                "winning_metric_property", "seq_type"):
        if step.get(key) is not None:
            out[key] = step[key]
    if variants:
        out["seq_variants"] = variants
    return out


def sequences_frame(steps: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per step, or per variant for A/B steps: ids kept so edits can be saved back."""
    rows = []
    for raw in steps:
        step = normalize_sequence(raw)
        base = {"step_id": step["id"], "seq_number": step["seq_number"],
                "delay_in_days": step["seq_delay_details"]["delay_in_days"]}
        if step.get("seq_variants"):
            for v in step["seq_variants"]:
                rows.append({**base, "variant_id": v["id"], "variant_label": v["variant_label"],
                             "subject": v["subject"], "email_body": v["email_body"],
                             "variant_share": v.get("variant_distribution_percentage")})
        else:
            rows.append({**base, "variant_id": None, "variant_label": None,
                         "subject": step["subject"], "email_body": step["email_body"],
                         "variant_share": None})
    columns = ["seq_number", "delay_in_days", "variant_label", "subject", "email_body",
               "variant_share", "step_id", "variant_id"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("seq_number", "delay_in_days", "variant_share", "step_id", "variant_id"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    return frame


# --- lead uploads -------------------------------------------------------------------------
def lead_upload_counts(body: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the three documented add-leads response shapes to one set of counters.

    Returns ``added``, ``already_in_campaign``, ``duplicates``, ``invalid``, ``blocked``,
    ``unsubscribed``, ``stopped_by_limit``, ``lead_limit_exhausted`` and ``raw`` (the body).
    Counters a shape does not report are ``None``.
    """
    unsub = body.get("unsubscribed_leads")
    unsub_count = len(unsub) if isinstance(unsub, list) else to_int(unsub)
    if "upload_count" in body or "already_added_to_campaign" in body:  # classic (L1/L2)
        added = to_int(body.get("upload_count"))
    elif "inserted_count" in body:  # OAS
        added = to_int(body.get("inserted_count"))
    else:  # 2026 docs
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


# --- analytics ----------------------------------------------------------------------------
# Fields of analytics-by-date that describe the campaign's whole life, not the window.
LIFETIME_FIELDS = frozenset({"total_count", "drafted_count"})
ECHO_FIELDS = frozenset({"id", "user_id", "created_at", "status", "name", "start_date",
                         "end_date", "campaign_id"})


def combine_analytics_windows(windows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Sum per-window analytics into one record covering the whole range.

    Event counts add up exactly. ``unique_*`` counts add up exactly only when a lead cannot
    appear in two windows for the same event (true of ``unique_sent_count``, first emails);
    for ``unique_open_count`` and ``unique_click_count`` the sum is an upper bound.
    Lifetime fields (``total_count``, ``drafted_count``) are taken from the last window.
    """
    if not windows:
        return {}
    windows = [coerce_counts(w) for w in windows]
    combined: dict[str, Any] = {}
    for key in windows[0]:
        values = [w.get(key) for w in windows]
        if key in ECHO_FIELDS or key in LIFETIME_FIELDS:
            combined[key] = values[-1]
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None):
            combined[key] = sum(v for v in values if v is not None)
        else:
            combined[key] = values[-1]
    combined["start_date"] = windows[0].get("start_date")
    combined["end_date"] = windows[-1].get("end_date")
    combined["windows"] = len(windows)
    return combined
