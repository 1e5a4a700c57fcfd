"""What every service needs: :class:`Api` (the one way a service reaches SmartLead, over the
transport), :class:`Service` (the base of every service), one generic paginator, the one check
that an answer has the shape the endpoint promises, the read-time stamp every frame the client
returns carries (:func:`stamps_read_at`), and the few reads more than one group needs (a
campaign's record, its lead rows, the lead categories, the sender accounts), so that no
service calls another."""

from __future__ import annotations

import functools
import threading
import typing
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterator, Mapping, TypeVar
from urllib.parse import urlsplit

from .._redact import redact_public_errors
from .._transport import Response, Transport
from ..errors import InputError, NotFoundError, UnexpectedResponse, refusal
from ..frames.emails import email_key
from ..frames.inbox import utc_timestamp
from ..frames.responses import coerce_counts, strip_secrets, to_int
from .confirm import needs_confirmation

# A shape an endpoint promises: a JSON object (dict), an array (list), or "rows", a tuple of
# keys: an array, or an object holding the array under one of those keys.
Shape = type | tuple[str, ...] | None


FrameMethod = TypeVar("FrameMethod", bound=Callable[..., Any])


def stamps_read_at(method: FrameMethod) -> FrameMethod:
    """Decorate a service method returning a DataFrame: the frame gets ``attrs["read_at"]``.

    ``read_at`` is when the read **started**, as a UTC ``pd.Timestamp``: the server's
    ``Date`` on the first answer of the read (SmartLead's clock; the sandbox's simulated
    one), else this machine's clock when the method was called. The start, not the end: a
    reply that arrives while later pages are read may be missing from pages already read,
    while everything up to the start is in the frame, so "as of ``read_at``" is what the
    frame can vouch for (``analysis.compare_variants`` judges as of it by default).

    ``attrs`` follow pandas' rules. Kept: selections (``[]``, ``loc``, ``query``), ``copy``,
    arithmetic, ``assign`` and new columns, sorting, ``drop_duplicates``,
    ``groupby(...).agg``/``.sum()``. Kept only when every frame has the same ``attrs``:
    ``merge``, ``join``, ``pd.concat``. Lost: ``groupby(...).size()``, ``value_counts``, a
    new DataFrame built from columns or records. tests/resources/test_read_at.py pins each.
    """
    @functools.wraps(method)
    def read(self: Service, *args: Any, **kwargs: Any) -> Any:
        import pandas as pd

        started = datetime.now(timezone.utc)
        waiting = self._api.reads_waiting()
        waiting.append(None)
        try:
            frame = method(self, *args, **kwargs)
        finally:
            server = waiting.pop()
        frame.attrs["read_at"] = pd.Timestamp(server or started)
        return frame

    read.stamps_read_at = True          # type: ignore[attr-defined]  # for the enumeration test
    return read  # type: ignore[return-value]


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """The ``Date`` header as an aware UTC datetime, or None when absent or unreadable.

    >>> server_time({"Date": "Mon, 06 Jan 2025 09:00:00 GMT"}).isoformat()
    '2025-01-06T09:00:00+00:00'
    >>> server_time({"Date": "yesterday"}) is None
    True
    """
    text = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not isinstance(text, str):
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:            # RFC 9110: an HTTP date is always GMT
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


