"""frames/emails.py: which addresses are valid (each refusal says why), and one mailbox in
several spellings: IDN and punycode domains, Unicode normalisation forms, case and spaces are
one address for duplicates; each row keeps its spelling on the wire."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pandas as pd
import pytest

from smartlead_nb.frames import emails
from smartlead_nb.frames.emails import email_key, find_duplicates
from smartlead_nb.frames.leads import leads_from_frame
from smartlead_nb import upload_leads

from .helpers import frame

NFC = "ana@b\u00fccher.de"                        # ü as one code point
NFD = unicodedata.normalize("NFD", NFC)           # u + combining diaeresis
PUNY = "ana@xn--bcher-kva.de"


def test_the_spellings_share_one_key():
    assert NFC != NFD
    keys = {email_key(e) for e in (NFC, NFD, PUNY, "ANA@XN--BCHER-KVA.DE", "Ana@Bücher.DE")}
    assert keys == {NFC}                                        # the domain in Unicode
    assert email_key("ana@example.com") == "ana@example.com"
    assert email_key("ana@bucher.de") != NFC                    # a different domain stays so
    assert email_key("a@b..c") == "a@b..c"                      # not a domain name: as given


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
    cid = client.campaigns.create("Spellings")["id"]
    chunks = [pd.DataFrame({"email": [NFC, "bo@x.io"]}),
              pd.DataFrame({"email": [PUNY, NFD]}, index=[2, 3])]
    result = upload_leads(client, cid, iter(chunks), journal=False, progress=False)
    assert result.rows["outcome"].tolist() == ["uploaded", "uploaded", "duplicate", "duplicate"]
    sent = [lead["email"] for r in sandbox.requests if r["path"].endswith("/leads")
            for lead in r["json"]["lead_list"]]
    assert sent == [NFC, "bo@x.io"]



# --- one person, one key (email_key) ----------------------------------------------------
def fullwidth(text: str) -> str:
    """ASCII letters, digits, "@" and "." in their fullwidth forms (U+FF01-U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


SAME_PERSON = [
    # an IDN domain: Unicode, punycode, case, NFD, fullwidth, ideographic full stop, FQDN dot
    ["ana@bücher.de", "ana@xn--bcher-kva.de", "ANA@XN--BCHER-KVA.DE", "Ana@BÜCHER.DE",
     unicodedata.normalize("NFD", "ana@bücher.de"), "  ana@bücher.de\t", "\u00a0ana@bücher.de",
     fullwidth("ana@") + "bücher.de", "ana@b" + fullwidth("ü") + "cher.de",
     "ana@bücher\u3002de", "ana@bücher\uff0ede", "ana@bücher.de.", "\ufeffana@bücher.de",
     "ana\u200b@bücher.de", "ana@xn--BCHER-KVA.de"],
    # a non-ASCII local part, as the issue had it
    ["Müller@Bücher.de", "müller@xn--bcher-kva.de", unicodedata.normalize("NFD", "Müller@Bücher.de"),
     " MÜLLER@BÜCHER.DE "],
    # plain ASCII
    ["Ana.Silva+q1@Example.com", " ana.silva+q1@example.COM ", fullwidth("Ana.Silva+q1@Example.com"),
     "ana.silva+q1@example.com."],
    # other scripts: Cyrillic, Chinese, Greek
    ["ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai", "IVAN@ПРИМЕР.РФ"],
    ["li@例子.中国", "li@xn--fsqu00a.xn--fiqs8s"],
    ["eleni@παράδειγμα.gr", "ELENI@ΠΑΡΆΔΕΙΓΜΑ.GR", "eleni@xn--hxajbheg2az3al.gr"],
]
DIFFERENT_PEOPLE = [
    ("ana@straße.de", "ana@strasse.de"),          # IDNA 2008 keeps ß: two domains
    ("ana@xn--strae-oqa.de", "ana@strasse.de"),
    ("ana@bücher.de", "ana@bucher.de"),
    ("ana@xn--abc-.com", "ana@abc.com"),          # decodes to ASCII: no A-label, not abc.com
    ("ana@example.com", "anna@example.com"),
    ("ana@example.com", "ana@example.co"),
    ("ana+a@example.com", "ana@example.com"),     # sub-addresses are separate recipients
]


@pytest.mark.parametrize("spellings", SAME_PERSON, ids=lambda s: s[0])
def test_every_spelling_of_one_address_has_one_key(spellings):
    keys = {email_key(s) for s in spellings}
    assert len(keys) == 1, {s: email_key(s) for s in spellings}
    key = keys.pop()
    assert key == key.strip().lower() and key.isprintable()
    assert "xn--" not in key                       # the domain is kept in Unicode


@pytest.mark.parametrize("a, b", DIFFERENT_PEOPLE)
def test_different_addresses_keep_different_keys(a, b):
    assert email_key(a) != email_key(b)


def test_the_key_is_stable_and_every_punycode_spelling_folds_in():
    """Random addresses over letters that trip normalisation: the key of a key is itself,
    and the punycode and NFD spellings of each address (made by the standard library's
    codecs, not by the function under test) share its key."""
    rnd = random.Random(19)
    letters = "abcxyzABC0-" + "äöüßéñçøåÄÖÜÉİıσςΣяЖ例中ａＢ" + "\u0308\u0301"
    checked = 0
    for _ in range(3000):
        labels = ["".join(rnd.choice(letters) for _ in range(rnd.randint(1, 8)))
                  for _ in range(rnd.randint(1, 3))] + [rnd.choice(["de", "com", "рф", "ＣＯＭ"])]
        address = "".join(rnd.choice("abcABC.+_") for _ in range(rnd.randint(1, 6))) \
            + "@" + ".".join(labels)
        key = email_key(address)
        assert email_key(key) == key, address
        assert email_key(unicodedata.normalize("NFD", address)) == key, address
        assert email_key(address.upper()) == email_key(address.lower()) or \
            any(c in address for c in "ßİıσςΣ"), address   # case pairs that are not 1:1
        local, _, domain = key.partition("@")
        try:
            puny = ".".join(label if label.isascii() else "xn--" + label.encode("punycode")
                            .decode("ascii") for label in domain.split("."))
        except UnicodeError:
            continue
        assert email_key(f"{local}@{puny}") == key, (address, puny)
        checked += 1
    assert checked > 2000


def test_duplicates_in_a_frame_are_found_across_all_spellings():
    spellings = SAME_PERSON[0] + SAME_PERSON[2]
    repeats, originals = find_duplicates(np.array(spellings, dtype=object))
    n0 = len(SAME_PERSON[0])
    assert repeats.tolist() == [i for i in range(len(spellings)) if i not in (0, n0)]
    assert set(originals.tolist()) == {0, n0}


# --- which addresses are valid ----------------------------------------------------------
@pytest.mark.parametrize("address, reason", [
    ("ana@@x", "two @ signs"),
    ("a@b@c.com", "two @ signs"),
    ("ana.example.com", "no @ sign"),
    ("@example.com", "nothing before the @"),
    ("ana@", "nothing after the @"),
    ("ana silva@example.com", "it contains a space or an invisible character"),
    ("ana\u200b@example.com", "it contains a space or an invisible character"),
    ('"ana silva"@example.com', 'quoted addresses ("..."@) are not supported'),
    ("josé@example.com", "character 'é' is not allowed before the @"),
    ("ana(x)@example.com", "character '(' is not allowed before the @"),
    ("ana..b@example.com", "two dots in a row"),
    ("ana@example..com", "two dots in a row"),
    (".ana@example.com", "the part before the @ starts or ends with a dot"),
    ("ana@example,com", "character ',' is not allowed in the domain"),
    ("ana@exa_mple.com", "character '_' is not allowed in the domain"),
    ("ana@[192.168.0.1]", "character '[' is not allowed in the domain"),
    ("ana@localhost", "the domain 'localhost' has no dot"),
    ("ana@example.com.", "the domain starts or ends with a dot"),
    ("ana@-example.com", "a part of the domain starts or ends with a hyphen"),
    ("ana@example-.com", "a part of the domain starts or ends with a hyphen"),
    ("ana@example.c", "the top-level domain '.c' is too short"),
    ("ana@example.c0m", "the top-level domain '.c0m' is not letters"),
    ("a" * 65 + "@example.com", "the part before the @ is longer than 64 characters"),
    ("ana@" + "b" * 250 + ".com", "it is longer than 254 characters"),
])
def test_invalid_emails_are_rejected_with_a_plain_reason(address, reason):
    df = frame(Email=["ok@example.com", address])
    result = leads_from_frame(df)
    shown = address if len(address) <= 80 else address[:77] + "..."
    shown = shown.replace("\u200b", "\\u200b")
    assert result.report.loc[1].tolist() == [address, "invalid_email",
                                             f"invalid email '{shown}': {reason}"]
    assert result.leads == [{"email": "ok@example.com"}]


@pytest.mark.parametrize("address", [
    "ana@example.com", "Ana.Silva+promo@Example.CO.UK", "o'brien@example.ie", "a@b.io",
    "ana@bücher.de", "ana@пример.рф", "ana@xn--e1afmkfd.xn--p1ai", "x_y-z!#$%&'*+/=?^`{|}~@a-b.example",
    "a" * 64 + "@example.com",
])
def test_valid_emails_are_accepted(address):
    assert leads_from_frame(frame(Email=[address])).leads == [{"email": address}]


_ATEXT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")


def reference_is_valid(address: str) -> bool:
    """The rules of the emails module written the slow, obvious way, as an independent check."""
    if address.count("@") != 1 or len(address) > 254:
        return False
    local, domain = address.split("@")
    if not 1 <= len(local) <= 64 or not domain:
        return False
    if any(c not in _ATEXT and c != "." for c in local) or ".." in local:
        return False
    if local[0] == "." or local[-1] == ".":
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if not label or label[0] == "-" or label[-1] == "-":
            return False
        if any(not (c.isalnum() or c == "-") or (c.isascii() and not (c.isalnum() or c == "-"))
               for c in label):
            return False
    tld = labels[-1]
    if tld.lower().startswith("xn--"):
        return len(tld) > 4 and all(c.isascii() and (c.isalnum() or c == "-") for c in tld)
    return len(tld) >= 2 and all(c.isalpha() for c in tld)


def test_email_check_agrees_with_a_slow_reference_and_always_says_why():
    rnd = random.Random(20240301)
    pieces = ["a", "Z", "0", ".", "@", "-", "_", " ", '"', "é", "п", "\u200b", "\xa0", ",",
              "+", "xn--", "com", "io", "b.c", "..", "@@"]
    addresses = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 9)))
                 for _ in range(20000)]
    addresses += [rnd.choice(["a", "a.b", "é", "a-b", '"a"', ".a", "a.", "a..b", "a+b"]) + "@"
                  + rnd.choice(["x", "x.co", "x.c", "-x.com", "x-.com", "x..com", "bü.de",
                                "x.123", "x.xn--p1ai", "x.co.", "x_y.com", "x.c-m", "x.xn--"])
                  for _ in range(5000)]
    values = np.array(addresses, dtype=object)
    codes, reasons = emails.check_emails(values, np.ones(len(values), dtype=bool))
    expected = np.array([reference_is_valid(a) for a in addresses])
    disagree = [a for a, c, e in zip(addresses, codes, expected) if (c == emails.OK) != e]
    assert disagree == []
    assert expected.sum() > 300 and (~expected).sum() > 300  # both sides really exercised
    why = [r for r in reasons[codes == emails.INVALID]]
    assert not [r for r in why if r.endswith("not a valid email address")]
    # and no rule fires on an address the check accepts
    assert emails.email_problems(pd.Series(values[codes == emails.OK], dtype=object)).isna().all()
