"""smartlead_nb: run SmartLead cold-email campaigns from Jupyter.

>>> import smartlead_nb as sl
>>> client = sl.connect()     # SmartLead with SMARTLEAD_API_KEY set, else the local sandbox  # doctest: +SKIP

Names are imported on first use (PEP 562), so ``import smartlead_nb`` stays cheap: the
HTTP stack, the rate limiter, the widgets and the sandbox load only when something needs them.
Tab completion lists the public API and nothing else (``__dir__``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "connect": "._connect", "login": "._connect",
    "SmartleadClient": ".client", "Campaign": ".resources.campaigns",
    "RateLimit": "._ratelimit", "STANDARD": "._ratelimit", "PRO": "._ratelimit",
    "RetryPolicy": "._transport",
    "Schedule": ".schedule", "CampaignSettings": ".settings",
    "CampaignPlan": ".plan", "LaunchResult": ".plan",
    "Mirror": ".mirror",
    "upload_leads": ".client", "UploadResult": ".upload", "UploadInterrupted": ".upload",
    "leads_from_frame": ".frames.leads", "sequences_from_frame": ".frames.sequences",
    "LeadsResult": ".frames.leads", "LeadFrameError": ".frames.leads",
    # every error a user may catch
    "SmartleadError": ".errors", "InputError": ".errors", "CampaignNotDrafted": ".errors", "BadRequestError": ".errors",
    "ValidationError": ".errors", "AuthenticationError": ".errors",
    "PermissionDeniedError": ".errors", "NotFoundError": ".errors", "ConflictError": ".errors",
    "RateLimitError": ".errors", "ServerError": ".errors", "TransportError": ".errors",
    "ApiFailure": ".errors", "LeadLimitExhausted": ".errors", "RedirectError": ".errors",
    "UnexpectedResponse": ".errors",
}
# submodules loaded on first use: ``sl.analysis.compare_variants(...)``, ``sl.webhooks.listen()``.
# Both import on the core install (a star-import works everywhere); an analysis function that
# needs statsmodels says which extra brings it (smartlead_nb/_extras.py).
_SUBMODULES = {"analysis", "webhooks"}
__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)  # the import system caches it
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'smartlead_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # next time, a plain attribute
    return value


def __dir__() -> list[str]:
    # What tab completion offers a newcomer: the public API, not this module's machinery.
    return sorted([*__all__, "__version__"])


if TYPE_CHECKING:  # for type checkers and IDEs; never executed. "import x as x" re-exports
    # each name explicitly, so a user's ``mypy --strict`` accepts ``from smartlead_nb import x``.
    from . import analysis as analysis, webhooks as webhooks
    from ._connect import connect as connect, login as login
    from ._ratelimit import PRO as PRO, STANDARD as STANDARD, RateLimit as RateLimit
    from ._transport import RetryPolicy as RetryPolicy
    from .client import SmartleadClient as SmartleadClient, upload_leads as upload_leads
    from .resources.campaigns import Campaign as Campaign
    from .errors import (ApiFailure as ApiFailure, AuthenticationError as AuthenticationError,
                         BadRequestError as BadRequestError,
                         CampaignNotDrafted as CampaignNotDrafted, ConflictError as ConflictError,
                         InputError as InputError, LeadLimitExhausted as LeadLimitExhausted,
                         NotFoundError as NotFoundError,
                         PermissionDeniedError as PermissionDeniedError,
                         RateLimitError as RateLimitError, RedirectError as RedirectError,
                         ServerError as ServerError, SmartleadError as SmartleadError,
                         TransportError as TransportError,
                         UnexpectedResponse as UnexpectedResponse,
                         ValidationError as ValidationError)
    from .frames.leads import (LeadFrameError as LeadFrameError, LeadsResult as LeadsResult,
                               leads_from_frame as leads_from_frame)
    from .frames.sequences import sequences_from_frame as sequences_from_frame
    from .mirror import Mirror as Mirror
    from .plan import CampaignPlan as CampaignPlan, LaunchResult as LaunchResult
    from .schedule import Schedule as Schedule
    from .settings import CampaignSettings as CampaignSettings
    from .upload import UploadInterrupted as UploadInterrupted, UploadResult as UploadResult
