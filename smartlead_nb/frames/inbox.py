"""Master-inbox answers -> tidy records and DataFrames (pure, no HTTP).

SmartLead documents two shapes for the inbox list views (``POST /master-inbox/{view}``):
(a) flat rows ``{email_lead_map_id, email_lead_id, email_campaign_id, ..., last_reply_time}``
under ``data`` (what working clients read), and (b) nested ``messages``
``{campaign_lead_map_id, lead{...}, campaign{...}, email_account{...}, last_message{...},
category{...}, is_read}`` (the docs pages, e.g.
https://api.smartlead.ai/api-reference/inbox/get-messages).
:func:`normalize_inbox_row` turns either into (a); the frames below take (a) rows.

>>> row = normalize_inbox_row({"campaign_lead_map_id": "9", "lead": {"id": 5, "email": "a@x.io"},
...                            "campaign": {"id": 7, "name": "Q3"}, "is_read": False})
>>> row["email_lead_map_id"], row["email_campaign_name"], row["has_new_unread_email"]
(9, 'Q3', True)
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import InputError
from .tidy import coerce_counts, tidy_frame, to_int

# Where a row may carry its thread with fetch_message_history=true (the sandbox: "history",
# as in GET /master-inbox/{id} and message-history; other spellings tolerated).
HISTORY_KEYS = ("history", "email_history", "message_history")
INBOX_COLUMNS = ["email_lead_map_id", "email_lead_id", "email_campaign_id", "email_campaign_name",
                 "email_account_id", "lead_email", "lead_first_name", "lead_last_name",
                 "lead_status", "lead_category_id", "last_sent_time", "last_reply_time",
                 "has_new_unread_email"]
INBOX_TIMES = ("last_sent_time", "last_reply_time")
INBOX_IDS = ("email_lead_map_id", "email_lead_id", "email_campaign_id", "email_account_id",
             "lead_category_id")
INBOX_FLAGS = ("has_new_unread_email", "is_important", "is_archived", "is_snoozed")
REPLY_COLUMNS = ["reply_time", "campaign_id", "campaign_name", "lead_id", "lead_email",
                 "lead_first_name", "lead_last_name", "email_lead_map_id", "email_account_id",
                 "mailbox", "category_id", "category"]
TEXT_COLUMNS = ["subject", "reply_text", "reply_html", "message_id"]


def normalize_inbox_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One inbox row in shape (a), ids as integers, whichever documented shape it came in.

    >>> normalize_inbox_row({"email_lead_map_id": "12", "lead_email": "a@x.io"})
    {'email_lead_map_id': 12, 'lead_email': 'a@x.io'}
    """
    row = dict(row)
    if "email_lead_map_id" not in row and ("campaign_lead_map_id" in row or "lead" in row):
        row = _from_shape_b(row)
    history = next((row.pop(k) for k in HISTORY_KEYS if k in row), None)
    out = coerce_counts(row)
    for key in INBOX_IDS:
        if key in out:
            out[key] = to_int(out[key])
    if history is not None:
        out["history"] = list(history) if isinstance(history, list) else history
    return out


def _from_shape_b(row: dict) -> dict:
    """Shape (b) (only SmartLead's docs pages show it; no working client reads it) mapped
    onto shape (a)'s names."""
    def part(name: str) -> dict:
        value = row.get(name)
        return value if isinstance(value, dict) else {}
    lead, campaign, account = part("lead"), part("campaign"), part("email_account")
    last, category = part("last_message"), part("category")
    out = {
        "email_lead_map_id": row.get("campaign_lead_map_id", row.get("id")),
        "email_lead_id": lead.get("id"), "email_campaign_id": campaign.get("id"),
        "email_campaign_name": campaign.get("name"), "email_account_id": account.get("id"),
        "lead_email": lead.get("email"), "lead_first_name": lead.get("first_name"),
        "lead_last_name": lead.get("last_name"), "lead_status": lead.get("status"),
        "lead_category_id": category.get("id"),
        "last_reply_time": last.get("reply_time") or last.get("time"),
        "has_new_unread_email": (not row["is_read"]) if "is_read" in row else None,
    }
    for key in HISTORY_KEYS:
        if key in row:
            out[key] = row[key]
    return out


