"""A key typed into the form is used, then gone: not in widget state, never displayed."""

from __future__ import annotations

from smartlead_nb import SmartleadClient
from smartlead_nb.widgets import CampaignBuilder
from tests.helpers.widgets import all_widget_states


def make_builder(client, sandbox):
    return CampaignBuilder(client, namespace={}, make_client=lambda key: SmartleadClient(
        key, base_url=sandbox.base_url, rate_limit=None))


def test_key_is_cleared_and_never_in_widget_state(client, sandbox):
    builder = make_builder(client, sandbox)
    form = builder.key_form
    form.key.value = sandbox.api_key
    form.button.click()
    assert form.key.value == ""
    assert "Key accepted" in form.status.value
    assert builder.client is not client and len(builder.accounts.list_box.children) == 6
    states = repr(all_widget_states())
    assert sandbox.api_key not in states


def test_wrong_key_is_refused_in_plain_words(client, sandbox):
    builder = make_builder(client, sandbox)
    form = builder.key_form
    form.key.value = "wrong-key-12345"
    form.button.click()
    assert form.key.value == ""
    assert "sl-msg-error" in form.status.value and "HTTP 401" in form.status.value
    assert "wrong-key-12345" not in repr(all_widget_states())
    assert builder.client is client


def test_empty_key(client, sandbox):
    builder = make_builder(client, sandbox)
    builder.key_form.button.click()
    assert "Type your SmartLead API key first" in builder.key_form.status.value


def test_sandbox_connection_is_announced(client, sandbox):
    from smartlead_nb.widgets.connection import describe

    assert "Using SmartLead at" in describe(client)
    assert "local sandbox" in describe(SmartleadClient(sandbox.api_key, base_url=sandbox.base_url,
                                                       rate_limit=None, mode="sandbox"))
