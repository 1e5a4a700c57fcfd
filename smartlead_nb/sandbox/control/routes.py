"""Control paths -> handlers."""
from . import handlers

ROUTES = [
    ("POST", r"/_sandbox/advance", handlers.advance),
    ("GET", r"/_sandbox/state", handlers.state),
    ("POST", r"/_sandbox/faults", handlers.set_faults),
    ("POST", r"/_sandbox/reset", handlers.reset),
    ("POST", r"/_sandbox/block-list", handlers.add_block_list),
    ("POST", r"/_sandbox/truth", handlers.set_truth),
    ("GET", r"/_sandbox/truth", handlers.get_truth),
]
