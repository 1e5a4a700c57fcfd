"""Leads: add to a campaign, list, pause/resume, delete, unsubscribe, look up, categorise."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ConflictError, InputError, NotFoundError
from ..frames.clean import scalar_text
from ..frames.columns import CUSTOM_FIELDS, STANDARD_FIELDS
from ..frames.emails import OK as EMAIL_OK, check_emails
from ..frames.leads import MAX_BATCH_SIZE
from ..frames.campaign_leads import campaign_leads_frame, categories_frame
from ..frames.tidy import coerce_counts, tidy_frame, to_int
from ._base import Resource, check_id, check_shape, list_rows
from .confirm import needs_confirmation, override_reason, refusal, refuse_unless_draft

#: The most leads one add-leads request takes (the fact lives in ``frames.leads``).
MAX_LEADS_PER_REQUEST = MAX_BATCH_SIZE
#: The keys a lead dict may have: SmartLead's standard fields, then ``custom_fields``.
STANDARD_LEAD_FIELDS = (*STANDARD_FIELDS, CUSTOM_FIELDS)
#: SmartLead's four ``ignore_*`` upload flags, in the order the ``settings`` object lists them;
#: ``add_leads``, ``upload_leads`` and ``CampaignPlan`` take exactly these.
UPLOAD_FLAGS = ("ignore_global_block_list", "ignore_unsubscribe_list",
                "ignore_duplicate_leads_in_other_campaign", "ignore_community_bounce_list")
LEAD_STATUSES = ("STARTED", "INPROGRESS", "COMPLETED", "PAUSED", "STOPPED", "BLOCKED")
EMAIL_STATUSES = ("is_opened", "is_clicked", "is_replied", "is_bounced", "is_unsubscribed",
                  "is_spam", "is_accepted", "not_replied", "is_sender_bounced")
# Flags that let leads through lists that exist to protect people: they need confirm_overrides
# (the rule, shared with SmartleadClient.request(), is in .confirm).


def _existing_file(source: Any) -> Any:
    """A frame passes; a path must name a file (a stray string is a mistake, said plainly)."""
    if isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if not path.is_file():
        shown = str(source) if len(str(source)) <= 80 else str(source)[:77] + "..."
        where = f" (looked in {Path.cwd()})" if not path.is_absolute() else ""
        raise InputError(f"add_leads got {shown!r}, which is not a file{where}: pass a CSV "
                         f"path, a DataFrame, or a list of lead dicts")
    return path


class LeadsMixin(Resource):
    def add_leads(
        self,
        campaign_id: int,
        leads: "Sequence[Mapping[str, Any]] | pd.DataFrame | str | os.PathLike",
        *,
        ignore_global_block_list: bool = False,
        ignore_unsubscribe_list: bool = False,
        ignore_duplicate_leads_in_other_campaign: bool = False,
        ignore_community_bounce_list: bool = False,
        return_lead_ids: bool = False,
        confirm_overrides: bool = False,
        confirm: bool = False,
    ) -> dict:
        """Add up to 400 leads to a campaign in one request.

        ``leads`` is a DataFrame or a CSV path (any column layout: mapped, checked row by row,
        sent in batches of 400 with a journal, exactly as :func:`smartlead_nb.upload_leads`
        does, and returning its :class:`~smartlead_nb.UploadResult` report), or a list of at
        most 400 lead dicts sent in one request. Each lead dict has at least ``email``; the other standard fields are
        ``first_name``, ``last_name``, ``company_name``, ``phone_number``, ``website``,
        ``location``, ``linkedin_profile``, ``company_url``, and anything else goes in
        ``custom_fields``. Everything is checked before sending; more than 400 leads is refused
        (split big lists with the DataFrame upload helpers).

        Leads already in the campaign are not added twice (SmartLead reports them in
        ``already_added_to_campaign``). Letting blocked or unsubscribed people through
        (``ignore_global_block_list`` / ``ignore_unsubscribe_list``) needs
        ``confirm_overrides=True``. Adding leads to a campaign that is no longer DRAFTED
        (started, paused, ...) needs ``confirm=True``: SmartLead may email them; its status
        is asked first (one request), and without it nothing is sent.

        Returns SmartLead's counters (``upload_count``, ``already_added_to_campaign``,
        ``duplicate_count``, ``invalid_email_count``, ...) as integers. Raises
        :class:`~smartlead_nb.errors.LeadLimitExhausted` if lead credits ran out part-way.

        >>> client.add_leads(7, [{"email": "ana@example.com", "first_name": "Ana"}])  # doctest: +SKIP
        {'ok': True, 'upload_count': 1, 'total_leads': 1, 'already_added_to_campaign': 0, ...}
        >>> client.add_leads(7, "export.csv").summary()                          # doctest: +SKIP
        """
        flags = pick_upload_flags(locals())  # the four ignore_* arguments, by UPLOAD_FLAGS
        cid = check_id(campaign_id, "campaign_id")
        if isinstance(leads, (pd.DataFrame, str, os.PathLike)):
            # The front door an analyst types first: a frame or a CSV goes through the
            # checked, batched, resumable upload (the same report as sl.upload_leads).
            from ..upload import upload_leads

            return upload_leads(self, cid, _existing_file(leads), **flags,
                                confirm_overrides=confirm_overrides, confirm=confirm)
        if isinstance(leads, Mapping):
            leads = [leads]   # one lead on its own
        lead_list = [check_lead(lead, i) for i, lead in enumerate(leads)]
        if not lead_list:
            raise InputError("no leads given")
        if len(lead_list) > MAX_LEADS_PER_REQUEST:
            raise InputError(f"{len(lead_list)} leads in one request: SmartLead takes at most "
                             f"{MAX_LEADS_PER_REQUEST}; nothing was sent. Split the list into "
                             f"batches of {MAX_LEADS_PER_REQUEST} or fewer.")
        settings = lead_upload_settings(**flags, return_lead_ids=return_lead_ids,
                                        confirm_overrides=confirm_overrides)
        sendable, rejected = split_invalid_emails(lead_list)
        if not sendable:   # nothing worth a request: SmartLead would count them all invalid
            return {"ok": True, "upload_count": 0, "total_leads": len(lead_list),
                    "already_added_to_campaign": 0, "duplicate_count": 0,
                    "invalid_email_count": len(rejected), "rejected_before_sending": rejected}
        if confirm is not True:  # a started campaign emails what it is given: ask it first
            refuse_unless_draft(self.get_campaign(cid), confirm)
        body = coerce_counts(self._call("POST", f"campaigns/{cid}/leads",
                                        json={"lead_list": sendable, "settings": settings},
                                        subject=f"campaign {cid}", shape=dict))
        if rejected:
            # Counted where SmartLead counts the invalid addresses it refuses, and listed.
            body["invalid_email_count"] = (to_int(body.get("invalid_email_count")) or 0) + len(rejected)
            if body.get("total_leads") is not None:
                body["total_leads"] = (to_int(body["total_leads"]) or 0) + len(rejected)
            body["rejected_before_sending"] = rejected
        return body

    def post_lead_batch(self, campaign_id: int, body: bytes) -> dict:
        """POST one add-leads body that is already serialised and checked; SmartLead's counters.

        The uploader's way in (:func:`smartlead_nb.upload_leads` sends every batch through
        it). Like :meth:`raw_request` it SKIPS THE CHECKS: no per-lead check and no
        confirmation of overrides here, so build ``body`` with
        ``LeadBatchPayload.request_body(lead_upload_settings(...))``, which refuses
        unconfirmed overrides. Analysts want :meth:`add_leads`.

        >>> client.post_lead_batch(7, b'{"lead_list":[{"email":"a@b.co"}]}')  # doctest: +SKIP
        {'ok': True, 'upload_count': 1, ...}
        """
        cid = check_id(campaign_id, "campaign_id")
        path = f"campaigns/{cid}/leads"
        response = self._transport.request("POST", path, data=body)
        result = check_shape(response, dict, "POST", self._route(path))
        return coerce_counts(result)

    def iter_campaign_leads(
        self,
        campaign_id: int,
        *,
        status: str | None = None,
        category_id: int | None = None,
        email_status: str | None = None,
        created_after: str | None = None,
        page_size: int = 100,
        limit: int | None = None,
    ) -> Iterator[dict]:
        """Yield a campaign's leads page by page (100 per request), with optional filters.

        Args:
            status: ``STARTED``, ``INPROGRESS``, ``COMPLETED``, ``PAUSED``, ``STOPPED``.
            category_id: only leads in this category (see :meth:`lead_categories`).
            email_status: ``is_opened``, ``is_replied``, ``is_bounced``, ``not_replied``, ...
            created_after: ISO datetime; leads added after it.
            limit: stop after this many leads.
        """
        cid = check_id(campaign_id, "campaign_id")
        params: dict[str, Any] = {}
        if status is not None:
            value = str(status).upper()
            if value not in LEAD_STATUSES:
                raise InputError(f"unknown lead status {status!r}: use one of {', '.join(LEAD_STATUSES)}")
            params["status"] = value
        if category_id is not None:
            params["lead_category_id"] = check_id(category_id, "category_id")
        if email_status is not None:
            if email_status not in EMAIL_STATUSES:
                raise InputError(f"unknown email_status {email_status!r}: use one of {', '.join(EMAIL_STATUSES)}")
            params["emailStatus"] = email_status  # SmartLead's parameter is camelCase
        if created_after is not None:
            params["created_at_gt"] = created_after
        self.get_campaign(cid)  # a clear "campaign N not found" before paging starts
        rows = self._paginate(f"campaigns/{cid}/leads", params=params, page_size=page_size,
                              max_page_size=100, keys=("data", "leads"),
                              limit=limit)
        for row in rows:
            yield coerce_counts(row)

    def list_campaign_leads(self, campaign_id: int, **filters: Any) -> list[dict]:
        """All of a campaign's leads as a list (see :meth:`iter_campaign_leads` for filters)."""
        return list(self.iter_campaign_leads(campaign_id, **filters))

    @Resource.stamps_read_at
    def campaign_leads_frame(self, campaign_id: int, **filters: Any) -> pd.DataFrame:
        """A campaign's leads as a DataFrame: one row per lead, its status and category beside it."""
        return campaign_leads_frame(self.iter_campaign_leads(campaign_id, **filters))

    def pause_lead(self, campaign_id: int, lead_id: int) -> dict:
        """Stop sending to one lead in one campaign until resumed."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        return self._call("POST", f"campaigns/{cid}/leads/{lid}/pause",
                          subject=f"lead {lid} in campaign {cid}", shape=dict)

    def resume_lead(self, campaign_id: int, lead_id: int, *, delay_days: int | None = None) -> dict:
        """Resume a paused lead, optionally after ``delay_days``."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        body = None
        if delay_days is not None:
            if isinstance(delay_days, bool) or not isinstance(delay_days, int) or delay_days < 0:
                raise InputError(f"delay_days must be a whole number >= 0, got {delay_days!r}")
            body = {"resume_lead_with_delay_days": delay_days}
        return self._call("POST", f"campaigns/{cid}/leads/{lid}/resume", json=body,
                          subject=f"lead {lid} in campaign {cid}", shape=dict)

    def delete_lead(self, campaign_id: int, lead_id: int) -> dict:
        """Remove a lead from one campaign (the lead record itself stays)."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        return self._call("DELETE", f"campaigns/{cid}/leads/{lid}",
                          subject=f"lead {lid} in campaign {cid}", shape=dict)

    def unsubscribe_lead(self, campaign_id: int, lead_id: int) -> dict:
        """Unsubscribe a lead from one campaign."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        return self._call("POST", f"campaigns/{cid}/leads/{lid}/unsubscribe",
                          subject=f"lead {lid} in campaign {cid}", shape=dict)

    def unsubscribe_lead_everywhere(self, lead_id: int, *, confirm: bool = False) -> dict:
        """Unsubscribe a lead from every campaign and block future imports of it.

        Cannot be undone, so it needs ``confirm=True`` (like :meth:`delete_campaign`).

        >>> client.unsubscribe_lead_everywhere(42, confirm=True)   # doctest: +SKIP
        {'ok': True}
        """
        lid = check_id(lead_id, "lead_id")
        reason = needs_confirmation("POST", f"leads/{lid}/unsubscribe")
        if reason and confirm is not True:
            raise InputError(refusal(reason))
        return self._call("POST", f"leads/{lid}/unsubscribe", subject=f"lead {lid}", shape=dict)

    def get_lead_by_email(self, email: str) -> dict | None:
        """The lead with this email, or ``None`` (SmartLead answers an unknown email with ``{}``)."""
        if not isinstance(email, str) or "@" not in email:
            raise InputError(f"not an email address: {email!r}")
        body = self._lead_by_email(email)
        if body.get("id") in (None, ""):
            return None
        return coerce_counts(body)

    def _lead_by_email(self, email: str) -> dict:
        """The raw answer of the by-email lookup: the lead object, or ``{}`` for no lead."""
        return self._call("GET", "leads/", params={"email": email.strip()}, shape=dict)

    def lead_campaigns(self, lead_id: int) -> list[dict]:
        """The campaigns a lead is in: ``[{id, status, name}]``."""
        lid = check_id(lead_id, "lead_id")
        body = self._call("GET", f"leads/{lid}/campaigns", subject=f"lead {lid}", shape=("data",))
        return [coerce_counts(r) for r in list_rows(body, "data")]

    def update_lead(self, campaign_id: int, lead_id: int, fields: Mapping[str, Any]) -> dict:
        """Change some of a lead's fields and keep the rest; returns the lead as written.

        SmartLead *replaces* the lead record with what is sent (a field left out is
        cleared), and account-wide, in every campaign the lead is in. So this checks that the
        lead is in the campaign (paging the campaign's leads until it is found), reads its
        record, merges ``fields`` into it, writes the whole record and reads it back.
        ``custom_fields`` merge key by key; ``None`` clears a field (or, in
        ``custom_fields``, drops that key).

        Lost updates: SmartLead has no version field to make a write conditional, so the
        read-back is compared with what was written. Any difference means another writer
        got in: a change of this call's was overwritten, or a field it did not set changed
        since its read. Either raises :class:`~smartlead_nb.errors.ConflictError` naming the
        fields (``.fields``), after the write; nothing is retried, so read the lead again and
        re-apply what is missing.

        The remaining window: a write by someone else that lands after this call's read
        and before its write is overwritten by it, and this call's read-back cannot show
        that (it sees its own values). Another ``update_lead`` reports it when its own
        read-back comes after this write; what goes unseen is a write from elsewhere (the
        SmartLead app, another tool) inside that window, or a whole other ``update_lead``,
        write and read-back, inside it. The window lasts from the answer to the read to the
        arrival of the write: about one round trip.

        >>> client.update_lead(7, 42, {"company_name": "Acme", "custom_fields": {"tier": "A"}})  # doctest: +SKIP
        {'id': 42, 'email': 'ana@example.com', 'first_name': 'Ana', 'company_name': 'Acme', ...}
        """
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        check_lead(fields, 0, require_email=False)      # unknown fields: refused before reading
        email = self._campaign_lead_record(cid, lid).get("email")
        current = self._lead_record(lid, email, "before writing it (nothing was written)")
        merged = merge_lead(current, fields)
        self._call("POST", f"campaigns/{cid}/leads/{lid}", json=merged,
                   subject=f"lead {lid} in campaign {cid}", shape=dict)
        now = self._lead_record(lid, merged.get("email", email), "after writing it")
        changed = lead_differences(merged, now)
        if changed:
            raise ConflictError(conflict_message(lid, fields, merged, now, changed),
                                fields=changed)
        return {"id": lid, **merged}

    def _lead_record(self, lead_id: int, email: Any, when: str) -> dict:
        """The account-wide record of ``lead_id``, looked up by its ``email`` (one request);
        a ConflictError if that email no longer leads to it (someone changed it)."""
        body = self._lead_by_email(str(email)) if email else {}
        if to_int(body.get("id")) != lead_id:
            raise ConflictError(
                f"lead {lead_id} is no longer found under its email {email!r} {when}: another "
                f"update changed its email meanwhile. Nothing was retried: find the lead again "
                f"and re-apply the change", fields=("email",))
        return body

    def _campaign_lead_record(self, campaign_id: int, lead_id: int) -> dict:
        """The lead object of ``lead_id`` in the campaign, or NotFoundError naming both."""
        for row in self.iter_campaign_leads(campaign_id):
            lead = row.get("lead") if isinstance(row.get("lead"), Mapping) else row
            if to_int(lead.get("id", row.get("lead_id"))) == lead_id:
                return dict(lead)
        raise NotFoundError(f"lead {lead_id} in campaign {campaign_id} not found: it is not "
                            f"one of the campaign's leads")

    @Resource.stamps_read_at
    def message_history(self, campaign_id: int, lead_id: int) -> pd.DataFrame:
        """The emails sent to and received from one lead, oldest first."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        body = self._call("GET", f"campaigns/{cid}/leads/{lid}/message-history",
                          subject=f"lead {lid} in campaign {cid}", shape=("history", "data"))
        return tidy_frame(list_rows(body, "history", "data"))

    def lead_categories(self) -> list[dict]:
        """The account's lead categories ``[{id, name, ...}]``; ids differ between accounts."""
        body = self._call("GET", "leads/fetch-categories", shape=("data",))
        return [coerce_counts(r) for r in list_rows(body, "data")]

    @Resource.stamps_read_at
    def lead_categories_frame(self) -> pd.DataFrame:
        return categories_frame(self.lead_categories())

    def set_lead_category(self, campaign_id: int, lead_id: int, category: int | str,
                          *, pause_lead: bool = False) -> dict:
        """Categorise a lead, by category id or by name ("Interested"); optionally pause it.

        Names are resolved through :meth:`lead_categories`, because ids differ per account.
        """
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        category_id = self._category_id(category)
        return self._call("POST", f"campaigns/{cid}/leads/{lid}/category",
                          json={"category_id": category_id, "pause_lead": bool(pause_lead)},
                          subject=f"lead {lid} in campaign {cid}", shape=dict)

    def _category_id(self, category: int | str) -> int:
        if isinstance(category, int) and not isinstance(category, bool):
            return check_id(category, "category id")
        if isinstance(category, str) and category.strip().isdigit():
            return int(category)
        categories = self.lead_categories()
        wanted = str(category).strip().lower()
        for c in categories:
            if str(c.get("name", "")).strip().lower() == wanted:
                return int(c["id"])
        names = ", ".join(repr(c.get("name")) for c in categories)
        raise InputError(f"no lead category named {category!r}; this account has {names}")


