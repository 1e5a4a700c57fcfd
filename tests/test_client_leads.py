import pickle
import threading
from urllib.parse import urlsplit

import pytest

from smartlead_nb import ConflictError, InputError, NotFoundError, SmartleadClient
from smartlead_nb.frames.responses import lead_upload_counts

from .helpers import FAST_RETRIES, sent


def leads(n, start=0):
    return [{"email": f"person{i}@example.com", "first_name": f"P{i}", "phone_number": 4155550100 + i,
             "custom_fields": {"Role": "CFO"}} for i in range(start, start + n)]


def test_add_leads_counts_new_duplicates_and_already_present(client):
    cid = client.campaigns.create("Leads")["id"]
    first = client.leads.add(cid, leads(3) + [{"email": "PERSON0@example.com"}, {"email": "not-an-email@"}])
    counts = lead_upload_counts(first)
    assert (counts["added"], counts["duplicates"], counts["invalid"]) == (3, 1, 1)
    again = lead_upload_counts(client.leads.add(cid, leads(4)))
    assert (again["added"], again["already_in_campaign"]) == (1, 3)
    assert len(client.leads.list(cid)) == 4


def test_more_than_400_refused_before_sending(client, sandbox):
    cid = client.campaigns.create("Big")["id"]
    with pytest.raises(InputError, match="401 leads in one request.*at most 400; nothing was sent"):
        client.leads.add(cid, leads(401))
    assert sent(sandbox, "POST", "/leads") == []
    assert client.leads.add(cid, leads(400))["upload_count"] == 400


def test_lead_shape_checked_before_sending(client, sandbox):
    cid = client.campaigns.create("Shape")["id"]
    with pytest.raises(InputError, match=r"lead 1: email is missing"):
        client.leads.add(cid, [{"email": "a@b.co"}, {"first_name": "NoEmail"}])
    with pytest.raises(InputError, match=r"lead 0: unknown field\(s\) \['company'\]"):
        client.leads.add(cid, [{"email": "a@b.co", "company": "Acme"}])
    with pytest.raises(InputError, match="confirm_overrides=True"):
        client.leads.add(cid, [{"email": "a@b.co"}], ignore_unsubscribe_list=True)
    assert sent(sandbox, "POST", "/leads") == []


def test_phone_numbers_are_sent_as_strings(client, sandbox):
    cid = client.campaigns.create("Phones")["id"]
    client.leads.add(cid, [{"email": "a@b.co", "phone_number": 4155550100.0}])
    assert sent(sandbox, "POST", "/leads")[-1]["json"]["lead_list"][0]["phone_number"] == "4155550100"


def test_listing_pages_and_filters(client, sandbox):
    cid = client.campaigns.create("List")["id"]
    client.leads.add(cid, leads(250))
    sandbox.clear_requests()
    everyone = client.leads.list(cid)
    assert len(everyone) == 250 and len({r["lead"]["email"] for r in everyone}) == 250
    assert len(sent(sandbox, "GET", "/leads")) == 3  # 100 + 100 + 50
    frame = client.leads.frame(cid, limit=5)
    assert len(frame) == 5 and str(frame["lead_id"].dtype) == "Int64"
    lead_id = everyone[0]["lead"]["id"]
    client.leads.pause(cid, lead_id)
    paused = client.leads.list(cid, status="PAUSED")
    assert [r["lead"]["id"] for r in paused] == [lead_id]
    with pytest.raises(InputError, match="unknown lead status 'SLEEPING'"):
        client.leads.list(cid, status="SLEEPING")


def test_lead_operations(client, sandbox):
    cid = client.campaigns.create("Ops")["id"]
    client.leads.add(cid, leads(3))
    rows = client.leads.list(cid)
    a, b, c = (r["lead"]["id"] for r in rows)
    client.leads.pause(cid, a)
    client.leads.resume(cid, a, delay_days=1)
    client.leads.delete(cid, b)
    client.leads.unsubscribe(cid, c)
    left = {r["lead"]["id"]: r for r in client.leads.list(cid)}
    assert b not in left and left[a]["status"] != "PAUSED"
    found = client.leads.find("person2@example.com")
    assert found["id"] == c  # SmartLead sends this id as a string; the client casts it
    assert client.leads.find("nobody@example.com") is None
    before = len(sent(sandbox))
    with pytest.raises(InputError, match="every campaign.*confirm=True"):
        client.leads.unsubscribe_everywhere(a)
    assert len(sent(sandbox)) == before  # refused before sending
    client.leads.unsubscribe_everywhere(a, confirm=True)
    with pytest.raises(NotFoundError, match="lead 987654"):
        client.leads.unsubscribe_everywhere(987654, confirm=True)


