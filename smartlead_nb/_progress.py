"""The one progress bar: ``tqdm.auto`` (a widget in Jupyter, text in a terminal), or a stand-in
that does nothing when progress is off. Used by the uploader, the plan's launch and the mirror.

>>> bar = progress_bar(False, total=3, unit="step", desc="launching")
>>> bar.update(1); bar.close()
"""

from __future__ import annotations

from typing import Any


class NoBar:
    """Stands in for a tqdm bar when progress is off."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(enabled: bool, *, total: int | None, unit: str, desc: str) -> Any:
    """A ``tqdm.auto`` bar (left on screen when done), or a :class:`NoBar` when off."""
    if not enabled:
        return NoBar()
    from tqdm.auto import tqdm   # only when a bar is shown: tqdm.auto may load ipywidgets

    return tqdm(total=total, unit=unit, desc=desc, leave=True)
