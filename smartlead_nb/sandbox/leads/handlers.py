"""Lead handlers: read the request, call ``models``, shape SmartLead's answer."""
from __future__ import annotations

import csv
import io
import json

from ..campaigns import models as campaigns
from ..errors import Invalid, LimitExceeded
from ..inbox import models as inbox
from ..routing import Request, Response
from ..store import USER_ID
from ..validate import (check_keys, is_int, json_body, opt_bool, page, query_choice, query_int,
                        query_time, require_object)
from . import models

LEAD_KEYS = ("email", "custom_fields", *models.LEAD_FIELDS)
SETTINGS_KEYS = ("ignore_global_block_list", "ignore_unsubscribe_list",
                 "ignore_duplicate_leads_in_other_campaign", "ignore_community_bounce_list",
                 "return_lead_ids")
MAX_CUSTOM_FIELDS = 200
GLOBAL_PAGE = 100
EXPORT_COLUMNS = ["id", "campaign_lead_map_id", "status", "created_at", "first_name",
                  "last_name", "email", "phone_number", "company_name", "website", "location",
                  "custom_fields", "linkedin_profile", "company_url", "is_unsubscribed",
                  "last_email_sequence_sent", "is_interested", "open_count", "click_count",
                  "reply_count"]
SUCCESS = {"ok": True, "data": "success"}


# --- reading requests ------------------------------------------------------------------------
def _custom_fields(fields, where: str) -> str:
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise Invalid(f'"{where}.custom_fields" must be of type object')
    if len(fields) > MAX_CUSTOM_FIELDS:
        raise Invalid(f'"{where}.custom_fields" must have less than or equal to '
                      f'{MAX_CUSTOM_FIELDS} keys')
    for name, value in fields.items():
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise Invalid(f'"{where}.custom_fields.{name}" must be a string')
    return json.dumps(fields)


def clean_lead_fields(lead, where: str, require_email: bool) -> dict:
    """Check one lead object; returns the columns to store (only keys that were sent)."""
    lead = require_object(lead, where)
    check_keys(lead, LEAD_KEYS, where + ".")
    out: dict = {}
    email = lead.get("email")
    if email is None or (isinstance(email, str) and not email.strip()):
        if require_email:
            raise Invalid(f'"{where}.email" is required')
    elif not isinstance(email, str):
        raise Invalid(f'"{where}.email" must be a string')
    else:
        out["email"] = email
    for key in models.LEAD_FIELDS:
        if key not in lead:
            continue
        value = lead[key]
        if key == "phone_number" and (is_int(value) or isinstance(value, float)):
            value = str(value)     # a number is accepted; stored as its string form
        if value is not None and not isinstance(value, str):
            raise Invalid(f'"{where}.{key}" must be a string')
        out[key] = value
    if "custom_fields" in lead:
        out["custom_fields"] = _custom_fields(lead["custom_fields"], where)
    return out


def _upload(req: Request) -> tuple[list, dict]:
    """The lead list (at most the per-request maximum) and the settings flags of an upload."""
    body = json_body(req, ("lead_list", "settings"))
    leads = body.get("lead_list")
    if not isinstance(leads, list):
        raise Invalid('"lead_list" is required and must be an array')
    if not leads:
        raise Invalid('"lead_list" must contain at least 1 items')
    most = req.app.max_leads_per_request
    if len(leads) > most:
        raise LimitExceeded(f"lead_list cannot exceed {most} leads per request")
    settings = require_object(body.get("settings"), "settings")
    check_keys(settings, SETTINGS_KEYS, "settings.")
    for key, value in settings.items():
        if value is not None and not isinstance(value, bool):
            raise Invalid(f'"settings.{key}" must be a boolean')
    return leads, {key: bool(settings.get(key)) for key in SETTINGS_KEYS}


