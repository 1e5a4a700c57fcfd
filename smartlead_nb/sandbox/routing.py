"""Request/response value types and the path router shared by every route module."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable


class ApiError(Exception):
    """Raised by a handler to answer with an error status and a JSON body."""

    def __init__(self, status: int, body: Any):
        super().__init__(status, body)
        self.status = status
        self.body = body


def bad_request(message: str) -> ApiError:
    """A 400 with SmartLead's plain ``{"error": "<text>"}`` body."""
    return ApiError(400, {"error": message})


def campaign_not_found() -> ApiError:
    return ApiError(404, {"error": "Campaign not found - Invalid campaign_id."})


def lead_not_found() -> ApiError:
    return ApiError(404, {"error": "Lead not found - Invalid lead_id."})


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
    def db(self):
        return self.app.store.conn


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
                return table[method], tuple(int(g) for g in found.groups())
        if path_known:
            raise ApiError(405, {"error": f"Method {method} not allowed on {path}"})
        raise ApiError(404, {"error": "Resource not found"})
