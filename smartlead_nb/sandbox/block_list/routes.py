"""Block-list paths -> handlers."""
from . import handlers

ROUTES = [
    ("GET", r"/leads/get-domain-block-list", handlers.get_block_list),
    ("POST", r"/leads/add-domain-block-list", handlers.add_block_list),
    ("DELETE", r"/leads/delete-domain-block-list", handlers.delete_block_list),
]
