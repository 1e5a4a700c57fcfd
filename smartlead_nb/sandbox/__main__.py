"""``python -m smartlead_nb.sandbox`` / ``smartlead-sandbox``: run the sandbox until Ctrl-C."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .ratelimit import PRO, STANDARD
from .sandbox import DEFAULT_API_KEY, Sandbox
from .store import SandboxDatabaseError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="smartlead-sandbox",
        description="Serve a local SmartLead-compatible API on 127.0.0.1.")
    p.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    p.add_argument("--api-key", default=DEFAULT_API_KEY,
                   help="key clients must send (default: the documented demo key)")
    p.add_argument("--db", default=None,
                   help="SQLite file (default: $SMARTLEAD_NB_SANDBOX_DB or the user cache)")
    p.add_argument("--seed", type=int, default=0, help="seed for the sending simulation")
    p.add_argument("--no-rate-limit", action="store_true", help="disable rate limiting")
    p.add_argument("--pro", action="store_true", help="Pro tier limits (120/min)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    limits = None if args.no_rate_limit else (PRO if args.pro else STANDARD)
    try:
        sandbox = Sandbox(db_path=args.db, api_key=args.api_key, port=args.port,
                          rate_limits=limits, seed=args.seed).start()
    except SandboxDatabaseError as exc:   # one line saying what to do, not a traceback
        print(f"smartlead-sandbox: {exc}", file=sys.stderr)
        return 1
    line = f"SmartLead sandbox listening on {sandbox.base_url}"
    if args.api_key == DEFAULT_API_KEY:   # never echo a key the user chose
        line += f" (key: {DEFAULT_API_KEY})"
    print(line, flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
