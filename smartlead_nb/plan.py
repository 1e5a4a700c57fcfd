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
and never creates a second campaign.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import pandas as pd

from ._ratelimit import cache_dir
from .errors import InputError, NotFoundError
from .frames.accounts import sender_problems
from .frames.clean import is_missing
from .frames.csv_reader import read_leads_csv
from .frames.leads import MAX_BATCH_SIZE, LeadsResult, leads_from_frame
from .frames.sequences import sequences_from_frame
from .resources.leads import lead_upload_settings, pick_upload_flags
from .resources.sequences import check_step
from .schedule import Schedule
from .settings import CampaignSettings

if TYPE_CHECKING:  # annotations only: importing the plan loads no HTTP stack
    from .client import SmartleadClient

PROBLEM_COLUMNS = ["severity", "area", "item", "problem"]
STEPS = ("create", "sequences", "email_accounts", "leads", "schedule", "settings", "start")


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

    def _leads_frame(self) -> pd.DataFrame | None:
        if self.leads is None:
            return None
        if isinstance(self.leads, pd.DataFrame):
            return self.leads
        if isinstance(self.leads, (str, os.PathLike)):
            return read_leads_csv(self.leads, **(self.read_csv or {}))
        raise InputError(f"leads must be a DataFrame or a CSV path, got {type(self.leads).__name__}")

    def upload_options(self, *, confirm_overrides: bool = False) -> dict[str, bool]:
        """The plan's lead-upload flags, as ``upload_leads`` takes them.

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
            return leads.leads[leads.index.get_loc(which)]
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

    def summary(self, client: SmartleadClient | None = None) -> pd.DataFrame:
        """What :meth:`launch` will create, in plain words: one row per part of the campaign.

        With a ``client`` the sender accounts are named by their addresses (one request).
        A part that cannot be read yet says why; :meth:`check` lists every problem.

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

        part("campaign", lambda: f'"{self.name}", created as a draft: nothing is sent until '
                                 f"you start it")
        part("sequence", lambda: _describe_steps(self.steps()))
        part("leads", self._describe_leads)
        part("senders", lambda: _describe_senders(client, self.email_accounts))
        part("schedule", lambda: str(self.schedule) if self.schedule is not None
             else "SmartLead's default (check the timezone)")
        part("settings", lambda: self.settings.describe() if self.settings is not None
             else "SmartLead's defaults")
        part("first email", self._describe_first_send)
        return pd.DataFrame({"detail": rows}).rename_axis("item")

    def _describe_leads(self) -> str:
        checked = self.checked_leads()
        if checked is None:
            return "none yet"
        counts = checked.summary()
        total, valid = int(counts.sum()), int(counts.get("ok", 0))
        duplicates = int(counts.get("duplicate", 0))
        left = total - valid
        added = f"{valid:,} lead{'s' if valid != 1 else ''} will be added"
        if not left:
            return added
        why = [f"{duplicates:,} duplicate{'s' if duplicates != 1 else ''}"] if duplicates else []
        if left - duplicates:
            why.append(f"{left - duplicates:,} with a problem")
        return f"{added} ({left:,} of {total:,} rows left out: {', '.join(why)})"

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
              lookup_contacted: bool = False) -> pd.DataFrame:
        """Every problem that would stop or spoil the campaign, as a DataFrame.

        ``severity`` is ``error`` (launch would fail or send something wrong) or
        ``warning`` (worth a look). With a ``client``, sender accounts are checked against
        the account list (exist, connected, warm-up).

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
        if not self.email_accounts:
            add("error", "email_accounts", "", "no sender accounts: SmartLead will not start without one")
        elif client is not None:
            for problem in _account_problems(client, self.email_accounts):
                add("error", "email_accounts", *problem)
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

        create = {"name": self.name}
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

        The plan's ``ignore_*`` upload flags go to every lead batch; the block and
        unsubscribe overrides need ``confirm_overrides=True``. A launch that adds no lead at
        all says so first in ``LaunchResult.problems``. ``skip_contacted=mirror`` leaves out
        leads a synced mirror holds in another campaign (see ``upload_leads``).
        """
        from .upload import upload_leads

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
        book = _PlanState(_state_path(client, self, state))
        bar = _step_bar(progress, len(STEPS) if start else len(STEPS) - 1)
        cid = _resumable_campaign(client, self, book)
        if cid is None:
            cid = _create_once(client, self, book)
        name = book.data.get("name", self.name)
        bar.update(1)
        upload = None
        for step in STEPS[1:]:
            if step == "start" and not start:
                break
            if step in book.done:
                if step == "leads" and journal not in (False, None):
                    # Done on an earlier run: rebuild the per-row report from the journal
                    # (every batch is confirmed there, so nothing is sent again).
                    upload = upload_leads(client, cid, self._leads_frame(),
                                          mapping=self.lead_mapping, journal=journal,
                                          progress=False, **options)
                bar.update(1)
                continue
            bar.set_description(f"campaign {cid}: {step.replace('_', ' ')}")
            if step == "sequences":
                client.save_sequences(cid, self.steps())
            elif step == "email_accounts":
                client.add_email_accounts(cid, [int(a) for a in self.email_accounts])
            elif step == "leads":
                upload = upload_leads(client, cid, self._leads_frame(), mapping=self.lead_mapping,
                                      journal=journal, progress=progress, **options)
                if not upload.complete:
                    bar.close()
                    return LaunchResult(cid, book.done_frame(), upload, stopped=upload.stopped,
                                        name=name, problems=_lead_problems(cid, upload))
            elif step == "schedule" and self.schedule is not None:
                client.update_schedule(cid, self.schedule)
            elif step == "settings" and self.settings is not None and self.settings.to_payload():
                client.update_settings(cid, self.settings)
            elif step == "start":
                client.start_campaign(cid, confirm=True)
            book.mark(step)
            bar.update(1)
        bar.close()
        return LaunchResult(cid, book.done_frame(), upload, name=name,
                            problems=_lead_problems(cid, upload))


