"""One leads-CSV reader (``frames.csv_reader``): every place that reads a CSV gives the same
advice. Before it, a Latin-1 file got encoding advice from ``upload_leads`` but a bare codec
error (or a LeadFrameError about rows) from ``CampaignPlan``, the builder and the upload form."""

from __future__ import annotations

import io

import pytest

from smartlead_nb import CampaignPlan, InputError
from smartlead_nb.frames.csv_reader import iter_leads_csv, read_leads_csv

LATIN = "Email,First Name\njose@example.com,Jos\xe9\n".encode("latin-1")


@pytest.mark.parametrize("source", [LATIN, io.BytesIO(LATIN), memoryview(LATIN)])
def test_another_encoding_gets_advice_from_bytes_and_files(source):
    with pytest.raises(InputError, match=r"the file is not UTF-8 .*encoding='latin-1'"):
        read_leads_csv(source)
    frame = read_leads_csv(LATIN, encoding="latin-1")
    assert frame["First Name"].tolist() == ["Jos\xe9"]


def test_every_cell_is_text_and_options_pass_through():
    frame = read_leads_csv(b"email;zip;phone\na@b.co;00123;\n", sep=";")
    assert frame["zip"].tolist() == ["00123"]
    assert frame["phone"].isna().all()          # "" is the one missing value


@pytest.mark.parametrize("content, match", [
    (b"", "leads.csv is empty: no header and no rows"),
    (b"  \n", "leads.csv is empty"),
    (b"Email,First Name\n", r"leads.csv has a header but no rows \('Email', 'First Name'\)"),
    (b'Email,Name\n"a@b.co,Ana\n', "could not be read as a CSV.*sep=';'"),
])
def test_empty_header_only_and_broken_files_are_named(content, match):
    with pytest.raises(InputError, match=match):
        read_leads_csv(content, name="leads.csv")


def test_chunks_and_a_missing_path(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("email\n" + "".join(f"p{i}@example.com\n" for i in range(5)))
    assert [len(c) for c in iter_leads_csv(path, chunk_rows=2)] == [2, 2, 1]
    with pytest.raises(InputError, match="no such CSV file.*no such leads file"):
        read_leads_csv(tmp_path / "missing.csv")


def test_the_plan_reads_its_csv_through_the_reader_with_its_options(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(LATIN)
    problems = CampaignPlan("x", leads=path).check()
    leads_problems = problems[problems["area"] == "leads"]["problem"].tolist()
    assert any("not UTF-8" in p and "encoding='latin-1'" in p for p in leads_problems)
    plan = CampaignPlan("x", leads=path, read_csv={"encoding": "latin-1"})
    assert plan.lead(0)["first_name"] == "Jos\xe9"


def test_the_upload_form_and_the_builder_give_the_same_advice(client, tmp_path):
    pytest.importorskip("ipywidgets")
    from smartlead_nb.widgets import CampaignBuilder
    from smartlead_nb.widgets.leads_preview import read_csv_upload

    with pytest.raises(InputError, match="latin.csv is not UTF-8 .*encoding='latin-1'"):
        read_csv_upload({"name": "latin.csv", "content": memoryview(LATIN)})
    path = tmp_path / "latin.csv"
    path.write_bytes(LATIN)
    builder = CampaignBuilder(client, state=tmp_path / "state.json", journal=False, namespace={})
    builder.set_leads(path)
    assert "encoding=" in builder.leads_status.value and "not UTF-8" in builder.leads_status.value
