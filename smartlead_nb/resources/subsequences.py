"""``client.campaigns.subsequences``: subsequences of a campaign
(``POST /campaigns/create-subsequence``, ``POST /master-inbox/push-to-subsequence``;
https://api.smartlead.ai/api-reference/campaigns/create-subsequence).

A subsequence is a campaign with a parent (``parent_campaign_id``): set it up like any
campaign (sequences, accounts, schedule, start) and push leads of the parent into it. A pushed
lead keeps its thread: its message history, replies included, carries on in the subsequence.
That is what warm leads want. Moving leads to an unrelated campaign is ``client.leads.move``.

>>> sub = client.campaigns.subsequences.create(1001, "Warm replies")["id"]       # doctest: +SKIP
>>> client.campaigns.subsequences.push_leads(1001, sub, ["ana@example.eu"])      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import ApiFailure, InputError, UnexpectedResponse
from ..frames.responses import to_int
from ._base import Service, campaign_or_refuse, check_id, id_in_answer, leads_in_campaign

#: Days before a pushed lead's first email. SmartLead's docs say the unit is seconds; a live
#: run found days, and that 0 sent within minutes, so the default is 1.
DEFAULT_PUSH_DELAY_DAYS = 1


def subsequence_id(body: Any) -> int:
    """The new subsequence's id from any documented answer: ``subsequence_id``, ``id`` or
    ``data.id``.

    >>> subsequence_id({"success": True, "subsequence_id": 1002})
    1002
    >>> subsequence_id({"ok": True, "data": {"id": "1003"}})
    1003
    """
    found = id_in_answer(body, "subsequence_id", "id", "data.id")
    if found is not None:
        return found
    raise UnexpectedResponse(f"create-subsequence answered without an id ({body!r})",
                             body=body)


def push_succeeded(body: Any) -> bool:
    """Whether a push answer says it worked (errors come inside a 200: check the body).

    >>> push_succeeded({"ok": False, "message": "Invalid subsequence"}), push_succeeded(
    ...     {"success": True}), push_succeeded({"data": {"success": True}})
    (False, True, True)
    """
    if not isinstance(body, Mapping):
        return False
    data = body.get("data")
    return body.get("ok") is True or body.get("success") is True or (
        isinstance(data, Mapping) and data.get("success") is True)


def _delay_days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"delay_days must be a whole number of days >= 0, got {value!r}; "
                         f"nothing was sent")
    return value


class SubsequencesService(Service):
    """A campaign's subsequences: ``create``, ``push`` (one lead), ``push_leads``."""

    def _subsequence_or_refuse(self, subsequence_id: Any, parent_id: int | None = None) -> dict:
        sub = campaign_or_refuse(self._api, subsequence_id, "subsequence_id")
        parent = to_int(sub.get("parent_campaign_id"))
        if parent is None or (parent_id is not None and parent != parent_id):
            has = f"its parent is campaign {parent}" if parent else "it has no parent campaign"
            of = f" of campaign {parent_id}" if parent_id is not None else ""
            raise InputError(f"campaign {sub['id']} is not a subsequence{of} ({has}); make one "
                             f"with client.campaigns.subsequences.create("
                             f"{parent_id or 'parent_id'}). Nothing was sent.")
        return sub

    def create(self, parent_campaign_id: int, name: str | None = None, *,
               condition_events: Iterable[str] | None = None) -> dict:
        """Create a subsequence of a campaign: a DRAFTED campaign with that parent.

        Set it up like any campaign (sequences, email accounts, schedule), then push leads of
        the parent into it with :meth:`push_leads`. Returns ``{ok, id, name,
        parent_campaign_id}``.

        >>> client.campaigns.subsequences.create(1001, "Warm replies")      # doctest: +SKIP
        {'ok': True, 'id': 1002, 'name': 'Warm replies', 'parent_campaign_id': 1001}
        """
        parent = campaign_or_refuse(self._api, parent_campaign_id, "parent_campaign_id")
        body: dict[str, Any] = {"parent_campaign_id": parent["id"]}
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"name must be text, got {name!r}")
            body["subsequence_name"] = name
        if condition_events is not None:
            body["condition_events"] = [str(e) for e in condition_events]
        answer = self._api.call("POST", "campaigns/create-subsequence", json=body, shape=dict)
        return {"ok": True, "id": subsequence_id(answer), "name": answer.get("name", name),
                "parent_campaign_id": parent["id"]}

    def push(self, subsequence_id: int, email_lead_map_id: int, *,
             delay_days: int = DEFAULT_PUSH_DELAY_DAYS,
             stop_on_parent_reply: bool = False) -> dict:
        """Push one lead of the parent campaign (its ``campaign_lead_map_id``) into a
        subsequence; its first subsequence email waits ``delay_days`` days.

        The subsequence is checked first (it must exist and have a parent). SmartLead reports
        a failed push inside a 200 (``ok: false``): that raises :class:`ApiFailure`.

        >>> client.campaigns.subsequences.push(1002, 9000123, delay_days=1)   # doctest: +SKIP
        {'ok': True, 'message': 'Lead pushed to subsequence', 'data': {...}}
        """
        sub = self._subsequence_or_refuse(subsequence_id)
        map_id = check_id(email_lead_map_id, "email_lead_map_id")
        body = {"email_lead_map_id": map_id, "sub_sequence_id": sub["id"],
                "sub_sequence_delay_time": _delay_days(delay_days),
                "stop_lead_on_parent_campaign_reply": bool(stop_on_parent_reply)}
        answer = self._api.call("POST", "master-inbox/push-to-subsequence", json=body,
                            subject=f"lead map {map_id}", shape=dict)
        if not push_succeeded(answer):
            message = answer.get("message") or answer.get("error") or "no reason given"
            raise ApiFailure(f"push of lead map {map_id} to subsequence {sub['id']} failed: "
                             f"{message}", status=200, body=answer, method="POST",
                             url="master-inbox/push-to-subsequence")
        return answer

    def push_leads(self, campaign_id: int, subsequence_id: int, leads: Any, *,
                   delay_days: int = DEFAULT_PUSH_DELAY_DAYS,
                   stop_on_parent_reply: bool = False) -> pd.DataFrame:
        """Push leads of a campaign (emails or lead ids) into one of its subsequences,
        keeping their threads; one row per lead: ``email``, ``lead_id``,
        ``email_lead_map_id``, ``pushed``, ``will_start_at``, ``message``.

        Everything is checked before the first push: the subsequence belongs to the
        campaign and every lead is in it. A lead SmartLead refuses (already pushed) gets
        ``pushed=False`` and the reason; the others go on.

        >>> client.campaigns.subsequences.push_leads(1001, 1002, warm["lead_email"])  # doctest: +SKIP
        """
        parent = campaign_or_refuse(self._api, campaign_id, "campaign_id")
        sub = self._subsequence_or_refuse(subsequence_id, parent["id"])
        days = _delay_days(delay_days)
        rows = []
        for row in leads_in_campaign(self._api, parent["id"], leads):
            map_id = to_int(row.get("campaign_lead_map_id"))
            out = {"email": row["lead"].get("email"), "lead_id": to_int(row["lead"].get("id")),
                   "email_lead_map_id": map_id, "pushed": True, "will_start_at": None,
                   "message": None}
            try:
                answer = self.push(sub["id"], map_id, delay_days=days,
                                   stop_on_parent_reply=stop_on_parent_reply)
            except ApiFailure as exc:
                out.update(pushed=False, message=exc.message)
            else:
                data = answer.get("data") if isinstance(answer.get("data"), Mapping) else {}
                out.update(will_start_at=data.get("will_start_at"),
                           message=answer.get("message"))
            rows.append(out)
        frame = pd.DataFrame(rows)
        frame["will_start_at"] = pd.to_datetime(frame["will_start_at"], utc=True,
                                                errors="coerce", format="ISO8601")
        return frame.astype({"lead_id": "Int64", "email_lead_map_id": "Int64"})
