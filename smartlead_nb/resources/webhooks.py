"""``client.webhooks``: a campaign's webhooks: list, create/update, delete, delivery summary
and retrigger of failed deliveries
(https://api.smartlead.ai/api-reference/campaigns/save-webhooks).

SmartLead's only working webhook route is per campaign (``/campaigns/{id}/webhooks``). Saving
has no idempotency (posting twice creates two hooks), so :meth:`WebhooksService.save` lists
first and updates the hook with the same URL. Deleting one needs no ``confirm=True``: it sends
no email and a hook is recreated with one call. To receive events in a notebook, see
:mod:`smartlead_nb.webhooks`.

>>> hook = client.webhooks.save(1001, "replies", receiver.url, ["EMAIL_REPLY"])   # doctest: +SKIP
>>> client.webhooks.frame(1001)                                                  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable
from urllib.parse import urlsplit

import pandas as pd

from .._suggest import close_match
from ..errors import InputError
from ._base import Service, check_id, inbox_time, list_rows, stamps_read_at

# The campaign-webhook event types: the seven live clients have seen, then those only
# SmartLead's docs list. The sandbox keeps the same tuple (a test pins them equal).
WEBHOOK_EVENT_TYPES = ("EMAIL_SENT", "EMAIL_OPEN", "EMAIL_LINK_CLICK", "EMAIL_REPLY",
                       "EMAIL_BOUNCE", "LEAD_UNSUBSCRIBED", "LEAD_CATEGORY_UPDATED",
                       "FIRST_EMAIL_SENT", "CAMPAIGN_STATUS_CHANGED", "UNTRACKED_REPLIES",
                       "MANUAL_STEP_REACHED")
# Names some of SmartLead's own pages still show, and what they mean.
_WRONG_NAMES = {"LEAD_REPLIED": "EMAIL_REPLY", "EMAIL_REPLIED": "EMAIL_REPLY",
                "EMAIL_OPENED": "EMAIL_OPEN", "EMAIL_CLICKED": "EMAIL_LINK_CLICK",
                "EMAIL_BOUNCED": "EMAIL_BOUNCE"}
WEBHOOK_COLUMNS = ["id", "name", "webhook_url", "email_campaign_id", "event_types",
                   "categories"]


def webhook_event_types(values: Any) -> list[str]:
    """Event types as SmartLead spells them; an unknown one is an ``InputError``.

    >>> webhook_event_types(["email_reply", "LEAD_CATEGORY_UPDATED"])
    ['EMAIL_REPLY', 'LEAD_CATEGORY_UPDATED']
    >>> webhook_event_types("EMAIL_REPLIED")
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: unknown webhook event type 'EMAIL_REPLIED' (did you mean 'EMAIL_REPLY'?); allowed: EMAIL_SENT, EMAIL_OPEN, EMAIL_LINK_CLICK, EMAIL_REPLY, EMAIL_BOUNCE, LEAD_UNSUBSCRIBED, LEAD_CATEGORY_UPDATED, FIRST_EMAIL_SENT, CAMPAIGN_STATUS_CHANGED, UNTRACKED_REPLIES, MANUAL_STEP_REACHED
    """
    given = [values] if isinstance(values, str) else list(values or [])
    if not given:
        raise InputError("event_types is empty: name at least one of "
                         + ", ".join(WEBHOOK_EVENT_TYPES))
    out = []
    for value in given:
        name = str(value).strip().upper()
        if name not in WEBHOOK_EVENT_TYPES:
            guess = _WRONG_NAMES.get(name) or close_match(name, WEBHOOK_EVENT_TYPES)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            raise InputError(f"unknown webhook event type {value!r}{hint}; allowed: "
                             + ", ".join(WEBHOOK_EVENT_TYPES))
        out.append(name)
    return list(dict.fromkeys(out))


def check_webhook_url(value: Any) -> str:
    """An absolute http(s) URL, or an ``InputError`` naming it.

    >>> check_webhook_url("ftp://example.com/x")
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: webhook_url must be an http:// or https:// URL with a host, got 'ftp://example.com/x'
    """
    text = str(value).strip() if isinstance(value, str) else ""
    split = urlsplit(text)
    if split.scheme.lower() not in ("http", "https") or not split.hostname:
        raise InputError(f"webhook_url must be an http:// or https:// URL with a host, got "
                         f"{value!r}")
    return text


def _categories(values: Any) -> list[str] | None:
    if values is None:
        return None
    given = [values] if isinstance(values, str) else list(values)
    if not given:   # SmartLead answers 400 "does not contain 1 required value(s)"
        raise InputError("categories is empty, which SmartLead refuses: leave categories out "
                         "(None) to get every category, or name the categories to keep")
    bad = [c for c in given if not isinstance(c, str) or not c.strip()]
    if bad:
        raise InputError(f"categories must be category names (non-empty text), got {bad[0]!r}")
    return [c.strip() for c in given]


class WebhooksService(Service):
    """A campaign's webhooks: ``list``, ``frame``, ``save``, ``delete``, ``summary``,
    ``retrigger_failed``."""

    def list(self, campaign_id: int) -> list[dict]:
        """``GET /campaigns/{id}/webhooks``: the campaign's hooks (a bare array).

        >>> client.webhooks.list(1001)[0]["event_types"]      # doctest: +SKIP
        ['EMAIL_REPLY']
        """
        cid = check_id(campaign_id, "campaign_id")
        body = self._api.call("GET", f"campaigns/{cid}/webhooks", subject=f"campaign {cid}",
                          shape=("data",))
        return list_rows(body, "data")

    @stamps_read_at
    def frame(self, campaign_id: int) -> pd.DataFrame:
        """The campaign's hooks, one row each: ``id``, ``name``, ``webhook_url``,
        ``email_campaign_id``, ``event_types`` and ``categories`` (lists).

        >>> client.webhooks.frame(1001)[["id", "webhook_url"]]     # doctest: +SKIP
        """
        rows = self.list(campaign_id)
        frame = pd.DataFrame(rows).reindex(columns=WEBHOOK_COLUMNS)
        for column in ("id", "email_campaign_id"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        return frame

    def save(self, campaign_id: int, name: str, webhook_url: str,
             event_types: Iterable[str] | str, *, categories: Iterable[str] | None = None,
             webhook_id: int | None = None) -> dict:
        """Create or update a hook (``POST /campaigns/{id}/webhooks``); returns SmartLead's
        answer (``id``, ``event_type_map``, ...).

        Without ``webhook_id`` the campaign's hooks are listed first and one with the same
        ``webhook_url`` is updated, so running a cell twice does not make two hooks.
        ``categories`` filters ``LEAD_CATEGORY_UPDATED`` by category name; ``None`` (the
        default) means every category (SmartLead refuses an empty list).

        >>> client.webhooks.save(1001, "nb replies", "https://hooks.example.eu/sl?token=...",
        ...                      ["EMAIL_REPLY", "LEAD_CATEGORY_UPDATED"])  # doctest: +SKIP
        {'ok': True, 'id': 704949, ...}
        """
        cid = check_id(campaign_id, "campaign_id")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"name must be non-empty text (it names the hook in SmartLead), "
                             f"got {name!r}")
        url = check_webhook_url(webhook_url)
        body: dict[str, Any] = {"id": None, "name": name.strip(), "webhook_url": url,
                                "event_types": webhook_event_types(event_types)}
        wanted = _categories(categories)
        if wanted is not None:
            body["categories"] = wanted
        if webhook_id is not None:
            body["id"] = check_id(webhook_id, "webhook_id")
        else:
            same = [h for h in self.list(cid) if h.get("webhook_url") == url]
            if same:
                body["id"] = check_id(same[0].get("id"), "the listed webhook's id")
        return self._api.call("POST", f"campaigns/{cid}/webhooks", json=body,
                          subject=f"campaign {cid}", shape=dict)

    def delete(self, campaign_id: int, webhook_id: int) -> dict:
        """``DELETE /campaigns/{id}/webhooks`` with ``{"id": webhook_id}`` in the body.

        >>> client.webhooks.delete(1001, 704949)           # doctest: +SKIP
        {'ok': True}
        """
        cid = check_id(campaign_id, "campaign_id")
        hook = check_id(webhook_id, "webhook_id")
        return self._api.call("DELETE", f"campaigns/{cid}/webhooks", json={"id": hook},
                          subject=f"webhook {hook} of campaign {cid}", shape=dict)

    def summary(self, campaign_id: int, from_time: Any, to_time: Any) -> dict:
        """``GET /campaigns/{id}/webhooks/summary``: deliveries between two times
        (``total_calls``, ``successful_calls``, ``failed_calls``, ``success_rate``).

        Times are datetimes, Timestamps or ISO text; naive ones are UTC.

        >>> client.webhooks.summary(1001, "2025-06-01", "2025-06-08")    # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        return self._api.call("GET", f"campaigns/{cid}/webhooks/summary",
                          params=_window(from_time, to_time), subject=f"campaign {cid}",
                          shape=dict)

    def retrigger_failed(self, campaign_id: int, from_time: Any, to_time: Any) -> dict:
        """``POST /campaigns/{id}/webhooks/retrigger-failed-events``: send the failed
        deliveries between two times again (``retriggered_count``, where SmartLead says).

        >>> client.webhooks.retrigger_failed(1001, "2025-06-01", "2025-06-08")  # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        return self._api.call("POST", f"campaigns/{cid}/webhooks/retrigger-failed-events",
                          json=_window(from_time, to_time), subject=f"campaign {cid}",
                          shape=dict)


def _window(from_time: Any, to_time: Any) -> dict[str, str]:
    """``{fromTime, toTime}``, both required, in order.

    >>> _window("2025-06-01", datetime(2025, 6, 2))
    {'fromTime': '2025-06-01T00:00:00.000Z', 'toTime': '2025-06-02T00:00:00.000Z'}
    """
    start, end = inbox_time(from_time, "from_time"), inbox_time(to_time, "to_time")
    if start > end:
        raise InputError(f"from_time {start} is after to_time {end}: give the earlier time "
                         "first")
    return {"fromTime": start, "toTime": end}
