"""Replying to a lead's thread: ``POST /campaigns/{id}/reply-email-thread`` [more-sheet 1.4].

It sends a real email from the mailbox that owns the thread, so it needs ``confirm=True``
(the rule is in :mod:`.confirm`, shared with ``request()``). SmartLead has no idempotency key:
a POST that timed out may still have sent the mail, so the transport re-sends it only after a
429 (which means "not processed"), never after a 5xx, a timeout or a dropped connection.

>>> client.reply_to_lead(1001, 500007, "<p>Tuesday 10:00 works.</p>", confirm=True)  # doctest: +SKIP
{'ok': True, 'campaign_id': 1001, 'email_stats_id': '2000014', 'answer': {...}}
"""

from __future__ import annotations

from typing import Any, Iterable

from ..errors import InputError
from .confirm import needs_confirmation, refusal
from ._base import Resource, check_id, list_rows
from .inbox import inbox_time


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
            f"thread, named by its stats_id (the REPLY row of message_history(), or a "
            f"webhook's stats_id); reply_to_lead() finds it for you. Nothing was sent.")
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


class RepliesMixin(Resource):
    def reply_to_thread(self, campaign_id: int, email_stats_id: str | int, email_body: str, *,
                        reply_message_id: str | None = None, reply_email_time: Any = None,
                        reply_email_body: str | None = None, to_email: str | None = None,
                        to_first_name: str | None = None, to_last_name: str | None = None,
                        cc: str | Iterable[str] | None = None,
                        bcc: str | Iterable[str] | None = None,
                        add_signature: bool | None = None, scheduled_time: Any = None,
                        confirm: bool = False) -> dict:
        """Reply in a lead's thread: sends a real email, so it needs ``confirm=True``.

        Args:
            email_stats_id: the message answered (its ``stats_id`` in message history or a
                webhook); sent as a string.
            email_body: the reply, HTML.
            reply_message_id, reply_email_time, reply_email_body: the answered message's
                ``message_id``, ``time`` and ``email_body`` (:meth:`reply_to_lead` fills them).
            to_email, to_first_name, to_last_name: another recipient than the lead.
            cc, bcc: addresses, a list or a comma-separated string.

        Any 2xx answer (JSON, or a bare ``OK``) means sent. Returns ``{ok, campaign_id,
        email_stats_id, answer}``.

        >>> client.reply_to_thread(1001, "2000014", "<p>Tuesday works.</p>",  # doctest: +SKIP
        ...                        cc=["cfo@example.eu"], confirm=True)
        """
        cid = check_id(campaign_id, "campaign_id")
        body = reply_body(email_stats_id, email_body, reply_message_id=reply_message_id,
                          reply_email_time=reply_email_time, reply_email_body=reply_email_body,
                          to_email=to_email, to_first_name=to_first_name,
                          to_last_name=to_last_name, cc=cc, bcc=bcc,
                          add_signature=add_signature, scheduled_time=scheduled_time)
        path = f"campaigns/{cid}/reply-email-thread"
        reason = needs_confirmation("POST", path, body)
        if reason and confirm is not True:
            raise InputError(refusal(reason))
        answer = self._call("POST", path, json=body, subject=f"campaign {cid}", expect="any")
        return {"ok": True, "campaign_id": cid, "email_stats_id": body["email_stats_id"],
                "answer": answer}

    def reply_to_lead(self, campaign_id: int, lead_id: int, email_body: str, *,
                      cc: str | Iterable[str] | None = None,
                      bcc: str | Iterable[str] | None = None,
                      add_signature: bool | None = None, confirm: bool = False) -> dict:
        """Answer a lead's latest reply in a campaign (one read of its message history, then
        :meth:`reply_to_thread` with that reply's stats id, message id, time and body).

        A lead that has not replied is refused: there is no message to answer.

        >>> client.reply_to_lead(1001, 500007, "<p>Thanks!</p>", confirm=True)  # doctest: +SKIP
        """
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        reason = needs_confirmation("POST", f"campaigns/{cid}/reply-email-thread")
        if reason and confirm is not True:
            raise InputError(refusal(reason))          # before reading anything
        history = self._call("GET", f"campaigns/{cid}/leads/{lid}/message-history",
                             subject=f"lead {lid} in campaign {cid}",
                             shape=("history", "data"))
        replies = [item for item in list_rows(history, "history", "data")
                   if str(item.get("type", "")).upper() == "REPLY"]
        if not replies:
            raise InputError(f"lead {lid} in campaign {cid} has not replied: there is no "
                             f"message to answer (no stats id). Nothing was sent.")
        last = max(replies, key=lambda item: str(item.get("time") or ""))
        return self.reply_to_thread(
            cid, last.get("stats_id"), email_body, reply_message_id=last.get("message_id"),
            reply_email_time=last.get("time"), reply_email_body=last.get("email_body"),
            cc=cc, bcc=bcc, add_signature=add_signature, confirm=confirm)
