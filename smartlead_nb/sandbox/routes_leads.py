"""Lead upload, listing and CSV export [sheet 5.1, 5.2, 5.10]."""
from __future__ import annotations

import csv
import io
import json
import re

from .block_list import models as block_list
from .routing import Request, Response, RouteTable, bad_request
from .store import USER_ID
from .validate import (check_keys, is_int, json_body, page, query_choice, query_int, query_time,
                       require_object)
from .where import Where

ROUTES = RouteTable()   # filled by the @ROUTES.route decorators below

LEAD_FIELDS = ("first_name", "last_name", "phone_number", "company_name", "website",
               "location", "linkedin_profile", "company_url")
LEAD_KEYS = ("email", "custom_fields", *LEAD_FIELDS)
SETTINGS_KEYS = ("ignore_global_block_list", "ignore_unsubscribe_list",
                 "ignore_duplicate_leads_in_other_campaign", "ignore_community_bounce_list",
                 "return_lead_ids")
LEAD_STATUSES = ("STARTED", "INPROGRESS", "COMPLETED", "PAUSED", "STOPPED", "BLOCKED")
MAX_CUSTOM_FIELDS = 200
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\Z")

# emailStatus filter -> SQL condition on the mapping row ``m`` / lead ``l``; ``:now`` hides
# events that the simulated clock has not reached yet.
_EVENT = "EXISTS (SELECT 1 FROM sent_emails s WHERE s.map_id = m.id AND {})"
EMAIL_STATUS_FILTERS = {
    "is_opened": _EVENT.format("s.open_time <= :now"),
    "is_clicked": _EVENT.format("s.click_time <= :now"),
    "is_replied": _EVENT.format("s.reply_time <= :now"),
    "not_replied": "NOT " + _EVENT.format("s.reply_time <= :now"),
    "is_bounced": _EVENT.format("s.is_bounced = 1"),
    "is_unsubscribed": "(l.is_unsubscribed = 1 OR "
                       + _EVENT.format("s.unsubscribed_time <= :now") + ")",
    "is_spam": "0", "is_accepted": "0", "is_sender_bounced": "0",   # never simulated
}


def lead_json(row) -> dict:
    """A ``leads`` row as the API's lead object."""
    return {
        "id": row["id"], "first_name": row["first_name"], "last_name": row["last_name"],
        "email": row["email"], "phone_number": row["phone_number"],
        "company_name": row["company_name"], "website": row["website"],
        "location": row["location"], "custom_fields": json.loads(row["custom_fields"]),
        "linkedin_profile": row["linkedin_profile"], "company_url": row["company_url"],
        "is_unsubscribed": bool(row["is_unsubscribed"]), "unsubscribed_client_id_map": {},
    }


def lead_memberships(db, lead_id: int, now: str) -> list:
    """The lead's ``campaign_leads`` rows, oldest first, each with its campaign's ``name``,
    ``client_id`` and ``campaign_status``, the last step sent (``last_seq``) and the last
    reply seen by ``now`` (``last_reply``): what the lead endpoints say of its campaigns."""
    return db.execute(
        "SELECT m.*, c.name, c.client_id, c.status AS campaign_status, "
        "(SELECT MAX(s.seq_number) FROM sent_emails s WHERE s.map_id = m.id) AS last_seq, "
        "(SELECT MAX(s.reply_time) FROM sent_emails s WHERE s.map_id = m.id "
        "AND s.reply_time <= ?) AS last_reply "
        "FROM campaign_leads m JOIN campaigns c ON c.id = m.campaign_id "
        "WHERE m.lead_id = ? ORDER BY m.id", (now, lead_id)).fetchall()


