"""``CampaignBuilder``: one form that walks SmartLead's seven steps over a ``CampaignPlan``.

The form holds no state of its own beyond its fields: ``builder.plan`` is the
:class:`~smartlead_nb.CampaignPlan` those fields describe, and assigning a plan fills them,
so a form and a notebook cell can hand work to each other.

>>> builder = CampaignBuilder(client)          # doctest: +SKIP
>>> builder                                    # the form                      # doctest: +SKIP
>>> builder.set_leads(leads_df)                # leads from the kernel         # doctest: +SKIP
>>> plan = builder.plan                        # what the form holds           # doctest: +SKIP
>>> builder.plan = plan                        # and back                      # doctest: +SKIP
>>> builder.result                             # the LaunchResult after Create # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ..errors import InputError
from ..frames.csv_reader import read_leads_csv
from .._transport import Secret
from ..plan import CampaignPlan
from ._common import error_message, message
from ..forecast import MAX_FORECAST_REQUESTS
from .accounts import AccountPicker
from .connection import KeyForm, live_client
from .form_words import CONFIRM_OVERRIDES, IGNORE_BLOCK, IGNORE_UNSUB, LEADS_TAB, OTHER_CAMPAIGNS
from .launch import LaunchPanel
from .leads_preview import LeadsPreview, LeadsSource
from .schedule_form import ScheduleForm, SettingsForm
from .sequence_editor import SequenceEditor
from .sequence_preview import SequencePreview

STEP_TITLES = ("1 Name", "2 Sequence", "3 Senders", LEADS_TAB, "5 Schedule", "6 Settings",
               "7 Preview & launch")


class CampaignBuilder(w.VBox):
    """Build, preview and launch a campaign in a form.

    Args:
        client: a :class:`~smartlead_nb.SmartleadClient` (``sl.connect()``).
        plan: a :class:`~smartlead_nb.CampaignPlan` to start from.
        state, journal: passed to :meth:`CampaignPlan.launch` (where its progress is kept).
        namespace: where to look for leads DataFrames (default: the notebook's variables).
        key_field: offer a password box to switch to a real SmartLead key.
        make_client: builds a client from a typed key (default ``SmartleadClient(key)``).
        title: the heading above the form (``None``: none, when the page has its own).
        forecast_requests: the most requests "Check plan" spends asking SmartLead which
            leads it would really add (above it, the check says it did not look).
    """

    def __init__(self, client, plan: CampaignPlan | None = None, *, state: Any = True,
                 journal: Any = True, namespace: dict | None = None, key_field: bool = True,
                 make_client: Callable[[Secret], Any] = live_client,
                 title: str | None = "Campaign builder",
                 forecast_requests: int = MAX_FORECAST_REQUESTS) -> None:
        self.client = client
        self.result = None
        self._callbacks: list[Callable[[Any], Any]] = []
        self._plan = CampaignPlan(name="")
        self._leads: Any = None
        self._quiet = True  # no reactions until every part exists

        # 1 name and client
        self.name = w.Text(placeholder="Campaign name", description="Name",
                           layout=w.Layout(width="420px")).add_class("sl-name")
        self.client_id = w.Text(placeholder="Client id (agency sub-account; optional)",
                                description="Client id", layout=w.Layout(width="420px")).add_class("sl-client-id")
        self.name_status = w.HTML().add_class("sl-name-status")
        self.key_form = KeyForm(client, self._use_client, make_client) if key_field else None
        for field in (self.name, self.client_id):
            field.observe(self._changed, "value")
        first = [self.name, self.client_id, self.name_status]
        if self.key_form is not None:
            first += [w.HTML("<hr><b>Your SmartLead account</b>"), self.key_form]
        # 2..6
        self.sequence = SequenceEditor(on_change=self._changed)
        self.accounts = AccountPicker(client, on_change=self._changed)
        self.leads_source = LeadsSource(self.set_leads, namespace=namespace)
        self.leads_status = w.HTML().add_class("sl-leads-source")
        self.leads_preview = LeadsPreview()
        # SmartLead's upload flags (CampaignPlan fields); the two that let blocked or
        # unsubscribed people in only go out with the confirmation box ticked.
        # Their labels live in form_words, which names them in every message that advises one.
        self.other_campaigns = w.Checkbox(
            description=OTHER_CAMPAIGNS, indent=False,
            layout=w.Layout(width="auto")).add_class("sl-other-campaigns")
        self.ignore_block = w.Checkbox(description=IGNORE_BLOCK,
                                       indent=False, layout=w.Layout(width="auto")).add_class("sl-ignore-block")
        self.ignore_unsub = w.Checkbox(description=IGNORE_UNSUB, indent=False,
                                       layout=w.Layout(width="auto")).add_class("sl-ignore-unsub")
        self.confirm_overrides = w.Checkbox(
            description=CONFIRM_OVERRIDES, indent=False,
            layout=w.Layout(width="auto")).add_class("sl-confirm-overrides")
        for box in (self.other_campaigns, self.ignore_block, self.ignore_unsub, self.confirm_overrides):
            box.observe(self._changed, "value")
        self.schedule = ScheduleForm(on_change=self._changed)
        self.settings = SettingsForm(on_change=self._changed)
        # 7
        self.preview = SequencePreview(lambda: self.plan)
        self.launch_panel = LaunchPanel(lambda: self.plan, lambda: self.client,
                                        on_result=self._launched, state=state, journal=journal,
                                        get_confirm_overrides=lambda: self.confirm_overrides.value,
                                        forecast_requests=forecast_requests)
        self.summary = w.HTML().add_class("sl-summary")

        pages = [w.VBox(first),
                 self.sequence,
                 self.accounts,
                 w.VBox([self.leads_source, self.leads_status, self.leads_preview,
                         w.HTML("<b>Upload options</b>"), self.other_campaigns,
                         self.ignore_block, self.ignore_unsub, self.confirm_overrides]),
                 self.schedule,
                 self.settings,
                 w.VBox([self.preview, w.HTML("<hr>"), self.launch_panel])]
        self.tabs = w.Tab(children=pages, titles=STEP_TITLES).add_class("sl-builder-tabs")
        heading = [w.HTML(f"<h3>{html.escape(title)}</h3>")] if title else []
        super().__init__([*heading, self.summary, self.tabs])
        self.add_class("sl-builder")
        self._quiet = False
        if plan is not None:
            self.plan = plan
        else:
            self.sequence.add_step()
            self._changed()

    # -- the plan ----------------------------------------------------------------------------------
    @property
    def plan(self) -> CampaignPlan:
        """The :class:`~smartlead_nb.CampaignPlan` the form describes.

        Raises :class:`~smartlead_nb.InputError` (in plain words) while a field holds a value
        the plan cannot take, e.g. an unknown timezone; the form shows the same message.
        """
        plan = self._plan  # one object, so its checked-leads cache survives between reads
        plan.name = self.name.value.strip()
        plan.client_id = self._client_id()
        plan.sequences = self.sequence.frame()
        plan.email_accounts = self.accounts.value
        plan.leads = self._leads
        plan.schedule = self.schedule.schedule
        plan.settings = self.settings.settings
        plan.ignore_duplicate_leads_in_other_campaign = self.other_campaigns.value
        plan.ignore_global_block_list = self.ignore_block.value
        plan.ignore_unsubscribe_list = self.ignore_unsub.value
        return plan

    @plan.setter
    def plan(self, plan: CampaignPlan) -> None:
        if not isinstance(plan, CampaignPlan):
            raise InputError(f"expected a CampaignPlan, got {type(plan).__name__}")
        self._quiet = True
        try:
            self.name.value = plan.name or ""
            self.client_id.value = "" if plan.client_id is None else str(plan.client_id)
            self.sequence.set_steps(plan.steps())
            self.accounts.value = plan.email_accounts
            self.schedule.schedule = plan.schedule
            self.settings.settings = plan.settings
            self.other_campaigns.value = bool(plan.ignore_duplicate_leads_in_other_campaign)
            self.ignore_block.value = bool(plan.ignore_global_block_list)
            self.ignore_unsub.value = bool(plan.ignore_unsubscribe_list)
            self._plan = CampaignPlan(
                name=plan.name, lead_mapping=plan.lead_mapping,
                ignore_community_bounce_list=plan.ignore_community_bounce_list)
        finally:
            self._quiet = False
        self._set_leads(plan.leads, "the plan")
        self._changed()

    def set_leads(self, leads: pd.DataFrame | str | os.PathLike | None, source: str | None = None) -> None:
        """Use ``leads`` (a DataFrame or a CSV path) as the campaign's leads, and preview them."""
        self._set_leads(leads, source or ("a DataFrame" if isinstance(leads, pd.DataFrame) else str(leads)))
        self._changed()

    def on_launch(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(result)`` with the :class:`~smartlead_nb.LaunchResult` after Create."""
        self._callbacks.append(callback)

    # -- plumbing ------------------------------------------------------------------------------------
    def _set_leads(self, leads: Any, source: str) -> None:
        frame = leads
        try:
            if isinstance(leads, (str, os.PathLike)):
                frame = read_leads_csv(leads, **(self._plan.read_csv or {}))
            elif leads is not None and not isinstance(leads, pd.DataFrame):
                raise InputError(f"leads must be a DataFrame or a CSV path, got {type(leads).__name__}")
            self._leads = frame
            self._plan.leads = frame
            checked = self._plan.checked_leads()
        except Exception as exc:
            self._leads = None
            self.leads_status.value = error_message(exc)
            self.leads_preview.show(None, None)
            return
        self.leads_status.value = "" if frame is None else message(f"Leads from {source}.", "ok")
        self.leads_preview.show(frame, checked)

    def _client_id(self) -> int | None:
        text = self.client_id.value.strip()
        if not text:
            return None
        if not text.isdigit():
            raise InputError(f"client id {text!r} must be a whole number (or left empty)")
        return int(text)

    def _use_client(self, client) -> None:
        self.client = client
        self.accounts.reload(client)

    def _launched(self, result) -> None:
        self.result = result
        for callback in self._callbacks:
            callback(result)

    def _changed(self, *_: Any) -> None:
        if self._quiet:
            return
        try:
            client_id = self._client_id()
        except InputError as exc:
            self.name_status.value = error_message(exc)
        else:
            self.name_status.value = "" if self.name.value.strip() else message("Give the campaign a name.", "warning")
        try:
            plan = self.plan
        except Exception as exc:
            self.summary.value = error_message(exc)
            return
        self.preview.sync_variants(plan)   # the A/B choice lists the variants that exist
        leads = plan.checked_leads() if self._leads is not None else None
        steps = len(self.sequence.steps)
        self.summary.value = message(
            f"{plan.name or '(no name)'}: {steps} step(s), {len(plan.email_accounts)} sender(s), "
            f"{len(leads) if leads is not None else 0:,} valid lead(s), "
            f"{plan.schedule}" + (f", client {client_id}" if client_id is not None else ""))
