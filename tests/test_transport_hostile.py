"""The transport against a hostile or broken server: the key goes to base_url's origin and
nowhere else, shows up in no traceback or error, and an odd answer never stalls the client or
passes for an empty result.

A canary key with every awkward character (``)``, ``#``, ``'``, ``%``, ``&``, ``+``, space) is
used throughout. The key is never held in a local variable of a test (the tracebacks below
render test frames too): tests read the module constant.
"""

from __future__ import annotations

import pickle
import re
import time
import traceback
from urllib.parse import quote, quote_plus

import pytest

from smartlead_nb import (AuthenticationError, InputError, NotFoundError, RateLimitError,
                          RetryPolicy, ServerError, SmartleadClient, SmartleadError, TransportError)
from smartlead_nb._redact import redact
from smartlead_nb._transport import DEFAULT_RETRY_AFTER
from smartlead_nb.errors import RedirectError, UnexpectedResponse

from .helpers import FAST_RETRIES
from .hostile_server import Hostile, closed_port

CANARY = "ab)c#d'e%f&g+h i"
CANARY_FORMS = (CANARY, quote_plus(CANARY), quote(CANARY, safe=""), "ab)c", "f&g+h i")
SHORT = "Zq"  # a 2-character key


def leaked(text: str, forms=CANARY_FORMS) -> list[str]:
    return [f for f in forms if f in text]


def rendered(err: BaseException) -> str:
    """The traceback with every frame's locals, as a debugger or a crash reporter shows it."""
    te = traceback.TracebackException.from_exception(err, capture_locals=True)
    return "".join(te.format())


@pytest.fixture
def hostile():
    servers = []

    def make() -> Hostile:
        servers.append(Hostile())
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def client_for(base_url, key=CANARY, **kw):
    kw.setdefault("rate_limit", None)
    kw.setdefault("retry", FAST_RETRIES)
    kw.setdefault("timeout", (2, 1.0))
    return SmartleadClient(key, base_url=base_url, **kw)


# -- the key never sits in a frame on the stack ---------------------------------------------------
def test_tracebacks_with_locals_never_show_the_key(hostile, sandbox):
    server = hostile()
    other = hostile()
    errors = []

    def catch(call, cls):
        with pytest.raises(cls) as info:
            call()
        errors.append(info.value)

    catch(lambda: client_for(sandbox.base_url).campaigns.list(), AuthenticationError)  # 401
    server.reply({"status": 503, "json": {"error": "busy"}})
    catch(lambda: client_for(server.base_url).campaigns.list(), ServerError)
    server.reply({"status": 302, "headers": {"Location": f"{other.base_url}/x"}, "body": ""})
    catch(lambda: client_for(server.base_url).campaigns.list(), RedirectError)
    refused = f"http://127.0.0.1:{closed_port()}/api/v1"
    catch(lambda: client_for(refused).campaigns.list(), TransportError)
    catch(lambda: client_for(refused).campaigns.create("x"), TransportError)
    server.reply({"sleep": 2, "status": 200, "json": []})
    catch(lambda: client_for(server.base_url, timeout=(1, 0.3),
                             retry=RetryPolicy(total=0)).campaigns.list(), TransportError)
    catch(lambda: client_for(server.base_url).request("GET", f"{other.base_url}/campaigns"),
          InputError)
    server.reply({"status": 200, "body": "<html><title>Portal</title></html>"})
    catch(lambda: client_for(server.base_url).campaigns.list(), UnexpectedResponse)
    texts = [rendered(e) for e in errors]
    assert all("Traceback" in t for t in texts)
    assert [leaked(t) for t in texts] == [[]] * len(errors)


# -- the key goes to base_url's origin only ------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_never_followed(hostile, status):
    server, elsewhere = hostile(), hostile()
    target = f"{elsewhere.base_url}/steal?api_key={quote_plus(CANARY)}&x=1"
    server.reply({"status": status, "headers": {"Location": target}, "body": ""})
    client = client_for(server.base_url)
    for call in (client.campaigns.list, lambda: client.campaigns.create("x")):
        with pytest.raises(RedirectError) as info:
            call()
        err = info.value
        assert err.status == status and err.location == f"{elsewhere.base_url}/steal"
        assert f"{elsewhere.base_url}/steal" in str(err) and "?" not in err.location
        texts = [str(err), repr(err), str(err.headers), pickle.dumps(err).decode("latin-1")]
        assert leaked("".join(texts)) == []
    assert elsewhere.received == []


