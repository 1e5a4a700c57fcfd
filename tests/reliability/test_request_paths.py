"""A path is judged as it is sent: every spelling of a guarded endpoint meets the confirmation
rule, and every spelling that leaves the API root (or that servers read in more than one way)
is refused before anything is sent (issue 19, item 3).

Three claims, each over real HTTP:

* a spelling that lands on a guarded endpoint is refused without ``confirm=True``: the
  sandbox logs no request, the client sends none, the campaign is still DRAFTED / still there;
* a spelling that leaves ``/api/v1``, or that a server or proxy could route in two ways
  (encoded slashes and backslashes, double encoding, look-alike Unicode, control characters,
  another host, a smuggled ``api_key``), is refused even with ``confirm=True`` and even by
  ``raw_request``, which skips the confirmations;
* what goes on the wire is the path the rule judged: a recording server receives exactly the
  resolved path, written out here by hand for each spelling.
"""

from __future__ import annotations

import pytest

from smartlead_nb import InputError, SmartleadClient

from ..helpers import FAST_RETRIES
from ..hostile_server import Hostile

START = {"status": "START"}
PAUSE = {"status": "PAUSED"}

# -- spellings that reach campaigns/{cid}/status inside the API root ----------------------------
STATUS_SPELLINGS = [
    "campaigns/{cid}/status",
    "../v1/campaigns/{cid}/status",
    "./campaigns/{cid}/status",
    "%2e%2e/v1/campaigns/{cid}/status",
    "%2E%2e/v1/campaigns/{cid}/status",
    ".%2e/v1/campaigns/{cid}/status",
    "%2e/campaigns/{cid}/status",
    "campaigns/{cid}/./status",
    "campaigns/{cid}/x/../status",
    "campaigns/{cid}/x/y/../../status",
    "campaigns/{cid}/x/%2e%2e/status",
    "campaigns/{cid}/status/x/..",
    "campaigns/{cid}/status/.",
    "/campaigns/{cid}/status",
    "campaigns//{cid}///status",
    "campaigns/{cid}/status/",
    "campaigns/{cid}/status//",
    "CAMPAIGNS/{cid}/Status",
    "campaigns/{cid}/%73tatus",
    "%63ampaigns/{hex_cid}/status",
    "../../api/v1/campaigns/{cid}/status",
    "campaigns/{cid}/status?x=1",
    "campaigns/{cid}/status?",
    "campaigns/{cid}/status?next=/campaigns/1/leads",
    "{base}/campaigns/{cid}/status",
    "{base}/../v1/campaigns/{cid}/status",
    "{base}//campaigns/{cid}/./status",
    "{upper_base}/campaigns/{cid}/status",
]
# DELETE spellings of campaigns/{cid} (deleting cannot be undone), some through another route.
DELETE_SPELLINGS = [
    "campaigns/{cid}",
    "../v1/campaigns/{cid}",
    "campaigns/{cid}/",
    "campaigns/{cid}/status/..",
    "campaigns/{cid}/leads/../",
    "campaigns/{cid}/%2e",
    "campaigns/{cid}?/status",
    "campaigns/./{cid}",
    "{base}/campaigns/{cid}/x/..",
]
# Method spellings a server reads as the guarded method.
METHOD_SPELLINGS = ["post", "Post", " POST", "POST ", "\tpost\n"]
DELETE_METHODS = ["delete", " DELETE", "Delete\r\n"]

