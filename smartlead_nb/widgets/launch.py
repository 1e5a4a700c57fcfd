"""The launch panel: what Create will do (asked of SmartLead, so it holds), the plan's problems
and dry run, one click to create the campaign (it stays DRAFTED), and an explicit
confirmation (typing the campaign name) to start it.

Every message about a campaign's state says what SmartLead answered, asked just before: its
status, whether it holds leads, senders and a sequence (Start sending stays off until it
does), and what an upload really added. A campaign that is no longer a draft is never changed
by Create; adding leads to it is a separate control that says how many people will be
emailed and waits for a ticked box (:mod:`.running_leads`). Advice the code gives in Python
is shown naming the form's own controls (:mod:`.form_words`).
"""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ..errors import CampaignNotDrafted
from ..forecast import MAX_FORECAST_REQUESTS
from ..launch_state import PART_WORDS, Readiness, readiness
from ..resources.confirm import DRAFT, campaign_status
from ._common import message, plain_words, table
from .form_words import CHECK, CREATE, START, in_form_words
from .running_leads import AddToRunning

#: What each status means for someone about to press a button.
_STATUS_WORDS = {DRAFT: "nothing is sent", "ACTIVE": "it is sending", "PAUSED": "it is paused",
                 "STOPPED": "it is stopped for good", "COMPLETED": "it has finished"}


def _say(text: str, kind: str = "info") -> str:
    return message(in_form_words(text), kind)


def _fail(error: BaseException) -> str:
    return _say(plain_words(error), "error")


