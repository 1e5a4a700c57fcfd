"""One mailbox, several spellings: IDN and punycode domains, Unicode normalisation forms,
case and spaces are one address for duplicates; each row keeps its spelling on the wire."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from smartlead_nb.frames.emails import dedupe_key, find_duplicates
from smartlead_nb.frames.leads import leads_from_frame
from smartlead_nb.upload import upload_leads

NFC = "ana@b\u00fccher.de"                        # ü as one code point
NFD = unicodedata.normalize("NFD", NFC)           # u + combining diaeresis
PUNY = "ana@xn--bcher-kva.de"


def test_the_spellings_share_one_key():
    assert NFC != NFD
    keys = {dedupe_key(e) for e in (NFC, NFD, PUNY, "ANA@XN--BCHER-KVA.DE", "Ana@Bücher.DE")}
    assert keys == {PUNY}
    assert dedupe_key("ana@example.com") == "ana@example.com"
    assert dedupe_key("ana@bucher.de") != PUNY                  # a different domain stays so
    assert dedupe_key("a@b..c") == "a@b..c"                     # not IDNA-encodable: as given


def test_find_duplicates_across_spellings():
    repeats, originals = find_duplicates(np.array([NFC, "bo@x.io", PUNY, NFD], dtype=object))
    assert repeats.tolist() == [2, 3] and originals.tolist() == [0, 0]


def test_a_frame_keeps_the_first_spelling_and_sends_it_as_written():
    df = pd.DataFrame({"Email": [PUNY, NFC, f"  {NFD.upper()} ", "bo@x.io"]})
    result = leads_from_frame(df)
    assert [lead["email"] for lead in result.leads] == [PUNY, "bo@x.io"]
    assert result.report["outcome"].tolist() == ["ok", "duplicate", "duplicate", "ok"]
    assert result.report["reason"].iloc[1] == f"duplicate of row 0 ({PUNY})"
    nfd_first = leads_from_frame(pd.DataFrame({"Email": [NFD, PUNY]}))
    assert [lead["email"] for lead in nfd_first.leads] == [NFD]   # not rewritten to NFC


def test_duplicates_across_chunks_use_the_same_key(client, sandbox):
    cid = client.create_campaign("Spellings")["id"]
    chunks = [pd.DataFrame({"email": [NFC, "bo@x.io"]}),
              pd.DataFrame({"email": [PUNY, NFD]}, index=[2, 3])]
    result = upload_leads(client, cid, iter(chunks), journal=False, progress=False)
    assert result.rows["outcome"].tolist() == ["uploaded", "uploaded", "duplicate", "duplicate"]
    sent = [lead["email"] for r in sandbox.requests if r["path"].endswith("/leads")
            for lead in r["json"]["lead_list"]]
    assert sent == [NFC, "bo@x.io"]
