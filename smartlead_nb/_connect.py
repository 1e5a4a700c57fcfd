"""The front door: a client for SmartLead when a key is set, else for the local sandbox."""

from __future__ import annotations

import getpass
import os
import threading
from dataclasses import replace

from ._ratelimit import STANDARD, RateLimit
from ._redact import redacted_errors
from ._transport import Secret, as_secret
from .client import KEY_ENV, SmartleadClient

_sandbox = None
_sandbox_lock = threading.Lock()
# Runs the sandbox's rate-limit windows faster (and the client's budget with them), for tests
# and workshops: 0.1 spends a minute's budget in six seconds. Live SmartLead is never scaled.
TIME_SCALE_ENV = "SMARTLEAD_NB_SANDBOX_TIME_SCALE"


@redacted_errors
def connect(api_key: str | Secret | None = None, *, rate_limit: RateLimit | None = STANDARD,
            prompt: bool = False, quiet: bool = False) -> SmartleadClient:
    """Return a ready client.

    * With a key (argument or ``SMARTLEAD_API_KEY``) it talks to SmartLead
      (``SMARTLEAD_BASE_URL`` overrides the address).
    * Without one it starts (or reuses) the local sandbox in this process and says so in one
      line: nothing is sent to SmartLead and no email goes out. Set ``prompt=True`` to be asked
      for a key (hidden input) instead.

    >>> client = connect()                                   # doctest: +SKIP
    smartlead_nb: no SMARTLEAD_API_KEY set, so this uses the local sandbox at http://127.0.0.1:...

    With ``SMARTLEAD_NB_CASSETTE`` set it replays that recording instead (see
    :mod:`smartlead_nb.replay`): no sandbox, no network, and one line says so.

    Whatever goes wrong, the exception shows no key (see :class:`SmartleadClient`).
    """
    # First: no frame keeps the raw text (a traceback printer shows locals).
    api_key = as_secret(api_key or os.environ.get(KEY_ENV))
    from . import replay

    recorded = replay.client_for_connect(rate_limit)  # SMARTLEAD_NB_CASSETTE: no network
    if recorded is not None:
        return recorded
    if api_key is None and prompt:
        api_key = ask_for_key()
    if api_key is not None:
        return SmartleadClient(api_key, rate_limit=rate_limit, one_at_a_time=replay.recording())
    sandbox = sandbox_instance()
    # The client's budget runs at the running sandbox's pace (set once, when it started).
    scale = sandbox.rate_limits.time_scale if sandbox.rate_limits is not None else 1.0
    if rate_limit is not None and scale != 1.0:
        rate_limit = rate_limit.scaled(scale)
    if not quiet:
        print(f"smartlead_nb: no {KEY_ENV} set, so this uses the local sandbox at "
              f"{sandbox.base_url}; nothing is sent to SmartLead and no email goes out.")
    # Named by the sandbox's instance id, not its port (new in every kernel), so journals,
    # launch state and the rate budget carry over between kernels using the same database.
    return SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=rate_limit,
                           mode="sandbox", identity=f"sandbox:{sandbox.instance_id}")


def sandbox_instance():
    """The sandbox this process uses for ``connect()``, started on first use.

    Its state lives in ``SMARTLEAD_NB_SANDBOX_DB`` or the user's cache directory, so campaigns
    survive a kernel restart.
    """
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None:
            from .sandbox import Sandbox
            from .sandbox.ratelimit import STANDARD as SANDBOX_LIMITS

            limits = replace(SANDBOX_LIMITS, time_scale=sandbox_time_scale())
            _sandbox = Sandbox(rate_limits=limits).start()
        return _sandbox


def sandbox_time_scale() -> float:
    """``$SMARTLEAD_NB_SANDBOX_TIME_SCALE`` as a positive number (1.0 when unset)."""
    raw = os.environ.get(TIME_SCALE_ENV, "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0 < scale <= 1:
        from .errors import InputError

        raise InputError(f"{TIME_SCALE_ENV}={raw!r}: use a number above 0 and at most 1 "
                         f"(0.1 runs the rate-limit windows ten times faster), or unset it")
    return scale


def ask_for_key() -> Secret:
    """Ask for the API key with hidden input; it is kept in this process only, as a
    ``Secret`` from the moment it is typed."""
    key = as_secret(getpass.getpass("SmartLead API key (input hidden): "))
    if key is None:
        from .errors import InputError

        raise InputError("no key entered")
    return key


@redacted_errors
def login(*, rate_limit: RateLimit | None = STANDARD) -> SmartleadClient:
    """Type the key (hidden) and get a live client; the key is not written anywhere.

    Handy in a shared notebook: the key never appears in a cell or its output.
    """
    return SmartleadClient(ask_for_key(), rate_limit=rate_limit)