@dataclass
class LaunchResult:
    """What :meth:`CampaignPlan.launch` did: the campaign id, each step, the lead report.

    ``name`` is the name the campaign was created with (what a confirmation must match);
    ``problems`` lists what needs a look before starting, e.g. that no lead was added. The
    repr leads with them.
    """

    campaign_id: int
    steps: pd.DataFrame
    upload: Any = None
    stopped: str | None = None
    name: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def leads_report(self) -> pd.DataFrame | None:
        """One row per input lead row: uploaded / already present / rejected, and why."""
        return None if self.upload is None else self.upload.rows

    def __repr__(self) -> str:
        done = ", ".join(self.steps["step"]) if len(self.steps) else "nothing"
        text = "".join(f"PROBLEM: {p}\n" for p in self.problems)
        text += f"LaunchResult(campaign {self.campaign_id}: {done})"
        if self.upload is not None:
            text += "\n" + repr(self.upload)
        if self.stopped:
            text += f"\nSTOPPED: {self.stopped}"
        return text


def _resumable_campaign(client, plan: CampaignPlan, book: "_PlanState") -> int | None:
    """The campaign an earlier run of this launch created, if it is still that campaign.

    A state file names a campaign id; the server is asked whether that id still exists and
    still carries the plan's name. Deleted, or another campaign under that id (a sandbox
    reset, a state file copied from elsewhere): the launch starts over, with a warning.
    """
    cid = book.data.get("campaign_id")
    if cid is None:
        return None
    try:
        campaign = client.get_campaign(cid)
    except NotFoundError:
        book.reset()  # deleted since: start over
        return None
    expected = book.data.get("name", plan.name)
    if campaign.get("name") != expected:
        warnings.warn(f"the launch state {book.path} names campaign {cid}, but that campaign "
                      f"is now called {campaign.get('name')!r}, not {expected!r}: it is not "
                      f"the campaign this plan created, so the launch starts over", stacklevel=3)
        book.reset()
        return None
    return int(cid)


