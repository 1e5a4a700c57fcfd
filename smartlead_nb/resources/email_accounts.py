"""``client.email_accounts``: the sender mailboxes of the account, one at a time or all of
them, their tags (``.tags``) and warm-up (``.warmup``); and ``client.campaigns.email_accounts``,
the mailboxes a campaign sends from.

SmartLead returns a mailbox's SMTP and IMAP passwords decrypted when you read one; they are
dropped here before anything else sees them. Passwords you send (creating a mailbox) are
registered for redaction first, so no error text or log line can carry them.

>>> reputation("97%"), reputation(97), reputation("97.5 %"), reputation(None)
(97, 97, 97.5, None)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Iterable

import pandas as pd

from .._redact import register_secret
from .._suggest import unknown_names
from ..errors import InputError
from ..frames.emails import email_problems
from ..frames.responses import coerce_counts, email_accounts_frame, strip_secrets, tidy_frame, to_int
from ._base import (Service, as_list, check_id, id_in_answer, list_rows, refuse_unconfirmed,
                    sender_accounts, stamps_read_at)
from .warmup import WARMUP_RANGES, WarmupService, check_warmup

SAVE_REQUIRED = ("from_name", "from_email", "user_name", "password", "smtp_host", "smtp_port",
                 "imap_host", "imap_port")
SAVE_OPTIONAL = ("max_email_per_day", "custom_tracking_url", "bcc", "signature",
                 "different_reply_to_address", "imap_user_name", "imap_password",
                 "time_to_wait_in_mins", "warmup_enabled", "total_warmup_per_day",
                 "daily_rampup", "reply_rate_percentage", "client_id", "is_suspended")
# What POST /email-accounts/{id} takes (anything else is refused by SmartLead).
UPDATE_FIELDS = ("max_email_per_day", "from_name", "custom_tracking_url", "bcc", "signature",
                 "client_id", "time_to_wait_in_mins", "is_suspended")
TAG_COLUMNS = ["email_account_id", "from_email", "tag_id", "tag_name", "tag_color"]


def reputation(value: Any) -> int | float | None:
    """``warmup_reputation`` as a number: SmartLead sends ``97`` or ``"97%"``."""
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    number = to_int(value)
    return number if isinstance(number, (int, float)) and not isinstance(number, bool) else None


def account_id_of(body: Any) -> int | None:
    """The mailbox id in a save answer: ``emailAccountId``, then ``data.id``, then ``id``.

    >>> account_id_of({"ok": True, "emailAccountId": 3007}), account_id_of({"data": {"id": "9"}})
    (3007, 9)
    """
    return id_in_answer(body, "emailAccountId", "data.id", "id")


class EmailAccountsService(Service):
    """The account's sender mailboxes: ``list``, ``frame``, ``get``, ``save`` (create or
    replace one), ``update``, ``reconnect_failed``; ``tags`` and ``warmup`` below."""

    @cached_property
    def warmup(self) -> WarmupService:
        """A mailbox's warm-up settings and its last 7 days."""
        return WarmupService(self._api)

    @cached_property
    def tags(self) -> EmailAccountTags:
        """Mailbox tags: create, give, take off, read."""
        return EmailAccountTags(self._api)

    def list(self, *, page_size: int = 100, **filters: Any) -> list[dict]:
        """Every sender account of the account, all pages (SmartLead serves 100 at a time).

        ``filters`` are passed as query parameters (for example ``isSmtpSuccess=True``).
        Mailbox passwords are removed from every record.
        """
        return sender_accounts(self._api, page_size=page_size, **filters)

    @stamps_read_at
    def frame(self, **filters: Any) -> pd.DataFrame:
        """:meth:`list` as a DataFrame with health columns first."""
        return email_accounts_frame(self.list(**filters))

    def get(self, email_account_id: int, *, fetch_campaigns: bool = False) -> dict:
        """One sender mailbox (``GET /email-accounts/{id}/``), without its passwords.

        ``warmup_details.warmup_reputation`` is a number (SmartLead sends 97 or "97%");
        ``fetch_campaigns=True`` adds ``campaign_ids``.

        >>> client.email_accounts.get(3001)["warmup_details"]["warmup_reputation"]  # doctest: +SKIP
        100
        """
        aid = check_id(email_account_id, "email_account_id")
        params = {"fetch_campaigns": True} if fetch_campaigns else None
        body = self._api.call("GET", f"email-accounts/{aid}/", params=params,
                              subject=f"email account {aid}", shape=dict)
        return _account(body)

    def save(self, *, from_name: str, from_email: str, user_name: str, password: str,
             smtp_host: str, smtp_port: int, imap_host: str, imap_port: int,
             email_account_id: int | None = None, **options: Any) -> dict:
        """Create an SMTP mailbox, or replace the settings of ``email_account_id``
        (``POST /email-accounts/save``).

        ``options`` are SmartLead's optional fields (``max_email_per_day``, ``signature``,
        ``warmup_enabled``, ``total_warmup_per_day``, ...). Everything is checked before
        sending; the password is registered for redaction. Returns the answer with ``id`` set.
        SmartLead reports a duplicate address as ``ok: false`` inside a 200; that raises
        :class:`~smartlead_nb.errors.ApiFailure` (its ``.body["emailAccountId"]`` is the
        existing mailbox).

        >>> made = client.email_accounts.save(                              # doctest: +SKIP
        ...     from_name="Nora", from_email="nora@send.example", user_name="nora",
        ...     password="...", smtp_host="smtp.send.example", smtp_port=587,
        ...     imap_host="imap.send.example", imap_port=993, warmup_enabled=True)
        >>> made["id"]                                                       # doctest: +SKIP
        3007
        """
        unknown = sorted(set(options) - set(SAVE_OPTIONAL))
        if unknown:
            raise InputError(unknown_names(unknown, SAVE_OPTIONAL, "email_accounts.save",
                                           "field"))
        body: dict[str, Any] = {"from_name": from_name, "from_email": from_email,
                                "user_name": user_name, "password": password,
                                "smtp_host": smtp_host, "smtp_port": smtp_port,
                                "imap_host": imap_host, "imap_port": imap_port}
        for key, value in body.items():
            if key.endswith("_port"):
                _check_port(key, value)
            elif not isinstance(value, str) or not value.strip():
                raise InputError(f"{key} is required (text), got {value!r}; nothing was sent")
        problem = email_problems(pd.Series([from_email.strip()]))[0]
        if problem:
            raise InputError(f"from_email: {problem}; nothing was sent")
        for secret in (password, options.get("imap_password")):
            if isinstance(secret, str) and secret:
                register_secret(secret)     # an error or log line echoing it is redacted
        warmup = check_warmup(**{k: options.pop(k) for k in list(options)
                                 if k in WARMUP_RANGES or k == "warmup_enabled"})
        body.update({k: v for k, v in options.items() if v is not None}, **warmup)
        body["from_email"] = from_email.strip()
        body["id"] = (check_id(email_account_id, "email_account_id")
                      if email_account_id is not None else None)
        answer = self._api.call("POST", "email-accounts/save", json=body, shape=dict)
        return {**answer, "id": account_id_of(answer)}

    def update(self, email_account_id: int, **fields: Any) -> dict:
        """Change a mailbox's sending settings (``POST /email-accounts/{id}``): only
        ``max_email_per_day``, ``from_name``, ``custom_tracking_url``, ``bcc``, ``signature``,
        ``client_id``, ``time_to_wait_in_mins`` and ``is_suspended`` can change here.

        >>> client.email_accounts.update(3001, max_email_per_day=30)        # doctest: +SKIP
        {'ok': True, 'message': 'Email account updated successfully'}
        """
        aid = check_id(email_account_id, "email_account_id")
        unknown = sorted(set(fields) - set(UPDATE_FIELDS))
        if unknown:
            raise InputError(unknown_names(unknown, UPDATE_FIELDS, "email_accounts.update",
                                           "field") + " (SMTP/IMAP settings change through "
                             "email_accounts.save)")
        if not fields:
            raise InputError("email_accounts.update: no fields given, nothing to send")
        return self._api.call("POST", f"email-accounts/{aid}", json=fields,
                              subject=f"email account {aid}", shape=dict)

    def reconnect_failed(self) -> dict:
        """Ask SmartLead to retry the SMTP/IMAP login of every failed mailbox (asynchronous:
        read :meth:`frame` again later)."""
        return self._api.call("POST", "email-accounts/reconnect-failed-email-accounts",
                              json={}, shape=dict)


