"""Each fact has one home (issue 15): the copies that disagreed now import one rule, and where
they disagreed the chosen behaviour is pinned here, saying which copy was wrong."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import smartlead_nb as sl
from smartlead_nb import CampaignPlan, InputError, LeadFrameError, leads_from_frame
from smartlead_nb.frames import accounts, clean, columns, leads as frame_leads
from smartlead_nb.frames.sequences import sequences_from_frame
from smartlead_nb.frames import lead_records, upload_rules
from smartlead_nb.frames.upload_rules import UPLOAD_FLAGS
from smartlead_nb.resources import leads as resource_leads
from smartlead_nb.resources.leads import LeadsService
from smartlead_nb.templates import lead_value, steps_from_frame_like


def test_batch_limit_and_standard_fields_are_imported_not_repeated():
    assert resource_leads.MAX_LEADS_PER_REQUEST is frame_leads.MAX_BATCH_SIZE
    assert lead_records.STANDARD_LEAD_FIELDS == (*columns.STANDARD_FIELDS, "custom_fields")
    for module in (resource_leads, lead_records, upload_rules):
        source = inspect.getsource(module)
        assert "= 400" not in source and '"linkedin_profile"' not in source, module.__name__


def test_the_missing_value_rule_is_one_rule():
    # frames/sequences._text gave "3.0" for 3.0 and templates/inputs gave "3"; the sequences
    # copy was wrong (SmartLead gets "3" for a whole float from every lead column).
    steps = sequences_from_frame(pd.DataFrame({"seq_number": [1], "subject": [2024.0],
                                               "email_body": ["Hi"]}))
    assert steps[0]["subject"] == "2024"
    # templates/inputs._missing missed a numpy NaN and NaT; frames/sequences caught them.
    assert clean.is_missing(np.float32("nan")) and clean.is_missing(np.datetime64("NaT"))
    # lead_value (templates) wrote True as "True"; the wire text (frames.clean) is "true".
    assert lead_value({"email": "a@b.co", "vip": True}, "vip") == "true"
    assert clean.cell_text(np.float64(3.0)) == "3" and clean.cell_text(pd.NA) == ""


@pytest.mark.parametrize("frame, fragment", [
    # templates/inputs knew no "step" alias ("missing column"); frames/sequences maps it.
    (pd.DataFrame({"step": [1], "subject": ["Hi"], "email_body": ["Hello"]}), None),
    # templates/inputs took a missing delay on step 2 as 0 (wrong: it would send both at once).
    (pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, None], "subject": ["a", ""],
                   "email_body": ["x", "y"]}), "delay_in_days is empty for step 2"),
    # templates/inputs accepted a delay of 400 days (wrong: SmartLead's limit is 365).
    (pd.DataFrame({"seq_number": [1, 2], "delay_in_days": [0, 400], "subject": ["a", ""],
                   "email_body": ["x", "y"]}), "delay_in_days must be 0-365, got 400 for step 2"),
])
def test_one_sequence_converter(frame, fragment):
    if fragment is None:
        assert steps_from_frame_like(frame) == sequences_from_frame(frame)
        return
    for convert in (sequences_from_frame, steps_from_frame_like):
        with pytest.raises(InputError, match=fragment):
            convert(frame)


def test_repeated_variant_labels_are_refused_by_the_frames_converter_too():
    # frames/sequences let two "A" variants through; templates/inputs refused them.
    frame = pd.DataFrame({"seq_number": [1, 1], "variant_label": ["A", "A"],
                          "subject": ["a", "b"], "email_body": ["x", "y"]})
    with pytest.raises(InputError, match="each must be different"):
        sequences_from_frame(frame)


ACCOUNTS = [
    {"is_smtp_success": True, "is_imap_success": True, "warmup_details": {"status": "ACTIVE"}},
    {"is_smtp_success": True, "is_imap_success": True, "warmup_details": None},
    {"is_smtp_success": True, "is_imap_success": True, "warmup_details": {"status": "active"}},
    {"is_smtp_success": True, "is_imap_success": False},
    {"is_smtp_success": True, "is_imap_success": True, "warmup_details": {"status": ""}},
]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_sender_health_is_one_rule_for_the_plan_and_the_form(account):
    pytest.importorskip("ipywidgets")
    from smartlead_nb.widgets.accounts import health

    assert health(account)[0] == (accounts.sender_problems(account) == [])


def test_the_upload_flags_are_one_list():
    plan_fields = {f.name for f in CampaignPlan.__dataclass_fields__.values()}
    for function in (LeadsService.upload, LeadsService.add):
        parameters = inspect.signature(function).parameters
        assert [p for p in parameters if p.startswith("ignore_")] == list(UPLOAD_FLAGS)
    assert set(UPLOAD_FLAGS) <= plan_fields
    assert [f for f in CampaignPlan.__dataclass_fields__ if f.startswith("ignore_")] \
        and set(f for f in plan_fields if f.startswith("ignore_")) == set(UPLOAD_FLAGS)
    with pytest.raises(TypeError, match="unknown upload flag"):
        upload_rules.lead_upload_settings(ignore_blocklist=True)


def test_lead_frame_error_is_an_input_error():
    assert issubclass(LeadFrameError, InputError) and issubclass(LeadFrameError, ValueError)
    with pytest.raises(InputError, match="no email column"):
        leads_from_frame(pd.DataFrame({"name": ["Ana"]}))


def test_a_lead_dict_is_judged_by_the_same_email_rule_as_a_frame(client, sandbox):
    """Issue 15: the client's check_lead used '"@" in email' while the frames used the full
    rule, so 'ana@x' passed one and failed the other. Now add_leads applies the frames' rule:
    an address it rejects is never sent, and is counted (and named) with SmartLead's invalid."""
    import pandas as pd

    from smartlead_nb import leads_from_frame

    addresses = ["ana@example.com", "ana@x", "no-at-sign", "not-an-email@"]
    by_frame = leads_from_frame(pd.DataFrame({"email": addresses})).report["outcome"].astype(str)
    cid = client.campaigns.create("One email rule")["id"]
    sandbox.clear_requests()
    counts = client.leads.add(cid, [{"email": a} for a in addresses])
    (posted,) = [r for r in sandbox.requests if r["path"].endswith("/leads")]
    sent_emails = [lead["email"] for lead in posted["json"]["lead_list"]]
    assert sent_emails == [a for a, o in zip(addresses, by_frame) if o == "ok"] == ["ana@example.com"]
    assert counts["invalid_email_count"] == 3 and counts["upload_count"] == 1
    assert [r["position"] for r in counts["rejected_before_sending"]] == [1, 2, 3]
