"""Sends and events per (step, variant[, stratum]) as of one time: what every verdict counts.

A send is judged on "did the event happen within ``window_days`` of the send". Only sends
older than the window at ``now`` (*matured*) can answer that; younger ones are *pending* and
decide nothing. Rows the same send was read into twice are counted once; an event dated
before its send is refused. :func:`matured_counts` does all of that in one pass over the
rows (numpy on the time columns' integers, one ``np.bincount``), so a verdict on a million
rows costs about what a ``groupby().size()`` does (benchmarks/bench_compare_variants.py).

>>> import pandas as pd
>>> t = pd.Timestamp("2025-01-06", tz="UTC")
>>> stats = pd.DataFrame({"sequence_number": [1, 1, 1, 1], "seq_variant_id": [11, 11, 12, 12],
...     "sent_time": [t, t, t, t + pd.Timedelta(days=5)],
...     "reply_time": [t + pd.Timedelta(days=1), t + pd.Timedelta(days=9), pd.NaT, pd.NaT]})
>>> counts = matured_counts(stats, "replied", window_days=7, now=t + pd.Timedelta(days=8))
>>> print(counts[["sequence_number", "variant_id", "sent", "events", "pending"]]
...       .to_string(index=False))
 sequence_number  variant_id  sent  events  pending
               1          11     2       1        0
               1          12     1       0        1
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F

NAT = np.iinfo(np.int64).min          # NaT as an int64 nanosecond count
DAY_NS = 86_400 * 10**9
WEEK_NS = 7 * DAY_NS
# 1970-01-01 was a Thursday: weeks start on the Monday four days later (ISO 8601 weeks, UTC).
MONDAY_NS = 4 * DAY_NS
STRATA = ("mailbox", "week")
# A send's state, one small integer per row so that one bincount counts them all.
IGNORED, NO_EVENT, EVENT, YOUNG, UNCATEGORISED = range(5)
COUNT_COLUMNS = ["sent", "events", "pending", "uncategorised", "duplicates_dropped"]
# Where the category of a reply came from (attrs["categories"]), for the verdict's caveat.
OWN_CATEGORY = "each reply's own category (replies=)"
LEAD_CATEGORY = ("the lead's current category (a reply recategorised later counts as its new "
                 "category; pass replies= for each reply's own)")


class NowNote(UserWarning):
    """``now`` was taken from the data (no ``now=``, no ``attrs["read_at"]``)."""


def matured_counts(stats: pd.DataFrame, metric: str = "replied", *, window_days: float = 7,
                   now: Any = None, who: str = "matured_counts", strata: Sequence[str] = (),
                   replies: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (step, variant[, mailbox][, week]) with the sends that can decide.

    Rules, in order:

    - ``now`` is ``now=`` if given, else ``stats.attrs["read_at"]`` (stamped by every client
      frame), else the latest time in the frame, with a :class:`NowNote` warning saying so.
      ``now=`` later than ``read_at`` is refused (replies since the read are not in the
      frame). Sends after ``now`` are ignored, so are events after it.
    - Duplicates: rows with the same ``stats_id`` (else the same ``lead_email`` and
      ``sequence_number``) and the same ``sent_time`` are one send read twice; the copy with
      the most event times is kept, the others are counted in ``duplicates_dropped``. A frame
      with neither key cannot be de-duplicated (two leads may be sent to in one second).
    - An event dated before its send is an InputError naming the rows.
    - For a delayed metric (replies, opens, clicks, unsubscribes), a send is *matured* when
      ``sent_time <= now - window_days``; it counts in ``sent`` and its event counts in
      ``events`` when the event came within ``window_days`` of the send. Younger sends are
      ``pending``. A bounce is known at send time: every send up to ``now`` counts.
    - ``positive``: a matured send's reply within the window counts when its category is
      one of ``POSITIVE_CATEGORIES``. The category is each reply's own when ``replies=`` is
      given (a frame with ``lead_email``, ``category`` and ``reply_time`` or ``event_time``:
      ``client.inbox.replies(...)`` or the webhook receiver's ``LEAD_CATEGORY_UPDATED`` rows;
      a reply takes the lead's first category at or after the reply and before the lead's
      next reply), else the lead's current ``lead_category`` (a caveat in ``attrs``). A reply
      with no category yet is pending (``uncategorised``), never a "no".

    Args:
        stats: ``client.statistics.frame(cid)``.
        metric: a name from ``METRICS``.
        window_days: days after its send in which an event counts.
        now: the time to judge at (see above).
        who: the public function asking, for error messages.
        strata: any of ``"mailbox"`` (the sender column: ``mailbox``, ``sender``,
            ``from_email``, ``from`` or ``email_account_id``) and ``"week"`` (the ISO week of
            the send, UTC, as its Monday).
        replies: per-reply categories for ``metric="positive"`` (see above).

    Returns:
        Columns ``sequence_number``, ``variant_id`` (Int64; missing for a step without
        variants), the strata asked for, ``sent`` (matured sends), ``events``, ``pending``
        (young sends plus uncategorised replies), ``uncategorised`` and
        ``duplicates_dropped``; sorted by the keys. ``attrs`` holds ``now``, ``now_source``
        (``"now="``, ``"read_at"`` or ``"latest time in the frame"``), ``window_days``,
        ``duplicates_dropped`` (total) and, for ``positive``, ``categories``.
    """
    stats = F.require_frame(stats, "the statistics frame", who)
    m = F.metric(metric)
    window = window_ns(window_days)
    strata = check_strata(strata, who)
    F.require_columns(stats, [F.STEP, F.VARIANT_ID, F.SENT, *F.metric_columns(m)], who)
    when, source = F.as_of(now, stats, who)
    now_ns = when.as_unit("ns").value

    sent_ns = nanoseconds(F.as_times(stats, F.SENT, who))
    has_send = sent_ns != NAT
    if not has_send.any():
        why = "it has no rows" if stats.empty else f"every {F.SENT!r} is empty"
        raise InputError(f"{who}: no sends to analyse ({why}); wait until the campaign has sent")
    event_ns = _event_times(stats, m, sent_ns, who)
    step_codes, step_ids = id_codes(stats[F.STEP])
    variant_codes, variant_ids = id_codes(stats[F.VARIANT_ID])
    dropped = duplicate_rows(stats, sent_ns, step_codes, variant_codes)
    counted = has_send & ~dropped & (sent_ns <= now_ns)
    _require_steps(stats, has_send, who)

    # One small integer per row (IGNORED, NO_EVENT, EVENT, YOUNG, UNCATEGORISED), added up
    # from boolean masks: cheaper than masked assignments on a million rows.
    matured = counted & (sent_ns <= now_ns - window) if m.delayed else counted
    if event_ns is None:                       # a flag (bounced, unsubscribed)
        happened = F.as_flags(stats, m.column) & matured
    else:
        happened = matured & (event_ns != NAT) & (event_ns - sent_ns <= window)
    categories = None
    unknown = None
    if m.name == "positive":
        positive, unknown, categories = _positive(stats, happened, sent_ns, replies, now_ns, who)
        unknown &= happened
        happened &= positive
    state = matured.view(np.uint8) + happened.view(np.uint8)          # NO_EVENT 1, EVENT 2
    if m.delayed:
        state += (counted & ~matured).view(np.uint8) * np.uint8(YOUNG)
    if unknown is not None:
        state += unknown.view(np.uint8) * np.uint8(UNCATEGORISED - NO_EVENT)

    keys = [(F.STEP, step_codes, step_ids), ("variant_id", variant_codes, variant_ids)]
    out = _tally(stats, keys, state, dropped & has_send, sent_ns, strata, who)
    out.attrs.update(now=when, now_source=source, window_days=window / DAY_NS,
                     duplicates_dropped=int(out["duplicates_dropped"].sum()))
    if categories is not None:
        out.attrs["categories"] = categories
    return out


