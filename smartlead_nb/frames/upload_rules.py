"""The rules of an add-leads upload that need no HTTP: SmartLead's four ``ignore_*`` flags,
which of them need a confirmation, the ``settings`` object sent with every batch, and the
limits on batching. The leads service, the uploader and the plan all read them from here.

>>> lead_upload_settings(ignore_duplicate_leads_in_other_campaign=True)
... # doctest: +NORMALIZE_WHITESPACE
{'ignore_global_block_list': False, 'ignore_unsubscribe_list': False,
 'ignore_duplicate_leads_in_other_campaign': True, 'ignore_community_bounce_list': False}
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import InputError, refusal
from .leads import MAX_BATCH_SIZE

#: SmartLead's four ``ignore_*`` upload flags, in the order the ``settings`` object lists them
#: (https://api.smartlead.ai/api-reference/leads/add-to-campaign); ``leads.add``,
#: ``leads.upload`` and ``CampaignPlan`` take exactly these.
UPLOAD_FLAGS = ("ignore_global_block_list", "ignore_unsubscribe_list",
                "ignore_duplicate_leads_in_other_campaign", "ignore_community_bounce_list")
#: The flags that let leads through lists that exist to protect people: each needs
#: ``confirm_overrides=True``.
PROTECTIVE_FLAGS = ("ignore_global_block_list", "ignore_unsubscribe_list")
#: The most add-leads requests an upload keeps open at once.
MAX_IN_FLIGHT = 16


def pick_upload_flags(values: Mapping[str, Any]) -> dict[str, bool]:
    """The :data:`UPLOAD_FLAGS` out of ``values`` (a call's ``locals()``, a plan's fields), as
    bools; a flag that is not there is ``False``.

    >>> pick_upload_flags({"ignore_unsubscribe_list": 1, "batch_size": 400})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'ignore_global_block_list': False, 'ignore_unsubscribe_list': True,
     'ignore_duplicate_leads_in_other_campaign': False, 'ignore_community_bounce_list': False}
    """
    return {flag: bool(values.get(flag, False)) for flag in UPLOAD_FLAGS}


def override_reason(settings: Mapping[str, Any]) -> str | None:
    """Why an add-leads ``settings`` object needs confirming, or ``None``.

    >>> override_reason({"ignore_unsubscribe_list": True})
    'ignore_unsubscribe_list would email people who are blocked or unsubscribed'
    >>> override_reason({"ignore_unsubscribe_list": "false"}) is None
    True
    """
    overriding = [f for f in PROTECTIVE_FLAGS if _truthy(settings.get(f))]
    if not overriding:
        return None
    return (f"{' and '.join(overriding)} would email people who are blocked or "
            f"unsubscribed")


def lead_upload_settings(*, return_lead_ids: bool = False, confirm_overrides: bool = False,
                         **flags: bool) -> dict[str, bool]:
    """The ``settings`` object of an add-leads request, refusing unconfirmed overrides.

    ``flags`` are :data:`UPLOAD_FLAGS` (any left out are ``False``); another name is a
    ``TypeError``, as a misspelt keyword argument would be.

    >>> lead_upload_settings(ignore_global_block_list=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: ignore_global_block_list would email people who are blocked ... confirm_overrides=True.
    """
    unknown = sorted(set(flags) - set(UPLOAD_FLAGS))
    if unknown:
        raise TypeError(f"unknown upload flag(s) {unknown}; the flags are {list(UPLOAD_FLAGS)}")
    settings = pick_upload_flags(flags)
    reason = override_reason(settings)
    if reason and confirm_overrides is not True:
        raise InputError(refusal(reason, "call again with confirm_overrides=True"))
    if return_lead_ids:
        settings["return_lead_ids"] = True  # inside settings: top level is rejected (400)
    return settings


def check_batching(batch_size: Any, max_in_flight: Any) -> None:
    """Refuse (``InputError``) a batch size outside 1-400 or a number of open requests
    outside 1-16, before anything is read or sent.

    >>> check_batching(500, 4)
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: batch_size must be 1-400, got 500
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) \
            or not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise InputError(f"batch_size must be 1-{MAX_BATCH_SIZE}, got {batch_size!r}")
    if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) \
            or not 1 <= max_in_flight <= MAX_IN_FLIGHT:
        raise InputError(f"max_in_flight must be 1-{MAX_IN_FLIGHT}, got {max_in_flight!r}")


def _truthy(value: Any) -> bool:
    # JSON servers read "true", 1 and True alike; only an explicit false is safe.
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no", "off")
    return bool(value)
