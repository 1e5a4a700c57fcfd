"""Everything the client wraps is served, and nothing the facts sheets call documented for the
block list, agency clients and mailboxes answers 404 (issue 14)."""
import re

import pytest

from smartlead_nb.endpoints import ENDPOINTS
from smartlead_nb.sandbox.routing import ApiError
from smartlead_nb.sandbox.server import build_router


def wrapped_endpoints() -> set[tuple[str, str]]:
    """(method, sandbox path) of every operation the client wraps (smartlead_nb/endpoints.py),
    ids filled in."""
    return {(row.method, re.sub(r"\{\w+\}", "1001", row.sandbox_path).lstrip("/"))
            for row in ENDPOINTS}


# The facts sheet's documented routes for this admin surface [more-facts 3, 5.1, 5.2].
DOCUMENTED = [
    ("GET", "email-accounts/3001/"), ("POST", "email-accounts/save"),
    ("POST", "email-accounts/3001"), ("POST", "email-accounts/3001/warmup"),
    ("GET", "email-accounts/3001/warmup-stats"),
    ("POST", "email-accounts/tag-manager"), ("POST", "email-accounts/tag-mapping"),
    ("DELETE", "email-accounts/tag-mapping"), ("POST", "email-accounts/tag-list"),
    ("POST", "email-accounts/reconnect-failed-email-accounts"),
    ("GET", "leads/get-domain-block-list"), ("POST", "leads/add-domain-block-list"),
    ("DELETE", "leads/delete-domain-block-list"),
    ("GET", "client/"), ("POST", "client/save"), ("POST", "client/api-key"),
    ("GET", "client/api-key"), ("DELETE", "client/api-key/30001"),
    ("PUT", "client/api-key/reset/30001"),
]


def _served(method: str, path: str) -> bool:
    route = "/" + path.split("?")[0].strip("/")
    try:
        build_router().match(method, route)
    except ApiError as exc:
        return exc.status != 404 and exc.status != 405
    return True


def test_the_scan_finds_the_client_surface():
    endpoints = wrapped_endpoints()
    assert ("POST", "campaigns/1001/settings") in endpoints
    assert ("DELETE", "leads/delete-domain-block-list") in endpoints
    assert len(endpoints) > 40


@pytest.mark.parametrize("method, path", sorted(wrapped_endpoints()))
def test_everything_the_client_wraps_is_served(method, path):
    assert _served(method, path), f"{method} {path} is wrapped by the client but not served"


@pytest.mark.parametrize("method, path", DOCUMENTED)
def test_documented_admin_routes_are_served(method, path):
    assert _served(method, path)