# --- arguments -----------------------------------------------------------------------------
def window_ns(days: Any, name: str = "window_days") -> int:
    """``days`` (a number >= 0) as integer nanoseconds, else an InputError."""
    if isinstance(days, bool) or not isinstance(days, (int, float, np.integer, np.floating)) \
            or not np.isfinite(days) or days < 0:
        raise InputError(f"{name} must be a number of days >= 0 (7 for a week); got {days!r}")
    return int(round(float(days) * DAY_NS))


def check_strata(strata: Any, who: str) -> tuple[str, ...]:
    """``strata`` as a tuple of names from :data:`STRATA`, else an InputError."""
    names = (strata,) if isinstance(strata, str) else tuple(strata or ())
    unknown = [s for s in names if s not in STRATA]
    if unknown:
        raise InputError(f"{who}: strata must be names from {', '.join(map(repr, STRATA))}; "
                         f"got {', '.join(map(repr, unknown))}")
    return tuple(dict.fromkeys(names))


# --- time columns as integers ---------------------------------------------------------------
def nanoseconds(times: pd.Series) -> np.ndarray:
    """A UTC datetime column as int64 nanoseconds since the epoch, NaT as :data:`NAT`."""
    if times.dtype.unit != "ns":
        times = times.dt.as_unit("ns")
    return times.array.view("i8")


