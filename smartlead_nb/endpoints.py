"""Every SmartLead operation the client wraps, as one declared table: :data:`ENDPOINTS`, one
row per operation (method and path as SmartLead documents them), the service and verb that
call it, the path the local sandbox serves it at, its DataFrame form and whether it needs
``confirm=True``. ``docs/coverage.md`` is generated from it:

    python -m smartlead_nb.endpoints > docs/coverage.md

Adding an endpoint: a verb on its service (``resources/<group>.py``), a row here, the route in
the sandbox, then regenerate the page (tests compare each with the others).

>>> row = endpoint("leads", "add")
>>> row.method, row.path, row.confirm
('POST', '/campaigns/{campaign_id}/leads', True)
>>> endpoint("campaigns", "list").frame
'frame'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    """One operation: ``method`` and ``path`` in SmartLead's documented form
    (``/campaigns/{campaign_id}/leads``), the ``service`` (its attribute path on the client,
    ``"campaigns.email_accounts"``) and ``verb`` that send it, the ``sandbox_path`` it is
    served at locally, the verb of the same service giving it as a DataFrame (``frame``, or
    ``None``), and ``confirm``: whether some call of it needs ``confirm=True`` (the rule is
    :func:`smartlead_nb.resources.confirm.needs_confirmation`)."""

    method: str
    path: str
    service: str
    verb: str
    sandbox_path: str
    frame: str | None = None
    confirm: bool = False

    @property
    def call(self) -> str:
        """``"leads.add"``: how a notebook spells it after ``client.``."""
        return f"{self.service}.{self.verb}"


def _row(method: str, path: str, call: str, *, frame: str | None = None,
         confirm: bool = False, sandbox_path: str | None = None) -> Endpoint:
    service, verb = call.rsplit(".", 1)
    return Endpoint(method, path, service, verb, sandbox_path or path, frame, confirm)


#: The master inbox's list views, each its own documented operation (``POST``, the filters in
#: the body); ``client.inbox.iter(view)`` takes the view's name.
INBOX_VIEWS = ("inbox-replies", "unread-replies", "sent", "important", "snoozed", "scheduled",
               "reminders", "archived", "assigned-me", "views")

ENDPOINTS: tuple[Endpoint, ...] = (
    # campaigns (https://api.smartlead.ai/api-reference/campaigns/create, ...)
    _row("POST", "/campaigns/create", "campaigns.create"),
    _row("GET", "/campaigns", "campaigns.list", frame="frame"),
    _row("GET", "/campaigns/{campaign_id}", "campaigns.get"),
    _row("DELETE", "/campaigns/{campaign_id}", "campaigns.delete", confirm=True),
    _row("POST", "/campaigns/{campaign_id}/status", "campaigns.set_status", confirm=True),
    _row("POST", "/campaigns/{campaign_id}/schedule", "campaigns.schedule"),
    _row("POST", "/campaigns/{campaign_id}/settings", "campaigns.settings"),
    _row("GET", "/campaigns/{campaign_id}/email-accounts", "campaigns.email_accounts.list",
         frame="frame"),
    _row("POST", "/campaigns/{campaign_id}/email-accounts", "campaigns.email_accounts.add"),
    _row("DELETE", "/campaigns/{campaign_id}/email-accounts", "campaigns.email_accounts.remove",
         confirm=True),
    _row("POST", "/campaigns/create-subsequence", "campaigns.subsequences.create"),
    _row("POST", "/master-inbox/push-to-subsequence", "campaigns.subsequences.push"),
    # sequences
    _row("GET", "/campaigns/{campaign_id}/sequences", "sequences.get", frame="frame"),
    _row("POST", "/campaigns/{campaign_id}/sequences", "sequences.save"),
    # leads (https://api.smartlead.ai/api-reference/leads/add-to-campaign, ...)
    _row("POST", "/campaigns/{campaign_id}/leads", "leads.add", confirm=True),
    _row("GET", "/campaigns/{campaign_id}/leads", "leads.iter", frame="frame"),
    _row("POST", "/campaigns/{campaign_id}/leads/{lead_id}", "leads.update"),
    _row("DELETE", "/campaigns/{campaign_id}/leads/{lead_id}", "leads.delete"),
    _row("POST", "/campaigns/{campaign_id}/leads/{lead_id}/pause", "leads.pause"),
    _row("POST", "/campaigns/{campaign_id}/leads/{lead_id}/resume", "leads.resume"),
    _row("POST", "/campaigns/{campaign_id}/leads/{lead_id}/unsubscribe", "leads.unsubscribe"),
    _row("POST", "/campaigns/{campaign_id}/leads/{lead_id}/category", "leads.set_category"),
    _row("GET", "/campaigns/{campaign_id}/leads/{lead_id}/message-history",
         "leads.message_history", frame="message_history"),
    _row("GET", "/campaigns/{campaign_id}/leads-export", "leads.export", frame="export"),
    _row("GET", "/leads", "leads.find"),
    _row("GET", "/leads/{lead_id}/campaigns", "leads.campaigns"),
    _row("POST", "/leads/{lead_id}/unsubscribe", "leads.unsubscribe_everywhere", confirm=True),
    _row("GET", "/leads/fetch-categories", "leads.categories.list", frame="frame"),
    _row("GET", "/leads/global-leads", "leads.everywhere.iter", frame="frame"),
    # email accounts (https://api.smartlead.ai/api-reference/email-accounts/get-all, ...)
    _row("GET", "/email-accounts", "email_accounts.list", frame="frame"),
    _row("GET", "/email-accounts/{email_account_id}", "email_accounts.get"),
    _row("POST", "/email-accounts/save", "email_accounts.save"),
    _row("POST", "/email-accounts/{email_account_id}", "email_accounts.update"),
    _row("POST", "/email-accounts/reconnect-failed-email-accounts",
         "email_accounts.reconnect_failed"),
    _row("POST", "/email-accounts/tag-manager", "email_accounts.tags.save"),
    _row("POST", "/email-accounts/tag-mapping", "email_accounts.tags.add"),
    _row("DELETE", "/email-accounts/tag-mapping", "email_accounts.tags.remove"),
    _row("POST", "/email-accounts/tag-list", "email_accounts.tags.frame", frame="frame"),
    _row("GET", "/email-accounts/{email_account_id}/warmup-stats", "email_accounts.warmup.stats",
         frame="frame"),
    _row("POST", "/email-accounts/{email_account_id}/warmup", "email_accounts.warmup.update"),
    # one campaign's statistics
    # (https://api.smartlead.ai/api-reference/campaign-statistics/get-by-id, ...)
    _row("GET", "/campaigns/{campaign_id}/statistics", "statistics.iter", frame="frame"),
    _row("GET", "/campaigns/{campaign_id}/analytics", "statistics.totals"),
    _row("GET", "/campaigns/{campaign_id}/analytics-by-date", "statistics.by_date",
         frame="by_date_frame"),
    _row("GET", "/campaigns/{campaign_id}/sequence-analytics", "statistics.sequences",
         frame="sequences"),
    _row("GET", "/campaigns/{campaign_id}/top-level-analytics-by-date", "statistics.top_level",
         frame="top_level_frame"),
    _row("GET", "/campaigns/{campaign_id}/mailbox-statistics", "statistics.mailboxes.iter",
         frame="frame"),
    _row("GET", "/campaigns/{campaign_id}/leads-statistics", "statistics.leads.iter",
         frame="frame"),
    # the account's analytics (https://api.smartlead.ai/api-reference/analytics/overview, ...)
    _row("GET", "/analytics/overall-stats-v2", "analytics.overall", frame="overall_frame"),
    _row("GET", "/analytics/day-wise-overall-stats", "analytics.day_wise", frame="day_wise"),
    _row("GET", "/analytics/campaign/overall-stats", "analytics.campaign_performance",
         frame="campaign_performance"),
    _row("GET", "/analytics/campaign/list", "analytics.campaign_list", frame="campaign_list"),
    _row("GET", "/analytics/lead/category-wise-response", "analytics.category_responses",
         frame="category_responses"),
    _row("GET", "/analytics/mailbox/name-wise-health-metrics", "analytics.mailbox_health",
         frame="mailbox_health"),
    # the master inbox (https://api.smartlead.ai/api-reference/inbox/get-messages, ...)
    *(_row("POST", f"/master-inbox/{view}", "inbox.iter", frame="frame") for view in INBOX_VIEWS),
    _row("GET", "/master-inbox/{email_lead_map_id}", "inbox.get"),
    _row("POST", "/campaigns/{campaign_id}/reply-email-thread", "inbox.reply", confirm=True),
    # webhooks (https://api.smartlead.ai/api-reference/campaigns/get-webhooks, ...)
    _row("GET", "/campaigns/{campaign_id}/webhooks", "webhooks.list", frame="frame"),
    _row("POST", "/campaigns/{campaign_id}/webhooks", "webhooks.save"),
    _row("DELETE", "/campaigns/{campaign_id}/webhooks", "webhooks.delete"),
    _row("GET", "/campaigns/{campaign_id}/webhooks/summary", "webhooks.summary"),
    _row("POST", "/campaigns/{campaign_id}/webhooks/retrigger-failed-events",
         "webhooks.retrigger_failed"),
    # agency clients (https://api.smartlead.ai/api-reference/clients/get-all, ...)
    _row("GET", "/client", "clients.list", frame="frame"),
    _row("POST", "/client/save", "clients.create"),
    _row("GET", "/client/api-key", "clients.api_keys.list", frame="frame"),
    _row("POST", "/client/api-key", "clients.api_keys.create"),
    _row("PUT", "/client/api-key/reset/{key_id}", "clients.api_keys.reset", confirm=True),
    _row("DELETE", "/client/api-key/{key_id}", "clients.api_keys.delete", confirm=True),
    # the block list (https://api.smartlead.ai/api-reference/utilities/domain-block-list)
    _row("GET", "/leads/get-domain-block-list", "block_list.iter", frame="frame"),
    _row("POST", "/leads/add-domain-block-list", "block_list.add"),
    _row("DELETE", "/leads/delete-domain-block-list", "block_list.delete", confirm=True),
)

#: Verbs that send no operation of their own: the row they are built on (``leads.list`` is
#: ``list(leads.iter(...))``, ``campaigns.start`` a ``set_status``). With the rows' verbs and
#: frames, they are every public verb of every service.
BUILT_ON: dict[str, str] = {
    "campaigns.get_or_create": "campaigns.list",
    "campaigns.start": "campaigns.set_status",
    "campaigns.pause": "campaigns.set_status",
    "campaigns.stop": "campaigns.set_status",
    "campaigns.subsequences.push_leads": "campaigns.subsequences.push",
    "leads.list": "leads.iter",
    "leads.upload": "leads.add",
    "leads.send_batch": "leads.add",
    "leads.move": "leads.add",
    "email_accounts.warmup.stats_many": "email_accounts.warmup.stats",
    "email_accounts.warmup.totals": "email_accounts.warmup.stats",
    "statistics.list": "statistics.iter",
    "statistics.mailboxes.list": "statistics.mailboxes.iter",
    "statistics.leads.history": "statistics.leads.iter",
    "inbox.list": "inbox.iter",
    "inbox.replies": "inbox.iter",
    "inbox.reply_to_lead": "inbox.reply",
    "block_list.list": "block_list.iter",
}


def endpoint(service: str, verb: str) -> Endpoint:
    """The (first) row that ``client.<service>.<verb>`` sends."""
    for row in ENDPOINTS:
        if (row.service, row.verb) == (service, verb):
            return row
    raise KeyError(f"no endpoint row for {service}.{verb}")


def coverage_markdown() -> str:
    """``docs/coverage.md``: what the client wraps, by SmartLead group, from :data:`ENDPOINTS`."""
    lines = [
        "# What the client covers",
        "",
        "Generated from `smartlead_nb/endpoints.py` (edit there, then run "
        "`python -m smartlead_nb.endpoints > docs/coverage.md`).",
        "",
        f"{len(ENDPOINTS)} operations of SmartLead's API, by group: the client call that sends "
        "each (after `client.`), its DataFrame form, whether a call of it needs "
        "`confirm=True`, and where the local sandbox serves it.",
    ]
    group = None
    for row in ENDPOINTS:
        top = row.service.split(".")[0]
        if top != group:
            group = top
            lines += ["", f"## `{group}`", "",
                      "| method | path | call | DataFrame | confirm | sandbox |",
                      "|---|---|---|---|---|---|"]
        frame = f"`{row.service}.{row.frame}`" if row.frame else ""
        sandbox = "same" if row.sandbox_path == row.path else f"`{row.sandbox_path}`"
        lines.append(f"| {row.method} | `{row.path}` | `{row.call}` | {frame} | "
                     f"{'yes' if row.confirm else ''} | {sandbox} |")
    lines += ["", "## Verbs built on another operation", "", "| call | sends |", "|---|---|"]
    lines += [f"| `{verb}` | `{row}` |" for verb, row in BUILT_ON.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(coverage_markdown(), end="")
