"""What a delivery means: its events checked, their lead, time and identity, as frame rows.

Pure functions, no sockets. :func:`read_delivery` turns a request body into events or
raises :class:`BadDelivery` naming the event and field, before anything is kept: a delivery
is taken whole or not at all.

What is checked is what the receiver reads: ``event_type`` is required text in SmartLead's
spelling; the other fields below may be absent or null, and otherwise must have their type.
SmartLead's field types vary between payloads (``sl_email_lead_map_id`` comes as a number or
as text), so fields the receiver does not read stay in ``payload`` as sent, unchecked.
"""

from __future__ import annotations

import json
import re
from itertools import chain
from typing import Any, Hashable, Iterator

import pandas as pd

# The time each event type happened at, by its own field (event_timestamp is the fallback).
EVENT_TIME_FIELDS = {"EMAIL_SENT": "time_sent", "EMAIL_BOUNCE": "time_sent",
                     "EMAIL_OPEN": "time_opened", "EMAIL_LINK_CLICK": "time_clicked",
                     "EMAIL_REPLY": "time_replied"}
TIME_FIELDS = ("event_timestamp", *sorted(set(EVENT_TIME_FIELDS.values())))
TEXT_FIELDS = ("campaign_name", "sl_lead_email", "lead_email", "to_email", "from_email",
               "stats_id", "subject", "category", "secret_key")
WHOLE_NUMBER_FIELDS = ("campaign_id", "webhook_id", "sequence_number")   # or digits as text
LEAD_ID_FIELD = "sl_email_lead_id"          # text in SmartLead's payloads, a number elsewhere
NESTED_TEXT_FIELDS = {"reply_message": "message_id", "leadCorrespondence": "targetLeadEmail",
                      "lead_category": "new_name"}
COLUMNS = ["event_type", "event_time", "campaign_id", "campaign_name", "lead_email",
           "sl_email_lead_id", "stats_id", "sequence_number", "category", "subject",
           "from_email", "webhook_id", "received_at", "payload"]

MAX_EVENTS_PER_DELIVERY = 1000   # SmartLead posts one event per request; an array is a courtesy
MAX_DEPTH = 32                   # its payloads nest 4 deep
_EVENT_TYPE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"             # [0-9]: \d is any script's
                       r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
                       r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?")
_INT64_MAX = 2 ** 63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")     # only a lone one survives json.loads


class BadDelivery(ValueError):
    """A delivery the receiver refuses whole (answered 400; nothing of it is kept)."""


