"""Subsequences and moving leads between campaigns [more-sheet 5.5, 1.7, 5.3].

A subsequence is a campaign with a parent (``parent_campaign_id``): set it up like any
campaign (sequences, accounts, schedule, start) and push leads of the parent into it. A pushed
lead keeps its thread: its message history, replies included, carries on in the subsequence.
That is what warm leads want. Moving leads to an unrelated campaign has no endpoint; the
documented pattern is to add them there and pause them in the source, which
:meth:`SubsequencesMixin.move_leads` does, recording the source campaign on the lead.

>>> sub = client.create_subsequence(1001, "Warm replies")["id"]             # doctest: +SKIP
>>> client.push_leads_to_subsequence(1001, sub, ["ana@example.eu"])         # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import ApiFailure, InputError, NotFoundError, UnexpectedResponse
from ..frames.columns import CUSTOM_FIELDS, STANDARD_FIELDS
from ..frames.emails import email_key
from ..frames.leads import MAX_BATCH_SIZE
from ..frames.tidy import to_int
from ._base import Resource, check_id, id_in_answer
from .confirm import refuse_unless_draft

#: The custom field :meth:`SubsequencesMixin.move_leads` records the source campaign in.
MOVED_FROM_FIELD = "moved_from_campaign_id"
#: Days before a pushed lead's first email. The docs say the unit is seconds; a live audit
#: found days, and that 0 sent within minutes (more-sheet 1.7), so the default is 1.
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


def _as_values(leads: Any) -> list:
    """Leads given as one email or id, a list, a Series, or a frame with ``email``/``lead_id``."""
    if isinstance(leads, pd.DataFrame):
        column = "lead_id" if "lead_id" in leads.columns else "email"
        if column not in leads.columns:
            raise InputError("a frame of leads needs an 'email' or a 'lead_id' column")
        leads = leads[column]
    if isinstance(leads, (str, int)):
        leads = [leads]
    values = list(leads)
    if not values:
        raise InputError("no leads given; nothing was sent")
    return values


class SubsequencesMixin(Resource):
    def _campaign_or_refuse(self, campaign_id: Any, what: str) -> dict:
        """The campaign, or an InputError naming the id (asked before any write is sent)."""
        cid = check_id(campaign_id, what)
        try:
            return self.get_campaign(cid)
        except NotFoundError:
            raise InputError(f"{what} {cid}: no such campaign in this account; nothing was "
                             f"sent (client.campaigns_frame() lists them)") from None

    def _subsequence_or_refuse(self, subsequence_id: Any, parent_id: int | None = None) -> dict:
        sub = self._campaign_or_refuse(subsequence_id, "subsequence_id")
        parent = to_int(sub.get("parent_campaign_id"))
        if parent is None or (parent_id is not None and parent != parent_id):
            has = f"its parent is campaign {parent}" if parent else "it has no parent campaign"
            of = f" of campaign {parent_id}" if parent_id is not None else ""
            raise InputError(f"campaign {sub['id']} is not a subsequence{of} ({has}); make one "
                             f"with client.create_subsequence({parent_id or 'parent_id'}). "
                             f"Nothing was sent.")
        return sub

    def _leads_in(self, campaign_id: int, leads: Any) -> list[dict]:
        """The campaign's lead rows for ``leads`` (emails or lead ids), in the order given;
        any not in the campaign is refused, naming them, before anything is sent."""
        wanted = _as_values(leads)
        rows = list(self.iter_campaign_leads(campaign_id))
        by_email = {email_key(str(r["lead"].get("email", ""))): r for r in rows}
        by_id = {to_int(r["lead"].get("id")): r for r in rows}
        found, missing = [], []
        for value in wanted:
            row = by_email.get(email_key(value)) if isinstance(value, str) and "@" in value \
                else by_id.get(to_int(value))
            (found.append(row) if row is not None else missing.append(value))
        if missing:
            shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise InputError(f"{len(missing)} of the leads given ({shown}) are not in campaign "
                             f"{campaign_id}; nothing was sent. Pass emails or lead ids of its "
                             f"leads (client.campaign_leads_frame({campaign_id})).")
        return found

    def create_subsequence(self, parent_campaign_id: int, name: str | None = None, *,
                           condition_events: Iterable[str] | None = None) -> dict:
        """Create a subsequence of a campaign: a DRAFTED campaign with that parent.

        Set it up like any campaign (sequences, email accounts, schedule), then push leads of
        the parent into it with :meth:`push_leads_to_subsequence`. Returns ``{ok, id, name,
        parent_campaign_id}``.

        >>> client.create_subsequence(1001, "Warm replies")      # doctest: +SKIP
        {'ok': True, 'id': 1002, 'name': 'Warm replies', 'parent_campaign_id': 1001}
        """
        parent = self._campaign_or_refuse(parent_campaign_id, "parent_campaign_id")
        body: dict[str, Any] = {"parent_campaign_id": parent["id"]}
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"name must be text, got {name!r}")
            body["subsequence_name"] = name
        if condition_events is not None:
            body["condition_events"] = [str(e) for e in condition_events]
        answer = self._call("POST", "campaigns/create-subsequence", json=body, shape=dict)
        return {"ok": True, "id": subsequence_id(answer), "name": answer.get("name", name),
                "parent_campaign_id": parent["id"]}

    def push_to_subsequence(self, subsequence_id: int, email_lead_map_id: int, *,
                            delay_days: int = DEFAULT_PUSH_DELAY_DAYS,
                            stop_on_parent_reply: bool = False) -> dict:
        """Push one lead of the parent campaign (its ``campaign_lead_map_id``) into a
        subsequence; its first subsequence email waits ``delay_days`` days.

        The subsequence is checked first (it must exist and have a parent). SmartLead reports
        a failed push inside a 200 (``ok: false``): that raises :class:`ApiFailure`.

        >>> client.push_to_subsequence(1002, 9000123, delay_days=1)   # doctest: +SKIP
        {'ok': True, 'message': 'Lead pushed to subsequence', 'data': {...}}
        """
        sub = self._subsequence_or_refuse(subsequence_id)
        map_id = check_id(email_lead_map_id, "email_lead_map_id")
        body = {"email_lead_map_id": map_id, "sub_sequence_id": sub["id"],
                "sub_sequence_delay_time": _delay_days(delay_days),
                "stop_lead_on_parent_campaign_reply": bool(stop_on_parent_reply)}
        answer = self._call("POST", "master-inbox/push-to-subsequence", json=body,
                            subject=f"lead map {map_id}", shape=dict)
        if not push_succeeded(answer):
            message = answer.get("message") or answer.get("error") or "no reason given"
            raise ApiFailure(f"push of lead map {map_id} to subsequence {sub['id']} failed: "
                             f"{message}", status=200, body=answer, method="POST",
                             url="master-inbox/push-to-subsequence")
        return answer

    def push_leads_to_subsequence(self, campaign_id: int, subsequence_id: int, leads: Any, *,
                                  delay_days: int = DEFAULT_PUSH_DELAY_DAYS,
                                  stop_on_parent_reply: bool = False) -> pd.DataFrame:
        """Push leads of a campaign (emails or lead ids) into one of its subsequences,
        keeping their threads; one row per lead: ``email``, ``lead_id``,
        ``email_lead_map_id``, ``pushed``, ``will_start_at``, ``message``.

        Everything is checked before the first push: the subsequence belongs to the
        campaign and every lead is in it. A lead SmartLead refuses (already pushed) gets
        ``pushed=False`` and the reason; the others go on.

        >>> client.push_leads_to_subsequence(1001, 1002, warm["lead_email"])  # doctest: +SKIP
        """
        parent = self._campaign_or_refuse(campaign_id, "campaign_id")
        sub = self._subsequence_or_refuse(subsequence_id, parent["id"])
        days = _delay_days(delay_days)
        rows = []
        for row in self._leads_in(parent["id"], leads):
            map_id = to_int(row.get("campaign_lead_map_id"))
            out = {"email": row["lead"].get("email"), "lead_id": to_int(row["lead"].get("id")),
                   "email_lead_map_id": map_id, "pushed": True, "will_start_at": None,
                   "message": None}
            try:
                answer = self.push_to_subsequence(sub["id"], map_id, delay_days=days,
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

    def move_leads(self, source_campaign_id: int, target_campaign_id: int, leads: Any, *,
                   record_source: bool = True, confirm: bool = False) -> pd.DataFrame:
        """Move leads (emails or lead ids) to another campaign: add them there, with their
        whole record, then pause them in the source (SmartLead has no move endpoint; this is
        the documented pattern, more-sheet 5.3).

        Pausing, not deleting, keeps their thread and statistics in the source campaign.
        With ``record_source`` the lead gets the custom field ``moved_from_campaign_id``
        (account-wide, as every lead field). For a campaign's own follow-up, a subsequence
        (:meth:`push_leads_to_subsequence`) keeps the thread going instead. A target that is
        no longer DRAFTED emails the leads it is given, so it needs ``confirm=True`` (as
        :meth:`add_leads` does).

        Returns one row per lead: ``email``, ``lead_id``, ``source_campaign_id``,
        ``target_campaign_id``, ``in_target``, ``source_status`` (``PAUSED``, or the status
        that already sends nothing more: ``COMPLETED``, ``STOPPED``, ...). A lead that did
        not reach the target is not paused.

        >>> client.move_leads(1001, 1005, ["ana@example.eu"])     # doctest: +SKIP
        """
        source = self._campaign_or_refuse(source_campaign_id, "source_campaign_id")
        target = self._campaign_or_refuse(target_campaign_id, "target_campaign_id")
        if source["id"] == target["id"]:
            raise InputError(f"source and target are both campaign {source['id']}; nothing "
                             f"to move")
        refuse_unless_draft(target, confirm, "call move_leads again with confirm=True")
        rows = self._leads_in(source["id"], leads)
        records = []
        for row in rows:
            lead = row["lead"]
            record = {k: lead[k] for k in STANDARD_FIELDS if lead.get(k) not in (None, "")}
            custom = dict(lead.get(CUSTOM_FIELDS) or {})
            if record_source:
                custom[MOVED_FROM_FIELD] = str(source["id"])
            record[CUSTOM_FIELDS] = custom
            records.append(record)
        for start in range(0, len(records), MAX_BATCH_SIZE):
            # The whole record goes: a re-add overwrites the lead's fields account-wide.
            self.add_leads(target["id"], records[start:start + MAX_BATCH_SIZE],
                           ignore_duplicate_leads_in_other_campaign=True, confirm=True)
        in_target = {to_int(r["lead"].get("id")) for r in self.iter_campaign_leads(target["id"])}
        out = []
        for row in rows:
            lid = to_int(row["lead"].get("id"))
            status = row.get("status")
            if lid in in_target and status in ("STARTED", "INPROGRESS"):
                self.pause_lead(source["id"], lid)   # only once it is safely in the target
                status = "PAUSED"
            out.append({"email": row["lead"].get("email"), "lead_id": lid,
                        "source_campaign_id": source["id"], "target_campaign_id": target["id"],
                        "in_target": lid in in_target, "source_status": status})
        return pd.DataFrame(out).astype({"lead_id": "Int64"})
