"""``client.campaigns``: create, list, read, delete, status, schedule and settings; and the
:class:`Campaign` handle, the campaign an analyst works on as one object.

>>> camp = client.campaigns.create("Q1 outreach")             # doctest: +SKIP
>>> camp                                                      # doctest: +SKIP
Campaign(id=3, name='Q1 outreach', status='DRAFTED')
>>> camp.sequences.save(steps_frame)                          # doctest: +SKIP
>>> camp.email_accounts.add([3001, 3002])                     # doctest: +SKIP
>>> camp.leads.add(pd.read_csv("leads.csv"))                  # doctest: +SKIP
>>> camp.schedule("America/New_York", days="Mon-Fri", start="9am", end="5pm")  # doctest: +SKIP
>>> camp.settings(track_opens=False, stop_on="reply")         # doctest: +SKIP
>>> camp.start(confirm=True)                                  # doctest: +SKIP
>>> camp.statistics()                                         # doctest: +SKIP
"""

from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable, Generic, Iterator, Mapping, Protocol, TypeVar

import pandas as pd

from ..errors import InputError
from ..frames.responses import campaigns_frame, coerce_counts
from ..schedule import Schedule
from ..settings import CampaignSettings, check_settings_payload
from ._base import Service, check_id, read_campaign, refuse_unconfirmed, stamps_read_at
from .confirm import campaign_status
from .email_accounts import CampaignEmailAccounts
from .leads import LeadsService
from .sequences import SequencesService
from .statistics import StatisticsService
from .subsequences import SubsequencesService
from .webhooks import WebhooksService

STATUS_WRITE = ("START", "PAUSED", "STOPPED")
# Starting sends real email; stopping cannot be undone. Both need confirm=True (the rule,
# shared with SmartleadClient.request(), is in .confirm).


class CampaignServices(Protocol):
    """What a :class:`Campaign` reaches: the client's services (``SmartleadClient`` has them)."""

    @property
    def campaigns(self) -> CampaignsService: ...
    @property
    def sequences(self) -> SequencesService: ...
    @property
    def leads(self) -> LeadsService: ...
    @property
    def statistics(self) -> StatisticsService: ...
    @property
    def webhooks(self) -> WebhooksService: ...


