"""A mirror synced from a recording equals one synced from the server (replay mode)."""

from __future__ import annotations

import smartlead_nb as sl
from smartlead_nb import SmartleadClient
from smartlead_nb._transport import NO_RETRIES
from smartlead_nb.replay import make_vcr
from smartlead_nb.sandbox import Sandbox

from ..helpers import START
from .helpers import running_campaign

KEY = "mirror-replay-key"


def tables(mirror) -> dict[str, str]:
    out = {}
    for name in mirror.tables:
        if name == "sync_log":
            continue
        frame = mirror.table(name).drop(columns=["synced_at", "deleted_seen_at"],
                                        errors="ignore")
        out[name] = frame.to_csv(index=False)
    return out


def test_a_sync_replayed_from_a_cassette_builds_the_same_mirror(tmp_path):
    cassette = tmp_path / "mirror.yaml"
    with Sandbox(db_path=tmp_path / "sb.sqlite3", api_key=KEY, rate_limits=None, seed=3,
                 start_time=START) as sb:
        base_url = sb.base_url
        client = SmartleadClient(KEY, base_url=base_url, rate_limit=None, retry=NO_RETRIES)
        cid = running_campaign(client, "Recorded", n_leads=30)
        sb.advance(days=3)
        live = sl.Mirror(tmp_path / "live.duckdb")
        with make_vcr("all").use_cassette(str(cassette)):
            live.sync(client, progress=False)
            sb.advance(days=1)
            live.sync(client, progress=False)
        client.close()
    # The sandbox is gone: every answer now comes from the cassette.
    replayed = sl.Mirror(tmp_path / "replayed.duckdb")
    offline = SmartleadClient(KEY, base_url=base_url, rate_limit=None, retry=NO_RETRIES)
    with make_vcr("none").use_cassette(str(cassette)):
        replayed.sync(offline, progress=False)
        replayed.sync(offline, progress=False)
    assert tables(replayed) == tables(live)
    assert len(replayed.sql("select * from leads where campaign_id = ?", [cid])) == 30
