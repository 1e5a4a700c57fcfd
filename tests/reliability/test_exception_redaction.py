"""No exception leaves the client with the key, whatever raised it.

Each case makes the client (or ``connect``, ``login``, the key form) fail in a different way:
a mistake the client refuses, an error from requests' own hooks, vcrpy's "no recorded
interaction" in replay mode, a Ctrl-C in the middle of a request, a bad argument to the
constructor. Every exception is then searched everywhere a person or a tool could read the key:
``str``, ``repr``, ``args``, notes, attributes, the chained ``__cause__``/``__context__``
(recursively), and the local variables of every frame of every traceback, as
``traceback.TracebackException(capture_locals=True)``, IPython's verbose mode and pytest's
``--showlocals`` print them, and as a debugger would walk them (objects' attributes included).
The search looks for every spelling of the key (URL-encoded, any case, base64...).
"""

from __future__ import annotations

import json
import signal
import threading
import time
import traceback
import types
from urllib.parse import quote

import pytest

import smartlead_nb as sl
from smartlead_nb import SmartleadClient
from smartlead_nb._redact import key_fields, redact_exception, register_secret, secret_pattern
from smartlead_nb.replay import make_vcr
from smartlead_nb.sandbox import Faults, Sandbox

from ..helpers import FAST_RETRIES, REPO, START

# '+' and '/' so that its URL-encoded form differs. Built, not written out: IPython's verbose
# mode shows the source lines around each frame, and this file's lines are no leak.
KEY = "-".join(["sk", "live", "Real+Key/7e3d9c1b55"])
CASSETTE = REPO / "tests" / "cassettes" / "01_quickstart.yaml"


def chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception reachable from it: causes, contexts, group members."""
    found, todo = [], [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is f for f in found):
            continue
        found.append(e)
        todo += [e.__cause__, e.__context__, *getattr(e, "exceptions", ())]
    return found


def deep_text(value, depth: int = 3) -> str:
    """What a debugger shows of ``value``: its repr and, a few levels down, its attributes."""
    if isinstance(value, (types.ModuleType, type, types.FunctionType)):
        return repr(value)
    try:
        text = [repr(value)]
    except Exception:  # noqa: BLE001 - an unprintable value shows nothing
        text = []
    attributes = getattr(value, "__dict__", None)
    if depth and isinstance(attributes, dict):
        text += [deep_text(v, depth - 1) for v in list(attributes.values())]
    if depth and isinstance(value, (list, tuple, set, dict)):
        items = value.items() if isinstance(value, dict) else value
        text += [deep_text(v, depth - 1) for v in list(items)[:200]]
    return "\n".join(text)


def every_text(exc: BaseException) -> dict[str, str]:
    """Every text of ``exc`` a person or a tool could read, by where it comes from."""
    texts = {
        "str": str(exc), "repr": repr(exc), "args": repr(exc.args),
        "notes": repr(getattr(exc, "__notes__", None)),
        "traceback": "".join(traceback.format_exception(exc)),
        "capture_locals": "".join(traceback.TracebackException.from_exception(
            exc, capture_locals=True).format()),
    }
    for i, e in enumerate(chain(exc)):
        texts[f"chain[{i}] str/repr/args"] = f"{e}\n{e!r}\n{e.args!r}"
        texts[f"chain[{i}] attributes"] = deep_text(getattr(e, "__dict__", {}))
        tb = e.__traceback__
        while tb is not None:
            name = f"chain[{i}] frame {tb.tb_frame.f_code.co_name} locals"
            texts[name] = texts.get(name, "") + deep_text(dict(tb.tb_frame.f_locals))
            tb = tb.tb_next
    from IPython.core.ultratb import VerboseTB

    texts["IPython %xmode Verbose"] = VerboseTB(theme_name="nocolor").text(
        type(exc), exc, exc.__traceback__)
    if exc.__traceback__ is not None:
        from _pytest._code import ExceptionInfo

        texts["pytest --showlocals"] = str(ExceptionInfo.from_exception(exc).getrepr(
            showlocals=True, style="long"))
    return texts


def leaks_of(text: str, key: str = KEY) -> list[str]:
    """The key in any spelling, or a key field with a value (the sandbox's documented demo
    key, which the test's own ``sandbox`` fixture holds, is not a leak here)."""
    return key_fields(text) + [m.group(0) for m in secret_pattern([key]).finditer(text)]


def assert_keyless(exc: BaseException, key: str = KEY) -> None:
    texts = every_text(exc)
    leaks = {where: leaks_of(text, key)[:2] for where, text in texts.items()
             if leaks_of(text, key)}
    assert leaks == {}


def failure(call) -> BaseException:
    """What ``call()`` raised, its traceback starting below this file's frames: the test is
    the caller, and a caller that passes the key in holds it (as a user's cell would)."""
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - every kind is the point
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        return exc.with_traceback(tb)
    raise AssertionError("the call did not fail")


# -- the search itself can find a key ---------------------------------------------------------
def test_the_search_finds_the_key_in_a_frame_variable_an_attribute_and_a_spelling():
    def holder(api_key):
        prepared = type("Prepared", (), {})()
        prepared.url = f"https://x/y?api_key={api_key}"   # hidden behind a plain repr
        raise ValueError("boom")

    try:
        holder(KEY)
    except ValueError as exc:
        with pytest.raises(AssertionError):
            assert_keyless(exc)
    # Spellings are built here, not written out: IPython shows a frame's source lines.
    assert leaks_of(f"x={quote(KEY, safe='')}")           # URL-encoded
    assert leaks_of(KEY.upper())                          # another case
    assert leaks_of(json.dumps({"apiKey": KEY[::-1]}, separators=(",", ":")))  # a key field


# -- the cases ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mistake", [
    lambda c: c.raw_request("GET", "campaigns", timeout=0),
    lambda c: c.raw_request("GET", "campaigns", timeout=(0, 5)),
    lambda c: c.raw_request("GET", "campaigns", timeout=float("nan")),
    lambda c: c.raw_request("GET", "campaigns", timeout="fast"),
    lambda c: c.request("GE T", "campaigns"),
    lambda c: c.request("GET\r\nX-Evil: 1", "campaigns"),
    lambda c: c.request(None, "campaigns"),
], ids=["timeout 0", "connect timeout 0", "timeout nan", "timeout text", "method with a space",
        "method with a newline", "method None"])
