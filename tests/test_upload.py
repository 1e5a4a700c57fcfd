"""Bulk upload against the sandbox: every row accounted for, batches journaled, resumable."""

import json
import warnings

import pandas as pd
import pytest

from smartlead_nb import InputError
from smartlead_nb.sandbox import Faults, Sandbox
from smartlead_nb import UploadInterrupted, upload_leads

from .helpers import FAST_RETRIES, START, sent


def people(n, start=0, domain="example.com"):
    return pd.DataFrame({
        "Email Address": [f"person{i}@{domain}" for i in range(start, start + n)],
        "First Name": [f"P{i}" for i in range(start, start + n)],
        "Company": ["Acme"] * n,
        "Phone": [4155550000.0 + i for i in range(start, start + n)],
        "Segment": ["mid-market"] * n,
    })


def campaign_emails(client, cid):
    return {r["lead"]["email"] for r in client.leads.list(cid)}


def test_messy_frame_every_row_accounted_for(client, sandbox, tmp_path):
    frame = pd.concat([people(5), pd.DataFrame({
        "Email Address": ["PERSON1@example.com ", "broken@", None, "x@blocked.example"],
        "First Name": ["Dup", "Bad", "NoMail", "Blocked"]})], ignore_index=True)
    cid = client.campaigns.create("Messy")["id"]
    result = upload_leads(client, cid, frame, journal=tmp_path / "j.jsonl", progress=False)
    outcome = result.rows["outcome"].to_dict()
    assert len(result.rows) == len(frame) == 9
    assert [outcome[i] for i in range(5)] == ["uploaded"] * 5
    assert (outcome[5], outcome[6], outcome[7], outcome[8]) == (
        "duplicate", "invalid_email", "missing_email", "blocked")
    assert "row 1" in result.rows.loc[5, "reason"]
    assert campaign_emails(client, cid) == {f"person{i}@example.com" for i in range(5)}
    body = sent(sandbox, "POST", "/leads")[0]["json"]
    lead = body["lead_list"][0]
    assert lead["phone_number"] == "4155550000" and lead["custom_fields"] == {"Segment": "mid-market"}
    assert result.batches.loc[0, "added"] == 5 and result.batches.loc[0, "blocked"] == 1


def test_batches_of_400_and_per_row_server_outcomes(client, sandbox, tmp_path):
    other = client.campaigns.create("Other")["id"]
    client.leads.add(other, [{"email": "person3@example.com"}])
    cid = client.campaigns.create("Big")["id"]
    client.leads.add(cid, [{"email": "person7@example.com"}])
    result = upload_leads(client, cid, people(900), journal=tmp_path / "j.jsonl", progress=False)
    posts = sent(sandbox, "POST", f"/campaigns/{cid}/leads")[1:]
    assert sorted(len(p["json"]["lead_list"]) for p in posts) == [100, 400, 400]  # may overlap
    out = result.rows["outcome"]
    assert out.loc[3] == "in_other_campaign" and out.loc[7] == "already_in_campaign"
    assert (out == "uploaded").sum() == 898
    assert len(campaign_emails(client, cid)) == 899
    assert result.batches["rows"].tolist() == [400, 400, 100]


def test_csv_streamed_in_chunks_with_cross_chunk_duplicates(client, sandbox, tmp_path):
    frame = pd.concat([people(250), people(10, start=5)], ignore_index=True)  # 10 repeats at the end
    path = tmp_path / "leads.csv"
    frame.to_csv(path, index=False)
    cid = client.campaigns.create("CSV")["id"]
    result = upload_leads(client, cid, path, csv_chunk_rows=100, journal=False, progress=False)
    assert len(result.rows) == 260
    dupes = result.rows[result.rows["outcome"] == "duplicate"]
    assert dupes.index.tolist() == list(range(250, 260))
    assert "earlier chunk" in dupes["reason"].iloc[0]
    assert len(campaign_emails(client, cid)) == 250


def test_iterator_of_chunks(client, tmp_path):
    cid = client.campaigns.create("Chunks")["id"]
    chunks = (people(50, start=k * 50).set_index(pd.RangeIndex(k * 50, k * 50 + 50)) for k in range(3))
    result = upload_leads(client, cid, chunks, journal=False, progress=False)
    assert (result.rows["outcome"] == "uploaded").sum() == 150