class Api:
    """The one way a service reaches SmartLead: :meth:`call` sends one request through the
    transport and checks its answer; :meth:`paginate` reads an offset/limit list.

    One per client, shared by its services, so the read-time of a frame (see
    :func:`stamps_read_at`) is found whichever service's request answers first.
    """

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._reads = threading.local()

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             json: Any = None, check_ok: bool = True, subject: str | None = None,
             shape: Shape = None, expect: str = "json") -> Any:
        """Send one request and return its body, checked against ``shape``.

        A 404 is re-worded to name ``subject`` (e.g. "campaign 7"); a body of another shape
        (``shape=dict`` answered with a list, an object without the rows) is an
        :class:`~smartlead_nb.errors.UnexpectedResponse`, never an empty result.
        """
        try:
            response = self.transport.request(method, path, params=params, json=json,
                                              check_ok=check_ok, expect=expect)
        except NotFoundError as exc:
            if subject is None:
                raise
            error = NotFoundError(f"{subject} not found ({exc.message})", status=exc.status,
                                  body=exc.body, method=exc.method, url=exc.url,
                                  headers=exc.headers)
        else:
            self.note_server_time(response.headers)
            return check_shape(response, shape, method, self.route(path))
        raise error

    def send_bytes(self, method: str, path: str, body: bytes, *, shape: Shape = None) -> Any:
        """Send a body that is already serialised (a lead batch) and return the answer,
        checked against ``shape``."""
        response = self.transport.request(method, path, data=body)
        return check_shape(response, shape, method, self.route(path))

    def reads_waiting(self) -> list[datetime | None]:
        """This thread's reads in progress (innermost last), each waiting for its server time,
        the ``Date`` of the first answer it gets (see :func:`stamps_read_at`). Per thread, so
        an upload answered on another thread never dates this thread's read."""
        if not hasattr(self._reads, "waiting"):
            self._reads.waiting = []
        waiting: list[datetime | None] = self._reads.waiting
        return waiting

    def note_server_time(self, headers: Mapping[str, str]) -> None:
        """Give every read still waiting for its time the server's ``Date`` of this answer."""
        waiting = self.reads_waiting()
        if not waiting or all(t is not None for t in waiting):
            return
        when = server_time(headers)
        if when is not None:
            waiting[:] = [when if t is None else t for t in waiting]

    def route(self, path: str) -> str:
        """The URL path of ``path`` (``/api/v1/campaigns/7``): names an endpoint, no key."""
        return urlsplit(self.transport.url_for(path)).path

    def paginate(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int,
        max_page_size: int,
        keys: tuple[str, ...],
        limit: int | None = None,
    ) -> Iterator[Any]:
        """Yield every row of an offset/limit list, page by page.

        ``keys`` name where the rows are when a page is an object (``("data",)``). Stops when
        a page comes back shorter than asked or empty; SmartLead's ``total_*`` fields are
        strings and reflect filters, so they are not trusted for stopping.
        """
        if not 1 <= page_size <= max_page_size:
            raise InputError(f"page_size must be between 1 and {max_page_size}, got {page_size}")

        def fetch(offset: int, size: int) -> list:
            query = dict(params or {}, offset=offset, limit=size)
            return list_rows(self.call("GET", path, params=query, shape=keys), *keys)

        return iter_pages(fetch, page_size, limit)


class Service:
    """Base of every service: one SmartLead group's operations, reached through ``api``.

    Every public method of a service leaves its errors redacted (no key in any message,
    argument, chained cause or frame), as the client's own methods do.
    """

    def __init__(self, api: Api) -> None:
        self._api = api

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        redact_public_errors(cls)

    def __repr__(self) -> str:
        verbs = ", ".join(name for name in dir(type(self)) if not name.startswith("_"))
        return f"<{type(self).__name__}: {verbs}>"


def service_verbs(root: type, prefix: str = "") -> dict[str, Callable[..., Any]]:
    """``{"campaigns.create": function, ...}``: every public method of every service reachable
    from ``root`` (a client class, or a service class) through its cached service attributes,
    nested services included (``email_accounts.warmup.stats``).

    A service attribute is a ``functools.cached_property`` whose return annotation is a
    :class:`Service`; that annotation is also what an editor completes from.
    """
    out: dict[str, Callable[..., Any]] = {}
    for name, member in sorted(vars(root).items()):
        if name.startswith("_"):
            continue
        if isinstance(member, functools.cached_property):
            kind = typing.get_type_hints(member.func).get("return")
            if isinstance(kind, type) and issubclass(kind, Service):
                out.update(service_verbs(kind, f"{prefix}{name}."))
        elif prefix and callable(member) and not isinstance(member, type):
            out[f"{prefix}{name}"] = member
    return out


def iter_pages(fetch: Callable[[int, int], list], page_size: int,
               limit: int | None = None) -> Iterator[Any]:
    """Rows of an offset/limit list, whatever carries the offset (a query, a JSON body):
    ``fetch(offset, page_size)`` returns one page; stops on a short or empty page, or after
    ``limit`` rows (SmartLead's ``total_*`` strings reflect filters, so they are not trusted).

    >>> rows = list(range(45))
    >>> list(iter_pages(lambda offset, size: rows[offset:offset + size], 20)) == rows
    True
    """
    offset, seen = 0, 0
    while True:
        page = fetch(offset, page_size)
        for row in page:
            yield row
            seen += 1
            if limit is not None and seen >= limit:
                return
        if len(page) < page_size:
            return
        offset += page_size