def pick_upload_flags(values: Mapping[str, Any]) -> dict[str, bool]:
    """The :data:`UPLOAD_FLAGS` out of ``values`` (a call's ``locals()``, a plan's fields), as
    bools; a flag that is not there is ``False``.

    >>> pick_upload_flags({"ignore_unsubscribe_list": 1, "batch_size": 400})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'ignore_global_block_list': False, 'ignore_unsubscribe_list': True,
     'ignore_duplicate_leads_in_other_campaign': False, 'ignore_community_bounce_list': False}
    """
    return {flag: bool(values.get(flag, False)) for flag in UPLOAD_FLAGS}


def lead_upload_settings(*, return_lead_ids: bool = False, confirm_overrides: bool = False,
                         **flags: bool) -> dict[str, bool]:
    """The ``settings`` object of an add-leads request, refusing unconfirmed overrides.

    ``flags`` are :data:`UPLOAD_FLAGS` (any left out are ``False``).

    >>> lead_upload_settings(ignore_global_block_list=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: ignore_global_block_list would email people who are blocked ... confirm_overrides=True.
    """
    unknown = sorted(set(flags) - set(UPLOAD_FLAGS))
    if unknown:
        raise TypeError(f"unknown upload flag(s) {unknown}; the flags are {list(UPLOAD_FLAGS)}")
    settings = pick_upload_flags(flags)
    reason = override_reason(settings)
    if reason and confirm_overrides is not True:
        raise InputError(refusal(reason, "call again with confirm_overrides=True"))
    if return_lead_ids:
        settings["return_lead_ids"] = True  # inside settings: top level is rejected (400)
    return settings


