"""What a reply in a lead's thread sends (``POST /campaigns/{campaign_id}/reply-email-thread``,
https://api.smartlead.ai/api-reference/campaigns/reply-email-thread): the body, checked. The
verbs are ``client.inbox.reply`` and ``client.inbox.reply_to_lead``.

>>> reply_body("2000014", "<p>Tuesday works.</p>", bcc="a@x.io, b@y.io")
{'email_stats_id': '2000014', 'email_body': '<p>Tuesday works.</p>', 'bcc': 'a@x.io, b@y.io'}
"""

from __future__ import annotations

from typing import Any, Iterable

from ..errors import InputError
from ._base import inbox_time


def email_list(value: str | Iterable[str] | None, what: str) -> str | None:
    """``cc``/``bcc`` as SmartLead takes them: one comma-separated string.

    >>> email_list(["a@x.io", "b@y.io"], "cc")
    'a@x.io, b@y.io'
    """
    if value is None:
        return None
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str) or "@" not in item:
            raise InputError(f"{what}: {item!r} is not an email address; nothing was sent")
    return ", ".join(items) or None


def stats_id_text(value: Any) -> str:
    """The ``email_stats_id`` as the string SmartLead requires (a number gets a 400 there).

    >>> stats_id_text(2000014)
    '2000014'
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            f"email_stats_id is missing (got {value!r}): a reply answers one message of the "
            f"thread, named by its stats_id (the REPLY row of leads.message_history(), or a "
            f"webhook's stats_id); inbox.reply_to_lead() finds it for you. Nothing was sent.")
    return value.strip()


def reply_body(email_stats_id: Any, email_body: str, **optional: Any) -> dict[str, Any]:
    """The request body, checked: the stats id as a string, times in ISO, cc/bcc joined;
    never a ``lead_id`` (SmartLead refuses it). Options left as ``None`` are not sent.

    >>> reply_body(2000014, "<p>Hi</p>", cc=["a@x.io"], add_signature=None)
    {'email_stats_id': '2000014', 'email_body': '<p>Hi</p>', 'cc': 'a@x.io'}
    """
    body: dict[str, Any] = {"email_stats_id": stats_id_text(email_stats_id)}
    if not isinstance(email_body, str) or not email_body.strip():
        raise InputError(f"email_body must be the reply's text (HTML), got {email_body!r}; "
                         f"nothing was sent")
    body["email_body"] = email_body
    for key in ("cc", "bcc"):
        optional[key] = email_list(optional.get(key), key)
    for key in ("reply_email_time", "scheduled_time"):
        if optional.get(key) is not None:
            optional[key] = inbox_time(optional[key], key)
    if optional.get("to_email") is not None:
        optional["to_email"] = email_list(optional["to_email"], "to_email")
    add_signature = optional.get("add_signature")
    if add_signature is not None and not isinstance(add_signature, bool):
        raise InputError(f"add_signature must be True or False, got {add_signature!r}")
    body.update({k: v for k, v in optional.items() if v is not None})
    return body
