"""Recording and replaying SmartLead HTTP traffic (vcrpy cassettes), for notebooks and tests.

Replay is switched on by one environment variable, read when the first client is built, so it
reaches every kernel that inherits the environment (nbval's, nbmake's, Voila's, JupyterLab's)::

    SMARTLEAD_NB_CASSETTE=tests/cassettes/01_quickstart.yaml jupyter lab

In replay mode:

* ``connect()`` returns a client for the base URL the cassette was recorded against (the
  sandbox's address, or SmartLead's) and starts no sandbox; it prints one line saying so;
* no request reaches the network; one that was not recorded raises vcrpy's
  ``CannotOverwriteExistingCassetteException`` in the cell that made it;
* there is no client-side rate limit, no retry, and no waiting on ``X-RateLimit-*`` headers;
* upload journals go to a fresh temporary directory, so a replay never resumes from (or
  writes to) your real journals.

Recording uses the same vcrpy configuration as replay (:func:`vcr_config`): the ``api_key``
query parameter becomes ``REDACTED``, every key this process knows is replaced wherever else
it appears, and 429 and 5xx responses are never written. Requests match on method, URL (host,
port, path, query) and body, so a changed payload fails loudly instead of replaying a stale
answer.

The recorder (:mod:`smartlead_nb.recorder`) runs notebooks through nbclient and saves one
cassette per notebook::

    python -m smartlead_nb.replay record notebooks/02_leads_from_csv.ipynb          # sandbox
    SMARTLEAD_API_KEY=... python -m smartlead_nb.replay record --target live notebooks/*.ipynb
    python -m smartlead_nb.replay check                # scan cassettes and notebooks for keys

Against the sandbox (default) it starts a fresh one on a fixed port with a fixed seed and
clock, so recordings are repeatable. After recording it replays the notebook from the new
cassette and saves *those* outputs into the notebook, so what a reader sees is what nbval
checks. vcrpy is imported only when recording or replaying (it is in the ``test`` extra).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._redact import REDACTED, redact

CASSETTE_ENV = "SMARTLEAD_NB_CASSETTE"        # replay this cassette (path)
RECORD_ENV = "SMARTLEAD_NB_RECORD"            # record into this cassette (set by the recorder)
RECORD_SANDBOX_ENV = "SMARTLEAD_NB_RECORD_SANDBOX"  # base URL of the recorder's sandbox
REPLAY_KEY = REDACTED                         # the key a replaying client sends (never matched)
DROPPED_STATUSES = frozenset({429})           # plus every 5xx

# Text that must never appear in a cassette or a saved notebook.
SANDBOX_DEMO_KEY = "sandbox-demo-key"
_KEY_LEAK = re.compile(r"api_key(=|%3D|\"\s*:\s*\"|'\s*:\s*')(?!REDACTED)[^&\s'\"]+", re.I)

_lock = threading.Lock()
_session: "Session | None" = None


@dataclass
class Session:
    """What this process is doing: replaying or recording, which cassette, against what."""

    mode: str                 # "replay" or "record"
    cassette: Path
    base_url: str | None      # replay: the recorded base URL
    target: str | None        # "sandbox" or "live": what the cassette was recorded against
    _context: Any = None

    def banner(self) -> str:
        if self.mode == "replay":
            where = "the local sandbox" if self.target == "sandbox" else "SmartLead"
            return (f"smartlead_nb: replaying {self.cassette.name} (recorded against {where} "
                    f"at {self.base_url}); no network, nothing is sent.")
        return f"smartlead_nb: recording to {self.cassette.name}."


# -- the one vcrpy configuration ---------------------------------------------------------------
def _scrub(text: str) -> str:
    return redact(text)


def _scrub_bytes(body: Any) -> Any:
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        clean = _scrub(text)
        return clean.encode("utf-8") if clean != text else body
    if isinstance(body, str):
        return _scrub(body)
    return body


# A notebook's own webhook receiver (smartlead_nb.webhooks.listen) has a new port and token in
# every kernel; in a recorded request body it stands for "this machine's receiver", so a
# replay matches it whatever port and token the replaying kernel's receiver got.
_LOOPBACK_RECEIVER = re.compile(r"http://(?:127(?:\.\d{1,3}){3}|localhost|\[::1\]):\d+/[^\"\s]*")
LOOPBACK_RECEIVER = "http://127.0.0.1:PORT/RECEIVER"


def scrub_request(request):
    """vcrpy ``before_record_request``: no key in the URL, the body or the headers; a loopback
    receiver URL in a body reads the same in every kernel (see ``_LOOPBACK_RECEIVER``)."""
    request.uri = _scrub(request.uri)
    request.body = _scrub_bytes(request.body)
    if isinstance(request.body, str):
        request.body = _LOOPBACK_RECEIVER.sub(LOOPBACK_RECEIVER, request.body)
    elif isinstance(request.body, bytes) and b"http://" in request.body:
        text = request.body.decode("utf-8", errors="surrogateescape")
        request.body = _LOOPBACK_RECEIVER.sub(LOOPBACK_RECEIVER, text).encode(
            "utf-8", errors="surrogateescape")
    for name in list(request.headers):
        value = request.headers[name]
        if isinstance(value, str):
            request.headers[name] = _scrub(value)
    return request


def scrub_response(response: dict) -> dict | None:
    """vcrpy ``before_record_response``: drop 429s and 5xx (a retry is not part of the story);
    replace any key text in the body and headers."""
    code = int(response.get("status", {}).get("code", 0))
    if code in DROPPED_STATUSES or code >= 500:
        return None
    body = response.get("body") or {}
    if "string" in body:
        body["string"] = _scrub_bytes(body["string"])
    headers = response.get("headers") or {}
    for name, values in list(headers.items()):
        headers[name] = [_scrub(v) if isinstance(v, str) else v for v in values]
    return response


def vcr_config() -> dict:
    """The vcrpy settings shared by recording and replay (and by any test using cassettes)."""
    return dict(
        serializer="yaml",
        decode_compressed_response=True,
        filter_query_parameters=[("api_key", REDACTED)],
        filter_headers=[("authorization", REDACTED), ("cookie", None)],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
    )


def make_vcr(record_mode: str):
    import vcr  # only here: vcrpy is a test extra

    return vcr.VCR(record_mode=record_mode, **vcr_config())


# -- switching it on in a kernel ---------------------------------------------------------------
def session() -> Session | None:
    """Start replay or recording if the environment asks for it (once per process)."""
    global _session
    if _session is not None:
        return _session
    replay_path = os.environ.get(CASSETTE_ENV)
    record_path = os.environ.get(RECORD_ENV)
    if not replay_path and not record_path:
        return None
    with _lock:
        if _session is None:
            _session = _start_replay(replay_path) if replay_path else _start_record(record_path)
            print(_session.banner(), flush=True)
    return _session


def replaying() -> bool:
    s = session()
    return s is not None and s.mode == "replay"


def _start_replay(path: str) -> Session:
    cassette = Path(path).expanduser()
    if not cassette.is_file():
        raise FileNotFoundError(
            f"{CASSETTE_ENV}={path}: no such cassette (resolved from {os.getcwd()}); unset the "
            f"variable to work against the sandbox, or record it with "
            f"`python -m smartlead_nb.replay record <notebook>`")
    info = read_info(cassette)
    # Journals and the rate-limit budget file live in the cache dir: keep replay away from the
    # real ones, so a replay neither resumes from nor pollutes them.
    os.environ["SMARTLEAD_NB_CACHE_DIR"] = tempfile.mkdtemp(prefix="smartlead_nb-replay-")
    context = make_vcr("none").use_cassette(str(cassette), allow_playback_repeats=False)
    context.__enter__()
    return Session("replay", cassette, info.get("base_url"), info.get("target"), context)


def _start_record(path: str) -> Session:
    cassette = Path(path).expanduser()
    context = make_vcr("all").use_cassette(str(cassette))
    recorded = context.__enter__()
    # Save after every exchange: the recorder's kernel is shut down from outside, and a
    # cassette written only on exit could be lost.
    append = recorded.append

    def append_and_save(request, response):
        append(request, response)
        recorded._save()

    recorded.append = append_and_save
    target = "sandbox" if os.environ.get(RECORD_SANDBOX_ENV) else "live"
    return Session("record", cassette, os.environ.get(RECORD_SANDBOX_ENV), target, context)


def client_for_connect(rate_limit):
    """What ``connect()`` returns while replaying or recording against the sandbox; else None."""
    s = session()
    if s is None:
        return None
    from .client import SmartleadClient

    from ._transport import NO_RETRIES

    if s.mode == "replay":
        # Replayed responses come from a file: nothing to pace, nothing to retry, no window
        # to wait for (429s and 5xx are never recorded anyway). Chosen here, where the
        # client is built; the transport knows nothing of replay.
        base_url = s.base_url or _first_base_url(s.cassette)
        return SmartleadClient(REPLAY_KEY, base_url=base_url, rate_limit=None,
                               retry=NO_RETRIES, honour_rate_headers=False,
                               mode="sandbox" if s.target == "sandbox" else "live")
    if s.target == "sandbox":
        return SmartleadClient(os.environ["SMARTLEAD_API_KEY"], base_url=s.base_url,
                               rate_limit=None, mode="sandbox")
    return None  # recording live: connect() proceeds as usual, with the real key


# -- cassette files ----------------------------------------------------------------------------
INFO_KEY = "smartlead_nb"   # the block of recorder facts at the top of a cassette


def read_info(cassette: Path) -> dict:
    """The ``smartlead_nb:`` block the recorder writes at the top of a cassette."""
    import yaml

    with open(cassette, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    info = dict(data.get(INFO_KEY) or {})
    if not info.get("base_url"):
        info["base_url"] = _base_from_interactions(data)
    if not info.get("target"):
        host = info["base_url"] or ""
        info["target"] = "sandbox" if "127.0.0.1" in host or "localhost" in host else "live"
    return info


def _first_base_url(cassette: Path) -> str | None:
    return read_info(cassette).get("base_url")


def _base_from_interactions(data: dict) -> str | None:
    for item in data.get("interactions") or ():
        uri = item.get("request", {}).get("uri", "")
        m = re.match(r"(https?://[^/]+/api/v\d+)", uri)
        if m:
            return m.group(1)
    return None


def find_leaks(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Anything in ``text`` that looks like an API key: ``api_key=`` with a value other than
    REDACTED, the sandbox's demo key, and the ``extra`` strings (e.g. the key just used)."""
    found = [m.group(0) for m in _KEY_LEAK.finditer(text)]
    for secret in (SANDBOX_DEMO_KEY, *extra):
        if secret and secret != REDACTED and secret in text:
            found.append(secret)
    return found


if __name__ == "__main__":
    # `python -m smartlead_nb.replay record ...` still works; the recorder lives in
    # smartlead_nb.recorder (it runs notebooks, so it sits above this runtime).
    from smartlead_nb.recorder import main

    sys.exit(main())