# -- spellings refused whatever confirm says -----------------------------------------------------
LEAVES_ROOT = [
    "../campaigns/{cid}/status",
    "../../api/v1/../campaigns/{cid}/status",
    "../../campaigns/{cid}/status",
    "../../../../../campaigns/{cid}/status",
    "%2e%2e/campaigns/{cid}/status",
    "%2E%2E/%2e%2e/campaigns/{cid}/status",
    "campaigns/../../campaigns/{cid}/status",
    "../V1/campaigns/{cid}/status",
    "{origin}/campaigns/{cid}/status",
    "{origin}/API/V1/campaigns/{cid}/status",
    "{origin}/api/v1/../../campaigns/{cid}/status",
    "{origin}/api/v2/campaigns/{cid}/status",
    "{origin}/../api/v1/campaigns/{cid}/status",
]
AMBIGUOUS = [
    "%2e%2e%2fv1/campaigns/{cid}/status",        # encoded slash
    "..%2fv1%2fcampaigns%2f{cid}%2fstatus",
    "campaigns%2f{cid}%2fstatus",
    "campaigns/{cid}%2Fstatus",
    "campaigns\\{cid}\\status",                  # backslashes
    "..\\v1\\campaigns\\{cid}\\status",
    "campaigns/{cid}%5cstatus",
    "%5c..%5cv1/campaigns/{cid}/status",
    "%252e%252e/v1/campaigns/{cid}/status",      # double encoding
    "campaigns/{cid}/%2573tatus",
    "campaigns/{cid}/status%2500",
    "%c0%ae%c0%ae/v1/campaigns/{cid}/status",    # overlong UTF-8 dots
    "%ef%bc%8e%ef%bc%8e/v1/campaigns/{cid}/status",  # fullwidth full stops, encoded
    "\uff0e\uff0e/v1/campaigns/{cid}/status",    # fullwidth full stops
    "..\uff0fv1\uff0fcampaigns\uff0f{cid}\uff0fstatus",  # fullwidth solidus
    "\u2025/v1/campaigns/{cid}/status",          # two dot leader
    "campaigns\u2215{cid}\u2215status",          # division slash
    "campaigns/{cid}/status\u200b",              # zero-width space
    "campaigns/{cid}/st\u0430tus",               # Cyrillic a
    "campaigns/{cid}/status\u00a0",              # no-break space
    "campaigns/{cid}/status%00",                 # control characters and whitespace
    "campaigns/{cid}/status\x00",
    "campaigns/{cid}/status\n",
    "campaigns/{cid}/status\r\nX-Other: 1",
    "\tcampaigns/{cid}/status",
    " ../v1/campaigns/{cid}/status",
    "campaigns/{cid}/ status",
    "campaigns/{cid}/status%20",
    "campaigns/{cid}/status%09",
    "campaigns/{cid}/status\x7f",
    "campaigns/{cid}/status#frag",               # a fragment is never sent
    "campaigns/{cid}#/../../{cid}/status",
    "campaigns/{cid};x=1/status",                # path parameters
    "campaigns/{cid}/status;",
    "campaigns/{cid}/status%3b",
    "campaigns/{cid}/status%",                   # broken escapes
    "campaigns/{cid}/status%2",
    "%zz/campaigns/{cid}/status",
]
OTHER_HOSTS = [
    "//campaigns/{cid}/status",
    "//evil.example/api/v1/campaigns/{cid}/status",
    "///evil.example/campaigns/{cid}/status",
    "http://evil.example/api/v1/campaigns/{cid}/status",
    "https://evil.example/api/v1/campaigns/{cid}/status",
    "https:evil.example/campaigns/{cid}/status",
    "http:campaigns/{cid}/status",
    "http:/campaigns/{cid}/status",
    "{other_scheme}/campaigns/{cid}/status",
    "http://user:pw@{hostport}/api/v1/campaigns/{cid}/status",
    "http://{hostport}@evil.example/api/v1/campaigns/{cid}/status",
    "http://{hostport}.evil.example/api/v1/campaigns/{cid}/status",
    "http://evil.example#@{hostport}/api/v1/campaigns/{cid}/status",
    "http://[::1/api/v1/campaigns/{cid}/status",
    "ftp://{hostport}/api/v1/campaigns/{cid}/status",
    "javascript:alert(1)",
    "campaigns:{cid}/status",
]
SMUGGLED_KEY = [
    "campaigns/{cid}/status?api_key=another-key",
    "campaigns/{cid}/status?API_KEY=another-key",
    "campaigns/{cid}/status?x=1&Api_Key=another-key",
    "campaigns/{cid}/status?api%5Fkey=another-key",
    "campaigns/{cid}/status?api%255Fkey=another-key",
    "campaigns/{cid}/status?api_key[]=another-key",
    "campaigns/{cid}/status?api_key",
    "campaigns/{cid}/status?x=1;api_key=another-key",
    "{base}/campaigns/{cid}/status?api_key=another-key",
]
REFUSED = LEAVES_ROOT + AMBIGUOUS + OTHER_HOSTS + SMUGGLED_KEY


