"""The sequence form: steps added, removed and reordered, each with optional A/B variants.

The form's value is a sequences DataFrame in the shape ``frames.sequences`` reads (one row per
step, or per variant of an A/B step), so the plan checks it exactly as it checks a frame typed
in a cell.
"""

from __future__ import annotations

import string
from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ..frames.clean import cell_text

COLUMNS = ["seq_number", "delay_in_days", "variant_label", "subject", "email_body"]


class _Variant:
    def __init__(self, subject: str = "", body: str = "", on_change: Callable | None = None) -> None:
        self.label = w.HTML()
        self.subject = w.Text(value=subject, placeholder="Subject (empty: reply in the same thread)",
                              layout=w.Layout(width="98%")).add_class("sl-step-subject")
        self.body = w.Textarea(value=body, placeholder="Email body: Hi {{first_name}}, ...",
                               layout=w.Layout(width="98%", height="90px")).add_class("sl-step-body")
        self.remove = w.Button(description="Remove variant", layout=w.Layout(width="auto"),
                               tooltip="Remove this A/B variant").add_class("sl-variant-remove")
        self.box = w.VBox([w.HBox([self.label, self.remove]), self.subject, self.body])
        if on_change:
            self.subject.observe(on_change, "value")
            self.body.observe(on_change, "value")


class _Step:
    def __init__(self, editor: "SequenceEditor", delay: int = 0) -> None:
        self.editor = editor
        self.title = w.HTML()
        self.delay = w.BoundedIntText(value=delay, min=0, max=365, description="days after previous",
                                      style={"description_width": "initial"},
                                      layout=w.Layout(width="200px")).add_class("sl-step-delay")
        self.delay.observe(editor._changed, "value")
        self.up = w.Button(description="↑", tooltip="Move this step earlier",
                           layout=w.Layout(width="36px")).add_class("sl-step-up")
        self.down = w.Button(description="↓", tooltip="Move this step later",
                             layout=w.Layout(width="36px")).add_class("sl-step-down")
        self.remove = w.Button(description="Remove step", layout=w.Layout(width="auto")).add_class("sl-step-remove")
        self.add_variant = w.Button(description="Add A/B variant", layout=w.Layout(width="auto")).add_class("sl-variant-add")
        self.up.on_click(lambda _: editor.move(self, -1))
        self.down.on_click(lambda _: editor.move(self, +1))
        self.remove.on_click(lambda _: editor.remove(self))
        self.add_variant.on_click(lambda _: self.new_variant())
        self.variants: list[_Variant] = []
        self.variant_box = w.VBox()
        self.box = w.VBox([w.HBox([self.title, self.delay, self.up, self.down, self.remove,
                                   self.add_variant]), self.variant_box],
                          layout=w.Layout(border="1px solid #ddd", padding="4px", margin="4px 0"))
        self.box.add_class("sl-step")

    def new_variant(self, subject: str = "", body: str = "") -> _Variant:
        variant = _Variant(subject, body, self.editor._changed)
        variant.remove.on_click(lambda _: self.drop_variant(variant))
        self.variants.append(variant)
        self.editor._refresh()
        return variant

    def drop_variant(self, variant: _Variant) -> None:
        if len(self.variants) > 1:
            self.variants.remove(variant)
            self.editor._refresh()

    def refresh(self, number: int, count: int) -> None:
        self.title.value = f"<b>Step {number}</b>"
        self.delay.disabled = number == 1
        if number == 1:
            self.delay.value = 0
        self.up.disabled = number == 1
        self.down.disabled = number == count
        ab = len(self.variants) > 1
        for i, variant in enumerate(self.variants):
            variant.label.value = f"Variant <b>{_label(i)}</b>" if ab else ""
            variant.remove.layout.display = None if ab else "none"
        self.variant_box.children = [v.box for v in self.variants]


class SequenceEditor(w.VBox):
    """Edit the steps; ``.frame()`` is the sequences DataFrame, ``.set_steps()`` fills the form.

    >>> editor = SequenceEditor()
    >>> step = editor.add_step(subject="Idea for {{company_name}}", body="Hi {{first_name}}")
    >>> editor.frame().to_dict("records")
    [{'seq_number': 1, 'delay_in_days': 0, 'subject': 'Idea for {{company_name}}', 'email_body': 'Hi {{first_name}}'}]
    """

    def __init__(self, on_change: Callable[[], Any] | None = None) -> None:
        self._on_change = on_change
        self._quiet = False
        self.steps: list[_Step] = []
        self.add_button = w.Button(description="Add step", icon="plus").add_class("sl-step-add")
        self.add_button.on_click(lambda _: self.add_step())
        self.list_box = w.VBox()
        super().__init__([self.list_box, self.add_button])
        self.add_class("sl-sequence-editor")

    # -- editing -------------------------------------------------------------------------------
    def add_step(self, subject: str = "", body: str = "", delay: int | None = None) -> _Step:
        step = _Step(self, 0 if delay is None and not self.steps else (3 if delay is None else delay))
        self.steps.append(step)
        step.new_variant(subject, body)
        return step

    def remove(self, step: _Step) -> None:
        self.steps.remove(step)
        self._refresh()

    def move(self, step: _Step, by: int) -> None:
        i = self.steps.index(step)
        j = i + by
        if 0 <= j < len(self.steps):
            self.steps[i], self.steps[j] = self.steps[j], self.steps[i]
            if j == 0 or i == 0:  # the new first step goes out at once; the old first one later
                delays = (self.steps[0].delay.value, self.steps[1].delay.value if len(self.steps) > 1 else 0)
                if len(self.steps) > 1 and delays[1] == 0:
                    self.steps[1].delay.value = max(delays[0], 1)
            self._refresh()

    # -- value ---------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame | None:
        """The steps as a sequences DataFrame (``None`` when there are none)."""
        rows = []
        for number, step in enumerate(self.steps, start=1):
            ab = len(step.variants) > 1
            for i, variant in enumerate(step.variants):
                rows.append({"seq_number": number, "delay_in_days": step.delay.value,
                             "variant_label": _label(i) if ab else None,
                             "subject": variant.subject.value, "email_body": variant.body.value})
        if not rows:
            return None
        frame = pd.DataFrame(rows, columns=COLUMNS)
        if frame["variant_label"].isna().all():
            frame = frame.drop(columns="variant_label")
        return frame

    def set_steps(self, steps: list[dict]) -> None:
        """Fill the form from save-sequences step dicts (as ``CampaignPlan.steps()`` gives)."""
        self._quiet = True
        try:
            self.steps = []
            for step in steps:
                card = _Step(self, int((step.get("seq_delay_details") or {}).get("delay_in_days") or 0))
                self.steps.append(card)
                variants = [v for v in step.get("seq_variants") or [] if not v.get("is_deleted")]
                for v in variants or [step]:
                    card.variants.append(_Variant(cell_text(v.get("subject")), cell_text(v.get("email_body")),
                                                  self._changed))
                    card.variants[-1].remove.on_click(
                        lambda _, c=card, var=card.variants[-1]: c.drop_variant(var))
        finally:
            self._quiet = False
        self._refresh()

    # -- plumbing ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        for number, step in enumerate(self.steps, start=1):
            step.refresh(number, len(self.steps))
        self.list_box.children = [s.box for s in self.steps]
        self._changed()

    def _changed(self, *_: Any) -> None:
        if not self._quiet and self._on_change is not None:
            self._on_change()


def _label(i: int) -> str:
    return string.ascii_uppercase[i] if i < 26 else f"V{i + 1}"
