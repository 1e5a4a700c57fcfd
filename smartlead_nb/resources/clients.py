"""``client.clients``: agency clients (sub-accounts), and their API keys (``.api_keys``).

A client's API key is a live credential: every key that comes back (from creating a client or
a key, from resetting one, or from the key list) is registered for redaction the moment its
answer is parsed (``errors.parse_body``), before any error or log line could quote it, and is
wrapped in the same :class:`~smartlead_nb._transport.Secret` as the account key, so it is
never shown in a repr or a frame; ``.reveal()`` gives the text when you really need it.
Passwords are dropped. Resetting or deleting a key cannot be undone: ``confirm=True``.

>>> record = protect_credentials({"id": 5, "api_key": "sandbox_cl_0123456789abcdef",
...                               "password": "hunter2"})
>>> record
{'id': 5, 'api_key': Secret('********')}
>>> record["api_key"].reveal()
'sandbox_cl_0123456789abcdef'
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Iterable

import pandas as pd

from .._redact import register_secret
from .._transport import Secret
from ..errors import InputError
from ..frames.emails import email_problems
from ..frames.responses import columns_first, coerce_counts, strip_secrets, tidy_frame
from ._base import (Service, check_id, id_in_answer, list_rows, refuse_unconfirmed,
                    stamps_read_at)

# Fields whose value is a credential to wrap, wherever they appear in an answer.
KEY_FIELDS = frozenset({"api_key", "apiKey"})
KEY_STATUSES = ("ACTIVE", "INACTIVE")
CLIENT_COLUMNS = ["id", "name", "email", "created_at"]
KEY_COLUMNS = ["id", "clientId", "keyName", "status", "api_key", "created_at"]


def protect_credentials(record: Any) -> Any:
    """``record`` with passwords dropped and every API key wrapped in a ``Secret`` (deeply)."""
    record = strip_secrets(record)
    if isinstance(record, dict):
        return {k: (Secret(v) if k in KEY_FIELDS and isinstance(v, str) and v
                    else protect_credentials(v)) for k, v in record.items()}
    if isinstance(record, list):
        return [protect_credentials(v) for v in record]
    return record


def client_id_of(body: Any) -> int | None:
    """The new client's id, wherever the answer puts it: ``id``, ``data.id`` or ``clientId``.

    >>> client_id_of({"ok": True, "data": {"id": 20001}}), client_id_of({"clientId": "7"})
    (20001, 7)
    """
    return id_in_answer(body, "id", "data.id", "clientId")


def _check_email(email: Any) -> str:
    if not isinstance(email, str) or not email.strip():
        raise InputError(f"an agency client needs an email (its login), got {email!r}; "
                         f"nothing was sent")
    problem = email_problems(pd.Series([email.strip()]))[0]
    if problem:
        raise InputError(f"agency client email: {problem}; nothing was sent")
    return email.strip()


class ClientsService(Service):
    """The agency's clients: ``list``, ``frame``, ``create``; their ``api_keys``."""

    @cached_property
    def api_keys(self) -> ClientApiKeys:
        """The API keys of the agency's clients."""
        return ClientApiKeys(self._api)

    def list(self) -> list[dict]:
        """The agency's clients (``GET /client/``), as ``{id, name, email, created_at, ...}``.

        SmartLead's docs show both ``{ok, data: [...]}`` and a bare array; both are read.
        """
        body = self._api.call("GET", "client/", shape=("data",))
        return [coerce_counts(protect_credentials(r)) for r in list_rows(body, "data")]

    @stamps_read_at
    def frame(self) -> pd.DataFrame:
        """:meth:`list` as a DataFrame.

        >>> client.clients.frame()[["id", "name", "email"]]          # doctest: +SKIP
        """
        return columns_first(tidy_frame(self.list()), CLIENT_COLUMNS)

    def create(self, name: str, email: str, *, password: str | None = None,
                      permission: Iterable[str] = ("full_access",),
                      logo_url: str | None = None, **extra: Any) -> dict:
        """Create an agency client (``POST /client/save``); name and email are required.

        Returns the answer with ``id`` filled in (SmartLead puts it under ``id``,
        ``data.id`` or ``clientId``) and any ``api_key`` in it wrapped as a ``Secret``.
        ``password`` (the client's login) is registered for redaction before it is sent.
        ``extra`` passes other documented fields (``email_credits``, ``lead_credits``, ...).

        >>> acme = client.clients.create("Acme", "ops@acme.example")  # doctest: +SKIP
        >>> acme["id"], acme["data"]["api_key"]                      # doctest: +SKIP
        (20001, Secret('********'))
        """
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"an agency client needs a name, got {name!r}; nothing was sent")
        body: dict[str, Any] = {"name": name.strip(), "email": _check_email(email),
                                "permission": [str(p) for p in permission], **extra}
        if password is not None:
            register_secret(str(password))      # an error or log line echoing it is redacted
            body["password"] = str(password)
        if logo_url is not None:
            body["logo_url"] = logo_url
        answer = protect_credentials(self._api.call("POST", "client/save", json=body, shape=dict))
        answer["id"] = client_id_of(answer)
        return answer