def clean_lead_fields(lead: dict, where: str, require_email: bool) -> dict:
    """Validate one lead object; returns the columns to store (only keys that were sent)."""
    lead = require_object(lead, where)
    check_keys(lead, LEAD_KEYS, where + ".")
    out: dict = {}
    email = lead.get("email")
    if email is None or (isinstance(email, str) and not email.strip()):
        if require_email:
            raise bad_request(f'"{where}.email" is required')
    elif not isinstance(email, str):
        raise bad_request(f'"{where}.email" must be a string')
    else:
        out["email"] = email
    for key in LEAD_FIELDS:
        if key not in lead:
            continue
        value = lead[key]
        if key == "phone_number" and (is_int(value) or isinstance(value, float)):
            value = str(value)     # L1 shows numbers; store the string form
        if value is not None and not isinstance(value, str):
            raise bad_request(f'"{where}.{key}" must be a string')
        out[key] = value
    if "custom_fields" in lead:
        fields = lead["custom_fields"]
        if fields is None:
            fields = {}
        if not isinstance(fields, dict):
            raise bad_request(f'"{where}.custom_fields" must be of type object')
        if len(fields) > MAX_CUSTOM_FIELDS:
            raise bad_request(f'"{where}.custom_fields" must have less than or equal to '
                              f'{MAX_CUSTOM_FIELDS} keys')
        for name, value in fields.items():
            if value is not None and not isinstance(value, (str, int, float, bool)):
                raise bad_request(f'"{where}.custom_fields.{name}" must be a string')
        out["custom_fields"] = json.dumps(fields)
    return out


def write_lead_fields(db, lead_id: int, fields: dict) -> None:
    """Overwrite the given columns of an account-wide lead record."""
    fields = {k: v for k, v in fields.items() if k != "email"}
    if fields:
        sets = ", ".join(f"{k} = ?" for k in fields)
        db.execute(f"UPDATE leads SET {sets} WHERE id = ?", (*fields.values(), lead_id))


@ROUTES.route("POST", r"/campaigns/(\d+)/leads")
def add_leads(req: Request):
    (cid,) = req.params
    store, db, app = req.app.store, req.db, req.app
    store.campaign(cid)
    body = json_body(req, ("lead_list", "settings"))
    leads = body.get("lead_list")
    if not isinstance(leads, list):
        raise bad_request('"lead_list" is required and must be an array')
    if not leads:
        raise bad_request('"lead_list" must contain at least 1 items')
    if len(leads) > app.max_leads_per_request:
        raise bad_request(f"lead_list cannot exceed {app.max_leads_per_request} leads "
                          "per request")
    settings = require_object(body.get("settings"), "settings")
    check_keys(settings, SETTINGS_KEYS, "settings.")
    for key, value in settings.items():
        if value is not None and not isinstance(value, bool):
            raise bad_request(f'"settings.{key}" must be a boolean')
    flags = {key: bool(settings.get(key)) for key in SETTINGS_KEYS}
    cleaned = [clean_lead_fields(lead, f"lead_list[{i}]", True) for i, lead in enumerate(leads)]

    now = store.now_iso()
    credits = app.lead_credits
    used = int(store.get_meta("lead_credits_used", "0"))
    counts = dict(upload_count=0, already_added_to_campaign=0, duplicate_count=0,
                  invalid_email_count=0, block_count=0, bounce_count=0)
    invalid, unsubscribed, seen = [], [], set()
    new_ids, existing_ids, other_ids = {}, {}, {}
    stopped = 0
    for i, fields in enumerate(cleaned):
        raw = fields["email"]
        email = raw.strip().lower()
        if not EMAIL_RE.match(email):
            counts["invalid_email_count"] += 1
            invalid.append(raw)
            continue
        if email in seen:
            counts["duplicate_count"] += 1
            continue
        seen.add(email)
        blocked = block_list.is_blocked(store, email)
        if blocked and not flags["ignore_global_block_list"]:
            counts["block_count"] += 1
            continue
        if not flags["ignore_community_bounce_list"] and block_list.is_bounced(store, email):
            counts["bounce_count"] += 1
            continue
        row = db.execute("SELECT * FROM leads WHERE email = ?", (email,)).fetchone()
        if row is not None:
            if row["is_unsubscribed"] and not flags["ignore_unsubscribe_list"]:
                unsubscribed.append(email)
                continue
            if db.execute("SELECT 1 FROM campaign_leads WHERE campaign_id = ? AND lead_id = ?",
                          (cid, row["id"])).fetchone():
                counts["already_added_to_campaign"] += 1
                existing_ids[email] = row["id"]
                write_lead_fields(db, row["id"], fields)   # re-adding overwrites (P)
                continue
            if not flags["ignore_duplicate_leads_in_other_campaign"] and db.execute(
                    "SELECT 1 FROM campaign_leads WHERE lead_id = ?", (row["id"],)).fetchone():
                counts["duplicate_count"] += 1
                other_ids[email] = row["id"]
                continue
        if credits is not None and used >= credits:
            stopped = len(cleaned) - i
            break
        if row is None:
            columns = {k: v for k, v in fields.items() if k != "email"}
            names = ", ".join(["email", "created_at", *columns])
            marks = ", ".join("?" * (2 + len(columns)))
            lead_id = db.execute(f"INSERT INTO leads ({names}) VALUES ({marks})",
                                 (email, now, *columns.values())).lastrowid
        else:
            lead_id = row["id"]
            write_lead_fields(db, lead_id, fields)
        # Remember an explicit override, so the simulation does not refuse the lead later.
        db.execute("INSERT INTO campaign_leads (campaign_id, lead_id, status, created_at, "
                   "ignore_block, ignore_unsub) VALUES (?, ?, 'STARTED', ?, ?, ?)",
                   (cid, lead_id, now, int(blocked),
                    int(row is not None and bool(row["is_unsubscribed"]))))
        used += 1
        counts["upload_count"] += 1
        new_ids[email] = lead_id
    store.set_meta("lead_credits_used", str(used))

    out = {"ok": stopped == 0, **counts, "total_leads": len(leads),
           "invalid_emails": invalid, "unsubscribed_leads": unsubscribed,
           "is_lead_limit_exhausted": stopped > 0, "lead_import_stopped_count": stopped}
    if stopped:
        out["error"] = (f"Lead credit limit exhausted - {stopped} of {len(leads)} leads in "
                        f"this request were not imported (account limit: {credits} leads)")
    if flags["return_lead_ids"]:
        out["emailToLeadIdMap"] = {"newlyAddedLeads": new_ids, "existingLeads": existing_ids,
                                   "existingLeadsInOtherCampaigns": other_ids}
    return out