class LaunchPanel(w.VBox):
    """Check, dry-run, create and start, for the plan ``get_plan()`` returns.

    ``on_result(result)`` receives the :class:`~smartlead_nb.LaunchResult` after a create.
    ``get_confirm_overrides()`` says whether the user confirmed the plan's block and
    unsubscribe overrides (``CampaignPlan.launch(confirm_overrides=...)``).
    ``forecast_requests`` bounds the requests a check spends predicting the leads.
    """

    def __init__(self, get_plan: Callable[[], Any], get_client: Callable[[], Any], *,
                 on_result: Callable[[Any], Any] | None = None, state: Any = True,
                 journal: Any = True,
                 get_confirm_overrides: Callable[[], bool] = lambda: False,
                 forecast_requests: int = MAX_FORECAST_REQUESTS) -> None:
        self._get_plan = get_plan
        self._get_confirm_overrides = get_confirm_overrides
        self._get_client = get_client
        self._on_result = on_result
        self.state, self.journal = state, journal
        self.forecast_requests = forecast_requests
        self.result = None
        self.preview = None     # what launch would do, as of the last check (LaunchPreview)
        self.forecast = None    # what SmartLead would do with the leads (LeadForecast)
        self.ready: Readiness | None = None   # what SmartLead says the campaign holds
        self.created_name = ""  # the name the campaign was created with (set by create())
        self.created_digests: dict[str, str] = {}   # what Create gave it (plan.sent_digests())
        self.last_error: BaseException | None = None
        self.started = False
        self.check_button = w.Button(description=CHECK, icon="check").add_class("sl-check")
        self.create_button = w.Button(description=CREATE, button_style="primary",
                                      icon="paper-plane", layout=w.Layout(width="auto")).add_class("sl-create")
        self.summary = w.HTML().add_class("sl-plan-summary")
        self.problems = w.HTML().add_class("sl-problems")
        self.dry_run = w.HTML().add_class("sl-dry-run")
        # The exact requests are for the curious; a reader first sees the summary.
        self.details = w.Accordion(children=[self.dry_run], titles=(
            "Technical details: the exact requests Create will send",)).add_class("sl-dry-run-toggle")
        self.details.selected_index = None
        self.progress = w.Output().add_class("sl-progress")
        self.status = w.HTML().add_class("sl-launch-status")
        self.report = w.HTML().add_class("sl-leads-report")
        self.running = AddToRunning(get_plan, get_client, state=state, journal=journal,
                                    get_confirm_overrides=get_confirm_overrides,
                                    forecast_requests=forecast_requests)
        self.confirm = w.Text(placeholder="Type the campaign name to confirm starting",
                              layout=w.Layout(width="420px"), disabled=True).add_class("sl-confirm")
        self.start_button = w.Button(description=START, button_style="danger", icon="play",
                                     disabled=True).add_class("sl-start")
        self.start_status = w.HTML().add_class("sl-start-status")
        self.check_button.on_click(lambda _: self.check())
        self.create_button.on_click(lambda _: self.create())
        self.start_button.on_click(lambda _: self.start())
        self.confirm.observe(self._confirm_changed, "value")
        super().__init__([
            w.HBox([self.check_button, self.create_button]), self.summary, self.problems,
            self.details,
            self.progress, self.status, self.report, self.running,
            w.HTML(f"<b>{START}</b>: real emails go out once a campaign starts."),
            w.HBox([self.confirm, self.start_button]), self.start_status])
        self.add_class("sl-launch-panel")

    # -- check and dry run -----------------------------------------------------------------------
    def check(self) -> bool:
        """Show what Create will do (asked of SmartLead), the plan's problems and its dry run;
        ``True`` when nothing blocks a launch."""
        self.last_error = None
        self.preview = self.forecast = None
        self.running.hide()
        try:
            plan = self._get_plan()
            client = self._get_client()
            self.preview, self.forecast = plan.read_smartlead(
                client, state=self.state, max_requests=self.forecast_requests)
            self.summary.value = _summary_html(plan.summary(client, preview=self.preview,
                                                            forecast=self.forecast))
            problems = plan.check(client, preview=self.preview, forecast=self.forecast)
            plan.upload_options(confirm_overrides=self._get_confirm_overrides())
        except Exception as exc:
            self.last_error = exc
            self.problems.value = _fail(exc)
            self.dry_run.value = ""
            return False
        errors = problems[problems["severity"] == "error"]
        if problems.empty:
            head = message("No problems found.", "ok")
        else:
            head = message(f"{len(errors)} problem(s) to fix before creating, "
                           f"{len(problems) - len(errors)} warning(s)", "error" if len(errors) else "warning")
        shown = problems.assign(problem=problems["problem"].map(in_form_words))
        self.problems.value = head + ("" if problems.empty else table(shown, index=False))
        if self.preview is not None and not self.preview.draft:
            self._offer_running(client)
        try:
            requests = plan.dry_run()
        except Exception as exc:
            self.last_error = exc
            self.dry_run.value = _fail(exc)
            return False
        self.dry_run.value = _dry_run_html(requests, self.preview)
        return errors.empty

    def _offer_running(self, client) -> None:
        """Offer the confirmed way to add the form's leads to the campaign that has started."""
        campaign = client.campaigns.get(self.preview.campaign_id)
        self.running.offer(campaign, self.forecast)

    # -- create ------------------------------------------------------------------------------------
    def create(self) -> None:
        """Create and configure the campaign (DRAFTED); re-clicking resumes, never duplicates,
        and never changes a campaign that is no longer a draft."""
        self.status.value = message("Creating the campaign…")
        self.report.value = ""
        self._lock_start()
        if not self.check():
            if self.preview is not None and not self.preview.draft:
                self.status.value = _not_a_draft_html(self.preview)
            else:
                self.status.value = (_fail(self.last_error) if self.last_error is not None else
                                     message("Not created: fix the problems listed above first.",
                                             "error"))
            return
        plan = self._get_plan()
        client = self._get_client()
        self.progress.clear_output()
        try:
            # tqdm.auto draws its bars as widgets inside this Output (live in a browser).
            with self.progress:
                result = plan.launch(client, state=self.state, journal=self.journal,
                                     progress=True,
                                     confirm_overrides=self._get_confirm_overrides())
        except CampaignNotDrafted as exc:   # started elsewhere between the check and now
            self.status.value = _fail(exc)
            self.check()
            return
        except Exception as exc:
            self.status.value = _fail(exc)
            return
        self.result = result
        # What a confirmation must match: the name the campaign was created with, kept now,
        # never the form's name field (which may be cleared or renamed after Create).
        self.created_name = result.name or ""
        # What the campaign was given: Start refuses once the form says something else.
        self.created_digests = plan.sent_digests()
        self.started = False
        self.status.value = self._created_html(result)
        self.status.value = self.status.value.replace(
            "<div ", f'<div data-campaign-id="{int(result.campaign_id)}" ', 1)
        if result.leads_report is not None:
            report = result.leads_report.assign(
                reason=result.leads_report["reason"].astype(str).map(in_form_words))
            self.report.value = "<b>Per-row report</b> (all rows: <code>builder.result.leads_report</code>)" \
                                + table(report, max_rows=20)
        if result.status == DRAFT:
            self._read_readiness(client, result.campaign_id)
        else:   # started before: check() has offered the confirmed way to add leads
            self.start_status.value = _say(
                f"{START} is off: SmartLead says campaign {result.campaign_id} is "
                f"{result.status}, not {DRAFT}.")
        if self._on_result is not None:
            self._on_result(result)

    def _created_html(self, result) -> str:
        """The status after Create, in SmartLead's words: its status, what was sent now."""
        cid, status = result.campaign_id, result.status or "in a state SmartLead did not say"
        if result.status != DRAFT:
            return _say(f"Create changed nothing: SmartLead says campaign {cid} is {status} "
                        f"({_STATUS_WORDS.get(result.status, 'not a draft')}), and the form has "
                        f"not changed since it was saved to it.", "warning")
        sent = [s for s in result.sent_now if s != "create"]
        if "create" in result.sent_now:
            head = f"Campaign {cid} created"
        else:
            head = f"Campaign {cid} (created earlier)"
        done = (f"saved now: {', '.join(PART_WORDS.get(s, s) for s in sent)}" if sent
                else "nothing needed saving: the form has not changed since it was saved")
        summary = ""
        if result.leads_report is not None and "leads" in result.sent_now:
            counts = result.leads_report["outcome"].value_counts()
            summary = "; leads: " + ", ".join(f"{n:,} {k}" for k, n in counts.items() if n)
        kind = "warning" if result.stopped or result.problems else "ok"
        return _say("".join(f"PROBLEM: {p}\n" for p in result.problems)
                    + f"{head}; SmartLead says it is {DRAFT} (nothing is sent); {done}{summary}."
                    + (f"\nSTOPPED: {result.stopped}" if result.stopped else ""), kind)

    def _read_readiness(self, client, campaign_id: int) -> None:
        """Ask SmartLead what the campaign holds; Start can only be confirmed once it holds
        leads, senders and a sequence."""
        try:
            self.ready = readiness(client, campaign_id)
        except Exception as exc:
            self.ready = None
            self.start_status.value = _fail(exc)
            return
        if self.ready.missing or self.ready.status != DRAFT:
            self.start_status.value = _say(_not_ready(self.ready), "warning")
            return
        self.confirm.disabled = False
        self.confirm.value = ""
        self._confirm_changed()
        self.start_status.value = message(
            f"SmartLead says campaign {campaign_id} holds {self.ready.leads:,} lead(s), "
            f"{self.ready.senders} sender(s) and {self.ready.steps} email(s). To start, type the "
            f"campaign name exactly: {self.created_name}")

    # -- start ---------------------------------------------------------------------------------------
    def _lock_start(self) -> None:
        self.ready = None
        self.confirm.value = ""
        self.confirm.disabled = True
        self.start_button.disabled = True

    def _confirm_changed(self, _: Any = None) -> None:
        self.start_button.disabled = not self._confirmed()

    def _confirmed(self) -> bool:
        """True only when the box holds the created campaign's name (never an empty one) and
        SmartLead said the campaign holds leads, senders and a sequence."""
        if self.result is None or not self.created_name:
            return False
        if self.ready is None or self.ready.missing or self.ready.status != DRAFT:
            return False
        return self.confirm.value == self.created_name

    def start(self) -> None:
        """Start sending, only once a campaign exists, SmartLead says it can start, and its
        name has been typed exactly."""
        if self.result is None:
            self.start_status.value = message("Create the campaign first.", "error")
            return
        if self.confirm.value != self.created_name or not self.created_name:
            self.start_status.value = message(
                "Not started: type the campaign name exactly as it is to confirm.", "error")
            return
        cid = self.result.campaign_id
        client = self._get_client()
        try:
            now = self._get_plan().sent_digests()
            unsaved = [p for p, d in self.created_digests.items() if now.get(p) != d]
            if unsaved:
                self.start_status.value = _say(
                    f"Not started: the form has changed since “{CREATE}” "
                    f"({', '.join(PART_WORDS[p] for p in unsaved)}), and the campaign would "
                    f"send what it holds, not what the form says. Click “{CREATE}” to save the "
                    f"changes first, or undo them.", "error")
                return
            ready = readiness(client, cid)   # asked again: the campaign may have changed since
            if ready.missing or ready.status != DRAFT:
                self._lock_start()
                self.start_status.value = _say("Not started: " + _not_ready(ready), "error")
                return
            client.campaigns.start(cid, confirm=True)
            status = campaign_status(client.campaigns.get(cid)) or "in a state SmartLead did not say"
        except Exception as exc:
            self.start_status.value = _fail(exc)
            return
        self.started = status == "ACTIVE"
        self._lock_start()
        self.start_status.value = message(
            f"Campaign {cid} started: SmartLead says it is {status} "
            f"({_STATUS_WORDS.get(status, 'check it in SmartLead')}).",
            "ok" if self.started else "warning")