def _event_times(stats: pd.DataFrame, m: F.Metric, sent_ns: np.ndarray,
                 who: str) -> np.ndarray | None:
    """The metric's event times (int64 ns), refusing events dated before their send."""
    if m.column not in F.TIME_COLUMNS:
        return None
    event_ns = nanoseconds(F.as_times(stats, m.column, who))
    has_event = event_ns != NAT
    orphan = has_event & (sent_ns == NAT)
    if orphan.any():
        raise InputError(f"{who}: {int(orphan.sum())} row(s) have {m.column!r} but no "
                         f"{F.SENT!r} (rows {F.marked_rows(stats, orphan)}); drop or fix them "
                         "first")
    early = has_event & (event_ns < sent_ns)
    if early.any():
        raise InputError(f"{who}: {int(early.sum())} row(s) have a {m.column!r} before their "
                         f"{F.SENT!r} (rows {F.marked_rows(stats, early)}): an event cannot "
                         "precede its send; fix or drop those rows first")
    return event_ns


def _require_steps(stats: pd.DataFrame, has_send: np.ndarray, who: str) -> None:
    no_step = stats[F.STEP].isna().to_numpy() & has_send
    if no_step.any():
        raise InputError(f"{who}: sends without a {F.STEP!r} (rows "
                         f"{F.marked_rows(stats, no_step)}): the step of every send must be known")


# --- duplicates -----------------------------------------------------------------------------
def duplicate_keys(stats: pd.DataFrame) -> list[str] | None:
    """The columns naming one send, besides its time: ``stats_id``, else lead and step."""
    if "stats_id" in stats.columns:
        return ["stats_id"]
    if "lead_email" in stats.columns:
        return ["lead_email", F.STEP]
    return None


# Odd 64-bit constants (from splitmix64 / xxHash) that spread a send's time, step and variant
# over a 64-bit value: rows that are copies of one send always share it.
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F),
        np.uint64(0x165667B19E3779F9))
# A send-ordered frame is searched by comparing each row with its next rows, up to this many
# sends in one instant; beyond that, a hash table over all rows.
MAX_RUN = 32


