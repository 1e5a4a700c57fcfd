"""The client's old flat names (``client.create_campaign``) forward to their new homes for one
release: each warns with the new spelling, none is in ``dir(client)``, and the package, its
notebooks and its README use none of them (issue 21)."""

from __future__ import annotations

import inspect
import json
import re

import pandas as pd
import pytest

from smartlead_nb import SmartleadClient
from smartlead_nb._flat_names import CALLED_SERVICES, FORWARDS, resolve
from smartlead_nb.resources._base import service_verbs

from .helpers import REPO, sent

# The public methods of the flat client of the previous release (its dir(), less the names
# that stay: close, fingerprint, last_rate_limit, raw_request, request, sandbox, stats).
PREVIOUS_RELEASE = """
add_email_accounts add_leads add_to_block_list analytics_by_date analytics_by_date_frame
analytics_campaigns_frame block_list block_list_frame campaign_analytics campaign_email_accounts
campaign_email_accounts_frame campaign_leads_frame campaign_overall_stats_frame
campaign_statistics campaign_statistics_frame campaigns_frame category_responses_frame
client_api_keys client_api_keys_frame clients_frame create_campaign create_client
create_client_api_key create_subsequence day_wise_stats_frame delete_block_entry delete_campaign
delete_client_api_key delete_lead delete_webhook email_account email_account_tags_frame
email_accounts_frame get_campaign get_lead_by_email get_or_create_campaign get_sequences
global_leads_frame inbox inbox_frame inbox_thread iter_block_list iter_campaign_leads
iter_campaign_statistics iter_global_leads iter_inbox iter_leads_statistics
iter_mailbox_statistics lead_campaigns lead_categories lead_categories_frame lead_history_frame
leads_export leads_statistics_frame list_campaign_leads list_campaigns list_clients
list_email_accounts list_webhooks mailbox_health_metrics_frame mailbox_statistics
mailbox_statistics_frame message_history move_leads overall_stats overall_stats_frame
pause_campaign pause_lead post_lead_batch push_leads_to_subsequence push_to_subsequence
reconnect_failed_email_accounts remove_email_accounts replies_frame reply_to_lead
reply_to_thread reset_client_api_key resume_lead retrigger_failed_webhooks save_email_account
save_email_account_tag save_sequences save_webhook sequence_analytics sequences_frame
set_campaign_status set_lead_category start_campaign stop_campaign tag_email_accounts
top_level_analytics_by_date top_level_analytics_by_date_frame unsubscribe_lead
unsubscribe_lead_everywhere untag_email_accounts update_email_account update_lead
update_schedule update_settings update_warmup warmup_stats warmup_stats_frame warmup_stats_many
warmup_totals_frame webhook_summary webhooks_frame
""".split()
FORWARDED = sorted(set(FORWARDS) - set(CALLED_SERVICES))


@pytest.fixture
def offline():
    """A client that never connects (the forwards are looked up, not called)."""
    with SmartleadClient("k-offline-0000", base_url="http://127.0.0.1:9/api/v1",
                         rate_limit=None) as c:
        yield c


def test_every_name_of_the_previous_release_has_a_home():
    assert sorted(FORWARDS) == sorted(PREVIOUS_RELEASE)
    verbs = service_verbs(SmartleadClient)
    homes = {row.new for row in FORWARDS.values()}
    assert sorted(homes - set(verbs)) == []              # each home is a public verb
    assert len(homes) == len(FORWARDS)                   # and no two old names share one


@pytest.mark.parametrize("old", FORWARDED)
def test_an_old_name_forwards_with_a_warning_naming_the_new_spelling(offline, old):
    new = FORWARDS[old].new
    with pytest.warns(FutureWarning, match=rf"^client\.{old} is now client\.{re.escape(new)}$") \
            as caught:
        target = getattr(offline, old)
    assert len(caught) == 1 and caught[0].filename == __file__   # it points at the caller
    home = resolve(offline, new)
    if FORWARDS[old].call is None and FORWARDS[old].result is None:
        assert target == home                            # the very bound method
    else:
        assert callable(target) and target.__doc__ == resolve(
            offline, FORWARDS[old].call or new).__doc__


