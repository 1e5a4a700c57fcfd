"""widgets/accounts.py: the sender-account picker, each account's health in view, the choice
kept across reloads, and a failing account list shown in the form rather than raised."""

from __future__ import annotations

from smartlead_nb.widgets import CampaignBuilder
from smartlead_nb.widgets.accounts import AccountPicker


def test_accounts_show_their_health(builder):
    text = builder.accounts.list_box.children
    rows = {box.children[0].description.split(" ")[0]: box.children[1].value for box in text}
    assert "SMTP ok · IMAP ok · warm-up active · 40 emails/day" in rows["maya@demo-sender.example"]
    assert "warm-up inactive" in rows["lucas@demo-sender.example"]
    assert "SMTP FAILING" in rows["sofia@demo-sender.example"]
    assert "6 sender account(s)" in builder.accounts.status.value


def test_account_list_failure_is_shown_not_raised(client, sandbox):
    from smartlead_nb.sandbox.faults import Faults

    sandbox.faults = Faults(p500=1.0)
    builder = CampaignBuilder(client, namespace={})
    assert "SmartLead said:" in builder.accounts.status.value
    assert "HTTP 500" in builder.accounts.status.value
    sandbox.faults = None
    builder.accounts.reload_button.click()
    assert len(builder.accounts.list_box.children) == 6


def test_the_choice_is_ids_and_survives_a_reload(client):
    changes = []
    picker = AccountPicker(client, on_change=lambda: changes.append(1))
    changes.clear()
    picker.value = ["3002", 3001]
    assert picker.value == [3001, 3002] and changes == [1]          # one change, not one per box
    picker.reload()
    assert picker.value == [3001, 3002]
    picker._boxes[3001].value = False                                # a user unticks one
    assert picker.value == [3002] and len(changes) == 3


def test_ids_the_account_list_lacks_are_named(client):
    picker = AccountPicker(client)
    picker.value = [3001, 999]
    assert picker.value == [3001]
    assert "account(s) [999] from the plan are not in this account list" in picker.status.value