def duplicate_rows(stats: pd.DataFrame, sent_ns: np.ndarray, step_codes: np.ndarray,
                   variant_codes: np.ndarray) -> np.ndarray:
    """Which rows repeat a send already in the frame (a bool array): all but one copy.

    Copies share the send time, step and variant, so candidates are the rows whose mix of
    those three integers repeats: found among neighbours when the rows come in send order
    (as the statistics pages do), else with a hash table. Only the candidates' key columns
    (``duplicate_keys``) are then compared.
    """
    keys = duplicate_keys(stats)
    dropped = np.zeros(len(stats), dtype=bool)
    if keys is None or len(stats) < 2:
        return dropped
    valid = sent_ns != NAT
    keys = [k for k in keys if k != F.STEP]             # the step is compared as its code
    rows = None
    if valid.all() and (sent_ns[1:] >= sent_ns[:-1]).all():
        # in send order: only rows in a run of equal send times can be copies
        same = sent_ns[1:] == sent_ns[:-1]
        in_run = np.zeros(len(stats), dtype=bool)
        in_run[1:] |= same
        in_run[:-1] |= same
        run_rows = np.flatnonzero(in_run)
        starts = np.flatnonzero(~same)
        longest = int(np.diff(starts, prepend=-1, append=len(sent_ns) - 1).max())
        if longest <= MAX_RUN:
            rows = _copies_nearby(stats, keys, run_rows,
                                  _mix(sent_ns, step_codes, variant_codes, run_rows), longest)
    if rows is None:
        mixed = _mix(sent_ns, step_codes, variant_codes)
        rows = np.flatnonzero(pd.Series(mixed).duplicated(keep=False).to_numpy() & valid)
    sub = pd.DataFrame({key: stats[key].iloc[rows].to_numpy() for key in keys})
    sub = sub[sub.notna().all(axis=1).to_numpy()]
    rows = rows[sub.index.to_numpy()]
    sub["_sent"] = sent_ns[rows]
    sub["_step"] = step_codes[rows]
    copies = sub.duplicated(keep=False).to_numpy()      # every column: key, time, step
    if not copies.any():
        return dropped
    sub, rows = sub[copies].reset_index(drop=True), rows[copies]
    sub["_row"] = rows
    # the most complete copy first: the one that knows of the most events
    times = [c for c in F.TIME_COLUMNS if c in stats.columns and c != F.SENT]
    sub["_known"] = -stats[times].iloc[rows].notna().sum(axis=1).to_numpy() if times else 0
    sub = sub.sort_values([*keys, "_sent", "_step", "_known", "_row"], kind="stable")
    repeat = sub.duplicated([*keys, "_sent", "_step"]).to_numpy()
    dropped[sub["_row"].to_numpy()[repeat]] = True
    return dropped


def _mix(sent_ns: np.ndarray, step_codes: np.ndarray, variant_codes: np.ndarray,
         rows: np.ndarray | None = None) -> np.ndarray:
    """One 64-bit value per row (or per row of ``rows``) from its send time, step and variant:
    copies of a send always share it; different sends almost never do."""
    pick = (lambda a: a) if rows is None else (lambda a: a[rows])
    return (pick(sent_ns).view(np.uint64) * _MIX[0] + pick(step_codes).view(np.uint64) * _MIX[1]
            + pick(variant_codes).view(np.uint64) * _MIX[2])


def _copies_nearby(stats: pd.DataFrame, keys: list[str], rows: np.ndarray, mixed: np.ndarray,
                   longest: int) -> np.ndarray:
    """Of ``rows`` (in send order, runs of equal send times), those equal to one of their next
    ``longest - 1`` rows in ``mixed`` and in every key column: neighbours compared, no hashing."""
    found = []
    for shift in range(1, longest):
        pairs = np.flatnonzero(mixed[shift:] == mixed[:-shift])
        for key in keys:
            if not len(pairs):
                break
            values = stats[key].array
            same = pd.array(values.take(rows[pairs]) == values.take(rows[pairs + shift]),
                            dtype="boolean")
            pairs = pairs[same.fillna(False).to_numpy(dtype=bool)]     # a missing key: no copy
        found += [rows[pairs], rows[pairs + shift]]
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


# --- positive replies ----------------------------------------------------------------------
def _positive(stats: pd.DataFrame, replied: np.ndarray, sent_ns: np.ndarray,
              replies: pd.DataFrame | None, now_ns: int,
              who: str) -> tuple[np.ndarray, np.ndarray, str]:
    """(positive, uncategorised, source) over the rows, for the rows in ``replied``."""
    rows = np.flatnonzero(replied)
    if replies is None:
        category = pd.Series(stats[F.CATEGORY].array.take(rows))
        source = LEAD_CATEGORY
    else:
        category = _reply_categories(stats, rows, replies, now_ns, who)
        source = OWN_CATEGORY
    text = category.astype("string").str.strip()
    known = text.notna() & (text != "")
    positive = np.zeros(len(stats), dtype=bool)
    unknown = np.zeros(len(stats), dtype=bool)
    positive[rows] = text.isin(F.POSITIVE_CATEGORIES).fillna(False).to_numpy(dtype=bool)
    unknown[rows] = ~known.to_numpy(dtype=bool)
    return positive, unknown, source


