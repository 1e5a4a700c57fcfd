"""``CampaignPlan``: a whole campaign as data, checked, previewed as requests, then launched.

>>> import pandas as pd
>>> steps = pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, 3],
...                       "subject": ["Idea for {{company_name}}", ""],
...                       "email_body": ["Hi {{first_name}}", "Following up"]})
>>> leads = pd.DataFrame({"Email": ["ana@example.com", "not-an-email"],
...                       "First Name": ["Ana", "Bo"], "Company": ["Acme", "Bolt"]})
>>> plan = CampaignPlan(name="Q1 outreach", sequences=steps, leads=leads,
...                     email_accounts=[3001, 3002],
...                     schedule=Schedule("America/New_York", days="Mon-Fri"))
>>> plan.check()[["area", "item"]].values.tolist()   # problems; empty when there are none
[['leads', 'row 1'], ['settings', '']]
>>> plan.dry_run()["step"].tolist()  # the exact requests launch() would send
['create', 'sequences', 'email_accounts', 'leads', 'schedule']
>>> result = plan.launch(client)    # DRAFTED, fully configured; re-run resumes   # doctest: +SKIP

``launch`` follows SmartLead's order (create, sequences, sender accounts, leads, schedule,
settings, and start only when asked with ``start=True, confirm=True``). It records its
progress in a small state file, so running it again after a failure picks up where it stopped
and never creates a second campaign; it asks SmartLead for the campaign's status first and
never changes one that is no longer DRAFTED (:mod:`smartlead_nb.launch_state`).
``check(client)`` and ``summary(client)`` ask SmartLead what the upload will really add
(:mod:`smartlead_nb.forecast`), so a check promises only what launch will do.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import pandas as pd

from .errors import CampaignNotDrafted, InputError
from .forecast import MAX_FORECAST_REQUESTS, LeadForecast, forecast_leads, smartlead_key
from .frames.clean import is_missing
from .frames.csv_reader import read_leads_csv
from .frames.leads import MAX_BATCH_SIZE, LeadsResult, leads_from_frame
from .frames.sequences import sequences_from_frame
from .frames.upload_rules import lead_upload_settings, pick_upload_flags
from .launch_state import (PARTS, STEPS, LaunchPreview, LaunchState, create_once, digest,
                           find_campaign, not_draft_message, pending, preview, refuse_unready,
                           state_path)
from .resources.confirm import DRAFT, campaign_status, refuse_unless_draft
from .resources.sequences import check_step
from .schedule import Schedule
from .senders import sender_problems
from .settings import CampaignSettings

if TYPE_CHECKING:  # annotations only: importing the plan loads no HTTP stack
    from .client import SmartleadClient

PROBLEM_COLUMNS = ["severity", "area", "item", "problem"]


@dataclass
class CampaignPlan:
    """Everything a campaign needs, before anything is sent.

    Args:
        name: the campaign's name.
        sequences: a DataFrame (one row per step or A/B variant, see
            ``frames.sequences``) or a list of step dicts.
        leads: a DataFrame of leads (any columns; mapped and checked), or a CSV path.
        email_accounts: sender account ids.
        schedule: a :class:`~smartlead_nb.Schedule` (``None`` leaves SmartLead's default).
        settings: :class:`~smartlead_nb.CampaignSettings` (``None`` leaves the defaults).
        lead_mapping: column -> field overrides for the lead column guess.
        client_id: the agency sub-account.
        ignore_duplicate_leads_in_other_campaign: add leads SmartLead already holds in
            another campaign (by default it skips them).
        ignore_global_block_list, ignore_unsubscribe_list: let blocked or unsubscribed
            people in; :meth:`launch` then needs ``confirm_overrides=True``.
        ignore_community_bounce_list: SmartLead's flag of that name.
        read_csv: options for reading ``leads`` when it is a CSV path, as
            ``pandas.read_csv`` takes them (``{"encoding": "latin-1", "sep": ";"}``); every
            cell is read as text unless they say otherwise (see
            :func:`~smartlead_nb.frames.csv_reader.read_leads_csv`).
    """

    name: str
    sequences: Any = None
    leads: Any = None
    email_accounts: list[int] = field(default_factory=list)
    schedule: Schedule | None = None
    settings: CampaignSettings | None = None
    lead_mapping: Mapping[Any, str | None] | None = None
    client_id: int | None = None
    ignore_duplicate_leads_in_other_campaign: bool = False
    ignore_global_block_list: bool = False
    ignore_unsubscribe_list: bool = False
    ignore_community_bounce_list: bool = False
    read_csv: Mapping[str, Any] | None = None

    # -- derived views (recomputed when the inputs change) ------------------------------------
    def steps(self) -> list[dict]:
        """The sequence as the list SmartLead takes (raises InputError naming the bad row)."""
        if self.sequences is None:
            return []
        if isinstance(self.sequences, pd.DataFrame):
            return sequences_from_frame(self.sequences)
        return [check_step(step, i) for i, step in enumerate(self.sequences)]

    def checked_leads(self) -> LeadsResult | None:
        """The leads mapped and checked (every row accounted for), or ``None`` without leads."""
        frame = self._leads_frame()
        if frame is None:
            return None
        key = _content_key(frame, self.lead_mapping)
        cached = self.__dict__.get("_leads_cache")
        if cached is None or cached[0] != key:
            cached = (key, leads_from_frame(frame, self.lead_mapping))
            self.__dict__["_leads_cache"] = cached
        return cached[1]

    def _leads_to_upload(self) -> pd.DataFrame:
        """The leads as the uploader takes them; a plan without leads has nothing to upload."""
        frame = self._leads_frame()
        if frame is None:
            raise InputError(f'the plan "{self.name}" has no leads to upload: give it leads=')
        return frame

    def _leads_frame(self) -> pd.DataFrame | None:
        if self.leads is None:
            return None
        if isinstance(self.leads, pd.DataFrame):
            return self.leads
        if isinstance(self.leads, (str, os.PathLike)):
            return read_leads_csv(self.leads, **(self.read_csv or {}))
        raise InputError(f"leads must be a DataFrame or a CSV path, got {type(self.leads).__name__}")

    def upload_options(self, *, confirm_overrides: bool = False) -> dict[str, Any]:
        """The plan's lead-upload flags, as ``client.leads.upload`` takes them.

        Refuses (``InputError``) the block and unsubscribe overrides unless
        ``confirm_overrides=True``: those email people who asked not to be emailed.

        >>> CampaignPlan("x", ignore_duplicate_leads_in_other_campaign=True).upload_options()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'ignore_global_block_list': False, 'ignore_unsubscribe_list': False,
         'ignore_duplicate_leads_in_other_campaign': True, 'ignore_community_bounce_list': False,
         'confirm_overrides': False}
        """
        flags = pick_upload_flags(vars(self))
        lead_upload_settings(**flags, confirm_overrides=confirm_overrides)  # refuses early
        return {**flags, "confirm_overrides": confirm_overrides is True}

    # -- previews -------------------------------------------------------------------------------
    def lead(self, which: Any = 0) -> dict:
        """One accepted lead's payload: by position (``0``), by index label, or by email."""
        leads = self.checked_leads()
        if leads is None or len(leads) == 0:
            raise InputError("the plan has no valid leads to preview")
        if isinstance(which, str) and "@" in which:
            from .frames.emails import email_key

            wanted = email_key(which)
            for lead in leads.leads:
                if email_key(lead["email"]) == wanted:
                    return lead
            raise InputError(f"no accepted lead has the email {which!r}")
        if which in leads.index:
            # Labels are unique (leads_from_frame refuses repeats), so a whole label is one
            # position; only part of a MultiIndex label can name several rows.
            position = leads.index.get_loc(which)
            if not isinstance(position, int):
                raise InputError(f"{which!r} is part of several accepted leads' labels: give a "
                                 f"whole label, a position or an email")
            return leads.leads[position]
        if isinstance(which, int) and 0 <= which < len(leads):
            return leads.leads[which]
        raise InputError(f"no accepted lead {which!r}: give a position, an index label or an email")

    def render(self, lead: Any = 0, *, variant: str | None = None, highlight: bool = False) -> pd.DataFrame:
        """Every step as one lead would receive it (follow-ups threaded as ``Re:``)."""
        from .templates import render_sequence

        return render_sequence(self.steps(), self.lead(lead), variant=variant, highlight=highlight)

    def timeline(self, *, start: Any = None, per_lead: bool = False) -> pd.DataFrame:
        """When each step goes out under the plan's schedule (``per_lead`` spreads leads by the
        daily cap)."""
        from .templates import send_timeline

        schedule = self.schedule or Schedule("UTC")
        leads = self.checked_leads() if per_lead else None
        return send_timeline(self.steps(), schedule, start=start,
                             leads=leads.leads if leads is not None else None)

    def summary(self, client: SmartleadClient | None = None, *,
                state: str | os.PathLike | None | bool = True,
                preview: LaunchPreview | None = None,
                forecast: LeadForecast | None = None) -> pd.DataFrame:
        """What :meth:`launch` will do, in plain words: one row per part of the campaign.

        With a ``client`` it asks SmartLead, so that the words hold: the sender accounts are
        named by their addresses, the campaign a re-run would resume is described as
        SmartLead says it is (``state`` as :meth:`launch` takes it), and the leads line says
        how many SmartLead will really add (:meth:`forecast_leads`). ``preview`` and
        ``forecast`` reuse answers already read. A part that cannot be read yet says why;
        :meth:`check` lists every problem.

        >>> CampaignPlan("Q1", sequences=[{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
        ...     "subject": "Hi", "email_body": "Hello"}]).summary().loc["sequence", "detail"]
        '1 email'
        """
        rows: dict[str, str] = {}

        def part(item: str, compute) -> None:
            try:
                rows[item] = compute()
            except (InputError, ValueError) as exc:
                rows[item] = f"not ready: {exc}"

        unreadable = None
        if client is not None:
            try:
                preview, forecast = self._ask(client, state, preview, forecast)
            except InputError as exc:   # e.g. a launch state file that cannot be read
                unreadable = exc
        def campaign() -> str:
            if unreadable is not None:
                raise unreadable
            if preview is None or preview.campaign_id is None:
                return f'"{self.name}", created as a draft: nothing is sent until you start it'
            return preview.describe()

        part("campaign", campaign)
        part("sequence", lambda: _describe_steps(self.steps()))
        part("leads", lambda: self._describe_leads(forecast, preview))
        part("senders", lambda: _describe_senders(client, self.email_accounts))
        part("schedule", lambda: str(self.schedule) if self.schedule is not None
             else "SmartLead's default (check the timezone)")
        part("settings", lambda: self.settings.describe() if self.settings is not None
             else "SmartLead's defaults")
        part("first email", self._describe_first_send)
        return pd.DataFrame({"detail": rows}).rename_axis("item")

    def read_smartlead(self, client: SmartleadClient, *,
                       state: str | os.PathLike | None | bool = True,
                       max_requests: int = MAX_FORECAST_REQUESTS
                       ) -> tuple[LaunchPreview, LeadForecast | None]:
        """What SmartLead says, as :meth:`summary` and :meth:`check` use it: the
        :meth:`launch_preview` and the :meth:`forecast_leads` for the campaign launch would
        use (``None`` while the plan has no valid leads). Read once, pass both on.

        >>> preview, forecast = plan.read_smartlead(client)                  # doctest: +SKIP
        >>> plan.check(client, preview=preview, forecast=forecast)           # doctest: +SKIP
        """
        preview = self.launch_preview(client, state=state)
        try:
            checked = self.checked_leads()
        except (InputError, ValueError):
            checked = None   # the plan's own problem, which check() names
        forecast = None
        if checked is not None and len(checked):
            forecast = self.forecast_leads(client, campaign_id=preview.campaign_id,
                                           max_requests=max_requests)
        return preview, forecast

    def _ask(self, client, state, preview: LaunchPreview | None, forecast: LeadForecast | None
             ) -> tuple[LaunchPreview | None, LeadForecast | None]:
        """:meth:`read_smartlead`, unless both answers were given."""
        if preview is None and forecast is None:
            return self.read_smartlead(client, state=state)
        return preview, forecast

    def _describe_leads(self, forecast: LeadForecast | None = None,
                        preview: LaunchPreview | None = None) -> str:
        checked = self.checked_leads()
        if checked is None:
            return "none yet"
        counts = checked.summary()
        total, valid = int(counts.sum()), int(counts.get("ok", 0))
        duplicates = int(counts.get("duplicate", 0))
        left = total - valid
        if forecast is not None and preview is not None and not preview.draft:
            new = forecast.added
            head = (f"none: the campaign is {preview.status}, so launch adds no lead. "
                    f"{new:,} of {len(forecast.emails):,} are not in it yet; adding them is a "
                    f"separate, confirmed step, and SmartLead emails them"
                    if forecast.looked_up else
                    f"none: the campaign is {preview.status}, so launch adds no lead")
        elif forecast is not None:
            head = forecast.describe()
        else:   # nothing asked of SmartLead: a count of rows, not a promise
            head = (f"{valid:,} valid lead{'s' if valid != 1 else ''} to send; SmartLead leaves "
                    f"out any already in another campaign, blocked or unsubscribed")
        if not left:
            return head
        why = [f"{duplicates:,} duplicate{'s' if duplicates != 1 else ''}"] if duplicates else []
        if left - duplicates:
            why.append(f"{left - duplicates:,} with a problem")
        return f"{head} ({left:,} of {total:,} rows left out: {', '.join(why)})"

    def _describe_first_send(self) -> str:
        steps = self.steps()
        if not steps:
            return "no emails yet"
        first = self.timeline().iloc[0]
        when = pd.Timestamp(first["send_time"])
        return (f"{when:%A %d %B %Y} at {first['local_time']} ({when.tzinfo}), if it is "
                f"started now")

    # -- check ----------------------------------------------------------------------------------
    def check(self, client: SmartleadClient | None = None, *, mirror: Any = None,
              lookup_contacted: bool = False, state: str | os.PathLike | None | bool = True,
              preview: LaunchPreview | None = None,
              forecast: LeadForecast | None = None) -> pd.DataFrame:
        """Every problem that would stop or spoil the campaign, as a DataFrame.

        ``severity`` is ``error`` (launch would fail or send something wrong) or
        ``warning`` (worth a look). With a ``client``, sender accounts are checked against
        the account list (exist, connected, warm-up), and the check asks SmartLead what a
        launch with this ``state`` would meet, by the rules launch follows: a campaign it
        would resume that is no longer a draft (launch would change nothing), and how many
        leads SmartLead would really add with the plan's upload flags (:meth:`forecast_leads`:
        none at all is an error). ``preview`` and ``forecast`` reuse answers already read.

        Leads already in another campaign (or already contacted) are flagged with the
        campaign and when: from ``mirror`` (a synced :class:`~smartlead_nb.Mirror`, no
        request), or with ``lookup_contacted=True`` by email through ``client``, one request
        per lead (the problem table says how many before you ask for it).

        >>> plan.check(client, mirror=sl.Mirror(client=client))        # doctest: +SKIP
        """
        from .templates import check_templates

        problems: list[dict] = []

        def add(severity, area, item, problem):
            problems.append({"severity": severity, "area": area, "item": item, "problem": problem})

        if not isinstance(self.name, str) or not self.name.strip():
            add("error", "campaign", "name", "the campaign has no name")
        try:
            steps = self.steps()
        except InputError as exc:
            steps = []
            add("error", "sequence", "", str(exc))
        else:
            if not steps:
                add("error", "sequence", "", "no sequence steps: SmartLead will not start a campaign without one")
        try:
            leads = self.checked_leads()
        except (InputError, ValueError) as exc:
            leads = None
            add("error", "leads", "", str(exc))
        else:
            if leads is None:
                add("error", "leads", "", "no leads: SmartLead will not start a campaign without one")
            else:
                for w in leads.warnings:
                    add("warning", "leads", "", w)
                for label, row in leads.rejected.iterrows():
                    add("warning", "leads", f"row {label}", f"{row['outcome']}: {row['reason']}")
                if len(leads) == 0:
                    add("error", "leads", "", "no valid leads: every row was rejected")
        if steps and leads is not None and len(leads):
            templates = check_templates(steps, leads.leads, index=leads.index,
                                        columns=leads.mapping)
            for _, row in templates.iterrows():
                severity = "error" if row["problem"] == "unknown tag" else "warning"
                item = f"step {row['seq_number']}" + (f" {row['variant_label']}" if not is_missing(row.get("variant_label")) else "")
                add(severity, "sequence", item, row["message"])
        if leads is not None and len(leads):
            for problem in _contacted_problems(leads, client, mirror, lookup_contacted):
                add(*problem)
        if client is not None:
            try:
                preview, forecast = self._ask(client, state, preview, forecast)
            except InputError as exc:   # e.g. a launch state file that cannot be read
                add("error", "campaign", "launch state", str(exc))
            else:
                for problem in ((preview.problems() if preview is not None else [])
                                + (forecast.problems() if forecast is not None else [])):
                    add(*problem)
        if not self.email_accounts:
            add("error", "email_accounts", "", "no sender accounts: SmartLead will not start without one")
        elif client is not None:
            for account, trouble in _account_problems(client, self.email_accounts):
                add("error", "email_accounts", account, trouble)
        if self.schedule is None:
            add("warning", "schedule", "", "no schedule: SmartLead's default applies (check the timezone)")
        if self.settings is None:
            add("warning", "settings", "", "no settings: tracking and stop rule stay at SmartLead's defaults")
        return pd.DataFrame(problems, columns=PROBLEM_COLUMNS)

    # -- dry run ---------------------------------------------------------------------------------
    def dry_run(self, batch_size: int = MAX_BATCH_SIZE) -> pd.DataFrame:
        """The requests :meth:`launch` would send, in order, with the key shown as REDACTED.

        The campaign id is not known before it is created, so paths show ``{campaign_id}``.
        Lead batches show their full JSON bodies.
        """
        rows: list[dict] = []

        def req(step, method, path, body):
            rows.append({"step": step, "method": method,
                         "url": f"/api/v1/{path}?api_key=REDACTED", "json": body})

        create: dict[str, Any] = {"name": self.name}
        if self.client_id is not None:
            create["client_id"] = self.client_id
        req("create", "POST", "campaigns/create", create)
        steps = self.steps()
        if steps:
            req("sequences", "POST", "campaigns/{campaign_id}/sequences", {"sequences": steps})
        if self.email_accounts:
            req("email_accounts", "POST", "campaigns/{campaign_id}/email-accounts",
                {"email_account_ids": [int(a) for a in self.email_accounts]})
        leads = self.checked_leads()
        if leads is not None:
            settings = lead_upload_settings(**pick_upload_flags(vars(self)), return_lead_ids=True,
                                            confirm_overrides=True)
            for payload in leads.json_batches(batch_size):
                req("leads", "POST", "campaigns/{campaign_id}/leads",
                    json.loads(payload.request_body(settings)))
        if self.schedule is not None:
            req("schedule", "POST", "campaigns/{campaign_id}/schedule", self.schedule.to_payload())
        if self.settings is not None and self.settings.to_payload():
            req("settings", "POST", "campaigns/{campaign_id}/settings", self.settings.to_payload())
        return pd.DataFrame(rows, columns=["step", "method", "url", "json"])

    # -- launch ----------------------------------------------------------------------------------
    def sent_digests(self) -> dict[str, str]:
        """Per part of the plan, a fingerprint of exactly what :meth:`launch` sends for it
        (see :mod:`smartlead_nb.launch_state`): a re-run compares them with what it saved."""
        def leads():
            frame = self._leads_frame()
            return None if frame is None else [_content_key(frame, self.lead_mapping),
                                               pick_upload_flags(vars(self))]

        parts = {"sequences": self.steps,
                 "email_accounts": lambda: sorted(int(a) for a in self.email_accounts),
                 "leads": leads,
                 "schedule": lambda: self.schedule.to_payload() if self.schedule else None,
                 "settings": lambda: self.settings.to_payload() if self.settings else None}
        out = {}
        for part, read in parts.items():
            try:
                out[part] = digest(read())
            except (InputError, ValueError, TypeError) as exc:   # check() names the problem
                out[part] = digest(f"unreadable: {exc}")
        return out

    def launch_preview(self, client: SmartleadClient, *,
                       state: str | os.PathLike | None | bool = True,
                       start: bool = False) -> LaunchPreview:
        """What :meth:`launch` would do now, with the same ``state``: which campaign it
        resumes and what SmartLead says of it (one request), which steps it would send, and
        which saved parts the plan has changed since. Nothing is sent or written.

        >>> plan.launch_preview(client).refusal()     # None, or why launch would refuse   # doctest: +SKIP
        """
        book = LaunchState(state_path(client, self.name, state))
        return preview(client, book, self.name, self.sent_digests(), start=start)

    def launch(self, client: SmartleadClient, *, start: bool = False, confirm: bool = False,
               state: str | os.PathLike | None | bool = True, journal: Any = True,
               progress: bool = True, confirm_overrides: bool = False,
               skip_contacted: Any = None) -> "LaunchResult":
        """Create and configure the campaign in SmartLead's order; resumable.

        Leaves the campaign ``DRAFTED`` unless ``start=True`` and ``confirm=True``. Refuses to
        run while :meth:`check` reports errors. ``state`` is where progress is recorded
        (``True``: a file per account and campaign name in the cache directory; ``False``:
        nowhere, so a re-run starts over). Because the state is kept by name, running a
        finished launch again returns the same campaign; to launch a second campaign from
        the same plan, give it another name or pass ``state=False``.

        A re-run asks SmartLead for the campaign's status first. While it is ``DRAFTED``,
        every part the plan has changed since it was saved (the wording, the leads, the
        schedule, ...) is saved again. Once it is not (started, paused, stopped, finished),
        launch changes nothing: if the plan differs from what was saved it raises
        :class:`~smartlead_nb.CampaignNotDrafted` naming the difference, and
        :meth:`add_leads` with ``confirm=True`` is the way to add new leads to it.

        The plan's ``ignore_*`` upload flags go to every lead batch; the block and
        unsubscribe overrides need ``confirm_overrides=True``. A launch that adds no lead at
        all says so first in ``LaunchResult.problems``. ``skip_contacted=mirror`` leaves out
        leads a synced mirror holds in another campaign (see ``client.leads.upload``). The result's
        ``status`` is SmartLead's answer, read after the last step.
        """
        if start and confirm is not True:
            raise InputError("starting sends real email: pass start=True, confirm=True")
        options = self.upload_options(confirm_overrides=confirm_overrides)
        if skip_contacted is not None:
            options["skip_contacted"] = skip_contacted
        errors = self.check()
        errors = errors[errors["severity"] == "error"]
        if len(errors):
            raise InputError("the plan has problems; fix them first (plan.check() lists them):\n"
                             + "\n".join(f"- {r.area} {r.item}: {r.problem}" for r in errors.itertuples()))
        book = LaunchState(state_path(client, self.name, state))
        sent_now = self.sent_digests()
        campaign, gone = find_campaign(client, book, self.name)
        if gone is not None:
            warnings.warn(gone, stacklevel=2)
            book.reset()
        now: list[str] = []
        if campaign is None:
            campaign = create_once(client, book, self.name, self.client_id)
            now.append("create")
        cid, name = int(campaign["id"]), book.data.get("name", self.name)
        todo, changed = pending(book, sent_now, start=start)
        status = campaign_status(campaign) or None
        if status != DRAFT:
            return self._not_a_draft(book, cid, name, status, todo)
        bar = _step_bar(progress, len(STEPS) if start else len(STEPS) - 1)
        bar.update(1)
        upload = None
        problems: list[str] = []
        for step in STEPS[1:]:
            if step == "start" and not start:
                break
            if step not in todo:
                if step == "leads" and journal not in (False, None):
                    # Done on an earlier run: rebuild the per-row report from the journal
                    # (every batch is confirmed there, so nothing is sent again).
                    upload = client.leads.upload(cid, self._leads_to_upload(),
                                                 mapping=self.lead_mapping, journal=journal,
                                                 progress=False, **options)
                bar.update(1)
                continue
            bar.set_description(f"campaign {cid}: {step.replace('_', ' ')}")
            sent = self._send_step(client, cid, step, step in changed, problems)
            if step == "leads":
                upload = client.leads.upload(cid, self._leads_to_upload(),
                                             mapping=self.lead_mapping, journal=journal,
                                             progress=progress, **options)
                if not upload.complete:
                    bar.close()
                    return LaunchResult(cid, book.done_frame(now), upload, stopped=upload.stopped,
                                        name=name, problems=_lead_problems(cid, upload),
                                        status=status)
                if step in changed:
                    problems += _leads_not_in_plan(client, cid, self)
            if step == "start":
                refuse_unready(client, cid)
                client.campaigns.start(cid, confirm=True)
            if sent:
                now.append(step)
            book.mark(step, sent_now.get(step))
            bar.update(1)
        bar.close()
        status = campaign_status(client.campaigns.get(cid)) or None  # SmartLead's word, not ours
        return LaunchResult(cid, book.done_frame(now), upload, name=name,
                            problems=_lead_problems(cid, upload) + problems, status=status)

    def _send_step(self, client, cid: int, step: str, again: bool, problems: list[str]) -> bool:
        """Send one part of the plan to a DRAFTED campaign (``again``: it was saved before
        and the plan has changed since); ``False`` when there was nothing to send. The
        leads are uploaded by :meth:`launch` itself, which keeps their report."""
        if step == "sequences":
            client.sequences.save(cid, self.steps())   # replaces every step SmartLead holds
        elif step == "email_accounts":
            wanted = [int(a) for a in self.email_accounts]
            client.campaigns.email_accounts.add(cid, wanted)
            if again:  # a sender taken out of the plan leaves the draft too (nothing sends yet)
                extra = [int(a["id"]) for a in client.campaigns.email_accounts.list(cid)
                         if int(a["id"]) not in wanted]
                if extra:
                    client.campaigns.email_accounts.remove(cid, extra, confirm=True)
        elif step == "schedule":
            if self.schedule is None:
                if again:
                    problems.append(f"campaign {cid} keeps the schedule saved earlier: the plan "
                                    f"has none now, and a schedule cannot be unset")
                return False
            client.campaigns.schedule(cid, self.schedule)
        elif step == "settings":
            if self.settings is None or not self.settings.to_payload():
                if again:
                    problems.append(f"campaign {cid} keeps the settings saved earlier: the plan "
                                    f"has none now")
                return False
            client.campaigns.settings(cid, self.settings)
        return True

    def _not_a_draft(self, book: LaunchState, cid: int, name: str, status: str | None,
                     todo: list[str]) -> "LaunchResult":
        """A campaign that is no longer a draft is never changed: refuse when the plan
        differs from what was saved in it, else report it as SmartLead says it is."""
        differs = [s for s in todo if s in PARTS]
        if differs:
            raise CampaignNotDrafted(not_draft_message(cid, name, status, differs), cid, status)
        if "start" in todo and status != "ACTIVE":
            raise CampaignNotDrafted(
                f'campaign {cid} "{name}" is {status} in SmartLead: launch changed nothing, and '
                f"start=True does not restart it (resume a paused campaign in SmartLead, or "
                f"with client.campaigns.start({cid}, confirm=True))", cid, status)
        if "start" in todo:   # started on an earlier run whose answer was lost: it is ACTIVE
            book.mark("start")
        return LaunchResult(cid, book.done_frame(), None, name=name, status=status)

    def add_leads(self, client: SmartleadClient, campaign_id: int | None = None, *,
                  confirm: bool = False, state: str | os.PathLike | None | bool = True,
                  journal: Any = True, progress: bool = True,
                  confirm_overrides: bool = False) -> Any:
        """Add the plan's leads to its campaign even after it has started: the explicit way
        in, since :meth:`launch` never changes a campaign that is no longer a draft.

        ``campaign_id`` defaults to the campaign the launch ``state`` names. A campaign that
        is not DRAFTED emails the leads it is given, so this needs ``confirm=True`` then
        (:meth:`forecast_leads` says how many would be added); leads it already holds are
        not added twice. Returns the :class:`~smartlead_nb.UploadResult`.

        >>> plan.forecast_leads(client, campaign_id=12).added       # who would be emailed  # doctest: +SKIP
        3
        >>> plan.add_leads(client, 12, confirm=True)                                     # doctest: +SKIP
        """
        options = self.upload_options(confirm_overrides=confirm_overrides)
        book = LaunchState(state_path(client, self.name, state))
        if campaign_id is None:
            campaign, gone = find_campaign(client, book, self.name)
            if campaign is None:
                raise InputError(gone or f'no campaign to add leads to: "{self.name}" has not '
                                         f"been launched with this state (launch it first, or "
                                         f"give campaign_id)")
        else:
            campaign = client.campaigns.get(campaign_id)
        campaign_id = int(campaign["id"])
        refuse_unless_draft(campaign, confirm, "call plan.add_leads again with confirm=True")
        result = client.leads.upload(campaign_id, self._leads_to_upload(), mapping=self.lead_mapping,
                                     journal=journal, progress=progress, confirm=confirm,
                                     **options)
        if result.complete and book.data.get("campaign_id") == int(campaign_id):
            book.mark("leads", self.sent_digests()["leads"])  # the campaign holds these now
        return result

    def forecast_leads(self, client: SmartleadClient, *, campaign_id: int | None = None,
                       max_requests: int = MAX_FORECAST_REQUESTS) -> LeadForecast:
        """What SmartLead will do with each valid lead when this plan uploads them to
        ``campaign_id`` (``None``: a new campaign), by SmartLead's rules and the plan's own
        upload flags (see :mod:`smartlead_nb.forecast`); at most ``max_requests`` requests."""
        return forecast_leads(client, self.checked_leads(), pick_upload_flags(vars(self)),
                              campaign_id=campaign_id, max_requests=max_requests)


