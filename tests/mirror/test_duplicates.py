"""Cross-campaign duplicates before an upload: from a mirror, or looked up by email."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

import smartlead_nb as sl

from ..helpers import sent
from .helpers import STEPS, running_campaign


@pytest.fixture
def mirror_of_one_campaign(client, sandbox, tmp_path):
    cid = running_campaign(client, "Earlier wave", n_leads=20)
    sandbox.advance(days=1)
    mirror = sl.Mirror(tmp_path / "mirror.duckdb")
    mirror.sync(client, progress=False)
    return mirror, cid


def new_leads(cid: int) -> pd.DataFrame:
    old = [f"LEAD{i}.{cid}@example.com" for i in range(3)]     # other spelling, same people
    fresh = [f"new{i}@example.org" for i in range(4)]
    return pd.DataFrame({"email": old + fresh, "first_name": ["X"] * 7})


def test_upload_skip_contacted_reports_the_campaign_and_sends_only_new_people(
        client, sandbox, mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    target = client.campaigns.create("Next wave")["id"]
    result = sl.upload_leads(client, target, new_leads(earlier), skip_contacted=mirror,
                             journal=False, progress=False)
    rows = result.rows
    skipped = rows[rows["outcome"] == "already_contacted"]
    assert len(skipped) == 3
    assert skipped["reason"].str.contains(f"in campaign {earlier} \"Earlier wave\"").all()
    assert skipped["reason"].str.contains("last contacted 2025-01-06").all()
    posted = [r for r in sent(sandbox, "POST", f"/campaigns/{target}/leads")]
    emails = [lead["email"] for r in posted for lead in r["json"]["lead_list"]]
    assert sorted(emails) == [f"new{i}@example.org" for i in range(4)]
    # Without a mirror the same upload sends all seven (SmartLead's own check decides).
    again = sl.upload_leads(client, client.campaigns.create("Other")["id"], new_leads(earlier),
                            journal=False, progress=False)
    assert "already_contacted" not in set(again.rows["outcome"])


def test_plan_check_flags_leads_from_the_mirror_without_a_request(client, sandbox,
                                                                   mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    plan = sl.CampaignPlan(name="Next", sequences=STEPS, leads=new_leads(earlier),
                           email_accounts=[])
    sandbox.clear_requests()
    problems = plan.check(mirror=mirror)
    assert sandbox.requests == []
    flagged = problems[problems["problem"].str.contains("already in campaign")]
    assert len(flagged) == 3 and (flagged["severity"] == "warning").all()
    assert flagged["problem"].str.contains(str(earlier)).all()


def test_plan_check_can_look_emails_up_and_says_what_it_costs(client, sandbox, capsys,
                                                               mirror_of_one_campaign):
    _, earlier = mirror_of_one_campaign
    plan = sl.CampaignPlan(name="Next", sequences=STEPS, leads=new_leads(earlier),
                           email_accounts=[])
    sandbox.clear_requests()
    problems = plan.check(client, lookup_contacted=True)
    assert "looking up 7 emails in your other campaigns: 7 requests" in capsys.readouterr().out
    assert len(sent(sandbox, "GET", "/leads")) == 7
    flagged = problems[problems["problem"].str.contains("already in campaign")]
    assert len(flagged) == 3
    # Not asked: no lookup, no request.
    sandbox.clear_requests()
    plan.check()
    assert sandbox.requests == []


def test_mirror_contacted_lists_campaign_and_times(mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    found = mirror.contacted([f"lead0.{earlier}@example.com", "nobody@example.org"])
    assert found["campaign_id"].tolist() == [earlier]
    assert found["first_sent"].notna().all()
    assert mirror.contacted([], exclude_campaign=earlier).empty
    assert mirror.contacted([f"lead0.{earlier}@example.com"], exclude_campaign=earlier).empty


# --- one person, whatever the spelling (issue 19, item 6) -----------------------------------
def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# As the earlier campaign holds them: one in Unicode, one in punycode, one plain.
HELD = ["ana@bücher.de", "bo@xn--mnchen-3ya.de", "li@例子.中国", "dee@example.com"]
# Other spellings of the same people, each valid (so each reaches the contacted check).
RESPELT = ["ANA@XN--BCHER-KVA.DE", "  Ana@Bücher.De ", unicodedata.normalize("NFD", "ana@bücher.de"),
           "ana@" + fullwidth("b") + "ü" + fullwidth("cher") + ".de", "ana@xn--BCHER-kva.de",
           "bo@münchen.de", "BO@MÜNCHEN.DE", unicodedata.normalize("NFD", "bo@münchen.de"),
           "li@xn--fsqu00a.xn--fiqs8s", "LI@例子.中国", "DEE@EXAMPLE.COM", "\tdee@example.com"]
# Near misses that are other people.
OTHERS = ["ana@bucher.de", "bo@munchen.de", "ana2@bücher.de", "dee@example.co"]


@pytest.fixture
def mirror_of_idn_leads(client, sandbox, tmp_path):
    cid = running_campaign(client, "Earlier wave", n_leads=3)
    client.leads.add(cid, [{"email": e, "first_name": "X"} for e in HELD], confirm=True)
    sandbox.advance(days=1)
    mirror = sl.Mirror(tmp_path / "mirror.duckdb")
    mirror.sync(client, progress=False)
    return mirror, cid


def posted_emails(sandbox, cid) -> list[str]:
    return [lead["email"] for r in sent(sandbox, "POST", f"/campaigns/{cid}/leads")
            for lead in r["json"]["lead_list"]]


def test_every_spelling_of_a_contacted_person_is_skipped(client, sandbox, mirror_of_idn_leads):
    mirror, earlier = mirror_of_idn_leads
    for spelling in RESPELT:     # one upload each: in one frame they would be duplicates
        target = client.campaigns.create("Next wave")["id"]
        result = sl.upload_leads(client, target, pd.DataFrame({"email": [spelling]}),
                                 skip_contacted=mirror, journal=False, progress=False)
        assert result.rows["outcome"].tolist() == ["already_contacted"], (spelling, result.rows)
        assert f'in campaign {earlier} "Earlier wave"' in result.rows["reason"].iloc[0]
        assert posted_emails(sandbox, target) == [], spelling
        # The plan's check and the mirror's own answer say the same, without a request.
        sandbox.clear_requests()
        plan = sl.CampaignPlan(name="Next", sequences=STEPS,
                               leads=pd.DataFrame({"email": [spelling]}), email_accounts=[])
        flagged = plan.check(mirror=mirror)
        assert flagged["problem"].str.contains(f"already in campaign {earlier}").sum() == 1, \
            spelling
        assert mirror.contacted([spelling])["campaign_id"].tolist() == [earlier], spelling
        assert sandbox.requests == [], spelling


def test_near_misses_are_other_people_and_are_sent_as_written(client, sandbox,
                                                              mirror_of_idn_leads):
    mirror, _ = mirror_of_idn_leads
    target = client.campaigns.create("Next wave")["id"]
    result = sl.upload_leads(client, target, pd.DataFrame({"email": OTHERS}),
                             skip_contacted=mirror, journal=False, progress=False)
    assert result.rows["outcome"].tolist() == ["uploaded"] * len(OTHERS)
    assert posted_emails(sandbox, target) == OTHERS
    assert mirror.contacted(OTHERS).empty


def test_one_upload_of_mixed_spellings_sends_only_new_people_verbatim(client, sandbox,
                                                                      mirror_of_idn_leads):
    mirror, _ = mirror_of_idn_leads
    target = client.campaigns.create("Next wave")["id"]
    rows = ["ANA@XN--BCHER-KVA.DE", "new@bücher.de", "bo@münchen.de", "New@Xn--Bcher-Kva.de",
            "ana@bucher.de"]
    result = sl.upload_leads(client, target, pd.DataFrame({"email": rows}),
                             skip_contacted=mirror, journal=False, progress=False)
    assert result.rows["outcome"].tolist() == ["already_contacted", "uploaded",
                                               "already_contacted", "duplicate", "uploaded"]
    assert posted_emails(sandbox, target) == ["new@bücher.de", "ana@bucher.de"]


# --- campaigns deleted on the server ------------------------------------------------------
def test_leads_of_a_campaign_deleted_on_the_server_still_count_as_contacted(
        client, sandbox, mirror_of_one_campaign):
    mirror, earlier = mirror_of_one_campaign
    client.campaigns.delete(earlier, confirm=True)
    mirror.sync(client, progress=False)
    assert mirror.sql("select deleted from campaigns where campaign_id = ?",
                      [earlier])["deleted"].tolist() == [True]
    target = client.campaigns.create("Next wave")["id"]
    result = sl.upload_leads(client, target, new_leads(earlier), skip_contacted=mirror,
                             journal=False, progress=False)
    skipped = result.rows[result.rows["outcome"] == "already_contacted"]
    assert len(skipped) == 3
    assert skipped["reason"].str.contains("deleted on the server since").all()
    assert sorted(posted_emails(sandbox, target)) == [f"new{i}@example.org" for i in range(4)]
    found = mirror.contacted([f"lead0.{earlier}@example.com"])
    assert found["campaign_deleted"].tolist() == [True]
    plan = sl.CampaignPlan(name="Next", sequences=STEPS, leads=new_leads(earlier),
                           email_accounts=[])
    assert plan.check(mirror=mirror)["problem"].str.contains("already in campaign").sum() == 3
    # Only when the caller says so are they left out.
    assert mirror.contacted([f"lead0.{earlier}@example.com"],
                            include_deleted_campaigns=False).empty
    other = client.campaigns.create("Third wave")["id"]
    again = sl.upload_leads(client, other, new_leads(earlier), skip_contacted=mirror,
                            include_deleted_campaigns=False, journal=False, progress=False)
    assert "already_contacted" not in set(again.rows["outcome"])


# --- a mirror written before the email keys ------------------------------------------------
def test_a_version_1_mirror_is_upgraded_by_its_next_sync(client, sandbox, mirror_of_idn_leads):
    import duckdb

    from smartlead_nb.mirror.schema import SCHEMA_VERSION, TABLE

    from .helpers import assert_exact

    mirror, earlier = mirror_of_idn_leads
    before = mirror.table("leads").drop(columns="email_key")
    con = duckdb.connect(str(mirror.path))           # the layout version 1 wrote
    con.execute("ALTER TABLE leads DROP COLUMN email_key")
    con.execute("UPDATE mirror_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(sl.InputError, match="earlier smartlead_nb.*run mirror.sync"):
        mirror.contacted(["ana@bücher.de"])
    mirror.sync(client, progress=False)
    leads = mirror.table("leads")
    assert list(leads.columns) == TABLE["leads"].names
    assert mirror.sql("select value from mirror_meta where key = 'schema_version'"
                      )["value"].tolist() == [str(SCHEMA_VERSION)]
    pd.testing.assert_frame_equal(leads.drop(columns="email_key"), before)
    assert leads["email_key"].notna().all()
    assert set(mirror.contacted(RESPELT)["campaign_id"]) == {earlier}
    assert_exact(mirror, client, earlier)
