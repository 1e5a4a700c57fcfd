"""Master-inbox paths -> handlers."""
from . import handlers, models

ROUTES = [("POST", f"/master-inbox/{view}", handlers.list_view) for view in models.VIEWS] + [
    ("GET", r"/master-inbox/untracked-replies", handlers.untracked_replies),
    ("GET", r"/master-inbox/(\d+)", handlers.get_thread),
    ("POST", r"/master-inbox/push-to-subsequence", handlers.push_to_subsequence),
    ("POST", r"/campaigns/(\d+)/reply-email-thread", handlers.reply_email_thread),
]
