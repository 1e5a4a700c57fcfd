"""Statistics and analytics: per-email statistics, campaign totals, by date, by step, by
mailbox and by lead, and the account-wide ``/analytics/*`` reports.

Table: ``sent_emails`` (written by ``models`` only; the sending simulation records its sends
through it).
"""
