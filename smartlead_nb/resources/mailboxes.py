"""Sender mailboxes one at a time: read one, create or update one, its warm-up, its tags.

SmartLead returns a mailbox's SMTP and IMAP passwords decrypted when you read one; they are
dropped here before anything else sees them. Passwords you send (creating a mailbox) are
registered for redaction first, so no error text or log line can carry them.

>>> reputation("97%"), reputation(97), reputation("97.5 %"), reputation(None)
(97, 97, 97.5, None)
>>> check_warmup(total_warmup_per_day=60)
Traceback (most recent call last):
...
smartlead_nb.errors.InputError: total_warmup_per_day is 60: SmartLead allows 1-50 warm-up emails per day; nothing was sent
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from .._suggest import unknown_names
from .._redact import register_secret
from ..errors import InputError
from ..frames.emails import email_problems
from ..frames.tidy import coerce_counts, strip_secrets, tidy_frame, to_int
from ._base import Resource, check_id, id_in_answer, list_rows

# SmartLead's documented warm-up ranges (D): (lowest, highest, what the number counts).
WARMUP_RANGES = {
    "total_warmup_per_day": (1, 50, "warm-up emails per day"),
    "daily_rampup": (5, 20, "as the daily ramp-up"),
    "reply_rate_percentage": (20, 100, "percent as the warm-up reply rate"),
}
WARMUP_FLAGS = ("auto_adjust_warmup", "is_rampup_enabled")
SAVE_REQUIRED = ("from_name", "from_email", "user_name", "password", "smtp_host", "smtp_port",
                 "imap_host", "imap_port")
SAVE_OPTIONAL = ("max_email_per_day", "custom_tracking_url", "bcc", "signature",
                 "different_reply_to_address", "imap_user_name", "imap_password",
                 "time_to_wait_in_mins", "warmup_enabled", "total_warmup_per_day",
                 "daily_rampup", "reply_rate_percentage", "client_id", "is_suspended")
# What POST /email-accounts/{id} takes (anything else is refused by SmartLead).
UPDATE_FIELDS = ("max_email_per_day", "from_name", "custom_tracking_url", "bcc", "signature",
                 "client_id", "time_to_wait_in_mins", "is_suspended")


def reputation(value: Any) -> int | float | None:
    """``warmup_reputation`` as a number: SmartLead sends ``97`` or ``"97%"``."""
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    number = to_int(value)
    return number if isinstance(number, (int, float)) and not isinstance(number, bool) else None


def check_warmup(**fields: Any) -> dict[str, Any]:
    """The warm-up fields given (``None`` left out), each inside SmartLead's range.

    >>> check_warmup(total_warmup_per_day=20, daily_rampup=None)
    {'total_warmup_per_day': 20}
    """
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key in WARMUP_RANGES:
            lo, hi, what = WARMUP_RANGES[key]
            number = to_int(value) if isinstance(value, str) else value
            if isinstance(number, bool) or not isinstance(number, int) or not lo <= number <= hi:
                raise InputError(f"{key} is {value!r}: SmartLead allows {lo}-{hi} {what}; "
                                 f"nothing was sent")
            out[key] = number
        elif key in WARMUP_FLAGS or key == "warmup_enabled":
            if not isinstance(value, bool):
                raise InputError(f"{key} must be True or False, got {value!r}; nothing was sent")
            out[key] = value
        else:
            out[key] = value
    return out


def _check_port(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InputError(f"{name} must be a port number 1-65535, got {value!r}; nothing was sent")
    return value


def account_id_of(body: Any) -> int | None:
    """The mailbox id in a save answer: ``emailAccountId``, then ``data.id``, then ``id``.

    >>> account_id_of({"ok": True, "emailAccountId": 3007}), account_id_of({"data": {"id": "9"}})
    (3007, 9)
    """
    return id_in_answer(body, "emailAccountId", "data.id", "id")


def _account(record: dict) -> dict:
    """One mailbox as read: passwords dropped, counts cast, reputation a number."""
    out = coerce_counts(strip_secrets(record))
    warmup = out.get("warmup_details")
    if isinstance(warmup, dict) and "warmup_reputation" in warmup:
        warmup["warmup_reputation"] = reputation(warmup["warmup_reputation"])
    return out


class MailboxesMixin(Resource):
    def email_account(self, email_account_id: int, *, fetch_campaigns: bool = False) -> dict:
        """One sender mailbox (``GET /email-accounts/{id}/``), without its passwords.

        ``warmup_details.warmup_reputation`` is a number (SmartLead sends 97 or "97%");
        ``fetch_campaigns=True`` adds ``campaign_ids``.

        >>> client.email_account(3001)["warmup_details"]["warmup_reputation"]  # doctest: +SKIP
        100
        """
        aid = check_id(email_account_id, "email_account_id")
        params = {"fetch_campaigns": True} if fetch_campaigns else None
        body = self._call("GET", f"email-accounts/{aid}/", params=params,
                          subject=f"email account {aid}", shape=dict)
        return _account(body)

    def save_email_account(self, *, from_name: str, from_email: str, user_name: str,
                           password: str, smtp_host: str, smtp_port: int, imap_host: str,
                           imap_port: int, email_account_id: int | None = None,
                           **options: Any) -> dict:
        """Create an SMTP mailbox, or replace the settings of ``email_account_id``
        (``POST /email-accounts/save``).

        ``options`` are SmartLead's optional fields (``max_email_per_day``, ``signature``,
        ``warmup_enabled``, ``total_warmup_per_day``, ...). Everything is checked before
        sending; the password is registered for redaction. Returns the answer with ``id`` set.
        SmartLead reports a duplicate address as ``ok: false`` inside a 200; that raises
        :class:`~smartlead_nb.errors.ApiFailure` (its ``.body["emailAccountId"]`` is the
        existing mailbox).

        >>> made = client.save_email_account(                               # doctest: +SKIP
        ...     from_name="Nora", from_email="nora@send.example", user_name="nora",
        ...     password="...", smtp_host="smtp.send.example", smtp_port=587,
        ...     imap_host="imap.send.example", imap_port=993, warmup_enabled=True)
        >>> made["id"]                                                       # doctest: +SKIP
        3007
        """
        unknown = sorted(set(options) - set(SAVE_OPTIONAL))
        if unknown:
            raise InputError(unknown_names(unknown, SAVE_OPTIONAL, "save_email_account", "field"))
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
        answer = self._call("POST", "email-accounts/save", json=body, shape=dict)
        return {**answer, "id": account_id_of(answer)}

    def update_email_account(self, email_account_id: int, **fields: Any) -> dict:
        """Change a mailbox's sending settings (``POST /email-accounts/{id}``): only
        ``max_email_per_day``, ``from_name``, ``custom_tracking_url``, ``bcc``, ``signature``,
        ``client_id``, ``time_to_wait_in_mins`` and ``is_suspended`` can change here.

        >>> client.update_email_account(3001, max_email_per_day=30)          # doctest: +SKIP
        {'ok': True, 'message': 'Email account updated successfully'}
        """
        aid = check_id(email_account_id, "email_account_id")
        unknown = sorted(set(fields) - set(UPDATE_FIELDS))
        if unknown:
            raise InputError(unknown_names(unknown, UPDATE_FIELDS, "update_email_account",
                                           "field") + " (SMTP/IMAP settings change through "
                             "save_email_account)")
        if not fields:
            raise InputError("update_email_account: no fields given, nothing to send")
        return self._call("POST", f"email-accounts/{aid}", json=fields,
                          subject=f"email account {aid}", shape=dict)

    def update_warmup(self, email_account_id: int, *, warmup_enabled: bool,
                      total_warmup_per_day: int | None = None, daily_rampup: int | None = None,
                      reply_rate_percentage: int | None = None, warmup_key_id: str | None = None,
                      auto_adjust_warmup: bool | None = None,
                      is_rampup_enabled: bool | None = None) -> dict:
        """Turn a mailbox's warm-up on or off and set its numbers
        (``POST /email-accounts/{id}/warmup``); only what is given is sent.

        SmartLead's ranges are checked first: ``total_warmup_per_day`` 1-50, ``daily_rampup``
        5-20, ``reply_rate_percentage`` 20-100.

        >>> client.update_warmup(3001, warmup_enabled=True, total_warmup_per_day=20)  # doctest: +SKIP
        {'ok': True, 'message': 'Warmup settings updated successfully'}
        """
        aid = check_id(email_account_id, "email_account_id")
        body = check_warmup(warmup_enabled=warmup_enabled,
                            total_warmup_per_day=total_warmup_per_day, daily_rampup=daily_rampup,
                            reply_rate_percentage=reply_rate_percentage,
                            warmup_key_id=warmup_key_id, auto_adjust_warmup=auto_adjust_warmup,
                            is_rampup_enabled=is_rampup_enabled)
        return self._call("POST", f"email-accounts/{aid}/warmup", json=body,
                          subject=f"email account {aid}", shape=dict)

    # -- tags -----------------------------------------------------------------------------
    def save_email_account_tag(self, name: str, *, color: str | None = None,
                               tag_id: int | None = None) -> dict:
        """Create a mailbox tag, or rename/recolour ``tag_id``; returns ``{id, name, color}``.

        >>> client.save_email_account_tag("EU senders", color="#3498db")  # doctest: +SKIP
        {'id': 40001, 'name': 'EU senders', 'color': '#3498db'}
        """
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"a tag needs a name, got {name!r}; nothing was sent")
        body: dict[str, Any] = {"name": name.strip()}
        if color is not None:
            body["color"] = color
        if tag_id is not None:
            body["id"] = check_id(tag_id, "tag_id")
        answer = self._call("POST", "email-accounts/tag-manager", json=body, shape=dict)
        data = answer.get("data")
        return coerce_counts(data if isinstance(data, dict) else answer)

    def tag_email_accounts(self, email_account_ids: Iterable[int] | int,
                           tag_ids: Iterable[int] | int) -> dict:
        """Give every listed mailbox every listed tag."""
        return self._call("POST", "email-accounts/tag-mapping",
                          json=_mapping(email_account_ids, tag_ids), shape=dict)

    def untag_email_accounts(self, email_account_ids: Iterable[int] | int,
                             tag_ids: Iterable[int] | int) -> dict:
        """Take the tags off the mailboxes (pairs that are not tagged are skipped)."""
        return self._call("DELETE", "email-accounts/tag-mapping",
                          json=_mapping(email_account_ids, tag_ids), shape=dict)

    @Resource.stamps_read_at
    def email_account_tags_frame(self, emails: Iterable[str] | str) -> pd.DataFrame:
        """One row per (mailbox, tag) for the given sender addresses
        (``POST /email-accounts/tag-list``): ``email_account_id``, ``from_email``,
        ``tag_id``, ``tag_name``, ``tag_color``.

        >>> client.email_account_tags_frame(["maya@demo-sender.example"])  # doctest: +SKIP
        """
        addresses = [emails] if isinstance(emails, str) else list(emails)
        if not addresses:
            raise InputError("no sender addresses given; nothing was sent")
        body = self._call("POST", "email-accounts/tag-list", json={"email_ids": addresses},
                          shape=("data",))
        rows = [{"email_account_id": r.get("email_account_id"), "from_email": r.get("from_email"),
                 "tag_id": t.get("id"), "tag_name": t.get("name"), "tag_color": t.get("color")}
                for r in list_rows(body, "data") for t in (r.get("tags") or [])]
        columns = ["email_account_id", "from_email", "tag_id", "tag_name", "tag_color"]
        return tidy_frame(rows, columns=columns)

    def reconnect_failed_email_accounts(self) -> dict:
        """Ask SmartLead to retry the SMTP/IMAP login of every failed mailbox (asynchronous:
        read :meth:`email_accounts_frame` again later)."""
        return self._call("POST", "email-accounts/reconnect-failed-email-accounts", json={},
                          shape=dict)


def _mapping(accounts: Iterable[int] | int, tags: Iterable[int] | int) -> dict:
    def ids(values: Any, what: str) -> list[int]:
        values = [values] if isinstance(values, (int, str)) else list(values)
        if not values:
            raise InputError(f"no {what}s given; nothing was sent")
        return [check_id(v, what) for v in values]
    return {"email_account_ids": ids(accounts, "email account id"), "tag_ids": ids(tags, "tag id")}