def check_shape(response: Response, shape: Shape, method: str, route: str) -> Any:
    """``response.body`` if it has ``shape``, else an ``UnexpectedResponse`` naming the endpoint.

    >>> check_shape(Response(200, [1], {}), list, "GET", "campaigns/")
    [1]
    >>> check_shape(Response(200, {"data": []}, {}), ("data",), "GET", "x")
    {'data': []}
    """
    body = response.body
    if shape is None or _has_shape(body, shape):
        return body
    wanted = (f"a {'list' if shape is list else 'JSON object'}" if isinstance(shape, type)
              else f"a list (or an object with {' or '.join(repr(k) for k in shape)})")
    got = type(body).__name__ if body is not None else "nothing"
    keys = f" with keys {sorted(body)[:8]}" if isinstance(body, dict) else ""
    content_type = response.headers.get("Content-Type") or response.headers.get("content-type")
    raise UnexpectedResponse(
        f"{method} {route} answered {response.status} with a {got}{keys} where {wanted} is due "
        f"(Content-Type: {content_type or 'none'}); nothing was read from it. If this persists, "
        f"SmartLead may have changed this endpoint: the raw body is on the error's .body",
        status=response.status, body=body, method=method, url=route,
        headers=response.headers, content_type=content_type)


def _has_shape(body: Any, shape: Shape) -> bool:
    if isinstance(shape, type):
        return isinstance(body, shape)
    if isinstance(body, list):
        return True
    if not isinstance(body, dict):
        return False
    for key in shape:
        value = body.get(key)
        if isinstance(value, list) or (isinstance(value, dict) and _has_shape(value, shape)):
            return True
    return False


def check_id(value: Any, what: str) -> int:
    """Ids are positive integers; refuse anything else before building a URL with it."""
    if isinstance(value, bool):
        raise InputError(f"{what} must be a positive whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a positive whole number, got {value!r}") from None
    if number <= 0 or (isinstance(value, float) and not value.is_integer()):
        raise InputError(f"{what} must be a positive whole number, got {value!r}")
    return number


def list_rows(body: Any, *keys: str) -> list[Any]:
    """The rows of a list response: a bare array, or under one of ``keys``.

    Call it on a body checked with ``shape=keys`` (see :func:`check_shape`): an unchecked
    body of another shape gives ``[]`` here, which would hide an answer that is not a list.
    """
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for key in keys:
            value = body.get(key)
            if isinstance(value, list):
                return value
            if isinstance(value, dict):  # {ok, data: {campaign_wise_performance: [...]}}
                nested = list_rows(value, *keys)
                if nested:
                    return nested
    return []


def id_in_answer(body: Any, *places: str) -> int | None:
    """The first whole-number id found at ``places`` in a create/save answer, else None.

    SmartLead puts a new object's id in different places per endpoint and per docs version;
    ``"data.id"`` looks one level down. Text ids (``"9"``) are read as numbers.

    >>> id_in_answer({"ok": True, "data": {"id": "9"}}, "emailAccountId", "data.id", "id")
    9
    >>> id_in_answer({"ok": True}, "id") is None
    True
    """
    for place in places:
        value = body
        for key in place.split("."):
            value = value.get(key) if isinstance(value, Mapping) else None
        value = to_int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def refuse_unconfirmed(method: str, path: str, body: Any, confirm: bool,
                       how: str = "call again with confirm=True", detail: str = "") -> None:
    """An ``InputError`` when this call needs ``confirm=True`` (the one rule,
    :func:`~smartlead_nb.resources.confirm.needs_confirmation`) and did not get it."""
    reason = needs_confirmation(method, path, body)
    if reason and confirm is not True:
        raise InputError(refusal(f"{reason}{detail}", how))


# --- reads more than one group needs ------------------------------------------------------
def read_campaign(api: Api, campaign_id: Any, *, include_tags: bool = False) -> dict:
    """SmartLead's record of one campaign (``GET /campaigns/{id}``), counts as integers; a
    :class:`~smartlead_nb.errors.NotFoundError` naming the id if there is none."""
    cid = check_id(campaign_id, "campaign_id")
    body = api.call("GET", f"campaigns/{cid}", params={"include_tags": include_tags or None},
                    subject=f"campaign {cid}", shape=dict)
    return coerce_counts(body)