def read_delivery(body: bytes | bytearray) -> list[dict]:
    """The events in a request body: one JSON object, or a non-empty array of them, each
    checked by :func:`check_event`.

    >>> read_delivery(b'{"event_type": "EMAIL_OPEN", "campaign_id": "7"}')[0]["campaign_id"]
    '7'
    >>> read_delivery(b'[{"event_type": "EMAIL_OPEN"}, {"event_type": ["EMAIL_OPEN"]}]')
    Traceback (most recent call last):
    ...
    smartlead_nb.webhooks.events.BadDelivery: event 2: event_type must be text such as ..., got a list
    """
    try:
        text = body.decode("utf-8")      # strict: JSON on the wire is UTF-8 (RFC 8259)
    except UnicodeDecodeError as exc:
        raise BadDelivery(f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        events = _events_in(text)
        del text                        # the events hold their own strings
    except BadDelivery:
        raise
    except RecursionError:
        raise BadDelivery("the JSON nests too deeply") from None
    except ValueError as exc:           # JSONDecodeError, a duplicate key, NaN, a huge number
        raise BadDelivery(f"the body is not valid JSON: {_first_line(exc)}") from None
    for event in events:
        _check_nesting_and_text(event)
    for number, event in enumerate(events, 1):
        try:
            check_event(event)
        except BadDelivery as exc:
            raise BadDelivery(f"event {number}: {exc}" if len(events) > 1 else str(exc)) from None
    return events


def check_event(event: dict) -> None:
    """Raise :class:`BadDelivery` naming the first field the receiver reads that has the
    wrong type (or a time that is not an ISO 8601 time).

    >>> check_event({"event_type": "EMAIL_SENT", "campaign_id": True})
    Traceback (most recent call last):
    ...
    smartlead_nb.webhooks.events.BadDelivery: campaign_id must be a whole number (...), got a boolean
    """
    kind = event.get("event_type")
    if not isinstance(kind, str) or not _EVENT_TYPE.fullmatch(kind):
        raise BadDelivery("event_type must be text such as 'EMAIL_REPLY', got "
                          + _describe(kind))
    for field in TEXT_FIELDS:
        _text(event, field)
    for field in TIME_FIELDS:
        value = _text(event, field)
        if value and _parse_time(value) is None:
            raise BadDelivery(f"{field} must be an ISO 8601 time, got {_describe(value)}")
    for field in WHOLE_NUMBER_FIELDS:
        _whole_number(event, field)
    lead = event.get(LEAD_ID_FIELD)
    if lead is not None and not isinstance(lead, str):
        _whole_number(event, LEAD_ID_FIELD, "text or a whole number")
    for field, inner in NESTED_TEXT_FIELDS.items():
        nested = event.get(field)
        if nested is None:
            continue
        if not isinstance(nested, dict):
            raise BadDelivery(f"{field} must be an object, got {_describe(nested)}")
        _text(nested, inner, f"{field}.{inner}")


def lead_email(payload: dict) -> str | None:
    """The lead's address: ``sl_lead_email``, else ``leadCorrespondence.targetLeadEmail``,
    else ``lead_email``, else ``to_email`` (``from_email`` is your own mailbox, even on a
    reply).

    >>> lead_email({"to_email": "ana@example.eu", "from_email": "max@send.example"})
    'ana@example.eu'
    """
    correspondence = payload.get("leadCorrespondence")
    target = correspondence.get("targetLeadEmail") if isinstance(correspondence, dict) else None
    for value in (payload.get("sl_lead_email"), target, payload.get("lead_email"),
                  payload.get("to_email")):
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def event_time(payload: dict) -> pd.Timestamp | None:
    """When the event happened, in UTC (``+00:00`` and ``.000Z`` spellings compare equal).

    >>> event_time({"event_type": "EMAIL_REPLY", "time_replied": "2025-06-04T10:15:00.000Z"})
    Timestamp('2025-06-04 10:15:00+0000', tz='UTC')
    """
    field = EVENT_TIME_FIELDS.get(str(payload.get("event_type")))
    for value in (payload.get(field) if field else None, payload.get("event_timestamp")):
        stamp = _parse_time(value) if isinstance(value, str) else None
        if stamp is not None:
            return stamp
    return None


def dedup_key(payload: dict) -> Hashable:
    """What makes two deliveries the same event.

    A reply is named by its ``reply_message.message_id`` (what live clients dedupe on); any
    other event by (event type, lead, ``stats_id``, the event's time in UTC), the
    ``(sl_email_lead_id, time)`` rule with the time normalised, since SmartLead writes
    ``+00:00`` in webhooks and ``.000Z`` elsewhere.

    >>> a = {"event_type": "EMAIL_OPEN", "sl_email_lead_id": "7", "stats_id": "s",
    ...      "time_opened": "2025-06-04T10:15:00+00:00"}
    >>> dedup_key(a) == dedup_key(dict(a, time_opened="2025-06-04T10:15:00.000Z"))
    True
    """
    kind = str(payload.get("event_type"))
    reply = payload.get("reply_message")
    if kind == "EMAIL_REPLY" and isinstance(reply, dict) and reply.get("message_id"):
        return (kind, "message_id", str(reply["message_id"]))
    lead = payload.get("sl_email_lead_id") or lead_email(payload)
    when = event_time(payload)
    return (kind, str(lead), str(payload.get("stats_id")), when.isoformat() if when else None)


def row(payload: dict, received_at: pd.Timestamp) -> dict:
    """One frame row (:data:`COLUMNS`) for a checked event; ids as Python ints."""
    ids = {field: None if payload.get(field) is None else int(payload[field])
           for field in WHOLE_NUMBER_FIELDS}
    return {"event_type": payload["event_type"], "event_time": event_time(payload),
            "campaign_id": ids["campaign_id"], "campaign_name": payload.get("campaign_name"),
            "lead_email": lead_email(payload),
            "sl_email_lead_id": payload.get("sl_email_lead_id"),
            "stats_id": payload.get("stats_id"), "sequence_number": ids["sequence_number"],
            "category": _category(payload), "subject": payload.get("subject"),
            "from_email": payload.get("from_email"), "webhook_id": ids["webhook_id"],
            "received_at": received_at, "payload": payload}


def _category(payload: dict) -> str | None:
    category = payload.get("category")
    if isinstance(category, str):
        return category
    change = payload.get("lead_category")
    return change.get("new_name") if isinstance(change, dict) else None


def _parse_time(value: Any) -> pd.Timestamp | None:
    """An ISO 8601 time in UTC, or None (pandas alone would also read "now" or "today")."""
    if not isinstance(value, str) or not _ISO_TIME.fullmatch(value.strip()):
        return None
    try:
        stamp = pd.Timestamp(value.strip())
    except (TypeError, ValueError):       # out of range (year 0001), day 31 of June, ...
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _text(mapping: dict, field: str, name: str | None = None) -> str | None:
    value = mapping.get(field)
    if value is not None and not isinstance(value, str):
        raise BadDelivery(f"{name or field} must be text, got {_describe(value)}")
    return value


def _whole_number(event: dict, field: str, what: str = "a whole number "
                  "(or its digits as text)") -> None:
    value = event.get(field)
    if value is None:
        return
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        value = int(value)
    if type(value) is not int or not 0 <= value <= _INT64_MAX:   # bool is an int subclass
        raise BadDelivery(f"{field} must be {what}, got {_describe(value)}")


def _describe(value: Any) -> str:
    """A value's kind, and a short look at it when it is short text (the sender is not
    trusted, so nothing long is echoed)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"text of {len(value)} characters"
    kinds = {int: "a number", float: "a number", list: "a list", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


_SPACE = re.compile(r"[ \t\n\r]*")


def _after_space(text: str, at: int) -> int:
    """Where the JSON whitespace from ``at`` ends (``at`` itself when there is none)."""
    match = _SPACE.match(text, at)
    return match.end() if match else at     # the pattern matches nothing too: always a match


def _events_in(text: str) -> list[dict]:
    """The body's events. An array is read one element at a time, so that ``[{}, {}, ...]``
    is refused at its 1001st element instead of after millions of objects are built."""
    start = _after_space(text, 0)
    if not text.startswith("[", start):
        value = _DECODER.decode(text)
        if not isinstance(value, dict):
            raise BadDelivery("the body must be a JSON object (one event) or a non-empty "
                              "array of objects")
        return [value]
    events: list[dict] = []
    at = _after_space(text, start + 1)
    closed = text.startswith("]", at)
    while not closed:
        if len(events) == MAX_EVENTS_PER_DELIVERY:
            raise BadDelivery(f"more than {MAX_EVENTS_PER_DELIVERY} events in one delivery")
        event, at = _DECODER.raw_decode(text, at)
        if not isinstance(event, dict):
            raise BadDelivery(f"event {len(events) + 1} is not a JSON object")
        events.append(event)
        at = _after_space(text, at)
        closed = text.startswith("]", at)
        if not closed and not text.startswith(",", at):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
        at = _after_space(text, at + 1)
    if at != len(text):
        raise json.JSONDecodeError("Extra data", text, at)
    if not events:
        raise BadDelivery("the body is an empty array: no events")
    return events


def _object(pairs: list[tuple[str, Any]]) -> dict:
    """A JSON object that names no key twice (two values for one field would be read
    differently by different readers)."""
    made = dict(pairs)
    if len(made) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {_describe(key)} appears twice in one object")
            seen.add(key)
    return made


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_no_constant)


def _check_nesting_and_text(event: dict) -> None:
    """No deeper than :data:`MAX_DEPTH`, and every text encodable as UTF-8 (a lone
    surrogate escape such as ``"\\ud800"`` parses, but breaks whatever writes it later).
    Depth first, so the walk holds one iterator per level, never one entry per value."""
    stack = [_inside(event)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, str):
                if not item.isascii() and _SURROGATE.search(item):    # no copy of the text
                    raise BadDelivery("the JSON holds a lone surrogate escape "
                                      "(not a character)")
            elif isinstance(item, (dict, list)):
                if len(stack) >= MAX_DEPTH:
                    raise BadDelivery(f"the JSON nests deeper than {MAX_DEPTH} levels")
                stack.append(_inside(item))
                break
        else:
            stack.pop()


def _inside(container: dict | list) -> Iterator[Any]:
    """A dict's keys and values, or a list's items."""
    return chain.from_iterable(container.items()) if isinstance(container, dict) \
        else iter(container)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
