"""Leads preview: counts, rejected rows with reasons, a paged sample, CSV uploads."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from smartlead_nb.widgets import CampaignBuilder, LeadsPreview
from smartlead_nb.widgets.leads_preview import read_csv_upload


def upload_entry(content: bytes, name: str = "leads.csv") -> dict:
    return {"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
            "last_modified": datetime(2025, 1, 6, tzinfo=timezone.utc)}


def test_counts_and_rejected_rows_with_reasons(builder, leads):
    builder.set_leads(leads)
    counts = builder.leads_preview.counts.value
    assert 'sl-count-valid">3</b> valid' in counts
    # Issue 11: the three groups add up to the rows; the duplicate is not also "rejected".
    assert 'sl-count-rejected">1</b> rejected' in counts
    assert 'sl-count-duplicate">1</b> duplicate (sent once)' in counts
    assert 'sl-count-rows">5</b> rows' in counts
    rejected = builder.leads_preview.rejected.value
    assert "not-an-email" in rejected and "invalid_email" in rejected
    assert "duplicate of row 0" in rejected


def test_a_million_rows_are_never_rendered_whole():
    n = 1_000_000
    frame = pd.DataFrame({"email": pd.Series(range(n)).astype(str) + "@example.com"})
    from smartlead_nb import leads_from_frame

    preview = LeadsPreview()
    preview.show(frame, leads_from_frame(frame))
    assert preview.sample.value.count("<tr") == 1 + 20          # header + one page
    assert "page 1 of 50,000" in preview.page_label.value
    assert "1,000,000</b> valid" in preview.counts.value
    preview.next_button.click()
    assert "20@example.com" in preview.sample.value and "page 2 of" in preview.page_label.value
    preview.prev_button.click()
    assert preview.prev_button.disabled
    preview.show_page(10**9)                                     # clamps to the last page
    assert "999999@example.com" in preview.sample.value and preview.next_button.disabled
    assert len(preview.sample.value) < 10_000


def test_csv_upload_becomes_the_plans_leads(builder):
    csv = b"Email Address,First Name,Company\nzoe@example.com,Zoe,Zed\nbad,,\n"
    builder.leads_source.upload.value = (upload_entry(csv),)
    plan = builder.plan
    assert list(plan.leads["Email Address"]) == ["zoe@example.com", "bad"]
    assert "uploaded file leads.csv" in builder.leads_status.value
    assert 'sl-count-valid">1</b> valid' in builder.leads_preview.counts.value
    assert builder.leads_source.upload.value == ()              # the bytes are not kept
    assert builder.leads_source.upload.description == "leads.csv"   # the button names the file


def test_unreadable_upload_is_an_error_in_the_form(builder):
    builder.leads_source.upload.value = (upload_entry(b"   ", name="empty.csv"),)
    assert "empty.csv is empty" in builder.leads_source.status.value
    assert builder.plan.leads is None


def test_frame_without_email_column_is_explained(builder):
    builder.set_leads(pd.DataFrame({"name": ["a", "b"]}))
    assert "sl-msg-error" in builder.leads_status.value
    assert "email" in builder.leads_status.value.lower()
    assert builder.plan.leads is None


def test_read_csv_upload_keeps_text_as_text():
    frame = read_csv_upload(upload_entry(b"email,zip\na@b.co,00123\n"))
    assert frame.loc[0, "zip"] == "00123"


def test_leads_from_a_csv_path(client, tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("email\nx@example.com\n")
    builder = CampaignBuilder(client, namespace={})
    builder.set_leads(str(path))
    assert 'sl-count-valid">1</b> valid' in builder.leads_preview.counts.value
    builder.set_leads(str(tmp_path / "missing.csv"))
    assert "no such leads file" in builder.leads_status.value
