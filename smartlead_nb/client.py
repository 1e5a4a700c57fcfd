"""``SmartleadClient``: every SmartLead endpoint the toolkit wraps, as explicit methods.

>>> import smartlead_nb as sl
>>> client = sl.SmartleadClient()        # key from SMARTLEAD_API_KEY   # doctest: +SKIP
>>> client.campaigns_frame()                                            # doctest: +SKIP

Most analysts start with :func:`smartlead_nb.connect`, which falls back to the local sandbox
when no key is set.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from ._ratelimit import STANDARD, RateLimit
from ._transport import DEFAULT_TIMEOUT, Response, RetryPolicy, Transport
from .errors import InputError
from .resources.accounts import EmailAccountsMixin
from .resources.analytics import AnalyticsMixin
from .resources.campaigns import CampaignsMixin
from .resources.confirm import needs_confirmation, refusal
from .resources.inbox import InboxMixin
from .resources.leads import LeadsMixin
from .resources.sequences import SequencesMixin
from .resources.warmup import WarmupMixin

DEFAULT_BASE_URL = "https://server.smartlead.ai/api/v1"
KEY_ENV = "SMARTLEAD_API_KEY"
BASE_URL_ENV = "SMARTLEAD_BASE_URL"


class SmartleadClient(CampaignsMixin, SequencesMixin, EmailAccountsMixin, LeadsMixin, AnalyticsMixin,
                      InboxMixin, WarmupMixin):
    """A client for SmartLead's REST API (v1).

    Args:
        api_key: your key; defaults to the ``SMARTLEAD_API_KEY`` environment variable. It is
            never shown: not in this object's repr, errors, or log lines.
        base_url: defaults to ``SMARTLEAD_BASE_URL`` or SmartLead's server.
        rate_limit: the key's budget, spent client-side so normal use never meets a 429.
            ``smartlead_nb.STANDARD`` (default: 10/s, 60/min, 1,000/h) or ``smartlead_nb.PRO``;
            ``None`` disables the client-side limit.
        retry: how often reads are retried (see ``RetryPolicy``).
        timeout: seconds, or (connect, read).
        identity: what names the account in this client's state files (upload journals,
            launch state, the shared rate budget), together with the key. Defaults to
            ``base_url``; ``connect()`` gives a sandbox's ``instance_id`` instead, since a
            sandbox's port changes with every kernel.

    Every method checks its input before sending and raises a typed error from
    :mod:`smartlead_nb.errors` on failure.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        rate_limit: RateLimit | None = STANDARD,
        retry: RetryPolicy = RetryPolicy(),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        mode: str = "live",
        identity: str | None = None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(KEY_ENV)
        if not key or not str(key).strip():
            raise InputError(
                f"no SmartLead API key: pass api_key=..., set the {KEY_ENV} environment variable, "
                f"call smartlead_nb.login() to type it, or use smartlead_nb.connect() to work "
                f"against the local sandbox"
            )
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.mode = mode
        self._transport = Transport(self.base_url, str(key).strip(), rate_limit=rate_limit,
                                    retry=retry, timeout=timeout, identity=identity)

    def __repr__(self) -> str:
        limit = self._transport.rate_limit
        return (f"SmartleadClient(base_url={self.base_url!r}, key=********, mode={self.mode!r}, "
                f"rate_limit={limit.describe() if limit else None!r})")

    def __enter__(self) -> "SmartleadClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    @property
    def fingerprint(self) -> str:
        """A short one-way name for this account (identity and key), safe in file names.

        State files are named by it: the same account gives the same name in every kernel,
        and the key cannot be recovered from it.

        >>> client.fingerprint                                  # doctest: +SKIP
        '3f9a0c1d2e4b5a69'
        """
        return self._transport.fingerprint

    @property
    def last_rate_limit(self):
        """What the last response said about the budget (``X-RateLimit-*`` headers)."""
        return self._transport.last_rate_limit

    @property
    def stats(self) -> dict[str, int]:
        """Requests sent and retries made by this client so far."""
        return {"requests": self._transport.requests_sent, "retries": self._transport.retries_made}

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, check_ok: bool = True, confirm: bool = False,
                expect: str = "json") -> Any:
        """Call an endpoint this client does not wrap yet; returns the parsed body.

        Gets the same key handling, rate limit, retries and typed errors as every method, and
        the same confirmations: a call that sends email or cannot be undone (a campaign status
        START/ACTIVE/STOPPED, deleting a campaign, an upload overriding the block or
        unsubscribe list, unsubscribing a lead everywhere) is refused without ``confirm=True``,
        by the very rule the wrapped methods use.

        >>> client.request("GET", "campaigns/7/mailbox-statistics", params={"limit": 20})  # doctest: +SKIP
        >>> client.request("DELETE", "campaigns/7", confirm=True)                          # doctest: +SKIP
        """
        reason = needs_confirmation(method, self._transport.relative_path(path), json)
        if reason and confirm is not True:
            raise InputError(refusal(reason, "call request() again with confirm=True"))
        return self._transport.request(method, path, params=params, json=json,
                                       check_ok=check_ok, expect=expect).body

    def raw_request(self, method: str, path: str, **kwargs: Any) -> Response:
        """Like :meth:`request` but returns status, headers and body, and SKIPS THE
        CONFIRMATION GUARDS: it will start a campaign, delete one or override the block list
        without asking. Use it only when you have checked the call yourself.

        What it keeps: the key goes only to ``base_url`` (never another origin, never through
        a redirect), the rate limit, retries, timeouts and typed errors. Keyword arguments are
        the transport's: ``params``, ``json``, ``data``, ``timeout``, ``check_ok``, ``expect``.
        """
        return self._transport.request(method, path, **kwargs)

    @property
    def sandbox(self) -> "SandboxControl":
        """Drive the local sandbox's simulated clock (only when talking to a sandbox)."""
        return SandboxControl(self)