def test_categories_by_name(client, sandbox):
    cid = client.campaigns.create("Cats")["id"]
    client.leads.add(cid, leads(1))
    lead_id = client.leads.list(cid)[0]["lead"]["id"]
    names = client.leads.categories.frame()["name"].tolist()
    assert "Interested" in names
    client.leads.set_category(cid, lead_id, "interested")
    body = sent(sandbox, "POST", "/category")[-1]["json"]
    wanted = next(c["id"] for c in client.leads.categories.list() if c["name"] == "Interested")
    assert body == {"category_id": wanted, "pause_lead": False}
    assert client.leads.list(cid, category_id=wanted)[0]["lead"]["id"] == lead_id
    with pytest.raises(InputError, match="no lead category named 'Hot'"):
        client.leads.set_category(cid, lead_id, "Hot")


def test_add_leads_takes_a_frame_or_a_csv_path_like_upload_leads(client, sandbox, tmp_path):
    """Issue 11: the first thing an analyst types works, with upload_leads' report."""
    import pandas as pd

    frame = pd.DataFrame({"Email Address": ["ana@a.example", "ANA@a.example", "not-an-email",
                                            "ben@b.example"],
                          "First Name": ["Ana", "Ana", "X", "Ben"],
                          "Phone": [4155550101.0, None, None, 4155550102.0]})
    cid = client.campaigns.create("Front door")["id"]
    result = client.leads.add(cid, frame)
    assert list(result.rows.index) == [0, 1, 2, 3]                       # one row per input row
    assert list(result.rows["outcome"]) == ["uploaded", "duplicate", "invalid_email", "uploaded"]
    on_server = client.leads.frame(cid).set_index("email")
    assert sorted(on_server.index) == ["ana@a.example", "ben@b.example"]
    assert on_server.loc["ana@a.example", "phone_number"] == "4155550101"   # no "….0"

    path = tmp_path / "more.csv"
    path.write_text("email,first_name\ncara@c.example,Cara\n")
    cid2 = client.campaigns.create("Front door from a file")["id"]
    from_file = client.leads.add(cid2, str(path))
    assert from_file.summary().to_dict() == {"uploaded": 1}
    assert client.leads.frame(cid2)["email"].tolist() == ["cara@c.example"]


def test_add_leads_with_a_string_that_is_not_a_file_says_so(client, sandbox):
    cid = client.campaigns.create("Stray string")["id"]
    sandbox.clear_requests()
    with pytest.raises(InputError, match=r"'leads\.csv', which is not a file.*CSV path, a DataFrame"):
        client.leads.add(cid, "leads.csv")
    with pytest.raises(InputError, match="not a file"):
        client.leads.add(cid, "ana@example.com")
    assert sent(sandbox, "POST", "/leads") == []


def test_add_leads_with_one_lead_dict_adds_that_lead(client):
    cid = client.campaigns.create("One dict")["id"]
    assert client.leads.add(cid, {"email": "dee@d.example"})["upload_count"] == 1


def test_a_campaign_whose_leads_were_all_skipped_still_has_every_lead_column(client):
    """Issue 11 (02 run twice): every lead was already in another campaign, so the campaign
    is empty; the frame still has the columns the next cell selects."""
    first = client.campaigns.create("First")["id"]
    client.leads.add(first, [{"email": "ana@a.example", "phone_number": "4155550101"}])
    second = client.campaigns.create("Second")["id"]
    counts = client.leads.add(second, [{"email": "ana@a.example"}])
    assert counts["upload_count"] == 0
    on_server = client.leads.frame(second)
    assert on_server.empty
    picked = on_server[["email", "first_name", "company_name", "phone_number", "custom_fields"]]
    assert list(picked.columns) == ["email", "first_name", "company_name", "phone_number",
                                    "custom_fields"]


