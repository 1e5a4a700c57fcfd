"""Which webhook events a clock advance produced, and the payloads SmartLead POSTs for them.

Pure functions: the rows come from the statistics model. An event happens at the time the
simulation recorded for it in ``sent_emails``: ``EMAIL_SENT`` at ``sent_time``; ``EMAIL_BOUNCE`` at ``sent_time`` too (the
simulation keeps no separate bounce time); ``EMAIL_OPEN`` at ``open_time`` (one event per
email, however many opens it counts); ``EMAIL_LINK_CLICK`` at ``click_time``; ``EMAIL_REPLY``
at ``reply_time``; ``LEAD_CATEGORY_UPDATED`` at ``reply_time`` when the reply was categorised;
``LEAD_UNSUBSCRIBED`` at ``unsubscribed_time``. An advance from ``start`` to ``end`` emits the
events in ``(start, end]``: the same interval the API reveals as the clock passes, so every
event is emitted exactly once however the clock is moved.

The other documented types (``FIRST_EMAIL_SENT``, ``CAMPAIGN_STATUS_CHANGED``,
``UNTRACKED_REPLIES``, ``MANUAL_STEP_REACHED``) are accepted on a webhook, as SmartLead does,
but the sandbox never emits them. Payload times use ``+00:00`` as live webhooks do (the
master inbox writes ``.000Z``); they come from the simulated clock.
"""
from __future__ import annotations

import json
import re

from ..analytics import models as analytics
from ..timeutil import parse_iso

# The campaign-webhook event types SmartLead accepts: the seven seen on live webhooks first,
# then those only its docs list. The client keeps the same tuple (tested equal).
EVENT_TYPES = ("EMAIL_SENT", "EMAIL_OPEN", "EMAIL_LINK_CLICK", "EMAIL_REPLY", "EMAIL_BOUNCE",
               "LEAD_UNSUBSCRIBED", "LEAD_CATEGORY_UPDATED", "FIRST_EMAIL_SENT",
               "CAMPAIGN_STATUS_CHANGED", "UNTRACKED_REPLIES", "MANUAL_STEP_REACHED")
DEFAULT_SECRET = "secretkey"      # what SmartLead's own test event carries
APP_URL = "https://app.smartlead.ai/app/master-inbox?leadMap={}"   # text in the payload only

# (event type, the sent_emails column with its time, the column that must be set too)
_EVENTS = [("EMAIL_SENT", "sent_time", None), ("EMAIL_BOUNCE", "sent_time", "is_bounced"),
           ("EMAIL_OPEN", "open_time", None), ("EMAIL_LINK_CLICK", "click_time", None),
           ("EMAIL_REPLY", "reply_time", None),
           ("LEAD_CATEGORY_UPDATED", "reply_time", "reply_category_id"),
           ("LEAD_UNSUBSCRIBED", "unsubscribed_time", None)]
_TAG = re.compile(r"<[^>]+>")
_ORDER = {kind: n for n, (kind, _, _) in enumerate(_EVENTS)}


def hook_wants(hook: dict, event_type: str, category: str | None) -> bool:
    """Does this webhook take this event? ``categories`` filters category updates only.

    >>> hook = {"event_types": ["LEAD_CATEGORY_UPDATED"], "categories": ["Interested"]}
    >>> hook_wants(hook, "LEAD_CATEGORY_UPDATED", "interested"), hook_wants(hook, "EMAIL_SENT", None)
    (True, False)
    """
    if event_type not in hook["event_types"]:
        return False
    wanted = hook.get("categories")
    if event_type != "LEAD_CATEGORY_UPDATED" or not wanted:
        return True
    return (category or "").lower() in {str(c).lower() for c in wanted}


