"""When each step lands, from the steps' delays and the campaign's schedule.

The model (SmartLead does not publish its scheduler, so this is the documented approximation):

- Step 1 is due ``delay_in_days`` days after ``start``; each later step ``delay_in_days``
  days after the previous step was actually sent. Days are calendar days in the schedule's
  timezone (wall-clock time is kept across a DST change).
- A send due outside the window -- a day not in ``schedule.day_numbers``, or outside
  ``[start, end)`` -- moves to the next sending day at the window's start. One due before the
  window opens on a sending day goes out when it opens that day.
- With leads, new leads are paced by ``max_new_leads_per_day``: lead ``k`` (0-based) starts on
  sending day ``k // max_new_leads_per_day`` (day 0 is the first lead's first send; later days
  start at the window's start); its follow-ups then follow its own first send. The spacing of
  sends within a day (``min_minutes_between_emails`` per mailbox) depends on the mailboxes and
  is not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..errors import InputError
from ..schedule import DAY_NAMES, Schedule
from .inputs import as_dicts, steps_from_frame_like

__all__ = ["send_timeline", "MAX_TOTAL_DAYS", "TIMELINE_COLUMNS"]

#: SmartLead accepts a delay of 0-365 days per step; longer sequences are almost surely a typo.
MAX_TOTAL_DAYS = 365

TIMELINE_COLUMNS = ["seq_number", "delay_in_days", "send_time", "send_date", "weekday",
                    "local_time", "days_after_start", "moved", "note"]


def send_timeline(steps: Any, schedule: Schedule | Mapping[str, Any], *, start: Any = None,
                  leads: Any = None) -> pd.DataFrame:
    """The day and time each step is sent, in the schedule's timezone.

    Args:
        steps: save-sequences step dicts or a sequences DataFrame.
        schedule: a :class:`~smartlead_nb.schedule.Schedule` (or its payload dict).
        start: when the campaign starts: a datetime, ``pandas.Timestamp`` or ISO string.
            Timezone-aware values are converted to the schedule's timezone; naive ones are
            taken as wall-clock time *in the schedule's timezone*. Defaults to
            ``schedule.start_time``, else now.
        leads: ``None`` for one row per step (the first lead); else a number of leads, a list
            of lead dicts or a leads DataFrame, for one row per (lead, step), with ``lead``
            (position, or the DataFrame's index label) and ``email`` when known.

    Returns:
        Columns ``seq_number, delay_in_days, send_time`` (tz-aware, schedule timezone),
        ``send_date, weekday, local_time ("HH:MM"), days_after_start`` (calendar days from the
        start's date), ``moved`` (sent later than due: outside the window, or held back by the
        daily cap of new leads) and ``note`` (why, in words; ``""`` when not moved).

    Raises:
        InputError: a step with a delay that is negative or not a whole number, or a sequence
            longer than :data:`MAX_TOTAL_DAYS` days (the message names the step).

    >>> s = Schedule("America/New_York", days="Mon-Fri", start="09:00", end="17:00")
    >>> steps = [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}},
    ...          {"seq_number": 2, "seq_delay_details": {"delay_in_days": 1}}]
    >>> t = send_timeline(steps, s, start=datetime(2025, 6, 6, 16, 30))   # a Friday, 4:30 pm
    >>> t[["seq_number", "weekday", "local_time", "days_after_start"]].values.tolist()
    [[1, 'Friday', '16:30', 0], [2, 'Monday', '09:00', 3]]
    """
    if not isinstance(schedule, Schedule):
        if isinstance(schedule, Mapping):
            schedule = Schedule.from_payload(schedule)
        else:
            raise InputError(f"schedule must be a Schedule, got {type(schedule).__name__}")
    steps = steps_from_frame_like(steps)
    delays = _delays(steps)
    tz = ZoneInfo(schedule.timezone)
    origin = _local_start(start if start is not None else schedule.start_time, tz)
    window = _Window(schedule)
    labels, emails = _lead_labels(leads)
    if not steps:
        return pd.DataFrame(columns=(["lead"] if labels is not None else []) + TIMELINE_COLUMNS)

    first, first_note = window.place(origin + timedelta(days=delays[0] if delays else 0))
    cap = schedule.max_new_leads_per_day
    n_days = 1 if labels is None else max(1, -(-len(labels) // cap))
    # One timeline per sending day of the cap: every lead starting that day shares it.
    plans: list[list[tuple[datetime, str | None]]] = []   # (send time, note or None)
    day_start = first
    for day in range(n_days):
        plan: list[tuple[datetime, str | None]]
        if day:
            day_start = window.next_day_start(day_start)
            note0 = f"{cap} new leads a day: this lead starts on sending day {day + 1}"
            plan = [(day_start, note0)]
        else:
            plan = [(first, first_note)]
        for delay in delays[1:]:
            plan.append(window.place(plan[-1][0] + timedelta(days=delay)))
        plans.append(plan)

    n_steps = len(steps)
    seqs = np.array([s["seq_number"] for s in steps], dtype=np.int64)
    flat = [_row(t, note, origin, tz) for plan in plans for t, note in plan]
    table = pd.DataFrame(flat, columns=["send_time", "send_date", "weekday", "local_time",
                                        "days_after_start", "note"])
    if labels is None:
        take = np.arange(n_steps)
        frame = pd.DataFrame({"seq_number": seqs, "delay_in_days": np.array(delays, dtype=np.int64)})
    else:
        n = len(labels)
        day_of_lead = np.arange(n) // cap
        take = (day_of_lead[:, None] * n_steps + np.arange(n_steps)[None, :]).ravel()
        frame = pd.DataFrame({"lead": np.repeat(np.asarray(labels, dtype=object), n_steps)})
        if emails is not None:
            frame["email"] = np.repeat(np.asarray(emails, dtype=object), n_steps)
        frame["seq_number"] = np.tile(seqs, n)
        frame["delay_in_days"] = np.tile(np.array(delays, dtype=np.int64), n)
    picked = table.iloc[take].reset_index(drop=True)
    for column in ("send_time", "send_date", "weekday", "local_time", "days_after_start"):
        frame[column] = picked[column].to_numpy() if column != "send_time" else picked[column].array
    frame["moved"] = picked["note"].notna().to_numpy()
    frame["note"] = picked["note"].fillna("").to_numpy()
    frame["days_after_start"] = frame["days_after_start"].astype("int64")
    return frame


def _delays(steps: list[dict[str, Any]]) -> list[int]:
    delays: list[int] = []
    total = 0
    for step in steps:
        raw = step["seq_delay_details"]["delay_in_days"]
        where = f"step {step['seq_number']}"
        if isinstance(raw, bool) or not isinstance(raw, (int, np.integer)):
            raise InputError(f"{where}: delay_in_days must be a whole number of days, got {raw!r}")
        if raw < 0:
            raise InputError(f"{where}: delay_in_days is {raw}; a step can't be sent before the "
                             f"one it follows (use 0 for the same day)")
        total += int(raw)
        if total > MAX_TOTAL_DAYS:
            raise InputError(f"{where}: the delays add up to {total} days by this step, more than "
                             f"{MAX_TOTAL_DAYS}; check delay_in_days (it is the wait after the "
                             f"previous step, not the day number)")
        delays.append(int(raw))
    return delays


def _local_start(value: Any, tz: ZoneInfo) -> datetime:
    """``value`` as naive wall-clock time in ``tz`` (naive input already is)."""
    if value is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"start {value!r} is not an ISO 8601 datetime") from None
    elif isinstance(value, pd.Timestamp):
        moment = value.to_pydatetime()
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        raise InputError(f"start must be a datetime or ISO string, got {type(value).__name__}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz).replace(tzinfo=None)
    return moment


class _Window:
    def __init__(self, schedule: Schedule) -> None:
        self.days = set(schedule.day_numbers)
        self.start = time.fromisoformat(schedule.start)
        self.end = time.fromisoformat(schedule.end)
        self.label = f"{schedule.start}-{schedule.end}"

    def sending_day(self, d: date) -> bool:
        return (d.weekday() + 1) % 7 in self.days  # Python: Monday = 0; SmartLead: Sunday = 0

    def place(self, due: datetime) -> tuple[datetime, str | None]:
        """The first moment at or after ``due`` inside the window, and why it moved."""
        if self.sending_day(due.date()):
            if due.time() < self.start:
                return datetime.combine(due.date(), self.start), \
                    f"due {due:%H:%M}, before the {self.label} window"
            if due.time() < self.end:
                return due, None
            why = f"due {due:%A %H:%M}, after the {self.label} window"
        else:
            why = f"due {due:%A}, not a sending day"
        return self.next_day_start(due), why

    def next_day_start(self, after: datetime) -> datetime:
        d = after.date()
        for _ in range(7):
            d += timedelta(days=1)
            if self.sending_day(d):
                return datetime.combine(d, self.start)
        raise InputError("the schedule has no sending days")  # Schedule refuses this already


def _row(local: datetime, note: str | None, origin: datetime, tz: ZoneInfo) -> tuple:
    return (pd.Timestamp(local.replace(tzinfo=tz)), local.date(), DAY_NAMES[(local.weekday() + 1) % 7],
            f"{local:%H:%M}", (local.date() - origin.date()).days, note)


def _lead_labels(leads: Any) -> tuple[list[Any] | None, list[Any] | None]:
    if leads is None:
        return None, None
    if isinstance(leads, (bool, np.bool_)):
        raise InputError(f"leads must be a number of leads or the leads, got {leads!r}")
    if isinstance(leads, (int, np.integer)):
        if leads < 0:
            raise InputError(f"leads must be 0 or more, got {leads}")
        return list(range(int(leads))), None
    if isinstance(leads, pd.DataFrame):
        emails = leads["email"].tolist() if "email" in leads.columns else None
        return leads.index.tolist(), emails
    leads = as_dicts(leads)
    emails = [lead.get("email") for lead in leads]
    return list(range(len(leads))), emails if any(e is not None for e in emails) else None
