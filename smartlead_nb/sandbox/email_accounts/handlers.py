"""Sender-mailbox handlers: read the request, call ``models``, shape SmartLead's answer."""
from __future__ import annotations

import re

from ..campaigns import models as campaigns
from ..errors import Invalid, InvalidQuery
from ..routing import Request
from ..validate import (is_int, json_body, opt_bool, opt_int, opt_str, page, query_bool,
                        query_choice, query_int)
from . import models

# GET /email-accounts/ filters whose values are a closed set.
WARMUP_STATUSES = ("ACTIVE", "INACTIVE")
ESPS = ("GMAIL", "OUTLOOK", "SMTP", "ZOHO")
# The documented warm-up ranges; outside them the answer is a 400 naming the bound.
WARMUP_RANGES = {"total_warmup_per_day": (1, 50), "daily_rampup": (5, 20),
                 "reply_rate_percentage": (20, 100)}
SAVE_REQUIRED = ("from_name", "from_email", "user_name", "password", "smtp_host", "smtp_port",
                 "imap_host", "imap_port")
SAVE_OPTIONAL = ("id", "max_email_per_day", "custom_tracking_url", "bcc", "signature",
                 "different_reply_to_address", "imap_user_name", "imap_password",
                 "time_to_wait_in_mins", "warmup_enabled", "total_warmup_per_day",
                 "daily_rampup", "reply_rate_percentage", "client_id", "is_suspended")
SAVE_TEXT = ("from_name", "from_email", "user_name", "password", "smtp_host", "imap_host",
             "custom_tracking_url", "bcc", "signature", "different_reply_to_address",
             "imap_user_name", "imap_password")
UPDATE_KEYS = ("max_email_per_day", "from_name", "custom_tracking_url", "bcc", "signature",
               "client_id", "time_to_wait_in_mins", "is_suspended")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


# --- reading requests ------------------------------------------------------------------------
def _query_flag(query: dict, key: str) -> bool | None:
    """A true/false filter; absent is None, anything else a 422 as on SmartLead's lists."""
    raw = query.get(key, "").strip().lower()
    if not raw:
        return None
    if raw not in ("true", "false"):
        raise InvalidQuery(f'"{key}" must be a boolean')
    return raw == "true"


def _ids(body: dict, key: str, wording: str = "ids") -> list[int]:
    """A non-empty array of ids, duplicates dropped (first seen order)."""
    values = body.get(key)
    if not isinstance(values, list) or not values:
        raise Invalid(f'"{key}" must be a non-empty array of {wording}')
    for i, value in enumerate(values):
        if not is_int(value):
            raise Invalid(f'"{key}[{i}]" must be a number')
    return list(dict.fromkeys(values))


def _account_ids(req: Request) -> list[int]:
    return _ids(json_body(req, ("email_account_ids",)), "email_account_ids", "account ids")


def _warmup_changes(body: dict) -> dict:
    """The warm-up fields of a body, checked against the documented ranges."""
    out: dict[str, int | bool | str | None] = {}
    for key, (lo, hi) in WARMUP_RANGES.items():
        value = body.get(key)
        if key == "reply_rate_percentage" and isinstance(value, str) and value.strip().isdigit():
            value = int(value)       # some clients send it as a string
            body = dict(body, **{key: value})
        if value is not None:
            out[key] = opt_int(body, key, lo=lo, hi=hi)
    for key in models.WARMUP_FLAGS:
        if body.get(key) is not None:
            out[key] = opt_bool(body, key)
    if body.get("warmup_key_id") is not None:
        out["warmup_key_id"] = opt_str(body, "warmup_key_id")
    return out


