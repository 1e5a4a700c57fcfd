"""Small shared pieces of the forms: messages in plain words and bounded HTML tables.

Every text a form shows goes through :func:`message` or :func:`table`, which redact it: a key
typed into the key form, or echoed in an error from any library, is never on the page.
"""

from __future__ import annotations

import html

import pandas as pd

from .._redact import redact, redact_exception
from ..errors import InputError, SmartleadError

#: The most rows any table in the forms renders; big frames are paged, never shown whole.
PAGE_ROWS = 20

_COLOURS = {"error": "#b00020", "warning": "#8a5a00", "ok": "#1b5e20", "info": "#333333"}


def plain_words(error: BaseException) -> str:
    """The message an analyst should read for ``error``: the typed error's own words.

    SmartLead errors show the server's message and the HTTP status (the URL, already
    redacted, is left out: it helps a log reader, not a form user). The error is redacted
    first, whatever raised it.
    """
    redact_exception(error)
    if isinstance(error, SmartleadError):
        status = f" (HTTP {error.status})" if error.status else ""
        return f"SmartLead said: {error.message}{status}"
    if isinstance(error, (InputError, ValueError, KeyError)):
        text = error.args[0] if isinstance(error, KeyError) and error.args else error
        return str(text)
    return f"{type(error).__name__}: {error}"


def message(text: str, kind: str = "info") -> str:
    """A one-paragraph status message (``kind``: error, warning, ok, info), HTML-escaped."""
    colour = _COLOURS.get(kind, _COLOURS["info"])
    lines = redact(text).splitlines()
    body = "<br>".join(html.escape(line, quote=False) for line in lines) or "&nbsp;"
    return f'<div class="sl-msg sl-msg-{kind}" style="color:{colour}">{body}</div>'


def error_message(error: BaseException) -> str:
    return message(plain_words(error), "error")


def table(frame: pd.DataFrame, *, max_rows: int = PAGE_ROWS, css: str = "sl-table",
          escape: bool = True, index: bool = True) -> str:
    """At most ``max_rows`` rows of ``frame`` as an HTML table (never the whole of a big frame)."""
    shown = frame.head(max_rows)
    text = redact(shown.to_html(classes=css, escape=escape, index=index, border=0, na_rep=""))
    if len(frame) > max_rows:
        text += f'<div class="sl-more">… and {len(frame) - max_rows:,} more rows</div>'
    return text