def test_an_ordinary_mistake_is_a_clear_input_error_with_no_key(sandbox, mistake):
    client = SmartleadClient(KEY, base_url=sandbox.base_url, rate_limit=None)
    exc = failure(lambda: mistake(client))
    assert isinstance(exc, sl.InputError) and "nothing was sent" in str(exc)
    assert_keyless(exc)
    assert sandbox.requests == []


@pytest.mark.parametrize("make", [
    lambda url: SmartleadClient(KEY, base_url=url, timeout=0),
    lambda url: SmartleadClient(KEY, base_url=url, rate_limit=sl.RateLimit(per_second=-1)),
    lambda url: SmartleadClient(KEY, base_url=5),
    lambda url: SmartleadClient(KEY, base_url=url, retry="twice"),
    lambda url: sl.connect(KEY, rate_limit="nonsense"),
    lambda url: sl.connect(KEY, rate_limit=sl.RateLimit(per_second=-1)),
], ids=["timeout 0", "bad rate limit", "base_url a number", "retry text", "connect: bad limit",
        "connect: negative budget"])
def test_a_constructor_that_fails_keeps_no_key_in_its_frames(sandbox, make, monkeypatch):
    monkeypatch.delenv("SMARTLEAD_NB_CASSETTE", raising=False)
    exc = failure(lambda: make(sandbox.base_url))
    assert_keyless(exc)


def test_login_that_fails_keeps_no_key(monkeypatch):
    import smartlead_nb._connect as connect_module

    monkeypatch.setattr(connect_module.getpass, "getpass", lambda prompt: f"  {KEY}  ")
    exc = failure(lambda: sl.login(rate_limit="nonsense"))
    assert_keyless(exc)


def test_an_error_raised_inside_requests_names_no_key(sandbox):
    """A response hook (what a tracing library installs) fails quoting the URL it saw: the
    message carries the key, and so do the frames of requests and urllib3 below it."""
    client = SmartleadClient(KEY, base_url=sandbox.base_url, rate_limit=None)

    def tracer(response, *args, **kwargs):
        raise RuntimeError(f"tracer could not file {response.url}")

    client._transport.session.hooks["response"].append(tracer)
    exc = failure(lambda: client.campaigns.list())
    assert isinstance(exc, RuntimeError) and "api_key=REDACTED" in str(exc)
    assert_keyless(exc)
    frames = [(frame.f_code.co_filename, frame.f_code.co_name, frame.f_locals)
              for frame, _ in traceback.walk_tb(exc.__traceback__)]
    names = [name for _, name, _ in frames]
    assert "list" in names and "tracer" in names   # it still says where it failed
    # Frames that hold the key lost their variables; the toolkit's own frames kept theirs.
    assert any("requests" in file and not variables for file, _, variables in frames)
    assert all(variables for file, name, variables in frames
               if name in ("list", "call", "_send"))


def test_vcrpy_no_recorded_interaction_names_no_key():
    """In replay mode, a request the cassette lacks raises vcrpy's own exception, whose message
    quotes the request's URL (with the key) and whose attributes hold the request."""
    client = SmartleadClient(KEY, base_url="http://127.0.0.1:18765/api/v1", rate_limit=None)
    with make_vcr("none").use_cassette(str(CASSETTE), allow_playback_repeats=False):
        for call in (lambda: client.campaigns.get(424242),
                     lambda: list(client.leads.iter(424242)),   # a generator method
                     lambda: client.campaigns.frame(),
                     lambda: client.request("GET", "campaigns/424242")):
            exc = failure(call)
            assert type(exc).__name__ == "CannotOverwriteExistingCassetteException"
            assert "api_key=REDACTED" in str(exc)
            assert_keyless(exc)


