"""Sandbox fidelity (issue 14): what real third-party clients, written from SmartLead's docs,
send and read: newer settings, account filters, one rate-limit window, the nested schedule."""
import time

import pytest
import requests

from smartlead_nb.sandbox import RateLimits, Sandbox
from smartlead_nb.sandbox.ratelimit import RateLimiter
from tests.helpers.sandbox import FakeClock

NEWER = {
    "auto_pause_domain_leads_on_reply": True,
    "ignore_ss_mailbox_sending_limit": True,
    "bounce_autopause_threshold": "10",
    "domain_level_rate_limit": True,
    "out_of_office_detection_settings": {"ignoreOOOasReply": False, "autoCategorizeOOO": True,
                                         "autoReactivateOOO": True, "reactivateOOOwithDelay": 7},
    "ai_categorisation_options": [1, 2],
}


def test_newer_settings_are_accepted_and_read_back(api):
    cid = api.create()
    before = api.get(f"/campaigns/{cid}").json()
    assert before["auto_pause_domain_leads_on_reply"] is False
    assert before["bounce_autopause_threshold"] is None
    r = api.post(f"/campaigns/{cid}/settings", json={"send_as_plain_text": True, **NEWER})
    assert r.status_code == 200, r.text
    after = api.get(f"/campaigns/{cid}").json()
    assert {k: after[k] for k in NEWER} == NEWER
    assert after["send_as_plain_text"] is True
    # A later partial update keeps what it does not name.
    api.post(f"/campaigns/{cid}/settings", json={"domain_level_rate_limit": False})
    again = api.get(f"/campaigns/{cid}").json()
    assert again["domain_level_rate_limit"] is False
    assert again["auto_pause_domain_leads_on_reply"] is True


@pytest.mark.parametrize("body, fragment", [
    ({"auto_pause_domain_leads_on_reply": "yes"}, "must be a boolean"),
    ({"bounce_autopause_threshold": "ten"}, '"bounce_autopause_threshold" must be a whole number'),
    ({"out_of_office_detection_settings": []}, "must be of type object"),
    ({"out_of_office_detection_settings": {"reactivateOOOwithDelay": "7d"}}, "must be a number"),
    ({"ai_categorisation_options": "Interested"}, '"ai_categorisation_options" must be an array'),
])
def test_newer_settings_are_checked(api, body, fragment):
    cid = api.create()
    r = api.post(f"/campaigns/{cid}/settings", json=body)
    assert r.status_code == 400 and fragment in r.json()["error"]


def test_account_list_applies_its_documented_filters(api):
    everything = api.get("/email-accounts/").json()
    cid = api.create()
    used = api.healthy_account_ids()[0]
    api.post(f"/campaigns/{cid}/email-accounts", json={"email_account_ids": [used]})

    def ids(**params):
        return [a["id"] for a in api.get("/email-accounts/", params=params).json()]

    assert ids(isSmtpSuccess="false") == [a["id"] for a in everything
                                          if not a["is_smtp_success"]]
    assert ids(emailWarmupStatus="INACTIVE") == [a["id"] for a in everything
                                                 if a["warmup_details"]["status"] == "INACTIVE"]
    assert ids(isInUse="true") == [used]
    assert ids(esp="GMAIL") == [a["id"] for a in everything if a["type"] == "GMAIL"]
    assert ids(username="PRIYA") == [a["id"] for a in everything if "priya" in a["username"]]
    assert ids(client_id=77) == []
    # Paging counts matching accounts.
    assert ids(isSmtpSuccess="true", offset=1, limit=2) == ids(isSmtpSuccess="true")[1:3]
    for bad in ({"isSmtpSuccess": "maybe"}, {"esp": "AOL"}, {"emailWarmupStatus": "ON"}):
        assert api.get("/email-accounts/", params=bad).status_code == 422


def test_nested_schedule_body_is_accepted(api):
    cid = api.create()
    r = api.post(f"/campaigns/{cid}/schedule", json={"schedule": {
        "timezone": "Europe/Berlin", "days": [1, 2, 3], "start_hour": "08:00",
        "end_hour": "16:00", "min_time_btw_emails": 12}})
    assert r.status_code == 200, r.text
    campaign = api.get(f"/campaigns/{cid}").json()
    assert campaign["scheduler_cron_value"] == {"tz": "Europe/Berlin", "days": [1, 2, 3],
                                                "startHour": "08:00", "endHour": "16:00"}
    assert campaign["min_time_btwn_emails"] == 12
    mixed = api.post(f"/campaigns/{cid}/schedule",
                     json={"schedule": {"timezone": "UTC"}, "start_hour": "09:00"})
    assert mixed.status_code == 400 and "beside" in mixed.json()["error"]
    bad = api.post(f"/campaigns/{cid}/schedule", json={"schedule": {"tz": "UTC"}})
    assert bad.status_code == 400 and bad.json() == {"error": '"schedule.tz" is not allowed'}


def test_rate_headers_describe_the_window_that_binds():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(10, 60, 1000), clock)
    first = limiter.check("k")
    # The burst window binds: 9 of 10 left, freeing within a second.
    assert (first.limit, first.remaining) == (10, 9)
    assert first.reset <= int(time.time()) + 2
    for second in range(6):          # 9 more in each of 6 seconds: the minute window fills
        clock.t += 1.01
        for _ in range(9):
            limiter.check("k")
    clock.t += 1.01
    last = limiter.check("k")
    # 56 in the minute (4 left) binds tighter than 1 in this second (9 left).
    assert last.allowed and (last.limit, last.remaining) == (60, 4)
    # ...and Reset is then the minute window's: the first request leaves it ~54 s from now.
    assert last.reset >= int(time.time()) + 50


def test_rate_headers_over_http_agree_with_each_other(tmp_path):
    limits = RateLimits(10, 60, 1000, time_scale=0.5)
    with Sandbox(db_path=tmp_path / "r.sqlite3", rate_limits=limits) as sb:
        r = requests.get(sb.base_url + "/campaigns", params={"api_key": sb.api_key}, timeout=5)
        assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"]) == ("10", "9")
        assert float(r.headers["X-RateLimit-Reset"]) <= time.time() + 0.6
