"""Sender mailboxes: list, get, save, update, warm-up settings and figures, tags, reconnect,
and attaching them to campaigns (``/email-accounts...``, ``/campaigns/{id}/email-accounts``).

Tables: ``email_accounts``, ``campaign_accounts``, ``account_tags``, ``account_tag_map``
(written by ``models`` only).
"""
