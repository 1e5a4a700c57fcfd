"""The mirror's tables: every column, its DuckDB type and what it means, in this one place.

``docs/mirror-schema.md`` is rendered from here (:func:`schema_markdown`; a test keeps the two
equal), and the sync creates the tables from here (:func:`create_statements`).

>>> [t.name for t in TABLES][:3]
['campaigns', 'sequences', 'campaign_accounts']
>>> TABLE["leads"].key
('campaign_id', 'lead_id')
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 2   # 2: leads.email_key


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(*spec: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


CAMPAIGN_ID = ("campaign_id", "BIGINT", "the campaign (SmartLead's campaign id)")

TABLES: tuple[Table, ...] = (
    Table("campaigns", "One row per campaign the account has, or had: a campaign deleted on "
          "the server stays with `deleted = true`.", _cols(
              CAMPAIGN_ID,
              ("name", "VARCHAR", "campaign name"),
              ("status", "VARCHAR", "DRAFTED, ACTIVE, PAUSED, STOPPED, COMPLETED (as last read)"),
              ("created_at", "TIMESTAMPTZ", "when the campaign was created"),
              ("updated_at", "TIMESTAMPTZ", "when SmartLead last changed it"),
              ("client_id", "BIGINT", "agency sub-account, if any"),
              ("parent_campaign_id", "BIGINT", "set for a subsequence"),
              ("schedule_timezone", "VARCHAR", "the schedule's IANA timezone"),
              ("schedule_days", "VARCHAR", "sending days, 0 = Sunday, comma-separated"),
              ("schedule_start", "VARCHAR", "window start, HH:MM"),
              ("schedule_end", "VARCHAR", "window end, HH:MM"),
              ("max_leads_per_day", "INTEGER", "new leads a day"),
              ("min_time_btwn_emails", "INTEGER", "minutes between two emails of one mailbox"),
              ("follow_up_percentage", "INTEGER", "share of the day's sends for follow-ups"),
              ("stop_lead_settings", "VARCHAR", "what stops a lead's sequence"),
              ("deleted", "BOOLEAN", "true once the campaign is gone from the server"),
              ("deleted_seen_at", "TIMESTAMPTZ", "when a sync first missed it (UTC, this machine)"),
              ("synced_at", "TIMESTAMPTZ", "when a sync last completed it (UTC, this machine)"),
          ), ("campaign_id",)),
    Table("sequences", "One row per step, or per variant of an A/B step.", _cols(
        CAMPAIGN_ID,
        ("seq_number", "INTEGER", "step number, 1 first"),
        ("delay_in_days", "INTEGER", "days after the previous step"),
        ("variant_label", "VARCHAR", "A, B, ... (null for a step without variants)"),
        ("subject", "VARCHAR", "subject line (empty: same thread as the previous step)"),
        ("email_body", "VARCHAR", "body, HTML"),
        ("variant_share", "INTEGER", "percent of leads given this variant"),
        ("step_id", "BIGINT", "SmartLead's id of the step"),
        ("variant_id", "BIGINT", "SmartLead's id of the variant"),
    )),
    Table("campaign_accounts", "The sender mailboxes each campaign rotates through.", _cols(
        CAMPAIGN_ID,
        ("email_account_id", "BIGINT", "the mailbox (see `accounts`)"),
        ("from_email", "VARCHAR", "its address"),
    ), ("campaign_id", "email_account_id")),
    Table("accounts", "Every sender mailbox of the account. Passwords and tokens are never "
          "stored: only these columns are.", _cols(
              ("email_account_id", "BIGINT", "SmartLead's id of the mailbox"),
              ("from_email", "VARCHAR", "address"),
              ("from_name", "VARCHAR", "display name"),
              ("type", "VARCHAR", "SMTP, GMAIL, OUTLOOK, ZOHO"),
              ("is_smtp_success", "BOOLEAN", "SMTP connected"),
              ("is_imap_success", "BOOLEAN", "IMAP connected"),
              ("warmup_status", "VARCHAR", "ACTIVE, INACTIVE, ... (null: no warm-up)"),
              ("warmup_reputation", "DOUBLE", "warm-up reputation, percent"),
              ("message_per_day", "INTEGER", "daily sending cap"),
              ("daily_sent_count", "INTEGER", "sent today, as last read"),
              ("client_id", "BIGINT", "agency sub-account, if any"),
              ("created_at", "TIMESTAMPTZ", "when the mailbox was added"),
          ), ("email_account_id",)),
    Table("leads", "One row per lead per campaign, from the leads export; `category` from "
          "the statistics, the inbox and lookups (the export has none).", _cols(
              CAMPAIGN_ID,
              ("lead_id", "BIGINT", "the lead, account-wide"),
              ("campaign_lead_map_id", "BIGINT", "the lead's membership in this campaign "
               "(the inbox's `email_lead_map_id`)"),
              ("email", "VARCHAR", "lead email, lower case"),
              ("email_key", "VARCHAR", "the email as duplicate checks compare it: "
               "`smartlead_nb.frames.emails.email_key` (case, spaces, Unicode forms, IDN and "
               "punycode spellings folded)"),
              ("first_name", "VARCHAR", ""), ("last_name", "VARCHAR", ""),
              ("company_name", "VARCHAR", ""), ("phone_number", "VARCHAR", ""),
              ("website", "VARCHAR", ""), ("location", "VARCHAR", ""),
              ("linkedin_profile", "VARCHAR", ""), ("company_url", "VARCHAR", ""),
              ("custom_fields", "VARCHAR", "the lead's custom fields, JSON text"),
              ("status", "VARCHAR", "STARTED, INPROGRESS, COMPLETED, PAUSED, STOPPED, BLOCKED"),
              ("category_id", "BIGINT", "lead category id (null: none)"),
              ("category", "VARCHAR", "lead category name"),
              ("is_interested", "BOOLEAN", "the export's flag (category Interested)"),
              ("is_unsubscribed", "BOOLEAN", "unsubscribed"),
              ("last_email_sequence_sent", "INTEGER", "last step sent (null: none yet)"),
              ("open_count", "INTEGER", "opens, all steps"),
              ("click_count", "INTEGER", "clicks, all steps"),
              ("reply_count", "INTEGER", "replies, all steps"),
              ("created_at", "TIMESTAMPTZ", "when the lead was added to the campaign"),
          ), ("campaign_id", "lead_id")),
    Table("statistics", "One row per email sent, as `client.statistics.frame` has it, plus "
          "`lead_id` (by email, from the export).", _cols(
              CAMPAIGN_ID,
              ("lead_id", "BIGINT", "the lead (null if it was not in the export)"),
              ("lead_email", "VARCHAR", "lead email"),
              ("lead_name", "VARCHAR", "first and last name"),
              ("lead_category", "VARCHAR", "the lead's category name, as last read"),
              ("sequence_number", "INTEGER", "step number"),
              ("email_campaign_seq_id", "BIGINT", "the step's id"),
              ("seq_variant_id", "BIGINT", "the variant's id (null: no variants)"),
              ("email_subject", "VARCHAR", "subject as sent"),
              ("email_message", "VARCHAR", "body as sent"),
              ("sent_time", "TIMESTAMPTZ", "when it was sent"),
              ("open_time", "TIMESTAMPTZ", "first open (see the schema notes)"),
              ("click_time", "TIMESTAMPTZ", "first click"),
              ("reply_time", "TIMESTAMPTZ", "the lead's reply to this email"),
              ("open_count", "INTEGER", "opens"),
              ("click_count", "INTEGER", "clicks"),
              ("is_unsubscribed", "BOOLEAN", "the lead unsubscribed"),
              ("is_bounced", "BOOLEAN", "it bounced"),
          ), ("campaign_id", "lead_email", "sequence_number")),
    Table("replies", "One row per reply, from the master inbox; the text columns are filled "
          "by `sync(history=True)`.", _cols(
              CAMPAIGN_ID,
              ("email_lead_map_id", "BIGINT", "the thread (the lead's campaign_lead_map_id)"),
              ("lead_id", "BIGINT", "the lead"),
              ("lead_email", "VARCHAR", "lead email"),
              ("lead_first_name", "VARCHAR", ""), ("lead_last_name", "VARCHAR", ""),
              ("reply_time", "TIMESTAMPTZ", "when the reply came"),
              ("sequence_number", "INTEGER", "the step replied to (null: not known)"),
              ("email_account_id", "BIGINT", "the sender mailbox of the thread"),
              ("mailbox", "VARCHAR", "its address"),
              ("category_id", "BIGINT", "the lead's category when read"),
              ("category", "VARCHAR", "its name"),
              ("subject", "VARCHAR", "reply subject (history=True)"),
              ("reply_text", "VARCHAR", "reply, plain text (history=True)"),
              ("reply_html", "VARCHAR", "reply, HTML (history=True)"),
              ("message_id", "VARCHAR", "RFC Message-ID (history=True)"),
          ), ("email_lead_map_id", "reply_time")),
    Table("mailbox_statistics", "Per sender mailbox of each campaign, over the campaign's "
          "whole life.", _cols(
              CAMPAIGN_ID,
              ("email_account_id", "BIGINT", "the mailbox"),
              ("from_email", "VARCHAR", "its address"),
              ("sent_count", "INTEGER", ""), ("open_count", "INTEGER", ""),
              ("click_count", "INTEGER", ""), ("reply_count", "INTEGER", ""),
              ("bounce_count", "INTEGER", ""), ("unsubscribed_count", "INTEGER", ""),
              ("sender_bounce_count", "INTEGER", ""),
              ("sent_time", "TIMESTAMPTZ", "the mailbox's latest send"),
          ), ("campaign_id", "email_account_id")),
    Table("sync_log", "One row per campaign per sync (and one with a null campaign_id for "
          "the account-wide reads).", _cols(
              ("sync_id", "VARCHAR", "the sync (a uuid)"),
              CAMPAIGN_ID,
              ("started_at", "TIMESTAMPTZ", "UTC, this machine"),
              ("finished_at", "TIMESTAMPTZ", "UTC, this machine"),
              ("outcome", "VARCHAR", "first, incremental, full, deleted, failed"),
              ("requests", "INTEGER", "requests this part of the sync spent"),
              ("leads_changed", "INTEGER", "leads added, changed or removed"),
              ("statistics_changed", "INTEGER", "send rows added or changed"),
              ("replies_changed", "INTEGER", "replies added"),
              ("message", "VARCHAR", "what went wrong, for a failed campaign"),
          )),
    Table("bookmarks", "Where each campaign's next sync starts (the sync's own state).", _cols(
        CAMPAIGN_ID,
        ("sent_cursor", "TIMESTAMPTZ", "latest sent_time read: the next sync reads sends "
         "from here"),
        ("reply_cursor", "TIMESTAMPTZ", "a time the server had passed when the inbox was "
         "last read (the latest event the mirror held): the next sync asks the inbox from here"),
        ("event_cursor", "TIMESTAMPTZ", "latest event (send or reply) read: leads-statistics "
         "asks from this day when the export shows an event the mirror lacks"),
        ("replies_read", "BOOLEAN", "the inbox was read for this campaign at least once"),
        ("replies_text", "BOOLEAN", "... and with the text (`history=True`)"),
        ("synced_at", "TIMESTAMPTZ", "UTC, this machine"),
    ), ("campaign_id",)),
    Table("mirror_meta", "What the file is: the account it belongs to and the schema version.",
          _cols(("key", "VARCHAR", "account_fingerprint, schema_version, created_at"),
                ("value", "VARCHAR", "")), ("key",)),
)
TABLE = {t.name: t for t in TABLES}
# What mirror.table() and to_parquet() offer: the data, not the sync's own state.
DATA_TABLES = tuple(t.name for t in TABLES if t.name not in ("bookmarks", "mirror_meta"))

NOTES = """\
## Notes

