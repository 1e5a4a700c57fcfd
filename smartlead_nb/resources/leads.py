"""``client.leads``: a campaign's leads (add, upload, list, pause/resume, delete, unsubscribe,
update, categorise, move, export) and the account-wide lookups (by email, the campaigns of a
lead, unsubscribe everywhere); ``.categories`` and ``.everywhere`` below.

>>> client.leads.add(7, [{"email": "ana@example.com", "first_name": "Ana"}])  # doctest: +SKIP
>>> client.leads.add(7, pd.read_csv("export.csv"))        # checked, batched, resumable  # doctest: +SKIP
>>> client.leads.frame(7)                                                               # doctest: +SKIP
"""

from __future__ import annotations

import builtins
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pandas as pd

from ..errors import ConflictError, InputError, NotFoundError
from ..frames.columns import CUSTOM_FIELDS, STANDARD_FIELDS
from ..frames.lead_records import (check_lead, conflict_message, lead_differences, merge_lead,
                                   split_invalid_emails)
from ..frames.leads import MAX_BATCH_SIZE
from ..frames.campaign_leads import campaign_leads_frame, categories_frame, leads_export_frame
from ..frames.tidy import coerce_counts, tidy_frame, to_int
from ..frames.upload_rules import check_batching, lead_upload_settings, pick_upload_flags
from ..upload import (CSV_CHUNK_ROWS, ContactHistory, UploadResult, default_journal_path,
                      run_upload)
from ._base import (Service, campaign_lead_rows, campaign_or_refuse, check_id, lead_categories,
                    leads_in_campaign, list_rows, read_campaign, refuse_unconfirmed,
                    stamps_read_at)
from .confirm import refuse_unless_draft
from .global_leads import GlobalLeads

#: The most leads one add-leads request takes (the fact lives in ``frames.leads``).
MAX_LEADS_PER_REQUEST = MAX_BATCH_SIZE
LEAD_STATUSES = ("STARTED", "INPROGRESS", "COMPLETED", "PAUSED", "STOPPED", "BLOCKED")
EMAIL_STATUSES = ("is_opened", "is_clicked", "is_replied", "is_bounced", "is_unsubscribed",
                  "is_spam", "is_accepted", "not_replied", "is_sender_bounced")
#: The custom field :meth:`LeadsService.move` records the source campaign in.
MOVED_FROM_FIELD = "moved_from_campaign_id"


