"""``SmartleadClient``: SmartLead's API as a shelf of services named after SmartLead's own
groups (``client.campaigns``, ``client.leads``, ``client.email_accounts``, ...), each with
short verbs (``list``, ``get``, ``create``, ``frame``, ...), and a handle for one campaign.

>>> import smartlead_nb as sl
>>> client = sl.SmartleadClient()        # key from SMARTLEAD_API_KEY   # doctest: +SKIP
>>> client.campaigns.frame()                                            # doctest: +SKIP
>>> camp = client.campaign(125)                                         # doctest: +SKIP

Most analysts start with :func:`smartlead_nb.connect`, which falls back to the local sandbox
when no key is set. The flat names of earlier releases (``client.campaigns.create``) still
work for one release, each with a ``FutureWarning`` naming its new spelling.
"""

from __future__ import annotations

import os
import warnings
from functools import cached_property
from typing import Any, Iterable, Mapping

import pandas as pd

from ._flat_names import CALLED_SERVICES, FORWARDS, forward, moved
from ._ratelimit import STANDARD, RateLimit
from ._redact import redact_public_errors
from ._suggest import close_match
from ._transport import (DEFAULT_TIMEOUT, RateLimitStatus, Response, RetryPolicy, Secret,
                         Transport, as_secret)
from .errors import InputError
from .resources._base import Api
from .resources.analytics import AnalyticsService
from .resources.block_list import BlockListService
from .resources.campaigns import Campaign, CampaignsService
from .resources.clients import ClientsService
from .resources.confirm import (lead_upload_campaign, needs_confirmation, refusal,
                                refuse_unless_draft)
from .resources.email_accounts import EmailAccountsService
from .resources.inbox import InboxService
from .resources.leads import LeadsService
from .resources.sequences import SequencesService
from .resources.statistics import StatisticsService
from .resources.webhooks import WebhooksService
from .upload import UploadResult

DEFAULT_BASE_URL = "https://server.smartlead.ai/api/v1"
KEY_ENV = "SMARTLEAD_API_KEY"
BASE_URL_ENV = "SMARTLEAD_BASE_URL"


