""""Did you mean ...?": the one place that turns a slip of the keyboard into a suggestion.

>>> unknown_names(["track_open"], ["track_opens", "track_clicks"], "CampaignSettings")
"CampaignSettings got an unknown setting 'track_open' (did you mean 'track_opens'?); it takes: track_opens, track_clicks"
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from typing import Any, Iterable, TypeVar

_Class = TypeVar("_Class", bound=type)


def close_match(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice ``name`` was most likely meant to be, ignoring case, or ``None``."""
    by_lower = {str(c).lower(): str(c) for c in choices}
    found = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[found[0]] if found else None


def unknown_names(given: Iterable[str], allowed: Iterable[str], where: str,
                  what: str = "setting") -> str:
    """A sentence naming each unknown name, its likely meaning, and what is accepted."""
    allowed = list(allowed)
    parts = []
    for name in given:
        guess = close_match(name, allowed)
        parts.append(f"{name!r}" + (f" (did you mean {guess!r}?)" if guess else ""))
    plural = "s" if len(parts) > 1 else ""
    return (f"{where} got an unknown {what}{plural} {', '.join(parts)}; "
            f"it takes: {', '.join(allowed)}")


def refuse_unknown_keywords(cls: _Class) -> _Class:
    """Wrap a dataclass's ``__init__`` so that a misspelt keyword (``track_open=False``) is an
    ``InputError`` suggesting the right one, instead of Python's bare "unexpected keyword
    argument". The signature shown by ``help()`` and tab completion is unchanged. Use it as a
    class decorator above ``@dataclass``, which must have made ``__init__`` first."""
    from .errors import InputError

    # getattr/setattr: mypy refuses reading or assigning __init__ through a class variable.
    generated = getattr(cls, "__init__")
    names = [f.name for f in dataclasses.fields(cls) if f.init]

    @functools.wraps(generated)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        unknown = [k for k in kwargs if k not in names]
        if unknown:
            raise InputError(unknown_names(unknown, names, cls.__name__))
        generated(self, *args, **kwargs)

    setattr(cls, "__init__", __init__)
    return cls