class FailingAfter:
    """Switches a sandbox fault on after N lead batches: the fault happens over real HTTP."""

    def __init__(self, client, sandbox, after, faults):
        self.client, self.sandbox, self.after, self.faults, self.calls = client, sandbox, after, faults, 0
        original = client.leads.send_batch

        def post(cid, body):
            self.calls += 1
            if self.calls != after + 1:
                return original(cid, body)
            # Only this call switches the fault on and off; with overlapping requests a
            # neighbour may meet it too, which the tests allow for.
            sandbox.faults = faults
            try:
                return original(cid, body)
            finally:
                sandbox.faults = None
        client.leads.send_batch = post


@pytest.mark.parametrize("fault, lost", [(Faults(p500=1.0), False), (Faults(p_drop=1.0), True)])
def test_interrupted_upload_resumes_without_resending_confirmed_batches(client, sandbox, tmp_path, fault, lost):
    cid = client.campaigns.create("Resume")["id"]
    frame = people(1000)
    journal = tmp_path / "journal.jsonl"
    FailingAfter(client, sandbox, after=2, faults=fault)
    with pytest.raises(UploadInterrupted, match="interrupted at batch 3.*Run the same call again") as info:
        upload_leads(client, cid, frame, journal=journal, batch_size=200, progress=False,
                     max_in_flight=1)
    partial = info.value.result
    assert (partial.rows["outcome"] == "uploaded").sum() == 400
    states = [json.loads(line)["state"] for line in journal.read_text().splitlines()]
    assert states == ["sending", "confirmed", "sending", "confirmed", "sending"]
    held = len(campaign_emails(client, cid))
    assert held == (600 if lost else 400)  # a dropped answer still did the work
    sandbox.clear_requests()
    client.leads.send_batch = type(client.leads).send_batch.__get__(client.leads)
    result = upload_leads(client, cid, frame, journal=journal, batch_size=200, progress=False,
                          max_in_flight=1)
    resent = [p["json"]["lead_list"][0]["email"] for p in sent(sandbox, "POST", "/leads")]
    assert resent == [f"person{i}@example.com" for i in (400, 600, 800)]  # batches 3-5 only
    assert (result.rows["outcome"] == "uploaded").sum() == 1000
    assert result.batches["resumed"].tolist() == [True, True, False, False, False]
    assert campaign_emails(client, cid) == {f"person{i}@example.com" for i in range(1000)}


def test_lead_credit_exhaustion_stops_and_marks_the_rest(tmp_path):
    with Sandbox(db_path=tmp_path / "s.db", rate_limits=None, lead_credits=500, start_time=START) as sb:
        from smartlead_nb import SmartleadClient
        client = SmartleadClient(sb.api_key, base_url=sb.base_url, rate_limit=None, retry=FAST_RETRIES)
        cid = client.campaigns.create("Credits")["id"]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = upload_leads(client, cid, people(1000), journal=False, progress=False)
        assert not result.complete and "lead credits are exhausted" in result.stopped
        assert any("lead credits" in str(w.message) for w in caught)
        counts = result.rows["outcome"].value_counts()
        assert counts["uploaded"] == 500 and counts["not_sent"] == 500
        # Batches already in flight when credits ran out come back "not imported" too;
        # none is sent after the exhaustion is known.
        assert len(sent(sb, "POST", "/leads")) <= 3
        with pytest.warns(UserWarning, match="lead credits"):
            one_at_a_time = upload_leads(client, client.campaigns.create("Again")["id"],
                                         people(10, 2000), journal=False, progress=False,
                                         max_in_flight=1)
        assert one_at_a_time.stopped and len(sent(sb, "POST", "/leads")) <= 4


def test_bad_calls_fail_before_any_upload(client, sandbox, tmp_path):
    cid = client.campaigns.create("Bad")["id"]
    with pytest.raises(InputError, match="batch_size"):
        upload_leads(client, cid, people(3), batch_size=401)
    with pytest.raises(InputError, match="no such CSV file"):
        upload_leads(client, cid, tmp_path / "missing.csv", progress=False)
    with pytest.raises(InputError, match=r"repeats labels \[0\]"):
        upload_leads(client, cid, people(3).set_index(pd.Index([0, 0, 1])), progress=False, journal=False)
    with pytest.raises(InputError, match="confirm_overrides"):
        upload_leads(client, cid, people(3), ignore_global_block_list=True)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Email,First Name\njose@example.com,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="encoding='latin-1'"):
        upload_leads(client, cid, latin, progress=False, journal=False)
    assert sent(sandbox, "POST", "/leads") == []
    ok = upload_leads(client, cid, latin, progress=False, journal=False, encoding="latin-1")
    assert ok.rows["outcome"].tolist() == ["uploaded"]


