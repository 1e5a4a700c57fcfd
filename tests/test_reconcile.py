"""``reconcile``: SmartLead's add-leads answer -> one outcome per email (pure, no HTTP)."""

from __future__ import annotations

from smartlead_nb.reconcile import (ALREADY, BLOCKED, INVALID_SERVER, NOT_SENT, OTHER_CAMPAIGN,
                                    REASONS, UNCONFIRMED, UNSUBSCRIBED, UPLOADED, reconcile)

EMAILS = ["Ana@x.io", "bo@x.io", "cy@x.io", "di@x.io", "ed@x.io"]


def answer(**extra):
    return {"emailToLeadIdMap": {"newlyAddedLeads": {"ana@x.io": 1},
                                 "existingLeads": {"bo@x.io": 2},
                                 "existingLeadsInOtherCampaigns": {"cy@x.io": 3}}, **extra}


def test_every_list_in_the_answer_gives_its_outcome():
    out = reconcile(EMAILS, answer(invalid_emails=["DI@x.io"], unsubscribed_leads=["ed@x.io"]))
    assert out == {"ana@x.io": UPLOADED, "bo@x.io": ALREADY, "cy@x.io": OTHER_CAMPAIGN,
                   "di@x.io": INVALID_SERVER, "ed@x.io": UNSUBSCRIBED}


def test_unexplained_emails_are_blocked_only_when_the_counters_cover_exactly_them():
    assert reconcile(EMAILS[:4], answer(block_count="1"))["di@x.io"] == BLOCKED
    assert reconcile(EMAILS, answer(block_count=1))["di@x.io"] == UNCONFIRMED  # 2 left, 1 blocked
    assert reconcile(EMAILS[:4], answer(), stopped=True)["di@x.io"] == NOT_SENT


def test_a_batch_whose_first_answer_was_lost_counts_existing_leads_as_uploaded():
    assert reconcile(EMAILS[:2], answer(), lost_before=True)["bo@x.io"] == UPLOADED


def test_counters_alone_are_trusted_only_when_they_explain_every_lead():
    assert reconcile(["a@x.io", "b@x.io"], {"upload_count": 2}) == {"a@x.io": UPLOADED,
                                                                  "b@x.io": UPLOADED}
    assert reconcile(["a@x.io", "b@x.io"], {"upload_count": 1}) == {"a@x.io": UNCONFIRMED,
                                                                  "b@x.io": UNCONFIRMED}
    assert reconcile(["a@x.io"], {"upload_count": 1}, lost_before=True) == {"a@x.io": UNCONFIRMED}


def test_every_outcome_has_words():
    outcomes = {UPLOADED, ALREADY, OTHER_CAMPAIGN, INVALID_SERVER, UNSUBSCRIBED, BLOCKED,
                NOT_SENT, UNCONFIRMED}
    assert set(REASONS) == outcomes and all(REASONS[o] for o in outcomes - {UPLOADED})


def test_an_answer_that_spells_an_address_otherwise_still_finds_its_row():
    """SmartLead may give an address back in another spelling (punycode for a Unicode
    domain, other case, NFD): it is the same person, so the same row (issue 19)."""
    sent = ["Ana@Bücher.de", "bo@xn--mnchen-3ya.de", "cy@例子.中国", "di@x.io"]
    out = reconcile(sent, {"emailToLeadIdMap": {
        "newlyAddedLeads": {"ana@xn--bcher-kva.de": 1, "CY@XN--FSQU00A.XN--FIQS8S": 3},
        "existingLeads": {"BO@MÜNCHEN.DE": 2}},
        "invalid_emails": [" DI@X.IO "]})
    assert list(out.values()) == [UPLOADED, ALREADY, UPLOADED, INVALID_SERVER]
