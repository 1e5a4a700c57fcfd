"""Campaign list answers -> one typed row per campaign, the schedule flattened."""

import pandas as pd

from smartlead_nb.frames.campaigns import campaigns_frame


def test_campaigns_frame_types_and_schedule_columns():
    frame = campaigns_frame([
        {"id": "12", "name": "B", "status": "ACTIVE", "created_at": "2025-06-02T09:15:00.000Z",
         "scheduler_cron_value": "{tz: 'Europe/Berlin', days: [1,2], startHour: '09:00', endHour: '17:00'}",
         "max_leads_per_day": "50"},
        {"id": 11, "name": "A", "status": "DRAFTED", "created_at": "2025-06-01T08:00:00Z",
         "scheduler_cron_value": None, "max_leads_per_day": None},
    ])
    assert list(frame.columns[:3]) == ["id", "name", "status"]
    assert frame["id"].tolist() == [12, 11] and str(frame["id"].dtype) == "Int64"
    assert frame["created_at"].iloc[0] == pd.Timestamp("2025-06-02 09:15", tz="UTC")
    assert frame["schedule_timezone"].tolist()[0] == "Europe/Berlin"
    assert frame["max_leads_per_day"].tolist() == [50, pd.NA] or frame["max_leads_per_day"].isna().iloc[1]


def test_tags_become_their_names():
    frame = campaigns_frame([{"id": 1, "tags": [{"tag_name": "EU"}, {"name": "Q3"}, "junk"]}])
    assert frame.loc[0, "tags"] == ["EU", "Q3"]


def test_an_empty_answer_keeps_the_leading_columns():
    assert list(campaigns_frame([]).columns[:3]) == ["id", "name", "status"]
