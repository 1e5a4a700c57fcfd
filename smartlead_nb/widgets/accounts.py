"""Sender accounts picked from the account list, with their health in view."""

from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as w

from ..frames.accounts import sender_health
from ._common import error_message, message


def health(account: dict) -> tuple[bool, str]:
    """``(healthy, words)`` for one account: SMTP/IMAP, warm-up and daily cap (the plan's rule,
    :func:`smartlead_nb.frames.accounts.sender_health`)."""
    return sender_health(account)


class AccountPicker(w.VBox):
    """A checkbox per sender account; ``.value`` is the list of chosen ids."""

    def __init__(self, client, on_change: Callable[[], Any] | None = None) -> None:
        self.client = client
        self._on_change = on_change
        self._boxes: dict[int, w.Checkbox] = {}
        self._quiet = False
        self.status = w.HTML().add_class("sl-accounts-status")
        self.list_box = w.VBox().add_class("sl-accounts")
        self.reload_button = w.Button(description="Reload accounts", icon="refresh").add_class("sl-accounts-reload")
        self.reload_button.on_click(lambda _: self.reload())
        super().__init__([self.status, self.list_box, self.reload_button])
        self.reload()

    @property
    def value(self) -> list[int]:
        return [i for i, box in self._boxes.items() if box.value]

    @value.setter
    def value(self, ids) -> None:
        wanted = {int(i) for i in ids or []}
        self._quiet = True
        try:
            for i, box in self._boxes.items():
                box.value = i in wanted
        finally:
            self._quiet = False
        missing = wanted - set(self._boxes)
        if missing:
            self.status.value = message(
                f"account(s) {sorted(missing)} from the plan are not in this account list", "warning")
        self._changed()

    def reload(self, client=None) -> None:
        """Fetch the account list again (keeps the current choice where it still exists)."""
        if client is not None:
            self.client = client
        chosen = set(self.value)
        try:
            accounts = self.client.email_accounts.list()
        except Exception as exc:  # shown in the form: never a traceback in a log
            self.status.value = error_message(exc)
            return
        rows, boxes = [], {}
        for account in accounts:
            account_id = int(account["id"])
            ok, words = health(account)
            box = w.Checkbox(value=account_id in chosen, indent=False,
                             description=f"{account.get('from_email')} ({account.get('from_name') or ''})",
                             layout=w.Layout(width="360px"))
            box.add_class("sl-account").add_class(f"sl-account-{account_id}")
            box.observe(self._changed, "value")
            note = w.HTML(f'<span style="color:{"#1b5e20" if ok else "#b00020"}">'
                          f'{"✔" if ok else "⚠"} {html.escape(words)}</span>')
            boxes[account_id] = box
            rows.append(w.HBox([box, note]))
        self._boxes = boxes
        self.list_box.children = rows
        if accounts:
            self.status.value = message(f"{len(accounts)} sender account(s); tick the ones to send from.")
        else:
            self.status.value = message("No sender accounts in this SmartLead account: connect a "
                                        "mailbox in SmartLead first.", "error")
        self._changed()

    def _changed(self, *_: Any) -> None:
        if not self._quiet and self._on_change is not None:
            self._on_change()