class EmailAccountTags(Service):
    """Mailbox tags (``/email-accounts/tag-*``): ``save``, ``add``, ``remove``, ``frame``."""

    def save(self, name: str, *, color: str | None = None, tag_id: int | None = None) -> dict:
        """Create a mailbox tag, or rename/recolour ``tag_id``; returns ``{id, name, color}``.

        >>> client.email_accounts.tags.save("EU senders", color="#3498db")  # doctest: +SKIP
        {'id': 40001, 'name': 'EU senders', 'color': '#3498db'}
        """
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"a tag needs a name, got {name!r}; nothing was sent")
        body: dict[str, Any] = {"name": name.strip()}
        if color is not None:
            body["color"] = color
        if tag_id is not None:
            body["id"] = check_id(tag_id, "tag_id")
        answer = self._api.call("POST", "email-accounts/tag-manager", json=body, shape=dict)
        data = answer.get("data")
        return coerce_counts(data if isinstance(data, dict) else answer)

    def add(self, email_account_ids: Iterable[int] | int, tag_ids: Iterable[int] | int) -> dict:
        """Give every listed mailbox every listed tag."""
        return self._api.call("POST", "email-accounts/tag-mapping",
                              json=_mapping(email_account_ids, tag_ids), shape=dict)

    def remove(self, email_account_ids: Iterable[int] | int,
               tag_ids: Iterable[int] | int) -> dict:
        """Take the tags off the mailboxes (pairs that are not tagged are skipped)."""
        return self._api.call("DELETE", "email-accounts/tag-mapping",
                              json=_mapping(email_account_ids, tag_ids), shape=dict)

    @stamps_read_at
    def frame(self, emails: Iterable[str] | str) -> pd.DataFrame:
        """One row per (mailbox, tag) for the given sender addresses
        (``POST /email-accounts/tag-list``): ``email_account_id``, ``from_email``,
        ``tag_id``, ``tag_name``, ``tag_color``.

        >>> client.email_accounts.tags.frame(["maya@demo-sender.example"])  # doctest: +SKIP
        """
        addresses = as_list(emails)
        if not addresses:
            raise InputError("no sender addresses given; nothing was sent")
        body = self._api.call("POST", "email-accounts/tag-list", json={"email_ids": addresses},
                              shape=("data",))
        rows = [{"email_account_id": r.get("email_account_id"), "from_email": r.get("from_email"),
                 "tag_id": t.get("id"), "tag_name": t.get("name"), "tag_color": t.get("color")}
                for r in list_rows(body, "data") for t in (r.get("tags") or [])]
        return tidy_frame(rows, columns=TAG_COLUMNS)