def _mapping(req: Request):
    """The path's (campaign, lead) row: the campaign's NotFound first, then the lead's."""
    cid, lid = req.params
    campaigns.get(req.store, cid)
    return models.mapping(req.store, cid, lid)


# --- a campaign's leads ----------------------------------------------------------------------
def add_leads(req: Request):
    """``POST /campaigns/{id}/leads``: import up to the per-request maximum; the answer counts
    what was added and why the rest was not."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    leads, flags = _upload(req)
    cleaned = [clean_lead_fields(lead, f"lead_list[{i}]", True) for i, lead in enumerate(leads)]
    credits = req.app.lead_credits
    report = models.add(req.store, cid, cleaned, flags, credits)
    stopped = report.stopped
    out = {"ok": stopped == 0, **report.counts, "total_leads": len(leads),
           "invalid_emails": report.invalid, "unsubscribed_leads": report.unsubscribed,
           "is_lead_limit_exhausted": stopped > 0, "lead_import_stopped_count": stopped}
    if stopped:
        out["error"] = (f"Lead credit limit exhausted - {stopped} of {len(leads)} leads in "
                        f"this request were not imported (account limit: {credits} leads)")
    if flags["return_lead_ids"]:
        out["emailToLeadIdMap"] = {"newlyAddedLeads": report.new,
                                   "existingLeads": report.existing,
                                   "existingLeadsInOtherCampaigns": report.other}
    return out


def list_leads(req: Request):
    """``GET /campaigns/{id}/leads``: the campaign's leads, filtered and paged."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    q = req.query
    offset, limit = page(q, max_limit=100, default_limit=100)
    total, data = models.page(
        req.store, cid, status=query_choice(q, "status", models.LEAD_STATUSES),
        category=query_int(q, "lead_category_id", None, lo=1),
        email_status=query_choice(q, "emailStatus", models.EMAIL_STATUS_FILTERS),
        created_after=query_time(q, "created_at_gt"),
        sent_after=query_time(q, "last_sent_time_gt"), offset=offset, limit=limit)
    return {"total_leads": str(total), "offset": offset, "limit": limit, "data": data}


def _csv_row(r) -> list:
    return [r["id"], r["map_id"], r["map_status"], r["added_at"], r["first_name"] or "",
            r["last_name"] or "", r["email"], r["phone_number"] or "", r["company_name"] or "",
            r["website"] or "", r["location"] or "", r["custom_fields"],
            r["linkedin_profile"] or "", r["company_url"] or "",
            "true" if r["is_unsubscribed"] else "false",
            "" if r["last_seq"] is None else r["last_seq"],
            "true" if r["category"] == "Interested" else "false",
            r["opens"], r["clicks"], r["replies"]]


def export_leads(req: Request):
    """``GET /campaigns/{id}/leads-export``: the campaign's leads as CSV."""
    (cid,) = req.params
    campaigns.get(req.store, cid)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_csv_row(r) for r in models.export_rows(req.store, cid))
    return Response(200, buf.getvalue(), "text/csv; charset=utf-8",
                    {"Content-Disposition": f'attachment; filename="campaign_{cid}_leads.csv"'})


def message_history(req: Request):
    """``GET /campaigns/{id}/leads/{lead_id}/message-history``: the thread with the lead."""
    mapping = _mapping(req)
    lead = models.get(req.store, mapping["lead_id"])
    history, sender = inbox.history(req.store, mapping["id"], lead["email"])
    return {"history": history, "from": sender, "to": lead["email"]}


# --- one lead in one campaign ----------------------------------------------------------------
def pause_lead(req: Request):
    models.pause(req.store, _mapping(req))
    return SUCCESS


def resume_lead(req: Request):
    """``resume_lead_with_delay_days`` is documented both as an integer and as a string:
    both are taken."""
    row = _mapping(req)
    raw = json_body(req, ("resume_lead_with_delay_days",)).get("resume_lead_with_delay_days")
    try:
        days = 0 if raw is None else int(raw)
        if isinstance(raw, (bool, float)) or days < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise Invalid('"resume_lead_with_delay_days" must be a non-negative integer') \
            from None
    models.resume(req.store, row, days)
    return SUCCESS