# --- accounts and campaigns ------------------------------------------------------------------
def list_accounts(req: Request):
    """``GET /email-accounts/``, filtered first, then paged: ``offset``/``limit`` count
    matching accounts. Unknown parameters are ignored, as SmartLead does."""
    offset, limit = page(req.query, max_limit=100, default_limit=100)
    q = req.query
    matching = models.search(
        req.store, smtp=_query_flag(q, "isSmtpSuccess"), in_use=_query_flag(q, "isInUse"),
        warmup=query_choice(q, "emailWarmupStatus", WARMUP_STATUSES, upper=True),
        esp=query_choice(q, "esp", ESPS, upper=True),
        username=q.get("username", "").strip().lower(),
        client_id=query_int(q, "client_id", None))
    return matching[offset:offset + limit]


def get_account(req: Request):
    """One account, with its decrypted passwords (as SmartLead returns them) and
    ``warmup_reputation`` a number here (the list sends ``"100%"``)."""
    (aid,) = req.params
    out = models.get(req.store, aid)
    warmup = out.get("warmup_details")
    if isinstance(warmup, dict) and isinstance(warmup.get("warmup_reputation"), str):
        text = warmup["warmup_reputation"].rstrip("%").strip()
        warmup["warmup_reputation"] = int(text) if text.isdigit() else warmup["warmup_reputation"]
    if query_bool(req.query, "fetch_campaigns"):
        out["campaign_ids"] = models.campaign_ids_of(req.store, aid)
    return out


def campaign_accounts(req: Request):
    (cid,) = req.params
    campaigns.get(req.store, cid)
    return models.of_campaign(req.store, cid)


def add_accounts(req: Request):
    (cid,) = req.params
    campaigns.get(req.store, cid)
    return {"ok": True, "result": models.attach(req.store, cid, _account_ids(req))}


def remove_accounts(req: Request):
    (cid,) = req.params
    campaign = campaigns.get(req.store, cid)
    return {"ok": True, "result": models.detach(req.store, campaign, _account_ids(req))}


def warmup_stats(req: Request):
    """``GET /email-accounts/{id}/warmup-stats``: the last 7 days; totals are strings, and a
    day's row keeps its id (YYYYMMDD) as the window moves."""
    (aid,) = req.params
    week = models.warmup_week(req.store, aid, req.app.seed)
    sent = sum(f["sent_count"] for _, f in week)
    spam = sum(f["spam_count"] for _, f in week)
    return {
        "id": aid, "sent_count": str(sent), "spam_count": str(spam),
        "inbox_count": str(sent - spam),
        "warmup_email_received_count": str(sum(f["received_count"] for _, f in week)),
        "stats_by_date": [
            {"id": int(d.strftime("%Y%m%d")), "date": d.isoformat(), "sent_count": f["sent_count"],
             "reply_count": f["reply_count"], "save_from_spam_count": f["save_from_spam_count"]}
            for d, f in week],
    }


# --- saving mailboxes ------------------------------------------------------------------------
def _check_save_body(body: dict) -> None:
    for key in SAVE_REQUIRED:
        if body.get(key) in (None, ""):
            raise Invalid(f'"{key}" is required')
    for key in SAVE_TEXT:
        opt_str(body, key)
    for key in ("smtp_port", "imap_port"):
        opt_int(body, key, lo=1, hi=65535)