def merge_lead(current: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """The whole lead record to send: ``current`` with ``change`` applied (pure).

    ``custom_fields`` merge key by key; ``None`` clears a field or drops a custom key.

    >>> merge_lead({"id": 5, "email": "a@x.io", "first_name": "Ana", "company_name": "Old",
    ...             "custom_fields": {"tier": "1", "hook": "x"}},
    ...            {"company_name": "New", "custom_fields": {"hook": None}})
    {'email': 'a@x.io', 'first_name': 'Ana', 'company_name': 'New', 'custom_fields': {'tier': '1'}}
    """
    merged = {k: current[k] for k in STANDARD_LEAD_FIELDS[:-1] if current.get(k) is not None}
    custom = dict(current.get(CUSTOM_FIELDS) or {})
    for key, value in change.items():
        if key == CUSTOM_FIELDS:
            custom = {} if value is None else custom
            for name, item in (value or {}).items():
                if item is None:
                    custom.pop(name, None)
                else:
                    custom[name] = item
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    merged = check_lead(merged, 0, require_email=False)   # the phone as a string, ...
    merged[CUSTOM_FIELDS] = custom
    return merged


def lead_differences(written: Mapping[str, Any], now: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields whose value in ``now`` (the lead as read back) is not the one ``written``:
    standard fields by name, custom fields as ``custom_fields.<key>``. Values are compared as
    the text SmartLead keeps (``5`` is ``'5'``, ``''`` is no value, an email's case is not a
    change).

    >>> lead_differences({"email": "a@x.io", "first_name": "Ana", "custom_fields": {"tier": "1"}},
    ...                  {"email": "A@x.io", "first_name": "Bo", "phone_number": "",
    ...                   "custom_fields": {"tier": 1, "new": "y"}})
    ('first_name', 'custom_fields.new')
    """
    out = [name for name in STANDARD_FIELDS
           if _compared(written.get(name), name) != _compared(now.get(name), name)]
    mine, theirs = _custom_fields(written), _custom_fields(now)
    out += [f"{CUSTOM_FIELDS}.{key}" for key in dict.fromkeys([*mine, *theirs])
            if _compared(mine.get(key)) != _compared(theirs.get(key))]
    return tuple(out)


def conflict_message(lead_id: int, change: Mapping[str, Any], written: Mapping[str, Any],
                     now: Mapping[str, Any], changed: Sequence[str]) -> str:
    """What a ConflictError from ``update_lead`` says: whose change was lost, what the other
    writer changed, the values now and before, and what to do."""
    lost = [name for name in changed if _was_set(name, change)]
    others = [name for name in changed if name not in lost]
    said = []
    if lost:
        said.append(f"this call's change to {', '.join(lost)} was overwritten by an update "
                    f"that landed after it")
    if others:
        said.append(f"{', '.join(others)}, which this call did not set, changed after it read "
                    f"the lead")
    values = "; ".join(f"{name} is now {_short(_field(now, name))}, written "
                       f"{_short(_field(written, name))}" for name in changed)
    kept = "" if lost else " This call's own change is in place."
    return (f"lead {lead_id} was changed by another writer while update_lead ran: "
            f"{'; and '.join(said)} ({values}).{kept} Nothing was retried: read the lead again "
            f"and re-apply what is missing")


def _compared(value: Any, name: str = "") -> str | None:
    text = scalar_text(value)
    text = text.strip() if text is not None else None
    if not text:
        return None
    return text.casefold() if name == "email" else text


def _custom_fields(record: Mapping[str, Any]) -> dict:
    value = record.get(CUSTOM_FIELDS)
    if isinstance(value, str):  # a server may send the object as JSON text
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, Mapping) else {}


def _field(record: Mapping[str, Any], name: str) -> Any:
    prefix = f"{CUSTOM_FIELDS}."
    if name.startswith(prefix):
        return _custom_fields(record).get(name[len(prefix):])
    return record.get(name)


def _was_set(name: str, change: Mapping[str, Any]) -> bool:
    """Did ``change`` (update_lead's ``fields``) set this field? ``custom_fields: None``
    clears, so sets, every custom key."""
    prefix = f"{CUSTOM_FIELDS}."
    if not name.startswith(prefix):
        return name in change
    if CUSTOM_FIELDS not in change:
        return False
    custom = change[CUSTOM_FIELDS]
    return custom is None or name[len(prefix):] in custom


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def split_invalid_emails(leads: list[dict]) -> tuple[list[dict], list[dict]]:
    """Leads whose address passes the one email rule (frames.emails), and the others as
    ``{"position", "email", "reason"}``, so an invalid address never costs a request.

    >>> split_invalid_emails([{"email": "ana@example.com"}, {"email": "bo@x"}])[1]
    [{'position': 1, 'email': 'bo@x', 'reason': "invalid email 'bo@x': the domain 'x' has no dot"}]
    """
    texts = np.array([str(lead.get("email", "")).strip() for lead in leads], dtype=object)
    codes, reasons = check_emails(texts, np.ones(len(texts), dtype=bool))
    ok = [lead for lead, code in zip(leads, codes) if code == EMAIL_OK]
    bad = [{"position": i, "email": leads[i].get("email"), "reason": reasons[i]}
           for i in np.flatnonzero(codes != EMAIL_OK).tolist()]
    return ok, bad


def check_lead(lead: Mapping[str, Any], position: int, *, require_email: bool = True) -> dict[str, Any]:
    """Check one lead dict before it is sent; the error names its position and field."""
    if not isinstance(lead, Mapping):
        raise InputError(f"lead {position} must be a dict, got {type(lead).__name__}")
    unknown = [k for k in lead if k not in STANDARD_LEAD_FIELDS]
    if unknown:
        raise InputError(f"lead {position}: unknown field(s) {unknown}; SmartLead's fields are "
                         f"{list(STANDARD_LEAD_FIELDS[:-1])}; put anything else in custom_fields")
    email = lead.get("email")
    # Presence and type only: whether the text is an address is the one rule in
    # frames.emails, applied to the whole list by add_leads (split_invalid_emails).
    if require_email and (not isinstance(email, str) or not email.strip()):
        raise InputError(f"lead {position}: email is missing or not text ({email!r})")
    custom = lead.get("custom_fields")
    if custom is not None and not isinstance(custom, Mapping):
        raise InputError(f"lead {position}: custom_fields must be a dict, got {type(custom).__name__}")
    out = {k: v for k, v in lead.items() if v is not None}
    if isinstance(out.get("phone_number"), (int, float)) and not isinstance(out["phone_number"], bool):
        out["phone_number"] = str(to_int(out["phone_number"]))  # SmartLead wants a string
    return out
