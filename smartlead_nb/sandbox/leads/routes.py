"""Lead paths -> handlers."""
from . import handlers

ROUTES = [
    ("POST", r"/campaigns/(\d+)/leads", handlers.add_leads),
    ("GET", r"/campaigns/(\d+)/leads", handlers.list_leads),
    ("GET", r"/campaigns/(\d+)/leads-export", handlers.export_leads),
    ("POST", r"/campaigns/(\d+)/leads/(\d+)", handlers.update_lead),
    ("DELETE", r"/campaigns/(\d+)/leads/(\d+)", handlers.delete_lead),
    ("POST", r"/campaigns/(\d+)/leads/(\d+)/pause", handlers.pause_lead),
    ("POST", r"/campaigns/(\d+)/leads/(\d+)/resume", handlers.resume_lead),
    ("POST", r"/campaigns/(\d+)/leads/(\d+)/unsubscribe", handlers.unsubscribe_from_campaign),
    ("POST", r"/campaigns/(\d+)/leads/(\d+)/category", handlers.set_category),
    ("GET", r"/campaigns/(\d+)/leads/(\d+)/message-history", handlers.message_history),
    ("GET", r"/leads", handlers.lead_by_email),
    ("GET", r"/leads/global-leads", handlers.global_leads),
    ("GET", r"/leads/fetch-categories", handlers.fetch_categories),
    ("GET", r"/leads/(\d+)/campaigns", handlers.lead_campaigns),
    ("POST", r"/leads/(\d+)/unsubscribe", handlers.unsubscribe_everywhere),
]