@ROUTES.route("GET", r"/campaigns/(\d+)/leads")
def list_leads(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    q = req.query
    offset, limit = page(q, max_limit=100, default_limit=100)
    where = Where("m.campaign_id = :cid", cid=cid, now=req.app.store.now_iso())
    where.add("m.status = :status", status=query_choice(q, "status", LEAD_STATUSES))
    where.add("m.category_id = :category",
              category=query_int(q, "lead_category_id", None, lo=1))
    where.add(EMAIL_STATUS_FILTERS.get(query_choice(q, "emailStatus", EMAIL_STATUS_FILTERS)))
    where.add("m.created_at > :after", after=query_time(q, "created_at_gt"))
    where.add("m.last_sent_at > :sent_after", sent_after=query_time(q, "last_sent_time_gt"))
    sql = "FROM campaign_leads m JOIN leads l ON l.id = m.lead_id WHERE " + where.sql
    args = where.args
    total = req.db.execute("SELECT COUNT(*) " + sql, args).fetchone()[0]
    rows = req.db.execute(
        "SELECT l.*, m.id AS map_id, m.status AS map_status, m.category_id, "
        "m.created_at AS added_at " + sql + " ORDER BY m.id LIMIT :limit OFFSET :offset",
        dict(args, limit=limit, offset=offset)).fetchall()
    data = [{"campaign_lead_map_id": r["map_id"], "lead_category_id": r["category_id"],
             "status": r["map_status"], "created_at": r["added_at"], "lead": lead_json(r)}
            for r in rows]
    return {"total_leads": str(total), "offset": offset, "limit": limit, "data": data}


EXPORT_COLUMNS = ["id", "campaign_lead_map_id", "status", "created_at", "first_name",
                  "last_name", "email", "phone_number", "company_name", "website", "location",
                  "custom_fields", "linkedin_profile", "company_url", "is_unsubscribed",
                  "last_email_sequence_sent", "is_interested", "open_count", "click_count",
                  "reply_count"]


@ROUTES.route("GET", r"/campaigns/(\d+)/leads-export")
def export_leads(req: Request):
    (cid,) = req.params
    req.app.store.campaign(cid)
    rows = req.db.execute(
        """SELECT l.*, m.id AS map_id, m.status AS map_status, m.created_at AS added_at,
                  c.name AS category,
                  (SELECT MAX(s.seq_number) FROM sent_emails s WHERE s.map_id = m.id) AS last_seq,
                  (SELECT COALESCE(SUM(s.open_count), 0) FROM sent_emails s
                    WHERE s.map_id = m.id AND s.open_time <= :now) AS opens,
                  (SELECT COALESCE(SUM(s.click_count), 0) FROM sent_emails s
                    WHERE s.map_id = m.id AND s.click_time <= :now) AS clicks,
                  (SELECT COUNT(*) FROM sent_emails s
                    WHERE s.map_id = m.id AND s.reply_time <= :now) AS replies
           FROM campaign_leads m JOIN leads l ON l.id = m.lead_id
           LEFT JOIN categories c ON c.id = m.category_id
           WHERE m.campaign_id = :cid ORDER BY m.id""",
        {"cid": cid, "now": req.app.store.now_iso()}).fetchall()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in rows:
        writer.writerow([
            r["id"], r["map_id"], r["map_status"], r["added_at"], r["first_name"] or "",
            r["last_name"] or "", r["email"], r["phone_number"] or "", r["company_name"] or "",
            r["website"] or "", r["location"] or "", r["custom_fields"],
            r["linkedin_profile"] or "", r["company_url"] or "",
            "true" if r["is_unsubscribed"] else "false",
            "" if r["last_seq"] is None else r["last_seq"],
            "true" if r["category"] == "Interested" else "false",
            r["opens"], r["clicks"], r["replies"]])
    return Response(200, buf.getvalue(), "text/csv; charset=utf-8",
                    {"Content-Disposition": f'attachment; filename="campaign_{cid}_leads.csv"'})


GLOBAL_PAGE = 100


@ROUTES.route("GET", r"/leads/global-leads")
def global_leads(req: Request):
    """``GET /leads/global-leads`` [more-sheet 5.4]: every lead of the account with the
    campaigns it is in (P-AK's shape), 100 a page, ``hasMore`` saying whether more follow."""
    q = req.query
    offset, limit = page(q, max_limit=GLOBAL_PAGE, default_limit=GLOBAL_PAGE)
    where, args = [], []
    if q.get("email"):
        where.append("email = ?")
        args.append(q["email"].strip().lower())
    created_after = query_time(q, "created_at_gt", wording="a date (YYYY-MM-DD)")
    if created_after:
        args.append(created_after)
        where.append("created_at > ?")
    sql = "FROM leads" + (" WHERE " + " AND ".join(where) if where else "")
    total = req.db.execute("SELECT COUNT(*) " + sql, args).fetchone()[0]
    rows = req.db.execute("SELECT * " + sql + " ORDER BY id LIMIT ? OFFSET ?",
                          (*args, limit, offset)).fetchall()
    now, data = req.app.store.now_iso(), []
    for r in rows:
        lead = {k: v for k, v in lead_json(r).items() if k != "unsubscribed_client_id_map"}
        lead.update(id=str(r["id"]), created_at=r["created_at"], user_id=USER_ID,
                    campaigns=[{
                        "campaign_id": m["campaign_id"], "campaign_name": m["name"],
                        "campaign_status": m["campaign_status"], "lead_status": m["status"],
                        "lead_added_at": m["created_at"], "email_lead_map_id": m["id"],
                        "lead_last_seq_number": m["last_seq"],
                    } for m in lead_memberships(req.db, r["id"], now)])
        data.append(lead)
    return {"data": data, "skip": offset, "limit": limit,
            "hasMore": offset + len(data) < total}
