"""The rules for one lead record that need no HTTP: which fields a lead dict may have, the
check before it is sent, addresses that fail the email rule, and the merge, comparison and
conflict message of a partial update (SmartLead replaces a lead record with what is sent).

>>> check_lead({"email": "ana@example.com", "phone_number": 4915112345678}, 0)
{'email': 'ana@example.com', 'phone_number': '4915112345678'}
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import InputError
from .clean import scalar_text
from .columns import CUSTOM_FIELDS, STANDARD_FIELDS
from .emails import OK as EMAIL_OK, check_emails
from .responses import to_int

#: The keys a lead dict may have: SmartLead's standard fields, then ``custom_fields``.
STANDARD_LEAD_FIELDS = (*STANDARD_FIELDS, CUSTOM_FIELDS)


def merge_lead(current: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """The whole lead record to send: ``current`` with ``change`` applied (pure).

    ``custom_fields`` merge key by key; ``None`` clears a field or drops a custom key.

    >>> merge_lead({"id": 5, "email": "a@x.io", "first_name": "Ana", "company_name": "Old",
    ...             "custom_fields": {"tier": "1", "hook": "x"}},
    ...            {"company_name": "New", "custom_fields": {"hook": None}})
    {'email': 'a@x.io', 'first_name': 'Ana', 'company_name': 'New', 'custom_fields': {'tier': '1'}}
    """
    merged = {k: current[k] for k in STANDARD_LEAD_FIELDS[:-1] if current.get(k) is not None}
    custom = dict(current.get(CUSTOM_FIELDS) or {})
    for key, value in change.items():
        if key == CUSTOM_FIELDS:
            custom = {} if value is None else custom
            for name, item in (value or {}).items():
                if item is None:
                    custom.pop(name, None)
                else:
                    custom[name] = item
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    merged = check_lead(merged, 0, require_email=False)   # the phone as a string, ...
    merged[CUSTOM_FIELDS] = custom
    return merged


def lead_differences(written: Mapping[str, Any], now: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields whose value in ``now`` (the lead as read back) is not the one ``written``:
    standard fields by name, custom fields as ``custom_fields.<key>``. Values are compared as
    the text SmartLead keeps (``5`` is ``'5'``, ``''`` is no value, an email's case is not a
    change).

    >>> lead_differences({"email": "a@x.io", "first_name": "Ana", "custom_fields": {"tier": "1"}},
    ...                  {"email": "A@x.io", "first_name": "Bo", "phone_number": "",
    ...                   "custom_fields": {"tier": 1, "new": "y"}})
    ('first_name', 'custom_fields.new')
    """
    out = [name for name in STANDARD_FIELDS
           if _compared(written.get(name), name) != _compared(now.get(name), name)]
    mine, theirs = _custom_fields(written), _custom_fields(now)
    out += [f"{CUSTOM_FIELDS}.{key}" for key in dict.fromkeys([*mine, *theirs])
            if _compared(mine.get(key)) != _compared(theirs.get(key))]
    return tuple(out)


def conflict_message(lead_id: int, change: Mapping[str, Any], written: Mapping[str, Any],
                     now: Mapping[str, Any], changed: Sequence[str]) -> str:
    """What a ConflictError from ``leads.update`` says: whose change was lost, what the other
    writer changed, the values now and before, and what to do."""
    lost = [name for name in changed if _was_set(name, change)]
    others = [name for name in changed if name not in lost]
    said = []
    if lost:
        said.append(f"this call's change to {', '.join(lost)} was overwritten by an update "
                    f"that landed after it")
    if others:
        said.append(f"{', '.join(others)}, which this call did not set, changed after it read "
                    f"the lead")
    values = "; ".join(f"{name} is now {_short(_field(now, name))}, written "
                       f"{_short(_field(written, name))}" for name in changed)
    kept = "" if lost else " This call's own change is in place."
    return (f"lead {lead_id} was changed by another writer while leads.update ran: "
            f"{'; and '.join(said)} ({values}).{kept} Nothing was retried: read the lead again "
            f"and re-apply what is missing")


def _compared(value: Any, name: str = "") -> str | None:
    text = scalar_text(value)
    text = text.strip() if text is not None else None
    if not text:
        return None
    return text.casefold() if name == "email" else text


def _custom_fields(record: Mapping[str, Any]) -> dict:
    value = record.get(CUSTOM_FIELDS)
    if isinstance(value, str):  # a server may send the object as JSON text
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, Mapping) else {}


def _field(record: Mapping[str, Any], name: str) -> Any:
    prefix = f"{CUSTOM_FIELDS}."
    if name.startswith(prefix):
        return _custom_fields(record).get(name[len(prefix):])
    return record.get(name)


def _was_set(name: str, change: Mapping[str, Any]) -> bool:
    """Did ``change`` (the ``fields`` of ``leads.update``) set this field? ``custom_fields: None``
    clears, so sets, every custom key."""
    prefix = f"{CUSTOM_FIELDS}."
    if not name.startswith(prefix):
        return name in change
    if CUSTOM_FIELDS not in change:
        return False
    custom = change[CUSTOM_FIELDS]
    return custom is None or name[len(prefix):] in custom


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def split_invalid_emails(leads: list[dict]) -> tuple[list[dict], list[dict]]:
    """Leads whose address passes the one email rule (frames.emails), and the others as
    ``{"position", "email", "reason"}``, so an invalid address never costs a request.

    >>> split_invalid_emails([{"email": "ana@example.com"}, {"email": "bo@x"}])[1]
    [{'position': 1, 'email': 'bo@x', 'reason': "invalid email 'bo@x': the domain 'x' has no dot"}]
    """
    texts = np.array([str(lead.get("email", "")).strip() for lead in leads], dtype=object)
    codes, reasons = check_emails(texts, np.ones(len(texts), dtype=bool))
    ok = [lead for lead, code in zip(leads, codes) if code == EMAIL_OK]
    bad = [{"position": i, "email": leads[i].get("email"), "reason": reasons[i]}
           for i in np.flatnonzero(codes != EMAIL_OK).tolist()]
    return ok, bad


def check_lead(lead: Mapping[str, Any], position: int, *, require_email: bool = True) -> dict[str, Any]:
    """Check one lead dict before it is sent; the error names its position and field."""
    if not isinstance(lead, Mapping):
        raise InputError(f"lead {position} must be a dict, got {type(lead).__name__}")
    unknown = [k for k in lead if k not in STANDARD_LEAD_FIELDS]
    if unknown:
        raise InputError(f"lead {position}: unknown field(s) {unknown}; SmartLead's fields are "
                         f"{list(STANDARD_LEAD_FIELDS[:-1])}; put anything else in custom_fields")
    email = lead.get("email")
    # Presence and type only: whether the text is an address is the one rule in
    # frames.emails, applied to the whole list by leads.add (split_invalid_emails).
    if require_email and (not isinstance(email, str) or not email.strip()):
        raise InputError(f"lead {position}: email is missing or not text ({email!r})")
    custom = lead.get("custom_fields")
    if custom is not None and not isinstance(custom, Mapping):
        raise InputError(f"lead {position}: custom_fields must be a dict, got {type(custom).__name__}")
    out = {k: v for k, v in lead.items() if v is not None}
    if isinstance(out.get("phone_number"), (int, float)) and not isinstance(out["phone_number"], bool):
        out["phone_number"] = str(to_int(out["phone_number"]))  # SmartLead wants a string
    return out
