"""Leads: where they come from (a DataFrame in the kernel or an uploaded CSV) and what the
checks made of them: valid, rejected and duplicate counts, rejected rows with reasons, and a
paged sample. At most one page of rows is ever rendered, however big the frame.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ..errors import InputError
from ..frames.csv_reader import read_leads_csv
from ..frames.leads import LeadsResult
from ._common import PAGE_ROWS, error_message, message, table


def read_csv_upload(upload: dict, **read_csv: Any) -> pd.DataFrame:
    """One ``FileUpload`` entry as a DataFrame of text, read as every leads CSV is
    (:func:`~smartlead_nb.frames.csv_reader.read_leads_csv`: same options, same advice)."""
    content = upload.get("content")
    data = content.tobytes() if isinstance(content, memoryview) else bytes(content or b"")
    return read_leads_csv(data, name=str(upload.get("name") or "the file"), **read_csv)


class LeadsPreview(w.VBox):
    """Counts, rejected rows and a paged sample for one leads frame and its check result."""

    def __init__(self, page_rows: int = PAGE_ROWS) -> None:
        self.page_rows = page_rows
        self.page = 0
        self._frame: pd.DataFrame | None = None
        self._checked: LeadsResult | None = None
        self.counts = w.HTML().add_class("sl-leads-counts")
        self.rejected = w.HTML().add_class("sl-leads-rejected")
        self.sample = w.HTML().add_class("sl-leads-sample")
        self.prev_button = w.Button(description="◀ Previous", layout=w.Layout(width="auto")).add_class("sl-leads-prev")
        self.next_button = w.Button(description="Next ▶", layout=w.Layout(width="auto")).add_class("sl-leads-next")
        self.page_label = w.HTML().add_class("sl-leads-page")
        self.prev_button.on_click(lambda _: self.show_page(self.page - 1))
        self.next_button.on_click(lambda _: self.show_page(self.page + 1))
        super().__init__([self.counts, self.rejected,
                          w.HBox([self.prev_button, self.page_label, self.next_button]), self.sample])
        self.add_class("sl-leads-preview")
        self.show(None, None)

    @property
    def pages(self) -> int:
        n = 0 if self._frame is None else len(self._frame)
        return max(1, -(-n // self.page_rows))

    def show(self, frame: pd.DataFrame | None, checked) -> None:
        """Show ``checked`` (a ``LeadsResult``) for ``frame``; ``None`` clears the preview."""
        self._frame, self._checked = frame, checked
        if frame is None or checked is None:
            self.counts.value = message("No leads yet: pick a DataFrame or upload a CSV file.")
            self.rejected.value = self.sample.value = self.page_label.value = ""
            self.prev_button.disabled = self.next_button.disabled = True
            return
        summary = checked.summary()
        # Three disjoint groups that add up to the rows: a duplicate is not also "rejected".
        valid = int(summary.get("ok", 0))
        duplicates = int(summary.get("duplicate", 0))
        rejected = int(summary.sum()) - valid - duplicates
        self.counts.value = (
            f'<div class="sl-counts"><b class="sl-count-valid">{valid:,}</b> valid · '
            f'<b class="sl-count-rejected">{rejected:,}</b> rejected · '
            f'<b class="sl-count-duplicate">{duplicates:,}</b> '
            f'duplicate{"" if duplicates == 1 else "s"} (sent once) '
            f'of <b class="sl-count-rows">{len(frame):,}</b> rows</div>'
            + "".join(message(f"warning: {text}", "warning") for text in checked.warnings))
        bad = checked.rejected
        self.rejected.value = ("" if bad.empty else
                               "<b>Rejected rows (not sent)</b>" + table(bad[["email", "outcome", "reason"]],
                                                                         max_rows=self.page_rows))
        self.show_page(0)

    def show_page(self, page: int) -> None:
        if self._frame is None or self._checked is None:   # shown together, cleared together
            return
        self.page = min(max(0, page), self.pages - 1)
        start = self.page * self.page_rows
        rows = self._frame.iloc[start:start + self.page_rows]
        report = self._checked.report.iloc[start:start + self.page_rows]
        shown = rows.assign(outcome=report["outcome"].to_numpy(), reason=report["reason"].to_numpy())
        self.sample.value = table(shown, max_rows=self.page_rows)
        self.page_label.value = f"&nbsp;page {self.page + 1:,} of {self.pages:,}&nbsp;"
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= self.pages - 1


class LeadsSource(w.VBox):
    """Pick leads: a DataFrame variable of the notebook, or a CSV file uploaded in the form."""

    def __init__(self, on_frame: Callable[[pd.DataFrame | None, str], Any],
                 namespace: dict | None = None) -> None:
        self._on_frame = on_frame
        self._namespace = namespace
        self.variable = w.Dropdown(description="DataFrame", options=[],
                                   style={"description_width": "initial"}).add_class("sl-leads-variable")
        self.use_variable = w.Button(description="Use this DataFrame").add_class("sl-leads-use")
        self.refresh_button = w.Button(description="Look again", icon="refresh").add_class("sl-leads-refresh")
        self.upload = w.FileUpload(accept=".csv,text/csv", multiple=False,
                                   description="Upload CSV").add_class("sl-leads-upload")
        self.status = w.HTML().add_class("sl-leads-status")
        self.use_variable.on_click(lambda _: self.load_variable())
        self.refresh_button.on_click(lambda _: self.refresh())
        self.upload.observe(self._uploaded, "value")
        super().__init__([w.HBox([self.variable, self.use_variable, self.refresh_button]),
                          w.HBox([w.HTML("or&nbsp;"), self.upload]), self.status])
        self.refresh()

    def namespace(self) -> dict:
        if self._namespace is not None:
            return self._namespace
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return {}
        shell = get_ipython()
        return shell.user_ns if shell is not None else {}

    def refresh(self) -> None:
        names = sorted(k for k, v in self.namespace().items()
                       if isinstance(v, pd.DataFrame) and not k.startswith("_"))
        current = self.variable.value
        self.variable.options = names
        self.variable.value = current if current in names else (names[0] if names else None)
        self.use_variable.disabled = not names

    def load_variable(self) -> None:
        name = self.variable.value
        frame = self.namespace().get(name) if name else None
        if not isinstance(frame, pd.DataFrame):
            self.status.value = message(f"{name or 'that name'} is not a DataFrame in this notebook "
                                        "any more; click Look again", "error")
            return
        self._on_frame(frame, f"DataFrame {name}")

    def _uploaded(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        entry = files[0]
        try:
            frame = read_csv_upload(entry)
        except InputError as exc:
            self.status.value = error_message(exc)
        else:
            name = str(entry.get("name") or "file")
            # The button says which file the leads came from (its counter would say 0: the
            # bytes are dropped below).
            self.upload.description = name if len(name) <= 40 else name[:37] + "..."
            self.upload.tooltip = f"Leads from {name}; click to upload another CSV"
            self._on_frame(frame, f"uploaded file {name}")
        finally:
            # The file's bytes need not stay in widget state (nor in a saved notebook).
            self.upload.value = ()
