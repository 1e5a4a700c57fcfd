"""Campaign paths -> handlers."""
from . import handlers

ROUTES = [
    ("POST", r"/campaigns/create", handlers.create_campaign),
    ("POST", r"/campaigns/create-subsequence", handlers.create_subsequence),
    ("GET", r"/campaigns", handlers.list_campaigns),
    ("GET", r"/campaigns/(\d+)", handlers.get_campaign),
    ("DELETE", r"/campaigns/(\d+)", handlers.delete_campaign),
    ("POST PATCH", r"/campaigns/(\d+)/status", handlers.update_status),
    ("POST PATCH", r"/campaigns/(\d+)/schedule", handlers.update_schedule),
    ("POST PATCH", r"/campaigns/(\d+)/settings", handlers.update_settings),
]