def _reply_categories(stats: pd.DataFrame, rows: np.ndarray, replies: pd.DataFrame,
                      now_ns: int, who: str) -> pd.Series:
    """The category each replied row's reply got: the lead's first categorisation at or after
    the reply, before the lead's next reply and not after ``now``; missing when none."""
    replies = F.require_frame(replies, "replies= (one row per categorised reply)", who)
    time_column = next((c for c in ("reply_time", "event_time", "time") if c in replies.columns),
                       None)
    F.require_columns(replies, ["lead_email", "category"] + ([] if time_column else ["reply_time"]),
                      who, "the replies frame")
    F.require_columns(stats, ["lead_email"], who)
    given = pd.DataFrame({
        "lead": _leads(replies["lead_email"]),
        "at": nanoseconds(F.as_times(replies, time_column, who)),
        "category": replies["category"].astype("string")})
    given = given[(given["at"] != NAT) & (given["at"] <= now_ns) & given["lead"].notna()
                  & given["category"].notna()]
    asked = pd.DataFrame({
        "lead": _leads(stats["lead_email"].iloc[rows]).array,
        "at": nanoseconds(F.as_times(stats, "reply_time", who))[rows],
        "position": np.arange(len(rows))})
    asked = asked.sort_values(["lead", "at"], kind="stable")
    asked["next"] = asked.groupby("lead", sort=False)["at"].shift(-1)
    found = pd.merge_asof(asked.dropna(subset=["lead"]).sort_values("at", kind="stable"),
                          given.sort_values("at", kind="stable").rename(columns={"at": "given_at"}),
                          left_on="at", right_on="given_at", by="lead", direction="forward")
    late = found["next"].notna() & (found["given_at"] >= found["next"])
    found.loc[late, "category"] = pd.NA
    out = pd.Series(pd.NA, index=range(len(rows)), dtype="string")
    out.iloc[found["position"].to_numpy()] = found["category"].to_numpy()
    return out


def _leads(emails: pd.Series) -> pd.Series:
    """Lead addresses as one comparable spelling (trimmed, lower case, one string dtype)."""
    return emails.astype("string").str.strip().str.lower().astype("string")


# --- the tally ------------------------------------------------------------------------------
def _tally(stats: pd.DataFrame, keys: list[tuple[str, np.ndarray, Any]], state: np.ndarray,
           dropped: np.ndarray, sent_ns: np.ndarray, strata: tuple[str, ...],
           who: str) -> pd.DataFrame:
    """Count every state per group with one ``np.bincount`` over ``group * 5 + state``;
    ``keys`` are the step's and the variant's ``(name, codes, uniques)``."""
    parts: list[tuple[str, np.ndarray, Any]] = list(keys)
    for name in strata:
        parts.append((name, *_stratum_codes(stats, name, sent_ns, who)))
    group = parts[0][1]
    size = len(parts[0][2])
    for _, codes, uniques in parts[1:]:
        group = group * len(uniques)
        group += codes
        size *= len(uniques)
    if size > 1 << 22:                     # a sparse product of keys: number the groups seen
        group, seen = pd.factorize(group)
        size = len(seen)
    else:
        seen = None
    extra = (np.bincount(group[dropped], minlength=size) if dropped.any()
             else np.zeros(size, dtype=np.int64))
    width = UNCATEGORISED + 1
    group *= width
    group += state
    table = np.bincount(group, minlength=size * width).reshape(size, width)
    rows = table.sum(axis=1)
    present = np.flatnonzero(rows)
    flat = present if seen is None else seen[present]
    if seen is not None:               # numbered as seen: back into key order
        order = np.argsort(flat, kind="stable")
        present, flat = present[order], flat[order]
    columns: dict[str, Any] = {}
    for name, codes, uniques in reversed(parts):
        flat, code = np.divmod(flat, len(uniques))
        columns[name] = np.asarray(uniques, dtype=object)[code]
    # the keys in order (step, variant, strata) and sorted so: steps, then variants
    # (missing last), then strata, each (step, variant) one run of rows
    keep = np.array([v is not None for v in columns[F.STEP]], dtype=bool)
    frame = pd.DataFrame({
        F.STEP: columns[F.STEP][keep].astype("int64"),
        "variant_id": pd.array(columns["variant_id"][keep], dtype="Int64")})
    for name in strata:
        values = columns[name][keep]
        frame[name] = (pd.to_datetime(values.astype("int64"), utc=True) if name == "week"
                       else values)
    t = table[present[keep]]
    frame["sent"] = t[:, NO_EVENT] + t[:, EVENT]
    frame["events"] = t[:, EVENT]
    frame["pending"] = t[:, YOUNG] + t[:, UNCATEGORISED]
    frame["uncategorised"] = t[:, UNCATEGORISED]
    frame["duplicates_dropped"] = extra[present[keep]]
    return frame


