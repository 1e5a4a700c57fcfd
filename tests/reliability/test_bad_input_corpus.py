"""Bad-input corpus: every hostile file in ``corpus/`` (described in ``corpus/manifest.json``)
goes through the public path analysts use and must end in a clear error that names the
problem, or a per-row rejection that says why, and never in a partial send.

Expectations in the manifest:

* ``error``: raises ``error`` (an ``InputError``/``LeadFrameError``/``ValueError`` name) whose
  message matches ``match``; no lead reached the sandbox.
* ``rows``: completes; per-row outcomes are exactly ``outcomes``; rejected rows have a reason
  (matching ``reason`` when given); ``verbatim`` values reached the sandbox unchanged.
* ``rows_explained``: completes; every row has an outcome, every rejected row a reason.
* ``plan_error`` / ``problems``: the plan's check lists the problem (``match``) and launch
  refuses without sending anything; ``check_templates`` lists it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb.frames.leads import LeadFrameError
from smartlead_nb.templates import check_templates

from ..helpers import sent

CORPUS = Path(__file__).with_name("corpus")
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
ERRORS = {"InputError": sl.InputError, "LeadFrameError": LeadFrameError, "ValueError": ValueError}
# These are never an acceptable answer to bad input: they explain nothing to an analyst.
RAW = (KeyError, TypeError, IndexError, AttributeError, UnicodeDecodeError,
       pd.errors.ParserError, pd.errors.EmptyDataError)


def test_the_corpus_is_big_and_described():
    assert len(MANIFEST) >= 30
    files = {p.name for p in CORPUS.iterdir()} - {"manifest.json", "make_corpus.py"}
    assert files == {e["file"] for e in MANIFEST}
    assert all(e.get("about") and e.get("expect") for e in MANIFEST)


def cases(*paths):
    """Manifest entries for these paths; an entry with ``xfail`` is a known bug in code this
    suite may not change (described in the manifest and the report)."""
    return [pytest.param(e, id=e["file"], marks=pytest.mark.xfail(strict=True, reason=e["xfail"]))
            if e.get("xfail") else pytest.param(e, id=e["file"])
            for e in MANIFEST if e["path"] in paths]


def expected_error(entry):
    names = entry["error"].split("|")
    return tuple(ERRORS[n] for n in names)


def check_error(exc: BaseException, entry) -> None:
    assert not isinstance(exc, RAW) or isinstance(exc, sl.InputError), (
        f"{entry['file']}: raw {type(exc).__name__} escaped: {exc}")
    assert isinstance(exc, expected_error(entry)), f"{entry['file']}: {type(exc).__name__}: {exc}"
    assert re.search(entry["match"], str(exc), re.I), f"{entry['file']}: message {str(exc)!r}"


def lead_bodies(sandbox):
    return [lead for r in sent(sandbox, "POST", "/leads") for lead in r["json"]["lead_list"]]


@pytest.mark.parametrize("entry", cases("upload", "frame_json"))
def test_lead_input(entry, client, sandbox, tmp_path):
    path = CORPUS / entry["file"]
    cid = client.campaigns.create(f"Corpus {entry['file']}")["id"]
    sandbox.clear_requests()
    if entry["path"] == "frame_json":
        spec = json.loads(path.read_text())
        source = pd.DataFrame(spec["data"], columns=spec["columns"])
    else:
        source = path
    try:
        result = sl.upload_leads(client, cid, source, journal=tmp_path / "j.jsonl", progress=False)
    except Exception as exc:  # noqa: BLE001 - judged below
        if entry["expect"] != "error":
            raise
        check_error(exc, entry)
        assert lead_bodies(sandbox) == [], "a partial send before the error"
        return
    assert entry["expect"] != "error", f"{entry['file']}: no error; rows: {result.rows.to_dict('records')}"
    rows = result.rows
    assert len(rows) > 0 and rows["outcome"].notna().all()
    rejected = rows[rows["outcome"] != "uploaded"]
    assert (rejected["reason"].astype(str).str.len() > 0).all(), rejected
    if "outcomes" in entry:
        assert rows["outcome"].value_counts().to_dict() == entry["outcomes"], rows.to_dict("records")
    if "reason" in entry:
        assert rejected["reason"].str.contains(entry["reason"], case=False, regex=True).all(), rejected
    sent_leads = lead_bodies(sandbox)
    # only accepted rows were sent, each once
    assert len(sent_leads) == (rows["outcome"] == "uploaded").sum()
    for column, values in entry.get("verbatim", {}).items():
        for value in values:
            assert any(value in (lead.get("first_name"), lead.get("company_name"),
                                 *(lead.get("custom_fields") or {}).values()) for lead in sent_leads), (
                f"{column} value {value!r} not sent verbatim: {sent_leads}")


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["path"] == "upload"],
                         ids=lambda e: e["file"])
def test_lead_file_read_by_pandas_then_checked(entry):
    """The other common path: pd.read_csv in a cell, then leads_from_frame. Files pandas
    itself cannot read are pandas' own errors, raised in the analyst's cell, not ours."""
    try:
        frame = pd.read_csv(CORPUS / entry["file"])
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return
    try:
        result = sl.leads_from_frame(frame)
    except Exception as exc:  # noqa: BLE001
        assert isinstance(exc, (LeadFrameError, sl.InputError)), f"raw {type(exc).__name__}: {exc}"
        assert len(str(exc)) > 20
        return
    report = result.report
    assert len(report) == len(frame)
    bad = report[report["outcome"] != "ok"]
    assert (bad["reason"].astype(str).str.len() > 0).all()


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["path"] == "schedule"],
                         ids=lambda e: e["file"])
def test_schedule_input(entry):
    kwargs = json.loads((CORPUS / entry["file"]).read_text())
    with pytest.raises(Exception) as info:
        sl.Schedule(**kwargs)
    check_error(info.value, entry)


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["path"] == "sequences"],
                         ids=lambda e: e["file"])
def test_sequences_input(entry):
    frame = pd.read_csv(CORPUS / entry["file"])
    with pytest.raises(Exception) as info:
        sl.sequences_from_frame(frame)
    check_error(info.value, entry)
    plan = sl.CampaignPlan("Corpus sequences", sequences=frame,
                           leads=pd.DataFrame({"email": ["ana@example.com"]}), email_accounts=[3001])
    problems = plan.check()
    assert ((problems["area"] == "sequence") & (problems["severity"] == "error")).any()


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["path"] in ("plan", "templates")],
                         ids=lambda e: e["file"])
def test_template_input(entry, client, sandbox, tmp_path):
    spec = json.loads((CORPUS / entry["file"]).read_text())
    problems = check_templates(spec["steps"], spec["leads"])
    assert len(problems) and problems["message"].str.contains(entry["match"]).any(), problems
    if entry["expect"] != "plan_error":
        return
    assert "unknown tag" in set(problems["problem"])
    plan = sl.CampaignPlan("Corpus tags", sequences=spec["steps"], leads=pd.DataFrame(spec["leads"]),
                           email_accounts=[3001], schedule=sl.Schedule("UTC"))
    errors = plan.check().query("severity == 'error'")
    assert errors["problem"].str.contains(entry["match"]).any(), errors
    sandbox.clear_requests()
    with pytest.raises(sl.InputError, match=entry["match"]):
        plan.launch(client, state=tmp_path / "s.json", journal=False, progress=False)
    assert sandbox.requests == []  # nothing at all was sent


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["path"] == "request"],
                         ids=lambda e: e["file"])
def test_request_path_input(entry, client, sandbox):
    """A hostile spelling of a campaign's path (or method) is refused even with confirm=True:
    nothing reaches the sandbox and the campaign is still there, DRAFTED."""
    spec = json.loads((CORPUS / entry["file"]).read_text(encoding="utf-8"))
    cid = client.campaigns.create(f"Corpus {entry['file']}")["id"]
    sandbox.clear_requests()
    with pytest.raises(Exception) as info:
        client.request(spec["method"], spec["path"].format(cid=cid), confirm=True)
    check_error(info.value, entry)
    assert sandbox.requests == []
    assert client.campaigns.get(cid)["status"] == "DRAFTED"


# The test that runs each path's entries (the journal files are run in test_journal_files.py).
ROUTES = {"upload": "test_lead_input, test_lead_file_read_by_pandas_then_checked",
          "frame_json": "test_lead_input", "schedule": "test_schedule_input",
          "sequences": "test_sequences_input", "plan": "test_template_input",
          "templates": "test_template_input", "journal": "test_journal_files.py::test_journal_input",
          "request": "test_request_path_input"}


def test_figures():
    """The figures the report quotes (how many hostile inputs, by the path they go through) are
    true: every file in the corpus is one of them, and every one is run by a test; an entry on a
    path no test routes would be counted here but never checked."""
    kinds = Counter(e["path"] for e in MANIFEST)
    print(f"\nCORPUS: {len(MANIFEST)} hostile inputs: {dict(kinds)}")
    files = {p.name for p in CORPUS.iterdir()} - {"manifest.json", "make_corpus.py"}
    assert sum(kinds.values()) == len(MANIFEST) == len(files) >= 30
    unrouted = sorted(set(kinds) - set(ROUTES))
    assert not unrouted, f"no test runs the corpus entries on path(s) {unrouted}: add one to ROUTES"
    assert all(kinds[path] for path in ROUTES), "a route with no corpus entry left: drop it"