@pytest.fixture
def keyed(tmp_path):
    """A sandbox whose key is KEY, so requests get past authentication."""
    with Sandbox(db_path=tmp_path / "keyed.sqlite3", api_key=KEY, rate_limits=None,
                 start_time=START) as sb:
        yield sb


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX timers")
def test_ctrl_c_in_the_middle_of_a_request_leaves_no_key(keyed):
    sandbox = keyed
    """KeyboardInterrupt lands wherever the request is, deep in urllib3 and the socket,
    where every frame holds the URL with the key."""
    assert threading.current_thread() is threading.main_thread()
    client = SmartleadClient(KEY, base_url=sandbox.base_url, rate_limit=None, retry=FAST_RETRIES)
    sandbox.faults = Faults(latency=1.0)

    def interrupt(*_):
        raise KeyboardInterrupt

    answered = len(sandbox.requests)   # the log gets an entry once a request is answered
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        exc = failure(lambda: client.campaigns.list())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sandbox.faults = None
        # Let the sandbox finish the abandoned request before its database closes (bounded
        # by polls, not by a measured time).
        for _ in range(100):
            if len(sandbox.requests) > answered:
                break
            time.sleep(0.05)
    assert isinstance(exc, KeyboardInterrupt)
    assert_keyless(exc)


def test_http_errors_name_no_key(keyed, sandbox):
    """Typed errors the toolkit raises: a dropped connection, a wrong key."""
    other = sandbox
    sandbox = keyed
    client = SmartleadClient(KEY, base_url=sandbox.base_url, rate_limit=None, retry=FAST_RETRIES)
    sandbox.faults = Faults(p_drop=1.0)
    try:
        dropped = failure(lambda: client.campaigns.list())
    finally:
        sandbox.faults = None
    assert isinstance(dropped, sl.TransportError)
    assert_keyless(dropped)
    wrong_key = failure(lambda: SmartleadClient(
        KEY, base_url=other.base_url, rate_limit=None).campaigns.get(1))
    assert isinstance(wrong_key, sl.AuthenticationError)
    assert_keyless(wrong_key)


# -- redact_exception on its own: every part of an exception ----------------------------------
def test_every_part_of_an_exception_is_redacted_in_place():
    register_secret(KEY)

    class Holder:
        def __init__(self):
            self.url = f"https://x/?api_key={KEY}"

    inner = OSError(2, f"no such file {KEY}", f"/tmp/{KEY}")
    decoding = UnicodeDecodeError("utf-8", f"\xff{KEY}".encode("latin-1"), 0, 1, "bad byte")
    try:
        try:
            raise inner
        except OSError as cause:
            raise ValueError(f"while reading {KEY}", Holder(), [KEY], {"k": KEY}) from cause
    except ValueError as exc:
        outer = exc
    outer.add_note(f"note about {KEY}")
    outer.request = Holder()
    outer.__context__ = decoding
    group = ExceptionGroup("several", [outer, RuntimeError(KEY)])
    assert redact_exception(group) is group
    assert_keyless(group)
    assert outer.args[0] == "while reading REDACTED" and outer.request is None
    assert outer.args[2] == ["REDACTED"] and outer.args[3] == {"k": "REDACTED"}
    assert "Holder object" in outer.args[1]          # an object holding a key: its redacted repr
    assert outer.__notes__ == ["note about REDACTED"]
    assert inner.strerror == "no such file REDACTED" and inner.errno == 2
    assert KEY.encode() not in decoding.object and str(decoding)   # still prints


def test_a_cycle_in_the_chain_and_an_unprintable_argument_do_not_break_it():
    register_secret(KEY)

    class Unprintable:
        def __repr__(self):
            raise RuntimeError("no repr")

    a, b = ValueError(KEY, Unprintable()), ValueError(KEY)
    a.__context__, b.__context__ = b, a
    redact_exception(a)
    assert a.args[0] == b.args[0] == "REDACTED"


def test_a_key_typed_into_the_form_never_reaches_the_page_in_replay_mode(sandbox):
    """The issue's case: a real key typed into the key form while a cassette is replayed."""
    pytest.importorskip("ipywidgets")
    from smartlead_nb.widgets.connection import KeyForm

    shown = SmartleadClient("not-the-key", base_url=sandbox.base_url, rate_limit=None)
    form = KeyForm(shown, on_client=lambda c: None, make_client=lambda key: SmartleadClient(
        key, base_url="http://127.0.0.1:18799/api/v1", rate_limit=None))   # not recorded
    with make_vcr("none").use_cassette(str(CASSETTE), allow_playback_repeats=False):
        form.key.value = f"  {KEY}  "
        form.use_key()
    assert "CannotOverwriteExistingCassetteException" in form.status.value
    assert leaks_of(form.status.value) == []
    assert "api_key=REDACTED" in form.status.value


def test_a_paused_generator_in_a_traceback_is_left_running():
    """Clearing a paused generator's frame would close it: such a frame is skipped."""
    register_secret(KEY)

    def batches():
        try:
            raise ValueError(f"batch 1 failed for {KEY}")
        except ValueError as exc:
            error = exc
        yield error
        yield "batch 2"

    running = batches()
    error = next(running)
    redact_exception(error)
    assert error.args == ("batch 1 failed for REDACTED",)
    assert next(running) == "batch 2"
