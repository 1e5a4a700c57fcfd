"""Agency-client paths -> handlers (a path is a regex; each group in it is an integer id)."""
from . import handlers

ROUTES = [
    ("GET", r"/client", handlers.list_clients),
    ("POST", r"/client/save", handlers.save_client),
    ("POST", r"/client/api-key", handlers.create_key),
    ("GET", r"/client/api-key", handlers.list_keys),
    ("DELETE", r"/client/api-key/(\d+)", handlers.delete_key),
    ("PUT", r"/client/api-key/reset/(\d+)", handlers.reset_key),
]
