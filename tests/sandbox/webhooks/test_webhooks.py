"""Campaign webhooks in the sandbox: the routes' shapes and 400s, and the
delivery of simulated events to a receiver on this machine, with retries, never elsewhere."""
from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from smartlead_nb.sandbox.webhooks import models as webhooks
from smartlead_nb.sandbox.webhooks.delivery import NotThisMachine, loopback_target

FAST = (0.01, 0.02, 0.04)
WINDOW = {"fromTime": "2025-01-01T00:00:00.000Z", "toTime": "2026-01-01T00:00:00.000Z"}


class Catcher:
    """A receiver on 127.0.0.1 that answers ``statuses`` in turn (then 200), counting
    attempts per event (event type, lead, step)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.bodies: list[dict] = []
        self.paths: list[str] = []
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    catcher.bodies.append(body)
                    catcher.paths.append(self.path)
                    status = catcher.statuses.pop(0) if catcher.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=t0k"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def catcher():
    made = []

    def make(statuses=()):
        made.append(Catcher(statuses))
        return made[-1]
    yield make
    for c in made:
        c.close()


def hook(api, cid, url, events=("EMAIL_SENT",), **extra):
    r = api.post(f"/campaigns/{cid}/webhooks",
                 json={"id": None, "name": "nb", "webhook_url": url,
                       "event_types": list(events), **extra})
    assert r.status_code == 200, r.text
    return r.json()


# -- routes ---------------------------------------------------------------------------------
def test_list_is_a_bare_array_and_upsert_answers_the_live_shape(api, catcher):
    cid = api.create()
    assert api.get(f"/campaigns/{cid}/webhooks").json() == []
    url = catcher().url
    made = hook(api, cid, url, ["EMAIL_REPLY", "LEAD_CATEGORY_UPDATED"],
                categories=["Interested"])
    assert made["ok"] is True and made["email_campaign_id"] == cid
    assert made["event_type_map"] == {"EMAIL_REPLY": True, "LEAD_CATEGORY_UPDATED": True}
    assert list(made["category_id_map"].values()) == [True]
    assert set(made) == {"ok", "id", "name", "webhook_url", "email_campaign_id",
                         "event_type_map", "category_id_map", "user_id"}
    listed = api.get(f"/campaigns/{cid}/webhooks").json()
    assert listed == [{"id": made["id"], "name": "nb", "webhook_url": url,
                       "email_campaign_id": cid,
                       "event_types": ["EMAIL_REPLY", "LEAD_CATEGORY_UPDATED"],
                       "categories": ["Interested"]}]
    # An id updates; no id creates another (SmartLead has no idempotency).
    r = api.post(f"/campaigns/{cid}/webhooks", json={"id": made["id"], "name": "renamed",
                                                     "webhook_url": url,
                                                     "event_types": ["EMAIL_SENT"]})
    assert r.status_code == 200 and r.json()["id"] == made["id"]
    hook(api, cid, url)
    rows = api.get(f"/campaigns/{cid}/webhooks").json()
    assert [h["name"] for h in rows] == ["renamed", "nb"] and rows[0]["categories"] == []


def test_delete_by_body_and_by_path(api, catcher):
    cid = api.create()
    first, second = hook(api, cid, catcher().url)["id"], hook(api, cid, catcher().url)["id"]
    assert api.delete(f"/campaigns/{cid}/webhooks", json={"id": first}).json() == {"ok": True}
    assert api.delete(f"/campaigns/{cid}/webhooks/{second}").json() == {"ok": True}
    assert api.get(f"/campaigns/{cid}/webhooks").json() == []
    r = api.delete(f"/campaigns/{cid}/webhooks", json={"id": first})
    assert r.status_code == 404 and "Webhook not found" in r.json()["error"]
    assert api.delete(f"/campaigns/{cid}/webhooks", json={}).status_code == 400


@pytest.mark.parametrize("change, message", [
    ({"name": None}, '"name" is required'),
    ({"webhook_url": None}, '"webhook_url" is required'),
    ({"event_types": None}, '"event_types" is required'),
    ({"event_types": []}, '"event_types" must contain at least 1 items'),
    ({"event_types": ["EMAIL_REPLIED"]}, '"event_types[0]" must be one of [EMAIL_SENT'),
    ({"categories": []}, '"categories" does not contain 1 required value(s)'),
    ({"secret_key": "x"}, '"secret_key" is not allowed'),
    ({"webhook_url": "ftp://127.0.0.1/x"}, "must be an http(s) URL"),
    ({"webhook_url": "https://hooks.example.eu/x"}, "only delivers webhooks to this machine"),
    ({"webhook_url": "http://127.0.0.1.nip.io/x"}, "'127.0.0.1.nip.io' is another host"),
])
def test_upsert_refusals(api, change, message):
    cid = api.create()
    body = {"id": None, "name": "nb", "webhook_url": "http://127.0.0.1:9/x",
            "event_types": ["EMAIL_SENT"]}
    body.update(change)
    r = api.post(f"/campaigns/{cid}/webhooks", json={k: v for k, v in body.items()
                                                     if v is not None or k == "id"})
    assert r.status_code == 400 and message in r.json()["error"], r.text
    assert api.get(f"/campaigns/{cid}/webhooks").json() == []


def test_unknown_campaign_and_summary_window_errors(api):
    assert api.get("/campaigns/99999/webhooks").status_code == 404
    cid = api.create()
    r = api.get(f"/campaigns/{cid}/webhooks/summary", params={"fromTime": WINDOW["fromTime"]})
    assert r.status_code == 400 and r.json()["error"] == '"toTime" is required'
    r = api.post(f"/campaigns/{cid}/webhooks/retrigger-failed-events",
                 json={"fromTime": "soon", "toTime": WINDOW["toTime"]})
    assert r.status_code == 400 and "ISO 8601" in r.json()["error"]


# -- delivery -------------------------------------------------------------------------------
def test_events_arrive_with_the_documented_payload(api, sandbox, catcher):
    receiver = catcher()
    cid = api.ready_campaign(n_leads=40, accounts=2)
    made = hook(api, cid, receiver.url, ["EMAIL_SENT", "EMAIL_OPEN", "EMAIL_REPLY"])
    sandbox.advance(days=4)
    assert sandbox.webhook_delivery.wait(5)
    kinds = [b["event_type"] for b in receiver.bodies]
    assert {"EMAIL_SENT", "EMAIL_OPEN"} <= set(kinds) <= {"EMAIL_SENT", "EMAIL_OPEN",
                                                          "EMAIL_REPLY"}
    sent = sandbox._app.store.conn.execute(
        "SELECT COUNT(*) FROM sent_emails WHERE campaign_id = ?", (cid,)).fetchone()[0]
    assert kinds.count("EMAIL_SENT") == sent > 0          # one event per email sent
    first = receiver.bodies[0]
    for key in ("event_type", "event_timestamp", "campaign_id", "campaign_name",
                "campaign_status", "client_id", "sl_email_lead_id", "sl_email_lead_map_id",
                "sl_lead_email", "stats_id", "from_email", "to_email", "to_name", "subject",
                "message_id", "sequence_number", "app_url", "ui_master_inbox_link",
                "description", "metadata", "secret_key", "webhook_url", "webhook_id",
                "webhook_name", "time_sent", "sent_message"):
        assert key in first, key
    assert first["campaign_id"] == cid and first["webhook_id"] == made["id"]
    assert first["secret_key"] == "secretkey" and first["to_email"] == first["sl_lead_email"]
    assert first["from_email"].endswith(".example")      # the sending mailbox, not the lead
    assert first["event_timestamp"].endswith("+00:00")
    # Times come from the simulated clock, in order, within the advance.
    stamps = [b["event_timestamp"] for b in receiver.bodies]
    assert stamps == sorted(stamps) and "2025-06-02" <= stamps[0][:10] <= stamps[-1][:10] \
        <= "2025-06-06"
    assert all(p == "/hook?token=t0k" for p in receiver.paths)
    # The clock moving on delivers only what is new.
    before = len(receiver.bodies)
    sandbox.advance(hours=1)
    sandbox.webhook_delivery.wait(5)
    assert len({json.dumps(b, sort_keys=True) for b in receiver.bodies}) == len(receiver.bodies)
    assert len(receiver.bodies) >= before


def test_a_reply_payload_carries_the_reply_and_the_stats_id(api, sandbox, catcher):
    receiver = catcher()
    cid = api.ready_campaign(n_leads=80, accounts=3, delays=(0,))
    hook(api, cid, receiver.url, ["EMAIL_REPLY", "LEAD_CATEGORY_UPDATED"])
    sandbox.advance(days=6)
    assert sandbox.webhook_delivery.wait(5)
    replies = [b for b in receiver.bodies if b["event_type"] == "EMAIL_REPLY"]
    assert replies, "80 leads at a 7% reply rate give replies with seed 0"
    reply = replies[0]
    assert set(reply["reply_message"]) == {"message_id", "html", "text", "time"}
    assert reply["leadCorrespondence"]["targetLeadEmail"] == reply["sl_lead_email"]
    assert reply["time_replied"] == reply["event_timestamp"]
    history = api.get(f"/campaigns/{cid}/leads/{reply['sl_email_lead_id']}/message-history")
    assert history.ok
    for category in (b for b in receiver.bodies if b["event_type"] == "LEAD_CATEGORY_UPDATED"):
        assert category["lead_category"]["new_name"] == category["category"]
        assert category["lastReply"] == category["last_reply"]


def test_retries_after_500_and_not_after_400(api, sandbox, catcher):
    sandbox.webhook_delivery.retry_delays = FAST
    flaky, refusing = catcher([500, 503]), catcher([400])
    cid = api.ready_campaign(n_leads=1, delays=(0,))
    hook(api, cid, flaky.url)
    hook(api, cid, refusing.url)
    sandbox.advance(days=1)
    assert sandbox.webhook_delivery.wait(5)
    assert [b["event_type"] for b in flaky.bodies] == ["EMAIL_SENT"] * 3    # 500, 503, 200
    assert len(refusing.bodies) == 1                                      # 4xx is final
    summary = api.get(f"/campaigns/{cid}/webhooks/summary", params=WINDOW).json()
    assert summary == {"total_calls": 2, "successful_calls": 1, "failed_calls": 1,
                       "success_rate": 50.0}
    again = api.post(f"/campaigns/{cid}/webhooks/retrigger-failed-events", json=WINDOW)
    assert again.json() == {"ok": True, "retriggered_count": 1}
    assert sandbox.webhook_delivery.wait(5)
    assert len(refusing.bodies) == 2 and refusing.bodies[1] == refusing.bodies[0]
    assert api.get(f"/campaigns/{cid}/webhooks/summary", params=WINDOW).json()[
        "successful_calls"] == 2


def test_retries_stop_after_three(api, sandbox, catcher):
    sandbox.webhook_delivery.retry_delays = FAST
    down = catcher([500] * 10)
    cid = api.ready_campaign(n_leads=1, delays=(0,))
    hook(api, cid, down.url)
    sandbox.advance(days=1)
    assert sandbox.webhook_delivery.wait(5)
    assert len(down.bodies) == 1 + len(FAST)
    assert api.get(f"/campaigns/{cid}/webhooks/summary", params=WINDOW).json()[
        "failed_calls"] == 1


def test_categories_filter_category_updates(api, sandbox, catcher):
    picky = catcher()
    cid = api.ready_campaign(n_leads=80, accounts=3, delays=(0,))
    hook(api, cid, picky.url, ["LEAD_CATEGORY_UPDATED"], categories=["Wrong Person"])
    everything = catcher()
    hook(api, cid, everything.url, ["LEAD_CATEGORY_UPDATED"])
    sandbox.advance(days=6)
    assert sandbox.webhook_delivery.wait(5)
    assert everything.bodies and {b["category"] for b in everything.bodies} != {"Wrong Person"}
    assert all(b["category"] == "Wrong Person" for b in picky.bodies)


def test_nothing_is_delivered_without_webhooks_or_after_delete(api, sandbox, catcher):
    receiver = catcher()
    cid = api.ready_campaign(n_leads=5, delays=(0,))
    made = hook(api, cid, receiver.url)
    api.delete(f"/campaigns/{cid}/webhooks", json={"id": made["id"]})
    sandbox.advance(days=2)
    assert sandbox.webhook_delivery.wait(5) and receiver.bodies == []


def test_an_https_url_is_spoken_to_in_tls_never_in_plain_http(api, sandbox, catcher):
    """A receiver that only speaks plain HTTP gets nothing from an ``https://`` hook: the
    attempts fail in the TLS handshake, and the error says so."""
    sandbox.webhook_delivery.retry_delays = FAST
    plain = catcher()
    cid = api.ready_campaign(n_leads=1, delays=(0,))
    hook(api, cid, plain.url.replace("http://", "https://"))
    sandbox.advance(days=1)
    assert sandbox.webhook_delivery.wait(5)
    assert plain.bodies == []
    rows = sandbox._app.store.conn.execute(
        "SELECT status, attempts, last_error FROM webhook_deliveries").fetchall()
    assert [(r["status"], r["attempts"]) for r in rows] == [("failed", 1 + len(FAST))]
    assert rows[0]["last_error"].startswith("SSL")


# -- never another machine -----------------------------------------------------------------
@pytest.mark.parametrize("url, address", [
    ("http://127.0.0.1:8000/x", ("127.0.0.1", 8000)),
    ("http://127.3.4.5/x", ("127.3.4.5", 80)),
    ("http://LOCALHOST.:81/x", ("127.0.0.1", 81)),
    ("http://[::1]:82/x", ("::1", 82)),
    ("https://[::ffff:127.0.0.1]/x", ("127.0.0.1", 443)),
])
def test_loopback_hosts_are_delivered_to_by_address(url, address):
    assert loopback_target(url).address == address


@pytest.mark.parametrize("url", [
    "http://example.com/x", "http://10.0.0.1/x", "http://0.0.0.0/x", "http://[::]/x",
    "http://127.0.0.1.evil.example/x", "http://localhost.evil.example/x",
    "http://127.0.0.1@evil.example/x", "http://evil.example#@127.0.0.1/x",
    "http://2130706433/x", "http://0x7f.1/x", "file:///etc/passwd", "http:///x",
])
def test_every_other_host_is_refused(url):
    with pytest.raises(NotThisMachine):
        loopback_target(url)


def test_a_stored_foreign_url_is_never_contacted(api, sandbox, monkeypatch):
    """Even a URL that got into the database some other way is refused at delivery."""
    contacted = []
    real_init = http.client.HTTPConnection.__init__

    def record(self, host, *args, **kwargs):
        contacted.append(host)
        real_init(self, host, *args, **kwargs)
    monkeypatch.setattr(http.client.HTTPConnection, "__init__", record)
    cid = api.ready_campaign(n_leads=2, delays=(0,))
    store = sandbox._app.store
    with store.transaction() as db:
        db.execute("INSERT INTO webhooks (campaign_id, name, webhook_url, event_types, "
                   "secret_key, created_at, updated_at) VALUES (?, 'x', "
                   "'http://93.184.216.34/steal', '[\"EMAIL_SENT\"]', 's', '', '')", (cid,))
    sandbox.advance(days=1)
    assert sandbox.webhook_delivery.wait(5)
    assert set(contacted) <= {"127.0.0.1"}     # the test's own API calls, nothing else
    rows = store.conn.execute("SELECT status, attempts, last_error FROM webhook_deliveries"
                              ).fetchall()
    assert rows and all(r["status"] == "failed" and r["attempts"] == 1 for r in rows)
    assert "only delivers webhooks to this machine" in rows[0]["last_error"]


def test_deliveries_wait_for_the_transaction(api, sandbox, catcher):
    """A rolled-back advance sends nothing: the queue is read only after a commit."""
    receiver = catcher()
    cid = api.ready_campaign(n_leads=3, delays=(0,))
    hook(api, cid, receiver.url)
    store = sandbox._app.store
    with pytest.raises(RuntimeError):
        with store.transaction():
            from smartlead_nb.sandbox import simulation
            from datetime import timedelta
            simulation.advance(store, sandbox.seed, timedelta(days=1))
            raise RuntimeError("rolled back")
    assert sandbox.webhook_delivery.wait(2) and receiver.bodies == []
    assert webhooks.deliverer(store) is sandbox.webhook_delivery
