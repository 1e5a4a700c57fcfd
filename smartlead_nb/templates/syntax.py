"""The template syntax SmartLead reads in subjects and bodies, found with regular expressions.

Three kinds of markup live side by side in a step's copy:

- **tags** ``{{first_name}}``: lead data. Inner whitespace is allowed (``{{ first_name }}``);
  names are case-sensitive, as SmartLead's are.
- **spintax** ``{Hi|Hello|Hey}``: single braces around options separated by ``|``; one option is
  sent. Options may hold tags (``{Hi {{first_name}}|Hello}``) and nested spintax.
- **placeholders** ``%unsubscribe-text%``, ``%signature%``: filled by SmartLead from the
  campaign and the sender, not from the lead, so they are never checked against lead fields.

Anything brace-shaped that is none of these (``{{first_name}``, ``{{}}``, ``{first_name}``) is
reported by :func:`find_malformed`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from ..frames.columns import STANDARD_FIELDS

__all__ = [
    "STANDARD_TAGS", "KNOWN_PLACEHOLDERS", "find_tags", "find_spintax", "find_placeholders",
    "find_malformed", "resolve_spintax",
]

#: The lead fields SmartLead fills a tag from; every other tag name is a custom field's key.
STANDARD_TAGS: tuple[str, ...] = STANDARD_FIELDS

#: ``%...%`` placeholders SmartLead fills itself (unsubscribe line, sender signature).
KNOWN_PLACEHOLDERS: tuple[str, ...] = ("%unsubscribe-text%", "%signature%")

# Any {{...}} without braces inside; the name is validated separately, so that a malformed
# one ({{}}, {{a|b}}) is still one token and spintax never eats its pipe.
TAG_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# Innermost spintax: single braces, no braces inside, at least one pipe.
_SPIN_RE = re.compile(r"\{([^{}]*\|[^{}]*)\}")
# Two-letter names are left out so URL escapes (%E2%80%99) are not taken for placeholders.
_PLACEHOLDER_RE = re.compile(r"%[A-Za-z][A-Za-z0-9_-]{2,}%")
# Tags are swapped for these while spintax is resolved; \x00 never occurs in real copy.
_SENTINEL_RE = re.compile("\x00(\\d+)\x00")


def valid_name(name: str) -> bool:
    """Whether ``{{name}}`` is a tag SmartLead fills (not empty, no ``|`` or line break).

    >>> valid_name("first_name"), valid_name("a|b"), valid_name("")
    (True, False, False)
    """
    return bool(name) and "|" not in name and "\n" not in name


def find_tags(text: str | None) -> list[str]:
    """The tag names in ``text``, in order of first appearance, each once.

    Tags inside every spintax option count (any option may be sent). Malformed tags
    (``{{}}``, ``{{a|b}}``, ``{{first_name}``) are not returned; see :func:`find_malformed`.

    >>> find_tags("Hi {{first_name}} at {{ company_name }}, {{first_name}}")
    ['first_name', 'company_name']
    >>> find_tags("{Hi|Hello} {{First_Name}} %unsubscribe-text%")
    ['First_Name']
    """
    seen: dict[str, None] = {}
    for m in TAG_RE.finditer(text or ""):
        if valid_name(m.group(1)):
            seen.setdefault(m.group(1))
    return list(seen)


def find_placeholders(text: str | None) -> list[str]:
    """SmartLead's own ``%name%`` placeholders in ``text``, in order, each once.

    >>> find_placeholders("<p>Bye</p>%signature%<br>%unsubscribe-text% 20% off, 30% more")
    ['%signature%', '%unsubscribe-text%']
    """
    return list(dict.fromkeys(_PLACEHOLDER_RE.findall(text or "")))


def _protect(text: str) -> tuple[str, list[re.Match]]:
    """Swap every ``{{...}}`` for a sentinel so spintax parsing cannot touch tags."""
    found: list[re.Match] = []

    def swap(m: re.Match) -> str:
        found.append(m)
        return f"\x00{len(found) - 1}\x00"

    return TAG_RE.sub(swap, text), found


def find_spintax(text: str | None) -> list[list[str]]:
    """Each spintax group's options, innermost groups first; tags inside options kept as written.

    >>> find_spintax("{Hi|Hello} {{first_name}}, {quick question|{idea|thought} for you}")
    [['Hi', 'Hello'], ['idea', 'thought'], ['quick question', '{idea|thought} for you']]
    """
    protected, tags = _protect(text or "")
    groups: list[list[str]] = []
    pieces: dict[str, str] = {}  # placeholder -> original text of a resolved inner group

    def restore(s: str) -> str:
        for key, original in pieces.items():
            s = s.replace(key, original)
        return _SENTINEL_RE.sub(lambda m: tags[int(m.group(1))].group(0), s)

    while True:
        matches = list(_SPIN_RE.finditer(protected))
        if not matches:
            return groups
        for m in matches:
            groups.append([restore(o) for o in m.group(1).split("|")])

        def mark(m: re.Match) -> str:
            key = f"\x01{len(pieces)}\x01"
            pieces[key] = restore(m.group(0))
            return key

        protected = _SPIN_RE.sub(mark, protected)


def resolve_spintax(text: str, seed: int | None = None) -> str:
    """Pick one option of every spintax group: the first, or at random from ``seed``.

    Tags are left in place (they are filled afterwards), so a lead value containing braces
    or pipes is never read as spintax.

    >>> resolve_spintax("{Hi|Hello} {{first_name}}, {quick|short} question")
    'Hi {{first_name}}, quick question'
    >>> resolve_spintax("{Hi|Hello|Hey}", seed=3) == resolve_spintax("{Hi|Hello|Hey}", seed=3)
    True
    """
    protected, tags = _protect(text or "")
    rng = random.Random(seed) if seed is not None else None
    choose: Callable[[list[str]], str] = (lambda o: o[0]) if rng is None else rng.choice
    while True:
        replaced = _SPIN_RE.sub(lambda m: choose(m.group(1).split("|")), protected)
        if replaced == protected:
            break
        protected = replaced
    return _SENTINEL_RE.sub(lambda m: tags[int(m.group(1))].group(0), protected)


_UNCLOSED_TAG = re.compile(r"\{\{[^{}\s<>]{0,60}\}?")
_UNOPENED_TAG = re.compile(r"\{?[^{}\s<>]{0,60}\}\}")
_SINGLE_BRACE_TAG = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
# A "{" whose options run into the next "{" or the end; options ending in a "}" with no "{".
_UNCLOSED_SPIN = re.compile(r"\{[^{}]*\|[^{}]*(?=\{|$)")
_UNOPENED_SPIN = re.compile(r"(?:^|(?<=\}))[^{}]*\|[^{}]*\}")


def find_malformed(text: str | None) -> list[tuple[str, str]]:
    """Brace markup that is neither a tag nor spintax: ``[(snippet, reason), ...]`` in order.

    >>> for snippet, reason in find_malformed("Hi {{first_name}, {{}}, {company_name} {{{website}}}"):
    ...     print(snippet, "->", reason)
    {{first_name} -> unclosed tag
    {{}} -> empty tag
    {company_name} -> single braces
    {{{website}}} -> extra brace
    """
    text = text or ""
    found: list[tuple[int, str, str]] = []
    for m in TAG_RE.finditer(text):
        name = m.group(1)
        if not name:
            found.append((m.start(), m.group(0), "empty tag"))
        elif "|" in name:
            found.append((m.start(), m.group(0), "pipe inside tag"))
        elif "\n" in name:
            found.append((m.start(), m.group(0), "line break inside tag"))
    # What is left once tags, then spintax (innermost first), are blanked out, positions kept.
    rest = TAG_RE.sub(lambda m: " " * len(m.group(0)), text)
    while True:
        blanked = _SPIN_RE.sub(lambda m: " " * len(m.group(0)), rest)
        if blanked == rest:
            break
        rest = blanked
    # A brace hugging a tag and matched by nothing ({{{first_name}}}) would be sent as written.
    for m in TAG_RE.finditer(text):
        before, after = m.start() - 1, m.end()
        extra_before = before >= 0 and rest[before] == "{"
        extra_after = after < len(rest) and rest[after] == "}"
        if extra_before or extra_after:
            lo, hi = before if extra_before else m.start(), after + 1 if extra_after else after
            found.append((lo, text[lo:hi], "extra brace"))
            rest = rest[:lo] + " " * (hi - lo) + rest[hi:]
    for pattern, reason in ((_UNCLOSED_TAG, "unclosed tag"), (_UNOPENED_TAG, "unopened tag")):
        for m in pattern.finditer(rest):
            found.append((m.start(), text[m.start():m.end()], reason))
        rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
    for m in _SINGLE_BRACE_TAG.finditer(rest):
        found.append((m.start(), m.group(0), "single braces"))
    rest = _SINGLE_BRACE_TAG.sub(lambda m: " " * len(m.group(0)), rest)
    for pattern, reason in ((_UNCLOSED_SPIN, "unclosed spintax"), (_UNOPENED_SPIN, "unopened spintax")):
        for m in pattern.finditer(rest):
            snippet = text[m.start():m.end()].strip()
            if len(snippet) > 40:
                snippet = snippet[:37] + "..." if reason == "unclosed spintax" else "..." + snippet[-37:]
            found.append((m.start(), snippet, reason))
    found.sort(key=lambda item: item[0])
    return [(snippet, reason) for _, snippet, reason in found]
