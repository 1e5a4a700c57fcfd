"""The master inbox: replies across campaigns, page by page, and a replies table in bulk.

SmartLead's inbox views are ``POST /master-inbox/{view}`` with paging in the body (at most 20
rows a page, no total: read until a short page) and filters (more-sheet 1.1). The replies
table is built from those pages with ``fetch_message_history=true``, so N replied leads cost
about N/20 requests instead of one message-history request per lead.

>>> client.replies_frame([1001, 1002], since="2025-06-01", text=True)    # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import pandas as pd

from ..errors import InputError
from ..frames.inbox import utc_timestamp, inbox_frame, normalize_inbox_row, replies_frame
from ._base import Resource, check_id, iter_pages, list_rows

INBOX_VIEWS = ("inbox-replies", "unread-replies", "sent", "important", "snoozed", "scheduled",
               "reminders", "archived", "assigned-me", "views")
MAX_INBOX_PAGE = 20
MAX_CAMPAIGN_IDS = 5
MAX_ACCOUNT_IDS = {"unread-replies": 10}     # else 20 (FIX: Joi array().max(10) on unread)
DEFAULT_MAX_ACCOUNT_IDS = 20
MAX_CATEGORY_IDS = 10
MAX_SEARCH = 30
INBOX_EMAIL_STATUSES = ("Opened", "Clicked", "Replied", "Unsubscribed", "Bounced", "Accepted",
                        "Not Replied")
INBOX_SORTS = ("REPLY_TIME_DESC", "SENT_TIME_DESC")
ROW_KEYS = ("data", "messages")       # shape (a) rows, or shape (b) messages


def inbox_time(value: Any, what: str) -> str:
    """A time in the inbox filters' wire format (UTC, milliseconds, ``Z``); naive = UTC.

    >>> inbox_time("2025-06-01", "since")
    '2025-06-01T00:00:00.000Z'
    """
    stamp = utc_timestamp(value, what)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _ids(values: Any, what: str, most: int, hint: str) -> list[int] | None:
    """``None``, one id or an iterable of ids, checked, at most ``most`` of them."""
    if values is None:
        return None
    ids = [check_id(v, what) for v in _as_list(values)]
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
                     "replies_frame() takes any number and asks five at a time")
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


class InboxMixin(Resource):
    def iter_inbox(self, view: str = "inbox-replies", *, campaign_id: Any = None,
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
                up once through :meth:`lead_categories`); at most 10 each.
            categorised: True for threads with a category, False for those without.
            reply_time_between: ``(start, end)`` dates or times (naive = UTC).
            search: text in the lead's email, name or company (<= 30 characters).
            email_status: ``"Replied"``, ``"Opened"``, ... or a list of them.
            fetch_message_history: each row then carries ``history``, the thread's items in
                message-history's shape.

        Rows come in shape (a) (``email_lead_map_id``, ``lead_email``, ``last_reply_time``,
        ...), also when SmartLead answers in its other documented shape.

        >>> for row in client.iter_inbox(campaign_id=1001, categories=["Interested"]):  # doctest: +SKIP
        ...     print(row["lead_email"], row["last_reply_time"])
        """
        if sort_by not in INBOX_SORTS:
            raise InputError(f"unknown sort_by {sort_by!r}: use one of {', '.join(INBOX_SORTS)}")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or \
                not 1 <= page_size <= MAX_INBOX_PAGE:
            raise InputError(f"page_size must be between 1 and {MAX_INBOX_PAGE}, got "
                             f"{page_size!r}")
        # Names need the account's categories (ids differ per account): one lookup for both.
        known = self.lead_categories() if _has_names(categories) or \
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
            return list_rows(self._call("POST", f"master-inbox/{view}", params=params,
                                        json=body, shape=ROW_KEYS), *ROW_KEYS)

        for row in iter_pages(fetch, page_size, limit):
            yield normalize_inbox_row(row)

    def inbox(self, view: str = "inbox-replies", **filters: Any) -> list[dict]:
        """Every thread of a view (see :meth:`iter_inbox` for the filters)."""
        return list(self.iter_inbox(view, **filters))

    @Resource.stamps_read_at
    def inbox_frame(self, view: str = "inbox-replies", **filters: Any) -> pd.DataFrame:
        """:meth:`iter_inbox` as a DataFrame: one row per thread, times as UTC datetimes.

        >>> client.inbox_frame("unread-replies", campaign_id=[1001, 1002])  # doctest: +SKIP
        """
        return inbox_frame(self.iter_inbox(view, **filters))

    def inbox_thread(self, email_lead_map_id: int) -> dict:
        """``GET /master-inbox/{email_lead_map_id}`` passed through: the thread's ``data``.

        The id is an inbox row's ``email_lead_map_id`` (a lead's ``campaign_lead_map_id``).
        For the messages themselves, :meth:`message_history` is the documented source.

        >>> client.inbox_thread(9000270)["history"][-1]["type"]          # doctest: +SKIP
        'REPLY'
        """
        map_id = check_id(email_lead_map_id, "email_lead_map_id")
        body = self._call("GET", f"master-inbox/{map_id}", subject=f"inbox thread {map_id}",
                          shape=dict)
        data = body.get("data", body)
        return normalize_inbox_row(data) if isinstance(data, dict) else data

    @Resource.stamps_read_at
    def replies_frame(self, campaign_ids: Iterable[int] | int | None = None, *, since: Any = None,
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

        >>> replies = client.replies_frame([1001], since="2025-06-01", text=True)  # doctest: +SKIP
        >>> replies.groupby("category").size()                                   # doctest: +SKIP
        """
        known = self.lead_categories()
        names = {c.get("id"): c.get("name") for c in known}
        mailboxes = {a.get("id"): a.get("from_email") for a in self.list_email_accounts()}
        chosen = _category_ids(categories, known)
        for value, what in ((since, "since"), (until, "until")):
            if value is not None:
                inbox_time(value, what)          # refused here, before anything is sent
        # The API's filter needs both ends; with one, the frame below filters alone.
        window = (since, until) if since is not None and until is not None else None
        if campaign_ids is None:
            sweeps: list[list[int] | None] = [None]
        else:
            ids = list(dict.fromkeys(check_id(c, "campaign id") for c in _as_list(campaign_ids)))
            if not ids:
                raise InputError("campaign_ids is empty: pass campaign ids, or None for all "
                                 "campaigns")
            sweeps = [ids[i:i + MAX_CAMPAIGN_IDS] for i in range(0, len(ids), MAX_CAMPAIGN_IDS)]
        rows: list[dict] = []
        for sweep in sweeps:
            rows.extend(self.iter_inbox("inbox-replies", campaign_id=sweep, categories=chosen,
                                        reply_time_between=window,
                                        fetch_message_history=True))
        return replies_frame(rows, categories=names, mailboxes=mailboxes, text=text,
                             since=since, until=until)


def _as_list(values: Any) -> list:
    return [values] if isinstance(values, (int, str)) else list(values)


def _has_names(values: Any) -> bool:
    """Whether category filters name a category (rather than give its id)."""
    return values is not None and any(isinstance(v, str) and not v.strip().isdigit()
                                      for v in _as_list(values))


def _category_ids(values: Any, known: list[dict] | None) -> list[int] | None:
    """Category ids from ids or names; names through ``known`` (the account's categories)."""
    if values is None:
        return None
    ids = []
    for value in _as_list(values):
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
