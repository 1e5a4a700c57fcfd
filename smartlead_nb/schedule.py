"""A campaign's sending schedule as a small typed object with friendly inputs.

SmartLead wants ``{"timezone", "days_of_the_week": [0..6, 0 = Sunday], "start_hour": "HH:MM",
"end_hour", "min_time_btw_emails", "max_new_leads_per_day", "schedule_start_time"}``. Analysts
think "Mon-Fri, 9 to 5, New York time". ``Schedule`` takes the latter, checks everything before
any request is made, and produces the former.

>>> s = Schedule("America/New_York", days="Mon-Fri", start="9:00", end="17:30")
>>> s.to_payload()["days_of_the_week"], s.to_payload()["start_hour"]
([1, 2, 3, 4, 5], '09:00')
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ._suggest import refuse_unknown_keywords
from .errors import InputError

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_DAY_LOOKUP = {}
for _i, _name in enumerate(DAY_NAMES):
    for _alias in (_name, _name[:3], _name[:2], _name[:4]):
        _DAY_LOOKUP[_alias.lower()] = _i
_DAY_LOOKUP.update({"tues": 2, "thur": 4, "thurs": 4, "weds": 3})
_DAY_GROUPS = {
    "weekdays": [1, 2, 3, 4, 5], "workdays": [1, 2, 3, 4, 5], "business days": [1, 2, 3, 4, 5],
    "weekend": [0, 6], "weekends": [0, 6],
    "daily": list(range(7)), "every day": list(range(7)), "everyday": list(range(7)),
    "all": list(range(7)),
}


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA timezone, else raise naming close matches."""
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"timezone must be an IANA name such as 'Europe/Berlin', got {name!r}")
    name = name.strip()
    zones = _zones()
    if name in zones:
        return name
    try:
        ZoneInfo(name)
        return name  # known to this machine's tz database even if not listed
    except (ZoneInfoNotFoundError, ValueError):
        pass
    by_lower = {z.lower(): z for z in zones}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(by_lower[c]) for c in close)}?" if close else ""
    raise InputError(f"unknown timezone {name!r}: use an IANA name such as 'America/New_York'{hint}")


def parse_days(days: Any) -> list[int]:
    """Turn day names, ranges or numbers into SmartLead's sorted list (0 = Sunday ... 6).

    >>> parse_days("Mon-Fri")
    [1, 2, 3, 4, 5]
    >>> parse_days("Fri-Mon")
    [0, 1, 5, 6]
    >>> parse_days(["Tuesday", "thu"])
    [2, 4]
    """
    if days is None:
        raise InputError("days is empty: give day names like 'Mon-Fri' or 'Mon,Wed,Fri'")
    if isinstance(days, str):
        text = re.sub(r"\s*-\s*", "-", " ".join(days.lower().split()))
        if text in _DAY_GROUPS:
            return list(_DAY_GROUPS[text])
        items: Iterable[Any] = [p for p in re.split(r"[,;/\s]+", text) if p]
    elif isinstance(days, int):
        items = [days]
    else:
        items = list(days)
    result: set[int] = set()
    for item in items:
        result.update(_parse_day_item(item, days))
    if not result:
        raise InputError(f"no sending days in {days!r}: a schedule with no days never sends")
    return sorted(result)


def _parse_day_item(item: Any, original: Any) -> list[int]:
    if isinstance(item, bool):
        raise InputError(f"day {item!r} in {original!r} is not a day")
    if isinstance(item, int):
        if 0 <= item <= 6:
            return [item]
        raise InputError(f"day number {item} in {original!r} is out of range: use 0 (Sunday) to 6 (Saturday)")
    text = str(item).strip().lower()
    if text in _DAY_GROUPS:
        return list(_DAY_GROUPS[text])
    if "-" in text:
        first, _, last = (t.strip() for t in text.partition("-"))
        a, b = _day_number(first, original), _day_number(last, original)
        span = (b - a) % 7
        return [(a + k) % 7 for k in range(span + 1)]
    return [_day_number(text, original)]


def _day_number(text: str, original: Any) -> int:
    if text.isdigit():
        return _parse_day_item(int(text), original)[0]
    try:
        return _DAY_LOOKUP[text.rstrip(".")]
    except KeyError:
        raise InputError(
            f"unknown day {text!r} in {original!r}: use names like 'Mon', 'Tuesday', "
            f"ranges like 'Mon-Fri', or numbers 0 (Sunday) to 6"
        ) from None


_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_hour(value: Any, what: str = "time") -> str:
    """Turn ``"9:00"``, ``"9am"``, ``"17:30"`` or ``9`` into SmartLead's ``"HH:MM"``.

    >>> parse_hour("9am"), parse_hour("5:30 pm"), parse_hour(14)
    ('09:00', '17:30', '14:00')
    """
    if isinstance(value, bool):
        raise InputError(f"{what} {value!r} is not a time; use 'HH:MM' (24-hour) such as '09:00'")
    if isinstance(value, int):
        value = f"{value}:00"
    m = _TIME.match(str(value)) if value is not None else None
    if not m:
        raise InputError(f"{what} {value!r} is not a time; use 'HH:MM' (24-hour) such as '09:00'")
    hour, minute, ampm = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise InputError(f"{what} {value!r}: with am/pm the hour must be 1-12")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InputError(f"{what} {value!r} is not a valid time of day (00:00 to 23:59)")
    return f"{hour:02d}:{minute:02d}"


