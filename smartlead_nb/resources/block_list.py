"""``client.block_list``: the domain / global block list, addresses and domains SmartLead
never emails (https://api.smartlead.ai/api-reference/utilities/domain-block-list).

Lead imports skip what is on it (unless ``ignore_global_block_list`` is confirmed), so adding
is always safe; deleting an entry re-enables outreach to it and needs ``confirm=True``.

>>> block_entries(["ana@example.com", " example.org "])
['ana@example.com', 'example.org']
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Iterable, Iterator

import pandas as pd

from .._flat_names import moved
from ..errors import InputError
from ..frames.emails import email_problems
from ..frames.responses import columns_first, coerce_counts, tidy_frame
from ._base import Service, check_id, refuse_unconfirmed, stamps_read_at

GET_PATH = "leads/get-domain-block-list"
ADD_PATH = "leads/add-domain-block-list"
DELETE_PATH = "leads/delete-domain-block-list"
MAX_PAGE = 1000          # limit is 1-1000 on the get endpoint
# A bare domain (example.co.uk); addresses are checked by frames.emails.
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\Z")
COLUMNS = ["id", "email_or_domain", "source", "client_id", "created_at"]


def block_entries(entries: str | Iterable[str]) -> list[str]:
    """The entries to send, stripped; refuses (``InputError``) an empty or malformed one.

    >>> block_entries("blocked.example")
    ['blocked.example']
    >>> block_entries(["ok.example", ""])
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: block-list entry 2 of 2 is empty: give an email address (ana@example.com) or a domain (example.com); nothing was sent
    """
    values = [entries] if isinstance(entries, str) else list(entries)
    if not values:
        raise InputError("no block-list entries given: pass email addresses and/or domains, "
                         "e.g. ['ana@example.com', 'example.org']")
    out = []
    for n, value in enumerate(values, 1):
        where = f"block-list entry {n} of {len(values)}"
        if not isinstance(value, str):
            raise InputError(f"{where} is {value!r}: entries are text (an email address or a "
                             f"domain); nothing was sent")
        text = value.strip()
        if not text:
            raise InputError(f"{where} is empty: give an email address (ana@example.com) or a "
                             f"domain (example.com); nothing was sent")
        if "@" in text:     # an address: the toolkit's one email rule
            problem = email_problems(pd.Series([text]))[0]
            if problem:
                raise InputError(f"{where}: {problem}; nothing was sent")
        elif not _DOMAIN.match(text):
            raise InputError(f"{where} is {value!r}, neither an email address (ana@example.com) "
                             f"nor a domain (example.com); nothing was sent")
        out.append(text)
    return out


class BlockListService(Service):
    """The block list: ``iter``, ``list``, ``frame``, ``add``, ``delete``."""

    def __call__(self, *args: Any, **kwargs: Any) -> list[dict]:
        """The previous release's spelling of :meth:`list` (the client's ``block_list`` called
        like a function): forwards to it, with a warning."""
        warnings.warn(moved("block_list"), FutureWarning, stacklevel=2)
        return self.list(*args, **kwargs)

    def iter(self, *, search: str | None = None, client_id: int | None = None,
                        page_size: int = MAX_PAGE) -> Iterator[dict]:
        """Every entry of the block list, page by page (``GET /leads/get-domain-block-list``).

        Args:
            search: keep entries containing this text (``filter_email_or_domain``).
            client_id: only an agency client's entries (``filter_client_id``).
        """
        params: dict[str, Any] = {}
        if search:
            params["filter_email_or_domain"] = search
        if client_id is not None:
            params["filter_client_id"] = check_id(client_id, "client_id")
        for row in self._api.paginate(GET_PATH, params=params, page_size=page_size,
                                      max_page_size=MAX_PAGE, keys=()):
            yield coerce_counts(row)

    def list(self, **filters: Any) -> list[dict]:
        """:meth:`iter` as a list.

        >>> client.block_list.list(search="example.org")            # doctest: +SKIP
        [{'id': 7000003, 'email_or_domain': 'example.org', 'source': 'manual', ...}]
        """
        return list(self.iter(**filters))

    @stamps_read_at
    def frame(self, **filters: Any) -> pd.DataFrame:
        """One row per entry: ``id``, ``email_or_domain``, ``source``, ``client_id``,
        ``created_at`` (UTC).

        >>> client.block_list.frame().query("source == 'manual'")    # doctest: +SKIP
        """
        return columns_first(tidy_frame(self.list(**filters)), COLUMNS)

    def add(self, entries: str | Iterable[str], *, client_id: int | None = None) -> dict:
        """Put email addresses and/or domains on the block list (the whole account's, or one
        agency client's). Lead imports skip them from then on.

        Every entry is checked before anything is sent.

        >>> client.block_list.add(["ana@example.com", "competitor.example"])  # doctest: +SKIP
        {'ok': True, 'message': '2 entries added to block list'}
        """
        body: dict[str, Any] = {"domain_block_list": block_entries(entries)}
        if client_id is not None:
            body["client_id"] = check_id(client_id, "client_id")
        return self._api.call("POST", ADD_PATH, json=body, shape=dict)

    def delete(self, entry_id: int, *, confirm: bool = False) -> dict:
        """Remove one entry (by the ``id`` :meth:`list` shows). It re-enables outreach
        to that address or domain, so it needs ``confirm=True``.

        >>> client.block_list.delete(7000003, confirm=True)           # doctest: +SKIP
        {'ok': True}
        """
        eid = check_id(entry_id, "block-list entry id")
        refuse_unconfirmed("DELETE", DELETE_PATH, None, confirm, detail=f" (entry {eid})")
        return self._api.call("DELETE", DELETE_PATH, params={"id": eid},
                          subject=f"block-list entry {eid}", shape=dict)