def test_no_old_name_is_in_dir_or_on_the_class(offline):
    shown = set(dir(offline)) | set(dir(SmartleadClient))
    assert sorted(set(FORWARDED) & shown) == []
    public = [n for n in dir(offline) if not n.startswith("_")]
    services = {n for n in public if n in {p.split(".")[0] for p in service_verbs(SmartleadClient)}}
    assert len(services) == 10 and len(set(public) - services) < 20


@pytest.mark.parametrize("name, call", [("inbox", ("sent",)), ("block_list", ())])
def test_an_old_name_that_is_now_a_service_forwards_when_called(client, name, call):
    with pytest.warns(FutureWarning, match=rf"^client\.{name} is now client\.{name}\.list$"):
        rows = getattr(client, name)(*call)
    assert rows == getattr(client, name).list(*call)


def test_a_misspelt_name_suggests_the_service(offline):
    with pytest.raises(AttributeError, match=r"'campaings' \(did you mean client\.campaigns\?\)"):
        offline.campaings
    # a misspelt old name gets its new spelling, and no warning (it forwards nothing)
    with pytest.raises(AttributeError, match=r"'get_campaing' \(did you mean client\.campaigns\.get\?\)"):
        offline.get_campaing


def test_old_spellings_still_work_end_to_end(client, sandbox):
    """The seed's seven steps in the old spelling, old argument order: same answers, the old
    types (a dict from create and get), the create one request as before."""
    with pytest.warns(FutureWarning):
        sandbox.clear_requests()
        created = client.create_campaign("Old spelling")
        assert [r["method"] for r in sent(sandbox)] == ["POST"]
        assert isinstance(created, dict) and set(created) >= {"ok", "id", "name", "created_at"}
        cid = created["id"]
        client.save_sequences(cid, [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                                     "subject": "Hi", "email_body": "Hello"}])
        client.add_email_accounts(cid, [3001])
        counts = client.add_leads(cid, [{"email": "ana@example.com"}])
        client.update_schedule(cid, timezone="UTC", days="Mon-Fri", start="09:00", end="17:00")
        client.update_settings(cid, track_opens=False)
        client.start_campaign(cid, confirm=True)
        got = client.get_campaign(cid)
        stats = client.campaign_statistics_frame(cid)
    assert counts["upload_count"] == 1
    assert type(got) is dict and got["status"] == "ACTIVE"
    assert isinstance(stats, pd.DataFrame) and "read_at" in stats.attrs


# --- nothing of ours uses them ------------------------------------------------------------------
_OLD = re.compile(r"\bclient\.(" + "|".join(sorted(FORWARDED, key=len, reverse=True)) + r")\b")
_OLD_CALLED = re.compile(r"\bclient\.(inbox|block_list)\(")


def _old_spellings(text: str) -> list[str]:
    return [m.group(0) for m in (*_OLD.finditer(text), *_OLD_CALLED.finditer(text))]


def test_the_scan_sees_an_old_spelling():
    assert _old_spellings("x = client.get_campaign(7); client.inbox('sent')") == [
        "client.get_campaign", "client.inbox("]
    assert _old_spellings("client.campaigns.get(7); client.inbox.list()") == []


@pytest.mark.parametrize("path", sorted(p.relative_to(REPO).as_posix() for p in [
    *REPO.glob("notebooks/*.ipynb"), REPO / "README.md", *REPO.glob("docs/*.md"),
    *(p for p in REPO.glob("smartlead_nb/**/*.py")
      if p.name != "_flat_names.py" and "sandbox" not in p.parts)]))
def test_notebooks_readme_and_package_use_only_the_new_names(path):
    text = (REPO / path).read_text(encoding="utf-8")
    if path.endswith(".ipynb"):
        text = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
    assert _old_spellings(text) == []


def test_the_forward_table_is_hidden_from_the_client_signature():
    # the docs show what help() shows: the services, not the table
    assert "create_campaign" not in (SmartleadClient.__doc__ or "")
    assert "create_campaign" not in inspect.getsource(SmartleadClient)