def _not_ready(ready: Readiness) -> str:
    """Why Start stays off, from SmartLead's answer."""
    if ready.status != DRAFT:
        status = ready.status or "in a state it did not say"
        return f"SmartLead says campaign {ready.campaign_id} is {status}, not {DRAFT}."
    return (f"{START} stays off: SmartLead says campaign {ready.campaign_id} has "
            f"{' and '.join(ready.missing)}, and SmartLead refuses to start a campaign without "
            f"them. Fix the form and click “{CREATE}” again.")


def _not_a_draft_html(preview) -> str:
    """Create's refusal for a campaign that has started, from SmartLead's answer."""
    differs = ", ".join(PART_WORDS[p] for p in preview.differs)
    text = (f"Create changed nothing: SmartLead says campaign {preview.campaign_id} "
            f"“{preview.name}” is {preview.status} "
            f"({_STATUS_WORDS.get(preview.status, 'not a draft')}), not {DRAFT}.")
    if differs:
        text += f" The form differs from what was saved in it: {differs}."
    if [p for p in preview.differs if p != "leads"]:
        text += (" A campaign that has started keeps its wording, senders, schedule and "
                 "settings: change them in SmartLead itself (pause it first).")
    if "leads" in preview.differs:
        text += " To add the form's new leads to it, see below: SmartLead will email them."
    return _say(text, "error")


