"""Switching the form to a real SmartLead account by typing the key.

The key is read from the password box and the box is emptied at once, so the key never
stays in widget state (which JupyterLab saves into the notebook) and is never shown. It is
wrapped in a ``Secret`` as it is read, so no frame holds its text, and whatever making or
checking the client raises is shown redacted (``_common.message`` redacts every text).
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

import ipywidgets as w

from .._redact import redacted_errors
from .._transport import Secret, as_secret
from ._common import error_message, message


@redacted_errors
def live_client(key: Secret) -> Any:
    """A client for SmartLead with ``key`` (what the key form makes unless given another)."""
    from ..client import SmartleadClient

    return SmartleadClient(key)


def describe(client) -> str:
    """Where the form sends, in words a non-coder reads (the host, never a URL with a path)."""
    mode = getattr(client, "mode", "live")
    host = urlsplit(getattr(client, "base_url", "")).hostname or "SmartLead"
    if mode == "sandbox":
        return ("Using the local sandbox, a practice copy of SmartLead on this computer: "
                "nothing is sent to SmartLead and no email goes out.")
    return f"Using SmartLead at {host}: this is a real account."


class KeyForm(w.VBox):
    """A password box and a button; ``on_client(client)`` gets a checked client for the key.

    ``make_client(key)`` gets the key as a ``Secret`` (``SmartleadClient`` takes one as is).
    """

    def __init__(self, client, on_client: Callable[[Any], Any],
                 make_client: Callable[[Secret], Any] = live_client) -> None:
        self._on_client = on_client
        self._make_client = make_client
        self.where = w.HTML(message(describe(client))).add_class("sl-connection")
        self.key = w.Password(placeholder="SmartLead API key (kept in memory only)",
                              layout=w.Layout(width="360px")).add_class("sl-key")
        self.button = w.Button(description="Use this key", icon="key").add_class("sl-key-use")
        self.status = w.HTML().add_class("sl-key-status")
        self.button.on_click(lambda _: self.use_key())
        super().__init__([self.where, w.HBox([self.key, self.button]), self.status])

    @redacted_errors
    def use_key(self) -> None:
        key = as_secret(self.key.value)  # registered for redaction before anything can fail
        self.key.value = ""  # before anything else: never kept in widget state
        if key is None:
            self.status.value = message("Type your SmartLead API key first.", "error")
            return
        try:
            client = self._make_client(key)
            client.email_accounts.list()  # a clear "wrong key" now rather than at launch
        except Exception as exc:
            self.status.value = error_message(exc)
            return
        finally:
            del key
        self.where.value = message(describe(client))
        self.status.value = message("Key accepted; the accounts below are from SmartLead.", "ok")
        self._on_client(client)
