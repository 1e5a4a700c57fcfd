"""Render a step for one lead, as a preview of what SmartLead would send.

Decisions (a preview must be safe to show and predictable):

- **Missing values stay visible.** A tag the lead has no value for (missing or blank) is left
  as written, ``{{first_name}}``, so the gap shows; with ``highlight=True`` it is wrapped in
  ``<mark class="sl-missing">``.
- **The body is HTML, so lead values are HTML-escaped in it, always.** A value is text;
  ``Smith & Sons`` or ``<script>`` shows as written and can never inject markup into a preview.
  (Whether SmartLead itself escapes values is not documented; for ordinary names the two agree.)
- **The subject is plain text** and values go in unescaped, unless ``highlight=True``: then
  both subject and body are HTML fragments, the subject escaped as a whole.
- **Spintax** takes the first option, or a random one from ``seed`` (reproducible).
- ``%unsubscribe-text%`` / ``%signature%`` are left as they are: SmartLead fills them.
- **An empty subject on a follow-up** renders as ``Re: <previous subject>``
  (``previous_subject``; no second ``Re:`` if it already starts with one).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import InputError
from .inputs import lead_value, steps_from_frame_like
from .syntax import TAG_RE, valid_name, resolve_spintax

__all__ = ["render", "render_sequence"]


def render(step: Mapping[str, Any], lead: Mapping[str, Any] | pd.Series, *,
           variant: str | None = None, highlight: bool = False,
           previous_subject: str | None = None, seed: int | None = None) -> dict[str, str]:
    """One step (or one of its A/B variants) as ``lead`` would get it.

    Args:
        step: a save-sequences step dict.
        lead: a lead payload dict (custom fields under ``custom_fields``) or a flat row/Series
            whose non-standard keys are custom fields.
        variant: the variant label ("A", "B", ...) of an A/B step; ``None`` takes the step's
            own copy, or its first variant when it has variants.
        highlight: mark missing tags with ``<mark class="sl-missing">``; subject and body are
            then HTML.
        previous_subject: the previous step's rendered subject, used when this subject is empty.
        seed: pick spintax options at random from this seed instead of taking the first.

    >>> step = {"seq_number": 1, "subject": "{Hi|Hello} {{first_name}}",
    ...         "email_body": "<p>{{company_name}} and {{ website }}</p>"}
    >>> render(step, {"first_name": "Ana", "company_name": "Smith & Sons"})
    {'subject': 'Hi Ana', 'body': '<p>Smith &amp; Sons and {{ website }}</p>'}
    >>> render(step, {"company_name": "<script>x</script>"}, highlight=True)["body"]
    '<p>&lt;script&gt;x&lt;/script&gt; and <mark class="sl-missing">{{ website }}</mark></p>'
    >>> render({"subject": "", "email_body": "Bump"}, {}, previous_subject="Hi Ana")["subject"]
    'Re: Hi Ana'
    """
    lead = {} if lead is None else lead
    source = _pick(step, variant)
    subject = source.get("subject") or ""
    if subject.strip():
        # A highlighted subject becomes an HTML fragment: its literal text is escaped too.
        subject = _fill(subject, lead, escape_literal=highlight, escape_values=highlight,
                        highlight=highlight, seed=seed)
    else:
        subject = _reply(previous_subject)
    body = _fill(source.get("email_body") or "", lead, escape_literal=False, escape_values=True,
                 highlight=highlight, seed=seed)
    return {"subject": subject, "body": body}


def _reply(previous: str | None) -> str:
    if not previous:
        return ""
    return previous if previous[:3].lower() == "re:" else f"Re: {previous}"


def _pick(step: Mapping[str, Any], variant: str | None) -> Mapping[str, Any]:
    variants = step.get("seq_variants") or step.get("sequence_variants") or []
    variants = [v for v in variants if not v.get("is_deleted")]
    if variant is None:
        return variants[0] if variants else step
    for v in variants:
        if str(v.get("variant_label")) == str(variant):
            return v
    labels = [v.get("variant_label") for v in variants]
    where = f"step {step.get('seq_number')}" if step.get("seq_number") is not None else "this step"
    raise InputError(f"{where} has no variant {variant!r}; its variants are {labels or 'none'}")


def _fill(text: str, lead: Mapping[str, Any] | pd.Series, *, escape_literal: bool,
          escape_values: bool, highlight: bool, seed: int | None) -> str:
    text = resolve_spintax(text, seed)
    pieces: list[str] = []
    last = 0

    def literal(chunk: str) -> str:
        return html.escape(chunk, quote=False) if escape_literal else chunk

    for m in TAG_RE.finditer(text):
        pieces.append(literal(text[last:m.start()]))
        last = m.end()
        name = m.group(1)
        value = lead_value(lead, name) if valid_name(name) else ""
        if value:
            pieces.append(html.escape(value) if escape_values else value)
        elif highlight:
            pieces.append(f'<mark class="sl-missing">{html.escape(m.group(0), quote=False)}</mark>')
        else:
            pieces.append(literal(m.group(0)))
    pieces.append(literal(text[last:]))
    return "".join(pieces)


def render_sequence(steps: Any, lead: Mapping[str, Any] | pd.Series, *, variant: str | None = None,
                    highlight: bool = False, seed: int | None = None) -> pd.DataFrame:
    """Every step for one lead, empty follow-up subjects threaded as ``Re:`` replies.

    ``variant`` applies to each A/B step that has that label; other steps use their first
    variant (or their own copy).

    >>> steps = [{"seq_number": 1, "subject": "Idea for {{company_name}}", "email_body": "Hi"},
    ...          {"seq_number": 2, "subject": "", "email_body": "Bump"}]
    >>> render_sequence(steps, {"company_name": "Acme"})["subject"].tolist()
    ['Idea for Acme', 'Re: Idea for Acme']
    """
    rows = []
    previous = None
    for step in steps_from_frame_like(steps):
        labels = [v.get("variant_label") for v in step.get("seq_variants") or []]
        chosen = variant if variant in labels else (labels[0] if labels else None)
        out = render(step, lead, variant=chosen, highlight=highlight, previous_subject=previous,
                     seed=seed)
        rows.append({"seq_number": step["seq_number"], "variant_label": chosen,
                     "subject": out["subject"], "body": out["body"]})
        previous = out["subject"]
    frame = pd.DataFrame(rows, columns=["seq_number", "variant_label", "subject", "body"], dtype=object)
    frame["seq_number"] = frame["seq_number"].astype("Int64")
    return frame
