"""A campaign's general settings in plain words, mapped to SmartLead's enums.

>>> CampaignSettings(track_opens=False, stop_on="reply", follow_up_share=40).to_payload()
{'track_settings': ['DONT_TRACK_EMAIL_OPEN'], 'stop_lead_settings': 'REPLY_TO_AN_EMAIL', 'follow_up_percentage': 40}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ._suggest import refuse_unknown_keywords, unknown_names
from .errors import InputError

# What SmartLead accepts on POST /settings: the DONT_TRACK_* forms its older help-centre API
# documentation and its current page list
# (https://api.smartlead.ai/api-reference/campaigns/update-settings). Working clients found
# that POST takes only these, although reads give back the short form below.
TRACK_WRITE = {
    "opens": "DONT_TRACK_EMAIL_OPEN",
    "clicks": "DONT_TRACK_LINK_CLICK",
    "replies": "DONT_TRACK_REPLY_TO_AN_EMAIL",
}
# Reads come back in a short form.
TRACK_READ = {
    "DONT_EMAIL_OPEN": "opens", "DONT_TRACK_EMAIL_OPEN": "opens",
    "DONT_LINK_CLICK": "clicks", "DONT_TRACK_LINK_CLICK": "clicks",
    "DONT_REPLY_TO_AN_EMAIL": "replies", "DONT_TRACK_REPLY_TO_AN_EMAIL": "replies",
}
STOP_RULES = {
    "reply": "REPLY_TO_AN_EMAIL", "replies": "REPLY_TO_AN_EMAIL", "replied": "REPLY_TO_AN_EMAIL",
    "click": "CLICK_ON_A_LINK", "clicks": "CLICK_ON_A_LINK", "clicked": "CLICK_ON_A_LINK",
    "open": "OPEN_AN_EMAIL", "opens": "OPEN_AN_EMAIL", "opened": "OPEN_AN_EMAIL",
}
STOP_VALUES = ("REPLY_TO_AN_EMAIL", "CLICK_ON_A_LINK", "OPEN_AN_EMAIL")
# Newer settings (the newest docs page; types from the clients that send them): the plain
# name CampaignSettings takes -> SmartLead's field.
NEWER_FIELDS = {
    "pause_domain_on_reply": "auto_pause_domain_leads_on_reply",
    "ignore_mailbox_sending_limit": "ignore_ss_mailbox_sending_limit",
    "domain_rate_limit": "domain_level_rate_limit",
    "bounce_autopause_threshold": "bounce_autopause_threshold",
    "out_of_office": "out_of_office_detection_settings",
    "ai_categories": "ai_categorisation_options",
}
NEWER_FLAGS = ("auto_pause_domain_leads_on_reply", "ignore_ss_mailbox_sending_limit",
               "domain_level_rate_limit")
OUT_OF_OFFICE_FLAGS = ("ignoreOOOasReply", "autoCategorizeOOO", "autoReactivateOOO")
SETTINGS_KEYS = (
    "track_settings", "stop_lead_settings", "unsubscribe_text", "send_as_plain_text",
    "force_plain_text", "follow_up_percentage", "client_id", "enable_ai_esp_matching", "name",
    *NEWER_FIELDS.values(),
)


def check_newer_settings(body: Mapping[str, Any]) -> dict[str, Any]:
    """The newer settings in ``body`` (SmartLead's names), checked; others are ignored.

    ``bounce_autopause_threshold`` goes out as text ("10"), as SmartLead documents it.

    >>> check_newer_settings({"bounce_autopause_threshold": 10, "domain_level_rate_limit": True})
    {'domain_level_rate_limit': True, 'bounce_autopause_threshold': '10'}
    """
    out: dict[str, Any] = {}
    for key in NEWER_FLAGS:
        if key in body:
            if not isinstance(body[key], bool):
                raise InputError(f"{key} must be True or False, got {body[key]!r}")
            out[key] = body[key]
    if "bounce_autopause_threshold" in body:
        value = body["bounce_autopause_threshold"]
        text = str(value).strip() if isinstance(value, (int, str)) and \
            not isinstance(value, bool) else ""
        if value is not None and not text.isdigit():
            raise InputError(f"bounce_autopause_threshold must be a whole number (or None), "
                             f"got {value!r}")
        out["bounce_autopause_threshold"] = None if value is None else text
    if "out_of_office_detection_settings" in body:
        ooo = body["out_of_office_detection_settings"]
        if not isinstance(ooo, Mapping):
            raise InputError(f"out_of_office_detection_settings must be a dict such as "
                             f"{{'ignoreOOOasReply': False, 'autoReactivateOOO': True, "
                             f"'reactivateOOOwithDelay': 7}}, got {ooo!r}")
        bad = [k for k in OUT_OF_OFFICE_FLAGS if k in ooo and not isinstance(ooo[k], bool)]
        if bad:
            raise InputError(f"out_of_office_detection_settings[{bad[0]!r}] must be True or "
                             f"False, got {ooo[bad[0]]!r}")
        delay = ooo.get("reactivateOOOwithDelay")
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int)
                                  or delay < 0):
            raise InputError(f"out_of_office_detection_settings['reactivateOOOwithDelay'] is "
                             f"days, a whole number >= 0 (or None), got {delay!r}")
        out["out_of_office_detection_settings"] = dict(ooo)
    if "ai_categorisation_options" in body:
        options = body["ai_categorisation_options"]
        if isinstance(options, (str, int)) or not all(
                (isinstance(o, int) and not isinstance(o, bool)) or (isinstance(o, str) and o)
                for o in options):
            raise InputError(f"ai_categorisation_options must be a list of lead category ids "
                             f"(client.leads.categories.list() lists them), got {options!r}")
        out["ai_categorisation_options"] = list(options)
    return out


def stop_rule(value: str) -> str:
    """``"reply"`` -> ``"REPLY_TO_AN_EMAIL"``; SmartLead's own names pass through."""
    text = str(value).strip()
    if text.upper() in STOP_VALUES:
        return text.upper()
    try:
        return STOP_RULES[text.lower()]
    except KeyError:
        raise InputError(
            f"unknown stop rule {value!r}: use 'reply', 'click' or 'open' "
            f"(SmartLead: {', '.join(STOP_VALUES)})"
        ) from None


@refuse_unknown_keywords
@dataclass
class CampaignSettings:
    """Tracking, the stop rule and sending options. ``None`` means "leave as it is".

    Args:
        track_opens, track_clicks, track_replies: ``False`` turns that tracking off.
        stop_on: stop a lead's sequence when they "reply", "click" or "open".
        plain_text: send as plain text rather than HTML.
        follow_up_share: percent (0-100) of daily volume given to follow-ups.
        unsubscribe_text: the text placed by ``%unsubscribe-text%``; "" for none.
        ai_esp_matching: match leads to mailboxes of the same provider.
        pause_domain_on_reply: when one lead replies, pause the other leads of its domain.
        ignore_mailbox_sending_limit: ignore SmartSenders mailboxes' own sending limit.
        domain_rate_limit: SmartLead's domain-level rate limiting.
        bounce_autopause_threshold: bounces at which the campaign pauses itself.
        out_of_office: SmartLead's out-of-office detection object
            (``ignoreOOOasReply``, ``autoCategorizeOOO``, ``autoReactivateOOO``,
            ``reactivateOOOwithDelay``).
        ai_categories: lead category ids the AI may assign to replies.
    """

    track_opens: bool | None = None
    track_clicks: bool | None = None
    track_replies: bool | None = None
    stop_on: str | None = None
    plain_text: bool | None = None
    follow_up_share: int | None = None
    unsubscribe_text: str | None = None
    ai_esp_matching: bool | None = None
    client_id: int | None = None
    pause_domain_on_reply: bool | None = None
    ignore_mailbox_sending_limit: bool | None = None
    domain_rate_limit: bool | None = None
    bounce_autopause_threshold: int | str | None = None
    out_of_office: Mapping[str, Any] | None = None
    ai_categories: list[int] | None = None

    def _newer_payload(self) -> dict[str, Any]:
        """The newer settings that were set, in SmartLead's names, checked."""
        given = {api: getattr(self, name) for name, api in NEWER_FIELDS.items()
                 if getattr(self, name) is not None}
        return check_newer_settings(given)

    def __post_init__(self) -> None:
        self._newer_payload()       # refuses a bad value now, not when sending
        for name in ("track_opens", "track_clicks", "track_replies", "plain_text", "ai_esp_matching"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise InputError(f"{name} must be True or False, got {value!r}")
        if self.stop_on is not None:
            self.stop_on = stop_rule(self.stop_on)
        if self.follow_up_share is not None:
            share = self.follow_up_share
            if isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= 100:
                raise InputError(f"follow_up_share must be a whole percent 0-100, got {share!r}")

    def to_payload(self) -> dict[str, Any]:
        """The body for ``POST /campaigns/{id}/settings``: only what was set."""
        body: dict[str, Any] = {}
        tracking = {"opens": self.track_opens, "clicks": self.track_clicks,
                    "replies": self.track_replies}
        if any(v is not None for v in tracking.values()):
            # SmartLead takes the full list of what NOT to track; unset counts as tracked.
            body["track_settings"] = [TRACK_WRITE[k] for k, v in tracking.items() if v is False]
        if self.stop_on is not None:
            body["stop_lead_settings"] = self.stop_on
        if self.unsubscribe_text is not None:
            body["unsubscribe_text"] = self.unsubscribe_text
        if self.plain_text is not None:
            body["send_as_plain_text"] = self.plain_text
        if self.follow_up_share is not None:
            body["follow_up_percentage"] = self.follow_up_share
        if self.ai_esp_matching is not None:
            body["enable_ai_esp_matching"] = self.ai_esp_matching
        if self.client_id is not None:
            body["client_id"] = self.client_id
        body.update(self._newer_payload())
        return body

    def describe(self) -> str:
        """These settings in plain words, for a summary a non-coder reads.

        >>> CampaignSettings(track_opens=False, stop_on="reply").describe()
        "opens not tracked; a lead's emails stop when they reply"
        """
        parts = []
        off = [name for name, value in (("opens", self.track_opens), ("clicks", self.track_clicks),
                                        ("replies", self.track_replies)) if value is False]
        if off:
            parts.append(f"{' and '.join(off)} not tracked")
        stops = {"REPLY_TO_AN_EMAIL": "reply", "CLICK_ON_A_LINK": "click a link",
                 "OPEN_AN_EMAIL": "open an email"}
        if self.stop_on is not None:
            parts.append(f"a lead's emails stop when they {stops.get(self.stop_on, self.stop_on)}")
        if self.plain_text:
            parts.append("sent as plain text")
        if self.follow_up_share is not None:
            parts.append(f"follow-ups get at most {self.follow_up_share}% of each day's emails")
        return "; ".join(parts) or "SmartLead's defaults"

    @classmethod
    def from_campaign(cls, campaign: Mapping[str, Any]) -> "CampaignSettings":
        """Read the settings back from a campaign object (short track_settings forms mapped)."""
        raw = campaign.get("track_settings") or []
        if isinstance(raw, str):
            raw = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        off = {TRACK_READ.get(str(v).upper()) for v in raw}
        stop = campaign.get("stop_lead_settings")
        return cls(
            track_opens="opens" not in off,
            track_clicks="clicks" not in off,
            track_replies="replies" not in off,
            stop_on=stop if stop in STOP_VALUES else None,
            plain_text=campaign.get("send_as_plain_text"),
            follow_up_share=campaign.get("follow_up_percentage"),
            unsubscribe_text=campaign.get("unsubscribe_text"),
            ai_esp_matching=campaign.get("enable_ai_esp_matching"),
            **{name: campaign.get(api) for name, api in NEWER_FIELDS.items()
               if name != "ai_categories"},
            ai_categories=_category_ids(campaign.get("ai_categorisation_options")),
        )


def _category_ids(options: Any) -> list | None:
    """Read back, the AI categories may be ``[{"id": 6, "label": "Out Of Office"}]``."""
    if not isinstance(options, list):
        return None
    return [o.get("id") if isinstance(o, Mapping) else o for o in options]


def check_settings_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Check a hand-written settings body before sending it; returns a clean copy."""
    unknown = sorted(set(payload) - set(SETTINGS_KEYS))
    if unknown:
        raise InputError(unknown_names(unknown, SETTINGS_KEYS, "the settings body", "field"))
    body = dict(payload)
    if "track_settings" in body:
        values = body["track_settings"]
        if isinstance(values, str):
            values = [values]
        allowed = set(TRACK_WRITE.values())
        bad = [v for v in values if v not in allowed]
        if bad:
            raise InputError(f"track_settings value(s) {bad} not accepted; use {sorted(allowed)}")
        body["track_settings"] = list(values)
    if "stop_lead_settings" in body:
        body["stop_lead_settings"] = stop_rule(body["stop_lead_settings"])
    if "follow_up_percentage" in body:
        CampaignSettings(follow_up_share=body["follow_up_percentage"])
    body.update(check_newer_settings(body))
    return body