class CampaignEmailAccounts(Service):
    """The mailboxes a campaign rotates through (``/campaigns/{campaign_id}/email-accounts``):
    ``list``, ``frame``, ``add``, ``remove``."""

    def list(self, campaign_id: int) -> list[dict]:
        """The accounts a campaign rotates through, without passwords."""
        cid = check_id(campaign_id, "campaign_id")
        body = self._api.call("GET", f"campaigns/{cid}/email-accounts", subject=f"campaign {cid}",
                              shape=("data",))
        return [coerce_counts(strip_secrets(r)) for r in list_rows(body, "data")]

    @stamps_read_at
    def frame(self, campaign_id: int) -> pd.DataFrame:
        """:meth:`list` as a DataFrame with health columns first."""
        return email_accounts_frame(self.list(campaign_id))

    def add(self, campaign_id: int, email_account_ids: Iterable[int]) -> dict:
        """Attach sender accounts (by id) to a campaign."""
        cid = check_id(campaign_id, "campaign_id")
        ids = _ids(email_account_ids)
        return self._api.call("POST", f"campaigns/{cid}/email-accounts",
                              json={"email_account_ids": ids}, subject=f"campaign {cid}",
                              shape=dict)

    def remove(self, campaign_id: int, email_account_ids: Iterable[int], *,
               confirm: bool = False) -> dict:
        """Detach sender accounts from a campaign (their leads move to the remaining ones).

        It changes who sends a running campaign's email, so it needs ``confirm=True``.

        >>> client.campaigns.email_accounts.remove(7, [3002], confirm=True)   # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        ids = _ids(email_account_ids)
        refuse_unconfirmed("DELETE", f"campaigns/{cid}/email-accounts", None, confirm)
        # SmartLead takes a DELETE with a JSON body here.
        return self._api.call("DELETE", f"campaigns/{cid}/email-accounts",
                              json={"email_account_ids": ids}, subject=f"campaign {cid}",
                              shape=dict)


def _ids(values: Iterable[int] | int) -> list[int]:
    ids = [check_id(v, "email account id") for v in as_list(values)]
    if not ids:
        raise InputError("no email account ids given")
    return ids


def _check_port(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InputError(f"{name} must be a port number 1-65535, got {value!r}; nothing was sent")
    return value


def _account(record: dict) -> dict:
    """One mailbox as read: passwords dropped, counts cast, reputation a number."""
    out = coerce_counts(strip_secrets(record))
    warmup = out.get("warmup_details")
    if isinstance(warmup, dict) and "warmup_reputation" in warmup:
        warmup["warmup_reputation"] = reputation(warmup["warmup_reputation"])
    return out


def _mapping(accounts: Iterable[int] | int, tags: Iterable[int] | int) -> dict:
    def ids(values: Any, what: str) -> list[int]:
        values = as_list(values)
        if not values:
            raise InputError(f"no {what}s given; nothing was sent")
        return [check_id(v, what) for v in values]
    return {"email_account_ids": ids(accounts, "email account id"), "tag_ids": ids(tags, "tag id")}
