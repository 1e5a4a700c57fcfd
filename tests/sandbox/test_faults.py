"""Fault injection: errors instead of work, dropped connections after the work, latency."""
import time

import pytest
import requests

from smartlead_nb.sandbox import Faults


@pytest.mark.parametrize("field, status, body", [
    ("p500", 500, {"error": "Internal server error occurred"}),
    ("p503", 503, {"error": "Service temporarily unavailable"}),
])
def test_server_errors_do_no_work(sandbox, api, field, status, body):
    sandbox.faults = Faults(**{field: 1.0})
    r = api.post("/campaigns/create", json={"name": "never"})
    assert (r.status_code, r.json()) == (status, body)
    sandbox.faults = None
    assert api.get("/campaigns").json() == []
    assert sandbox.fault_counts[str(status)] == 1
    assert sandbox.requests[0]["fault"] == str(status)


def test_injected_429_has_retry_after_and_does_no_work(sandbox, api):
    sandbox.faults = Faults(p429=1.0)
    r = api.post("/campaigns/create", json={"name": "never"})
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert r.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    sandbox.faults = None
    assert api.get("/campaigns").json() == []


def test_drop_does_the_work_then_closes_the_connection(sandbox, api):
    sandbox.faults = Faults(p_drop=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("/campaigns/create", json={"name": "made it"})
    sandbox.faults = None
    assert [c["name"] for c in api.get("/campaigns").json()] == ["made it"]
    assert sandbox.fault_counts == {"429": 0, "500": 0, "503": 0, "drop": 1}
    assert sandbox.requests[0]["fault"] == "drop"


def test_control_endpoints_are_exempt(sandbox, api):
    sandbox.faults = Faults(p500=1.0)
    assert api.get("/_sandbox/state").json()["faults"]["p500"] == 1.0
    assert api.post("/_sandbox/faults", json={}).json() == {"ok": True, "faults": None}
    assert api.get("/campaigns").status_code == 200


def test_faults_via_control_endpoint_and_validation(sandbox, api):
    r = api.post("/_sandbox/faults", json={"p503": 1.0, "seed": 4})
    assert r.json()["faults"]["p503"] == 1.0
    assert api.get("/campaigns").status_code == 503
    assert api.post("/_sandbox/faults", json={"p500": 2}).status_code == 400
    assert api.post("/_sandbox/faults", json={"p_oops": 1}).status_code == 400


def test_same_seed_same_fault_sequence(sandbox, api):
    def run():
        sandbox.faults = Faults(p500=0.3, p503=0.2, seed=11)
        return [api.get("/campaigns").status_code for _ in range(30)]
    first, second = run(), run()
    assert first == second
    assert {200, 500, 503} == set(first)


def test_latency_and_leads_latency(sandbox, api):
    cid = api.create()
    sandbox.faults = Faults(latency=0.15, leads_latency=0.3)
    t0 = time.perf_counter()
    api.get("/campaigns")
    plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    api.post(f"/campaigns/{cid}/leads", json={"lead_list": [{"email": "a@example.com"}]})
    upload = time.perf_counter() - t0
    assert 0.15 <= plain < 0.4
    assert upload >= 0.45


def test_latency_range_is_validated():
    assert Faults(latency=(0.1, 0.2)).latency == (0.1, 0.2)
    with pytest.raises(ValueError):
        Faults(latency=(0.3, 0.1))
    with pytest.raises(ValueError):
        Faults(p429=0.6, p500=0.6)


def test_drop_on_a_reused_keep_alive_connection(sandbox, api):
    api.get("/campaigns")                       # the session now holds an open connection
    sandbox.faults = Faults(p_drop=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("/campaigns/create", json={"name": "second"})
    sandbox.faults = None
    assert [c["name"] for c in api.get("/campaigns").json()] == ["second"]