def _contacted_problems(leads, client, mirror, lookup: bool) -> list[tuple[str, ...]]:
    """Warnings for leads already in another campaign (see :meth:`CampaignPlan.check`)."""
    from .mirror.duplicates import contacted_by_email, describe, normalise_emails

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
    reasons = describe(found)
    rows = []
    for label, email in emails.items():
        key = normalise_emails([email])
        if key and key[0] in reasons:
            rows.append(("warning", "leads", f"row {label}", f"{email} already {reasons[key[0]]}"))
    return rows


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
        names = {int(a["id"]): a.get("from_email") for a in client.list_email_accounts()}
    shown = [str(names.get(i) or f"account {i}") for i in ids]
    return f"{len(ids)} mailbox{'es' if len(ids) != 1 else ''}: {', '.join(shown)}"


def _create_once(client, plan: CampaignPlan, book: "_PlanState") -> int:
    """Create the campaign, unless an earlier run already did (even if its answer was lost)."""
    same_name = [int(c["id"]) for c in client.list_campaigns(client_id=plan.client_id)
                 if c.get("name") == plan.name]
    if book.data.get("creating"):
        # The create was sent but its answer never recorded: adopt the campaign it made,
        # the one with this name that did not exist before it was sent.
        new = sorted(set(same_name) - set(book.data.get("existing_ids", [])))
        if new:
            book.set(campaign_id=new[-1], name=plan.name, creating=False)
            return new[-1]
    book.set(creating=True, existing_ids=same_name)
    created = client.create_campaign(plan.name, client_id=plan.client_id)
    book.set(campaign_id=int(created["id"]), name=created.get("name", plan.name), creating=False)
    return int(created["id"])


def _account_problems(client, ids: Iterable[int]) -> list[tuple[str, str]]:
    accounts = {int(a["id"]): a for a in client.list_email_accounts()}
    problems = []
    for account_id in ids:
        account = accounts.get(int(account_id))
        if account is None:
            problems.append((f"account {account_id}", "no such sender account in this SmartLead account"))
            continue
        problems += [(f"account {account_id}", f"{account.get('from_email')}: {problem}")
                     for problem in sender_problems(account)]
    return problems


class _PlanState:
    """A small JSON file holding a launch's progress (campaign id and finished steps)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        if path is not None and path.exists():
            # Unreadable is refused, not taken for "nothing done": starting over silently
            # would create a second campaign next to the one this file names.
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise self._unreadable(f"{type(exc).__name__}: {exc}") from None
            if not isinstance(self.data, dict) or not isinstance(self.data.get("done", []), list):
                raise self._unreadable("it does not hold a launch state")
        self.data.setdefault("done", [])

    def _unreadable(self, why: str) -> InputError:
        return InputError(
            f"the launch state file {self.path} cannot be read ({why}). It records which "
            f"campaign this launch created: check SmartLead for that campaign, then delete the "
            f"file to start over (or pass state=False)")

    @property
    def done(self) -> list[str]:
        return self.data["done"]

    def set(self, **values: Any) -> None:
        self.data.update(values)
        self._save()

    def mark(self, step: str) -> None:
        if step not in self.done:
            self.done.append(step)
        self._save()

    def reset(self) -> None:
        self.data = {"done": []}
        self._save()

    def done_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"step": ["create"] + list(self.done)})

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data))
        os.replace(tmp, self.path)  # atomic: a kill never leaves half a file


def _state_path(client, plan: CampaignPlan, state) -> Path | None:
    if state in (False, None):
        return None
    if state is not True:
        return Path(state)
    slug = re.sub(r"[^a-z0-9]+", "-", plan.name.lower()).strip("-")[:60] or "campaign"
    return cache_dir() / "plans" / f"{client.fingerprint}-{slug}.json"


def _step_bar(enabled: bool, total: int):
    from ._progress import progress_bar

    return progress_bar(enabled, total=total, unit="step", desc="launching")
