"""The sandbox serves exactly the endpoint table (``smartlead_nb/endpoints.py``): no row without
a route, and no route (beyond the sandbox's own ``/_sandbox/`` routes and the extras named
below) without a row."""
import re

import pytest

from smartlead_nb.endpoints import ENDPOINTS
from smartlead_nb.sandbox.control import routes as control_routes
from smartlead_nb.sandbox.routing import ApiError
from smartlead_nb.sandbox.server import GROUP_ROUTES, build_router

SAMPLE_ID = "1001"
# Served beyond the table on purpose, each for a reason.
EXTRAS = {
    ("PATCH", r"/campaigns/(\d+)/status"): "clients that send PATCH for the documented POST",
    ("PATCH", r"/campaigns/(\d+)/schedule"): "clients that send PATCH for the documented POST",
    ("PATCH", r"/campaigns/(\d+)/settings"): "clients that send PATCH for the documented POST",
    ("DELETE", r"/campaigns/(\d+)/webhooks/(\d+)"): "the id in the path instead of the body",
    ("GET", r"/master-inbox/untracked-replies"): "documented by SmartLead, not wrapped by the "
                                                  "client (the sandbox has none to list)",
}


def concrete(row) -> str:
    """The row's sandbox path with every ``{placeholder}`` an id."""
    return re.sub(r"\{\w+\}", SAMPLE_ID, row.sandbox_path)


def api_routes() -> list[tuple[str, str]]:
    """``(method, pattern)`` of every route the groups serve, control routes left out."""
    return [(method, pattern) for group in GROUP_ROUTES if group is not control_routes
            for methods, pattern, _ in group.ROUTES for method in methods.split()]


def rows_of(method: str, pattern: str) -> list:
    return [row for row in ENDPOINTS
            if row.method == method and re.fullmatch(pattern, concrete(row))]


def test_the_table_and_the_routes_are_both_read():
    assert len(ENDPOINTS) > 70 and len(api_routes()) > 70
    assert ("POST", r"/campaigns/(\d+)/settings") in api_routes()
    assert rows_of("DELETE", "/leads/delete-domain-block-list")


@pytest.mark.parametrize("row", ENDPOINTS, ids=lambda row: f"{row.method} {row.sandbox_path}")
def test_every_row_is_served(row):
    try:
        build_router().match(row.method, concrete(row))
    except ApiError as exc:
        pytest.fail(f"{row.call} ({row.method} {row.sandbox_path}) is in the endpoint table but "
                    f"the sandbox answers {exc.status}")


@pytest.mark.parametrize("method, pattern", api_routes())
def test_every_route_has_a_row_or_is_a_named_extra(method, pattern):
    rows = rows_of(method, pattern)
    if (method, pattern) in EXTRAS:
        assert rows == [], f"{method} {pattern} has a row now: drop it from EXTRAS"
    else:
        assert rows, (f"the sandbox serves {method} {pattern} but smartlead_nb/endpoints.py has "
                      "no row for it")


def test_the_control_routes_are_the_sandboxs_own():
    assert all(pattern.startswith("/_sandbox/") for _, pattern, _ in control_routes.ROUTES)
    assert not [row for row in ENDPOINTS if row.sandbox_path.startswith("/_sandbox")]


def test_a_route_without_a_row_would_be_found():
    assert rows_of("GET", r"/campaigns/(\d+)/no-such-thing") == []
    assert rows_of("GET", r"/campaigns/(\d+)/statistics")
