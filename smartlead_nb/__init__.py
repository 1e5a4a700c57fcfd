"""smartlead_nb: run SmartLead cold-email campaigns from Jupyter.

>>> import smartlead_nb as sl
>>> client = sl.connect()     # SmartLead with SMARTLEAD_API_KEY set, else the local sandbox  # doctest: +SKIP

Heavy or optional parts (widgets, the sandbox server) are imported only when used.
"""

__version__ = "0.1.0"

from ._ratelimit import PRO, STANDARD, RateLimit  # noqa: E402
from ._transport import RetryPolicy  # noqa: E402
from .client import SmartleadClient  # noqa: E402
from ._connect import connect, login  # noqa: E402
from .errors import (  # noqa: E402
    AuthenticationError,
    BadRequestError,
    InputError,
    NotFoundError,
    RateLimitError,
    ServerError,
    SmartleadError,
    TransportError,
)
from .frames.leads import leads_from_frame  # noqa: E402
from .frames.sequences import sequences_from_frame  # noqa: E402
from .plan import CampaignPlan, LaunchResult  # noqa: E402
from .schedule import Schedule  # noqa: E402
from .settings import CampaignSettings  # noqa: E402
from .upload import UploadInterrupted, UploadResult, upload_leads  # noqa: E402

__all__ = [
    "connect", "login", "SmartleadClient", "Schedule", "CampaignSettings", "RateLimit",
    "CampaignPlan", "LaunchResult", "upload_leads", "UploadResult", "UploadInterrupted",
    "leads_from_frame", "sequences_from_frame",
    "STANDARD", "PRO", "RetryPolicy", "SmartleadError", "InputError", "BadRequestError",
    "AuthenticationError", "NotFoundError", "RateLimitError", "ServerError", "TransportError",
]
