"""Schedule and settings forms: day names, a timezone picker, hours; settings in plain words.

Each form only collects values; :class:`~smartlead_nb.Schedule` and
:class:`~smartlead_nb.CampaignSettings` check them, and their messages are shown as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable
from zoneinfo import available_timezones

import ipywidgets as w

from ..schedule import DAY_NAMES, Schedule
from ..settings import CampaignSettings
from ._common import error_message, message

# Monday first, as analysts read a week; the values are SmartLead's numbers (0 = Sunday).
WEEK = [1, 2, 3, 4, 5, 6, 0]
STOP_CHOICES = [("when they reply", "reply"), ("when they click a link", "click"),
                ("when they open an email", "open")]


@lru_cache(maxsize=1)
def timezones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


class ScheduleForm(w.VBox):
    """``.schedule`` is a :class:`~smartlead_nb.Schedule` (raises InputError for bad values)."""

    def __init__(self, on_change: Callable[[], Any] | None = None) -> None:
        self._on_change = on_change
        self._quiet = False
        self.days = {d: w.ToggleButton(value=d in (1, 2, 3, 4, 5), description=DAY_NAMES[d][:3],
                                       tooltip=DAY_NAMES[d], layout=w.Layout(width="56px"))
                     for d in WEEK}
        for d, button in self.days.items():
            button.add_class("sl-day").add_class(f"sl-day-{DAY_NAMES[d][:3].lower()}")
        self.timezone = w.Combobox(value="America/New_York", options=timezones(), ensure_option=False,
                                   placeholder="Timezone, e.g. America/New_York",
                                   description="Timezone").add_class("sl-timezone")
        self.start = w.Text(value="09:00", placeholder="from, e.g. 09:00", description="From",
                            layout=w.Layout(width="180px")).add_class("sl-hours-start")
        self.end = w.Text(value="17:00", placeholder="to, e.g. 17:00", description="To",
                          layout=w.Layout(width="180px")).add_class("sl-hours-end")
        self.gap = w.BoundedIntText(value=10, min=0, max=1440, description="Minutes between emails",
                                    style={"description_width": "initial"}).add_class("sl-gap")
        self.per_day = w.BoundedIntText(value=100, min=1, max=100_000, description="New leads per day",
                                        style={"description_width": "initial"}).add_class("sl-per-day")
        self.status = w.HTML().add_class("sl-schedule-status")
        for widget in [*self.days.values(), self.timezone, self.start, self.end, self.gap, self.per_day]:
            widget.observe(self._changed, "value")
        super().__init__([w.HBox(list(self.days.values())), self.timezone,
                          w.HBox([self.start, self.end]), self.gap, self.per_day, self.status])
        self.add_class("sl-schedule-form")
        self._changed()

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.timezone.value, days=[d for d, b in self.days.items() if b.value],
                        start=self.start.value, end=self.end.value,
                        min_minutes_between_emails=self.gap.value,
                        max_new_leads_per_day=self.per_day.value)

    @schedule.setter
    def schedule(self, value: Schedule | None) -> None:
        if value is None:
            return
        self._quiet = True
        try:
            for d, button in self.days.items():
                button.value = d in value.day_numbers
            self.timezone.value = value.timezone
            self.start.value, self.end.value = value.start, value.end
            self.gap.value = value.min_minutes_between_emails
            self.per_day.value = value.max_new_leads_per_day
        finally:
            self._quiet = False
        self._changed()

    def _changed(self, *_: Any) -> None:
        if self._quiet:
            return
        try:
            self.status.value = message(f"Sends {self.schedule}", "ok")
        except Exception as exc:
            self.status.value = error_message(exc)
        if self._on_change is not None:
            self._on_change()


class SettingsForm(w.VBox):
    """``.settings`` is a :class:`~smartlead_nb.CampaignSettings` built from plain choices."""

    def __init__(self, on_change: Callable[[], Any] | None = None) -> None:
        self._on_change = on_change
        self._quiet = False
        self.track_opens = w.Checkbox(value=True, description="Track when leads open emails",
                                      indent=False).add_class("sl-track-opens")
        self.track_clicks = w.Checkbox(value=True, description="Track link clicks",
                                       indent=False).add_class("sl-track-clicks")
        self.stop_on = w.Dropdown(options=STOP_CHOICES, value="reply",
                                  description="Stop a lead's emails", style={"description_width": "initial"}
                                  ).add_class("sl-stop-on")
        self.plain_text = w.Checkbox(value=False, description="Send as plain text (no HTML)",
                                     indent=False).add_class("sl-plain-text")
        self.follow_up_share = w.IntSlider(value=40, min=0, max=100, step=5,
                                           description="Share of daily sends for follow-ups (%)",
                                           style={"description_width": "initial"},
                                           layout=w.Layout(width="480px")).add_class("sl-follow-up-share")
        self.status = w.HTML().add_class("sl-settings-status")
        for widget in (self.track_opens, self.track_clicks, self.stop_on, self.plain_text,
                       self.follow_up_share):
            widget.observe(self._changed, "value")
        super().__init__([self.track_opens, self.track_clicks, self.stop_on, self.plain_text,
                          self.follow_up_share, self.status])
        self.add_class("sl-settings-form")

    @property
    def settings(self) -> CampaignSettings:
        return CampaignSettings(track_opens=self.track_opens.value, track_clicks=self.track_clicks.value,
                                stop_on=self.stop_on.value, plain_text=self.plain_text.value,
                                follow_up_share=self.follow_up_share.value)

    @settings.setter
    def settings(self, value: CampaignSettings | None) -> None:
        if value is None:
            return
        stop = {"REPLY_TO_AN_EMAIL": "reply", "CLICK_ON_A_LINK": "click", "OPEN_AN_EMAIL": "open"}
        self._quiet = True
        try:
            if value.track_opens is not None:
                self.track_opens.value = value.track_opens
            if value.track_clicks is not None:
                self.track_clicks.value = value.track_clicks
            if value.stop_on is not None:
                self.stop_on.value = stop.get(value.stop_on, "reply")
            if value.plain_text is not None:
                self.plain_text.value = value.plain_text
            if value.follow_up_share is not None:
                self.follow_up_share.value = value.follow_up_share
        finally:
            self._quiet = False
        self._changed()

    def _changed(self, *_: Any) -> None:
        if not self._quiet and self._on_change is not None:
            self._on_change()
