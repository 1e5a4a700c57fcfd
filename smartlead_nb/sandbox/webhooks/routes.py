"""Webhook paths -> handlers."""
from . import handlers

ROUTES = [
    ("GET", r"/campaigns/(\d+)/webhooks", handlers.list_webhooks),
    ("POST", r"/campaigns/(\d+)/webhooks", handlers.save_webhook),
    ("DELETE", r"/campaigns/(\d+)/webhooks", handlers.delete_webhook),
    ("DELETE", r"/campaigns/(\d+)/webhooks/(\d+)", handlers.delete_webhook_by_path),
    ("GET", r"/campaigns/(\d+)/webhooks/summary", handlers.summary),
    ("POST", r"/campaigns/(\d+)/webhooks/retrigger-failed-events", handlers.retrigger),
]