def test_overlapping_requests_still_never_resend_a_confirmed_batch(client, sandbox, tmp_path):
    cid = client.campaigns.create("Parallel")["id"]
    frame = people(2000)
    journal = tmp_path / "journal.jsonl"
    FailingAfter(client, sandbox, after=3, faults=Faults(p_drop=1.0, latency=0.05))
    with pytest.raises(UploadInterrupted):
        upload_leads(client, cid, frame, journal=journal, batch_size=100, progress=False,
                     max_in_flight=4)
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    confirmed = {e["batch"] for e in entries if e["state"] == "confirmed"}
    assert 1 <= len(confirmed) < 20  # neighbours of the failing call may fail too
    sandbox.clear_requests()
    client.leads.send_batch = type(client.leads).send_batch.__get__(client.leads)
    result = upload_leads(client, cid, frame, journal=journal, batch_size=100, progress=False,
                          max_in_flight=4)
    first_emails = {p["json"]["lead_list"][0]["email"] for p in sent(sandbox, "POST", "/leads")}
    resent_batches = {int(e.split("person")[1].split("@")[0]) // 100 + 1 for e in first_emails}
    assert not resent_batches & confirmed
    assert (result.rows["outcome"] == "uploaded").sum() == 2000
    assert campaign_emails(client, cid) == {f"person{i}@example.com" for i in range(2000)}
    assert result.batches["batch"].tolist() == list(range(1, 21))


def test_report_streamed_to_a_file_keeps_only_counts(client, tmp_path):
    frame = pd.concat([people(250), people(5, start=10)], ignore_index=True)
    path = tmp_path / "leads.csv"
    frame.to_csv(path, index=False)
    cid = client.campaigns.create("Report file")["id"]
    report = tmp_path / "report.csv"
    result = upload_leads(client, cid, path, csv_chunk_rows=100, journal=False, progress=False,
                          report_path=report)
    assert result._rows is None  # nothing per-row kept in memory
    assert result.summary().to_dict() == {"uploaded": 250, "duplicate": 5}
    rows = result.rows  # read back from the file
    assert len(rows) == 255 and rows.index.tolist() == list(range(255))
    assert (rows.loc[250:, "outcome"] == "duplicate").all()
    assert "report.csv" in repr(result)


def test_a_chunk_of_nothing_but_earlier_rows_is_reported_not_refused(client, sandbox):
    cid = client.campaigns.create("Repeats")["id"]
    chunks = [pd.DataFrame({"email": ["ana@x.io", "bo@x.io"]}),
              pd.DataFrame({"email": ["ANA@x.io", " bo@x.io"]}, index=[2, 3])]
    result = upload_leads(client, cid, iter(chunks), journal=False, progress=False)
    assert result.rows["outcome"].tolist() == ["uploaded", "uploaded", "duplicate", "duplicate"]
    assert len(client.leads.list(cid)) == 2


def test_rows_answered_in_another_spelling_get_their_outcome(scripted):
    """The add-leads answer names a Unicode-domain row in punycode (and the other way round):
    each row still gets its outcome, not "sent, unconfirmed" (issue 19)."""
    server, client = scripted(
        {"json": {"id": 7, "name": "Q1", "status": "DRAFTED"}},
        {"json": {"ok": True, "upload_count": 1, "total_leads": 2,
                  "already_added_to_campaign": 1,
                  "emailToLeadIdMap": {"newlyAddedLeads": {"ana@xn--bcher-kva.de": 11},
                                       "existingLeads": {"BO@MÜNCHEN.DE": 12}}}})
    rows = pd.DataFrame({"email": ["Ana@Bücher.de", "bo@xn--mnchen-3ya.de"]})
    result = upload_leads(client, 7, rows, journal=False, progress=False)
    assert result.rows["outcome"].tolist() == ["uploaded", "already_in_campaign"]
    sent_body = json.loads(server.received[-1]["body"])
    assert [lead["email"] for lead in sent_body["lead_list"]] == rows["email"].tolist()


class FakeSink:
    """A LeadSink with no HTTP: keeps every batch it is sent and answers as SmartLead does
    when it adds them all (``emailToLeadIdMap.newlyAddedLeads`` names each address)."""

    def __init__(self):
        self.batches = []

    def send_batch(self, campaign_id, body):
        sent_leads = json.loads(body)["lead_list"]
        self.batches.append((campaign_id, json.loads(body)))
        return {"ok": True, "upload_count": len(sent_leads), "total_leads": len(sent_leads),
                "already_added_to_campaign": 0, "duplicate_count": 0, "invalid_email_count": 0,
                "emailToLeadIdMap": {"newlyAddedLeads": {
                    lead["email"]: 1 + i for i, lead in enumerate(sent_leads)}}}


def test_the_uploader_needs_only_a_sink_and_resumes_from_its_journal(tmp_path):
    """issue 21: upload.run_upload takes a sink (send one batch, get the answer), not a client;
    the journal is the uploader's own, so a second run sends nothing it confirmed."""
    from smartlead_nb.frames.upload_rules import lead_upload_settings
    from smartlead_nb.upload import run_upload

    settings = lead_upload_settings(return_lead_ids=True)
    sink, journal = FakeSink(), tmp_path / "j.jsonl"
    first = run_upload(sink, 7, people(25), settings=settings, journal_path=journal,
                       batch_size=10, progress=False, max_in_flight=1)
    assert [(cid, len(body["lead_list"])) for cid, body in sink.batches] == [(7, 10), (7, 10),
                                                                             (7, 5)]
    assert all(body["settings"] == settings for _, body in sink.batches)
    assert (first.rows["outcome"] == "uploaded").sum() == 25 and first.complete
    again = run_upload(sink, 7, people(25), settings=settings, journal_path=journal,
                       batch_size=10, progress=False, max_in_flight=1)
    assert len(sink.batches) == 3                      # every batch was confirmed: none re-sent
    assert again.batches["resumed"].all() and (again.rows["outcome"] == "uploaded").sum() == 25


@pytest.mark.parametrize("batch_size, max_in_flight, said", [
    (0, 4, "batch_size must be 1-400, got 0"), (401, 4, "batch_size must be 1-400, got 401"),
    (True, 4, "batch_size must be 1-400, got True"), (10, 17, "max_in_flight must be 1-16"),
    (10, 0, "max_in_flight must be 1-16")])
def test_the_uploader_refuses_bad_batching_before_sending(tmp_path, batch_size, max_in_flight,
                                                          said):
    from smartlead_nb.upload import run_upload

    sink = FakeSink()
    with pytest.raises(InputError, match=said):
        run_upload(sink, 7, people(3), settings={}, journal_path=None, batch_size=batch_size,
                   max_in_flight=max_in_flight, progress=False)
    assert sink.batches == []


class ContactHistoryStub:
    """Not a mirror: any object with a mirror's ``contacted()`` will do for skip_contacted."""

    def __init__(self, frame):
        self.frame, self.calls = frame, []

    def contacted(self, emails, *, exclude_campaign=None, include_deleted_campaigns=True):
        self.calls.append((list(emails), exclude_campaign, include_deleted_campaigns))
        return self.frame


def test_skip_contacted_asks_any_contact_history_and_sends_only_new_people(client, sandbox):
    cid = client.campaigns.create("Wave 2")["id"]
    history = ContactHistoryStub(pd.DataFrame([{
        "email": "person1@example.com", "campaign_id": 7, "campaign_name": "Wave 1",
        "campaign_deleted": False, "status": "COMPLETED",
        "last_sent": pd.Timestamp("2025-01-07", tz="UTC"), "replied_at": None}]))
    frame = people(3)
    frame.loc[1, "Email Address"] = " PERSON1@Example.COM"     # the same person, respelt
    result = upload_leads(client, cid, frame, journal=False, progress=False,
                          skip_contacted=history, include_deleted_campaigns=False)
    assert result.rows["outcome"].tolist() == ["uploaded", "already_contacted", "uploaded"]
    assert result.rows.loc[1, "reason"] == ('already in campaign 7 "Wave 1" (COMPLETED), '
                                            'last contacted 2025-01-07')
    assert campaign_emails(client, cid) == {"person0@example.com", "person2@example.com"}
    # Asked once, for this upload's rows, leaving the campaign being uploaded to out.
    assert [(len(emails), exclude, deleted) for emails, exclude, deleted in history.calls] == [
        (3, cid, False)]
