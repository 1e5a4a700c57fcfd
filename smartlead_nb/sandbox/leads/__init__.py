"""Leads: upload, list, export, account-wide lookups, categories, and per-lead pause, resume,
delete, unsubscribe, update and message history.

Tables: ``leads``, ``campaign_leads``, ``categories`` (written by ``models`` only).
"""