def id_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` of an id column, missing values one more code (uniques None).

    Whole numbers spanning a small range (steps 1-20, a campaign's variant ids) are coded
    by subtraction, without hashing: 0.2 ms on a million rows where ``pd.factorize`` takes
    6 ms; anything else goes to ``pd.factorize``.

    >>> codes, uniques = id_codes(pd.Series([80012, None, 80011], dtype="Int64"))
    >>> codes.tolist(), uniques.tolist()
    ([1, 2, 0], [80011, 80012, None])
    """
    dtype = column.dtype
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        missing = column.isna().to_numpy()
        values = column.to_numpy(dtype="float64" if pd.api.types.is_float_dtype(dtype)
                                 else "int64", na_value=0)
        valid = values if not missing.any() else values[~missing]
        if len(valid):
            low, high = valid.min(), valid.max()
            whole = values.dtype.kind == "i" or bool(np.all(np.floor(valid) == valid))
            if whole and high - low <= 1 << 16:
                low, high = int(low), int(high)
                codes = np.subtract(values, low, dtype=np.int64, casting="unsafe")
                codes[missing] = high - low + 1
                uniques = np.append(np.arange(low, high + 1).astype(object), None)
                return codes, uniques
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _stratum_codes(stats: pd.DataFrame, name: str, sent_ns: np.ndarray,
                   who: str) -> tuple[np.ndarray, Any]:
    if name == "week":
        week = (sent_ns - MONDAY_NS) // WEEK_NS
        low = int(week[sent_ns != NAT].min())
        week[sent_ns == NAT] = low             # rows without a send count nothing anyway
        codes = week - low
        uniques = (np.arange(int(codes.max()) + 1) + low) * WEEK_NS + MONDAY_NS
        return codes, uniques
    column = sender_column(stats, who)
    values = stats[column]
    if isinstance(values.dtype, pd.CategoricalDtype):     # codes are free: no hashing
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques = np.append(values.cat.categories.to_numpy(dtype=object), None)
        codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, uniques
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def sender_column(stats: pd.DataFrame, who: str) -> str:
    """The column naming each send's mailbox, else an InputError saying how to add one."""
    for name in F.SENDER_COLUMNS:
        if name in stats.columns:
            return name
    raise InputError(
        f"{who}: the statistics frame does not say which mailbox sent each email (no column "
        f"{', '.join(map(repr, F.SENDER_COLUMNS))}); SmartLead's per-email statistics do not "
        "carry it: add it with analysis.with_senders(stats, client.statistics.leads.frame(cid))")


def note_now(counts: pd.DataFrame, who: str) -> str | None:
    """The sentence saying which time ``now`` was when it came from the data, else None
    (and that sentence is also warned, once per call, as a :class:`NowNote`)."""
    if counts.attrs.get("now_source") != F.LATEST:
        return None
    text = (f"judged as of {counts.attrs['now']:%Y-%m-%d %H:%M} UTC, the latest time in the "
            "frame (it carries no read time: pass now=)")
    warnings.warn(f"{who}: {text}", NowNote, stacklevel=3)
    return text