def test_absolute_url_to_another_origin_is_refused_before_sending(hostile):
    server, elsewhere = hostile(), hostile()
    client = client_for(server.base_url)
    for call in (lambda: client.request("GET", f"{elsewhere.base_url}/campaigns"),
                 lambda: client.raw_request("POST", f"{elsewhere.origin}/x", json={}),
                 lambda: client.request("GET", server.base_url.replace("http:", "https:"))):
        with pytest.raises(InputError, match="127.0.0.1.* is not .*origin") as info:
            call()
        assert leaked(str(info.value)) == []
    assert elsewhere.received == [] and server.received == []
    assert client.request("GET", f"{server.base_url}/campaigns") == {"ok": True}  # same origin
    assert server.received[0]["path"].startswith("/api/v1/campaigns?api_key=")


# -- an echoed key is redacted everywhere -----------------------------------------------------------
def test_key_echoed_in_body_headers_and_location_is_redacted(hostile):
    server = hostile()
    echo = {"error": f"bad key {CANARY}", "nested": [{"k": quote_plus(CANARY)}, CANARY],
            CANARY: "as a key"}
    server.reply({"status": 400, "json": echo,
                  "headers": {"X-Echo": CANARY, "Location": f"/x?api_key={quote_plus(CANARY)}"}})
    with pytest.raises(SmartleadError) as info:
        client_for(server.base_url).campaigns.create("x")
    err = info.value
    copy = pickle.loads(pickle.dumps(err))
    texts = [str(err), repr(err), repr(err.body), repr(err.headers), err.message,
             pickle.dumps(err).decode("latin-1"), repr(copy.body), repr(copy.headers)]
    assert leaked("\n".join(texts)) == []
    assert "bad key REDACTED" in err.message


def test_short_key_echo_is_redacted(hostile):
    server = hostile()
    server.reply({"status": 401, "json": {"message": f"invalid key {SHORT}"},
                  "headers": {"X-Key": SHORT}})
    with pytest.raises(AuthenticationError) as info:
        client_for(server.base_url, key=SHORT).campaigns.list()
    err = info.value
    assert SHORT not in str(err) + repr(err.body) + repr(err.headers)
    assert "invalid key REDACTED" in str(err)


@pytest.mark.parametrize("text", [
    f"GET /x?api_key={quote_plus(CANARY)}&o=1", f"key={CANARY}.", f"api_key={CANARY}",
    f'{{"api_key": "{CANARY}"}}', f"see {quote(CANARY, safe='')} here",
])
def test_every_spelling_of_a_registered_key_is_redacted(text):
    client_for("http://127.0.0.1:9/api/v1")  # registers the canary
    assert leaked(redact(text)) == []


# -- odd 2xx bodies are errors, never empty results ----------------------------------------------
@pytest.mark.parametrize("reply, call, what", [
    ({"body": "<html><head><title>Hotel Wi-Fi login</title></head></html>"},
     lambda c: c.campaigns.list(), "HTML page ('Hotel Wi-Fi login')"),
    ({"body": '[{"id": 1, "na', "type": "application/json"},
     lambda c: c.campaigns.list(), "not valid JSON"),
    ({"json": 5}, lambda c: c.campaigns.list(), "bare JSON value"),
    ({"json": {"id": 3}}, lambda c: c.campaigns.list(), "where a list is due"),
    ({"json": ["x"]}, lambda c: c.campaigns.get(3), "where a JSON object is due"),
    ({"json": {"message": "please log in"}}, lambda c: c.email_accounts.list(), "keys ['message']"),
    ({"body": "", "type": "application/json"}, lambda c: c.campaigns.get(3), "empty body"),
    ({"body": "<html><body>portal</body></html>"}, lambda c: c.leads.export(3), "HTML page"),
])
def test_odd_success_bodies_raise_unexpected_response(hostile, reply, call, what):
    server = hostile()
    server.reply({"status": 200, **reply})
    client = client_for(server.base_url)
    with pytest.raises(UnexpectedResponse, match=re.escape(what)) as info:
        call(client)
    err = info.value
    assert err.method == "GET" and "/api/v1/" in str(err)
    assert err.content_type and err.content_type in str(err)


def test_key_form_never_accepts_a_captive_portal(hostile):
    from smartlead_nb.widgets.connection import KeyForm

    server = hostile()
    server.reply({"status": 200, "body": "<html><title>Sign in to Wi-Fi</title></html>"})
    got = []
    form = KeyForm(client_for(server.base_url), got.append,
                   make_client=lambda key: client_for(server.base_url, key=key))
    form.key.value = "portal-test-key-123"
    form.use_key()
    assert "Key accepted" not in form.status.value and got == []
    assert "HTML page" in form.status.value


