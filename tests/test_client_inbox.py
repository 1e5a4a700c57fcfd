"""The client's master inbox and warm-up methods, over real HTTP against the sandbox.

The documented answer shapes the sandbox does not serve (inbox shape (b), warm-up shape B)
come from the scripted local server.
"""

import json
import math
from datetime import timedelta

import pandas as pd
import pytest

from smartlead_nb.errors import InputError, NotFoundError

from tests.helpers import START, sent


def launch(client, name, n_leads, accounts, domain="example.com"):
    cid = client.campaigns.create(name)["id"]
    client.sequences.save(cid, [
        {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0}, "subject": "Hi {{first_name}}",
         "email_body": "Hello"},
        {"seq_number": 2, "seq_delay_details": {"delay_in_days": 2}, "subject": "",
         "email_body": "Following up"}])
    client.campaigns.email_accounts.add(cid, accounts)
    client.leads.add(cid, [{"email": f"p{i}.{cid}@{domain}", "first_name": f"P{i}"}
                           for i in range(n_leads)])
    client.campaigns.start(cid, confirm=True)
    return cid


@pytest.fixture
def healthy(client):
    return [a["id"] for a in client.email_accounts.list()
            if a["is_smtp_success"] and a["is_imap_success"]]


@pytest.fixture
def replied(client, sandbox, healthy):
    """Two campaigns after nine days of sending (plenty of replies); their ids."""
    a = launch(client, "Inbox A", 260, healthy[:3])
    b = launch(client, "Inbox B", 160, healthy[2:4], domain="example.org")
    sandbox.advance(days=9)
    sandbox.clear_requests()
    return a, b


def stats_replies(client, cid):
    frame = client.statistics.frame(cid, email_status="replied")
    return frame.assign(campaign_id=cid)


def inbox_requests(sandbox, view="inbox-replies"):
    return sent(sandbox, "POST", f"/master-inbox/{view}")


def test_iter_inbox_pages_at_20_until_a_short_page(client, sandbox, replied):
    rows = client.inbox.list()
    truth = pd.concat([stats_replies(client, c) for c in replied])
    assert {(r["email_campaign_id"], r["lead_email"]) for r in rows} == \
        set(zip(truth["campaign_id"], truth["lead_email"]))
    pages = inbox_requests(sandbox)
    assert len(rows) > 40
    assert len(pages) == len(rows) // 20 + 1              # the last page is the short one
    assert [p["json"]["offset"] for p in pages] == [20 * i for i in range(len(pages))]
    assert all(p["json"]["limit"] == 20 for p in pages)


def test_limit_stops_early(client, sandbox, replied):
    assert len(client.inbox.list(limit=25)) == 25
    assert len(inbox_requests(sandbox)) == 2


def test_every_filter_goes_in_the_body(client, sandbox, replied, healthy):
    a, b = replied
    lo, hi = START + timedelta(days=2), START + timedelta(days=6)
    names = {c["name"]: c["id"] for c in client.leads.categories.list()}
    sandbox.clear_requests()
    rows = client.inbox.list("sent", campaign_id=[a, b], email_account_id=healthy[2],
                             categories=["Interested", "Meeting Request"], exclude_categories=[4],
                             categorised=True, reply_time_between=(lo, hi), search="p1",
                             email_status=["Replied"], sort_by="SENT_TIME_DESC")
    body = inbox_requests(sandbox, "sent")[0]["json"]
    assert body == {"offset": 0, "limit": 20, "sortBy": "SENT_TIME_DESC", "filters": {
        "search": "p1",
        "leadCategories": {"categoryIdsIn": [names["Interested"], names["Meeting Request"]],
                           "categoryIdsNotIn": [4], "isAssigned": True},
        "emailStatus": ["Replied"], "campaignId": [a, b], "emailAccountId": [healthy[2]],
        "replyTimeBetween": ["2025-01-08T08:00:00.000Z", "2025-01-12T08:00:00.000Z"]}}
    assert len(sent(sandbox, "GET", "/leads/fetch-categories")) == 1     # names looked up once
    for row in rows:
        assert row["email_account_id"] == healthy[2] and "p1" in row["lead_email"]
        assert row["lead_category_id"] in (names["Interested"], names["Meeting Request"])
        assert lo <= pd.Timestamp(row["last_reply_time"]) <= hi


@pytest.mark.parametrize("kwargs", [
    {"campaign_id": None}, {"categories": ["Out Of Office"]}, {"categorised": False},
    {"search": "example.org"}, {"email_status": "Replied"},
])
def test_each_filter_narrows_to_what_it_names(client, replied, kwargs):
    everything = pd.DataFrame(client.inbox.list())
    chosen = client.inbox.frame(**kwargs)
    if kwargs.get("categories"):
        ooo = {c["name"]: c["id"] for c in client.leads.categories.list()}["Out Of Office"]
        expected = everything[everything["lead_category_id"] == ooo]
    elif kwargs.get("categorised") is False:
        expected = everything[everything["lead_category_id"].isna()]
    elif kwargs.get("search"):
        expected = everything[everything["lead_email"].str.contains("example.org")]
    else:
        expected = everything
    assert 0 < len(chosen) and set(chosen["email_lead_map_id"]) == \
        set(expected["email_lead_map_id"])