def events_between(rows, start: str, end: str) -> list[tuple[str, str, dict]]:
    """``(event_type, time, send)`` for the events of these sends in ``(start, end]``, in time
    order (``start``/``end`` in the stored wire format; ``rows`` as
    ``analytics.models.sends_with_events`` reads them)."""
    found = []
    for row in rows:
        for kind, column, needs in _EVENTS:
            when = row[column]
            if when and start < when <= end and (needs is None or row[needs]):
                found.append((kind, when, dict(row)))
    found.sort(key=lambda e: (e[1], e[2]["id"], _ORDER[e[0]]))
    return found


def _t(text: str | None) -> str | None:
    """A stored time as live webhooks write it: ``2025-01-06T09:30:00+00:00``."""
    return parse_iso(text).isoformat(timespec="seconds") if text else None


def _message(sent_id: int, kind: str, when: str, subject, body, sender) -> dict:
    """``{message_id, html, text, time}`` with the ids the message history gives the email."""
    item = analytics.history_item(sent_id, kind, when, subject, body, sender)
    return {"message_id": item["message_id"], "html": item["email_body"],
            "text": _TAG.sub("", item["email_body"]), "time": _t(when)}


def sender_email(row: dict) -> str | None:
    """The sending mailbox's address (``from_email`` on every event, replies too)."""
    return json.loads(row["sender"]).get("from_email") if row.get("sender") else None


def _stats_id(sent_id: int, kind: str) -> str:
    return analytics.history_item(sent_id, kind, "", "", "", None)["stats_id"]


def payload(kind: str, when: str, row: dict, campaign: dict, hook: dict) -> dict:
    """The JSON object SmartLead POSTs for one event (the shapes live webhooks carry)."""
    from_email = sender_email(row)
    name = " ".join(p for p in (row["first_name"], row["last_name"]) if p) or None
    sent = _message(row["id"], "SENT", row["sent_time"], row["subject"], row["email_body"],
                    from_email)
    # One email's stats id, as its message history shows it (the SENT item): the
    # email_stats_id a reply to the thread needs.
    stats_id = _stats_id(row["id"], "SENT")
    out = {
        "event_type": kind, "event_timestamp": _t(when),
        "campaign_id": campaign["id"], "campaign_name": campaign["name"],
        "campaign_status": campaign["status"], "client_id": campaign["client_id"],
        "sl_email_lead_id": str(row["lead_id"]), "sl_email_lead_map_id": row["map_id"],
        "sl_lead_email": row["email"],
        "stats_id": stats_id, "from_email": from_email, "to_email": row["email"],
        "to_name": name, "subject": row["subject"], "message_id": sent["message_id"],
        "sequence_number": row["seq_number"],
        "app_url": APP_URL.format(row["map_id"]),
        "ui_master_inbox_link": APP_URL.format(row["map_id"]),
        "description": _DESCRIPTIONS[kind].format(lead=row["email"], step=row["seq_number"],
                                                  campaign=campaign["name"]),
        "metadata": {"webhook_created_at": hook["created_at"]},
        "secret_key": hook["secret_key"], "webhook_url": hook["webhook_url"],
        "webhook_id": hook["id"], "webhook_name": hook["name"],
    }
    out.update(_EXTRAS[kind](row, when, sent, name))
    return out


_DESCRIPTIONS = {
    "EMAIL_SENT": "Email {step} sent to {lead} for campaign - {campaign}",
    "EMAIL_BOUNCE": "Email {step} to {lead} bounced for campaign - {campaign}",
    "EMAIL_OPEN": "{lead} opened Email {step} for campaign - {campaign}",
    "EMAIL_LINK_CLICK": "{lead} clicked a link in Email {step} for campaign - {campaign}",
    "EMAIL_REPLY": "{lead} replied to Email {step} for campaign - {campaign}",
    "LEAD_CATEGORY_UPDATED": "{lead} was categorised for campaign - {campaign}",
    "LEAD_UNSUBSCRIBED": "{lead} unsubscribed from campaign - {campaign}",
}


def _sent_extras(row, when, sent, name) -> dict:
    return {"time_sent": _t(row["sent_time"]), "custom_subject": row["subject"],
            "custom_email_message": row["email_body"], "sent_message_body": row["email_body"],
            "sent_message": sent}