@dataclass
class LaunchResult:
    """What :meth:`CampaignPlan.launch` did: the campaign id, each step, the lead report.

    ``name`` is the name the campaign was created with (what a confirmation must match);
    ``status`` is what SmartLead says the campaign is, asked after the last step;
    ``steps`` lists every finished step, ``now`` marking those this run sent (``sent_now``);
    ``problems`` lists what needs a look before starting, e.g. that no lead was added. The
    repr leads with them.
    """

    campaign_id: int
    steps: pd.DataFrame
    upload: Any = None
    stopped: str | None = None
    name: str | None = None
    problems: list[str] = field(default_factory=list)
    status: str | None = None

    @property
    def leads_report(self) -> pd.DataFrame | None:
        """One row per input lead row: uploaded / already present / rejected, and why."""
        return None if self.upload is None else self.upload.rows

    @property
    def sent_now(self) -> list[str]:
        """The steps this run sent to SmartLead (none: it changed nothing)."""
        if "now" not in self.steps.columns:
            return list(self.steps["step"])
        return list(self.steps.loc[self.steps["now"].astype(bool), "step"])

    def __repr__(self) -> str:
        done = ", ".join(self.steps["step"]) if len(self.steps) else "nothing"
        text = "".join(f"PROBLEM: {p}\n" for p in self.problems)
        said = f", SmartLead says {self.status}" if self.status else ""
        text += (f"LaunchResult(campaign {self.campaign_id}{said}: {done}; sent now: "
                 f"{', '.join(self.sent_now) or 'nothing'})")
        if self.upload is not None:
            text += "\n" + repr(self.upload)
        if self.stopped:
            text += f"\nSTOPPED: {self.stopped}"
        return text