# -- rate headers cannot stall the client -----------------------------------------------------------
def spent_window(reset):
    return {"status": 200, "json": [], "headers": {
        "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}}


def gaps(server):
    times = [r["time"] for r in server.received]
    return [b - a for a, b in zip(times, times[1:])]


def test_reset_in_milliseconds_is_read_as_milliseconds(hostile):
    server = hostile()
    server.reply(spent_window(f"{(time.time() + 1.0) * 1000:.0f}"), {"status": 200, "json": []})
    client = client_for(server.base_url, retry=RetryPolicy(max_wait=5.0))
    client.campaigns.list()
    client.campaigns.list()
    assert 0.6 < gaps(server)[0] < 2.5


def test_far_reset_is_capped_and_the_next_answer_replaces_the_wait(hostile):
    server = hostile()
    fresh = {"status": 200, "json": [], "headers": {"X-RateLimit-Limit": "60",
                                                    "X-RateLimit-Remaining": "59"}}
    server.reply(spent_window(f"{time.time() + 86_400:.0f}"), fresh, fresh)
    client = client_for(server.base_url, retry=RetryPolicy(max_wait=0.8))
    for _ in range(3):
        client.campaigns.list()
    first, second = gaps(server)
    assert 0.5 < first < 1.5   # capped at retry.max_wait, not a day
    assert second < 0.4         # the second answer said the window is fine: no more waiting


def test_a_shorter_reset_replaces_a_longer_one(hostile):
    client = client_for(hostile().base_url, retry=RetryPolicy(max_wait=60))
    transport = client._transport
    transport._note_rate_headers({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "50"})
    transport._note_rate_headers({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0.5"})
    assert transport._not_before - time.time() < 1


@pytest.mark.parametrize("value", ["soon", "-5", "1e999", "Thu, 99 Foo"])
def test_garbage_retry_after_is_still_a_rate_limit(hostile, value):
    server = hostile()
    server.reply({"status": 429, "json": {"message": "slow down"}, "headers": {"Retry-After": value}})
    client = client_for(server.base_url)
    for call in (client.campaigns.list, lambda: client.campaigns.create("x")):
        with pytest.raises(RateLimitError) as info:
            call()
        assert info.value.retry_after == DEFAULT_RETRY_AFTER
    assert len(server.received) == (FAST_RETRIES.total + 1) + (FAST_RETRIES.post_429 + 1)


# -- a DELETE's 404 after a retry ----------------------------------------------------------------
@pytest.mark.parametrize("first, done", [
    ({"drop": True}, True),                                   # cut off after sending: done
    ({"status": 503, "json": {"error": "busy"}}, False),      # not processed: a real 404
    ({"status": 429, "json": {}, "headers": {"Retry-After": "0"}}, False),
])
def test_delete_404_counts_as_done_only_after_a_cut_off_attempt(hostile, first, done):
    server = hostile()
    server.reply(first, {"status": 404, "json": {"error": "Campaign not found"}})
    client = client_for(server.base_url)
    if done:
        assert client.campaigns.delete(3, confirm=True) == {"ok": True}
    else:
        with pytest.raises(NotFoundError, match="campaign 3 not found"):
            client.campaigns.delete(3, confirm=True)
    assert [r["method"] for r in server.received] == ["DELETE", "DELETE"]


# -- a trickling server cannot hold a request for ever -------------------------------------------
@pytest.mark.parametrize("reply, call, method", [
    ({"json": {"ok": True, "id": 1, "name": "x" * 40}, "trickle": 0.15},
     lambda c: c.campaigns.create("x"), "POST"),
    ({"json": [], "trickle_headers": 0.15}, lambda c: c.campaigns.list(), "GET"),
])
def test_trickled_answer_hits_the_attempt_deadline(hostile, reply, call, method):
    server = hostile()
    server.reply({"status": 200, **reply})
    client = client_for(server.base_url, timeout=(0.5, 0.5), retry=RetryPolicy(total=0))
    t0 = time.monotonic()
    with pytest.raises(TransportError, match=r"deadline") as info:
        call(client)
    assert time.monotonic() - t0 < 3
    assert "1 s deadline" in str(info.value)
    assert ("may or may not have acted" in str(info.value)) == (method == "POST")