class CampaignsService(Service):
    """The account's campaigns: ``create``, ``get``, ``get_or_create``, ``list``, ``frame``,
    ``delete``, ``set_status`` (``start``, ``pause``, ``stop``), ``schedule``, ``settings``;
    a campaign's senders (``email_accounts``) and its subsequences (``subsequences``).

    ``create``, ``get`` and ``get_or_create`` return a :class:`Campaign` handle.
    """

    def __init__(self, api: Any, services: CampaignServices) -> None:
        super().__init__(api)
        self._services = services

    @functools.cached_property
    def email_accounts(self) -> CampaignEmailAccounts:
        """The sender mailboxes a campaign sends from."""
        return CampaignEmailAccounts(self._api)

    @functools.cached_property
    def subsequences(self) -> SubsequencesService:
        """Subsequences: campaigns with a parent that its leads are pushed into."""
        return SubsequencesService(self._api)

    def create(self, name: str | None = None, *, client_id: int | None = None) -> Campaign:
        """Create a campaign and return its handle, as SmartLead reads it back (one request to
        create it, one to read it). It starts ``DRAFTED``, with no sequence, senders or leads.

        Args:
            name: defaults to SmartLead's "Untitled Campaign". Names are not unique: calling
                this twice creates two campaigns (see :meth:`get_or_create`).
            client_id: the agency sub-account the campaign belongs to.

        >>> camp = client.campaigns.create("Q1 outreach")          # doctest: +SKIP
        >>> camp.id, camp.status                                   # doctest: +SKIP
        (3, 'DRAFTED')
        """
        created = self._create(name, client_id=client_id)
        return self.get(created["id"])

    def _create(self, name: str | None = None, *, client_id: int | None = None) -> dict:
        """``POST /campaigns/create``: SmartLead's answer ``{ok, id, name, created_at}``."""
        body: dict[str, Any] = {}
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"campaign name must be a non-empty string, got {name!r}")
            body["name"] = name
        if client_id is not None:
            body["client_id"] = check_id(client_id, "client_id")
        return coerce_counts(self._api.call("POST", "campaigns/create", json=body, shape=dict))

    def get(self, campaign_id: int, *, include_tags: bool = False) -> Campaign:
        """One campaign's handle. Raises :class:`NotFoundError` naming the id if there is none.

        >>> client.campaigns.get(125)                              # doctest: +SKIP
        Campaign(id=125, name='Q1 outreach', status='ACTIVE')
        """
        record = read_campaign(self._api, campaign_id, include_tags=include_tags)
        return Campaign(self._services, record)

    def get_or_create(self, name: str, *, client_id: int | None = None) -> Campaign:
        """The newest campaign called ``name`` (in ``client_id``), created if there is none.

        Safe to re-run: the create is not repeated once the campaign exists.
        """
        for campaign in self.list(client_id=client_id):
            if campaign.get("name") == name and (client_id is None
                                                 or campaign.get("client_id") == client_id):
                return Campaign(self._services, campaign)
        return self.create(name, client_id=client_id)

    def list(self, *, client_id: int | None = None, include_tags: bool = False) -> list[dict]:
        """Every campaign of the account (newest first); not paginated by SmartLead."""
        params = {"client_id": check_id(client_id, "client_id") if client_id is not None else None,
                  "include_tags": include_tags or None}
        body = self._api.call("GET", "campaigns/", params=params, shape=list)
        return [coerce_counts(c) for c in body]

    @stamps_read_at
    def frame(self, *, client_id: int | None = None, include_tags: bool = False) -> pd.DataFrame:
        """:meth:`list` as a DataFrame (datetimes, integer counts, schedule columns)."""
        return campaigns_frame(self.list(client_id=client_id, include_tags=include_tags))

    def delete(self, campaign_id: int, *, confirm: bool = False) -> dict:
        """Delete a campaign with its sequences, lead mappings and statistics. Cannot be undone.

        Requires ``confirm=True``.
        """
        cid = check_id(campaign_id, "campaign_id")
        refuse_unconfirmed("DELETE", f"campaigns/{cid}", None, confirm)
        return self._api.call("DELETE", f"campaigns/{cid}", subject=f"campaign {cid}", shape=dict)

    def set_status(self, campaign_id: int, status: str, *, confirm: bool = False) -> dict:
        """Change a campaign's status: ``"START"``, ``"PAUSED"`` or ``"STOPPED"`` (sent with POST).

        ``START`` (sends real email) and ``STOPPED`` (irreversible) need ``confirm=True``.
        SmartLead reads a started campaign back as ``ACTIVE``.
        """
        cid = check_id(campaign_id, "campaign_id")
        value = str(status).strip().upper()
        if value == "ACTIVE":  # the docs' own examples send it; SmartLead's text says START
            value = "START"
        if value not in STATUS_WRITE:
            raise InputError(f"unknown campaign status {status!r}: use one of {', '.join(STATUS_WRITE)}")
        body = {"status": value}
        refuse_unconfirmed("POST", f"campaigns/{cid}/status", body, confirm)
        return self._api.call("POST", f"campaigns/{cid}/status", json=body,
                              subject=f"campaign {cid}", shape=dict)

    def start(self, campaign_id: int, *, confirm: bool = False) -> dict:
        """Start (or resume) sending. Needs a sequence, a sender account and a lead."""
        return self.set_status(campaign_id, "START", confirm=confirm)

    def pause(self, campaign_id: int) -> dict:
        """Pause sending; :meth:`start` resumes it."""
        return self.set_status(campaign_id, "PAUSED")

    def stop(self, campaign_id: int, *, confirm: bool = False) -> dict:
        """Stop for good (SmartLead cannot resume a STOPPED campaign)."""
        return self.set_status(campaign_id, "STOPPED", confirm=confirm)

    def schedule(self, campaign_id: int,
                 schedule: Schedule | Mapping[str, Any] | str | None = None, *,
                 verify: bool = True, **fields: Any) -> dict:
        """Set when the campaign sends. Checked before sending, then read back.

        Pass a :class:`~smartlead_nb.Schedule`, a variant-A payload dict, or Schedule's
        arguments (the timezone first, or as a keyword):

        >>> client.campaigns.schedule(7, "Europe/Berlin", days="Mon-Fri",
        ...                           start="09:00", end="17:00")   # doctest: +SKIP

        With ``verify=True`` the campaign is re-read and a warning is issued if SmartLead
        stored something else (the schedule body's shape is the least certain of the API).
        """
        cid = check_id(campaign_id, "campaign_id")
        sched = _as_schedule(schedule, fields)
        result = self._api.call("POST", f"campaigns/{cid}/schedule", json=sched.to_payload(),
                                subject=f"campaign {cid}", shape=dict)
        if verify:
            stored = Schedule.from_campaign(read_campaign(self._api, cid))
            if stored is None or (stored.timezone, stored.day_numbers, stored.start, stored.end) != (
                    sched.timezone, sched.day_numbers, sched.start, sched.end):
                warnings.warn(f"campaign {cid}: SmartLead stored schedule {stored} "
                              f"but {sched} was sent", stacklevel=2)
        return result

    def settings(self, campaign_id: int,
                 settings: CampaignSettings | Mapping[str, Any] | None = None,
                 **fields: Any) -> dict:
        """Set tracking, the stop rule and sending options (only what is given changes).

        >>> client.campaigns.settings(7, track_opens=False, stop_on="reply")  # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        if isinstance(settings, CampaignSettings):
            body = settings.to_payload()
        elif settings is not None:
            body = check_settings_payload(settings)
        else:
            body = CampaignSettings(**fields).to_payload()   # unknown names: InputError
        if not body:
            raise InputError("no settings given: nothing to send")
        return self._api.call("POST", f"campaigns/{cid}/settings", json=body,
                              subject=f"campaign {cid}", shape=dict)


def _as_schedule(schedule: Any, fields: Mapping[str, Any]) -> Schedule:
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, Mapping):
        return Schedule.from_payload(schedule)
    if isinstance(schedule, str):
        fields = {"timezone": schedule, **fields}
    elif schedule is not None:
        fields = {}
    if fields:
        try:
            return Schedule(**fields)
        except TypeError as exc:
            raise InputError(f"bad schedule argument: {exc}") from None
    raise InputError("give a Schedule, a schedule payload dict, or timezone=/days=/start=/end=")


S = TypeVar("S", bound=Service)


class CampaignScope(Generic[S]):
    """A service with one campaign's id filled in: ``camp.leads.add(df)`` is
    ``client.leads.add(camp.id, df)``. It offers the service's verbs whose first argument is
    the campaign id (``dir()`` lists them, so tab completion shows them)."""

    def __init__(self, service: S, campaign_id: int) -> None:
        self._service, self._campaign_id = service, campaign_id

    def _verbs(self) -> list[str]:
        return [name for name, member in inspect.getmembers(type(self._service), callable)
                if not name.startswith("_") and _first_parameter(member) == "campaign_id"]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name not in self._verbs():
            raise AttributeError(f"{name!r}: a campaign's {type(self._service).__name__} "
                                 f"offers {', '.join(self._verbs())}")
        method = getattr(self._service, name)

        @functools.wraps(method)
        def bound(*args: Any, **kwargs: Any) -> Any:
            return method(self._campaign_id, *args, **kwargs)

        signature = inspect.signature(method)
        bound.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=list(signature.parameters.values())[1:])
        return bound

    def __dir__(self) -> list[str]:
        return self._verbs()

    def __repr__(self) -> str:
        return (f"<{type(self._service).__name__} of campaign {self._campaign_id}: "
                f"{', '.join(self._verbs())}>")


def _first_parameter(function: Callable[..., Any]) -> str | None:
    names = [p for p in inspect.signature(function).parameters if p != "self"]
    return names[0] if names else None


class Campaign(Mapping[str, Any]):
    """One campaign, as a handle: the seven steps of a campaign on one object.

    ``id``, ``name`` and ``status`` are SmartLead's record of the campaign as last read
    (:meth:`refresh` reads it again; a call that changes the campaign does not re-read it).
    ``sequences``, ``email_accounts``, ``leads`` and ``webhooks`` are the services with this
    campaign's id filled in (``camp.leads.add(df)``, ``camp.sequences.get()``).

    It is also a read-only mapping of that record (``camp["id"]``, ``camp.get("status")``,
    ``dict(camp)``), so code written for the plain dicts the client returned before keeps
    working; it cannot be changed (``camp["name"] = ...`` is a ``TypeError``).
    """

    def __init__(self, services: CampaignServices, record: Mapping[str, Any]) -> None:
        self._services = services
        self._record = dict(record)
        self._id = check_id(self._record.get("id"), "campaign id")

    # -- what SmartLead said -------------------------------------------------------------
    @property
    def id(self) -> int:
        return self._id

    @property
    def name(self) -> str | None:
        return self._record.get("name")

    @property
    def status(self) -> str | None:
        """``DRAFTED``, ``ACTIVE``, ``PAUSED``, ``STOPPED``, ``COMPLETED``, as last read."""
        return campaign_status(self._record) or None

    def __getitem__(self, key: str) -> Any:
        return self._record[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._record)

    def __len__(self) -> int:
        return len(self._record)

    def __repr__(self) -> str:
        return f"Campaign(id={self.id}, name={self.name!r}, status={self.status!r})"

    def refresh(self) -> Campaign:
        """Read the campaign again (one request); returns this handle, up to date."""
        self._record = dict(self._services.campaigns.get(self.id))
        return self

    # -- its parts -----------------------------------------------------------------------
    @property
    def sequences(self) -> CampaignScope[SequencesService]:
        """``get()``, ``frame()``, ``save(steps)`` for this campaign."""
        return CampaignScope(self._services.sequences, self.id)

    @property
    def email_accounts(self) -> CampaignScope[CampaignEmailAccounts]:
        """``list()``, ``frame()``, ``add(ids)``, ``remove(ids, confirm=True)``."""
        return CampaignScope(self._services.campaigns.email_accounts, self.id)

    @property
    def leads(self) -> CampaignScope[LeadsService]:
        """``add(df)``, ``frame()``, ``pause(lead_id)``, ... for this campaign's leads."""
        return CampaignScope(self._services.leads, self.id)

    @property
    def webhooks(self) -> CampaignScope[WebhooksService]:
        """``list()``, ``frame()``, ``save(...)``, ``delete(id)``, ... for this campaign."""
        return CampaignScope(self._services.webhooks, self.id)

    # -- its steps -----------------------------------------------------------------------
    def schedule(self, schedule: Schedule | Mapping[str, Any] | str | None = None, *,
                 verify: bool = True, **fields: Any) -> dict:
        """When it sends (see :meth:`CampaignsService.schedule`).

        >>> camp.schedule("America/New_York", days="Mon-Fri", start="9am", end="5pm")  # doctest: +SKIP
        """
        return self._services.campaigns.schedule(self.id, schedule, verify=verify, **fields)

    def settings(self, settings: CampaignSettings | Mapping[str, Any] | None = None,
                 **fields: Any) -> dict:
        """Tracking, the stop rule and sending options (see :meth:`CampaignsService.settings`).

        >>> camp.settings(track_opens=False, stop_on="reply")      # doctest: +SKIP
        """
        return self._services.campaigns.settings(self.id, settings, **fields)

    def start(self, *, confirm: bool = False) -> dict:
        """Start sending real email: needs ``confirm=True`` (then :meth:`refresh`)."""
        return self._services.campaigns.start(self.id, confirm=confirm)

    def pause(self) -> dict:
        """Pause sending."""
        return self._services.campaigns.pause(self.id)

    def stop(self, *, confirm: bool = False) -> dict:
        """Stop for good: needs ``confirm=True``."""
        return self._services.campaigns.stop(self.id, confirm=confirm)

    def delete(self, *, confirm: bool = False) -> dict:
        """Delete it with its sequences, leads and statistics: needs ``confirm=True``."""
        return self._services.campaigns.delete(self.id, confirm=confirm)

    def statistics(self, **filters: Any) -> pd.DataFrame:
        """One row per email sent (``client.statistics.frame(id)``), stamped ``read_at``."""
        return self._services.statistics.frame(self.id, **filters)

    def analytics(self) -> dict:
        """Lifetime totals: sent, opened, replied, bounced, ... (``statistics.totals``)."""
        return self._services.statistics.totals(self.id)
