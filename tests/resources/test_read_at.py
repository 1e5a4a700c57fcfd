"""Every frame the client reads carries ``attrs["read_at"]``: the server's time when the read
started (issue 20, item 1). Enumerated over the client's methods, so a new frame method that
forgets the stamp fails here; checked over real HTTP against the sandbox's simulated clock
and a scripted server's ``Date`` headers; and the pandas operations an analyst does next are
pinned (which keep ``attrs``, which lose them), as the stamp's docstring says."""

from __future__ import annotations

import inspect
from datetime import datetime, timezone

import pandas as pd
import pytest

from smartlead_nb import SmartleadClient
from smartlead_nb.resources._base import server_time, service_verbs

# Verbs returning a DataFrame that are not reads: the report of what an action did.
ACTION_REPORTS = {"campaigns.subsequences.push_leads", "leads.move"}


def _frame_methods():
    for name, member in service_verbs(SmartleadClient).items():
        returns = str(inspect.signature(member).return_annotation)
        if name.endswith("frame") or "DataFrame" in returns:
            yield name, member


def test_every_method_that_reads_a_frame_stamps_it():
    methods = dict(_frame_methods())
    assert len(methods) >= 30                 # the enumeration found the frame methods
    reads = {name for name in methods if name not in ACTION_REPORTS}
    unstamped = sorted(n for n in reads if not getattr(methods[n], "stamps_read_at", False))
    assert not unstamped, f"frame methods without @Resource.stamps_read_at: {unstamped}"
    # and an action's report is not passed off as a read of the account
    assert not [n for n in ACTION_REPORTS if getattr(methods[n], "stamps_read_at", False)]
    # a name ending in _frame that returns no DataFrame would escape the annotation rule
    assert {n for n in methods if n.endswith("frame")} <= reads


def test_read_at_is_the_sandbox_clock_not_this_machine(client, sandbox, ready_campaign):
    client.campaigns.schedule(ready_campaign, timezone="UTC", days="Mon-Fri", start="08:00",
                              end="18:00")
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=9, hours=3)
    clock = pd.Timestamp(client.sandbox.state()["now"])
    frames = {
        "campaign_statistics_frame": client.statistics.frame(ready_campaign),
        "campaigns_frame": client.campaigns.frame(),
        "sequences_frame": client.sequences.frame(ready_campaign),
        "campaign_leads_frame": client.leads.frame(ready_campaign),
        "mailbox_statistics_frame": client.statistics.mailboxes.frame(ready_campaign),
        "lead_categories_frame": client.leads.categories.frame(),
        "leads_export": client.leads.export(ready_campaign),
    }
    for name, frame in frames.items():
        read_at = frame.attrs.get("read_at")
        assert isinstance(read_at, pd.Timestamp) and str(read_at.tz) == "UTC", name
        # HTTP dates have whole seconds: the clock, truncated (the simulated clock is in
        # January 2025, this machine's is not)
        assert read_at == clock.floor("s"), (name, read_at, clock)
    # a later look at a moved clock gets the new time
    sandbox.advance(days=1)
    later = client.statistics.frame(ready_campaign).attrs["read_at"]
    assert later == (clock + pd.Timedelta(days=1)).floor("s")
    # nothing sent after read_at is in the frame: the stamp vouches for the rows
    stats = frames["campaign_statistics_frame"]
    assert len(stats) and stats["sent_time"].max() <= clock


def _campaign_reply(date):
    return {"json": {"id": 7, "name": "c", "status": "ACTIVE"}, "date": date}


def _page(rows, date):
    return {"json": {"total_stats": str(len(rows)), "data": rows, "offset": 0,
                     "limit": 2}, "date": date}


ROW = {"lead_email": "a@x.io", "sequence_number": 1, "seq_variant_id": 11,
       "sent_time": "2025-01-06T09:00:00.000Z", "reply_time": None}


def test_read_at_is_when_the_read_started_not_when_it_ended(scripted):
    server, client = scripted(_campaign_reply("Mon, 06 Jan 2025 09:00:00 GMT"),
                              _page([ROW, ROW], "Mon, 06 Jan 2025 09:05:00 GMT"),
                              _page([ROW], "Mon, 06 Jan 2025 09:10:00 GMT"))
    with client:
        frame = client.statistics.frame(7, page_size=2)
    assert len(server.received) == 3 and len(frame) == 3
    assert frame.attrs["read_at"] == pd.Timestamp("2025-01-06 09:00", tz="UTC")


