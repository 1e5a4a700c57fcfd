"""Upload journals: a torn last line is tolerated; anything else unreadable is an InputError
naming the file and how to start over; a journal in use by another upload is waited for."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from filelock import FileLock

import smartlead_nb as sl
from smartlead_nb import journal as journal_module
from smartlead_nb.journal import Journal

from .helpers import sent


def frame(n=60):
    return pd.DataFrame({"email": [f"lead{i}@journal.example" for i in range(n)]})


def upload(client, cid, path):
    return sl.upload_leads(client, cid, frame(), journal=path, batch_size=20, progress=False)


@pytest.mark.parametrize("content, why", [
    (b"\xff\xfe\x00garbage\x81\n", "not text"),
    (b'{"state":"confirmed","digest":"ab"}\nnot json at all\n', "line 2 is not JSON"),
    (b'[1, 2, 3]\n', "line 1 is not a journal entry"),
    (b'"just a string"\n', "line 1 is not a journal entry"),
    (b'{"state":"sending","digest":"ab"}\n{"hello":"world"}\n{"state":"sending","digest":"cd"}',
     "line 2 is not a journal entry"),
], ids=["garbage-bytes", "not-json", "a-list", "a-string", "an-object-of-something-else"])
def test_an_unreadable_journal_is_refused_before_anything_is_sent(client, sandbox, tmp_path,
                                                                  content, why):
    cid = client.campaigns.create("Journal")["id"]
    path = tmp_path / "j.jsonl"
    path.write_bytes(content)
    sandbox.clear_requests()
    with pytest.raises(sl.InputError) as info:
        upload(client, cid, path)
    text = str(info.value)
    assert str(path) in text and why in text
    assert "delete" in text and "journal=False" in text
    assert sent(sandbox, "POST") == []
    assert path.read_bytes() == content                     # left as it was, for a look


def test_a_directory_where_the_journal_should_be(client, sandbox, tmp_path):
    cid = client.campaigns.create("Journal")["id"]
    path = tmp_path / "j.jsonl"
    path.mkdir()
    with pytest.raises(sl.InputError, match="is a directory") as info:
        upload(client, cid, path)
    assert str(path) in str(info.value) and "journal=False" in str(info.value)
    assert sent(sandbox, "POST", "/leads") == []


def test_a_torn_last_line_is_tolerated_and_cut_off(client, sandbox, tmp_path):
    cid = client.campaigns.create("Journal")["id"]
    path = tmp_path / "j.jsonl"
    upload(client, cid, path)
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"state":"sending","dig')   # a kill in the middle of a write
    sandbox.clear_requests()
    result = upload(client, cid, path)
    assert result.batches["resumed"].all() and sent(sandbox, "POST", "/leads") == []
    assert path.read_bytes() == whole                       # the torn tail is gone
    for line in path.read_text().splitlines():
        json.loads(line)


def test_a_journal_in_use_is_refused_after_a_bounded_wait(client, sandbox, tmp_path, monkeypatch):
    cid = client.campaigns.create("Journal")["id"]
    path = tmp_path / "j.jsonl"
    monkeypatch.setattr(journal_module, "LOCK_WAIT_SECONDS", 0.2)
    with FileLock(str(path) + ".lock"):                     # another upload holds it
        with pytest.raises(sl.InputError, match="in use by another upload") as info:
            upload(client, cid, path)
    assert str(path) in str(info.value) and "0.2 s" in str(info.value)
    assert sent(sandbox, "POST", "/leads") == []
    assert (upload(client, cid, path).rows["outcome"] == "uploaded").all()   # free again


def test_journal_of_none_keeps_nothing():
    with Journal.locked(None) as book:
        book.sending("d", 1, 2)
        assert book.path is None and book.was_lost("d")
