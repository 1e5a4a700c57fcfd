"""The client's old flat names (``client.create_campaign``), kept for one release: each is a
forward to its home on a service, announced by a ``FutureWarning`` that names the new
spelling. ``SmartleadClient.__getattr__`` reads :data:`FORWARDS`; none of these names is in
``dir(client)``, so tab completion and the docs show only the services.

>>> FORWARDS["create_campaign"].new
'campaigns.create'
>>> moved("create_campaign")
'client.create_campaign is now client.campaigns.create'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Forward:
    """Where an old name went: ``new`` is the spelling to use (``"campaigns.create"``).

    ``call`` is what the forward runs when that is not ``new`` itself (the old
    ``create_campaign`` returned SmartLead's create answer, ``campaigns.create`` a handle), and
    ``result`` turns the new answer into the old one's type (a :class:`Campaign` into the
    ``dict`` the old name returned).
    """

    new: str
    call: str | None = None
    result: Callable[[Any], Any] | None = None


# old name -> its home. Argument order is the old one wherever the home keeps it.
FORWARDS: dict[str, Forward] = {
    # campaigns
    "create_campaign": Forward("campaigns.create", call="campaigns._create"),
    "get_campaign": Forward("campaigns.get", result=dict),
    "get_or_create_campaign": Forward("campaigns.get_or_create", result=dict),
    "list_campaigns": Forward("campaigns.list"),
    "campaigns_frame": Forward("campaigns.frame"),
    "delete_campaign": Forward("campaigns.delete"),
    "set_campaign_status": Forward("campaigns.set_status"),
    "start_campaign": Forward("campaigns.start"),
    "pause_campaign": Forward("campaigns.pause"),
    "stop_campaign": Forward("campaigns.stop"),
    "update_schedule": Forward("campaigns.schedule"),
    "update_settings": Forward("campaigns.settings"),
    "campaign_email_accounts": Forward("campaigns.email_accounts.list"),
    "campaign_email_accounts_frame": Forward("campaigns.email_accounts.frame"),
    "add_email_accounts": Forward("campaigns.email_accounts.add"),
    "remove_email_accounts": Forward("campaigns.email_accounts.remove"),
    "create_subsequence": Forward("campaigns.subsequences.create"),
    "push_to_subsequence": Forward("campaigns.subsequences.push"),
    "push_leads_to_subsequence": Forward("campaigns.subsequences.push_leads"),
    # sequences
    "get_sequences": Forward("sequences.get"),
    "sequences_frame": Forward("sequences.frame"),
    "save_sequences": Forward("sequences.save"),
    # leads
    "add_leads": Forward("leads.add"),
    "post_lead_batch": Forward("leads.send_batch"),
    "iter_campaign_leads": Forward("leads.iter"),
    "list_campaign_leads": Forward("leads.list"),
    "campaign_leads_frame": Forward("leads.frame"),
    "pause_lead": Forward("leads.pause"),
    "resume_lead": Forward("leads.resume"),
    "delete_lead": Forward("leads.delete"),
    "unsubscribe_lead": Forward("leads.unsubscribe"),
    "unsubscribe_lead_everywhere": Forward("leads.unsubscribe_everywhere"),
    "get_lead_by_email": Forward("leads.find"),
    "lead_campaigns": Forward("leads.campaigns"),
    "update_lead": Forward("leads.update"),
    "message_history": Forward("leads.message_history"),
    "set_lead_category": Forward("leads.set_category"),
    "move_leads": Forward("leads.move"),
    "leads_export": Forward("leads.export"),
    "lead_categories": Forward("leads.categories.list"),
    "lead_categories_frame": Forward("leads.categories.frame"),
    "iter_global_leads": Forward("leads.everywhere.iter"),
    "global_leads_frame": Forward("leads.everywhere.frame"),
    # email accounts
    "list_email_accounts": Forward("email_accounts.list"),
    "email_accounts_frame": Forward("email_accounts.frame"),
    "email_account": Forward("email_accounts.get"),
    "save_email_account": Forward("email_accounts.save"),
    "update_email_account": Forward("email_accounts.update"),
    "reconnect_failed_email_accounts": Forward("email_accounts.reconnect_failed"),
    "save_email_account_tag": Forward("email_accounts.tags.save"),
    "tag_email_accounts": Forward("email_accounts.tags.add"),
    "untag_email_accounts": Forward("email_accounts.tags.remove"),
    "email_account_tags_frame": Forward("email_accounts.tags.frame"),
    "warmup_stats": Forward("email_accounts.warmup.stats"),
    "warmup_stats_many": Forward("email_accounts.warmup.stats_many"),
    "warmup_stats_frame": Forward("email_accounts.warmup.frame"),
    "warmup_totals_frame": Forward("email_accounts.warmup.totals"),
    "update_warmup": Forward("email_accounts.warmup.update"),
    # one campaign's statistics
    "iter_campaign_statistics": Forward("statistics.iter"),
    "campaign_statistics": Forward("statistics.list"),
    "campaign_statistics_frame": Forward("statistics.frame"),
    "campaign_analytics": Forward("statistics.totals"),
    "analytics_by_date": Forward("statistics.by_date"),
    "analytics_by_date_frame": Forward("statistics.by_date_frame"),
    "sequence_analytics": Forward("statistics.sequences"),
    "top_level_analytics_by_date": Forward("statistics.top_level"),
    "top_level_analytics_by_date_frame": Forward("statistics.top_level_frame"),
    "iter_mailbox_statistics": Forward("statistics.mailboxes.iter"),
    "mailbox_statistics": Forward("statistics.mailboxes.list"),
    "mailbox_statistics_frame": Forward("statistics.mailboxes.frame"),
    "iter_leads_statistics": Forward("statistics.leads.iter"),
    "leads_statistics_frame": Forward("statistics.leads.frame"),
    "lead_history_frame": Forward("statistics.leads.history"),
    # the account's analytics
    "overall_stats": Forward("analytics.overall"),
    "overall_stats_frame": Forward("analytics.overall_frame"),
    "day_wise_stats_frame": Forward("analytics.day_wise"),
    "campaign_overall_stats_frame": Forward("analytics.campaign_performance"),
    "analytics_campaigns_frame": Forward("analytics.campaign_list"),
    "category_responses_frame": Forward("analytics.category_responses"),
    "mailbox_health_metrics_frame": Forward("analytics.mailbox_health"),
    # the master inbox
    "iter_inbox": Forward("inbox.iter"),
    "inbox": Forward("inbox.list"),            # client.inbox(...) calls the service: see below
    "inbox_frame": Forward("inbox.frame"),
    "inbox_thread": Forward("inbox.get"),
    "replies_frame": Forward("inbox.replies"),
    "reply_to_thread": Forward("inbox.reply"),
    "reply_to_lead": Forward("inbox.reply_to_lead"),
    # webhooks
    "list_webhooks": Forward("webhooks.list"),
    "webhooks_frame": Forward("webhooks.frame"),
    "save_webhook": Forward("webhooks.save"),
    "delete_webhook": Forward("webhooks.delete"),
    "webhook_summary": Forward("webhooks.summary"),
    "retrigger_failed_webhooks": Forward("webhooks.retrigger_failed"),
    # agency clients
    "list_clients": Forward("clients.list"),
    "clients_frame": Forward("clients.frame"),
    "create_client": Forward("clients.create"),
    "client_api_keys": Forward("clients.api_keys.list"),
    "client_api_keys_frame": Forward("clients.api_keys.frame"),
    "create_client_api_key": Forward("clients.api_keys.create"),
    "reset_client_api_key": Forward("clients.api_keys.reset"),
    "delete_client_api_key": Forward("clients.api_keys.delete"),
    # the block list
    "iter_block_list": Forward("block_list.iter"),
    "block_list": Forward("block_list.list"),  # client.block_list(...) calls the service
    "block_list_frame": Forward("block_list.frame"),
    "add_to_block_list": Forward("block_list.add"),
    "delete_block_entry": Forward("block_list.delete"),
}


#: Old names that are now a service's name: ``client.inbox`` is the service, and calling it
#: (``client.inbox("sent")``, the old spelling) forwards to its ``list`` with the warning.
CALLED_SERVICES = ("inbox", "block_list")


def moved(old: str) -> str:
    """The warning an old name gives: where it went."""
    return f"client.{old} is now client.{FORWARDS[old].new}"


def resolve(root: Any, dotted: str) -> Any:
    """``root.a.b.c`` for ``"a.b.c"``."""
    value = root
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def forward(client: Any, old: str) -> Callable[..., Any]:
    """The callable an old name stands for on ``client`` (after its warning was given)."""
    row = FORWARDS[old]
    target = resolve(client, row.call or row.new)
    if row.result is None:
        return target  # type: ignore[no-any-return]
    convert = row.result

    def old_answer(*args: Any, **kwargs: Any) -> Any:
        return convert(target(*args, **kwargs))

    old_answer.__doc__ = target.__doc__
    old_answer.__name__ = old
    return old_answer