def test_lead_lookups_updates_and_history(client, sandbox, ready_campaign):
    other = client.campaigns.create("Other")["id"]
    lead = client.leads.find("lead3@example.com")
    campaigns = client.leads.campaigns(lead["id"])
    assert [c["id"] for c in campaigns] == [ready_campaign]
    client.leads.update(ready_campaign, lead["id"], {"first_name": "Renamed",
                                                     "custom_fields": {"Tier": "A"}})
    again = client.leads.find("lead3@example.com")
    assert again["first_name"] == "Renamed" and again["custom_fields"] == {"Tier": "A"}
    client.campaigns.start(ready_campaign, confirm=True)
    sandbox.advance(days=5)
    history = client.leads.message_history(ready_campaign, lead["id"])
    assert len(history) >= 1 and set(history["type"]) <= {"SENT", "REPLY"}
    assert str(history["time"].dtype).startswith("datetime64")
    with pytest.raises(InputError, match="unknown field"):
        client.leads.update(other, lead["id"], {"company": "x"})


# -- two writers on one lead (issue 19, item 9) -----------------------------------------------------
class Turns:
    """Two clients send their requests in a scripted order, over real HTTP to one sandbox.

    ``script`` names who sends each request, in order (``"AABB..."``). Each client gets a
    requests response hook (run in the caller's thread when an answer arrives) that ticks the
    script off and holds the thread until its next turn: the interleaving is fixed by the
    script, not by timing.
    """

    def __init__(self, script: str):
        self.script = list(script)
        self.sent: list[str] = []
        self._cond = threading.Condition()

    def wait_for_turn(self, who: str) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: not self.script or self.script[0] == who,
                                       timeout=30):
                raise AssertionError(f"{who} never got its turn: left {self.script}, "
                                     f"sent {self.sent}")

    def attach(self, client, who: str) -> None:
        def answered(response, *args, **kwargs):
            with self._cond:
                assert self.script and self.script[0] == who, (who, self.script, self.sent)
                self.script.pop(0)
                path = urlsplit(response.request.url).path.removeprefix("/api/v1/")
                self.sent.append(f"{who} {response.request.method} {path}")
                self._cond.notify_all()
            self.wait_for_turn(who)

        client._transport.session.hooks["response"].append(answered)

    def run(self, calls: dict) -> dict:
        """Run ``{who: call}`` in threads; ``{who: result or the exception raised}``."""
        results: dict = {}

        def work(who, call):
            self.wait_for_turn(who)
            try:
                results[who] = call()
            except Exception as exc:  # noqa: BLE001 - the test judges it
                results[who] = exc

        threads = [threading.Thread(target=work, args=item) for item in calls.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert self.script == [] and len(results) == len(calls), (self.script, self.sent)
        return results


ORIGINAL = {"email": "ana@example.com", "first_name": "Ana", "company_name": "Old Co",
            "custom_fields": {"tier": "silver", "hook": "x"}}
CHANGES = {"A": {"company_name": "New Co"},
           "B": {"first_name": "Bea", "custom_fields": {"tier": "gold"}}}
SET_FIELDS = {"A": {"company_name": "New Co"},
              "B": {"first_name": "Bea", "custom_fields.tier": "gold"}}


# The requests of one update_lead, by phase: r(ead) = the campaign, its leads page, the lead by
# email; w(rite); c(heck) = the read-back.
PHASE_REQUESTS = {"r": 3, "w": 1, "c": 1}


def expand(phases: str) -> str:
    """``"Ar Bw"`` -> ``"AAAB"``: who sends each request."""
    return "".join(p[0] * PHASE_REQUESTS[p[1]] for p in phases.split())


def race(client, sandbox, phases):
    """Both writers update the same lead, their phases in the order ``phases`` gives."""
    script = expand(phases)
    cid = client.campaigns.create("Race")["id"]
    client.leads.add(cid, [ORIGINAL])
    lid = client.leads.find(ORIGINAL["email"])["id"]
    other = SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=None,
                            retry=FAST_RETRIES)
    turns = Turns(script)
    writers = {"A": client, "B": other}
    for who, writer in writers.items():
        turns.attach(writer, who)
    try:
        results = turns.run({who: (lambda w=w, who=who: w.leads.update(cid, lid, CHANGES[who]))
                             for who, w in writers.items()})
    finally:
        other.close()
        client._transport.session.hooks["response"].clear()
    assert [step.split()[0] for step in turns.sent] == list(script)
    final = client.leads.find(ORIGINAL["email"])
    return results, {"first_name": final["first_name"], "company_name": final["company_name"],
                     "custom_fields.tier": final["custom_fields"]["tier"],
                     "custom_fields.hook": final["custom_fields"]["hook"]}