class SandboxControl:
    """The sandbox's own controls, over HTTP, so they work whether the sandbox runs in this
    kernel or as ``python -m smartlead_nb.sandbox`` elsewhere."""

    def __init__(self, client: SmartleadClient) -> None:
        self._client = client

    def advance(self, days: float = 0, hours: float = 0, minutes: float = 0) -> dict:
        """Move the sandbox's clock forward; active campaigns 'send' and leads 'respond'."""
        return self._call("POST", "_sandbox/advance", {"days": days, "hours": hours, "minutes": minutes})

    def state(self) -> dict:
        """The sandbox's clock, seed and counts of what it holds."""
        return self._call("GET", "_sandbox/state", None)

    def reset(self, *, confirm: bool = False) -> dict:
        """Wipe the sandbox and start over: every campaign, lead and send is deleted, the
        demo sender accounts are seeded again and the clock goes back to its start.

        The sandbox keeps its state in a file (``$SMARTLEAD_NB_SANDBOX_DB``, else
        ``~/.cache/smartlead_nb/sandbox.sqlite3``) shared by every notebook, so this is how a
        class or a workshop gets a clean slate. Needs ``confirm=True``: nothing can be
        brought back.

        >>> client.sandbox.reset(confirm=True)      # doctest: +SKIP
        {'ok': True, 'now': '...'}
        """
        if confirm is not True:
            raise InputError("reset() deletes everything in the sandbox (campaigns, leads, "
                             "sends) and cannot be undone; call client.sandbox.reset(confirm=True) "
                             "to do it")
        return self._call("POST", "_sandbox/reset", {})

    def _call(self, method: str, path: str, body: Any) -> dict:
        from .errors import NotFoundError

        try:
            return self._client.request(method, path, json=body)
        except NotFoundError:
            raise InputError(f"{self._client.base_url} is not a smartlead_nb sandbox: "
                             f"its clock can only be moved in the sandbox") from None
