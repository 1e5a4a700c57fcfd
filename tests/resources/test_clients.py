"""client.clients and client.clients.api_keys (resources/clients.py): agency clients, their keys
kept secret."""

import logging

import pytest

from smartlead_nb import InputError, NotFoundError
from smartlead_nb._transport import Secret

from ..helpers import sent


# -- agency clients ---------------------------------------------------------------------------
def test_create_and_list_clients_with_keys_kept_secret(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    acme = client.clients.create("Acme", "ops@acme.example", password="acme-login-pw")
    assert isinstance(acme["id"], int)
    key = acme["data"]["api_key"]
    assert isinstance(key, Secret) and key.reveal().startswith("sandbox_cl_")
    assert key.reveal() not in repr(acme) and "********" in repr(acme)
    made = client.clients.api_keys.create(acme["id"], "reporting")
    assert isinstance(made["data"]["api_key"], Secret)
    frame = client.clients.api_keys.frame(acme["id"])
    assert list(frame["keyName"]) == ["Default", "reporting"]
    text = frame.to_string() + frame.to_csv() + repr(client.clients.api_keys.list(acme["id"]))
    assert "sandbox_cl_" not in text and "********" in text
    assert "sandbox_cl_" not in caplog.text
    assert list(client.clients.frame()["name"]) == ["Acme"]
    assert client.clients.list()[0]["email"] == "ops@acme.example"


def test_a_revealed_client_key_is_redacted_from_error_text(client):
    acme = client.clients.create("Acme", "ops@acme.example")
    raw = acme["data"]["api_key"].reveal()
    from smartlead_nb._redact import redact

    assert raw not in redact(f"something failed for {raw}")


@pytest.mark.parametrize("name, email, fragment", [
    ("Acme", None, "needs an email"),
    ("Acme", "  ", "needs an email"),
    ("Acme", "ops@acme", "invalid email"),
    ("", "ops@acme.example", "needs a name"),
])
def test_a_client_without_a_valid_email_or_name_is_refused_before_sending(
        client, sandbox, name, email, fragment):
    with pytest.raises(InputError, match=fragment):
        client.clients.create(name, email)
    assert sent(sandbox) == []


def test_client_key_refusals(client, sandbox):
    with pytest.raises(InputError, match="keyName"):
        client.clients.api_keys.create(20001, " ")
    with pytest.raises(InputError, match="ACTIVE, INACTIVE"):
        client.clients.api_keys.list(status="on")
    assert sent(sandbox) == []
    with pytest.raises(NotFoundError, match="client 20999"):
        client.clients.api_keys.create(20999, "x")