def _leads_not_in_plan(client, cid: int, plan: "CampaignPlan") -> list[str]:
    """A problem when the campaign holds leads an earlier run uploaded that the plan has
    dropped since: they stay in it, and are emailed when it starts (one request)."""
    held = client.leads.export(cid)
    if held.empty or "email" not in held.columns:
        return []
    checked = plan.checked_leads()
    keep = {smartlead_key(lead["email"]) for lead in (checked.leads if checked is not None else [])}
    extra = sorted(set(held["email"].map(smartlead_key)) - keep)
    if not extra:
        return []
    shown = ", ".join(extra[:3]) + (", ..." if len(extra) > 3 else "")
    return [f"campaign {cid} still holds {len(extra):,} lead{'s' if len(extra) != 1 else ''} an "
            f"earlier run added that the plan no longer has ({shown}): they are emailed when it "
            f"starts unless you delete them in SmartLead"]


def _contacted_problems(leads, client, mirror, lookup: bool) -> list[tuple[str, str, str, str]]:
    """Warnings for leads already in another campaign (see :meth:`CampaignPlan.check`)."""
    from .frames.contacted import already_contacted, normalise_emails
    from .mirror.duplicates import contacted_by_email

    emails = leads.report.loc[leads.index, "email"]
    if mirror is not None:
        found = mirror.contacted(emails)
    elif lookup and client is not None:
        n = len(normalise_emails(emails))
        print(f"smartlead_nb: looking up {n:,} emails in your other campaigns: {n:,} requests "
              f"(at the Standard limit of 60 a minute, about {n / 60:.0f} min)", flush=True)
        found = contacted_by_email(client, emails)
    else:
        return []
    reasons = already_contacted(found, emails)
    return [("warning", "leads", f"row {label}", f"{email} {reasons[email]}")
            for label, email in emails.items() if email in reasons]


