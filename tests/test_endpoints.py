"""The one table of endpoints (``smartlead_nb/endpoints.py``) against everything that repeats
it: the services' verbs, the paths their modules send, the confirmation rule and the coverage
page generated from it (issue 21)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest

from smartlead_nb import SmartleadClient, resources
from smartlead_nb.endpoints import (BUILT_ON, ENDPOINTS, INBOX_VIEWS, Endpoint,
                                    coverage_markdown, endpoint)
from smartlead_nb.resources._base import service_verbs
from smartlead_nb.resources.confirm import needs_confirmation

from .helpers import REPO

VERBS = service_verbs(SmartleadClient)


def test_the_coverage_page_is_the_rendered_table():
    assert (REPO / "docs" / "coverage.md").read_text() == coverage_markdown()
    out = subprocess.run([sys.executable, "-m", "smartlead_nb.endpoints"], capture_output=True,
                         text=True, check=True, cwd=REPO)
    assert out.stdout == coverage_markdown()


def test_every_row_names_a_verb_and_a_frame_that_exist():
    assert [r.call for r in ENDPOINTS if r.call not in VERBS] == []
    frames = [f"{r.service}.{r.frame}" for r in ENDPOINTS if r.frame]
    assert [f for f in frames if f not in VERBS] == []


def test_every_public_verb_has_a_row():
    """A verb sends a row's operation, is a row's DataFrame form, or is built on a row."""
    covered = ({r.call for r in ENDPOINTS} | {f"{r.service}.{r.frame}" for r in ENDPOINTS if r.frame}
               | set(BUILT_ON))
    assert sorted(set(VERBS) - covered) == []
    assert sorted(set(BUILT_ON.values()) - {r.call for r in ENDPOINTS}) == []
    assert not set(BUILT_ON) & {r.call for r in ENDPOINTS}


def test_one_row_per_operation():
    operations = [(r.method, r.path) for r in ENDPOINTS]
    assert len(operations) == len(set(operations))
    for row in ENDPOINTS:
        assert row.method in ("GET", "POST", "PUT", "PATCH", "DELETE"), row
        assert row.path.startswith("/") and not row.path.endswith("/"), row
        assert re.fullmatch(r"(/[a-z0-9-]+|/\{[a-z_]+\})+", row.path), row
        assert re.fullmatch(r"(/[a-z0-9-]+|/\{[a-z_]+\})+", row.sandbox_path), row


def test_the_rows_are_frozen_and_found_by_call():
    row = endpoint("leads", "add")
    with pytest.raises(AttributeError):
        row.path = "/x"                                     # type: ignore[misc]
    assert isinstance(row, Endpoint) and row.call == "leads.add"
    with pytest.raises(KeyError, match="no endpoint row for leads.nothing"):
        endpoint("leads", "nothing")


# Bodies that make a call need confirm=True when anything does: starting a campaign, an
# upload letting blocked people through.
DANGEROUS_BODIES = (None, {"status": "START"}, {"settings": {"ignore_global_block_list": True}})


def _filled(path: str) -> str:
    return re.sub(r"\{\w+\}", "1001", path).lstrip("/")


@pytest.mark.parametrize("row", ENDPOINTS, ids=lambda r: f"{r.method} {r.path}")
def test_the_confirm_column_is_the_confirmation_rule(row):
    """``confirm`` says what :func:`needs_confirmation` (the rule every verb and
    ``client.request`` obey) says for the operation, for some body."""
    rule = any(needs_confirmation(row.method, _filled(row.path), body)
               for body in DANGEROUS_BODIES)
    assert row.confirm == rule


# --- the paths the service modules send ---------------------------------------------------------
_SENT = re.compile(r'\.(?:call|send_bytes)\(\s*"(GET|POST|PUT|PATCH|DELETE)",\s*f?"([^"]+)"')
_PAGED = re.compile(r'\.paginate\(\s*f?"([^"]+)"')
_ANALYTICS = re.compile(r'\(\s*"(analytics/[^"]+)"')
_CONSTANT = re.compile(r'^([A-Z_]+_PATH) = "([^"]+)"', re.M)
_KEY_CHANGE = re.compile(r'_key_change\("(GET|POST|PUT|DELETE)", "([^"]+)"')


def sent_by_the_services() -> set[tuple[str, str]]:
    """(method, path) of every request the service modules build, placeholders as ``{}``."""
    found: set[tuple[str, str]] = set()
    for module in (getattr(resources, name) for name in _service_modules()):
        source = inspect.getsource(module)
        constants = dict(_CONSTANT.findall(source))
        found |= set(_SENT.findall(source)) | set(_KEY_CHANGE.findall(source))
        found |= {("GET", p) for p in _PAGED.findall(source) + _ANALYTICS.findall(source)}
        for method, name in re.findall(r'\.(?:call|paginate)\(\s*"?(GET|POST|DELETE)?"?,?\s*'
                                       r'([A-Z_]+_PATH)', source):
            found.add((method or "GET", constants[name]))
    out = set()
    for method, path in found:
        path = re.sub(r"\{[^}]*\}", "{}", "/" + path.strip("/"))
        if path == "/master-inbox/{}" and method == "POST":    # the views, by name
            out |= {(method, f"/master-inbox/{v}") for v in INBOX_VIEWS}
        else:
            out.add((method, path))
    return out


def _service_modules() -> list[str]:
    import pkgutil

    return [m.name for m in pkgutil.iter_modules(resources.__path__)
            if m.name not in ("confirm", "replies")]


def test_the_scan_sees_each_way_a_path_is_built():
    sent = sent_by_the_services()
    assert ("POST", "/campaigns/{}/leads") in sent                      # send_bytes
    assert ("GET", "/leads/get-domain-block-list") in sent              # a constant
    assert ("PUT", "/client/api-key/reset/{}") in sent                  # a template
    assert ("POST", "/master-inbox/sent") in sent                       # a view by name
    assert ("GET", "/analytics/day-wise-overall-stats") in sent         # account analytics


def test_the_table_is_what_the_services_send():
    table = {(r.method, re.sub(r"\{\w+\}", "{}", r.path)) for r in ENDPOINTS}
    sent = sent_by_the_services()
    assert sorted(sent - table) == []           # no request without a row
    assert sorted(table - sent) == []           # no row no service sends
