"""``client.inbox``: the master inbox, replies across campaigns, page by page; a replies
table in bulk; and replying in a lead's thread.

SmartLead's inbox views are ``POST /master-inbox/{view}`` with paging in the body (at most 20
rows a page, no total: read until a short page) and filters
(https://api.smartlead.ai/api-reference/inbox/get-messages). The replies table is built from
those pages with ``fetch_message_history=true``, so N replied leads cost about N/20 requests
instead of one message-history request per lead.

Replying sends a real email from the mailbox that owns the thread, so it needs
``confirm=True`` (the rule is in :mod:`.confirm`, shared with ``request()``). SmartLead has no
idempotency key: a POST that timed out may still have sent the mail, so the transport re-sends
it only after a 429 (which means "not processed"), never after a 5xx, a timeout or a dropped
connection.

>>> client.inbox.replies([1001, 1002], since="2025-06-01", text=True)    # doctest: +SKIP
>>> client.inbox.reply_to_lead(1001, 500007, "<p>Tuesday 10:00 works.</p>", confirm=True)  # doctest: +SKIP
{'ok': True, 'campaign_id': 1001, 'email_stats_id': '2000014', 'answer': {...}}
"""

from __future__ import annotations

import builtins
import warnings
from typing import Any, Iterable, Iterator

import pandas as pd

from .._flat_names import moved
from ..endpoints import INBOX_VIEWS
from ..errors import InputError
from ..frames.inbox import inbox_frame, normalize_inbox_row, replies_frame
from ._base import (Service, as_list, check_id, inbox_time, iter_pages, lead_categories, list_rows,
                    refuse_unconfirmed, sender_accounts, stamps_read_at)
from .replies import reply_body

MAX_INBOX_PAGE = 20
MAX_CAMPAIGN_IDS = 5
MAX_ACCOUNT_IDS = {"unread-replies": 10}     # else 20: SmartLead refuses more than 10 on unread
DEFAULT_MAX_ACCOUNT_IDS = 20
MAX_CATEGORY_IDS = 10
MAX_SEARCH = 30
INBOX_EMAIL_STATUSES = ("Opened", "Clicked", "Replied", "Unsubscribed", "Bounced", "Accepted",
                        "Not Replied")
INBOX_SORTS = ("REPLY_TIME_DESC", "SENT_TIME_DESC")
ROW_KEYS = ("data", "messages")       # shape (a) rows, or shape (b) messages


def _ids(values: Any, what: str, most: int, hint: str) -> list[int] | None:
    """``None``, one id or an iterable of ids, checked, at most ``most`` of them."""
    if values is None:
        return None
    ids = [check_id(v, what) for v in as_list(values)]
    if len(ids) > most:
        raise InputError(f"{len(ids)} {what}s given, but this inbox filter takes at most "
                         f"{most}; {hint}")
    return ids


