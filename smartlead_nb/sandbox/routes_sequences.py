"""Sequence endpoints [sheet 3.1-3.2]: save (replace the list) and read back."""
from __future__ import annotations

import json

from .routing import Request, RouteTable, bad_request
from .validate import check_keys, is_int, json_body, opt_int, opt_str, require_object

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

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


def _check_variants(step: dict, where: str, existing_ids: set[int]) -> list[dict]:
    variants = step.get("seq_variants")
    if variants is None:
        return []
    if not isinstance(variants, list):
        raise bad_request(f'"{where}.seq_variants" must be an array')
    labels: set[str] = set()
    out = []
    for j, variant in enumerate(variants):
        vwhere = f"{where}.seq_variants[{j}]"
        variant = require_object(variant, vwhere)
        check_keys(variant, VARIANT_KEYS, vwhere + ".")
        vid = variant.get("id")
        if vid is not None and (not is_int(vid) or vid not in existing_ids):
            raise bad_request(f"Variant id - {vid} does not belong to this sequence step")
        label = variant.get("variant_label")
        if not isinstance(label, str) or not label.strip():
            raise bad_request(f'"{vwhere}.variant_label" is required')
        if label in labels:
            raise bad_request(f"Duplicate variant_label - {label} in {where}")
        labels.add(label)
        subject = opt_str(variant, "subject", f"{vwhere}.subject") or ""
        body = opt_str(variant, "email_body", f"{vwhere}.email_body")
        if body is None:
            raise bad_request(f'"{vwhere}.email_body" is required')
        pct = opt_int(variant, "variant_distribution_percentage",
                      f"{vwhere}.variant_distribution_percentage", lo=0, hi=100)
        out.append({"id": vid, "label": label, "subject": subject, "body": body, "pct": pct})
    given = [v["pct"] for v in out if v["pct"] is not None]
    if given and len(given) != len(out):
        raise bad_request(f"{where}: give variant_distribution_percentage for every variant "
                          "or for none")
    if given and sum(given) != 100:
        raise bad_request(f"{where}: variant_distribution_percentage values must add up to "
                          f"100, got {sum(given)}")
    if out and not given:        # no percentages: split evenly, remainder to the first ones
        share, rest = divmod(100, len(out))
        for k, v in enumerate(out):
            v["pct"] = share + (1 if k < rest else 0)
    return out


