"""Sequence handlers: check the steps sent, call ``models``, shape SmartLead's answer."""
from __future__ import annotations

from ..campaigns import models as campaigns
from ..errors import Invalid
from ..routing import Request
from ..validate import (check_keys, is_int, json_body, opt_int, opt_str, require_object,
                        required_int)
from . import models

STEP_KEYS = ("id", "seq_number", "seq_delay_details", "subject", "email_body", "seq_variants",
             "variant_distribution_type", "lead_distribution_percentage",
             "winning_metric_property", "seq_type")
# Step-level A/B fields: stored as sent and echoed back on GET.
EXTRA_KEYS = ("variant_distribution_type", "lead_distribution_percentage",
              "winning_metric_property", "seq_type")
EXTRA_ENUMS = {
    "variant_distribution_type": ("MANUAL_EQUAL", "MANUAL_PERCENTAGE", "AI_EQUAL"),
    "winning_metric_property": ("OPEN_RATE", "CLICK_RATE", "REPLY_RATE",
                                "POSITIVE_REPLY_RATE"),
    "seq_type": ("EMAIL", "MANUAL"),
}
VARIANT_KEYS = ("id", "subject", "email_body", "variant_label",
                "variant_distribution_percentage")


def _variant(variant, step_where: str, j: int, existing_ids: set[int], labels: set[str]) -> dict:
    where = f"{step_where}.seq_variants[{j}]"
    variant = require_object(variant, where)
    check_keys(variant, VARIANT_KEYS, where + ".")
    vid = variant.get("id")
    if vid is not None and (not is_int(vid) or vid not in existing_ids):
        raise Invalid(f"Variant id - {vid} does not belong to this sequence step")
    label = variant.get("variant_label")
    if not isinstance(label, str) or not label.strip():
        raise Invalid(f'"{where}.variant_label" is required')
    if label in labels:
        raise Invalid(f"Duplicate variant_label - {label} in {step_where}")
    labels.add(label)
    subject = opt_str(variant, "subject", f"{where}.subject") or ""
    body = opt_str(variant, "email_body", f"{where}.email_body")
    if body is None:
        raise Invalid(f'"{where}.email_body" is required')
    pct = opt_int(variant, "variant_distribution_percentage",
                  f"{where}.variant_distribution_percentage", lo=0, hi=100)
    return {"id": vid, "label": label, "subject": subject, "body": body, "pct": pct}


def _variants(step: dict, where: str, existing_ids: set[int]) -> list[dict]:
    """The step's variants checked; without percentages they split 100 evenly (the
    remainder to the first ones)."""
    variants = step.get("seq_variants")
    if variants is None:
        return []
    if not isinstance(variants, list):
        raise Invalid(f'"{where}.seq_variants" must be an array')
    labels: set[str] = set()
    out = [_variant(v, where, j, existing_ids, labels) for j, v in enumerate(variants)]
    given = [v["pct"] for v in out if v["pct"] is not None]
    if given and len(given) != len(out):
        raise Invalid(f"{where}: give variant_distribution_percentage for every variant "
                      "or for none")
    if given and sum(given) != 100:
        raise Invalid(f"{where}: variant_distribution_percentage values must add up to "
                      f"100, got {sum(given)}")
    if out and not given:
        share, rest = divmod(100, len(out))
        for k, v in enumerate(out):
            v["pct"] = share + (1 if k < rest else 0)
    return out


def _extra(step: dict, where: str) -> dict:
    extra = {}
    for key in EXTRA_KEYS:
        if key in step:
            value = step[key]
            if key in EXTRA_ENUMS and value is not None and value not in EXTRA_ENUMS[key]:
                raise Invalid(f'"{where}.{key}" must be one of [{", ".join(EXTRA_ENUMS[key])}]')
            if key == "lead_distribution_percentage":
                opt_int(step, key, f"{where}.{key}", lo=0, hi=100)
            extra[key] = value
    return extra


def _step_id(step: dict, cid: int, existing: set[int], kept: set[int]) -> int | None:
    sid = step.get("id")
    if sid is not None:
        if not is_int(sid) or sid not in existing:
            raise Invalid(f"Sequence id - {sid} does not belong to campaign {cid}")
        if sid in kept:
            raise Invalid(f"Sequence id - {sid} appears twice")
        kept.add(sid)
    return sid


def _step(req: Request, step, i: int, cid: int, existing: set[int], kept: set[int],
          numbers: set[int]) -> models.Step:
    where = f"sequences[{i}]"
    step = require_object(step, where)
    check_keys(step, STEP_KEYS, where + ".")
    sid = _step_id(step, cid, existing, kept)
    number = required_int(step, "seq_number", f"{where}.seq_number", lo=1, hi=100)
    if number in numbers:
        raise Invalid(f"Duplicate seq_number - {number}")
    numbers.add(number)
    delay = require_object(step.get("seq_delay_details"), f"{where}.seq_delay_details")
    check_keys(delay, ("delay_in_days",), f"{where}.seq_delay_details.")
    days = required_int(delay, "delay_in_days", f"{where}.seq_delay_details.delay_in_days",
                        lo=0, hi=365)
    subject = opt_str(step, "subject", f"{where}.subject") or ""
    email_body = opt_str(step, "email_body", f"{where}.email_body")
    old_variants = set() if sid is None else models.variant_ids(req.store, sid)
    variants = _variants(step, where, old_variants)
    if email_body is None and not variants:
        raise Invalid(f'"{where}.email_body" is required')
    return models.Step(sid, number, days, subject, email_body, _extra(step, where), variants)


def save_sequences(req: Request):
    """``POST /campaigns/{id}/sequences``: replace the steps (all checked before any is
    stored)."""
    (cid,) = req.params
    campaign = campaigns.get(req.store, cid)
    steps = json_body(req, ("sequences",)).get("sequences")
    if not isinstance(steps, list):
        raise Invalid('"sequences" is required and must be an array')
    models.check_editable(campaign)
    existing = models.step_ids(req.store, cid)
    kept: set[int] = set()        # step ids the body names
    numbers: set[int] = set()     # seq_numbers the body uses
    parsed = [_step(req, step, i, cid, existing, kept, numbers) for i, step in enumerate(steps)]
    models.save(req.store, cid, parsed)
    campaigns.touch(req.store, cid)
    return {"ok": True, "data": "success"}


def get_sequences(req: Request):
    (cid,) = req.params
    campaigns.get(req.store, cid)
    return models.steps(req.store, cid)