class LeadsService(Service):
    """A campaign's leads: ``add``, ``upload``, ``iter``, ``list``, ``frame``, ``pause``,
    ``resume``, ``delete``, ``unsubscribe``, ``update``, ``set_category``, ``message_history``,
    ``move``, ``export``; the account-wide ``find`` (by email), ``campaigns`` (of a lead) and
    ``unsubscribe_everywhere``; lead ``categories`` and every lead ``everywhere``."""

    @cached_property
    def categories(self) -> LeadCategories:
        """The account's lead categories ("Interested", "Not Interested", ...)."""
        return LeadCategories(self._api)

    @cached_property
    def everywhere(self) -> GlobalLeads:
        """Every lead of the account, with the campaigns it is in."""
        return GlobalLeads(self._api)

    # -- adding ----------------------------------------------------------------------------
    def add(
        self,
        campaign_id: int,
        leads: Sequence[Mapping[str, Any]] | Mapping[str, Any] | pd.DataFrame | str | os.PathLike,
        *,
        ignore_global_block_list: bool = False,
        ignore_unsubscribe_list: bool = False,
        ignore_duplicate_leads_in_other_campaign: bool = False,
        ignore_community_bounce_list: bool = False,
        return_lead_ids: bool = False,
        confirm_overrides: bool = False,
        confirm: bool = False,
    ) -> Any:
        """Add leads to a campaign.

        ``leads`` is a DataFrame or a CSV path (any column layout: mapped, checked row by row,
        sent in batches of 400 with a journal, exactly as :meth:`upload` does, and returning
        its :class:`~smartlead_nb.UploadResult` report), or a list of at most 400 lead dicts
        sent in one request. Each lead dict has at least ``email``; the other standard fields
        are ``first_name``, ``last_name``, ``company_name``, ``phone_number``, ``website``,
        ``location``, ``linkedin_profile``, ``company_url``, and anything else goes in
        ``custom_fields``. Everything is checked before sending; more than 400 lead dicts
        is refused (a DataFrame has no limit).

        Leads already in the campaign are not added twice (SmartLead reports them in
        ``already_added_to_campaign``). Letting blocked or unsubscribed people through
        (``ignore_global_block_list`` / ``ignore_unsubscribe_list``) needs
        ``confirm_overrides=True``. Adding leads to a campaign that is no longer DRAFTED
        (started, paused, ...) needs ``confirm=True``: SmartLead may email them; its status
        is asked first (one request), and without it nothing is sent.

        For a list, returns SmartLead's counters (``upload_count``,
        ``already_added_to_campaign``, ``duplicate_count``, ``invalid_email_count``, ...) as
        integers. Raises :class:`~smartlead_nb.errors.LeadLimitExhausted` if lead credits
        ran out part-way.

        >>> client.leads.add(7, [{"email": "ana@example.com", "first_name": "Ana"}])  # doctest: +SKIP
        {'ok': True, 'upload_count': 1, 'total_leads': 1, 'already_added_to_campaign': 0, ...}
        >>> client.leads.add(7, "export.csv").summary()                          # doctest: +SKIP
        """
        flags: dict[str, Any] = pick_upload_flags(locals())  # the four ignore_* arguments
        cid = check_id(campaign_id, "campaign_id")
        if isinstance(leads, (pd.DataFrame, str, os.PathLike)):
            # The front door an analyst types first: a frame or a CSV goes through the
            # checked, batched, resumable upload.
            return self.upload(cid, _existing_file(leads), **flags,
                               confirm_overrides=confirm_overrides, confirm=confirm)
        if isinstance(leads, Mapping):
            leads = [leads]   # one lead on its own
        lead_list = [check_lead(lead, i) for i, lead in enumerate(leads)]
        if not lead_list:
            raise InputError("no leads given")
        if len(lead_list) > MAX_LEADS_PER_REQUEST:
            raise InputError(f"{len(lead_list)} leads in one request: SmartLead takes at most "
                             f"{MAX_LEADS_PER_REQUEST}; nothing was sent. Split the list into "
                             f"batches of {MAX_LEADS_PER_REQUEST} or fewer, or pass a "
                             f"DataFrame.")
        settings = lead_upload_settings(**flags, return_lead_ids=return_lead_ids,
                                        confirm_overrides=confirm_overrides)
        sendable, rejected = split_invalid_emails(lead_list)
        if not sendable:   # nothing worth a request: SmartLead would count them all invalid
            return {"ok": True, "upload_count": 0, "total_leads": len(lead_list),
                    "already_added_to_campaign": 0, "duplicate_count": 0,
                    "invalid_email_count": len(rejected), "rejected_before_sending": rejected}
        if confirm is not True:  # a started campaign emails what it is given: ask it first
            refuse_unless_draft(read_campaign(self._api, cid), confirm)
        body = coerce_counts(self._api.call("POST", f"campaigns/{cid}/leads",
                                            json={"lead_list": sendable, "settings": settings},
                                            subject=f"campaign {cid}", shape=dict))
        if rejected:
            # Counted where SmartLead counts the invalid addresses it refuses, and listed.
            body["invalid_email_count"] = (to_int(body.get("invalid_email_count")) or 0) + len(rejected)
            if body.get("total_leads") is not None:
                body["total_leads"] = (to_int(body["total_leads"]) or 0) + len(rejected)
            body["rejected_before_sending"] = rejected
        return body

    def upload(
        self,
        campaign_id: int,
        source: pd.DataFrame | str | os.PathLike | Iterable[pd.DataFrame],
        *,
        mapping: Mapping[Any, str | None] | None = None,
        batch_size: int = MAX_BATCH_SIZE,
        journal: str | os.PathLike | None | bool = True,
        progress: bool = True,
        ignore_global_block_list: bool = False,
        ignore_unsubscribe_list: bool = False,
        ignore_duplicate_leads_in_other_campaign: bool = False,
        ignore_community_bounce_list: bool = False,
        confirm_overrides: bool = False,
        csv_chunk_rows: int = CSV_CHUNK_ROWS,
        max_in_flight: int = 4,
        report_path: str | os.PathLike | None = None,
        skip_contacted: ContactHistory | None = None,
        include_deleted_campaigns: bool = True,
        confirm: bool = False,
        **read_csv_kwargs: Any,
    ) -> UploadResult:
        """Upload any number of leads from a DataFrame, a CSV file or an iterator of
        DataFrames: mapped and checked row by row, 400 per request, with progress, a per-row
        report and a journal, so re-running the same call after any interruption resumes
        without sending a confirmed batch twice.

        Args:
            mapping: column -> field overrides for the column guess (see ``leads_from_frame``).
            batch_size: leads per request, 1-400.
            journal: ``True`` keeps one in the cache directory per campaign, a path keeps it
                there, ``False``/``None`` keeps none (no resume).
            progress: show a progress bar (a widget in Jupyter, text in a terminal).
            ignore_*: SmartLead's upload flags; the two that override the block and unsubscribe
                lists need ``confirm_overrides=True``.
            report_path: write the per-row report to this CSV as the upload goes, keeping only
                counts in memory (for files too big for memory); it is replaced, not appended
                to. Cells a spreadsheet would run as formulas get a leading ``'`` there (the
                leads sent to SmartLead are never changed).
            max_in_flight: requests open at once (1 = one after another). SmartLead takes
                seconds to answer a 400-lead request, so overlapping a few is what reaches the
                key's rate budget; the client's rate limiter still paces every request.
            skip_contacted: a :class:`~smartlead_nb.Mirror` (or anything with its
                ``contacted()``, see :class:`~smartlead_nb.upload.ContactHistory`): rows whose
                email it holds in another campaign are not sent, reported as
                ``already_contacted`` with the campaign and when it was contacted (sync the
                mirror first; it costs no request). Addresses are compared as one person whatever their spelling
                (:func:`~smartlead_nb.frames.emails.email_key`).
            include_deleted_campaigns: with ``skip_contacted``, campaigns deleted on the server
                count too (their leads were emailed); ``False`` looks at live campaigns only.
            confirm: needed (``True``) when the campaign is no longer DRAFTED: SmartLead may
                email the leads added to a campaign that was started, as the refusal says.

        Returns an :class:`~smartlead_nb.UploadResult`. Lead-credit exhaustion stops the
        upload: the result says so (``stopped``) and marks the rows that were not sent. Any
        other failure raises :class:`~smartlead_nb.UploadInterrupted`, which carries the
        partial result; run the same call again to resume.

        >>> result = client.leads.upload(7, "leads.csv")              # doctest: +SKIP
        >>> result.rows[result.rows.outcome != "uploaded"]            # doctest: +SKIP
        """
        check_batching(batch_size, max_in_flight)
        settings = lead_upload_settings(**pick_upload_flags(locals()), return_lead_ids=True,
                                        confirm_overrides=confirm_overrides)
        campaign = read_campaign(self._api, campaign_id)  # a clear "not found" before any work
        cid = int(campaign["id"])
        # Leads added to a started campaign get emailed: its status, as SmartLead says it now.
        refuse_unless_draft(campaign, confirm, "call the upload again with confirm=True")
        if journal is True:
            journal_path: Path | None = default_journal_path(self._api.transport, cid)
        elif journal is False or journal is None:
            journal_path = None
        else:
            journal_path = Path(journal)
        return run_upload(self, cid, source, journal_path=journal_path, settings=settings,
                          mapping=mapping, batch_size=batch_size, progress=progress,
                          csv_chunk_rows=csv_chunk_rows, max_in_flight=max_in_flight,
                          report_path=report_path, read_csv_kwargs=read_csv_kwargs,
                          skip_contacted=skip_contacted,
                          include_deleted_campaigns=include_deleted_campaigns)

    def send_batch(self, campaign_id: int, body: bytes) -> dict:
        """POST one add-leads body that is already serialised and checked; SmartLead's counters.

        The uploader's sink (:meth:`upload` sends every batch through it). Like
        ``client.raw_request`` it SKIPS THE CHECKS: no per-lead check and no confirmation of
        overrides here, so build ``body`` with
        ``LeadBatchPayload.request_body(lead_upload_settings(...))``, which refuses
        unconfirmed overrides. Analysts want :meth:`add`.

        >>> client.leads.send_batch(7, b'{"lead_list":[{"email":"a@b.co"}]}')  # doctest: +SKIP
        {'ok': True, 'upload_count': 1, ...}
        """
        cid = check_id(campaign_id, "campaign_id")
        return coerce_counts(self._api.send_bytes("POST", f"campaigns/{cid}/leads", body,
                                                  shape=dict))

    # -- reading ---------------------------------------------------------------------------
    def iter(
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
            category_id: only leads in this category (see :attr:`categories`).
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
        yield from campaign_lead_rows(self._api, cid, params, page_size=page_size, limit=limit)

    def list(self, campaign_id: int, **filters: Any) -> list[dict]:
        """All of a campaign's leads as a list (see :meth:`iter` for filters)."""
        return list(self.iter(campaign_id, **filters))

    @stamps_read_at
    def frame(self, campaign_id: int, **filters: Any) -> pd.DataFrame:
        """A campaign's leads as a DataFrame: one row per lead, its status and category beside it."""
        return campaign_leads_frame(self.iter(campaign_id, **filters))

    @stamps_read_at
    def export(self, campaign_id: int) -> pd.DataFrame:
        """Every lead of a campaign with its engagement counts (SmartLead's CSV export)."""
        cid = check_id(campaign_id, "campaign_id")
        body = self._api.call("GET", f"campaigns/{cid}/leads-export", subject=f"campaign {cid}",
                              expect="csv")
        return leads_export_frame(body or "")  # empty: a campaign with no leads

    @stamps_read_at
    def message_history(self, campaign_id: int, lead_id: int) -> pd.DataFrame:
        """The emails sent to and received from one lead, oldest first."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        body = self._api.call("GET", f"campaigns/{cid}/leads/{lid}/message-history",
                              subject=f"lead {lid} in campaign {cid}", shape=("history", "data"))
        return tidy_frame(list_rows(body, "history", "data"))

    # -- one lead --------------------------------------------------------------------------
    def pause(self, campaign_id: int, lead_id: int) -> dict:
        """Stop sending to one lead in one campaign until resumed."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        return self._api.call("POST", f"campaigns/{cid}/leads/{lid}/pause",
                              subject=f"lead {lid} in campaign {cid}", shape=dict)

    def resume(self, campaign_id: int, lead_id: int, *, delay_days: int | None = None) -> dict:
        """Resume a paused lead, optionally after ``delay_days``."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        body = None
        if delay_days is not None:
            if isinstance(delay_days, bool) or not isinstance(delay_days, int) or delay_days < 0:
                raise InputError(f"delay_days must be a whole number >= 0, got {delay_days!r}")
            body = {"resume_lead_with_delay_days": delay_days}
        return self._api.call("POST", f"campaigns/{cid}/leads/{lid}/resume", json=body,
                              subject=f"lead {lid} in campaign {cid}", shape=dict)

    def delete(self, campaign_id: int, lead_id: int) -> dict:
        """Remove a lead from one campaign (the lead record itself stays)."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        return self._api.call("DELETE", f"campaigns/{cid}/leads/{lid}",
                              subject=f"lead {lid} in campaign {cid}", shape=dict)

    def unsubscribe(self, campaign_id: int, lead_id: int) -> dict:
        """Unsubscribe a lead from one campaign."""
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        return self._api.call("POST", f"campaigns/{cid}/leads/{lid}/unsubscribe",
                              subject=f"lead {lid} in campaign {cid}", shape=dict)

    def set_category(self, campaign_id: int, lead_id: int, category: int | str,
                     *, pause_lead: bool = False) -> dict:
        """Categorise a lead, by category id or by name ("Interested"); optionally pause it.

        Names are resolved through the account's categories, because ids differ per account.
        """
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        category_id = _category_id(self._api, category)
        return self._api.call("POST", f"campaigns/{cid}/leads/{lid}/category",
                              json={"category_id": category_id, "pause_lead": bool(pause_lead)},
                              subject=f"lead {lid} in campaign {cid}", shape=dict)

    def update(self, campaign_id: int, lead_id: int, fields: Mapping[str, Any]) -> dict:
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
        that (it sees its own values). Another ``update`` reports it when its own read-back
        comes after this write; what goes unseen is a write from elsewhere (the SmartLead
        app, another tool) inside that window, or a whole other ``update``, write and
        read-back, inside it. The window lasts from the answer to the read to the arrival of
        the write: about one round trip.

        >>> client.leads.update(7, 42, {"company_name": "Acme", "custom_fields": {"tier": "A"}})  # doctest: +SKIP
        {'id': 42, 'email': 'ana@example.com', 'first_name': 'Ana', 'company_name': 'Acme', ...}
        """
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        check_lead(fields, 0, require_email=False)      # unknown fields: refused before reading
        email = self._campaign_lead_record(cid, lid).get("email")
        current = self._lead_record(lid, email, "before writing it (nothing was written)")
        merged = merge_lead(current, fields)
        self._api.call("POST", f"campaigns/{cid}/leads/{lid}", json=merged,
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
        body = self._by_email(str(email)) if email else {}
        if to_int(body.get("id")) != lead_id:
            raise ConflictError(
                f"lead {lead_id} is no longer found under its email {email!r} {when}: another "
                f"update changed its email meanwhile. Nothing was retried: find the lead again "
                f"and re-apply the change", fields=("email",))
        return body

    def _campaign_lead_record(self, campaign_id: int, lead_id: int) -> dict:
        """The lead object of ``lead_id`` in the campaign, or NotFoundError naming both."""
        for row in self.iter(campaign_id):
            inner = row.get("lead")
            lead = inner if isinstance(inner, Mapping) else row
            if to_int(lead.get("id", row.get("lead_id"))) == lead_id:
                return dict(lead)
        raise NotFoundError(f"lead {lead_id} in campaign {campaign_id} not found: it is not "
                            f"one of the campaign's leads")

    def move(self, source_campaign_id: int, target_campaign_id: int, leads: Any, *,
             record_source: bool = True, confirm: bool = False) -> pd.DataFrame:
        """Move leads (emails or lead ids) to another campaign: add them there, with their
        whole record, then pause them in the source (SmartLead has no move endpoint; adding
        and pausing is the documented way, see
        https://api.smartlead.ai/api-reference/leads/push-to-campaign).

        Pausing, not deleting, keeps their thread and statistics in the source campaign.
        With ``record_source`` the lead gets the custom field ``moved_from_campaign_id``
        (account-wide, as every lead field). For a campaign's own follow-up, a subsequence
        (``client.campaigns.subsequences.push_leads``) keeps the thread going instead. A
        target that is no longer DRAFTED emails the leads it is given, so it needs
        ``confirm=True`` (as :meth:`add` does).

        Returns one row per lead: ``email``, ``lead_id``, ``source_campaign_id``,
        ``target_campaign_id``, ``in_target``, ``source_status`` (``PAUSED``, or the status
        that already sends nothing more: ``COMPLETED``, ``STOPPED``, ...). A lead that did
        not reach the target is not paused.

        >>> client.leads.move(1001, 1005, ["ana@example.eu"])      # doctest: +SKIP
        """
        source = campaign_or_refuse(self._api, source_campaign_id, "source_campaign_id")
        target = campaign_or_refuse(self._api, target_campaign_id, "target_campaign_id")
        if source["id"] == target["id"]:
            raise InputError(f"source and target are both campaign {source['id']}; nothing "
                             f"to move")
        refuse_unless_draft(target, confirm, "call leads.move again with confirm=True")
        rows = leads_in_campaign(self._api, source["id"], leads)
        records = []
        for row in rows:
            lead = row["lead"]
            record = {k: lead[k] for k in STANDARD_FIELDS if lead.get(k) not in (None, "")}
            custom = dict(lead.get(CUSTOM_FIELDS) or {})
            if record_source:
                custom[MOVED_FROM_FIELD] = str(source["id"])
            record[CUSTOM_FIELDS] = custom
            records.append(record)
        for start in range(0, len(records), MAX_BATCH_SIZE):
            # The whole record goes: a re-add overwrites the lead's fields account-wide.
            self.add(target["id"], records[start:start + MAX_BATCH_SIZE],
                     ignore_duplicate_leads_in_other_campaign=True, confirm=True)
        in_target = {to_int(r["lead"].get("id")) for r in self.iter(target["id"])}
        out = []
        for row in rows:
            lid = to_int(row["lead"].get("id"))
            status = row.get("status")
            if lid in in_target and status in ("STARTED", "INPROGRESS"):
                self.pause(source["id"], lid)   # only once it is safely in the target
                status = "PAUSED"
            out.append({"email": row["lead"].get("email"), "lead_id": lid,
                        "source_campaign_id": source["id"], "target_campaign_id": target["id"],
                        "in_target": lid in in_target, "source_status": status})
        return pd.DataFrame(out).astype({"lead_id": "Int64"})

    # -- account-wide ----------------------------------------------------------------------
    def find(self, email: str) -> dict | None:
        """The lead with this email, or ``None`` (SmartLead answers an unknown email with ``{}``)."""
        if not isinstance(email, str) or "@" not in email:
            raise InputError(f"not an email address: {email!r}")
        body = self._by_email(email)
        if body.get("id") in (None, ""):
            return None
        return coerce_counts(body)

    def _by_email(self, email: str) -> dict:
        """The raw answer of the by-email lookup: the lead object, or ``{}`` for no lead."""
        return self._api.call("GET", "leads/", params={"email": email.strip()}, shape=dict)

    def campaigns(self, lead_id: int) -> builtins.list[dict]:
        """The campaigns a lead is in: ``[{id, status, name}]``."""
        lid = check_id(lead_id, "lead_id")
        body = self._api.call("GET", f"leads/{lid}/campaigns", subject=f"lead {lid}",
                              shape=("data",))
        return [coerce_counts(r) for r in list_rows(body, "data")]

    def unsubscribe_everywhere(self, lead_id: int, *, confirm: bool = False) -> dict:
        """Unsubscribe a lead from every campaign and block future imports of it.

        Cannot be undone, so it needs ``confirm=True`` (like ``campaigns.delete``).

        >>> client.leads.unsubscribe_everywhere(42, confirm=True)   # doctest: +SKIP
        {'ok': True}
        """
        lid = check_id(lead_id, "lead_id")
        refuse_unconfirmed("POST", f"leads/{lid}/unsubscribe", None, confirm)
        return self._api.call("POST", f"leads/{lid}/unsubscribe", subject=f"lead {lid}",
                              shape=dict)


class LeadCategories(Service):
    """The account's lead categories (``GET /leads/fetch-categories``): ``list``, ``frame``."""

    def list(self) -> list[dict]:
        """The categories ``[{id, name, ...}]``; ids differ between accounts."""
        return lead_categories(self._api)

    @stamps_read_at
    def frame(self) -> pd.DataFrame:
        """:meth:`list` as a DataFrame."""
        return categories_frame(self.list())


def _category_id(api: Any, category: int | str) -> int:
    if isinstance(category, int) and not isinstance(category, bool):
        return check_id(category, "category id")
    if isinstance(category, str) and category.strip().isdigit():
        return int(category)
    categories = lead_categories(api)
    wanted = str(category).strip().lower()
    for c in categories:
        if str(c.get("name", "")).strip().lower() == wanted:
            return int(c["id"])
    names = ", ".join(repr(c.get("name")) for c in categories)
    raise InputError(f"no lead category named {category!r}; this account has {names}")


def _existing_file(source: Any) -> Any:
    """A frame passes; a path must name a file (a stray string is a mistake, said plainly)."""
    if isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if not path.is_file():
        shown = str(source) if len(str(source)) <= 80 else str(source)[:77] + "..."
        where = f" (looked in {Path.cwd()})" if not path.is_absolute() else ""
        raise InputError(f"leads.add got {shown!r}, which is not a file{where}: pass a CSV "
                         f"path, a DataFrame, or a list of lead dicts")
    return path