@pytest.mark.parametrize("date", [None, "not a date", "Mon, 32 Foo 2025 99:00:00 GMT"])
def test_without_a_readable_date_the_read_starts_on_this_machines_clock(scripted, date):
    _, client = scripted(_campaign_reply(date), _page([ROW], date))
    before = datetime.now(timezone.utc)
    with client:
        frame = client.statistics.frame(7)
    after = datetime.now(timezone.utc)
    assert before <= frame.attrs["read_at"] <= after


def test_a_date_in_another_zone_is_read_as_utc():
    assert server_time({"date": "Mon, 06 Jan 2025 10:00:00 +0100"}).isoformat() == \
        "2025-01-06T09:00:00+00:00"
    assert server_time({}) is None and server_time({"Date": 12}) is None


def test_a_failed_read_leaves_no_stamp_waiting(scripted):
    """An error mid-read must not leave the next read's stamp to an older answer."""
    _, client = scripted({"status": 404, "json": {"error": "Campaign not found"},
                          "date": "Mon, 06 Jan 2025 09:00:00 GMT"},
                         _campaign_reply("Tue, 07 Jan 2025 09:00:00 GMT"),
                         _page([ROW], "Tue, 07 Jan 2025 09:00:05 GMT"))
    with client:
        with pytest.raises(Exception):
            client.statistics.frame(7)
        frame = client.statistics.frame(7)
    assert frame.attrs["read_at"] == pd.Timestamp("2025-01-07 09:00", tz="UTC")
    assert client._api.reads_waiting() == []


# --- what pandas does with attrs (the stamp's docstring promises these) -------------------

READ_AT = pd.Timestamp("2025-01-06 09:00", tz="UTC")


def _stamped():
    frame = pd.DataFrame({"seq_variant_id": [11, 12, 11], "sent": [1, 2, 3]})
    frame.attrs["read_at"] = READ_AT
    return frame


KEEP = {
    "a row selection": lambda f: f[f["sent"] > 1],
    "a column selection": lambda f: f[["sent"]],
    "loc": lambda f: f.loc[[0, 2]],
    "copy": lambda f: f.copy(),
    "assign": lambda f: f.assign(double=f["sent"] * 2),
    "arithmetic": lambda f: f * 2,
    "sort_values": lambda f: f.sort_values("sent"),
    "query": lambda f: f.query("sent > 1"),
    "drop_duplicates": lambda f: f.drop_duplicates(),
    "a new column": lambda f: (f.__setitem__("double", f["sent"] * 2), f)[1],
    "groupby().agg": lambda f: f.groupby("seq_variant_id").agg(sent=("sent", "sum")),
    "groupby().sum()": lambda f: f.groupby("seq_variant_id").sum(),
    "merge of frames with the same stamp": lambda f: f.merge(f.copy(), on="seq_variant_id"),
    "concat of frames with the same stamp": lambda f: pd.concat([f, f]),
}
LOSE = {
    "merge with an unstamped frame": lambda f: f.merge(pd.DataFrame({"seq_variant_id": [11]})),
    "groupby().size()": lambda f: f.groupby("seq_variant_id").size(),
    "value_counts": lambda f: f["seq_variant_id"].value_counts(),
    "concat with an unstamped part": lambda f: pd.concat([f, pd.DataFrame({"sent": [4]})]),
    "a new DataFrame from its columns": lambda f: pd.DataFrame({"sent": f["sent"]}),
    "from_records of to_dict": lambda f: pd.DataFrame.from_records(f.to_dict("records")),
}


@pytest.mark.parametrize("operation", KEEP)
def test_pandas_operations_that_keep_read_at(operation):
    assert KEEP[operation](_stamped()).attrs.get("read_at") == READ_AT


@pytest.mark.parametrize("operation", LOSE)
def test_pandas_operations_that_lose_read_at(operation):
    assert "read_at" not in LOSE[operation](_stamped()).attrs
