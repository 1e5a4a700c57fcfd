"""The store opens files written by earlier versions: it only adds what they lack, and reads
nothing differently."""
import re
import sqlite3

import pytest

from smartlead_nb.sandbox import Sandbox
from smartlead_nb.sandbox.store import SandboxDatabaseError, Store

from ..helpers.sandbox import Api


def test_a_file_from_before_the_block_list_table_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite3"
    Store(path).close()
    old = sqlite3.connect(path)        # make it look like a file written before issue 14
    for table in ("block_list", "clients", "client_api_keys", "account_tags", "account_tag_map"):
        old.execute(f"DROP TABLE {table}")
    old.execute("ALTER TABLE campaigns DROP COLUMN extra_settings")
    old.execute("INSERT INTO suppressions VALUES ('block', 'legacy.example')")
    old.commit()
    old.close()
    with Sandbox(db_path=path, rate_limits=None) as sb:
        api_ = Api(sb)
        values = [e["email_or_domain"] for e in api_.get("/leads/get-domain-block-list").json()]
        assert set(values) == {"blocked.example", "do-not-email@example.com", "legacy.example"}
        cid = api_.create()
        assert api_.get(f"/campaigns/{cid}").json()["domain_level_rate_limit"] is False


def test_a_file_from_before_the_thread_tables_gains_them(tmp_path):
    path = tmp_path / "old.sqlite3"
    store = Store(path)
    with store.transaction() as db:
        db.execute("DROP TABLE thread_replies")
        db.execute("DROP TABLE subsequence_pushes")
        db.execute("DELETE FROM sqlite_sequence WHERE name = 'thread_replies'")
    store.close()
    store = Store(path)
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"thread_replies", "subsequence_pushes"} <= tables
    seq = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'thread_replies'")
    assert seq.fetchone()[0] == 7_000_000
    store.close()



def test_a_file_that_lost_its_clock_is_refused_at_open_with_what_to_do(tmp_path):
    # Before, it opened, and the first read of the clock failed deep inside with an
    # AttributeError (or handed None to SQL as the time "now").
    path = tmp_path / "damaged.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM meta WHERE key = 'now'")
    db.close()
    with pytest.raises(SandboxDatabaseError, match=re.escape(f"{path} lacks its 'now' record. Delete")):
        Store(path)


def test_a_file_from_before_instance_ids_is_given_one_not_refused(tmp_path):
    path = tmp_path / "old.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM meta WHERE key = 'instance_id'")
    db.close()
    store = Store(path)
    assert len(store.instance_id) == 32 and int(store.instance_id, 16) >= 0
    store.close()
