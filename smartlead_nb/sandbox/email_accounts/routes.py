"""Sender-mailbox paths -> handlers."""
from . import handlers

ROUTES = [
    ("GET", r"/email-accounts", handlers.list_accounts),
    ("GET", r"/email-accounts/(\d+)", handlers.get_account),
    ("POST", r"/email-accounts/save", handlers.save_account),
    ("POST", r"/email-accounts/(\d+)", handlers.update_account),
    ("POST", r"/email-accounts/(\d+)/warmup", handlers.update_warmup),
    ("GET", r"/email-accounts/(\d+)/warmup-stats", handlers.warmup_stats),
    ("POST", r"/email-accounts/reconnect-failed-email-accounts", handlers.reconnect_failed),
    ("POST", r"/email-accounts/tag-manager", handlers.save_tag),
    ("POST DELETE", r"/email-accounts/tag-mapping", handlers.tag_mapping),
    ("POST", r"/email-accounts/tag-list", handlers.tag_list),
    ("GET", r"/campaigns/(\d+)/email-accounts", handlers.campaign_accounts),
    ("POST", r"/campaigns/(\d+)/email-accounts", handlers.add_accounts),
    ("DELETE", r"/campaigns/(\d+)/email-accounts", handlers.remove_accounts),
]