def inbox_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per inbox thread: ids Int64, times UTC datetimes, flags boolean.

    >>> frame = inbox_frame([{"email_lead_map_id": 9, "last_reply_time": "2025-06-04T10:15:00.000Z",
    ...                       "has_new_unread_email": True}])
    >>> str(frame["last_reply_time"].dtype), str(frame["email_lead_map_id"].dtype)
    ('datetime64[ms, UTC]', 'Int64')
    """
    frame = tidy_frame([normalize_inbox_row(r) for r in rows])
    # Every documented column, even where an answer lacks it: a notebook selects them next.
    frame = frame.reindex(columns=INBOX_COLUMNS + [c for c in frame.columns
                                                   if c not in INBOX_COLUMNS])
    for col in INBOX_TIMES:
        frame[col] = _utc(frame[col])
    for col in INBOX_IDS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    for col in INBOX_FLAGS:
        if col in frame.columns:
            frame[col] = frame[col].astype("boolean")
    return frame


def html_to_text(markup: str | None) -> str | None:
    """The readable text of an HTML email body: tags dropped, breaks kept, entities decoded.

    >>> html_to_text("<p>Thanks &amp; yes,<br>Tuesday works</p><p>Ana</p>")
    'Thanks & yes,\\nTuesday works\\nAna'
    """
    if markup is None:
        return None
    parser = _Text()
    parser.feed(str(markup))
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


class _Text(HTMLParser):
    _BREAKS = {"br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "h4"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(html.unescape(data))


def replies_frame(rows: Iterable[Mapping[str, Any]], *, categories: Mapping[int, str] | None = None,
                  mailboxes: Mapping[int, str] | None = None, text: bool = False,
                  since: Any = None, until: Any = None) -> pd.DataFrame:
    """One row per reply, from inbox rows (fetched with ``fetch_message_history=true``).

    Each REPLY item of a row's thread is a reply; a row without a thread (an API that ignored
    the flag) counts as one reply at its ``last_reply_time``. ``categories`` maps category ids
    to names, ``mailboxes`` sender account ids to addresses; ``since``/``until`` keep replies
    in that closed interval (naive times are UTC); ``text=True`` adds ``subject``,
    ``reply_text`` (plain), ``reply_html`` and ``message_id``. Newest first.

    >>> rows = [{"email_lead_map_id": 9, "email_lead_id": 5, "email_campaign_id": 7,
    ...          "lead_email": "a@x.io", "lead_category_id": 1, "email_account_id": 3,
    ...          "history": [{"type": "SENT", "time": "2025-06-02T09:00:00Z"},
    ...                      {"type": "REPLY", "time": "2025-06-03T10:00:00Z",
    ...                       "email_body": "<p>Yes please</p>"}]}]
    >>> frame = replies_frame(rows, categories={1: "Interested"}, text=True)
    >>> frame[["lead_email", "category", "reply_text"]].values.tolist()
    [['a@x.io', 'Interested', 'Yes please']]
    """
    # Keyed by the ids as rows carry them once read (to_int: "7" and 7 are one id).
    category_names: dict[Any, str] = {to_int(k): v for k, v in (categories or {}).items()}
    mailbox_names: dict[Any, str] = {to_int(k): v for k, v in (mailboxes or {}).items()}
    records = []
    for raw in rows:
        row = normalize_inbox_row(raw)
        base = {
            "campaign_id": row.get("email_campaign_id"),
            "campaign_name": row.get("email_campaign_name"),
            "lead_id": row.get("email_lead_id"), "lead_email": row.get("lead_email"),
            "lead_first_name": row.get("lead_first_name"),
            "lead_last_name": row.get("lead_last_name"),
            "email_lead_map_id": row.get("email_lead_map_id"),
            "email_account_id": row.get("email_account_id"),
            "mailbox": mailbox_names.get(row.get("email_account_id")),
            "category_id": row.get("lead_category_id"),
            "category": category_names.get(row.get("lead_category_id")),
        }
        history = row.get("history")
        if isinstance(history, list):
            items = [h for h in history if isinstance(h, Mapping)
                     and str(h.get("type", "")).upper() == "REPLY"]
        else:
            items = [{"time": row.get("last_reply_time")}] if row.get("last_reply_time") else []
        for item in items:
            record = dict(base, reply_time=item.get("time"))
            if text:
                body = item.get("email_body")
                record.update(subject=item.get("subject"), reply_text=html_to_text(body),
                              reply_html=body, message_id=item.get("message_id"))
            records.append(record)
    columns = REPLY_COLUMNS + (TEXT_COLUMNS if text else [])
    frame = pd.DataFrame(records, columns=columns)
    frame["reply_time"] = _utc(frame["reply_time"])
    for col in ("campaign_id", "lead_id", "email_lead_map_id", "email_account_id", "category_id"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    for col in columns:
        if col not in ("reply_time", "campaign_id", "lead_id", "email_lead_map_id",
                       "email_account_id", "category_id"):
            frame[col] = frame[col].astype("string")
    if since is not None:
        frame = frame[frame["reply_time"] >= utc_timestamp(since, "since")]
    if until is not None:
        frame = frame[frame["reply_time"] <= utc_timestamp(until, "until")]
    # A thread that moved between pages while they were read (a new reply) comes twice.
    frame = frame.drop_duplicates(subset=["email_lead_map_id", "reply_time"])
    return frame.sort_values(["reply_time", "email_lead_map_id"], ascending=False,
                             na_position="last", kind="stable").reset_index(drop=True)


def _utc(series: pd.Series) -> pd.Series:
    """UTC datetimes in milliseconds, the API's precision and tidy_frame's unit."""
    return pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601").dt.as_unit("ms")


def utc_timestamp(value: Any, what: str = "time") -> pd.Timestamp:
    """A UTC timestamp from a date, datetime, Timestamp or ISO text (naive = UTC).

    >>> utc_timestamp("2025-06-01")
    Timestamp('2025-06-01 00:00:00+0000', tz='UTC')
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be a date or time (e.g. '2025-06-01' or a datetime), "
                         f"got {value!r}: {exc}") from None
    if pd.isna(stamp):
        raise InputError(f"{what} must be a date or time, got {value!r}")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