class ClientApiKeys(Service):
    """API keys of the agency's clients: ``list``, ``frame``, ``create``, ``reset``,
    ``delete``. Every key that comes back is a ``Secret``."""

    def list(self, client_id: int | None = None, *, status: str | None = None,
             key_name: str | None = None) -> list[dict]:
        """API keys of the agency's clients (``GET /client/api-key``), keys as ``Secret``.

        >>> client.clients.api_keys.list(20001)                     # doctest: +SKIP
        [{'id': 30001, 'clientId': 20001, 'keyName': 'Default', 'api_key': Secret('********'), ...}]
        """
        params: dict[str, Any] = {}
        if client_id is not None:
            params["clientId"] = check_id(client_id, "client_id")
        if status is not None:
            value = str(status).strip().upper()
            if value not in KEY_STATUSES:
                raise InputError(f"status {status!r} is not a key status: use one of "
                                 f"{', '.join(KEY_STATUSES)}; nothing was sent")
            params["status"] = value
        if key_name:
            params["keyName"] = key_name
        body = self._api.call("GET", "client/api-key", params=params, shape=("data",))
        return [coerce_counts(protect_credentials(r)) for r in list_rows(body, "data")]

    @stamps_read_at
    def frame(self, client_id: int | None = None, **filters: Any) -> pd.DataFrame:
        """:meth:`list` as a DataFrame; the ``api_key`` column shows masked keys.

        >>> client.clients.api_keys.frame(20001)[["keyName", "status", "api_key"]]  # doctest: +SKIP
        """
        return columns_first(tidy_frame(self.list(client_id, **filters)), KEY_COLUMNS)

    def create(self, client_id: int, key_name: str) -> dict:
        """A new API key for a client (``POST /client/api-key``); the key comes back wrapped.

        >>> made = client.clients.api_keys.create(20001, "reporting")  # doctest: +SKIP
        >>> made["data"]["api_key"].reveal()                          # doctest: +SKIP
        'sandbox_cl_...'
        """
        cid = check_id(client_id, "client_id")
        if not isinstance(key_name, str) or not key_name.strip():
            raise InputError(f"a client API key needs a name (keyName), got {key_name!r}; "
                             f"nothing was sent")
        body = {"clientId": cid, "keyName": key_name.strip()}
        return protect_credentials(self._api.call("POST", "client/api-key", json=body,
                                              subject=f"client {cid}", shape=dict))

    def reset(self, key_id: int, *, confirm: bool = False) -> dict:
        """Replace a client's API key with a new one (``PUT /client/api-key/reset/{id}``).

        The old key stops working at once and cannot be brought back, so this needs
        ``confirm=True``. The new key is registered for redaction as its answer is parsed,
        and comes back wrapped as a ``Secret``.

        >>> fresh = client.clients.api_keys.reset(30002, confirm=True)    # doctest: +SKIP
        >>> fresh["data"]["api_key"]                                      # doctest: +SKIP
        Secret('********')
        """
        return self._key_change("PUT", "client/api-key/reset/{}", key_id, confirm, "reset")

    def delete(self, key_id: int, *, confirm: bool = False) -> dict:
        """Delete a client's API key (``DELETE /client/api-key/{id}``); whatever uses it
        fails from then on, so this needs ``confirm=True``.

        >>> client.clients.api_keys.delete(30002, confirm=True)           # doctest: +SKIP
        {'ok': True}
        """
        return self._key_change("DELETE", "client/api-key/{}", key_id, confirm, "delete")

    def _key_change(self, method: str, route: str, key_id: Any, confirm: bool,
                    verb: str) -> dict:
        kid = check_id(key_id, "key_id")
        path = route.format(kid)
        refuse_unconfirmed(method, path, None, confirm,
                           f"call clients.api_keys.{verb}({kid}, confirm=True)")
        return protect_credentials(self._api.call(method, path, subject=f"client API key {kid}",
                                              shape=dict))
