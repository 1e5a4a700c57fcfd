"""The key never appears in text the toolkit produces, including urllib3's DEBUG lines."""

import base64
import html
import json
import logging
import warnings
from urllib.parse import quote, quote_plus

import pytest

from smartlead_nb._redact import (RedactingFilter, redact, register_keys_in, register_secret,
                                  register_secrets)


def test_query_parameter_forms_are_redacted():
    assert redact("/x?api_key=abc&b=1") == "/x?api_key=REDACTED&b=1"
    assert redact("/x?b=1&API_KEY=abc") == "/x?b=1&API_KEY=REDACTED"
    assert redact("url=/x%3Fapi_key%3Dabc") == "url=/x%3Fapi_key%3DREDACTED"
    assert redact("{'api_key': 'abc'}") == "{'api_key': 'REDACTED'}"


def test_registered_key_is_redacted_in_any_context():
    register_secret("canary-0f9e8d7c")
    assert redact("token canary-0f9e8d7c in a sentence") == "token REDACTED in a sentence"


def test_filter_rewrites_records_with_args_and_exceptions():
    register_secret("canary-logs-5544")
    record = logging.LogRecord("urllib3.connectionpool", logging.DEBUG, __file__, 1,
                               '%s://%s:%s "%s %s %s" %s %s',
                               ("https", "h", 443, "GET", "/v1/c?api_key=canary-logs-5544", "HTTP/1.1", 200, 10),
                               None)
    assert RedactingFilter().filter(record)
    assert "canary-logs-5544" not in record.getMessage()
    assert "api_key=REDACTED" in record.getMessage()
    try:
        raise RuntimeError("failed for canary-logs-5544")
    except RuntimeError:
        import sys
        record = logging.LogRecord("smartlead_nb", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactingFilter().filter(record)
    assert "canary-logs-5544" not in (record.exc_text or "")
    assert "RuntimeError" in record.exc_text


# -- key fields: keys never registered, in every spelling a body, a URL or a repr gives them --
@pytest.mark.parametrize("text", [
    '{"apiKey":"k3y-in-compact-json"}',
    '{"api_key" : "k3y-with-spaces"}',
    '{"x":{"API_KEY":"k3y-upper"}}',
    "apikey=k3y-form&x=1",
    "api-key=k3y-dashed",
    "x-api-key=k3y-header-style",
    "SMARTLEAD_API_KEY=k3y-env-line",
    "body=%7B%22apiKey%22%3A%22k3y-url-encoded-json%22%7D",
    "body=%7B%22apiKey%22%3A%20%22k3y-url-encoded-space%22%7D",
    '"{\\"apiKey\\":\\"k3y-json-in-json\\"}"',
    "[('api_key', 'k3y-in-a-query-list')]",
    "{'apiKey': 'k3y-in-a-repr'}",
])
def test_a_key_field_is_redacted_in_every_spelling(text):
    clean = redact(text)
    assert "k3y" not in clean and "REDACTED" in clean


@pytest.mark.parametrize("text", [
    "no SmartLead API key: pass api_key=..., set the SMARTLEAD_API_KEY environment variable",
    "params must not carry api_key: the client adds the key itself",
    "GET /x?api_key=REDACTED&offset=0",
    "SmartleadClient(api_key=Secret('********'))",
    '{"api_key": null, "apiKey": ""}',
])
def test_words_about_keys_are_left_alone(text):
    assert redact(text) == text


def test_a_registered_key_is_redacted_in_every_spelling():
    key = "Sk-Reg+istered/Key&7"
    register_secret(key)
    raw = key.encode()
    for spelling in (key, key.upper(), key.lower(), quote(key, safe=""), quote_plus(key),
                     quote(quote(key, safe=""), safe=""), quote(key, safe="").lower(),
                     json.dumps(key)[1:-1], json.dumps(key)[1:-1].replace("/", "\\/"),
                     repr(key)[1:-1], html.escape(key), base64.b64encode(raw).decode(),
                     base64.urlsafe_b64encode(raw).decode().rstrip("=")):
        assert redact(f"<{spelling}>") == "<REDACTED>", spelling


def test_a_key_that_starts_another_is_redacted_whole_and_many_keys_are_one_scan():
    keys = [f"client-key-{i:04d}" for i in range(300)] + ["client-key-0001-longer"]
    register_secrets(keys)
    assert redact("a client-key-0001-longer b client-key-0299 c") == "a REDACTED b REDACTED c"
    assert redact("client-key-") == "client-key-"     # a prefix alone is no key


def test_keys_in_an_answer_are_registered_but_masks_and_words_are_not():
    register_keys_in({"ok": True, "data": [{"id": 1, "apiKey": "fresh-client-key-1"},
                                           {"id": 2, "api_key": "********"},
                                           {"id": 3, "client_api_key": "REDACTED"},
                                           {"id": 4, "api_key": "short"}]})
    assert redact("fresh-client-key-1") == "REDACTED"
    assert redact("******** REDACTED short") == "******** REDACTED short"


def test_printed_warnings_and_vcrpys_log_lines_are_redacted():
    register_secret("canary-warn-7788")
    text = warnings.formatwarning("request to /x?api_key=canary-warn-7788 failed", UserWarning,
                                  "f.py", 1)
    assert "canary-warn-7788" not in text and "api_key=REDACTED" in text
    for name in ("vcr.stubs", "vcr.stubs.httpx_stubs", "urllib3.poolmanager", "py.warnings"):
        record = logging.getLogger(name).makeRecord(
            name, logging.DEBUG, __file__, 1, "Got %s",
            ("<Request (GET) http://h/x?api_key=canary-warn-7788>",), None)
        assert "canary-warn-7788" not in record.getMessage(), name
    mine = logging.getLogger("an.app").makeRecord("an.app", logging.INFO, __file__, 1,
                                                  "%s", ("left as it is",), None)
    assert mine.args == ("left as it is",)      # other loggers' records are not touched
