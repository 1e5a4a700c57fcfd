"""The sandbox's query and body checks (sandbox/validate.py, sandbox/where.py), on their own
and through the list endpoints whose filters they read."""
from __future__ import annotations

import pytest

from smartlead_nb.sandbox.errors import Invalid
from smartlead_nb.sandbox.routing import error_answer
from smartlead_nb.sandbox.validate import json_body, query_choice, query_time
from smartlead_nb.sandbox.where import Where


class _Req:
    def __init__(self, body):
        self.body = body


# --- the helpers ------------------------------------------------------------------------
def test_query_choice_names_every_allowed_value_in_a_422():
    assert query_choice({"s": "B"}, "s", ("A", "B")) == "B"
    assert query_choice({"s": ""}, "s", ("A", "B")) is None
    assert query_choice({"s": " b "}, "s", ("A", "B"), upper=True) == "B"
    with pytest.raises(Invalid) as info:
        query_choice({"s": "b"}, "s", ("A", "B"))       # case counts unless upper=True
    with pytest.raises(Invalid):
        query_choice({"s": " B"}, "s", ("A", "B"))      # and so does white space
    assert error_answer(info.value) == (422, {"error": "Invalid parameters provided",
                                              "details": '"s" must be one of [A, B]'})


def test_query_time_reads_dates_and_times_as_utc_text():
    assert query_time({"t": "2025-06-03"}, "t") == "2025-06-03T00:00:00.000Z"
    assert query_time({"t": "2025-06-03T10:30:00+02:00"}, "t") == "2025-06-03T08:30:00.000Z"
    assert query_time({}, "t") is None and query_time({"t": ""}, "t") is None
    with pytest.raises(Invalid) as info:
        query_time({"t": "yesterday"}, "t")
    status, body = error_answer(info.value)
    assert (status, body["details"]) == (422, '"t" must be a valid date')


def test_json_body_refuses_the_first_unknown_key_and_non_objects():
    assert json_body(_Req(None), ("a",)) == {}
    assert json_body(_Req({"a": 1}), ("a",)) == {"a": 1}
    with pytest.raises(Invalid) as info:
        json_body(_Req({"a": 1, "b": 2, "c": 3}), ("a",))
    assert error_answer(info.value) == (400, {"error": '"b" is not allowed'})
    with pytest.raises(Invalid) as info:
        json_body(_Req([1, 2]), ("a",))
    assert info.value.message == '"value" must be of type object'


def test_where_leaves_out_the_filters_not_asked_for():
    where = Where("x = :x", x=1)
    where.add("y = :y", y=None)
    where.add(None)
    where.add("z > :z", z=0)          # 0 is a value, not an absent filter
    where.add("w IS NULL")
    assert where.sql == "x = :x AND z > :z AND w IS NULL"
    assert where.args == {"x": 1, "z": 0}


# --- through the endpoints --------------------------------------------------------------
@pytest.fixture
def sent(sandbox, api):
    """A campaign of 6 leads that sent on Monday 2 June, and 2 leads added on the 4th."""
    cid = api.ready_campaign(n_leads=6, delays=(0, 5), accounts=1)
    sandbox.advance(days=2)
    api.add_leads(cid, [{"email": f"late{i}@example.com"} for i in range(2)])
    return cid


def _emails(api, cid, **params):
    r = api.get(f"/campaigns/{cid}/leads", params=params)
    assert r.status_code == 200, r.text
    return sorted(row["lead"]["email"] for row in r.json()["data"])


def test_campaign_leads_filter_by_added_and_last_sent_time(api, sent):
    assert len(_emails(api, sent)) == 8
    assert _emails(api, sent, created_at_gt="2025-06-03") == ["late0@example.com",
                                                               "late1@example.com"]
    contacted = _emails(api, sent, last_sent_time_gt="2025-06-01")
    assert len(contacted) == 6 and not any(e.startswith("late") for e in contacted)
    assert _emails(api, sent, last_sent_time_gt="2025-06-03") == []
    replied = _emails(api, sent, emailStatus="is_replied")
    not_replied = _emails(api, sent, emailStatus="not_replied")
    assert sorted(replied + not_replied) == _emails(api, sent) and not set(replied) & set(
        not_replied)
    assert _emails(api, sent, emailStatus="is_spam") == []       # never simulated
    for params in ({"created_at_gt": "soon"}, {"last_sent_time_gt": "2025-13-45"}):
        r = api.get(f"/campaigns/{sent}/leads", params=params)
        assert r.status_code == 422, params
        assert r.json()["details"] == f'"{next(iter(params))}" must be a valid date'


def test_statistics_rows_keep_their_names_and_types(api, sent):
    rows = api.get(f"/campaigns/{sent}/statistics", params={"limit": 100}).json()["data"]
    assert len(rows) == 6
    row = rows[0]
    assert list(row) == ["lead_name", "lead_email", "lead_category", "sequence_number",
                         "email_campaign_seq_id", "seq_variant_id", "email_subject",
                         "email_message", "sent_time", "open_time", "click_time",
                         "reply_time", "open_count", "click_count", "is_unsubscribed",
                         "is_bounced"]
    assert row["lead_name"].startswith("Lead") and row["sequence_number"] == 1
    assert isinstance(row["is_unsubscribed"], bool) and isinstance(row["is_bounced"], bool)


def test_global_leads_filter_by_creation_day(api, sent):
    def emails(**params):
        r = api.get("/leads/global-leads", params=params)
        assert r.status_code == 200, r.text
        return sorted(lead["email"] for lead in r.json()["data"])

    assert emails(created_at_gt="2025-06-03") == ["late0@example.com", "late1@example.com"]
    r = api.get("/leads/global-leads", params={"created_at_gt": "June"})
    assert r.status_code == 422
    assert r.json()["details"] == '"created_at_gt" must be a date (YYYY-MM-DD)'