def _bounce_extras(row, when, sent, name) -> dict:
    return {"time_sent": _t(row["sent_time"]), "is_bounced": True,
            "is_sender_originated_bounce": False,
            "bounce_reply_message_id": f"<bounce-{row['id']}@mailer-daemon.example>",
            "bounce_reply_email": "mailer-daemon@mailer-daemon.example",
            "bounce_reply_email_preview": "Delivery to the recipient failed permanently.",
            "bounce_message": {"message_id": f"<bounce-{row['id']}@mailer-daemon.example>",
                               "html": "", "text": "Delivery failed", "time": _t(when)}}


def _reply_message(row, sent) -> dict:
    subject = "Re: " + (row["subject"] or "").removeprefix("Re: ")
    return _message(row["id"], "REPLY", row["reply_time"], subject,
                    analytics.REPLY_BODY, row["email"])


def _reply_extras(row, when, sent, name) -> dict:
    reply = _reply_message(row, sent)
    return {"time_replied": _t(when), "preview_text": reply["text"], "cc_emails": [],
            "sent_message": sent, "sent_message_body": row["email_body"],
            "reply_message": reply, "reply_body": reply["html"],
            "reply_category": row["reply_category_id"], "promptType": None,
            "leadCorrespondence": {"targetLeadEmail": row["email"],
                                   "replyReceivedFrom": row["email"],
                                   "repliedCompanyDomain": "SameCompany"}}


def _category_extras(row, when, sent, name) -> dict:
    reply = _reply_message(row, sent)
    lead_data = {key: row[key] for key in ("email", "first_name", "last_name", "phone_number",
                                           "company_name", "website", "location",
                                           "linkedin_profile", "company_url")}
    lead_data["custom_fields"] = json.loads(row["custom_fields"] or "{}")
    lead_data["category"] = {"name": row["category_name"], "sentiment_type": None}
    re_subject = "Re: " + (row["subject"] or "").removeprefix("Re: ")
    history = [{"stats_id": _stats_id(row["id"], kind), "type": kind,
                "message_id": m["message_id"], "time": m["time"], "email_body": m["html"],
                "subject": subject, "cc_emails": []}
               for kind, m, subject in (("SENT", sent, row["subject"]),
                                        ("REPLY", reply, re_subject))]
    last = {"message_id": reply["message_id"], "email_body": reply["html"],
            "time": reply["time"]}
    return {"lead_id": row["lead_id"], "lead_email": row["email"], "lead_name": name,
            "lead_data": lead_data, "category": row["category_name"],
            "lead_category_id": row["reply_category_id"],
            "lead_category": {"old_id": None, "old_name": None,
                              "new_id": row["reply_category_id"],
                              "new_name": row["category_name"]},
            # SmartLead's direction: "from" is the sending mailbox.
            "current_sequence": row["seq_number"], "from": sender_email(row),
            "to": row["email"],
            "history": history, "lastReply": last, "last_reply": last}


def _open_extras(row, when, sent, name) -> dict:
    return {"time_opened": _t(when), "sent_message": sent}


def _click_extras(row, when, sent, name) -> dict:
    link = "https://example.com/"     # the sandbox does not record which link was clicked
    return {"time_clicked": _t(when), "link_clicked": [link], "link_details": [link]}


def _unsubscribe_extras(row, when, sent, name) -> dict:
    return {"lead_email": row["email"], "lead_name": name, "unsubscribed_client_id_map": {}}


_EXTRAS = {"EMAIL_SENT": _sent_extras, "EMAIL_BOUNCE": _bounce_extras,
           "EMAIL_OPEN": _open_extras, "EMAIL_LINK_CLICK": _click_extras,
           "EMAIL_REPLY": _reply_extras, "LEAD_CATEGORY_UPDATED": _category_extras,
           "LEAD_UNSUBSCRIBED": _unsubscribe_extras}

