"""The launch panel: the plan's problems and dry run, one click to create the campaign
(it stays DRAFTED), and an explicit confirmation (typing the campaign name) to start it.
"""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ._common import error_message, message, table


class LaunchPanel(w.VBox):
    """Check, dry-run, create and start, for the plan ``get_plan()`` returns.

    ``on_result(result)`` receives the :class:`~smartlead_nb.LaunchResult` after a create.
    ``get_confirm_overrides()`` says whether the user confirmed the plan's block and
    unsubscribe overrides (``CampaignPlan.launch(confirm_overrides=...)``).
    """

    def __init__(self, get_plan: Callable[[], Any], get_client: Callable[[], Any], *,
                 on_result: Callable[[Any], Any] | None = None, state: Any = True,
                 journal: Any = True,
                 get_confirm_overrides: Callable[[], bool] = lambda: False) -> None:
        self._get_plan = get_plan
        self._get_confirm_overrides = get_confirm_overrides
        self._get_client = get_client
        self._on_result = on_result
        self.state, self.journal = state, journal
        self.result = None
        self.created_name = ""  # the name the campaign was created with (set by create())
        self.last_error: BaseException | None = None
        self.started = False
        self.check_button = w.Button(description="Check plan", icon="check").add_class("sl-check")
        self.create_button = w.Button(description="Create campaign (stays DRAFTED)", button_style="primary",
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
        self.confirm = w.Text(placeholder="Type the campaign name to confirm starting",
                              layout=w.Layout(width="420px"), disabled=True).add_class("sl-confirm")
        self.start_button = w.Button(description="Start sending", button_style="danger", icon="play",
                                     disabled=True).add_class("sl-start")
        self.start_status = w.HTML().add_class("sl-start-status")
        self.check_button.on_click(lambda _: self.check())
        self.create_button.on_click(lambda _: self.create())
        self.start_button.on_click(lambda _: self.start())
        self.confirm.observe(self._confirm_changed, "value")
        super().__init__([
            w.HBox([self.check_button, self.create_button]), self.summary, self.problems,
            self.details,
            self.progress, self.status, self.report,
            w.HTML("<b>Start sending</b>: real emails go out once a campaign starts."),
            w.HBox([self.confirm, self.start_button]), self.start_status])
        self.add_class("sl-launch-panel")

    # -- check and dry run -----------------------------------------------------------------------
    def check(self) -> bool:
        """Show the plan's problems and its dry run; ``True`` when nothing blocks a launch."""
        self.last_error = None
        try:
            plan = self._get_plan()
            client = self._get_client()
            self.summary.value = _summary_html(plan.summary(client))
            problems = plan.check(client)
            plan.upload_options(confirm_overrides=self._get_confirm_overrides())
        except Exception as exc:
            self.last_error = exc
            self.problems.value = error_message(exc)
            self.dry_run.value = ""
            return False
        errors = problems[problems["severity"] == "error"]
        if problems.empty:
            head = message("No problems found.", "ok")
        else:
            head = message(f"{len(errors)} problem(s) to fix before creating, "
                           f"{len(problems) - len(errors)} warning(s)", "error" if len(errors) else "warning")
        self.problems.value = head + ("" if problems.empty else table(problems, index=False))
        try:
            requests = plan.dry_run()
        except Exception as exc:
            self.last_error = exc
            self.dry_run.value = error_message(exc)
            return False
        self.dry_run.value = "<b>Dry run: the requests Create will send</b>" + table(_summarise(requests), index=False)
        return errors.empty

    # -- create ------------------------------------------------------------------------------------
    def create(self) -> None:
        """Create and configure the campaign (DRAFTED); re-clicking resumes, never duplicates."""
        self.status.value = message("Creating the campaign…")
        self.report.value = ""
        if not self.check():
            self.status.value = (error_message(self.last_error) if self.last_error is not None else
                                 message("Not created: fix the problems listed above first.", "error"))
            return
        plan = self._get_plan()
        self.progress.clear_output()
        try:
            # tqdm.auto draws its bars as widgets inside this Output (live in a browser).
            with self.progress:
                result = plan.launch(self._get_client(), state=self.state, journal=self.journal,
                                     progress=True,
                                     confirm_overrides=self._get_confirm_overrides())
        except Exception as exc:
            self.status.value = error_message(exc)
            return
        self.result = result
        # What a confirmation must match: the name the campaign was created with, kept now,
        # never the form's name field (which may be cleared or renamed after Create).
        self.created_name = result.name or ""
        self.started = False
        summary = ""
        if result.leads_report is not None:
            counts = result.leads_report["outcome"].value_counts()
            summary = "; leads: " + ", ".join(f"{n:,} {k}" for k, n in counts.items() if n)
        kind = "warning" if result.stopped or result.problems else "ok"
        self.status.value = message(
            "".join(f"PROBLEM: {p}\n" for p in result.problems)
            + f"Campaign {result.campaign_id} created and configured; it is DRAFTED (nothing is "
            f"sent){summary}." + (f"\nSTOPPED: {result.stopped}" if result.stopped else ""), kind)
        self.status.value = self.status.value.replace(
            "<div ", f'<div data-campaign-id="{int(result.campaign_id)}" ', 1)
        if result.leads_report is not None:
            report = result.leads_report
            self.report.value = "<b>Per-row report</b> (all rows: <code>builder.result.leads_report</code>)" \
                                + table(report, max_rows=20)
        self.confirm.disabled = False
        self.confirm.value = ""
        self._confirm_changed()
        self.start_status.value = message(
            f"To start, type the campaign name exactly: {self.created_name}")
        if self._on_result is not None:
            self._on_result(result)

    # -- start ---------------------------------------------------------------------------------------
    def _confirm_changed(self, _: Any = None) -> None:
        self.start_button.disabled = not self._confirmed()

    def _confirmed(self) -> bool:
        """True only when the box holds the created campaign's name (never an empty one)."""
        if self.result is None or not self.created_name:
            return False
        return self.confirm.value == self.created_name

    def start(self) -> None:
        """Start sending, only once a campaign exists and its name has been typed exactly."""
        if self.result is None:
            self.start_status.value = message("Create the campaign first.", "error")
            return
        if not self._confirmed():
            self.start_status.value = message(
                "Not started: type the campaign name exactly as it is to confirm.", "error")
            return
        try:
            self._get_client().start_campaign(self.result.campaign_id, confirm=True)
        except Exception as exc:
            self.start_status.value = error_message(exc)
            return
        self.started = True
        self.confirm.value = ""
        self.confirm.disabled = True
        self.start_button.disabled = True
        self.start_status.value = message(f"Campaign {self.result.campaign_id} started: it is sending.", "ok")


def _summary_html(summary: pd.DataFrame) -> str:
    """``CampaignPlan.summary()`` as a short list a non-coder reads at a glance."""
    items = "".join(f"<li><b>{html.escape(str(item)).capitalize()}</b>: {html.escape(str(detail), quote=False)}</li>"
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
