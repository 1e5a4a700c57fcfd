"""client.email_accounts.warmup (resources/warmup.py): warm-up settings checked against SmartLead's
ranges and read back."""

import pytest

from smartlead_nb import InputError

from ..helpers import sent


@pytest.mark.parametrize("field, value, fragment", [
    ("total_warmup_per_day", 51, "total_warmup_per_day is 51: SmartLead allows 1-50"),
    ("total_warmup_per_day", 0, "allows 1-50"),
    ("daily_rampup", 2, "daily_rampup is 2: SmartLead allows 5-20"),
    ("reply_rate_percentage", 10, "reply_rate_percentage is 10: SmartLead allows 20-100"),
    ("reply_rate_percentage", "abc", "allows 20-100"),
])
def test_warmup_out_of_range_is_refused_naming_the_range(client, sandbox, field, value, fragment):
    with pytest.raises(InputError, match=fragment):
        client.email_accounts.warmup.update(3001, warmup_enabled=True, **{field: value})
    assert sent(sandbox) == []


def test_warmup_settings_are_sent_and_reflected(client, sandbox):
    aid = client.email_accounts.list()[0]["id"]
    client.email_accounts.warmup.update(aid, warmup_enabled=False, total_warmup_per_day=12,
                                        reply_rate_percentage=40)
    assert sent(sandbox, "POST", "/warmup")[-1]["json"] == \
        {"warmup_enabled": False, "total_warmup_per_day": 12, "reply_rate_percentage": 40}
    details = client.email_accounts.get(aid)["warmup_details"]
    assert (details["status"], details["max_email_per_day"], details["reply_rate"]) == \
        ("INACTIVE", 12, 40)
