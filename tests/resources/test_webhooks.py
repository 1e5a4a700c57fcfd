"""client.webhooks (resources/webhooks.py): a campaign's hooks, saved without duplicates, and the
delivery summary."""

import json
import socket

import pandas as pd
import pytest
import requests
import smartlead_nb as sl

from smartlead_nb import InputError, NotFoundError
from smartlead_nb.resources.webhooks import WEBHOOK_EVENT_TYPES
from smartlead_nb.sandbox.webhooks.events import EVENT_TYPES as SANDBOX_EVENT_TYPES

from ..helpers import sent


WINDOW = ("2025-01-01", "2026-01-01")


@pytest.fixture
def receiver():
    with sl.webhooks.listen() as r:
        yield r


@pytest.fixture
def started(client, ready_campaign):
    client.campaigns.start(ready_campaign, confirm=True)
    return ready_campaign


def test_the_client_and_the_sandbox_know_the_same_event_types():
    assert WEBHOOK_EVENT_TYPES == SANDBOX_EVENT_TYPES


def test_save_list_frame_delete(client, sandbox, receiver):
    cid = client.campaigns.create("Hooks")["id"]
    assert client.webhooks.list(cid) == [] and client.webhooks.frame(cid).empty
    made = client.webhooks.save(cid, "nb", receiver.url, ["email_reply", "EMAIL_SENT"])
    assert made["ok"] is True and made["event_type_map"] == {"EMAIL_REPLY": True,
                                                             "EMAIL_SENT": True}
    body = sent(sandbox, "POST", f"/campaigns/{cid}/webhooks")[-1]["json"]
    assert body == {"id": None, "name": "nb", "webhook_url": receiver.url,
                    "event_types": ["EMAIL_REPLY", "EMAIL_SENT"]}     # no "categories" key
    # Saving the same URL again updates that hook instead of making a second one.
    again = client.webhooks.save(cid, "nb v2", receiver.url, "LEAD_CATEGORY_UPDATED",
                                 categories=["Interested"])
    assert again["id"] == made["id"]
    assert sent(sandbox, "POST", f"/campaigns/{cid}/webhooks")[-1]["json"]["id"] == made["id"]
    frame = client.webhooks.frame(cid)
    assert frame.columns.tolist() == ["id", "name", "webhook_url", "email_campaign_id",
                                      "event_types", "categories"]
    assert frame["id"].dtype == "Int64" and frame.loc[0, "name"] == "nb v2"
    assert frame.loc[0, "categories"] == ["Interested"]
    assert client.webhooks.delete(cid, made["id"]) == {"ok": True}
    assert sent(sandbox, "DELETE", f"/campaigns/{cid}/webhooks")[-1]["json"] == {
        "id": made["id"]}
    with pytest.raises(NotFoundError, match=f"webhook {made['id']} of campaign {cid}"):
        client.webhooks.delete(cid, made["id"])


@pytest.mark.parametrize("kwargs, message", [
    ({"event_types": ["EMAIL_REPLIED"]}, "unknown webhook event type 'EMAIL_REPLIED' "
                                         r"\(did you mean 'EMAIL_REPLY'\?\); allowed: EMAIL_SENT"),
    ({"event_types": []}, "event_types is empty"),
    ({"webhook_url": "ftp://127.0.0.1/x"}, "webhook_url must be an http:// or https:// URL"),
    ({"webhook_url": "127.0.0.1:8000/hook"}, "got '127.0.0.1:8000/hook'"),
    ({"categories": []}, "categories is empty, which SmartLead refuses: leave categories out"),
    ({"categories": [""]}, "categories must be category names"),
    ({"name": " "}, "name must be non-empty text"),
])
def test_bad_input_is_refused_before_sending(client, sandbox, kwargs, message):
    args = dict({"name": "nb", "webhook_url": "http://127.0.0.1:9/x",
                 "event_types": ["EMAIL_SENT"]}, **kwargs)
    with pytest.raises(InputError, match=message):
        client.webhooks.save(1001, **args)
    assert sandbox.requests == []


def test_summary_window_is_checked_before_sending(client, sandbox):
    with pytest.raises(InputError, match="from_time .* is after to_time"):
        client.webhooks.summary(1001, "2025-06-08", "2025-06-01")
    with pytest.raises(InputError, match="to_time must be a date or time"):
        client.webhooks.retrigger_failed(1001, "2025-06-01", "next week")
    assert sandbox.requests == []


def test_the_sandbox_refuses_another_machine(client, sandbox):
    cid = client.campaigns.create("Hooks")["id"]
    with pytest.raises(sl.BadRequestError, match="only delivers webhooks to this machine"):
        client.webhooks.save(cid, "nb", "https://hooks.example.eu/sl?token=x", ["EMAIL_REPLY"])
    assert client.webhooks.list(cid) == []