def _lead_problems(cid: int, upload) -> list[str]:
    """A problem when an upload added no lead at all (every row refused or skipped)."""
    if upload is None:
        return []
    counts = upload.summary()
    if int(counts.get("uploaded", 0)):
        return []
    why = ", ".join(f"{int(n):,} {k}" for k, n in counts.items() if n) or "no rows"
    hint = (" (ignore_duplicate_leads_in_other_campaign=True lets leads that are already in "
            "another campaign in)" if counts.get("in_other_campaign", 0) else "")
    return [f"no leads were added to campaign {cid}: {why}{hint}; it would send to nobody"]


def _content_key(frame: pd.DataFrame, mapping: Mapping[Any, str | None] | None) -> tuple:
    """What the checked-leads cache is keyed on: the frame's content, not its identity, so a
    frame changed in place (``df.loc[0, "Email"] = ...``) is checked again."""
    try:
        digest = int(pd.util.hash_pandas_object(frame, index=True).sum())
    except TypeError:  # unhashable cells (lists, dicts): hash their text instead
        digest = int(pd.util.hash_pandas_object(frame.astype(str), index=True).sum())
    return (digest, len(frame), tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)),
            tuple(sorted((str(k), str(v)) for k, v in (mapping or {}).items())))


def _describe_steps(steps: list[dict]) -> str:
    if not steps:
        return "no emails yet"
    text = f"{len(steps)} email{'s' if len(steps) != 1 else ''}"
    split = [f"step {s['seq_number']} in {len(s['seq_variants'])} versions (A/B test)"
             for s in steps if len(s.get("seq_variants") or ()) > 1]
    delays = [int((s.get("seq_delay_details") or {}).get("delay_in_days") or 0) for s in steps[1:]]
    if delays:
        text += ", follow-ups " + ", ".join(f"{d} day{'s' if d != 1 else ''}" for d in delays) \
                + " after the one before"
    return text + (f"; {', '.join(split)}" if split else "")


def _describe_senders(client, ids: Iterable[int]) -> str:
    ids = [int(a) for a in ids]
    if not ids:
        return "none chosen"
    names = {}
    if client is not None:
        names = {int(a["id"]): a.get("from_email") for a in client.email_accounts.list()}
    shown = [str(names.get(i) or f"account {i}") for i in ids]
    return f"{len(ids)} mailbox{'es' if len(ids) != 1 else ''}: {', '.join(shown)}"


def _account_problems(client, ids: Iterable[int]) -> list[tuple[str, str]]:
    accounts = {int(a["id"]): a for a in client.email_accounts.list()}
    problems = []
    for account_id in ids:
        account = accounts.get(int(account_id))
        if account is None:
            problems.append((f"account {account_id}", "no such sender account in this SmartLead account"))
            continue
        problems += [(f"account {account_id}", f"{account.get('from_email')}: {problem}")
                     for problem in sender_problems(account)]
    return problems


def _step_bar(enabled: bool, total: int):
    from ._progress import progress_bar

    return progress_bar(enabled, total=total, unit="step", desc="launching")
