"""connect(): SmartLead with a key, the sandbox (announced in one line) without one."""

import pytest

import smartlead_nb as sl
import importlib

connect_module = importlib.import_module("smartlead_nb._connect")


def test_no_key_uses_the_sandbox_and_says_so(monkeypatch, capsys):
    monkeypatch.delenv("SMARTLEAD_API_KEY", raising=False)
    client = sl.connect()
    line = capsys.readouterr().out.strip()
    assert line.startswith("smartlead_nb: no SMARTLEAD_API_KEY set")
    assert "nothing is sent to SmartLead" in line and line.count("\n") == 0
    assert client.mode == "sandbox" and client.base_url.startswith("http://127.0.0.1:")
    assert client.campaigns.create("via connect")["name"] == "via connect"
    again = sl.connect(quiet=True)
    assert again.base_url == client.base_url  # the sandbox is reused, not restarted


def test_key_from_environment_goes_live_with_base_url_override(monkeypatch):
    monkeypatch.setenv("SMARTLEAD_API_KEY", "live-key-from-env")
    monkeypatch.setenv("SMARTLEAD_BASE_URL", "http://127.0.0.1:9/api/v1")
    client = sl.connect()
    assert client.mode == "live" and client.base_url == "http://127.0.0.1:9/api/v1"
    assert "live-key-from-env" not in repr(client)
    monkeypatch.delenv("SMARTLEAD_BASE_URL")
    assert sl.SmartleadClient().base_url == "https://server.smartlead.ai/api/v1"


def test_argument_beats_environment(monkeypatch):
    monkeypatch.setenv("SMARTLEAD_API_KEY", "from-env")
    client = sl.SmartleadClient("from-arg", base_url="http://127.0.0.1:9/api/v1")
    assert client._transport._key.reveal() == "from-arg"


def test_prompt_when_asked(monkeypatch):
    monkeypatch.delenv("SMARTLEAD_API_KEY", raising=False)
    monkeypatch.setattr(connect_module.getpass, "getpass", lambda prompt: "  typed-key  ")
    client = sl.connect(prompt=True)
    assert client.mode == "live" and client._transport._key.reveal() == "typed-key"
    monkeypatch.setattr(connect_module.getpass, "getpass", lambda prompt: "")
    with pytest.raises(sl.InputError, match="no key entered"):
        sl.login()


def _connect_in_a_child(scale: str | None) -> str:
    import os
    import subprocess
    import sys
    import tempfile

    env = {k: v for k, v in os.environ.items() if k not in ("SMARTLEAD_API_KEY", "SMARTLEAD_NB_CASSETTE")}
    home = tempfile.mkdtemp()
    env.update(SMARTLEAD_NB_SANDBOX_DB=f"{home}/s.sqlite3", SMARTLEAD_NB_CACHE_DIR=f"{home}/cache")
    env.pop("SMARTLEAD_NB_SANDBOX_TIME_SCALE", None)
    if scale is not None:
        env["SMARTLEAD_NB_SANDBOX_TIME_SCALE"] = scale
    code = ("import smartlead_nb as sl, smartlead_nb._connect as c\n"
            "client = sl.connect(quiet=True)\n"
            "print(c.sandbox_instance().rate_limits.time_scale, repr(client))\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return done.stdout + done.stderr


def test_the_sandbox_time_scale_speeds_up_both_sides_of_the_budget():
    """Workshops and tests can run the sandbox's rate windows faster; both the sandbox's limit
    and the client's budget scale together, so the client still never meets a 429."""
    assert _connect_in_a_child(None).startswith("1.0 ")
    scaled = _connect_in_a_child("0.1")
    assert scaled.startswith("0.1 ") and "windows x0.1" in scaled
    assert "SMARTLEAD_NB_SANDBOX_TIME_SCALE='fast': use a number above 0" in _connect_in_a_child("fast")
