"""``UploadInterrupted`` keeps the error that stopped the upload (``.cause`` and ``__cause__``)
and says what it was: a refused key and a dropped connection need different advice."""

from __future__ import annotations

import pickle
import socket

import pandas as pd
import pytest

from smartlead_nb import AuthenticationError, SmartleadClient, TransportError
from smartlead_nb._transport import NO_RETRIES
from smartlead_nb import UploadInterrupted, upload_leads


def people(n):
    return pd.DataFrame({"email": [f"p{i}@example.com" for i in range(n)]})


def interrupt_with(client, other: SmartleadClient):
    """Upload through ``client``, but send the batches with ``other`` (a bad key, a dead port)."""
    cid = client.campaigns.create("Interrupted")["id"]
    client.leads.send_batch = other.leads.send_batch
    with pytest.raises(UploadInterrupted) as info:
        upload_leads(client, cid, people(3), journal=False, progress=False)
    return info.value


def test_a_refused_key_says_to_check_the_key(client, sandbox):
    wrong = SmartleadClient("not-the-sandbox-key", base_url=sandbox.base_url, rate_limit=None,
                            retry=NO_RETRIES)
    error = interrupt_with(client, wrong)
    assert isinstance(error.cause, AuthenticationError) and error.__cause__ is error.cause
    assert error.status == 401
    text = str(error)
    assert "by AuthenticationError" in text and "refused the API key (HTTP 401)" in text
    assert "Check the key" in text and "Check the network" not in text
    assert "not-the-sandbox-key" not in text
    assert isinstance(pickle.loads(pickle.dumps(error)).cause, AuthenticationError)


def test_a_dropped_connection_says_to_check_the_network(client, sandbox):
    with socket.socket() as s:           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = SmartleadClient(sandbox.api_key, base_url=f"http://127.0.0.1:{port}/api/v1",
                           rate_limit=None, retry=NO_RETRIES)
    error = interrupt_with(client, dead)
    assert isinstance(error.cause, TransportError) and error.__cause__ is error.cause
    text = str(error)
    assert "by TransportError" in text and "Check the network" in text
    assert "Check the key" not in text
    assert (error.result.rows["outcome"] == "not_sent").all()