def inbox_filters(view: str = "inbox-replies", *, campaign_id: Any = None,
                  email_account_id: Any = None, category_ids: Iterable[int] | None = None,
                  exclude_category_ids: Iterable[int] | None = None,
                  categorised: bool | None = None, reply_time_between: Any = None,
                  search: str | None = None, email_status: Any = None) -> dict:
    """The ``filters`` object of an inbox request, refusing what SmartLead would (nothing sent).

    >>> inbox_filters(campaign_id=[7, 8], email_status="Replied",
    ...               reply_time_between=("2025-06-01", "2025-06-08"))
    {'emailStatus': 'Replied', 'campaignId': [7, 8], 'replyTimeBetween': ['2025-06-01T00:00:00.000Z', '2025-06-08T00:00:00.000Z']}
    """
    if view not in INBOX_VIEWS:
        raise InputError(f"unknown inbox view {view!r}: use one of {', '.join(INBOX_VIEWS)}")
    filters: dict[str, Any] = {}
    if search is not None:
        if not isinstance(search, str) or len(search) > MAX_SEARCH:
            raise InputError(f"search must be text of at most {MAX_SEARCH} characters, got "
                             f"{search!r}")
        filters["search"] = search
    categories: dict[str, Any] = {}
    for key, values in (("categoryIdsIn", category_ids), ("categoryIdsNotIn",
                                                          exclude_category_ids)):
        ids = _ids(values, "category id", MAX_CATEGORY_IDS, "filter on fewer categories")
        if ids:
            categories[key] = ids
    if categorised is not None:
        categories["isAssigned" if categorised else "unassigned"] = True
    if categories:
        filters["leadCategories"] = categories
    if email_status is not None:
        words = [email_status] if isinstance(email_status, str) else list(email_status)
        wrong = [w for w in words if w not in INBOX_EMAIL_STATUSES]
        if wrong:
            raise InputError(f"unknown inbox email_status {wrong[0]!r}: use one of "
                             f"{', '.join(INBOX_EMAIL_STATUSES)} (capitalised words here)")
        filters["emailStatus"] = email_status if isinstance(email_status, str) else words
    campaigns = _ids(campaign_id, "campaign id", MAX_CAMPAIGN_IDS,
                     "inbox.replies() takes any number and asks five at a time")
    if campaigns:
        filters["campaignId"] = campaigns
    most = MAX_ACCOUNT_IDS.get(view, DEFAULT_MAX_ACCOUNT_IDS)
    accounts = _ids(email_account_id, "email account id", most,
                    "split the accounts over several calls")
    if accounts:
        filters["emailAccountId"] = accounts
    if reply_time_between is not None:
        try:
            start, end = reply_time_between
        except (TypeError, ValueError):
            raise InputError(f"reply_time_between must be a pair (start, end), got "
                             f"{reply_time_between!r}") from None
        start, end = inbox_time(start, "reply_time_between start"), \
            inbox_time(end, "reply_time_between end")
        if end < start:
            raise InputError(f"reply_time_between ends ({end}) before it starts ({start})")
        filters["replyTimeBetween"] = [start, end]
    return filters


