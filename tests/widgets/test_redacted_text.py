"""The forms show only redacted text: a key typed into the key form, or echoed by whatever
failed (vcrpy in replay mode, a client factory, the server), never reaches the page or the
widget state, in any spelling."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pandas as pd
import pytest

from smartlead_nb import SmartleadClient
from smartlead_nb._redact import register_secret
from smartlead_nb.replay import find_leaks, make_vcr
from smartlead_nb.widgets import CampaignBuilder
from smartlead_nb.widgets._common import error_message, message, table
from tests.helpers import REPO
from tests.helpers.widgets import all_widget_states

KEY = "sk-typed+Key/0a1b2c3d4e5f"
CASSETTE = REPO / "tests" / "cassettes" / "01_quickstart.yaml"


def spelled(key: str) -> list[str]:
    """The ways a library could quote ``key`` in a message."""
    return [key, quote(key, safe=""), quote_plus(key), json.dumps(key)[1:-1], key.upper(),
            base64.b64encode(key.encode()).decode(), f"api_key={quote_plus(key)}"]


def shown(builder) -> str:
    """Everything the form puts on the page or saves with the notebook."""
    return builder.key_form.status.value + builder.key_form.where.value + repr(all_widget_states())


def typed(builder, key: str) -> None:
    builder.key_form.key.value = key
    builder.key_form.button.click()


def test_replay_mode_failure_shows_vcrpys_words_without_the_key(client):
    """The issue's case: in replay mode, a typed key's request is not in the cassette, and
    vcrpy's message quotes the request's URL."""
    builder = CampaignBuilder(client, namespace={}, make_client=lambda key: SmartleadClient(
        key, base_url="http://127.0.0.1:18799/api/v1", rate_limit=None))
    with make_vcr("none").use_cassette(str(CASSETTE), allow_playback_repeats=False):
        typed(builder, f"  {KEY}  ")
    status = builder.key_form.status.value
    assert "CannotOverwriteExistingCassetteException" in status and "REDACTED" in status
    assert find_leaks(shown(builder), (KEY,)) == []
    assert builder.client is client           # the failed key did not replace the client


@pytest.mark.parametrize("spelling", range(len(spelled(KEY))))
def test_a_factory_that_echoes_the_key_in_any_spelling_shows_none(client, spelling):
    def echoing(key):
        text = spelled(key.reveal())[spelling]
        raise RuntimeError(f"could not reach SmartLead with {text}", {"key": key.reveal()})

    builder = CampaignBuilder(client, namespace={}, make_client=echoing)
    typed(builder, KEY)
    assert "RuntimeError: ('could not reach SmartLead with" in builder.key_form.status.value
    assert find_leaks(shown(builder), (KEY,)) == []


def test_a_server_that_echoes_the_key_shows_none(client, scripted):
    """A 401 whose body quotes the key that was sent."""
    server, _ = scripted({"status": 401, "json": {"error": f"Invalid API key {KEY}",
                                                  "apiKey": KEY}})
    builder = CampaignBuilder(client, namespace={}, make_client=lambda key: SmartleadClient(
        key, base_url=server.base_url, rate_limit=None))
    typed(builder, KEY)
    assert "HTTP 401" in builder.key_form.status.value
    assert find_leaks(shown(builder), (KEY,)) == []


def test_message_table_and_error_lines_redact_every_text():
    register_secret(KEY)
    for text in spelled(KEY):
        assert find_leaks(message(f"state: {text}"), (KEY,)) == []
    frame = pd.DataFrame({"name": ["Acme"], "note": [f"key {KEY}"], "url": [f"/x?api_key={KEY}"]})
    html = table(frame)
    assert "Acme" in html and find_leaks(html, (KEY,)) == []
    error = RuntimeError("outer")
    error.add_note(f"while using {quote(KEY, safe='')}")
    error.__cause__ = ValueError(KEY)
    assert find_leaks(error_message(error), (KEY,)) == []
    assert find_leaks(repr(error.__cause__), (KEY,)) == []   # the error itself was redacted