@ROUTES.route("POST", r"/campaigns/(\d+)/sequences")
def save_sequences(req: Request):
    (cid,) = req.params
    campaign = req.app.store.campaign(cid)
    steps = json_body(req, ("sequences",)).get("sequences")
    if not isinstance(steps, list):
        raise bad_request('"sequences" is required and must be an array')
    if campaign["status"] == "ACTIVE":
        raise bad_request("Sequences cannot be modified while the campaign is ACTIVE - "
                          "pause the campaign first")
    db = req.db
    existing = {r["id"] for r in db.execute(
        "SELECT id FROM sequences WHERE campaign_id = ?", (cid,))}
    parsed, numbers, kept_ids = [], set(), set()
    for i, step in enumerate(steps):
        where = f"sequences[{i}]"
        step = require_object(step, where)
        check_keys(step, STEP_KEYS, where + ".")
        sid = step.get("id")
        if sid is not None:
            if not is_int(sid) or sid not in existing:
                raise bad_request(f"Sequence id - {sid} does not belong to campaign {cid}")
            if sid in kept_ids:
                raise bad_request(f"Sequence id - {sid} appears twice")
            kept_ids.add(sid)
        number = step.get("seq_number")
        if number is None:
            raise bad_request(f'"{where}.seq_number" is required')
        number = opt_int(step, "seq_number", f"{where}.seq_number", lo=1, hi=100)
        if number in numbers:
            raise bad_request(f"Duplicate seq_number - {number}")
        numbers.add(number)
        delay = require_object(step.get("seq_delay_details"), f"{where}.seq_delay_details")
        check_keys(delay, ("delay_in_days",), f"{where}.seq_delay_details.")
        if delay.get("delay_in_days") is None:
            raise bad_request(f'"{where}.seq_delay_details.delay_in_days" is required')
        days = opt_int(delay, "delay_in_days", f"{where}.seq_delay_details.delay_in_days",
                       lo=0, hi=365)
        subject = opt_str(step, "subject", f"{where}.subject") or ""
        email_body = opt_str(step, "email_body", f"{where}.email_body")
        old_variants = set() if sid is None else {r["id"] for r in db.execute(
            "SELECT id FROM variants WHERE seq_id = ?", (sid,))}
        variants = _check_variants(step, where, old_variants)
        if email_body is None and not variants:
            raise bad_request(f'"{where}.email_body" is required')
        extra = {}
        for key in EXTRA_KEYS:
            if key in step:
                value = step[key]
                if key in EXTRA_ENUMS and value is not None and value not in EXTRA_ENUMS[key]:
                    raise bad_request(f'"{where}.{key}" must be one of '
                                      f'[{", ".join(EXTRA_ENUMS[key])}]')
                if key == "lead_distribution_percentage":
                    opt_int(step, key, f"{where}.{key}", lo=0, hi=100)
                extra[key] = value
        parsed.append((sid, number, days, subject, email_body, extra, variants))

    now = req.app.store.now_iso()
    for sid in existing - kept_ids:        # steps left out of the payload are deleted
        db.execute("DELETE FROM variants WHERE seq_id = ?", (sid,))
        db.execute("DELETE FROM sequences WHERE id = ?", (sid,))
    for sid, number, days, subject, email_body, extra, variants in parsed:
        if sid is None:
            sid = db.execute(
                "INSERT INTO sequences (campaign_id, seq_number, subject, email_body, "
                "delay_in_days, extra, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                (cid, number, subject, email_body, days, json.dumps(extra), now, now)
            ).lastrowid
        else:
            db.execute("UPDATE sequences SET seq_number=?, subject=?, email_body=?, "
                       "delay_in_days=?, extra=?, updated_at=? WHERE id=?",
                       (number, subject, email_body, days, json.dumps(extra), now, sid))
        keep = {v["id"] for v in variants if v["id"] is not None}
        for (vid,) in db.execute("SELECT id FROM variants WHERE seq_id = ?", (sid,)).fetchall():
            if vid not in keep:
                db.execute("DELETE FROM variants WHERE id = ?", (vid,))
        for v in variants:
            if v["id"] is None:
                db.execute("INSERT INTO variants (seq_id, variant_label, subject, email_body, "
                           "pct, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                           (sid, v["label"], v["subject"], v["body"], v["pct"], now, now))
            else:
                db.execute("UPDATE variants SET variant_label=?, subject=?, email_body=?, "
                           "pct=?, updated_at=? WHERE id=?",
                           (v["label"], v["subject"], v["body"], v["pct"], now, v["id"]))
    db.execute("UPDATE campaigns SET updated_at = ? WHERE id = ?", (now, cid))
    return {"ok": True, "data": "success"}


def load_steps(db, cid: int) -> list[dict]:
    """The campaign's steps in seq_number order, as API objects with their variants."""
    steps = []
    for row in db.execute("SELECT * FROM sequences WHERE campaign_id = ? ORDER BY seq_number",
                          (cid,)).fetchall():
        variants = [{
            "id": v["id"], "created_at": v["created_at"], "updated_at": v["updated_at"],
            "is_deleted": False, "subject": v["subject"], "email_body": v["email_body"],
            "email_campaign_seq_id": row["id"], "variant_label": v["variant_label"],
            "variant_distribution_percentage": v["pct"],
        } for v in db.execute("SELECT * FROM variants WHERE seq_id = ? ORDER BY id",
                              (row["id"],))]
        step = {
            "id": row["id"], "created_at": row["created_at"], "updated_at": row["updated_at"],
            "email_campaign_id": cid, "seq_number": row["seq_number"],
            "subject": row["subject"], "email_body": row["email_body"],
            "seq_delay_details": {"delay_in_days": row["delay_in_days"]},
            "seq_variants": variants,
        }
        step.update(json.loads(row["extra"]))
        steps.append(step)
    return steps


@ROUTES.route("GET", r"/campaigns/(\d+)/sequences")
def get_sequences(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    return load_steps(req.db, cid)