def spell(template: str, cid: int, base_url: str) -> str:
    scheme, rest = base_url.split("://", 1)
    hostport = rest.split("/", 1)[0]
    return template.format(
        cid=cid, hex_cid="".join(f"%{b:02x}" for b in str(cid).encode()),
        base=base_url, upper_base=base_url.upper().replace("/API/V1", "/api/v1"),
        origin=f"{scheme}://{hostport}", hostport=hostport,
        other_scheme=f"{'https' if scheme == 'http' else 'http'}://{hostport}/api/v1")


def refusals(client, sandbox, calls):
    """Run each ``call()``; list those that did not raise InputError or that sent anything."""
    failures = []
    for label, call in calls:
        sandbox.clear_requests()
        sent_before = client.stats["requests"]
        try:
            call()
        except InputError as exc:
            if "othing was sent" not in str(exc):
                failures.append(f"{label!r}: refused without saying nothing was sent: {exc}")
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(f"{label!r}: {type(exc).__name__}: {exc}")
        else:
            failures.append(f"{label!r}: not refused")
        if sandbox.requests or client.stats["requests"] != sent_before:
            failures.append(f"{label!r}: sent {[r['path'] for r in sandbox.requests]}")
    return failures


def test_every_spelling_of_starting_a_campaign_needs_confirm(client, sandbox, ready_campaign):
    cid, base = ready_campaign, sandbox.base_url
    calls = [(f"POST {p}", lambda p=p: client.request("POST", spell(p, cid, base), json=START))
             for p in STATUS_SPELLINGS]
    calls += [(f"{m!r} status", lambda m=m: client.request(m, f"campaigns/{cid}/status", json=START))
              for m in METHOD_SPELLINGS]
    calls += [(f"PATCH {p}", lambda p=p: client.request("patch", spell(p, cid, base),
                                                          json={"status": " active "}))
              for p in STATUS_SPELLINGS[:6]]
    assert refusals(client, sandbox, calls) == []
    assert client.campaigns.get(cid)["status"] == "DRAFTED"


def test_every_spelling_of_deleting_a_campaign_needs_confirm(client, sandbox):
    cid, base = client.campaigns.create("Keep me")["id"], sandbox.base_url
    calls = [(f"DELETE {p}", lambda p=p: client.request("DELETE", spell(p, cid, base)))
             for p in DELETE_SPELLINGS]
    calls += [(f"{m!r} campaign", lambda m=m: client.request(m, f"campaigns/{cid}"))
              for m in DELETE_METHODS]
    assert refusals(client, sandbox, calls) == []
    assert client.campaigns.get(cid)["status"] == "DRAFTED"


def test_paths_that_leave_the_api_root_or_read_two_ways_are_refused_even_confirmed(
        client, sandbox, ready_campaign):
    cid, base = ready_campaign, sandbox.base_url
    calls = []
    for p in REFUSED:
        path = spell(p, cid, base)
        calls += [(f"request POST {p}", lambda path=path: client.request(
                      "POST", path, json=START, confirm=True)),
                  (f"raw_request POST {p}", lambda path=path: client.raw_request(
                      "POST", path, json=START)),
                  (f"raw_request DELETE {p}", lambda path=path: client.raw_request(
                      "DELETE", path.replace("/status", "")))]
    assert refusals(client, sandbox, calls) == []
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
    assert len(client.campaigns.list()) == 1