@redact_public_errors
class SmartleadClient:
    """A client for SmartLead's REST API (v1).

    Args:
        api_key: your key (text, or a ``Secret``); defaults to the ``SMARTLEAD_API_KEY``
            environment variable. It is never shown: not in this object's repr, log lines,
            or any exception a method raises (its text, arguments, chained causes, or the
            variables of its traceback's frames), whatever library raised it.
        base_url: defaults to ``SMARTLEAD_BASE_URL`` or SmartLead's server.
        rate_limit: the key's budget, spent client-side so normal use never meets a 429.
            ``smartlead_nb.STANDARD`` (default: 10/s, 60/min, 1,000/h) or ``smartlead_nb.PRO``;
            ``None`` disables the client-side limit.
        retry: how often reads are retried (see ``RetryPolicy``).
        timeout: seconds, or (connect, read).
        honour_rate_headers: wait when ``X-RateLimit-*`` headers say the window is spent
            (a replaying client, whose answers come from a file, turns it off).
        identity: what names the account in this client's state files (upload journals,
            launch state, the shared rate budget), together with the key. Defaults to
            ``base_url``; ``connect()`` gives a sandbox's ``instance_id`` instead, since a
            sandbox's port changes with every kernel.
        one_at_a_time: send one request at a time even when an upload runs batches in
            parallel (replay and recording set it: vcrpy's stubs are not thread-safe).

    The services, one per SmartLead group (``client.<TAB>`` lists them, then
    ``client.leads.<TAB>`` their verbs): ``campaigns`` (with ``.email_accounts`` and
    ``.subsequences``), ``sequences``, ``leads`` (with ``.categories`` and ``.everywhere``),
    ``email_accounts`` (with ``.warmup`` and ``.tags``), ``statistics`` (one campaign's, with
    ``.mailboxes`` and ``.leads``), ``analytics`` (across campaigns), ``inbox``, ``webhooks``,
    ``clients`` (with ``.api_keys``) and ``block_list``. ``client.campaign(id)`` is a handle
    for one campaign. Every verb checks its input before sending and raises a typed error
    from :mod:`smartlead_nb.errors` on failure.
    """

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        base_url: str | None = None,
        rate_limit: RateLimit | None = STANDARD,
        retry: RetryPolicy = RetryPolicy(),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        mode: str = "live",
        identity: str | None = None,
        honour_rate_headers: bool = True,
        one_at_a_time: bool = False,
    ) -> None:
        # First: from here on no frame holds the raw text (a traceback printer shows locals).
        api_key = as_secret(api_key if api_key is not None else os.environ.get(KEY_ENV))
        if api_key is None:
            raise InputError(
                f"no SmartLead API key: pass api_key=..., set the {KEY_ENV} environment variable, "
                f"call smartlead_nb.login() to type it, or use smartlead_nb.connect() to work "
                f"against the local sandbox"
            )
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.mode = mode
        self._transport = Transport(self.base_url, api_key, rate_limit=rate_limit,
                                    retry=retry, timeout=timeout, identity=identity,
                                    honour_rate_headers=honour_rate_headers,
                                    one_at_a_time=one_at_a_time)
        self._api = Api(self._transport)

    # -- the services, one per SmartLead group ------------------------------------------------
    @cached_property
    def campaigns(self) -> CampaignsService:
        """Campaigns: create, get, list, status, schedule, settings; their senders and
        subsequences."""
        return CampaignsService(self._api, self)

    @cached_property
    def sequences(self) -> SequencesService:
        """A campaign's steps and A/B variants."""
        return SequencesService(self._api)

    @cached_property
    def leads(self) -> LeadsService:
        """A campaign's leads (add, upload, list, pause, ...), lookups across the account,
        lead categories."""
        return LeadsService(self._api)

    @cached_property
    def email_accounts(self) -> EmailAccountsService:
        """The account's sender mailboxes, their warm-up and tags."""
        return EmailAccountsService(self._api)

    @cached_property
    def statistics(self) -> StatisticsService:
        """One campaign's statistics: per email, totals, by date, per mailbox, per lead."""
        return StatisticsService(self._api)

    @cached_property
    def analytics(self) -> AnalyticsService:
        """The account's analytics across campaigns (``/analytics/*``)."""
        return AnalyticsService(self._api)

    @cached_property
    def inbox(self) -> InboxService:
        """The master inbox: threads, the replies table, replying."""
        return InboxService(self._api)

    @cached_property
    def webhooks(self) -> WebhooksService:
        """A campaign's webhooks."""
        return WebhooksService(self._api)

    @cached_property
    def clients(self) -> ClientsService:
        """Agency clients (sub-accounts) and their API keys."""
        return ClientsService(self._api)

    @cached_property
    def block_list(self) -> BlockListService:
        """Addresses and domains SmartLead never emails."""
        return BlockListService(self._api)

    def campaign(self, campaign_id: int) -> Campaign:
        """A handle for one campaign, as SmartLead reads it now (``campaigns.get``).

        >>> camp = client.campaign(125)                          # doctest: +SKIP
        >>> camp.statistics()                                    # doctest: +SKIP
        """
        return self.campaigns.get(campaign_id)

    def __getattr__(self, name: str) -> Any:
        # Only names not found the normal way arrive here: the old flat names forward.
        if name in FORWARDS and name not in CALLED_SERVICES:
            warnings.warn(moved(name), FutureWarning, stacklevel=2)
            return forward(self, name)
        public = [n for n in dir(type(self)) if not n.startswith("_")]
        guess = close_match(name, [*public, *FORWARDS]) if not name.startswith("_") else None
        hint = ""
        if guess is not None:   # a misspelt old name is pointed at its new spelling
            hint = f" (did you mean client.{FORWARDS[guess].new if guess in FORWARDS else guess}?)"
        raise AttributeError(f"'SmartleadClient' object has no attribute {name!r}{hint}")

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
    def last_rate_limit(self) -> RateLimitStatus:
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
        unsubscribe list, unsubscribing a lead everywhere, replying in a thread, removing a
        campaign's senders, deleting a block-list entry; the list lives in
        :func:`smartlead_nb.resources.confirm.needs_confirmation`; adding leads to a campaign
        that is no longer DRAFTED, whose status is asked first) is refused without
        ``confirm=True``, by the very rule the wrapped methods use. The rule judges the path
        exactly as it is sent (one reading of it: dot segments and escapes resolved), and
        a path that leaves ``base_url``'s root, or that servers could read in two ways, is
        refused with an ``InputError`` before anything is sent, whatever ``confirm`` says.

        >>> client.request("GET", "campaigns/7/mailbox-statistics", params={"limit": 20})  # doctest: +SKIP
        >>> client.request("DELETE", "campaigns/7", confirm=True)                          # doctest: +SKIP
        """
        reason = needs_confirmation(method, self._transport.relative_path(path), json)
        if reason and confirm is not True:
            raise InputError(refusal(reason, "call request() again with confirm=True"))
        upload_to = lead_upload_campaign(method, self._transport.relative_path(path))
        if upload_to is not None and confirm is not True:
            refuse_unless_draft(self._api.call("GET", f"campaigns/{upload_to}", shape=dict),
                                confirm, "call request() again with confirm=True")
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


def upload_leads(client: SmartleadClient, campaign_id: int,
                 source: pd.DataFrame | str | os.PathLike | Iterable[pd.DataFrame],
                 **options: Any) -> UploadResult:
    """``client.leads.upload(campaign_id, source, **options)`` as a function: any number of
    leads from a DataFrame, a CSV path or an iterator of DataFrames, checked, in batches of
    400, with a per-row report and a journal to resume from (see
    :meth:`~smartlead_nb.resources.leads.LeadsService.upload` for the options).

    >>> sl.upload_leads(client, 7, "big.csv", report_path="report.csv")   # doctest: +SKIP
    """
    return client.leads.upload(campaign_id, source, **options)


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

    def set_truth(self, campaign_id: int, *, reply_rates: Mapping[Any, float] | None = None,
                  positive_share: float | None = None,
                  bounce_rates: Mapping[int, Any] | None = None,
                  reply_delay_days: float | None = None) -> dict | None:
        """Give a campaign a known truth, so a method can be checked against it.

        From the next ``advance()`` on, the campaign's emails are drawn from it (sends already
        made stay); the sandbox keeps it in its file and ``reset()`` forgets it. Each call
        replaces the whole truth; fields left as None keep the sandbox's default, and a call
        with none at all removes the truth.

        Args:
            reply_rates: the probability that a reached (not bounced) lead replies, by
                variant label (``"A"``, in every step that has it) or step number (``1``,
                for a step without variants).
            positive_share: the share of replies categorised Interested or Meeting Request;
                the rest are Not Interested, Out Of Office (which does not end the sequence),
                Information Request, Do Not Contact (an unsubscribe: the lead is unsubscribed)
                and Wrong Person.
            bounce_rates: by sender account id, a probability, or
                ``{"rate": 0.02, "from_day": 5, "then": 0.2}`` for a mailbox that degrades
                from day 5 (day 0: the date of the campaign's first email); add
                ``"over_days": 21`` for a slow drift from ``rate`` to ``then`` over 21 days.
            reply_delay_days: the mean delay of a reply (gamma-distributed, so replies keep
                arriving for days after a send); default uniform over 0.5-72 hours.

        Returns the truth as stored (``None`` when removed). The values are checked here
        (``InputError``); labels and accounts the campaign lacks are refused by the sandbox.

        >>> client.sandbox.set_truth(cid, reply_rates={"A": 0.05, "B": 0.15},   # doctest: +SKIP
        ...                          bounce_rates={3001: {"rate": 0.02, "from_day": 5, "then": 0.2}})
        {'reply_rates': {'A': 0.05, 'B': 0.15}, 'bounce_rates': {3001: {...}}}
        """
        from .resources._base import check_id
        from .sandbox.truth import Truth, TruthError

        cid = check_id(campaign_id, "campaign_id")
        fields = {"reply_rates": reply_rates, "positive_share": positive_share,
                  "bounce_rates": bounce_rates, "reply_delay_days": reply_delay_days}
        try:
            truth = Truth.parse(fields)   # the sandbox's own check, before anything is sent
        except TruthError as exc:
            raise InputError(f"set_truth(campaign {cid}): {exc}; nothing was sent") from None
        body = self._call("POST", "_sandbox/truth", {"campaign_id": cid, **truth.to_json()})
        return _truth_from_json(body.get("truth"))

    def get_truth(self, campaign_id: int) -> dict | None:
        """The campaign's truth as the sandbox stores it, or None (see :meth:`set_truth`)."""
        from .resources._base import check_id

        cid = check_id(campaign_id, "campaign_id")
        body = self._call("GET", "_sandbox/truth", None, params={"campaign_id": cid})
        return _truth_from_json(body.get("truth"))

    def _call(self, method: str, path: str, body: Any,
              params: Mapping[str, Any] | None = None) -> dict:
        from .errors import NotFoundError

        try:
            return self._client.request(method, path, params=params, json=body)
        except NotFoundError:
            raise InputError(f"{self._client.base_url} is not a smartlead_nb sandbox: "
                             f"its clock can only be moved in the sandbox") from None


def _truth_from_json(truth: dict | None) -> dict | None:
    """JSON keys are strings: give account ids and step numbers back as the ints they were."""
    if not truth:
        return None
    out = dict(truth)
    if "reply_rates" in out:
        out["reply_rates"] = {int(k) if k.isdigit() else k: v
                              for k, v in out["reply_rates"].items()}
    if "bounce_rates" in out:
        out["bounce_rates"] = {int(k): v for k, v in out["bounce_rates"].items()}
    return out
