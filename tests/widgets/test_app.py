"""The campaign app page: plain words about where it sends, one title, the form."""

from __future__ import annotations

from smartlead_nb import SmartleadClient
from smartlead_nb.widgets import CampaignBuilder, campaign_app


def _texts(widget) -> str:
    found = [getattr(widget, "value", "") if type(widget).__name__ == "HTML" else ""]
    for child in getattr(widget, "children", ()):
        found.append(_texts(child))
    return "\n".join(t for t in found if isinstance(t, str))


def test_practice_mode_is_said_in_plain_words(sandbox, tmp_path):
    client = SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=None,
                             mode="sandbox")
    page = campaign_app(client, state=tmp_path / "s.json", journal=False, namespace={})
    text = _texts(page)
    assert "Practice mode" in text and "no email is sent" in text
    assert "smartlead_nb:" not in text and sandbox.base_url not in text   # no log line
    assert isinstance(page.builder, CampaignBuilder)
    assert text.count("<h2>") + text.count("<h3>") == 1                  # one title


def test_a_live_client_is_said_to_send_real_email(client, tmp_path):
    page = campaign_app(client, state=tmp_path / "s.json", journal=False, namespace={})
    text = _texts(page)
    assert "Connected to your SmartLead account" in text and "Practice mode" not in text


def test_the_builder_keeps_its_title_in_a_notebook(client, tmp_path):
    builder = CampaignBuilder(client, state=tmp_path / "s.json", journal=False, namespace={})
    assert "<h3>Campaign builder</h3>" in _texts(builder)
