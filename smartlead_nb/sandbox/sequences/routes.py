"""Sequence paths -> handlers."""
from . import handlers

ROUTES = [
    ("POST", r"/campaigns/(\d+)/sequences", handlers.save_sequences),
    ("GET", r"/campaigns/(\d+)/sequences", handlers.get_sequences),
]