def save_account(req: Request):
    """``POST /email-accounts/save``: create, or update the account ``id`` names.

    Failures answer 200 ``{ok: false, errorCode}`` as SmartLead does: a ``from_email`` that
    exists (ACCOUNT_ALREADY_EXIST) or an unknown ``id`` (ACCOUNT_NOT_FOUND).
    """
    body = json_body(req, SAVE_REQUIRED + SAVE_OPTIONAL)
    _check_save_body(body)
    per_day = opt_int(body, "max_email_per_day", lo=1)
    wait = opt_int(body, "time_to_wait_in_mins", lo=0)
    client_id = opt_int(body, "client_id")
    enabled = opt_bool(body, "warmup_enabled")
    suspended = opt_bool(body, "is_suspended")
    warmup = _warmup_changes(body)
    email = body["from_email"].strip().lower()
    if not _EMAIL.match(email):
        raise Invalid(f'"from_email" must be a valid email, got {body["from_email"]!r}')
    existing = models.id_of(req.store, email)
    target = body.get("id")
    if target is not None:
        if not is_int(target):
            raise Invalid('"id" must be a number')
        if not models.exists(req.store, target):
            return {"ok": False, "message": "Email account not found",
                    "errorCode": "ACCOUNT_NOT_FOUND", "emailAccountId": target}
    if existing is not None and existing != target:
        return {"ok": False, "message": "Email account already exists",
                "errorCode": "ACCOUNT_ALREADY_EXIST", "emailAccountId": existing}
    aid, data = models.save(req.store, target, body, per_day=per_day, wait=wait,
                            client_id=client_id, enabled=enabled, suspended=suspended,
                            warmup=warmup)
    message = "Email account added successfully!" if target is None else \
        "Email account updated successfully!"
    return {"ok": True, "message": message, "emailAccountId": aid,
            "warmupKey": data["warmup_details"].get("warmup_key_id")}


def update_account(req: Request):
    """``POST /email-accounts/{id}``: only the documented keys."""
    (aid,) = req.params
    models.get(req.store, aid)
    body = json_body(req, UPDATE_KEYS)
    opt_int(body, "max_email_per_day", lo=1)
    opt_int(body, "time_to_wait_in_mins", lo=0)
    opt_int(body, "client_id")
    opt_bool(body, "is_suspended")
    for key in ("from_name", "custom_tracking_url", "bcc", "signature"):
        opt_str(body, key)
    if "from_name" in body and not (body["from_name"] or "").strip():
        raise Invalid('"from_name" is not allowed to be empty')
    models.update(req.store, aid, body)
    return {"ok": True, "message": "Email account updated successfully"}


def update_warmup(req: Request):
    """``POST /email-accounts/{id}/warmup``: ``warmup_enabled`` required, the documented
    ranges."""
    (aid,) = req.params
    models.get(req.store, aid)
    body = json_body(req, ("warmup_enabled", "warmup_key_id", *WARMUP_RANGES,
                           *models.WARMUP_FLAGS))
    if body.get("warmup_enabled") is None:
        raise Invalid('"warmup_enabled" is required')
    enabled = opt_bool(body, "warmup_enabled")
    models.set_warmup(req.store, aid, enabled, _warmup_changes(body))
    return {"ok": True, "message": "Warmup settings updated successfully"}


def reconnect_failed(req: Request):
    """Every failed login succeeds again, except a host that cannot exist."""
    models.reconnect_failed(req.store)
    return {"ok": True, "message": "Reconnect initiated"}


# --- tags ------------------------------------------------------------------------------------
def save_tag(req: Request):
    """``POST /email-accounts/tag-manager`` ``{id?, name, color}``: create or rename a tag."""
    body = json_body(req, ("id", "name", "color"))
    name = opt_str(body, "name")
    if not name or not name.strip():
        raise Invalid('"name" is required')
    color = opt_str(body, "color")
    tag = models.save_tag(req.store, opt_int(body, "id"), name.strip(), color)
    return {"ok": True, "data": tag}


def tag_mapping(req: Request):
    """``POST`` tags every account with every tag, ``DELETE`` untags them; pairs already so
    are skipped."""
    body = json_body(req, ("email_account_ids", "tag_ids"))
    accounts, tags = _ids(body, "email_account_ids"), _ids(body, "tag_ids")
    adding = req.method == "POST"
    models.map_tags(req.store, accounts, tags, add=adding)
    return {"ok": True, "message": "Tags added to email accounts" if adding
            else "Tags removed from email accounts"}


def tag_list(req: Request):
    """``POST /email-accounts/tag-list`` ``{email_ids: [addresses]}``: each address's tags."""
    body = json_body(req, ("email_ids",))
    emails = body.get("email_ids")
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise Invalid('"email_ids" must be an array of email addresses')
    return {"ok": True, "data": models.tags_of(req.store, {e.strip().lower() for e in emails})}
