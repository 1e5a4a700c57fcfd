"""What the analysis functions need from a frame, checked in one place.

Every public function here takes a frame the client returned (``client.statistics.frame``,
``client.sequences.frame`` / ``client.sequences.get``, later the mailbox-statistics frame). The facts about
those frames (column names, which category counts as positive, which events arrive late) live
here so that the modules above never spell a column themselves, and every refusal is an
:class:`~smartlead_nb.errors.InputError` that names the column, the rows or the reason.

>>> import pandas as pd
>>> require_columns(pd.DataFrame({"sent_time": []}), ["sent_time", "reply_time"], "compare_variants")
Traceback (most recent call last):
...
smartlead_nb.errors.InputError: compare_variants needs column 'reply_time' in the statistics frame; it has: sent_time
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence, cast

import numpy as np
import pandas as pd

from ..errors import InputError

# --- the per-email statistics frame (GET /campaigns/{id}/statistics) ------------------------
SENT = "sent_time"
STEP = "sequence_number"
VARIANT_ID = "seq_variant_id"
CATEGORY = "lead_category"
TIME_COLUMNS = ("sent_time", "open_time", "click_time", "reply_time")
# Sender columns a per-email frame may carry (SmartLead's per-email rows do not;
# ``analysis.with_senders`` adds ``sender`` from leads-statistics' ``from``).
SENDER_COLUMNS = ("sender", "from_email", "email_account_id", "mailbox", "from")

# Reply categories that count as a positive reply: the sandbox's analytics use the same two
# (sandbox/analytics/models.py); SmartLead's defaults also have Information Request, which is
# a question, not a yes, so it stays out.
POSITIVE_CATEGORIES = frozenset({"Interested", "Meeting Request"})


@dataclass(frozen=True)
class Metric:
    """One event a variant can be judged on: the column holding it and whether it arrives late.

    ``delayed`` events (a reply days after the send) leave young sends undecided: they are
    reported as ``pending`` rather than counted as sends without the event.
    """
    name: str
    column: str
    delayed: bool
    noun: str                     # "replies": for verdicts ("most replies are still to come")
    higher_is_better: bool = True


METRICS: dict[str, Metric] = {
    "replied": Metric("replied", "reply_time", True, "replies"),
    # a reply whose lead is categorised as one of POSITIVE_CATEGORIES
    "positive": Metric("positive", "reply_time", True, "positive replies"),
    "opened": Metric("opened", "open_time", True, "opens"),
    "clicked": Metric("clicked", "click_time", True, "clicks"),
    "unsubscribed": Metric("unsubscribed", "is_unsubscribed", True, "unsubscribes", False),
    "bounced": Metric("bounced", "is_bounced", False, "bounces", False),  # known at send time
}


def metric(name: str) -> Metric:
    """The :class:`Metric` called ``name``, or an InputError listing the known ones."""
    try:
        return METRICS[name]
    except (KeyError, TypeError):
        raise InputError(f"metric must be one of {', '.join(METRICS)}; got {name!r}") from None


def metric_columns(m: Metric) -> list[str]:
    """The statistics columns ``m`` reads (besides the send time and the step/variant keys)."""
    return [m.column, CATEGORY] if m.name == "positive" else [m.column]


def events(stats: pd.DataFrame, m: Metric) -> np.ndarray:
    """Which rows had the event ``m`` (a bool array): a time recorded, or the flag set."""
    if m.column in TIME_COLUMNS:
        happened = stats[m.column].notna().to_numpy()
    else:
        happened = as_flags(stats, m.column)
    if m.name == "positive":
        # Only the replied rows (a few percent) need their category read: a string isin over
        # a million rows would cost more than all the counting.
        replied = np.flatnonzero(happened)
        category = pd.Series(stats[CATEGORY].array.take(replied))
        happened = np.zeros(len(stats), dtype=bool)
        happened[replied] = category.isin(POSITIVE_CATEGORIES).to_numpy()
    return happened


def require_frame(frame: Any, what: str, who: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{who} takes {what} as a pandas DataFrame; got {type(frame).__name__}")
    return frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str], who: str,
                    what: str = "the statistics frame") -> None:
    """InputError naming every column of ``columns`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        plural = "s" if len(missing) > 1 else ""
        has = ", ".join(map(str, frame.columns)) or "no columns"
        raise InputError(f"{who} needs column{plural} {names} in {what}; it has: {has}")


def marked_rows(frame: pd.DataFrame, mask: Any) -> list:
    """The first five index labels of the rows ``mask`` marks: the rows an error names.

    >>> marked_rows(pd.DataFrame({"x": range(9)}), [True] * 9)
    [0, 1, 2, 3, 4]
    """
    return list(frame.index[np.asarray(mask, dtype=bool)][:5])


def as_times(frame: pd.DataFrame, column: str, who: str) -> pd.Series:
    """``frame[column]`` as UTC datetimes; text that is not a time is refused by row."""
    values = frame[column]
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.dt.tz_localize("UTC")
    parsed = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    bad = parsed.isna() & values.notna()
    if bad.any():
        raise InputError(f"{who}: column {column!r} holds values that are not times, "
                         f"e.g. {values[bad].iloc[0]!r} (rows {marked_rows(frame, bad)})")
    return parsed


def as_flags(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A true/false column (``is_bounced``) as a numpy bool array, missing read as false."""
    values = frame[column]
    if values.dtype == bool:
        return values.to_numpy()
    return values.fillna(False).astype(bool).to_numpy(dtype=bool)


def sends(stats: pd.DataFrame, who: str, event_times: Sequence[str] = ()) -> np.ndarray:
    """Which rows are sends (a ``sent_time``), refusing the frames no analysis can use.

    A frame with no rows, or with no row that has a ``sent_time``, gives an InputError (there
    is nothing to count); so does a row with an event but no send time (the event's send is
    unknown, so no rate can include it honestly).
    """
    sent_at = as_times(stats, SENT, who)
    sent = sent_at.notna().to_numpy()
    if not sent.any():
        why = "it has no rows" if stats.empty else f"every {SENT!r} is empty"
        raise InputError(f"{who}: no sends to analyse ({why}); wait until the campaign has sent")
    for col in event_times:
        if col in stats.columns and stats[col].dtype != bool:
            orphan = stats[col].notna().to_numpy() & ~sent
            if orphan.any():
                raise InputError(f"{who}: {int(orphan.sum())} row(s) have {col!r} but no "
                                 f"{SENT!r} (rows {marked_rows(stats, orphan)}); drop or fix "
                                 "them first")
    return sent


def latest_time(stats: pd.DataFrame, who: str) -> pd.Timestamp:
    """The latest time seen anywhere in the frame: the default ``now`` ("as of the data")."""
    found = [_latest(as_times(stats, c, who)) for c in TIME_COLUMNS if c in stats.columns]
    latest = [t for t in found if t is not None]
    if not latest:
        raise InputError(f"{who}: the frame holds no times, so 'now' is unknown; pass now=")
    return max(latest)


def _latest(times: pd.Series) -> pd.Timestamp | None:
    # The int64 view of a datetime column, where NaT is the smallest int64, so a plain max
    # skips it: ~8x faster than Series.max() on a million rows (compare_variants's budget).
    ints = times.array.view("i8")
    if not len(ints) or ints.max() == np.iinfo(np.int64).min:
        return None
    unit = cast(pd.DatetimeTZDtype, times.dtype).unit   # as_times gives UTC datetimes
    return pd.Timestamp(int(ints.max()), unit=unit, tz="UTC")


# Where the time a verdict is judged at came from (``as_of``).
NOW_GIVEN, READ_AT, LATEST = "now=", "read_at", "latest time in the frame"


def as_of(now: Any, frame: pd.DataFrame, who: str) -> tuple[pd.Timestamp, str]:
    """``(time, where it came from)``: ``now=`` if given, else ``frame.attrs["read_at"]``
    (every client frame carries it), else the latest time in the frame.

    ``now=`` later than ``read_at`` is refused: what happened after the read is not in the
    frame, so a send judged at ``now`` would miss its late replies.

    >>> frame = pd.DataFrame({"sent_time": pd.to_datetime(["2025-01-06"], utc=True)})
    >>> frame.attrs["read_at"] = pd.Timestamp("2025-01-09 12:00", tz="UTC")
    >>> as_of(None, frame, "compare_variants")
    (Timestamp('2025-01-09 12:00:00+0000', tz='UTC'), 'read_at')
    """
    read_at = frame.attrs.get("read_at")
    if read_at is not None:
        read_at = as_now(read_at, frame, who)
    if now is None:
        if read_at is not None:
            return read_at, READ_AT
        return latest_time(frame, who), LATEST
    stamp = as_now(now, frame, who)
    if read_at is not None and stamp > read_at:
        raise InputError(f"{who}: now= ({stamp:%Y-%m-%d %H:%M} UTC) is after the frame was read "
                         f"({read_at:%Y-%m-%d %H:%M} UTC): what happened since is not in it. "
                         "Read the frame again, or pass an earlier now=")
    return stamp, NOW_GIVEN


def as_now(now: Any, stats: pd.DataFrame, who: str) -> pd.Timestamp:
    """``now`` as a UTC timestamp (naive values read as UTC); default the latest time seen."""
    if now is None:
        return latest_time(stats, who)
    try:
        stamp = pd.Timestamp(now)
    except (TypeError, ValueError):
        raise InputError(f"{who}: now= must be a time, got {now!r}") from None
    if pd.isna(stamp):
        raise InputError(f"{who}: now= must be a time, got {now!r}")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


# --- variant labels ----------------------------------------------------------------------
def variant_labels(sequences: Any) -> pd.DataFrame:
    """``(sequence_number, seq_variant_id, label, share)`` for every variant a campaign
    defines; ``share`` is the percentage of the step's leads it was asked to get
    (``variant_distribution_percentage``), missing when not set.

    Accepts ``client.sequences.get(cid)`` (normalised steps with ``seq_variants``) or
    ``client.sequences.frame(cid)`` (one row per variant). A step without variants gets one
    row with no variant id, labelled by its step number (as ``set_truth`` names it).

    >>> variant_labels([{"seq_number": 1, "seq_variants": [{"id": 11, "variant_label": "A"},
    ...                                                     {"id": 12, "variant_label": "B"}]},
    ...                 {"seq_number": 2}])["label"].tolist()
    ['A', 'B', '2']
    """
    rows: list[dict[str, Any]] = []
    if isinstance(sequences, pd.DataFrame):
        require_columns(sequences, ["seq_number", "variant_id", "variant_label"],
                        "compare_variants", "the sequences frame")
        shares = (sequences["variant_share"] if "variant_share" in sequences.columns
                  else pd.Series([None] * len(sequences), index=sequences.index))
        columns = sequences[["seq_number", "variant_id", "variant_label"]].assign(share=shares)
        for step, vid, label, share in columns.itertuples(index=False):
            rows.append(_label_row(step, vid, label, share))
    else:
        for position, step in enumerate(sequences or []):
            if not isinstance(step, Mapping) or step.get("seq_number") is None:
                raise InputError(f"sequences[{position}] is not a step with a seq_number "
                                 "(pass client.sequences.get(campaign_id))")
            variants = step.get("seq_variants") or step.get("sequence_variants") or []
            if not variants:
                rows.append(_label_row(step["seq_number"], None, None))
            for v in variants:
                rows.append(_label_row(step["seq_number"], v.get("id"), v.get("variant_label"),
                                       v.get("variant_distribution_percentage")))
    frame = pd.DataFrame(rows, columns=[STEP, VARIANT_ID, "label", "share"])
    frame[STEP] = frame[STEP].astype("int64")
    frame[VARIANT_ID] = pd.to_numeric(frame[VARIANT_ID]).astype("Int64")
    frame["share"] = pd.to_numeric(frame["share"], errors="coerce").astype("Float64")
    return frame


def _label_row(step: Any, vid: Any, label: Any, share: Any = None) -> dict[str, Any]:
    has_id = vid is not None and not pd.isna(vid)
    text = label if isinstance(label, str) and label else (f"id {int(vid)}" if has_id else str(int(step)))
    share = None if share is None or isinstance(share, bool) or pd.isna(share) else share
    return {STEP: int(step), VARIANT_ID: int(vid) if has_id else None, "label": text,
            "share": share}
