"""widgets/schedule_form.py on its own: the schedule and settings forms collect values, show
what ``Schedule`` says about them, and fill from a ``Schedule`` / ``CampaignSettings``."""

from __future__ import annotations

import pytest

from smartlead_nb import CampaignSettings, InputError, Schedule
from smartlead_nb.widgets.schedule_form import ScheduleForm, SettingsForm, timezones


def test_a_new_schedule_form_is_mon_to_fri_nine_to_five_in_new_york():
    form = ScheduleForm()
    assert [button.description for button in form.days.values()] == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]                 # Monday first
    assert form.schedule.to_payload() == Schedule("America/New_York").to_payload()
    assert "sl-msg-ok" in form.status.value
    assert "Sends Mon, Tue, Wed, Thu, Fri 09:00-17:00 America/New_York" in form.status.value


def test_the_form_builds_the_schedule_it_shows():
    form = ScheduleForm()
    form.days[1].value = False                                         # Monday off
    form.days[6].value = True                                          # Saturday on
    form.timezone.value, form.start.value, form.end.value = "Asia/Tokyo", "8am", "18:30"
    form.gap.value, form.per_day.value = 25, 40
    schedule = form.schedule
    assert schedule.day_numbers == [2, 3, 4, 5, 6]
    assert (schedule.timezone, schedule.start, schedule.end) == ("Asia/Tokyo", "08:00", "18:30")
    assert (schedule.min_minutes_between_emails, schedule.max_new_leads_per_day) == (25, 40)
    assert "Tue, Wed, Thu, Fri, Sat 08:00-18:30 Asia/Tokyo" in form.status.value


def test_a_bad_value_is_shown_in_the_schedules_own_words_and_refused():
    form = ScheduleForm()
    form.start.value = "25:00"
    assert "sl-msg-error" in form.status.value and "25:00" in form.status.value
    assert "Traceback" not in form.status.value
    with pytest.raises(InputError, match="25:00"):
        form.schedule
    form.start.value = "09:00"
    assert "sl-msg-ok" in form.status.value


def test_setting_a_schedule_fills_every_field_and_reports_one_change():
    changes = []
    form = ScheduleForm(on_change=lambda: changes.append(1))
    changes.clear()
    form.schedule = Schedule("Europe/Berlin", days="Sat-Sun", start="10:00", end="14:00",
                             min_minutes_between_emails=5, max_new_leads_per_day=7)
    assert changes == [1]                                              # not one per field
    assert [d for d, button in form.days.items() if button.value] == [6, 0]
    assert (form.timezone.value, form.start.value, form.end.value) == ("Europe/Berlin", "10:00", "14:00")
    assert (form.gap.value, form.per_day.value) == (5, 7)
    form.schedule = None                                               # no schedule: form kept
    assert form.timezone.value == "Europe/Berlin" and changes == [1]


def test_each_edit_calls_on_change():
    changes = []
    form = ScheduleForm(on_change=lambda: changes.append(1))
    before = len(changes)
    form.end.value = "16:00"
    form.days[3].value = False
    assert len(changes) == before + 2


def test_the_timezone_choices_are_region_names_and_utc():
    zones = timezones()
    assert "UTC" in zones and "Europe/Berlin" in zones and "America/New_York" in zones
    assert "EST" not in zones and zones == sorted(zones)               # no bare abbreviations


def test_a_new_settings_form_tracks_everything_and_stops_on_reply():
    form = SettingsForm()
    assert form.settings == CampaignSettings(track_opens=True, track_clicks=True, stop_on="reply",
                                             plain_text=False, follow_up_share=40)


def test_the_settings_form_builds_settings_in_smartleads_words():
    changes = []
    form = SettingsForm(on_change=lambda: changes.append(1))
    form.track_opens.value = False
    form.stop_on.value = "open"
    form.follow_up_share.value = 20
    assert len(changes) == 3
    settings = form.settings
    assert settings.stop_on == "OPEN_AN_EMAIL"
    assert settings.to_payload()["track_settings"] == ["DONT_TRACK_EMAIL_OPEN"]
    assert settings.follow_up_share == 20


def test_setting_settings_fills_only_what_they_set_and_reports_one_change():
    changes = []
    form = SettingsForm(on_change=lambda: changes.append(1))
    form.settings = CampaignSettings(track_clicks=False, stop_on="click", plain_text=True)
    assert changes == [1]
    assert form.track_clicks.value is False and form.stop_on.value == "click"
    assert form.plain_text.value is True
    assert form.track_opens.value is True and form.follow_up_share.value == 40   # left alone
    form.settings = None
    assert changes == [1]
