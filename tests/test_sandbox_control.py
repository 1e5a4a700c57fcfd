"""``client.sandbox``: the sandbox's own controls, driven over HTTP like everything else."""

import pytest

from smartlead_nb import InputError

from .helpers import sent


def test_reset_needs_confirmation_then_wipes_everything(client, sandbox):
    cid = client.campaigns.create("Before the reset")["id"]
    client.sandbox.advance(days=1)
    before = client.sandbox.state()
    assert before["campaigns"] == 1
    with pytest.raises(InputError, match=r"cannot be undone.*reset\(confirm=True\)"):
        client.sandbox.reset()
    assert client.sandbox.state()["campaigns"] == 1      # nothing happened
    assert client.sandbox.reset(confirm=True)["ok"] is True
    after = client.sandbox.state()
    assert after["campaigns"] == 0 and after["leads"] == 0
    assert after["email_accounts"] == before["email_accounts"] > 0   # demo senders seeded again
    assert after["now"] < before["now"]                                # the clock starts over
    assert cid not in [c["id"] for c in client.campaigns.list()]


def test_reset_on_a_server_that_is_not_a_sandbox_is_refused_in_plain_words(client, sandbox):
    # A path the sandbox does not serve answers 404, as SmartLead itself would.
    live_like = type(client)(sandbox.api_key, base_url=client.base_url + "/nothing",
                             rate_limit=None)
    with pytest.raises(InputError, match="not a smartlead_nb sandbox"):
        live_like.sandbox.reset(confirm=True)


def test_sandbox_controls_over_http(client, sandbox):
    before = client.sandbox.state()["now"]
    moved = client.sandbox.advance(days=2)
    assert moved["now"] > before and sandbox.now.isoformat()[:10] == moved["now"][:10]
