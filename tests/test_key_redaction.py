"""A canary key never shows up in reprs, errors, tracebacks or DEBUG logs."""

import logging
import pickle
import traceback

import pytest

from smartlead_nb import SmartleadClient, SmartleadError
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
    cid = client.create_campaign("Canary")["id"]
    client.get_campaign(cid)
    failures = [lambda: client.get_campaign(99999),
                lambda: client.start_campaign(cid, confirm=True),
                lambda: SmartleadClient(CANARY, base_url="http://127.0.0.1:9/api/v1",
                                        retry=FAST_RETRIES, rate_limit=None).list_campaigns()]
    canary_sandbox.faults = Faults(p_drop=1.0)
    failures += [lambda: client.create_campaign("dropped"), lambda: client.list_campaigns()]
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
