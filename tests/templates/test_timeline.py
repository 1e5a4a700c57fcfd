"""templates/timeline.py: ``send_timeline`` lays out which day and local time each step goes out.

Every expected value below was worked out by hand from a calendar (June 2025: the 5th is a
Thursday; Europe's clocks go back on Sunday 26 October 2025).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from smartlead_nb import InputError, Schedule
from smartlead_nb.templates import send_timeline

from ..helpers.templates import LEADS
from ..helpers.templates import steps_with_delays as _steps


NY = Schedule("America/New_York", days="Mon-Fri", start="09:00", end="17:00")


def _local(frame):
    return [(str(d), w, t) for d, w, t in zip(frame["send_date"], frame["weekday"], frame["local_time"])]


def test_timeline_across_a_weekend_in_new_york():
    # 20:45 UTC on Thursday 5 June 2025 is 16:45 in New York (EDT, UTC-4).
    t = send_timeline(_steps(0, 1, 2, 3), NY, start=datetime(2025, 6, 5, 20, 45, tzinfo=timezone.utc))
    assert _local(t) == [("2025-06-05", "Thursday", "16:45"),  # inside the window
                         ("2025-06-06", "Friday", "16:45"),
                         ("2025-06-09", "Monday", "09:00"),    # due Sunday 16:45
                         ("2025-06-12", "Thursday", "09:00")]  # Monday 09:00 + 3 days
    assert t["days_after_start"].tolist() == [0, 1, 4, 7]
    assert t["moved"].tolist() == [False, False, True, False]
    assert "Sunday" in t["note"][2]
    assert t["send_time"][2] == pd.Timestamp("2025-06-09 13:00", tz="UTC")
    assert t["seq_number"].tolist() == [1, 2, 3, 4] and t["delay_in_days"].tolist() == [0, 1, 2, 3]


def test_timeline_past_the_end_of_the_window_moves_to_next_sending_day():
    # Naive start = New York wall-clock time: Thursday 17:30 is after the 09:00-17:00 window.
    t = send_timeline(_steps(0, 1), NY, start=datetime(2025, 6, 5, 17, 30))
    assert _local(t) == [("2025-06-06", "Friday", "09:00"), ("2025-06-09", "Monday", "09:00")]
    assert "after" in t["note"][0]
    # Friday 18:00: past the window and into the weekend.
    t = send_timeline(_steps(0), NY, start=datetime(2025, 6, 6, 18, 0))
    assert _local(t) == [("2025-06-09", "Monday", "09:00")]
    assert t["days_after_start"].tolist() == [3]
    # Wednesday 07:15 plus a day is Thursday 07:15: it waits for the window to open.
    t = send_timeline(_steps(1), NY, start=datetime(2025, 6, 4, 7, 15))
    assert _local(t) == [("2025-06-05", "Thursday", "09:00")]


def test_timeline_in_tokyo_where_the_utc_date_differs():
    tokyo = Schedule("Asia/Tokyo", days="Mon-Fri", start="09:00", end="18:00",
                     start_time="2025-06-06T10:00:00Z")  # Friday 19:00 in Tokyo
    t = send_timeline(_steps(0, 1), tokyo)  # start defaults to the schedule's start_time
    assert _local(t) == [("2025-06-09", "Monday", "09:00"), ("2025-06-10", "Tuesday", "09:00")]
    assert t["send_time"][0] == pd.Timestamp("2025-06-09 00:00", tz="UTC")
    assert t["send_date"][0] == date(2025, 6, 9)
    assert t.equals(send_timeline(_steps(0, 1), tokyo, start="2025-06-06T10:00:00Z"))


def test_timeline_keeps_wall_clock_time_across_the_dst_change():
    berlin = Schedule("Europe/Berlin", days="Mon-Fri", start="08:00", end="18:00")
    t = send_timeline(_steps(0, 3), berlin, start=datetime(2025, 10, 24, 10, 0))
    assert _local(t) == [("2025-10-24", "Friday", "10:00"), ("2025-10-27", "Monday", "10:00")]
    assert t["send_time"][0] == pd.Timestamp("2025-10-24 08:00", tz="UTC")  # CEST, UTC+2
    assert t["send_time"][1] == pd.Timestamp("2025-10-27 09:00", tz="UTC")  # CET, UTC+1


def test_timeline_spreads_leads_over_days_by_the_daily_cap():
    capped = Schedule("America/New_York", days="Mon-Fri", start="09:00", end="17:00",
                      max_new_leads_per_day=2)
    t = send_timeline(_steps(0, 3), capped, start=datetime(2025, 6, 5, 10, 0), leads=LEADS)
    assert t["lead"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert t["email"].tolist()[::2] == [lead["email"] for lead in LEADS]
    got = [(lead, seq, d, time) for lead, seq, (d, _, time)
           in zip(t["lead"], t["seq_number"], _local(t))]
    assert got == [
        (0, 1, "2025-06-05", "10:00"), (0, 2, "2025-06-09", "09:00"),  # Sunday -> Monday
        (1, 1, "2025-06-05", "10:00"), (1, 2, "2025-06-09", "09:00"),
        (2, 1, "2025-06-06", "09:00"), (2, 2, "2025-06-09", "09:00"),  # Friday + 3 = Monday
        (3, 1, "2025-06-06", "09:00"), (3, 2, "2025-06-09", "09:00"),
        (4, 1, "2025-06-09", "09:00"), (4, 2, "2025-06-12", "09:00"),  # third sending day
    ]
    assert "sending day 3" in t["note"][8]


def test_timeline_leads_as_a_count_or_a_frame():
    capped = Schedule("America/New_York", days="Mon-Fri", max_new_leads_per_day=3)
    t = send_timeline(_steps(0), capped, start=datetime(2025, 6, 6, 9, 30), leads=7)
    assert [str(d) for d in t["send_date"]] == ["2025-06-06"] * 3 + ["2025-06-09"] * 3 + ["2025-06-10"]
    frame = pd.DataFrame({"email": ["a@x.io", "b@x.io"]}, index=["row 7", "row 9"])
    t = send_timeline(_steps(0, 1), capped, start=datetime(2025, 6, 6, 9, 30), leads=frame)
    assert t["lead"].tolist() == ["row 7", "row 7", "row 9", "row 9"]
    assert t["email"].tolist() == ["a@x.io", "a@x.io", "b@x.io", "b@x.io"]


def test_timeline_accepts_a_schedule_payload_and_sorts_steps():
    payload = NY.to_payload()
    steps = list(reversed(_steps(0, 1)))
    t = send_timeline(steps, payload, start=datetime(2025, 6, 5, 10, 0))
    assert t["seq_number"].tolist() == [1, 2]
    assert _local(t) == [("2025-06-05", "Thursday", "10:00"), ("2025-06-06", "Friday", "10:00")]


@pytest.mark.parametrize("delays, fragment", [
    ((0, -1), r"step 2: delay_in_days is -1"),
    ((0, 2, "soon"), r"step 3: delay_in_days must be a whole number.*'soon'"),
    ((0, 2.5), r"step 2: delay_in_days must be a whole number"),
    ((0, 200, 200), r"step 3: the delays add up to 400 days"),
    ((366,), r"step 1: the delays add up to 366 days"),
])
def test_bad_delays_raise_naming_the_step(delays, fragment):
    with pytest.raises(InputError, match=fragment):
        send_timeline(_steps(*delays), NY, start=datetime(2025, 6, 5, 10, 0))


def test_bad_delay_in_a_sequences_frame_names_the_step():
    frame = pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, -3],
                          "subject": ["Hi", ""], "email_body": ["a", "b"]})
    with pytest.raises(InputError, match="step 2"):
        send_timeline(frame, NY, start=datetime(2025, 6, 5, 10, 0))