- Times are `TIMESTAMPTZ` in UTC; counts are `INTEGER`, ids `BIGINT`.
- Every campaign-scoped table carries `campaign_id`; join on it (and on `lead_id` or the lead
  email between `leads`, `statistics` and `replies`).
- After each sync these match the server for the synced campaigns: the lead set, the leads'
  status, category and counts, the send rows, reply and bounce times. `open_time`,
  `click_time` and the per-email `open_count`/`click_count` of a send are refreshed when the
  export shows its lead's counts changed and the send is less than 7 days older than the
  latest send; `sync(full=True)` re-reads everything.
- A lead deleted from a campaign on the server loses its rows here (leads, statistics,
  replies); a deleted campaign keeps its rows with `campaigns.deleted = true`.
"""


def create_statements() -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` for every table (no primary keys: DuckDB's are costly to
    update; the sync replaces by key itself)."""
    out = []
    for table in TABLES:
        cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
        out.append(f"CREATE TABLE IF NOT EXISTS {table.name} ({cols})")
    return out


def schema_markdown() -> str:
    """The schema as Markdown: ``docs/mirror-schema.md`` is exactly this text."""
    lines = ["# The mirror's tables", "",
             "Generated from `smartlead_nb/mirror/schema.py` (edit there, then run "
             "`python -m smartlead_nb.mirror.schema > docs/mirror-schema.md`).", ""]
    for table in TABLES:
        key = f" Key: {', '.join(f'`{k}`' for k in table.key)}." if table.key else ""
        lines += [f"## `{table.name}`", "", table.doc + key, "",
                  "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines) + NOTES


if __name__ == "__main__":
    print(schema_markdown(), end="")