@pytest.mark.parametrize("template, problem", [
    ("../campaigns/{cid}/status", "leaves the API root"),
    ("../../../../../campaigns/{cid}/status", "leaves the API root"),
    ("{origin}/campaigns/{cid}/status", "leaves the API root"),
    ("campaigns%2f{cid}/status", "%2f"),
    ("%252e%252e/v1/campaigns/{cid}/status", "%25"),
    ("..\\v1\\campaigns\\{cid}\\status", "backslash"),
    ("\uff0e\uff0e/v1/campaigns/{cid}/status", r"U\+FF0E \(fullwidth full stop\)"),
    ("campaigns/{cid}/status\n", r"U\+000A"),
    ("campaigns/{cid}/status#x", "'#'"),
    ("//evil.example/api/v1/campaigns/{cid}/status", "evil.example"),
    ("http://evil.example/api/v1/campaigns/{cid}/status", "evil.example.* is not .*origin"),
    ("campaigns/{cid}/status?api_key=another-key", "api_key"),
])
def test_a_refusal_says_what_is_wrong_and_never_quotes_a_key(client, sandbox, template, problem):
    path = spell(template, 7, sandbox.base_url)
    with pytest.raises(InputError, match=problem) as info:
        client.request("POST", path, json=START, confirm=True)
    assert "another-key" not in str(info.value) and sandbox.requests == []


def test_an_unknown_or_garbled_method_is_refused_before_sending(client, sandbox):
    cid = client.campaigns.create("Methods")["id"]
    calls = [(repr(m), lambda m=m: client.raw_request(m, f"campaigns/{cid}"))
             for m in ("DEL ETE", "DELETE\x00", "D\u0415LETE", "", "PURGE", None, "GET /x HTTP/1.1")]
    assert refusals(client, sandbox, calls) == []
    assert client.campaigns.get(cid)["name"] == "Methods"


# -- what is judged is what is sent ----------------------------------------------------------------
@pytest.fixture
def recorder():
    server = Hostile()
    client = SmartleadClient("recorder-key-1234", base_url=server.base_url, rate_limit=None,
                             retry=FAST_RETRIES)
    yield server, client
    client.close()
    server.close()


# (spelling, method, the request line's path without its query string, its query)
ON_THE_WIRE = [
    ("../v1/campaigns/7/status", "post", "/api/v1/campaigns/7/status", ""),
    ("%2e%2e/v1/campaigns/7/%73tatus", " POST", "/api/v1/campaigns/7/status", ""),
    ("campaigns//7/./x/../status/", "POST", "/api/v1/campaigns/7/status/", ""),
    ("/campaigns/7/status/.", "POST", "/api/v1/campaigns/7/status/", ""),
    ("campaigns/7/status?x=1&y=%2F", "POST", "/api/v1/campaigns/7/status", "x=1&y=%2F"),
    ("{base}/../v1/campaigns/7/status", "POST", "/api/v1/campaigns/7/status", ""),
    ("campaigns/7/status/..", "delete", "/api/v1/campaigns/7/", ""),
    ("campaigns/7?/status", "DELETE", "/api/v1/campaigns/7", "/status"),
    ("", "GET", "/api/v1/", ""),
    ("campaigns/", "GET", "/api/v1/campaigns/", ""),
    ("leads/?email=a%40b.co", "GET", "/api/v1/leads/", "email=a%40b.co"),
]


def test_the_wire_carries_the_judged_path(recorder):
    server, client = recorder
    for spelling, method, path, query in ON_THE_WIRE:
        server.received.clear()
        client.raw_request(method, spelling.format(base=server.base_url), json=PAUSE)
        [got] = server.received
        line_path, _, line_query = got["path"].partition("?")
        params = [p for p in line_query.split("&") if not p.startswith("api_key=")]
        assert (got["method"], line_path, "&".join(params)) == (method.strip().upper(), path, query)
        judged = client._transport.relative_path(spelling.format(base=server.base_url))
        assert "/api/v1/" + judged == path


def test_a_name_of_three_dots_is_a_name_not_a_way_up(client, sandbox):
    """Only '.' and '..' are dot segments (RFC 3986, 5.2.4): '...' is sent as a name, so a
    rule about it would be a rule about a route that does not exist."""
    from smartlead_nb import NotFoundError

    cid = client.campaigns.create("Dots")["id"]
    with pytest.raises(NotFoundError):
        client.request("DELETE", f"campaigns/{cid}/...")
    assert [r["path"] for r in sandbox.requests][-1] == f"/campaigns/{cid}/..."
    assert client.campaigns.get(cid)["status"] == "DRAFTED"