def test_campaign_and_account_filters(client, replied, healthy):
    a, b = replied
    only_b = client.inbox.frame(campaign_id=b)
    assert set(only_b["lead_email"]) == set(stats_replies(client, b)["lead_email"])
    mine = client.inbox.frame(email_account_id=[healthy[0]])
    assert len(mine) and set(mine["email_account_id"]) == {healthy[0]}


@pytest.mark.parametrize("kwargs, words", [
    ({"view": "spam"}, "unknown inbox view 'spam'"),
    ({"campaign_id": [1, 2, 3, 4, 5, 6]}, "at most 5"),
    ({"view": "unread-replies", "email_account_id": list(range(1, 12))}, "at most 10"),
    ({"email_account_id": list(range(1, 22))}, "at most 20"),
    ({"categories": list(range(1, 12))}, "at most 10"),
    ({"search": "x" * 31}, "at most 30 characters"),
    ({"email_status": "replied"}, "capitalised"),
    ({"sort_by": "NEWEST"}, "unknown sort_by"),
    ({"page_size": 21}, "between 1 and 20"),
    ({"reply_time_between": ("2025-06-08", "2025-06-01")}, "before it starts"),
    ({"reply_time_between": ("2025-06-08",)}, "a pair (start, end)"),
    ({"reply_time_between": ("soon", "later")}, "must be a date or time"),
    ({"campaign_id": -3}, "positive whole number"),
])
def test_bad_input_is_refused_before_sending(client, sandbox, kwargs, words):
    view = kwargs.pop("view", "inbox-replies")
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        client.inbox.list(view, **kwargs)
    assert sandbox.requests == []


def test_unknown_category_name(client, sandbox):
    with pytest.raises(InputError, match="no lead category named 'Hot'.*'Interested'"):
        client.inbox.list(categories=["Hot"])
    assert not inbox_requests(sandbox)


def test_fetch_message_history_rows_carry_the_reply_text(client, sandbox, replied):
    rows = client.inbox.list(fetch_message_history=True, limit=5)
    assert inbox_requests(sandbox)[0]["query"] == {"fetch_message_history": "true"}
    for row in rows:
        history = client.leads.message_history(row["email_campaign_id"], row["email_lead_id"])
        replies = history[history["type"] == "REPLY"]
        in_row = [h for h in row["history"] if h["type"] == "REPLY"]
        assert [h["email_body"] for h in in_row] == list(replies["email_body"]) != []


def test_inbox_thread_and_404(client, replied):
    row = client.inbox.list(limit=1)[0]
    thread = client.inbox.get(row["email_lead_map_id"])
    assert thread["lead_email"] == row["lead_email"]
    assert thread["history"][-1]["type"] == "REPLY"
    with pytest.raises(NotFoundError, match="inbox thread 123 not found"):
        client.inbox.get(123)


def test_replies_frame_matches_the_statistics_in_bulk(client, sandbox, replied):
    truth = pd.concat([stats_replies(client, c) for c in replied])
    sandbox.clear_requests()
    frame = client.inbox.replies(list(replied), text=True)
    assert len(frame) == len(truth) > 40
    got = frame.set_index(["campaign_id", "lead_email"]).sort_index()
    want = truth.set_index(["campaign_id", "lead_email"]).sort_index()
    assert list(got.index) == list(want.index)
    assert got["reply_time"].tolist() == want["reply_time"].tolist()
    assert got["category"].fillna("-").tolist() == want["lead_category"].fillna("-").tolist()
    assert got["mailbox"].str.endswith("@demo-sender.example").all()
    assert (frame["reply_text"] == "Thanks for reaching out - (simulated reply)").all()
    # Requests: the inbox pages, the category names and the mailbox list; no message-history.
    paths = [r["path"] for r in sandbox.requests]
    assert not [p for p in paths if p.endswith("/message-history")]
    assert paths.count("/master-inbox/inbox-replies") == math.ceil((len(frame) + 1) / 20)
    assert len(paths) == paths.count("/master-inbox/inbox-replies") + 2


def test_replies_frame_text_matches_message_history(client, replied):
    frame = client.inbox.replies([replied[0]], text=True).head(3)
    for row in frame.itertuples():
        history = client.leads.message_history(row.campaign_id, row.lead_id)
        reply = history[history["type"] == "REPLY"].iloc[-1]
        assert row.reply_html == reply["email_body"] and row.message_id == reply["message_id"]
        assert row.reply_time == reply["time"]


def test_replies_frame_across_more_than_five_campaigns(client, sandbox, healthy):
    ids = [launch(client, f"Wave {n}", 40, healthy[:2], domain=f"wave{n}.example")
           for n in range(7)]
    sandbox.advance(days=6)
    sandbox.clear_requests()
    frame = client.inbox.replies(ids)
    bodies = [r["json"]["filters"]["campaignId"] for r in inbox_requests(sandbox)]
    assert {tuple(b) for b in bodies} == {tuple(ids[:5]), tuple(ids[5:])}
    assert set(frame["campaign_id"]) <= set(ids) and len(set(frame["campaign_id"])) >= 5
    assert "reply_text" not in frame.columns
    assert frame["reply_time"].is_monotonic_decreasing