class InboxService(Service):
    """The master inbox: ``iter``, ``list``, ``frame`` (one view's threads), ``get`` (one
    thread), ``replies`` (every reply as a table), ``reply`` and ``reply_to_lead``."""

    def __call__(self, *args: Any, **kwargs: Any) -> list[dict]:
        """The previous release's spelling of :meth:`list` (the client's ``inbox`` called
        like a function): forwards to it, with a warning."""
        warnings.warn(moved("inbox"), FutureWarning, stacklevel=2)
        return self.list(*args, **kwargs)

    def iter(self, view: str = "inbox-replies", *, campaign_id: Any = None,
             email_account_id: Any = None, categories: Iterable[int | str] | None = None,
             exclude_categories: Iterable[int | str] | None = None,
             categorised: bool | None = None, reply_time_between: Any = None,
             search: str | None = None, email_status: Any = None,
             sort_by: str = "REPLY_TIME_DESC", fetch_message_history: bool = False,
             page_size: int = MAX_INBOX_PAGE, limit: int | None = None) -> Iterator[dict]:
        """Yield the threads of one master-inbox view, 20 a request, until a short page.

        Args:
            view: ``inbox-replies`` (default), ``unread-replies``, ``sent``, ``important``,
                ``snoozed``, ``scheduled``, ``reminders``, ``archived``, ``assigned-me``,
                ``views``.
            campaign_id: one id or up to 5; email_account_id: up to 20 (10 on unread).
            categories / exclude_categories: lead category ids or names (names are looked
                up once through the account's lead categories); at most 10 each.
            categorised: True for threads with a category, False for those without.
            reply_time_between: ``(start, end)`` dates or times (naive = UTC).
            search: text in the lead's email, name or company (<= 30 characters).
            email_status: ``"Replied"``, ``"Opened"``, ... or a list of them.
            fetch_message_history: each row then carries ``history``, the thread's items in
                message-history's shape.

        Rows come in shape (a) (``email_lead_map_id``, ``lead_email``, ``last_reply_time``,
        ...), also when SmartLead answers in its other documented shape.

        >>> for row in client.inbox.iter(campaign_id=1001, categories=["Interested"]):  # doctest: +SKIP
        ...     print(row["lead_email"], row["last_reply_time"])
        """
        if sort_by not in INBOX_SORTS:
            raise InputError(f"unknown sort_by {sort_by!r}: use one of {', '.join(INBOX_SORTS)}")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or \
                not 1 <= page_size <= MAX_INBOX_PAGE:
            raise InputError(f"page_size must be between 1 and {MAX_INBOX_PAGE}, got "
                             f"{page_size!r}")
        # Names need the account's categories (ids differ per account): one lookup for both.
        known = lead_categories(self._api) if _has_names(categories) or \
            _has_names(exclude_categories) else None
        filters = inbox_filters(
            view, campaign_id=campaign_id, email_account_id=email_account_id,
            category_ids=_category_ids(categories, known),
            exclude_category_ids=_category_ids(exclude_categories, known),
            categorised=categorised, reply_time_between=reply_time_between, search=search,
            email_status=email_status)
        params = {"fetch_message_history": "true"} if fetch_message_history else None

        def fetch(offset: int, size: int) -> list:   # the inbox pages through a JSON body
            body = {"offset": offset, "limit": size, "sortBy": sort_by}
            if filters:
                body["filters"] = filters
            return list_rows(self._api.call("POST", f"master-inbox/{view}", params=params,
                                            json=body, shape=ROW_KEYS), *ROW_KEYS)

        for row in iter_pages(fetch, page_size, limit):
            yield normalize_inbox_row(row)

    def list(self, view: str = "inbox-replies", **filters: Any) -> list[dict]:
        """Every thread of a view (see :meth:`iter` for the filters)."""
        return list(self.iter(view, **filters))

    @stamps_read_at
    def frame(self, view: str = "inbox-replies", **filters: Any) -> pd.DataFrame:
        """:meth:`iter` as a DataFrame: one row per thread, times as UTC datetimes.

        >>> client.inbox.frame("unread-replies", campaign_id=[1001, 1002])  # doctest: +SKIP
        """
        return inbox_frame(self.iter(view, **filters))

    def get(self, email_lead_map_id: int) -> dict:
        """``GET /master-inbox/{email_lead_map_id}`` passed through: the thread's ``data``.

        The id is an inbox row's ``email_lead_map_id`` (a lead's ``campaign_lead_map_id``).
        For the messages themselves, ``client.leads.message_history`` is the documented source.

        >>> client.inbox.get(9000270)["history"][-1]["type"]             # doctest: +SKIP
        'REPLY'
        """
        map_id = check_id(email_lead_map_id, "email_lead_map_id")
        body = self._api.call("GET", f"master-inbox/{map_id}",
                              subject=f"inbox thread {map_id}", shape=dict)
        data = body.get("data", body)
        return normalize_inbox_row(data) if isinstance(data, dict) else data

    @stamps_read_at
    def replies(self, campaign_ids: Iterable[int] | int | None = None, *, since: Any = None,
                until: Any = None, text: bool = False,
                categories: Iterable[int | str] | None = None) -> pd.DataFrame:
        """One row per reply across campaigns: lead, campaign, mailbox, time, category.

        Built in bulk from the inbox pages (``fetch_message_history=true``): about one
        request per 20 replied leads, plus one for the category names and one per 100
        sender accounts for the mailbox addresses. Campaigns are asked five at a time (the
        inbox's limit). ``since``/``until`` (inclusive; naive = UTC) filter on the reply
        time; ``categories`` keeps replies whose lead has one of those categories (ids or
        names); ``text=True`` adds ``subject``, ``reply_text`` (plain text), ``reply_html``
        and ``message_id``.

        >>> replies = client.inbox.replies([1001], since="2025-06-01", text=True)  # doctest: +SKIP
        >>> replies.groupby("category").size()                                   # doctest: +SKIP
        """
        known = lead_categories(self._api)
        names = {c.get("id"): c.get("name") for c in known}
        mailboxes = {a.get("id"): a.get("from_email") for a in sender_accounts(self._api)}
        chosen = _category_ids(categories, known)
        for value, what in ((since, "since"), (until, "until")):
            if value is not None:
                inbox_time(value, what)          # refused here, before anything is sent
        # The API's filter needs both ends; with one, the frame below filters alone.
        window = (since, until) if since is not None and until is not None else None
        if campaign_ids is None:
            sweeps: builtins.list[builtins.list[int] | None] = [None]
        else:
            ids = [*dict.fromkeys(check_id(c, "campaign id") for c in as_list(campaign_ids))]
            if not ids:
                raise InputError("campaign_ids is empty: pass campaign ids, or None for all "
                                 "campaigns")
            sweeps = [ids[i:i + MAX_CAMPAIGN_IDS] for i in range(0, len(ids), MAX_CAMPAIGN_IDS)]
        rows: builtins.list[dict] = []
        for sweep in sweeps:
            rows.extend(self.iter("inbox-replies", campaign_id=sweep, categories=chosen,
                                  reply_time_between=window, fetch_message_history=True))
        return replies_frame(rows, categories=names, mailboxes=mailboxes, text=text,
                             since=since, until=until)

    def reply(self, campaign_id: int, email_stats_id: str | int, email_body: str, *,
              reply_message_id: str | None = None, reply_email_time: Any = None,
              reply_email_body: str | None = None, to_email: str | None = None,
              to_first_name: str | None = None, to_last_name: str | None = None,
              cc: str | Iterable[str] | None = None, bcc: str | Iterable[str] | None = None,
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

        >>> client.inbox.reply(1001, "2000014", "<p>Tuesday works.</p>",  # doctest: +SKIP
        ...                    cc=["cfo@example.eu"], confirm=True)
        """
        cid = check_id(campaign_id, "campaign_id")
        body = reply_body(email_stats_id, email_body, reply_message_id=reply_message_id,
                          reply_email_time=reply_email_time, reply_email_body=reply_email_body,
                          to_email=to_email, to_first_name=to_first_name,
                          to_last_name=to_last_name, cc=cc, bcc=bcc,
                          add_signature=add_signature, scheduled_time=scheduled_time)
        refuse_unconfirmed("POST", f"campaigns/{cid}/reply-email-thread", body, confirm)
        answer = self._api.call("POST", f"campaigns/{cid}/reply-email-thread", json=body,
                                subject=f"campaign {cid}", expect="any")
        return {"ok": True, "campaign_id": cid, "email_stats_id": body["email_stats_id"],
                "answer": answer}

    def reply_to_lead(self, campaign_id: int, lead_id: int, email_body: str, *,
                      cc: str | Iterable[str] | None = None,
                      bcc: str | Iterable[str] | None = None,
                      add_signature: bool | None = None, confirm: bool = False) -> dict:
        """Answer a lead's latest reply in a campaign (one read of its message history, then
        :meth:`reply` with that reply's stats id, message id, time and body).

        A lead that has not replied is refused: there is no message to answer.

        >>> client.inbox.reply_to_lead(1001, 500007, "<p>Thanks!</p>", confirm=True)  # doctest: +SKIP
        """
        cid, lid = check_id(campaign_id, "campaign_id"), check_id(lead_id, "lead_id")
        # refused before reading anything
        refuse_unconfirmed("POST", f"campaigns/{cid}/reply-email-thread", None, confirm)
        history = self._api.call("GET", f"campaigns/{cid}/leads/{lid}/message-history",
                                 subject=f"lead {lid} in campaign {cid}",
                                 shape=("history", "data"))
        replies = [item for item in list_rows(history, "history", "data")
                   if str(item.get("type", "")).upper() == "REPLY"]
        if not replies:
            raise InputError(f"lead {lid} in campaign {cid} has not replied: there is no "
                             f"message to answer (no stats id). Nothing was sent.")
        last = max(replies, key=lambda item: str(item.get("time") or ""))
        return self.reply(
            cid, last.get("stats_id"), email_body, reply_message_id=last.get("message_id"),
            reply_email_time=last.get("time"), reply_email_body=last.get("email_body"),
            cc=cc, bcc=bcc, add_signature=add_signature, confirm=confirm)


def _has_names(values: Any) -> bool:
    """Whether category filters name a category (rather than give its id)."""
    return values is not None and any(isinstance(v, str) and not v.strip().isdigit()
                                      for v in as_list(values))


def _category_ids(values: Any, known: list[dict] | None) -> list[int] | None:
    """Category ids from ids or names; names through ``known`` (the account's categories)."""
    if values is None:
        return None
    ids = []
    for value in as_list(values):
        if isinstance(value, str) and not value.strip().isdigit():
            wanted = value.strip().lower()
            match = [c for c in known or [] if str(c.get("name", "")).strip().lower() == wanted]
            if not match:
                names = ", ".join(repr(c.get("name")) for c in known or [])
                raise InputError(f"no lead category named {value!r}; this account has {names}")
            ids.append(int(match[0]["id"]))
        else:
            ids.append(check_id(value, "category id"))
    return ids
