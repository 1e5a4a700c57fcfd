"""``client.sequences``: the steps (and A/B variants) a campaign sends.

>>> client.sequences.save(7, steps_frame)        # a DataFrame, or a list of step dicts  # doctest: +SKIP
>>> client.sequences.frame(7)                                                           # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import InputError
from ..frames.responses import normalize_sequence, sequences_frame
from ..frames.sequences import sequences_from_frame
from ._base import Service, check_id, list_rows, stamps_read_at

VARIANT_DISTRIBUTION_TYPES = ("MANUAL_EQUAL", "MANUAL_PERCENTAGE", "AI_EQUAL")
WINNING_METRICS = ("OPEN_RATE", "CLICK_RATE", "REPLY_RATE", "POSITIVE_REPLY_RATE")


class SequencesService(Service):
    """A campaign's steps: ``get``, ``frame``, ``save``
    (``/campaigns/{campaign_id}/sequences``)."""

    def get(self, campaign_id: int) -> list[dict]:
        """A campaign's steps, ordered, in the shape :meth:`save` accepts.

        Every read-back spelling SmartLead has shown is understood (``seq_variants`` or
        ``sequence_variants``; ``delay_in_days`` or ``delayInDays``) and deleted variants are
        dropped, so ``save(cid, get(cid))`` changes nothing and, because the ids are kept,
        never duplicates a step.
        """
        cid = check_id(campaign_id, "campaign_id")
        body = self._api.call("GET", f"campaigns/{cid}/sequences", subject=f"campaign {cid}",
                              shape=("data",))
        steps = list_rows(body, "data")
        return sorted((normalize_sequence(s) for s in steps), key=lambda s: s["seq_number"] or 0)

    @stamps_read_at
    def frame(self, campaign_id: int) -> pd.DataFrame:
        """One row per step (or per variant), with ``step_id``/``variant_id`` for saving back."""
        return sequences_frame(self.get(campaign_id))

    def save(self, campaign_id: int,
             sequences: Iterable[Mapping[str, Any]] | pd.DataFrame) -> dict:
        """Create or update a campaign's steps, from step dicts or a steps DataFrame (the
        columns :func:`~smartlead_nb.sequences_from_frame` reads).

        Steps (and variants) with an ``id`` are updated in place; those without are created.
        Send the complete list you want: SmartLead may drop steps left out. Each step needs
        ``seq_number`` and ``seq_delay_details: {"delay_in_days": n}`` (0-365), plus
        ``subject``/``email_body`` or ``seq_variants``. An empty subject on a follow-up sends
        it as a reply in the same thread. Checked before sending.

        >>> client.sequences.save(7, [
        ...     {"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
        ...      "subject": "Idea for {{company_name}}", "email_body": "Hi {{first_name}}"},
        ...     {"seq_number": 2, "seq_delay_details": {"delay_in_days": 3},
        ...      "subject": "", "email_body": "Following up"}])      # doctest: +SKIP
        """
        cid = check_id(campaign_id, "campaign_id")
        if isinstance(sequences, pd.DataFrame):
            sequences = sequences_from_frame(sequences)
        raw = list(sequences)
        if not raw:
            raise InputError("no sequence steps given: a campaign needs at least one")
        numbers = [s.get("seq_number") if isinstance(s, Mapping) else None for s in raw]
        dupes = sorted({n for n in numbers if n is not None and numbers.count(n) > 1})
        if dupes:
            raise InputError(f"seq_number {dupes} used by more than one step")
        steps = [check_step(step, i) for i, step in enumerate(raw)]
        return self._api.call("POST", f"campaigns/{cid}/sequences", json={"sequences": steps},
                              subject=f"campaign {cid}", shape=dict)


def check_step(step: Mapping[str, Any], position: int) -> dict[str, Any]:
    """Validate one step and return a clean copy, naming the step in any error."""
    if not isinstance(step, Mapping):
        raise InputError(f"sequence step {position} must be a dict, got {type(step).__name__}")
    out = dict(step)
    where = f"sequence step {position} (seq_number {step.get('seq_number')!r})"
    number = step.get("seq_number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError(f"{where}: seq_number must be a whole number from 1, got {number!r}")
    details = step.get("seq_delay_details")
    delay = details.get("delay_in_days") if isinstance(details, Mapping) else step.get("delay_in_days")
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 365:
        raise InputError(f"{where}: delay_in_days must be a whole number of days 0-365, got {delay!r}")
    out.pop("delay_in_days", None)
    out["seq_delay_details"] = {"delay_in_days": delay}
    if out.get("id") is None:
        out.pop("id", None)
    variants = step.get("seq_variants") or []
    if variants:
        out["seq_variants"] = [_check_variant(v, where, k) for k, v in enumerate(variants)]
        labels = [v["variant_label"] for v in out["seq_variants"]]
        if len(set(labels)) != len(labels):
            raise InputError(f"{where}: variant labels {labels} are not unique")
        shares = [v.get("variant_distribution_percentage") for v in out["seq_variants"]]
        if all(s is not None for s in shares) and sum(shares) != 100:
            raise InputError(f"{where}: variant shares {shares} add up to {sum(shares)}, not 100")
        kind = step.get("variant_distribution_type")
        if kind is not None and kind not in VARIANT_DISTRIBUTION_TYPES:
            raise InputError(f"{where}: variant_distribution_type {kind!r} not one of {VARIANT_DISTRIBUTION_TYPES}")
        metric = step.get("winning_metric_property")
        if metric is not None and metric not in WINNING_METRICS:
            raise InputError(f"{where}: winning_metric_property {metric!r} not one of {WINNING_METRICS}")
    else:
        out.pop("seq_variants", None)
        if not str(step.get("email_body") or "").strip():
            raise InputError(f"{where}: email_body is empty (and there are no variants)")
        if number == 1 and not str(step.get("subject") or "").strip():
            raise InputError(f"{where}: the first step needs a subject (an empty subject means "
                             f"'reply in the same thread', which only follow-ups can do)")
    return out


def _check_variant(variant: Mapping[str, Any], where: str, k: int) -> dict[str, Any]:
    if not isinstance(variant, Mapping):
        raise InputError(f"{where}: variant {k} must be a dict")
    out = dict(variant)
    if out.get("id") is None:
        out.pop("id", None)
    label = out.get("variant_label")
    if not label or not str(label).strip():
        raise InputError(f"{where}: variant {k} needs a variant_label such as 'A'")
    if not str(out.get("email_body") or "").strip():
        raise InputError(f"{where}: variant {label} has an empty email_body")
    share = out.get("variant_distribution_percentage")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= 100):
        raise InputError(f"{where}: variant {label} share must be a whole percent 0-100, got {share!r}")
    return out