def test_events_arrive_live_in_the_receiver(client, sandbox, started, receiver):
    client.webhooks.save(started, "nb", receiver.url, ["EMAIL_SENT", "EMAIL_OPEN"])
    sandbox.advance(days=1)
    assert receiver.wait(30, timeout=5, settle=0.3)     # the burst is over
    assert sandbox.webhook_delivery.pending() == 0
    frame = receiver.frame()
    assert set(frame["event_type"]) <= {"EMAIL_SENT", "EMAIL_OPEN"}
    assert (frame["campaign_id"] == started).all() and frame["campaign_id"].dtype == "Int64"
    assert str(frame["event_time"].dt.tz) == "UTC"
    assert frame["event_time"].min() >= pd.Timestamp(sandbox.now) - pd.Timedelta(days=1)
    assert frame["lead_email"].str.endswith("@example.com").all()
    assert isinstance(frame.loc[0, "payload"], dict)
    assert frame["event_type"].eq("EMAIL_SENT").sum() == 30      # every lead's first step
    summary = client.webhooks.summary(started, *WINDOW)
    assert summary["total_calls"] == summary["successful_calls"] == len(frame)
    assert client.webhooks.retrigger_failed(started, *WINDOW) == {"ok": True,
                                                                  "retriggered_count": 0}


def post(receiver, body, path=None):
    url = receiver.url if path is None else receiver.url.rsplit("/", 2)[0] + path
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(url, data=data, headers={"Content-Type": "application/json"},
                         timeout=5)


REPLY = {"event_type": "EMAIL_REPLY", "sl_email_lead_id": "555001", "campaign_id": 7,
         "time_replied": "2025-06-04T10:15:00+00:00", "stats_id": "a891",
         "from_email": "max@send-eu.example", "to_email": "ana@example.eu",
         "reply_message": {"message_id": "<CAF=abc123@mail.gmail.com>"}}


def test_the_receiver_deduplicates_by_the_documented_keys(receiver):
    assert post(receiver, REPLY).status_code == 200
    assert post(receiver, dict(REPLY, webhook_id=2)).status_code == 200   # a second hook
    open_ = {"event_type": "EMAIL_OPEN", "sl_email_lead_id": "555001", "stats_id": "a891",
             "time_opened": "2025-06-04T10:15:00+00:00"}
    assert post(receiver, [open_, dict(open_, time_opened="2025-06-04T10:15:00.000Z"),
                           dict(open_, time_opened="2025-06-05T08:00:00Z")]).status_code == 200
    assert receiver.wait(3, timeout=2)
    assert receiver.received == 5 and receiver.duplicates == 2 and len(receiver) == 3
    frame = receiver.frame()
    assert frame["event_type"].tolist() == ["EMAIL_REPLY", "EMAIL_OPEN", "EMAIL_OPEN"]
    assert frame.loc[0, "lead_email"] == "ana@example.eu"         # not from_email
    assert frame.loc[0, "stats_id"] == "a891"


def test_the_receiver_takes_only_its_own_path_and_good_bodies(receiver):
    assert post(receiver, REPLY, path="/smartlead/guessed").status_code == 404
    assert post(receiver, b"not json").status_code == 400
    assert post(receiver, [1, 2]).status_code == 400
    assert receiver.received == 0 and not receiver.wait(1, timeout=0.05)
    assert receiver.url.split("/")[-1] not in repr(receiver)      # the token authenticates


def test_the_receiver_checks_the_secret_when_asked():
    with sl.webhooks.listen(secret="SecretKey") as receiver:
        assert post(receiver, dict(REPLY, secret_key="wrong")).status_code == 401
        assert post(receiver, dict(REPLY, secret_key="secretkey")).status_code == 200
        assert len(receiver) == 1


def test_the_receiver_listens_on_loopback_only_and_stops(receiver):
    assert receiver.url.startswith(f"http://127.0.0.1:{receiver.port}/smartlead/")
    with pytest.raises(ConnectionRefusedError):     # another loopback address: not bound
        socket.create_connection(("127.0.0.2", receiver.port), timeout=5).close()
    receiver.stop()
    with pytest.raises(requests.ConnectionError):
        post(receiver, REPLY)
    assert receiver.frame().empty


def test_webhooks_is_a_public_lazy_submodule():
    assert "webhooks" in dir(sl) and "webhooks" in sl.__all__
    assert sl.webhooks.listen is sl.webhooks.Receiver.__init__.__globals__["listen"]


@pytest.mark.parametrize("limit, value", [("max_body", 0), ("timeout", -1), ("workers", 1.5),
                                          ("max_events", None), ("max_bytes", "1"),
                                          ("max_connections", True), ("timeout", float("nan"))])
def test_the_receivers_limits_are_checked(limit, value):
    with pytest.raises(InputError, match=f"{limit} must be a"):
        sl.webhooks.listen(**{limit: value})


def test_a_secret_must_be_text():
    with pytest.raises(InputError, match="secret must be text, got int"):
        sl.webhooks.listen(secret=1234)