def _dry_run_html(requests: pd.DataFrame, preview) -> str:
    """The requests Create will send: all of them for a new campaign, only the steps still
    to send (or to save again) when it resumes one, none for a campaign that has started."""
    if preview is not None and not preview.draft:
        return message(f"Create sends nothing: SmartLead says campaign {preview.campaign_id} is "
                       f"{preview.status}, not {DRAFT}.")
    if preview is not None and preview.campaign_id is not None:
        requests = requests[requests["step"].isin(preview.todo)]
        if requests.empty:
            return message(f"Create sends nothing: the form has not changed since it was saved to "
                           f"campaign {preview.campaign_id}.")
    return ("<b>Dry run: the requests Create will send</b> (lead batches an earlier run "
            "confirmed are skipped)" + table(_summarise(requests), index=False))


def _summary_html(summary: pd.DataFrame) -> str:
    """``CampaignPlan.summary()`` as a short list a non-coder reads at a glance."""
    items = "".join(f"<li><b>{html.escape(str(item)).capitalize()}</b>: "
                    f"{html.escape(in_form_words(str(detail)), quote=False)}</li>"
                    for item, detail in summary["detail"].items())
    return f'<div class="sl-summary-list"><b>What Create will do</b><ul>{items}</ul></div>'


def _summarise(requests: pd.DataFrame) -> pd.DataFrame:
    """The dry run with lead batches summarised (their full JSON is in ``plan.dry_run()``)."""
    def body(row) -> str:
        data = row["json"]
        if row["step"] == "leads":
            return f"{len(data.get('lead_list', [])):,} leads"
        if row["step"] == "sequences":
            return f"{len(data.get('sequences', [])):,} steps"
        text = str(data)
        return text if len(text) <= 120 else text[:117] + "..."
    return requests.assign(json=requests.apply(body, axis=1)).rename(columns={"json": "body"})
