"""Error parsing: every body shape in the facts sheet yields the server's own words."""

import pickle

import pytest

from smartlead_nb.errors import (ApiFailure, BadRequestError, NotFoundError, RateLimitError,
                                 ServerError, SmartleadError, ValidationError, error_class_for,
                                 error_message_from_body, parse_body)


@pytest.mark.parametrize("body, expected", [
    ({"error": "Invalid timezone - Mars/Base"}, "Invalid timezone - Mars/Base"),
    ({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Slow down", "retry_after": 30}}, "Slow down"),
    ({"error": {"code": "VALIDATION_ERROR", "message": "Bad email",
                "details": {"field": "lead_list[2].email"}}}, "Bad email (field lead_list[2].email)"),
    ({"message": "Invalid API Key"}, "Invalid API Key"),
    ({"ok": False, "message": "exists", "errorCode": "ACCOUNT_ALREADY_EXIST"}, "exists"),
    ({"ok": False, "errorCode": "ACCOUNT_NOT_FOUND"}, "ACCOUNT_NOT_FOUND"),
    (None, "HTTP 500 with an empty body"),
])
def test_message_from_each_documented_shape(body, expected):
    assert error_message_from_body(body, 500) == expected


def test_cloudflare_html_page_is_described_not_dumped():
    html = "<!DOCTYPE html><html><head><title>Access denied | server.smartlead.ai used Cloudflare</title></head><body>1010</body></html>"
    message = error_message_from_body(parse_body(html.encode(), "text/html"), 403)
    assert message.startswith("Access denied | server.smartlead.ai used Cloudflare")
    assert "Cloudflare" in message and "<body>" not in message


def test_parse_body_json_text_and_empty():
    assert parse_body(b'{"ok": true}', "application/json") == {"ok": True}
    assert parse_body(b"[1, 2]", "text/plain") == [1, 2]       # JSON without the header
    assert parse_body(b"id,email\n1,a@b.co\n", "text/csv") == "id,email\n1,a@b.co\n"
    assert parse_body(b"   ", "application/json") is None
    assert parse_body(b"{not json", "application/json") == "{not json"


@pytest.mark.parametrize("status, cls, builtin", [
    (400, BadRequestError, ValueError), (422, ValidationError, ValueError),
    (404, NotFoundError, KeyError), (429, RateLimitError, None), (503, ServerError, None),
    (502, ServerError, None), (418, BadRequestError, ValueError),
])
def test_status_maps_to_typed_error(status, cls, builtin):
    assert error_class_for(status) is cls
    if builtin:
        assert issubclass(cls, builtin)
    assert issubclass(cls, SmartleadError)


def test_error_text_names_status_method_and_redacted_url():
    err = NotFoundError("Campaign not found - Invalid campaign_id.", status=404, body={"error": "x"},
                        method="GET", url="https://h/api/v1/campaigns/9?api_key=live-secret-123")
    assert str(err) == ("[404] Campaign not found - Invalid campaign_id. "
                        "(GET https://h/api/v1/campaigns/9?api_key=REDACTED)")
    assert "live-secret-123" not in repr(err)


def test_errors_pickle_with_their_fields():
    err = RateLimitError("slow", retry_after=2.5, status=429, body={"a": 1}, method="POST", url="u")
    copy = pickle.loads(pickle.dumps(err))
    assert (type(copy), copy.retry_after, copy.status, copy.body, str(copy)) == (
        RateLimitError, 2.5, 429, {"a": 1}, str(err))


def test_api_failure_exposes_error_code():
    err = ApiFailure("exists", status=200, body={"ok": False, "errorCode": "ACCOUNT_ALREADY_EXIST"})
    assert err.error_code == "ACCOUNT_ALREADY_EXIST"


def test_new_errors_pickle_and_redact_an_echoed_key():
    from smartlead_nb._redact import register_secret
    from smartlead_nb.errors import RedirectError, UnexpectedResponse

    register_secret("echoed-canary-991")
    redirect = RedirectError("moved", status=301, location="https://h/x", method="GET", url="u",
                             headers={"Location": "https://h/x?api_key=echoed-canary-991"},
                             body={"to": ["echoed-canary-991"]})
    odd = UnexpectedResponse("html", status=200, content_type="text/html", body="<html>")
    for err in (redirect, odd):
        copy = pickle.loads(pickle.dumps(err))
        assert (type(copy), copy.__dict__) == (type(err), err.__dict__)
    assert "echoed-canary-991" not in repr(redirect.__dict__)
    assert redirect.headers == {"Location": "https://h/x?api_key=REDACTED"}
    assert odd.content_type == "text/html"
