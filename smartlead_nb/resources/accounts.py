"""Email accounts: the mailboxes a campaign sends from. Passwords never leave the client."""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..errors import InputError
from ..frames.email_accounts import email_accounts_frame
from ..frames.tidy import coerce_counts, strip_secrets
from ._base import Resource, check_id, list_rows
from .confirm import needs_confirmation, refusal


class EmailAccountsMixin(Resource):
    def list_email_accounts(self, *, page_size: int = 100, **filters: Any) -> list[dict]:
        """Every sender account of the account, all pages (SmartLead serves 100 at a time).

        ``filters`` are passed as query parameters (for example ``isSmtpSuccess=True``).
        Mailbox passwords are removed from every record.
        """
        rows = self._paginate("email-accounts/", params=filters, page_size=page_size,
                              max_page_size=100, keys=("data", "email_accounts"))
        return [coerce_counts(strip_secrets(r)) for r in rows]

    @Resource.stamps_read_at
    def email_accounts_frame(self, **filters: Any) -> pd.DataFrame:
        """:meth:`list_email_accounts` as a DataFrame with health columns first."""
        return email_accounts_frame(self.list_email_accounts(**filters))

    def campaign_email_accounts(self, campaign_id: int) -> list[dict]:
        """The accounts a campaign rotates through."""
        cid = check_id(campaign_id, "campaign_id")
        body = self._call("GET", f"campaigns/{cid}/email-accounts", subject=f"campaign {cid}",
                          shape=("data",))
        return [coerce_counts(strip_secrets(r)) for r in list_rows(body, "data")]

    @Resource.stamps_read_at
    def campaign_email_accounts_frame(self, campaign_id: int) -> pd.DataFrame:
        return email_accounts_frame(self.campaign_email_accounts(campaign_id))

    def add_email_accounts(self, campaign_id: int, email_account_ids: Iterable[int]) -> dict:
        """Attach sender accounts (by id) to a campaign."""
        cid = check_id(campaign_id, "campaign_id")
        ids = _ids(email_account_ids)
        return self._call("POST", f"campaigns/{cid}/email-accounts",
                          json={"email_account_ids": ids}, subject=f"campaign {cid}",
                          shape=dict)

    def remove_email_accounts(self, campaign_id: int, email_account_ids: Iterable[int], *,
                              confirm: bool = False) -> dict:
        """Detach sender accounts from a campaign (their leads move to the remaining ones).

        It changes who sends a running campaign's email, so it needs ``confirm=True``.

        >>> client.remove_email_accounts(7, [3002], confirm=True)   # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        ids = _ids(email_account_ids)
        reason = needs_confirmation("DELETE", f"campaigns/{cid}/email-accounts")
        if reason and confirm is not True:
            raise InputError(refusal(reason))
        # SmartLead takes a DELETE with a JSON body here.
        return self._call("DELETE", f"campaigns/{cid}/email-accounts",
                          json={"email_account_ids": ids}, subject=f"campaign {cid}",
                          shape=dict)


def _ids(values: Iterable[int]) -> list[int]:
    if isinstance(values, (int, str)):
        values = [values]  # type: ignore[list-item]
    ids = [check_id(v, "email account id") for v in values]
    if not ids:
        raise InputError("no email account ids given")
    return ids
