"""A canary key never shows up in reprs, errors, tracebacks or DEBUG logs."""

import logging
import pickle
import traceback

import pytest

from smartlead_nb import InputError, NotFoundError, SmartleadClient, SmartleadError
from smartlead_nb._redact import redact
from smartlead_nb._transport import Secret
from smartlead_nb.errors import UnexpectedResponse
from smartlead_nb.sandbox import Faults, Sandbox

from .helpers import FAST_RETRIES, START

CANARY = "canary-key-7f3a9c2e51"


@pytest.fixture
def canary_sandbox(tmp_path):
    with Sandbox(db_path=tmp_path / "c.sqlite3", api_key=CANARY, rate_limits=None,
                 start_time=START) as sb:
        yield sb


def test_canary_never_appears(canary_sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    texts = []
    client = SmartleadClient(CANARY, base_url=canary_sandbox.base_url, rate_limit=None,
                             retry=FAST_RETRIES)
    texts += [repr(client), str(client), repr(client._transport), repr(client._transport._key)]
    cid = client.campaigns.create("Canary")["id"]
    client.campaigns.get(cid)
    failures = [lambda: client.campaigns.get(99999),
                lambda: client.campaigns.start(cid, confirm=True),
                lambda: SmartleadClient(CANARY, base_url="http://127.0.0.1:9/api/v1",
                                        retry=FAST_RETRIES, rate_limit=None).campaigns.list()]
    canary_sandbox.faults = Faults(p_drop=1.0)
    failures += [lambda: client.campaigns.create("dropped"), lambda: client.campaigns.list()]
    caught = []
    for call in failures:
        with pytest.raises(SmartleadError) as info:
            call()
        caught.append(info.value)
    for err in caught:
        texts += [str(err), repr(err), "".join(traceback.format_exception(err)), str(err.url),
                  str(err.body), pickle.dumps(err).decode("latin-1")]
    texts.append(caplog.text)
    assert any("api_key=REDACTED" in t for t in texts)  # URLs were logged, redacted
    assert "Max retries exceeded" in "".join(texts)      # urllib3/requests messages were seen
    leaks = [t for t in texts if CANARY in t]
    assert leaks == []


def test_key_cannot_be_pickled_with_the_client(canary_sandbox):
    client = SmartleadClient(CANARY, base_url=canary_sandbox.base_url, rate_limit=None)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client._transport._key)


# -- agency client keys: a rotated key is a secret the moment it arrives -----------------------
def test_resetting_or_deleting_a_client_key_needs_confirmation_and_sends_nothing_without(
        client, sandbox):
    acme = client.clients.create("Acme", "ops@acme.example")
    key_id = client.clients.api_keys.list(acme["id"])[0]["id"]
    before = len(sandbox.requests)
    for refused in (lambda: client.clients.api_keys.reset(key_id),
                    lambda: client.clients.api_keys.reset(key_id, confirm="yes"),
                    lambda: client.clients.api_keys.delete(key_id),
                    lambda: client.request("PUT", f"client/api-key/reset/{key_id}"),
                    lambda: client.request("DELETE", f"/Client/api-key/{key_id}/")):
        with pytest.raises(InputError, match="cannot be undone.*Nothing was sent.*confirm=True"):
            refused()
    assert len(sandbox.requests) == before
    with pytest.raises(InputError, match="key_id"):
        client.clients.api_keys.reset("30001; DROP", confirm=True)


def test_a_reset_key_comes_back_wrapped_and_is_redacted_everywhere(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    acme = client.clients.create("Acme", "ops@acme.example")
    old = client.clients.api_keys.list(acme["id"])[0]
    fresh = client.clients.api_keys.reset(old["id"], confirm=True)
    new_key = fresh["data"]["api_key"]
    assert isinstance(new_key, Secret) and new_key.reveal() != old["api_key"].reveal()
    assert new_key.reveal() not in repr(fresh)
    assert redact(f"x {new_key.reveal()} y") == "x REDACTED y"
    assert new_key.reveal() not in caplog.text
    assert client.clients.api_keys.delete(old["id"], confirm=True) == {"ok": True}
    with pytest.raises(NotFoundError, match=f"client API key {old['id']} not found"):
        client.clients.api_keys.delete(old["id"], confirm=True)


def test_a_reset_key_is_registered_before_anything_can_quote_it(scripted):
    """The answer is of the wrong shape (an error quotes its body) and compact JSON: the new
    key is registered as the body is parsed, so the error already shows it redacted."""
    fresh = "live-client-key-9d8c7b6a5f"
    server, client = scripted({"status": 200, "type": "application/json",
                               "text": f'[{{"id":30001,"apiKey":"{fresh}"}}]'})
    with pytest.raises(UnexpectedResponse) as info:
        client.clients.api_keys.reset(30001, confirm=True)
    assert server.received[0]["method"] == "PUT"
    assert server.received[0]["path"].startswith("/api/v1/client/api-key/reset/30001?")
    err = info.value
    texts = [str(err), repr(err), repr(err.body), repr(err.args),
             "".join(traceback.format_exception(err))]
    assert all(fresh not in t for t in texts)
    assert redact(fresh) == "REDACTED"