def delete_lead(req: Request):
    models.delete_mapping(req.store, _mapping(req))
    return {"ok": True}


def unsubscribe_from_campaign(req: Request):
    """Documented as 'effectively a pause' for the one campaign: the lead becomes PAUSED."""
    models.pause(req.store, _mapping(req))
    return {"ok": True}


def set_category(req: Request):
    row = _mapping(req)
    body = json_body(req, ("category_id", "pause_lead"))
    category = body.get("category_id")
    if category is not None and not (is_int(category)
                                     and models.category_exists(req.store, category)):
        raise Invalid(f"Invalid category_id - {category}")
    models.set_category(req.store, row, category, bool(opt_bool(body, "pause_lead")))
    return {"ok": True}


def update_lead(req: Request):
    """Replace the lead record (account-wide), addressed through a campaign: a field left out
    is cleared (a client that wants a partial change reads the lead and sends it whole)."""
    row = _mapping(req)
    fields = clean_lead_fields(req.body, "value", require_email=False)
    models.replace(req.store, row["lead_id"], fields)
    return {"ok": True}


# --- leads across campaigns ------------------------------------------------------------------
def unsubscribe_everywhere(req: Request):
    """Global unsubscribe: the lead is STOPPED in every campaign and refused on re-import."""
    models.unsubscribe_everywhere(req.store, req.params[0])
    return {"ok": True}


def _membership(m) -> dict:
    return {"campaign_id": m["campaign_id"], "campaign_name": m["name"],
            "client_id": m["client_id"], "campaign_lead_map_id": m["id"],
            "lead_category_id": m["category_id"], "lead_status": m["status"],
            "last_reply_at": m["last_reply"]}


def lead_by_email(req: Request):
    """``GET /leads?email=``: the lead and its campaigns; an unknown address is ``200 {}``."""
    email = req.query.get("email", "").strip().lower()
    if not email:
        raise Invalid('"email" is required')
    row = models.by_email(req.store, email)
    if row is None:
        return {}
    return {**models.lead_json(row), "id": str(row["id"]),     # a string here
            "created_at": row["created_at"],
            "lead_campaign_data": [_membership(m)
                                   for m in models.memberships(req.store, row["id"])]}


def lead_campaigns(req: Request):
    (lid,) = req.params
    models.get(req.store, lid)
    return models.campaigns_of(req.store, lid)


def fetch_categories(req: Request):
    return models.categories(req.store)


def _global_lead(store, r) -> dict:
    lead = {k: v for k, v in models.lead_json(r).items() if k != "unsubscribed_client_id_map"}
    lead.update(id=str(r["id"]), created_at=r["created_at"], user_id=USER_ID, campaigns=[{
        "campaign_id": m["campaign_id"], "campaign_name": m["name"],
        "campaign_status": m["campaign_status"], "lead_status": m["status"],
        "lead_added_at": m["created_at"], "email_lead_map_id": m["id"],
        "lead_last_seq_number": m["last_seq"],
    } for m in models.memberships(store, r["id"])])
    return lead


def global_leads(req: Request):
    """``GET /leads/global-leads``: every lead of the account with the campaigns it is in,
    100 a page, ``hasMore`` saying whether more follow."""
    q = req.query
    offset, limit = page(q, max_limit=GLOBAL_PAGE, default_limit=GLOBAL_PAGE)
    email = q["email"].strip().lower() if q.get("email") else None
    created_after = query_time(q, "created_at_gt", wording="a date (YYYY-MM-DD)")
    total, rows = models.everyone(req.store, email, created_after, offset, limit)
    data = [_global_lead(req.store, r) for r in rows]
    return {"data": data, "skip": offset, "limit": limit,
            "hasMore": offset + len(data) < total}