def _afternoon_hint(start: str, end: str) -> str:
    """``end="5"`` after a morning start almost always means 5 pm: say so."""
    hour, minute = int(end[:2]), end[3:]
    if hour < 12 and f"{hour + 12:02d}:{minute}" > start:
        shown = f"{hour}pm" if minute == "00" else f"{hour}:{minute}pm"
        return f". Hours are 24-hour: did you mean end={shown!r} ({hour + 12:02d}:{minute})?"
    return ""


@refuse_unknown_keywords
@dataclass
class Schedule:
    """When a campaign sends.

    Args:
        timezone: IANA name ("Europe/Berlin"); checked against the tz database.
        days: names, ranges or numbers ("Mon-Fri", "Mon,Wed,Fri", ["Tue", "Thu"], [1, 2]).
        start, end: time of day, "09:00" / "9am"; start must be before end.
        min_minutes_between_emails: pause between two sends from one mailbox.
        max_new_leads_per_day: how many leads get a first email per day.
        start_time: optional first moment sending may start (datetime or ISO string).
    """

    timezone: str
    days: Any = "Mon-Fri"
    start: Any = "09:00"
    end: Any = "17:00"
    min_minutes_between_emails: int = 10
    max_new_leads_per_day: int = 100
    start_time: Any = None
    _days: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.timezone = check_timezone(self.timezone)
        self._days = parse_days(self.days)
        self.start = parse_hour(self.start, "start")
        self.end = parse_hour(self.end, "end")
        if self.start >= self.end:
            raise InputError(
                f"start {self.start} is not before end {self.end}: a schedule whose window is "
                f"empty never sends (SmartLead rejects it too){_afternoon_hint(self.start, self.end)}"
            )
        self.min_minutes_between_emails = _whole(self.min_minutes_between_emails,
                                                 "min_minutes_between_emails", 0, 24 * 60)
        self.max_new_leads_per_day = _whole(self.max_new_leads_per_day,
                                            "max_new_leads_per_day", 1, 100_000)
        if self.start_time is not None:
            self.start_time = _iso(self.start_time)

    @property
    def day_numbers(self) -> list[int]:
        """SmartLead's day numbers, 0 = Sunday."""
        return list(self._days)

    @property
    def day_names(self) -> list[str]:
        return [DAY_NAMES[d] for d in self._days]

    def to_payload(self) -> dict[str, Any]:
        """The body for ``POST /campaigns/{id}/schedule``: the flat form with
        ``days_of_the_week`` and ``start_hour`` of SmartLead's older help-centre API
        documentation, which working clients send. (Its docs pages also show ``days`` /
        ``startHour`` and a body nested under ``"schedule"``:
        https://api.smartlead.ai/api-reference/campaigns/update-schedule.)"""
        return {
            "timezone": self.timezone,
            "days_of_the_week": self.day_numbers,
            "start_hour": self.start,
            "end_hour": self.end,
            "min_time_btw_emails": self.min_minutes_between_emails,
            "max_new_leads_per_day": self.max_new_leads_per_day,
            "schedule_start_time": self.start_time,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "Schedule":
        """Check a hand-written variant-A body by building a Schedule from it."""
        known = {"timezone", "days_of_the_week", "start_hour", "end_hour", "min_time_btw_emails",
                 "max_new_leads_per_day", "schedule_start_time"}
        unknown = sorted(set(payload) - known)
        if unknown:
            raise InputError(f"unknown schedule field(s) {unknown}; SmartLead accepts {sorted(known)}")
        missing = [k for k in ("timezone", "days_of_the_week", "start_hour", "end_hour") if k not in payload]
        if missing:
            raise InputError(f"schedule is missing {missing}")
        return cls(
            payload["timezone"], payload["days_of_the_week"], payload["start_hour"],
            payload["end_hour"], payload.get("min_time_btw_emails", 10),
            payload.get("max_new_leads_per_day", 100), payload.get("schedule_start_time"),
        )

    @classmethod
    def from_campaign(cls, campaign: Mapping[str, Any]) -> "Schedule | None":
        """Read the schedule back from a campaign object (``scheduler_cron_value``).

        SmartLead has shown this value both as an object and as a string holding a JS-like
        literal, so both are parsed.
        """
        raw = campaign.get("scheduler_cron_value")
        cron = parse_cron_value(raw)
        if not cron or not cron.get("tz"):
            return None
        return cls(
            cron["tz"], cron.get("days") or [], cron.get("startHour", "09:00"),
            cron.get("endHour", "17:00"),
            int(campaign.get("min_time_btwn_emails") or 10),
            int(campaign.get("max_leads_per_day") or 100),
            campaign.get("schedule_start_time"),
        )

    def __str__(self) -> str:
        return (f"{', '.join(d[:3] for d in self.day_names)} {self.start}-{self.end} "
                f"{self.timezone}; {self.max_new_leads_per_day} new leads/day, "
                f"{self.min_minutes_between_emails} min between emails")


def parse_cron_value(raw: Any) -> dict[str, Any] | None:
    """Parse ``scheduler_cron_value`` given as a dict, JSON text or a JS object literal."""
    if raw is None or isinstance(raw, dict):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    # JS literal: {tz: 'Europe/Berlin', days: [1,2], startHour: '09:00'} -> quote the keys.
    quoted = re.sub(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:", r"\1'\2':", text)
    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, dict) else None


def _whole(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
        if number != value and not (isinstance(value, str) and value.strip().isdigit()):
            raise ValueError
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise InputError(f"{name} must be between {low} and {high}, got {number}")
    return number


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    text = str(value)
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"start_time {value!r} is not an ISO 8601 datetime") from None
    return text
