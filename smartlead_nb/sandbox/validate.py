"""Reading a request's body and query in handlers, refusing in SmartLead's (Joi-style) wording:
``Invalid`` for a body, ``InvalidQuery`` for a list endpoint's query parameter."""
from __future__ import annotations

from typing import Any, Callable, Iterable, overload

from .errors import Invalid, InvalidQuery
from .routing import SQLITE_INT_MAX, SQLITE_INT_MIN
from .timeutil import iso, parse_iso

def not_allowed(key: str) -> Invalid:
    return Invalid(f'"{key}" is not allowed')


def require_object(body: Any, name: str = "value") -> dict:
    """The body must be a JSON object; an absent body counts as ``{}``."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise Invalid(f'"{name}" must be of type object')
    return body


def json_body(req: Any, allowed: Iterable[str]) -> dict:
    """The request's body as a JSON object (``{}`` when absent), refusing the first key not
    in ``allowed``: how most routes open."""
    body = require_object(req.body)
    check_keys(body, allowed)
    return body


def check_keys(body: dict, allowed: Iterable[str], prefix: str = "") -> None:
    """Refuse the first key not in ``allowed``, as Joi does (``"settings.x" is not allowed``)."""
    allowed = set(allowed)
    for key in body:
        if key not in allowed:
            raise not_allowed(prefix + key)


def is_int(value: Any) -> bool:
    """A JSON integer that SQLite can store (bools and out-of-range numbers are not)."""
    return (isinstance(value, int) and not isinstance(value, bool)
            and SQLITE_INT_MIN <= value <= SQLITE_INT_MAX)


def _range_error(label: str, value: int) -> str | None:
    """The bound an integer breaks if it is beyond what SQLite stores, else None."""
    if value > SQLITE_INT_MAX:
        return f'"{label}" must be less than or equal to {SQLITE_INT_MAX}'
    if value < SQLITE_INT_MIN:
        return f'"{label}" must be greater than or equal to {SQLITE_INT_MIN}'
    return None


def required_id(body: dict, key: str) -> int:
    """An id the body must hold (a JSON integer)."""
    value = body.get(key)
    if value is None:
        raise Invalid(f'"{key}" is required')
    if not is_int(value):
        raise Invalid(f'"{key}" must be a number')
    return value


def opt_int(body: dict, key: str, label: str | None = None, lo: int | None = None,
            hi: int | None = None, nullable: bool = True) -> int | None:
    """Read an optional integer field, enforcing bounds with Joi's wording."""
    label = label or key
    value = body.get(key)
    if value is None:
        if key in body and not nullable:
            raise Invalid(f'"{label}" must be a number')
        return None
    if isinstance(value, int) and not isinstance(value, bool) and \
            (error := _range_error(label, value)):
        raise Invalid(error)
    if not is_int(value):
        raise Invalid(f'"{label}" must be a number')
    if lo is not None and value < lo:
        raise Invalid(f'"{label}" must be greater than or equal to {lo}')
    if hi is not None and value > hi:
        raise Invalid(f'"{label}" must be less than or equal to {hi}')
    return value


def required_int(body: dict, key: str, label: str | None = None, lo: int | None = None,
                 hi: int | None = None) -> int:
    """An integer field the body must hold, checked as :func:`opt_int` checks it."""
    value = opt_int(body, key, label, lo, hi)
    if value is None:
        raise Invalid(f'"{label or key}" is required')
    return value


def opt_bool(body: dict, key: str, label: str | None = None) -> bool | None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise Invalid(f'"{label or key}" must be a boolean')
    return value


def opt_str(body: dict, key: str, label: str | None = None) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise Invalid(f'"{label or key}" must be a string')
    return value


@overload
def query_int(query: dict[str, str], key: str, default: int, lo: int | None = None,
              hi: int | None = None) -> int: ...
@overload
def query_int(query: dict[str, str], key: str, default: None, lo: int | None = None,
              hi: int | None = None) -> int | None: ...
def query_int(query: dict[str, str], key: str, default: int | None, lo: int | None = None,
              hi: int | None = None) -> int | None:
    """An integer query parameter; anything invalid is a 422 as on SmartLead list endpoints."""
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:   # also a number of more than 4,300 digits
        raise InvalidQuery(f'"{key}" must be a number') from None
    if error := _range_error(key, value):
        raise InvalidQuery(error)
    if lo is not None and value < lo:
        raise InvalidQuery(f'"{key}" must be greater than or equal to {lo}')
    if hi is not None and value > hi:
        raise InvalidQuery(f'"{key}" must be less than or equal to {hi}')
    return value


def page(query: dict[str, str], max_limit: int, default_limit: int) -> tuple[int, int]:
    """``offset`` (>= 0) and ``limit`` (1..max_limit) from the query string."""
    offset = query_int(query, "offset", 0, lo=0)
    limit = query_int(query, "limit", default_limit, lo=1, hi=max_limit)
    return offset, limit


def query_choice(query: dict[str, str], key: str, allowed: Iterable[str], *,
                 upper: bool = False) -> str | None:
    """A query parameter that must be one of ``allowed``; None when absent or empty.

    ``upper=True`` reads it case-blind and trims it, as the endpoints whose values are
    upper-case words do; otherwise it must match exactly.

    >>> query_choice({"status": "PAUSED"}, "status", ("STARTED", "PAUSED"))
    'PAUSED'
    >>> query_choice({}, "status", ("STARTED", "PAUSED")) is None
    True
    """
    allowed = tuple(allowed)
    raw = query.get(key, "")
    raw = raw.strip().upper() if upper else raw
    if raw and raw not in allowed:
        raise InvalidQuery(f'"{key}" must be one of [{", ".join(allowed)}]')
    return raw or None


def query_time(query: dict[str, str], key: str, *, wording: str = "a valid date",
               error: Callable[[str], Invalid] = InvalidQuery) -> str | None:
    """A date or ISO time query parameter as the store's UTC text; None when absent.

    A bare date means its midnight UTC. ``wording`` and ``error`` give the refusal each
    endpoint answers with (a 422 on the list endpoints, a 400 on analytics).

    >>> query_time({"created_at_gt": "2025-01-06"}, "created_at_gt")
    '2025-01-06T00:00:00.000Z'
    """
    raw = query.get(key)
    if not raw:
        return None
    try:
        return iso(parse_iso(raw))
    except ValueError:
        raise error(f'"{key}" must be {wording}') from None


def query_bool(query: dict[str, str], key: str) -> bool:
    return query.get(key, "").strip().lower() in ("1", "true", "yes")
