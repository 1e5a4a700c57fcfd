"""Demo data written into every new sandbox database.

The sender accounts are fake (``example`` domains are reserved for documentation) and their
``password`` fields hold an obviously fake value, so the client's password-dropping can be
tested without touching a secret.
"""
from __future__ import annotations

FAKE_PASSWORD = "sandbox-mailbox-password"

# Seven default categories, as every SmartLead account starts with (ids differ per account).
CATEGORIES = [
    ("Interested", "#2ecc71"),
    ("Meeting Request", "#3498db"),
    ("Not Interested", "#e74c3c"),
    ("Do Not Contact", "#7f8c8d"),
    ("Information Request", "#f1c40f"),
    ("Out Of Office", "#9b59b6"),
    ("Wrong Person", "#e67e22"),
]

# Global block list: a whole domain, plus one address. Community bounce list: a domain.
BLOCK_LIST = ["blocked.example", "do-not-email@example.com"]
BOUNCE_LIST = ["bounces.example"]

_ACCOUNTS = [
    # from_name, local part, type, message_per_day, smtp ok, warm-up status
    ("Maya Chen", "maya", "GMAIL", 40, True, "ACTIVE"),
    ("Jonas Weber", "jonas", "OUTLOOK", 40, True, "ACTIVE"),
    ("Priya Raman", "priya", "SMTP", 50, True, "ACTIVE"),
    ("Lucas Martin", "lucas", "GMAIL", 30, True, "INACTIVE"),
    ("Sofia Rossi", "sofia", "SMTP", 50, False, "ACTIVE"),   # the broken mailbox
    ("Ethan Brooks", "ethan", "ZOHO", 40, True, "ACTIVE"),
]

_HOSTS = {
    "GMAIL": ("smtp.gmail.example", "imap.gmail.example"),
    "OUTLOOK": ("smtp.office365.example", "outlook.office365.example"),
    "ZOHO": ("smtp.zoho.example", "imap.zoho.example"),
    "SMTP": ("mail.demo-sender.example", "mail.demo-sender.example"),
}


def demo_accounts(user_id: int, created_at: str) -> list[dict]:
    """The seeded sender accounts as API objects (without ``id``, set on insert)."""
    accounts = []
    for n, (name, local, kind, per_day, smtp_ok, warmup) in enumerate(_ACCOUNTS):
        email = f"{local}@demo-sender.example"
        smtp_host, imap_host = _HOSTS[kind]
        accounts.append({
            "created_at": created_at, "updated_at": created_at, "user_id": user_id,
            "from_name": name, "from_email": email, "username": email,
            "password": FAKE_PASSWORD,
            "smtp_host": smtp_host, "smtp_port": 587, "smtp_port_type": "TLS",
            "imap_host": imap_host, "imap_port": 993, "imap_port_type": "SSL",
            "imap_username": email, "imap_password": FAKE_PASSWORD,
            "is_different_imap_account": False,
            "message_per_day": per_day, "daily_sent_count": 0,
            "different_reply_to_address": None, "signature": f"<p>{name}</p>",
            "custom_tracking_domain": None, "bcc_email": None, "minTimeToWaitInMins": 10,
            "is_smtp_success": smtp_ok, "is_imap_success": True,
            "smtp_failure_error": None if smtp_ok else
                "535 5.7.8 Authentication failed: username and password not accepted",
            "imap_failure_error": None,
            "type": kind, "client_id": None, "campaign_count": 0,
            "warmup_details": {
                "id": 9100 + n, "status": warmup, "total_sent_count": 120 + 37 * n,
                "total_spam_count": n % 2, "warmup_reputation": "100%", "reply_rate": 30,
                "warmup_key_id": f"demo-{local}", "blocked_reason": None,
            },
        })
    return accounts
