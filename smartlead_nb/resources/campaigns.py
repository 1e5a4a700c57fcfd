"""Campaigns: create, list, read, delete, status, schedule and settings."""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import pandas as pd

from ..errors import InputError
from ..frames.campaigns import campaigns_frame
from ..frames.tidy import coerce_counts
from ..schedule import Schedule
from ..settings import CampaignSettings, check_settings_payload
from ._base import Resource, check_id
from .confirm import needs_confirmation, refusal

STATUS_WRITE = ("START", "PAUSED", "STOPPED")
# Starting sends real email; stopping cannot be undone. Both need confirm=True (the rule,
# shared with SmartleadClient.request(), is in .confirm).


class CampaignsMixin(Resource):
    def create_campaign(self, name: str | None = None, *, client_id: int | None = None) -> dict:
        """Create a campaign. It starts ``DRAFTED``, with no sequence, senders or leads.

        Args:
            name: defaults to SmartLead's "Untitled Campaign". Names are not unique: calling
                this twice creates two campaigns (see :meth:`get_or_create_campaign`).
            client_id: the agency sub-account the campaign belongs to.

        Returns:
            ``{"ok": True, "id": 123, "name": ..., "created_at": ...}``

        >>> c = client.create_campaign("Q1 outreach")          # doctest: +SKIP
        >>> c["id"]                                             # doctest: +SKIP
        3
        """
        body: dict[str, Any] = {}
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"campaign name must be a non-empty string, got {name!r}")
            body["name"] = name
        if client_id is not None:
            body["client_id"] = check_id(client_id, "client_id")
        return coerce_counts(self._call("POST", "campaigns/create", json=body, shape=dict))

    def get_or_create_campaign(self, name: str, *, client_id: int | None = None) -> dict:
        """Return the newest campaign called ``name`` (in ``client_id``), creating it if none.

        Safe to re-run: the create is not repeated once the campaign exists.
        """
        for campaign in self.list_campaigns(client_id=client_id):
            if campaign.get("name") == name and (client_id is None or campaign.get("client_id") == client_id):
                return campaign
        created = self.create_campaign(name, client_id=client_id)
        return self.get_campaign(created["id"])

    def list_campaigns(self, *, client_id: int | None = None, include_tags: bool = False) -> list[dict]:
        """Every campaign of the account (newest first); not paginated by SmartLead."""
        params = {"client_id": check_id(client_id, "client_id") if client_id is not None else None,
                  "include_tags": include_tags or None}
        body = self._call("GET", "campaigns/", params=params, shape=list)
        return [coerce_counts(c) for c in body]

    @Resource.stamps_read_at
    def campaigns_frame(self, *, client_id: int | None = None, include_tags: bool = False) -> pd.DataFrame:
        """:meth:`list_campaigns` as a DataFrame (datetimes, integer counts, schedule columns)."""
        return campaigns_frame(self.list_campaigns(client_id=client_id, include_tags=include_tags))

    def get_campaign(self, campaign_id: int, *, include_tags: bool = False) -> dict:
        """One campaign. Raises :class:`NotFoundError` naming the id if there is none."""
        cid = check_id(campaign_id, "campaign_id")
        body = self._call("GET", f"campaigns/{cid}", params={"include_tags": include_tags or None},
                          subject=f"campaign {cid}", shape=dict)
        return coerce_counts(body)

    def delete_campaign(self, campaign_id: int, *, confirm: bool = False) -> dict:
        """Delete a campaign with its sequences, lead mappings and statistics. Cannot be undone.

        Requires ``confirm=True``.
        """
        cid = check_id(campaign_id, "campaign_id")
        _refuse_unconfirmed("DELETE", f"campaigns/{cid}", None, confirm)
        return self._call("DELETE", f"campaigns/{cid}", subject=f"campaign {cid}", shape=dict)

    def set_campaign_status(self, campaign_id: int, status: str, *, confirm: bool = False) -> dict:
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
        _refuse_unconfirmed("POST", f"campaigns/{cid}/status", body, confirm)
        return self._call("POST", f"campaigns/{cid}/status", json=body, subject=f"campaign {cid}",
                          shape=dict)

    def start_campaign(self, campaign_id: int, *, confirm: bool = False) -> dict:
        """Start (or resume) sending. Needs a sequence, a sender account and a lead."""
        return self.set_campaign_status(campaign_id, "START", confirm=confirm)

    def pause_campaign(self, campaign_id: int) -> dict:
        return self.set_campaign_status(campaign_id, "PAUSED")

    def stop_campaign(self, campaign_id: int, *, confirm: bool = False) -> dict:
        """Stop for good (SmartLead cannot resume a STOPPED campaign)."""
        return self.set_campaign_status(campaign_id, "STOPPED", confirm=confirm)

    def update_schedule(self, campaign_id: int, schedule: Schedule | Mapping[str, Any] | None = None,
                        *, verify: bool = True, **fields: Any) -> dict:
        """Set when the campaign sends. Checked before sending, then read back.

        Pass a :class:`~smartlead_nb.Schedule`, a variant-A payload dict, or Schedule's
        arguments as keywords:

        >>> client.update_schedule(7, timezone="Europe/Berlin", days="Mon-Fri",
        ...                        start="09:00", end="17:00")   # doctest: +SKIP

        With ``verify=True`` the campaign is re-read and a warning is issued if SmartLead
        stored something else (the schedule body's shape is the least certain of the API).
        """
        cid = check_id(campaign_id, "campaign_id")
        sched = _as_schedule(schedule, fields)
        result = self._call("POST", f"campaigns/{cid}/schedule", json=sched.to_payload(),
                            subject=f"campaign {cid}", shape=dict)
        if verify:
            stored = Schedule.from_campaign(self.get_campaign(cid))
            if stored is None or (stored.timezone, stored.day_numbers, stored.start, stored.end) != (
                    sched.timezone, sched.day_numbers, sched.start, sched.end):
                warnings.warn(f"campaign {cid}: SmartLead stored schedule {stored} "
                              f"but {sched} was sent", stacklevel=2)
        return result

    def update_settings(self, campaign_id: int, settings: CampaignSettings | Mapping[str, Any] | None = None,
                        **fields: Any) -> dict:
        """Set tracking, the stop rule and sending options (only what is given changes).

        >>> client.update_settings(7, track_opens=False, stop_on="reply")  # doctest: +SKIP
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
        return self._call("POST", f"campaigns/{cid}/settings", json=body, subject=f"campaign {cid}",
                          shape=dict)


def _refuse_unconfirmed(method: str, path: str, body: Any, confirm: bool) -> None:
    reason = needs_confirmation(method, path, body)
    if reason and confirm is not True:
        raise InputError(refusal(reason))


def _as_schedule(schedule: Any, fields: Mapping[str, Any]) -> Schedule:
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, Mapping):
        return Schedule.from_payload(schedule)
    if schedule is None and fields:
        try:
            return Schedule(**fields)
        except TypeError as exc:
            raise InputError(f"bad schedule argument: {exc}") from None
    raise InputError("give a Schedule, a schedule payload dict, or timezone=/days=/start=/end=")

