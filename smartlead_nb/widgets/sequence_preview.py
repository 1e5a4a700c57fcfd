"""Each step as one lead will get it (missing tags highlighted), and the send timeline."""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ._common import error_message, message, table

_MARK_CSS = ("<style>.sl-preview mark.sl-missing{background:#ffe08a;color:#000;"
             "outline:1px solid #c99a00}</style>")


def parse_lead_choice(text: str) -> Any:
    """What the lead box holds, as ``CampaignPlan.lead`` takes it: a row number or an email."""
    text = (text or "").strip()
    if not text:
        return 0
    if "@" in text:
        return text
    try:
        return int(text)
    except ValueError:
        return text  # an index label; the plan says if there is no such lead


def _variant_labels(sequences: Any) -> list[str]:
    """The A/B labels in a plan's sequence (a DataFrame or step dicts), in order, even while
    a variant is still being written (an empty body is the checks' business, not this list's)."""
    found: list[Any] = []
    if isinstance(sequences, pd.DataFrame):
        if "variant_label" in sequences.columns:
            found = list(sequences["variant_label"].dropna())
    elif sequences:
        found = [v.get("variant_label") for step in sequences if isinstance(step, dict)
                 for v in (step.get("seq_variants") or ()) if isinstance(v, dict)]
    labels: list[str] = []
    for label in map(str, (f for f in found if f not in (None, ""))):
        if label.strip() and label not in labels:
            labels.append(label)
    return labels


class SequencePreview(w.VBox):
    """Render the plan's steps for a lead picked by row number or email."""

    def __init__(self, get_plan: Callable[[], Any]) -> None:
        self._get_plan = get_plan
        self.lead = w.Text(placeholder="Lead: row number (0 = first valid lead) or email",
                           layout=w.Layout(width="420px")).add_class("sl-preview-lead")
        self.variant = w.Dropdown(options=[("first variant", "")],
                                  value="", description="A/B",
                                  layout=w.Layout(width="200px")).add_class("sl-preview-variant")
        self.button = w.Button(description="Preview", icon="eye").add_class("sl-preview-button")
        self.button.on_click(lambda _: self.refresh())
        self.steps = w.HTML().add_class("sl-preview")
        self.timeline = w.HTML().add_class("sl-timeline")
        super().__init__([w.HBox([self.lead, self.variant, self.button]), self.steps,
                          w.HTML("<b>Send timeline</b> (first lead, in the schedule's timezone)"),
                          self.timeline])
        self.add_class("sl-sequence-preview")

    def sync_variants(self, plan: Any = None) -> None:
        """Offer exactly the variant labels the plan's sequence has (none: "first variant")."""
        try:
            plan = plan if plan is not None else self._get_plan()
        except Exception:   # the form holds a value the plan cannot take; refresh() says so
            return
        labels = _variant_labels(plan.sequences)
        options = [("first variant", "")] + [(label, label) for label in labels]
        current = self.variant.value
        if list(self.variant.options) != options:
            self.variant.options = options
        self.variant.value = current if current in labels else ""
        self.variant.disabled = not labels

    def refresh(self) -> None:
        try:
            plan = self._get_plan()
            self.sync_variants(plan)
            rendered = plan.render(parse_lead_choice(self.lead.value), variant=self.variant.value or None,
                                   highlight=True)
            lead = plan.lead(parse_lead_choice(self.lead.value))
        except Exception as exc:
            self.steps.value = error_message(exc)
            self.timeline.value = ""
            return
        cards = []
        for row in rendered.itertuples():
            label = f" · variant {html.escape(str(row.variant_label))}" if row.variant_label else ""
            # subject and body are HTML fragments already escaped by templates.render(highlight=True)
            cards.append(
                f'<div class="sl-preview-step" style="border:1px solid #ddd;padding:6px;margin:4px 0">'
                f"<div><b>Step {row.seq_number}</b>{label}</div>"
                f'<div class="sl-preview-subject"><b>Subject:</b> {row.subject or "<i>(none)</i>"}</div>'
                f'<div class="sl-preview-body">{row.body}</div></div>')
        missing = sum(c.count('class="sl-missing"') for c in cards)
        note = (message(f"{missing} tag(s) have no value for this lead (highlighted)", "warning")
                if missing else message("Every tag has a value for this lead.", "ok"))
        self.steps.value = (_MARK_CSS + f"<div>To <b>{html.escape(lead.get('email', ''))}</b></div>"
                            + note + "".join(cards))
        try:
            timeline = plan.timeline()
        except Exception as exc:
            self.timeline.value = error_message(exc)
            return
        self.timeline.value = table(timeline[["seq_number", "send_date", "weekday", "local_time",
                                              "days_after_start", "note"]], index=False)
