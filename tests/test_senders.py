"""The sender-health rule: which mailbox is fit to send from, and the words the form shows."""

import pytest

from smartlead_nb.senders import sender_health, sender_problems

CONNECTED = {"is_smtp_success": True, "is_imap_success": True}


@pytest.mark.parametrize("account, problems", [
    ({**CONNECTED, "warmup_details": {"status": "ACTIVE"}}, []),
    (CONNECTED, []),                                             # no warm-up at all is fine
    ({**CONNECTED, "warmup_details": None}, []),
    ({**CONNECTED, "warmup_details": {"status": "PAUSED"}}, ["warm-up is PAUSED"]),
    ({"is_smtp_success": True, "is_imap_success": False}, ["SMTP/IMAP not connected"]),
    ({"is_smtp_success": None, "is_imap_success": True}, ["SMTP/IMAP not connected"]),
    ({}, ["SMTP/IMAP not connected"]),                           # a record that says nothing
    ({"is_smtp_success": False, "is_imap_success": True,
      "warmup_details": {"status": "INACTIVE"}}, ["SMTP/IMAP not connected", "warm-up is INACTIVE"]),
])
def test_sender_problems(account, problems):
    assert sender_problems(account) == problems


def test_sender_health_agrees_with_the_problems_and_says_each_part():
    healthy, words = sender_health({**CONNECTED, "warmup_details": {"status": "ACTIVE"},
                                    "message_per_day": 40})
    assert (healthy, words) == (True, "SMTP ok · IMAP ok · warm-up active · 40 emails/day")
    healthy, words = sender_health({"is_smtp_success": True, "is_imap_success": False})
    assert (healthy, words) == (False, "SMTP ok · IMAP FAILING · warm-up none · ? emails/day")