def vanished(who, final):
    return [name for name, value in SET_FIELDS[who].items() if final[name] != value]


@pytest.mark.parametrize("phases, raised, lost_by", [
    ("Ar Br Aw Bw Ac Bc", {"A": ("first_name", "company_name", "custom_fields.tier")}, "A"),
    ("Ar Br Bw Aw Ac Bc", {"B": ("first_name", "company_name", "custom_fields.tier")}, "B"),
    ("Ar Br Bw Aw Bc Ac", {"B": ("first_name", "company_name", "custom_fields.tier")}, "B"),
    ("Ar Aw Br Bw Bc Ac", {"A": ("first_name", "custom_fields.tier")}, None),  # B read after A wrote
    ("Ar Aw Ac Br Bw Bc", {}, None),                                           # one after the other
])
def test_a_lost_update_is_reported_by_the_writer_whose_change_vanished(client, sandbox, phases,
                                                                       raised, lost_by):
    results, final = race(client, sandbox, phases)
    assert final["custom_fields.hook"] == "x"  # a field nobody set survives every interleaving
    for who in "AB":
        gone = vanished(who, final)
        assert gone == ([] if who != lost_by else list(SET_FIELDS[who])), (who, final)
        outcome = results[who]
        if who not in raised:
            assert isinstance(outcome, dict), outcome  # the lead as written
            assert {k: v for k, v in CHANGES[who].items() if k != "custom_fields"}.items() <= \
                outcome.items()
            continue
        assert isinstance(outcome, ConflictError), outcome
        assert outcome.fields == raised[who]
        if gone:  # the vanished change is named as this call's own, overwritten
            assert f"this call's change to {', '.join(gone)} was overwritten" in str(outcome)
        else:
            assert "own change is in place" in str(outcome)
        copy = pickle.loads(pickle.dumps(outcome))
        assert (type(copy), copy.fields, str(copy)) == (ConflictError, outcome.fields, str(outcome))


def test_the_documented_window_a_whole_update_between_read_and_write_goes_unseen(client,
                                                                                 sandbox):
    """update_lead's docstring says what it cannot see: B reads, writes and reads back while
    A sits between its read and its write; A's write then undoes B's change, and neither
    call can tell. If this test starts failing, the window closed: update the docstring."""
    results, final = race(client, sandbox, "Ar Br Bw Bc Aw Ac")
    assert not any(isinstance(r, Exception) for r in results.values()), results
    assert vanished("B", final) == ["first_name", "custom_fields.tier"]
    assert "The remaining window" in type(client.leads).update.__doc__


def test_a_lead_whose_email_changed_meanwhile_is_a_conflict_not_a_wrong_write(client, sandbox):
    cid = client.campaigns.create("Moved")["id"]
    client.leads.add(cid, [ORIGINAL])
    lid = client.leads.find(ORIGINAL["email"])["id"]
    other = SmartleadClient(sandbox.api_key, base_url=sandbox.base_url, rate_limit=None,
                            retry=FAST_RETRIES)
    turns = Turns("AA" + expand("Br Bw Bc") + "A")  # B renames the address between A's
    #                                                 campaign page and its read by email
    turns.attach(client, "A")
    turns.attach(other, "B")
    try:
        results = turns.run({"A": lambda: client.leads.update(cid, lid, {"last_name": "Ng"}),
                             "B": lambda: other.leads.update(cid, lid, {"email": "ana@new.example"})})
    finally:
        other.close()
        client._transport.session.hooks["response"].clear()
    assert isinstance(results["A"], ConflictError) and results["A"].fields == ("email",)
    assert "nothing was written" in str(results["A"])
    assert len(sent(sandbox, "POST", f"/campaigns/{cid}/leads/{lid}")) == 1  # B's write only
    assert client.leads.find("ana@new.example")["last_name"] is None
