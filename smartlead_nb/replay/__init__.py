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
query parameter becomes ``REDACTED``; every key this process knows (the account key, every
agency client key seen, created or reset, including one in the very answer being recorded) is
replaced wherever else it appears, in any spelling, in the URL, header names and values and
bodies, and so is the value of any key field (``{"apiKey":"…"}``, ``api_key=…``); a body that
cannot be read as text (binary, still compressed, in an unknown encoding) is refused with
:class:`UnrecordableBody` rather than written where no scan looks; 429 and 5xx responses are
never written. Requests match on method, URL (host, port, path, query) and body, so a changed
payload fails loudly instead of replaying a stale answer.

The recorder (:mod:`smartlead_nb.recorder`) runs notebooks through nbclient and saves one
cassette per notebook::

    python -m smartlead_nb.replay record notebooks/02_leads_from_csv.ipynb          # sandbox
    SMARTLEAD_API_KEY=... python -m smartlead_nb.replay record --target live notebooks/*.ipynb
    python -m smartlead_nb.replay check                # scan cassettes and notebooks for keys

``check`` (:func:`leaks_in_file`) reads every place the recorder writes: the raw text, then
every YAML/JSON key and value, ``!!binary`` bodies decoded (gzip too) and base64 text.

Against the sandbox (default) it starts a fresh one on a fixed port with a fixed seed and
clock, so recordings are repeatable. After recording it replays the notebook from the new
cassette and saves *those* outputs into the notebook, so what a reader sees is what nbval
checks. vcrpy is imported only when recording or replaying (it is in the ``test`` extra).
"""

from __future__ import annotations

import base64
import binascii
import functools
import gzip
import json
import os
import re
import tempfile
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .._redact import (REDACTED, is_key_name, key_fields, looks_like_key, redact,
                      register_keys_in, secret_pattern)

CASSETTE_ENV = "SMARTLEAD_NB_CASSETTE"        # replay this cassette (path)
RECORD_ENV = "SMARTLEAD_NB_RECORD"            # record into this cassette (set by the recorder)
RECORD_SANDBOX_ENV = "SMARTLEAD_NB_RECORD_SANDBOX"  # base URL of the recorder's sandbox
REPLAY_KEY = REDACTED                         # the key a replaying client sends (never matched)
DROPPED_STATUSES = frozenset({429})           # plus every 5xx

# Text that must never appear in a cassette or a saved notebook.
SANDBOX_DEMO_KEY = "sandbox-demo-key"

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
class UnrecordableBody(ValueError):
    """A body the recorder cannot read as text (binary, still compressed, in an encoding it
    does not name), so cannot check for keys: it is refused rather than written."""


# A notebook's own webhook receiver (smartlead_nb.webhooks.listen) has a new port and token in
# every kernel; in a recorded request body it stands for "this machine's receiver", so a
# replay matches it whatever port and token the replaying kernel's receiver got.
_LOOPBACK_RECEIVER = re.compile(r"http://(?:127(?:\.\d{1,3}){3}|localhost|\[::1\]):\d+/[^\"\s]*")
LOOPBACK_RECEIVER = "http://127.0.0.1:PORT/RECEIVER"
_CHARSET = re.compile(r"charset\s*=\s*\"?([\w.:-]+)", re.I)


def _body_text(body: bytes, content_type: str, content_encoding: str, what: str) -> str:
    """``body`` as text: UTF-8, else the charset the Content-Type names; else refused."""
    if content_encoding.strip().lower() not in ("", "identity"):
        raise UnrecordableBody(f"{what}: the body is still {content_encoding}-compressed, so "
                               f"it cannot be checked for keys; not recorded")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    charset = _CHARSET.search(content_type or "")
    if charset:
        try:
            return body.decode(charset.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    raise UnrecordableBody(f"{what}: the body is not UTF-8 text (nor in a charset its "
                           f"Content-Type names), so it cannot be checked for keys; not recorded")


def _register_answer_keys(text: str) -> None:
    """A key in a key field of this very body (a client key just created or reset) is known
    before the body is scrubbed, so an echo of it elsewhere goes too."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            register_keys_in(json.loads(text), text)
        except ValueError:
            pass


def _scrub_headers(headers: dict) -> dict:
    """Header names and values redacted; a header named for a key (``X-API-Key``) loses its
    value whatever it is."""
    clean = {}
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        if is_key_name(str(name)):
            values = [REDACTED for _ in values]
        else:
            values = [redact(v) if isinstance(v, str) else v for v in values]
        clean[redact(name)] = values if isinstance(value, list) else values[0]
    return clean


def _first(headers: dict, name: str) -> str:
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value[0] if isinstance(value, list) and value else value or "")
    return ""


def scrub_request(request):
    """vcrpy ``before_record_request``: no key in the URL, the body or the headers; a loopback
    receiver URL in a body reads the same in every kernel (see ``_LOOPBACK_RECEIVER``); a body
    that is not text is refused."""
    request.uri = redact(request.uri)
    headers = dict(request.headers)
    body = getattr(request, "body_bytes", request.body)
    if isinstance(body, (bytes, bytearray)) and body:
        text = _body_text(bytes(body), _first(headers, "content-type"),
                          _first(headers, "content-encoding"),
                          f"{getattr(request, 'method', 'the')} request to {request.uri}")
        _register_answer_keys(text)
        request.body = _LOOPBACK_RECEIVER.sub(LOOPBACK_RECEIVER, redact(text)).encode("utf-8")
    elif isinstance(body, str):
        _register_answer_keys(body)
        request.body = _LOOPBACK_RECEIVER.sub(LOOPBACK_RECEIVER, redact(body))
    request.headers = _scrub_headers(headers)
    return request


def scrub_response(response: dict) -> dict | None:
    """vcrpy ``before_record_response``: drop 429s and 5xx (a retry is not part of the story);
    replace any key in the body, the headers and the status line. vcrpy has decompressed the
    body already; one it could not, or in an unknown encoding, is refused. A body in another
    charset is kept as UTF-8 text (its Content-Type says so)."""
    code = int(response.get("status", {}).get("code", 0))
    if code in DROPPED_STATUSES or code >= 500:
        return None
    headers = response.get("headers") or {}
    body = response.get("body") or {}
    content = body.get("string")
    if isinstance(content, (bytes, bytearray)) and content:
        text = _body_text(bytes(content), _first(headers, "content-type"),
                          _first(headers, "content-encoding"), f"the answer ({code})")
        if text.encode("utf-8") != content:   # another charset: now UTF-8, and says so
            headers = _with_utf8_charset(headers)
        content = text
    if isinstance(content, str):
        _register_answer_keys(content)
        clean = redact(content).encode("utf-8")
        if "string" in body and clean != body["string"]:
            headers = _with_length(headers, len(clean))
        body["string"] = clean
    response["headers"] = _scrub_headers(headers)
    status = response.get("status")
    if isinstance(status, dict) and isinstance(status.get("message"), str):
        status["message"] = redact(status["message"])
    return response


def _with_utf8_charset(headers: dict) -> dict:
    out = dict(headers)
    for key in out:
        if str(key).lower() == "content-type":
            value = _first({key: out[key]}, "content-type")
            fixed = _CHARSET.sub("charset=utf-8", value) if _CHARSET.search(value) else (
                f"{value}; charset=utf-8")
            out[key] = [fixed] if isinstance(out[key], list) else fixed
    return out


def _with_length(headers: dict, length: int) -> dict:
    out = dict(headers)
    for key in out:
        if str(key).lower() == "content-length":
            out[key] = [str(length)] if isinstance(out[key], list) else str(length)
    return out


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
    if replay_path:
        start, path = _start_replay, replay_path
    elif record_path:
        start, path = _start_record, record_path
    else:
        return None
    with _lock:
        if _session is None:
            _session = start(path)
            print(_session.banner(), flush=True)
    return _session


def replaying() -> bool:
    s = session()
    return s is not None and s.mode == "replay"


def recording() -> bool:
    s = session()
    return s is not None and s.mode == "record"


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
    # An upload sends batches from several threads: one lock per cassette, or two threads
    # writing the file at once can leave the shorter copy on disk (exchanges lost).
    append = recorded.append
    saving = threading.Lock()

    def append_and_save(request, response):
        with saving:
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
    from ..client import SmartleadClient

    from .._transport import NO_RETRIES

    if s.mode == "replay":
        # Replayed responses come from a file: nothing to pace, nothing to retry, no window
        # to wait for (429s and 5xx are never recorded anyway). Chosen here, where the
        # client is built; the transport knows nothing of replay.
        base_url = s.base_url or _first_base_url(s.cassette)
        return SmartleadClient(REPLAY_KEY, base_url=base_url, rate_limit=None,
                               retry=NO_RETRIES, honour_rate_headers=False,
                               mode="sandbox" if s.target == "sandbox" else "live",
                               one_at_a_time=True)
    if s.target == "sandbox":
        return SmartleadClient(os.environ["SMARTLEAD_API_KEY"], base_url=s.base_url,
                               rate_limit=None, mode="sandbox", one_at_a_time=True)
    return None  # recording live: connect() proceeds as usual (one_at_a_time, see recording())


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


def find_leaks(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Anything in ``text`` that looks like an API key: a key field (``api_key=``,
    ``"apiKey":"…"``...) with a value other than REDACTED, a sandbox client key, the sandbox's
    demo key, and the ``extra`` strings (e.g. the key just used) in any spelling or case.

    >>> find_leaks('{"apiKey":"abc123"} x=REDACTED')
    ['apiKey":"abc123']
    """
    from ..sandbox.clients.models import KEY_PREFIX

    found = key_fields(text)
    found += re.findall(re.escape(KEY_PREFIX) + r"[0-9a-f]{8,}", text)
    secrets = tuple(sorted({s for s in (SANDBOX_DEMO_KEY, *extra) if s and s != REDACTED}))
    found += [m.group(0) for m in _pattern_for(secrets).finditer(text)]
    return found


@functools.lru_cache(maxsize=16)
def _pattern_for(secrets: tuple[str, ...]) -> re.Pattern[str]:
    return secret_pattern(secrets)


def leaks_in_file(path: Path, extra: Iterable[str] = ()) -> list[str]:
    """:func:`find_leaks` over every place the recorder can write in a cassette (or a notebook):
    the raw text, then each YAML/JSON key and value as parsed (a string split over lines or
    written with escapes reads whole), ``!!binary`` bodies decoded (gzip and zlib too),
    base64 text decoded, and a key field's value (``api_key: …``, an ``X-API-Key`` header)
    that is not REDACTED."""
    extra = tuple(extra)
    data = Path(path).read_bytes()
    text = data.decode("utf-8", errors="replace")
    found = find_leaks(text, extra)
    import yaml   # vcrpy's own dependency: here whenever cassettes are

    try:
        parsed = (yaml.safe_load(text) if Path(path).suffix in (".yaml", ".yml")
                  else json.loads(text))
    except (ValueError, yaml.YAMLError):   # neither: the raw text was all there is
        return found
    return found + _leaks_in_structure(parsed, extra)


def _leaks_in_structure(value: Any, extra: tuple[str, ...], level: int = 0) -> list[str]:
    if level > 64:
        return []
    if isinstance(value, str):
        return find_leaks(value, extra) + _leaks_in_base64(value, extra)
    if isinstance(value, (bytes, bytearray)):
        return _leaks_in_bytes(bytes(value), extra)
    found: list[str] = []
    if isinstance(value, dict):
        for name, item in value.items():
            found += _leaks_in_structure(name, extra, level + 1)
            if isinstance(name, str) and is_key_name(name):
                items = item if isinstance(item, list) else [item]
                found += [f"{name}: {v}" for v in items if isinstance(v, str) and looks_like_key(v)]
            found += _leaks_in_structure(item, extra, level + 1)
    elif isinstance(value, list):
        for item in value:
            found += _leaks_in_structure(item, extra, level + 1)
    return found


_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")


def _leaks_in_base64(text: str, extra: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for m in _BASE64.finditer(text.replace("\n", "")):
        chunk = m.group(0)
        try:
            raw = base64.b64decode(chunk + "=" * (-len(chunk) % 4), altchars=b"-_"
                                   if ("-" in chunk or "_" in chunk) else None, validate=True)
        except (binascii.Error, ValueError):
            continue
        found += _leaks_in_bytes(raw, extra, nested=False)
    return found


def _leaks_in_bytes(raw: bytes, extra: tuple[str, ...], nested: bool = True) -> list[str]:
    """A binary body read every way a key could hide in it: decompressed, as UTF-8, Latin-1
    (every byte as itself) and UTF-16."""
    for unpack in (gzip.decompress, zlib.decompress):
        try:
            raw = unpack(raw)
            break
        except Exception:
            continue
    texts = {raw.decode("latin-1"), raw.decode("utf-8", errors="replace")}
    for codec in ("utf-16", "utf-16-le", "utf-16-be"):
        try:
            texts.add(raw.decode(codec))
        except UnicodeDecodeError:
            pass
    found = [leak for t in texts for leak in find_leaks(t, extra)]
    if nested and not found:
        found = [leak for t in texts for leak in _leaks_in_base64(t, extra)]
    return sorted(set(found))