def test_replies_frame_window_and_categories(client, sandbox, replied):
    everything = client.inbox.replies()
    lo, hi = START + timedelta(days=3), START + timedelta(days=5)
    sandbox.clear_requests()
    window = client.inbox.replies(since=lo, until=hi, categories=["Interested"])
    body = inbox_requests(sandbox)[0]["json"]["filters"]
    assert body["replyTimeBetween"] == ["2025-01-09T08:00:00.000Z", "2025-01-11T08:00:00.000Z"]
    expected = everything[(everything["reply_time"] >= lo) & (everything["reply_time"] <= hi)
                          & (everything["category"] == "Interested")]
    assert len(window) == len(expected) > 0
    since_only = client.inbox.replies(since=lo)
    assert len(since_only) == (everything["reply_time"] >= lo).sum()


def test_replies_frame_with_no_replies_has_its_columns(client):
    frame = client.inbox.replies(text=True)
    assert frame.empty and {"reply_time", "lead_email", "campaign_name", "mailbox", "category",
                            "reply_text"} <= set(frame.columns)
    assert str(frame["reply_time"].dtype) == "datetime64[ms, UTC]"


# -- warm-up ----------------------------------------------------------------------------------
def test_warmup_stats_frame_one_row_per_account_per_day(client, healthy):
    frame = client.email_accounts.warmup.frame(healthy[:3])
    assert len(frame) == 21 and frame.groupby("email_account_id").size().tolist() == [7, 7, 7]
    assert frame["date"].max() == pd.Timestamp(START.date())
    for col in ("sent_count", "reply_count", "save_from_spam_count"):
        assert str(frame[col].dtype) == "Int64"
    raw = client.email_accounts.warmup.stats(healthy[0])
    assert isinstance(raw["sent_count"], int)
    assert frame[frame["email_account_id"] == healthy[0]]["sent_count"].sum() == raw["sent_count"]


def test_warmup_totals(client):
    accounts = {a["from_email"]: a["id"] for a in client.email_accounts.list()}
    totals = client.email_accounts.warmup.totals(list(accounts.values())).set_index("email_account_id")
    maya = totals.loc[accounts["maya@demo-sender.example"]]
    assert maya["spam_rate"] == pytest.approx(maya["spam_count"] / maya["sent_count"])
    assert maya["inbox_placement"] == pytest.approx(1 - maya["spam_rate"])
    assert pd.isna(totals.loc[accounts["lucas@demo-sender.example"], "spam_rate"])  # sent 0


def test_warmup_unknown_account_and_bad_ids(client, sandbox):
    with pytest.raises(NotFoundError, match="email account 3999 not found"):
        client.email_accounts.warmup.frame([3999])
    sandbox.clear_requests()
    with pytest.raises(InputError, match="no email account ids"):
        client.email_accounts.warmup.frame([])
    with pytest.raises(InputError, match="positive whole number"):
        client.email_accounts.warmup.totals(["abc"])
    assert sandbox.requests == []


# -- shapes only a scripted server can give ---------------------------------------------------
def test_inbox_shape_b_is_read(scripted):
    message = {"id": 1, "campaign_lead_map_id": 77, "lead": {"id": 5, "email": "a@x.io",
                                                               "first_name": "Ana"},
               "campaign": {"id": 7, "name": "Q3"}, "email_account": {"id": 3},
               "last_message": {"time": "2025-06-04T10:15:00.000Z"},
               "category": {"id": 1, "name": "Interested"}, "is_read": True}
    server, client = scripted({"json": {"messages": [message], "total_count": 1,
                                        "offset": 0, "limit": 20}})
    frame = client.inbox.frame()
    assert frame[["email_lead_map_id", "lead_email", "email_campaign_name",
                  "lead_category_id"]].values.tolist() == [[77, "a@x.io", "Q3", 1]]
    assert frame["has_new_unread_email"].tolist() == [False]
    assert json.loads(server.received[0]["body"])["limit"] == 20


def test_warmup_shape_b_fallback(scripted):
    body = {"total_sent": "40", "spam_count": "4", "reputation_score": 92,
            "daily_stats": [{"date": "2025-06-01", "sent": 20, "spam": 1, "delivered": 19,
                             "opened": 10, "replied": 5},
                            {"date": "2025-06-02", "sent": 20, "spam": 3, "delivered": 17,
                             "opened": 9, "replied": 4}]}
    server, client = scripted({"json": body}, {"json": body})
    daily = client.email_accounts.warmup.frame([9001])
    assert daily[["sent_count", "reply_count", "spam_count", "inbox_count"]].values.tolist() \
        == [[20, 5, 1, 19], [20, 4, 3, 17]]
    totals = client.email_accounts.warmup.totals(9001)
    assert totals[["sent_count", "inbox_count", "reply_count"]].values.tolist() == [[40, 36, 9]]
    assert totals["spam_rate"].tolist() == [0.1]
