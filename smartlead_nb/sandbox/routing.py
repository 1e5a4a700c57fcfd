"""The shared HTTP layer under every group: request and response values, the path router, and
the one mapping from the domain errors (errors.py) to status codes and SmartLead's bodies."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import Conflict, Invalid, InvalidQuery, LimitExceeded, NotFound, SandboxError

# SQLite stores integers in 8 bytes: a larger id cannot exist, and binding one raises
# OverflowError. Every id in a path and every integer parameter is checked against it.
SQLITE_INT_MAX = 2**63 - 1
SQLITE_INT_MIN = -2**63


class ApiError(Exception):
    """An answer decided by the HTTP layer itself (no route, wrong method): a status and body."""

    def __init__(self, status: int, body: Any):
        super().__init__(status, body)
        self.status = status
        self.body = body


# Each domain error's status. SmartLead answers a conflict or an exceeded limit with a 400 like
# any refused body; only its list endpoints answer a bad query parameter with a 422.
STATUS = {InvalidQuery: 422, Invalid: 400, NotFound: 404, Conflict: 400, LimitExceeded: 400}


def error_answer(error: SandboxError) -> tuple[int, dict]:
    """``(status, body)`` for a domain error, in SmartLead's error shapes."""
    kind = next(k for k in type(error).__mro__ if k in STATUS)
    if kind is InvalidQuery:
        return 422, {"error": "Invalid parameters provided", "details": error.message}
    return STATUS[kind], {"error": error.message}


@dataclass
class Response:
    """What a handler may return instead of a plain JSON-able body (e.g. CSV)."""

    status: int = 200
    body: Any = None
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """One parsed API request, handed to a route handler.

    ``params`` holds the integer path parameters in order; ``query`` the first value of
    each query parameter (``api_key`` removed); ``body`` the parsed JSON or None.
    ``app`` is the running sandbox core (store, configuration).
    """

    method: str
    path: str
    params: tuple[int, ...]
    query: dict[str, str]
    body: Any
    app: Any

    @property
    def store(self):
        """The sandbox's state, for handing to models (handlers run no SQL themselves)."""
        return self.app.store


Handler = Callable[[Request], Any]


class Router:
    """Maps (method, path) to handlers; paths are regexes whose groups are integer ids."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], dict[str, Handler]]] = []

    def add(self, methods: str, pattern: str, handler: Handler) -> None:
        """Register ``handler`` for space-separated ``methods`` on the path ``pattern``."""
        compiled = re.compile(pattern + r"\Z")
        for regex, table in self._routes:
            if regex.pattern == compiled.pattern:
                break
        else:
            table = {}
            self._routes.append((compiled, table))
        for method in methods.split():
            table[method] = handler

    def add_all(self, routes: list[tuple[str, str, Handler]]) -> None:
        for methods, pattern, handler in routes:
            self.add(methods, pattern, handler)

    def match(self, method: str, path: str) -> tuple[Handler, tuple[int, ...]]:
        """Find the handler for a request, or raise ApiError 404/405."""
        path_known = False
        for regex, table in self._routes:
            found = regex.match(path)
            if not found:
                continue
            path_known = True
            if method in table:
                return table[method], tuple(_path_id(g) for g in found.groups())
        if path_known:
            raise ApiError(405, {"error": f"Method {method} not allowed on {path}"})
        raise ApiError(404, {"error": "Resource not found"})


def _path_id(text: str) -> int:
    """An id from the path; one beyond SQLite's range cannot exist, so it is a 404.

    >>> _path_id("1001")
    1001
    """
    # Compare lengths first: int() of a 5,000-digit string is itself an error in Python.
    if len(text.lstrip("0")) > 19 or int(text) > SQLITE_INT_MAX:
        shown = text if len(text) <= 25 else text[:25] + "..."
        raise ApiError(404, {"error": f"Resource not found - id {shown} is beyond the largest "
                                      f"id there can be ({SQLITE_INT_MAX})"})
    return int(text)
