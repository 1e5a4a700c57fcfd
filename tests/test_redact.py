"""The key never appears in text the toolkit produces, including urllib3's DEBUG lines."""

import logging

from smartlead_nb._redact import RedactingFilter, redact, register_secret


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
