"""Schedule: friendly inputs in, SmartLead's variant-A body out; bad values refused early."""

import pytest

from smartlead_nb import InputError, Schedule
from smartlead_nb.schedule import check_timezone, parse_cron_value, parse_days, parse_hour


@pytest.mark.parametrize("days, expected", [
    ("Mon-Fri", [1, 2, 3, 4, 5]), ("mon - wed", [1, 2, 3]), ("Fri-Mon", [0, 1, 5, 6]),
    ("Mon,Wed,Fri", [1, 3, 5]), ("Tuesday Thursday", [2, 4]), (["Sat", "Sun"], [0, 6]),
    ("weekdays", [1, 2, 3, 4, 5]), ("every day", [0, 1, 2, 3, 4, 5, 6]), ([0, 6], [0, 6]),
    ("thurs", [4]), (3, [3]),
])
def test_days(days, expected):
    assert parse_days(days) == expected


@pytest.mark.parametrize("days, fragment", [
    ("Mon-Fry", "unknown day 'fry'"), ([7], "out of range"), ([], "no sending days"),
    ("", "no sending days"), ([True], "not a day"),
])
def test_bad_days_name_the_value(days, fragment):
    with pytest.raises(InputError, match=fragment):
        parse_days(days)


@pytest.mark.parametrize("value, expected", [
    ("9:00", "09:00"), ("09:30", "09:30"), ("9am", "09:00"), ("12am", "00:00"), ("12pm", "12:00"),
    ("5:45 PM", "17:45"), (17, "17:00"),
])
def test_hours(value, expected):
    assert parse_hour(value) == expected


@pytest.mark.parametrize("value", ["25:00", "9:75", "noon", "13pm", None, True])
def test_bad_hours(value):
    with pytest.raises(InputError):
        parse_hour(value, "start")


def test_schedule_payload_is_variant_a():
    s = Schedule("Europe/Berlin", days="Mon-Fri", start="8:30", end="5pm",
                 min_minutes_between_emails=12, max_new_leads_per_day=40)
    assert s.to_payload() == {
        "timezone": "Europe/Berlin", "days_of_the_week": [1, 2, 3, 4, 5], "start_hour": "08:30",
        "end_hour": "17:00", "min_time_btw_emails": 12, "max_new_leads_per_day": 40,
        "schedule_start_time": None}


def test_timezone_typo_suggests_the_right_name():
    with pytest.raises(InputError, match="America/New_York"):
        check_timezone("America/NewYork")
    with pytest.raises(InputError, match="Mars/Olympus"):
        Schedule("Mars/Olympus")


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(start="17:00", end="09:00"), "not before end"),
    (dict(start="09:00", end="09:00"), "not before end"),
    (dict(max_new_leads_per_day=0), "between 1 and"),
    (dict(min_minutes_between_emails=-1), "between 0 and"),
    (dict(max_new_leads_per_day=2.5), "whole number"),
    (dict(start_time="next tuesday"), "ISO 8601"),
])
def test_bad_schedules_refused(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        Schedule("UTC", **kwargs)


def test_from_payload_rejects_other_variants():
    with pytest.raises(InputError, match="unknown schedule field"):
        Schedule.from_payload({"timezone": "UTC", "days": [1], "startHour": "09:00", "endHour": "17:00"})


def test_cron_value_read_back_in_every_shape():
    obj = {"tz": "Europe/Berlin", "days": [1, 2], "startHour": "09:00", "endHour": "17:00"}
    assert parse_cron_value(obj) == obj
    assert parse_cron_value('{"tz": "Europe/Berlin", "days": [1, 2], "startHour": "09:00", "endHour": "17:00"}') == obj
    assert parse_cron_value("{tz: 'Europe/Berlin', days: [1,2], startHour: '09:00', endHour: '17:00'}") == obj
    assert parse_cron_value("garbage") is None
    back = Schedule.from_campaign({"scheduler_cron_value": obj, "min_time_btwn_emails": 7,
                                   "max_leads_per_day": 30})
    assert (back.timezone, back.day_numbers, back.start, back.min_minutes_between_emails,
            back.max_new_leads_per_day) == ("Europe/Berlin", [1, 2], "09:00", 7, 30)


def test_an_end_hour_in_the_morning_suggests_the_afternoon():
    """Issue 11: start="9", end="5" means 9 to 5: suggest "5pm" rather than only refusing."""
    with pytest.raises(InputError, match=r"did you mean end='5pm' \(17:00\)"):
        Schedule("UTC", start="9", end="5")
    with pytest.raises(InputError, match=r"did you mean end='5:30pm' \(17:30\)"):
        Schedule("UTC", start="9am", end="5:30")
    with pytest.raises(InputError) as err:          # an evening start: 9pm is still the likely meaning
        Schedule("UTC", start="18:00", end="9")
    assert "did you mean end='9pm'" in str(err.value)
    with pytest.raises(InputError, match=r"unknown setting 'begin'"):
        Schedule("UTC", begin="9am")