def campaign_or_refuse(api: Api, campaign_id: Any, what: str) -> dict:
    """The campaign, or an ``InputError`` naming the id (asked before any write is sent)."""
    cid = check_id(campaign_id, what)
    try:
        return read_campaign(api, cid)
    except NotFoundError:
        raise InputError(f"{what} {cid}: no such campaign in this account; nothing was "
                         f"sent (client.campaigns.frame() lists them)") from None


def campaign_lead_rows(api: Api, campaign_id: int, params: Mapping[str, Any] | None = None, *,
                       page_size: int = 100, limit: int | None = None) -> Iterator[dict]:
    """A campaign's lead rows (``GET /campaigns/{id}/leads``), page by page, counts as
    integers; the campaign is read first, for a clear "campaign N not found"."""
    cid = check_id(campaign_id, "campaign_id")
    read_campaign(api, cid)
    for row in api.paginate(f"campaigns/{cid}/leads", params=params, page_size=page_size,
                            max_page_size=100, keys=("data", "leads"), limit=limit):
        yield coerce_counts(row)


def lead_categories(api: Api) -> list[dict]:
    """The account's lead categories ``[{id, name, ...}]`` (``GET /leads/fetch-categories``);
    ids differ between accounts."""
    body = api.call("GET", "leads/fetch-categories", shape=("data",))
    return [coerce_counts(r) for r in list_rows(body, "data")]


def sender_accounts(api: Api, *, page_size: int = 100, **filters: Any) -> list[dict]:
    """Every sender account of the account (``GET /email-accounts/``), all pages of at most
    100, passwords removed from every record."""
    rows = api.paginate("email-accounts/", params=filters, page_size=page_size,
                        max_page_size=100, keys=("data", "email_accounts"))
    return [coerce_counts(strip_secrets(r)) for r in rows]


def as_list(values: Any) -> list:
    """One value or an iterable of them, as a list (a string is one value).

    >>> as_list(7), as_list("a@b.co"), as_list((1, 2))
    ([7], ['a@b.co'], [1, 2])
    """
    return [values] if isinstance(values, (int, str)) else list(values)


def leads_in_campaign(api: Api, campaign_id: int, leads: Any) -> list[dict]:
    """The campaign's lead rows for ``leads`` (emails or lead ids: one, a list, a Series, or
    a frame with a ``lead_id`` or ``email`` column), in the order given; any not in the
    campaign is refused, naming them, before anything is sent."""
    wanted = _lead_values(leads)
    rows = list(campaign_lead_rows(api, campaign_id))
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
                         f"leads (client.leads.frame({campaign_id})).")
    return found


def _lead_values(leads: Any) -> list:
    """Leads given as one email or id, a list, a Series, or a frame with ``email``/``lead_id``."""
    import pandas as pd

    if isinstance(leads, pd.DataFrame):
        column = "lead_id" if "lead_id" in leads.columns else "email"
        if column not in leads.columns:
            raise InputError("a frame of leads needs an 'email' or a 'lead_id' column")
        leads = leads[column]
    values = as_list(leads)
    if not values:
        raise InputError("no leads given; nothing was sent")
    return values


def as_date(value: str | date, what: str) -> date:
    """A date from a ``date``, a ``datetime`` or ISO text (``YYYY-MM-DD...``).

    >>> as_date("2025-06-01T10:00:00", "start")
    datetime.date(2025, 6, 1)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(f"{what} date {value!r} is not YYYY-MM-DD") from None


def day_range(start: str | date, end: str | date) -> tuple[date, date]:
    """``(start, end)`` as dates, refused when the end comes first."""
    first, last = as_date(start, "start"), as_date(end, "end")
    if last < first:
        raise InputError(f"end {last} is before start {first}: nothing was sent")
    return first, last


def inbox_time(value: Any, what: str) -> str:
    """A time in the wire format of the inbox filters, replies and webhook windows (UTC,
    milliseconds, ``Z``); naive = UTC.

    >>> inbox_time("2025-06-01", "since")
    '2025-06-01T00:00:00.000Z'
    """
    stamp = utc_timestamp(value, what)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
