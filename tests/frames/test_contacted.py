"""What the upload report and the plan's check say about people found in other campaigns."""

import pandas as pd

from smartlead_nb.frames.contacted import (CONTACTED_COLUMNS, already_contacted, describe,
                                           normalise_emails)

ANA_IN_Q1 = {"email": "ana@bücher.de", "campaign_id": 7, "campaign_name": "Q1",
             "status": "ACTIVE", "campaign_deleted": False}


def found(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**dict.fromkeys(CONTACTED_COLUMNS), **r} for r in rows],
                        columns=CONTACTED_COLUMNS)


def test_every_spelling_of_a_person_gets_the_reason_under_its_own_spelling():
    spellings = ["ana@bücher.de", " ANA@Bücher.DE ", "ana@xn--bcher-kva.de",
                 "ａｎａ＠bücher.de", "ana@bu\u0308cher.de", "ana@bücher.de.", "an\u200ba@bücher.de"]
    assert already_contacted(found(ANA_IN_Q1), spellings) == {
        s: 'already in campaign 7 "Q1" (ACTIVE)' for s in spellings}


def test_near_misses_blanks_and_other_people_get_nothing():
    given = ["anna@bücher.de", "ana@bucher.de", "ana@bücher.de.com", "ana@bücher.dex",
             None, float("nan"), pd.NA, "", "   "]
    assert already_contacted(found(ANA_IN_Q1), given) == {}
    assert normalise_emails(given) == ["anna@bücher.de", "ana@bucher.de", "ana@bücher.de.com",
                                       "ana@bücher.dex"]


def test_several_campaigns_make_one_line_and_a_deleted_one_says_so():
    frame = found({"email": "bo@x.io", "campaign_id": 1, "campaign_name": "A",
                   "status": "COMPLETED", "campaign_deleted": True,
                   "last_sent": pd.Timestamp("2025-01-07 23:00", tz="UTC"),
                   "replied_at": pd.Timestamp("2025-01-09", tz="UTC")},
                  {"email": "bo@x.io", "campaign_id": 2, "campaign_name": "B",
                   "status": "ACTIVE", "campaign_deleted": pd.NA})
    assert describe(frame) == {"bo@x.io": 'in campaign 1 "A" (COMPLETED; deleted on the server '
                                          'since), last contacted 2025-01-07, replied '
                                          '2025-01-09; in campaign 2 "B" (ACTIVE)'}


def test_an_empty_answer_says_nothing():
    empty = pd.DataFrame(columns=CONTACTED_COLUMNS)
    assert describe(empty) == {} and already_contacted(empty, ["ana@bücher.de"]) == {}
