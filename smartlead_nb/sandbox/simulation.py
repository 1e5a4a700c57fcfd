"""The simulated clock and the sending simulation behind ``Sandbox.advance``.

Moving the clock walks every ACTIVE campaign forward day by day in its own timezone. In
each sending window (the campaign's days and hours; Mon-Fri 09:00-17:00 UTC without a
schedule) it sends follow-ups that are due, then first steps to new leads, within the
daily caps, spreading send times evenly over the window. What happens to each email is
drawn from a random generator seeded by (seed, campaign name, lead email, step): what the
campaign *is*, never database ids or the clock, so a campaign's outcomes are the same whatever
other campaigns, leads and clock advances the sandbox holds (a notebook gets the same story on
its first run and its tenth). Which sender account sends an email is chosen the same way.

Decisions a client author may need (see also RATES):
- step 1 goes out as soon as a window allows; its ``delay_in_days`` is ignored. Step n+1
  is due ``delay_in_days`` days after step n was sent.
- daily caps: ``max_leads_per_day`` new leads (default 100), and in total the sum of the
  attached healthy accounts' ``message_per_day``. With ``follow_up_percentage`` set,
  follow-ups get at most that share of the total; otherwise follow-ups go first.
  ``min_time_btwn_emails`` caps each account to one email per that many minutes.
- a campaign with a known truth (``POST /_sandbox/truth``, truth.py) draws its bounces,
  replies, reply categories and reply delays from that truth instead of RATES, from the same
  per-email generator, so its outcomes still depend only on the campaign, its truth and the
  seed; a campaign without one is simulated exactly as before truths existed.
- a bounce STOPs the lead and puts the address on the community bounce list; an
  unsubscribe STOPs it and unsubscribes the lead globally; a reply always ends the lead's
  sequence (COMPLETED) and may set its category (under a truth, an out-of-office reply does
  not, and an unsubscribe reply also unsubscribes); with ``stop_lead_settings`` CLICK_ON_A_LINK
  or OPEN_AN_EMAIL a click or open ends it too. A lead that got every step is COMPLETED.
- opens are not simulated with DONT_EMAIL_OPEN tracking, clicks not with DONT_LINK_CLICK.
- events (opens, clicks, replies) can lie a little after the send; the API hides those
  that are later than the clock until the clock passes them.
- when an ACTIVE campaign has leads and none is left STARTED, INPROGRESS or PAUSED, the
  campaign becomes COMPLETED.
"""
from __future__ import annotations

import json
import random
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .analytics import models as analytics
from .block_list import models as block_list
from .campaigns import models as campaigns
from .email_accounts import models as email_accounts
from .leads import models as leads_model
from .sequences import models as sequences
from .timeutil import UTC, iso, parse_iso
from .truth import OUT_OF_OFFICE, UNSUBSCRIBE, Truth
from .webhooks import models as webhooks

# Per-email probabilities.
RATES = {"bounce": 0.03, "open": 0.50, "click_after_open": 0.20, "click_untracked": 0.10,
         "reply": 0.07, "unsubscribe": 0.01}
# How a reply is categorised (cumulative draw; the remainder stays uncategorised).
REPLY_CATEGORIES = [("Interested", 0.30), ("Out Of Office", 0.20), ("Not Interested", 0.15),
                    ("Meeting Request", 0.10), ("Information Request", 0.05)]
DEFAULT_NEW_LEADS_PER_DAY = 100
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.-]+)\s*\}\}")


def advance(store, seed: int, delta: timedelta) -> datetime:
    """Move the clock by ``delta`` and run the sending simulation. Call inside a transaction."""
    if delta < timedelta(0):
        raise ValueError("the sandbox clock only moves forward")
    start = store.now()
    end = start + delta
    for campaign in campaigns.active(store):
        truth = Truth.from_text(campaigns.truth(store, campaign["id"]))
        _Campaign(store, seed, campaign, truth).run(start, end)
    store.set_now(end)
    webhooks.queue_events(store, start, end)   # POSTed after this transaction commits
    return end


def render(text: str | None, lead: dict) -> str:
    """Fill ``{{placeholders}}`` from the lead (standard fields, then custom fields)."""
    if not text:
        return text or ""
    return _PLACEHOLDER.sub(lambda m: str(lead.get(m.group(1)) or ""), text)


def _opt_iso(value: datetime | None) -> str | None:
    return iso(value) if value else None


def _draw_key(seed: int, campaign_name: str, email: str, seq_number: int) -> str:
    """What one email's draws are seeded by: the campaign and lead as the user named them."""
    return f"{seed}:{campaign_name}:{email.strip().lower()}:{seq_number}"


class _Draws:
    """One email's random draws, always made in the same order (so repeatable), before
    knowing what they decide: the variant (``u[6]``) must be known to pick the true reply
    rate. A truth's extra draws (the reply delay) come from ``rng`` after these."""

    def __init__(self, key: str):
        rng = self.rng = random.Random(key)
        self.u = [rng.random() for _ in range(7)]
        self.open_delay, self.click_delay = rng.uniform(0.2, 30), rng.uniform(0.05, 6)
        self.reply_delay, self.unsub_delay = rng.uniform(0.5, 72), rng.uniform(0.2, 24)
        self.open_count, self.click_count = rng.randint(1, 3), rng.randint(1, 2)

    @property
    def variant_u(self) -> float:
        return self.u[6]


@dataclass
class _Outcome:
    """Everything that happens to one email (None: it did not happen)."""

    bounced: bool
    open_time: datetime | None = None
    open_count: int = 0
    click_time: datetime | None = None
    click_count: int = 0
    reply_time: datetime | None = None
    category: str | None = None           # the reply's category name
    unsub_time: datetime | None = None
    sequence_goes_on: bool = False        # a reply that does not end the sequence


def _outcome(draws: _Draws, tracks_opens: bool, tracks_clicks: bool, sent: datetime,
             truth: "_EmailTruth | None" = None) -> _Outcome:
    """Everything that happens to one email. Without a ``truth``, the fixed RATES."""
    u = draws.u
    bounce = RATES["bounce"] if truth is None else truth.bounce
    out = _Outcome(bounced=u[0] < bounce)
    if out.bounced:
        return out
    opened = tracks_opens and u[1] < RATES["open"]
    if opened:
        out.open_time = sent + timedelta(hours=draws.open_delay)
        out.open_count = draws.open_count
    clicked = u[2] < (RATES["click_after_open"] if tracks_opens else RATES["click_untracked"])
    if tracks_clicks and clicked and (opened or not tracks_opens):
        base = out.open_time or sent
        out.click_time = base + timedelta(hours=draws.click_delay)
        out.click_count = draws.click_count
    if truth is not None:
        _truth_reply(out, draws, sent, truth)
    elif u[3] < RATES["reply"]:
        out.reply_time = sent + timedelta(hours=draws.reply_delay)
        total = 0.0
        for name, share in REPLY_CATEGORIES:
            total += share
            if u[5] < total:
                out.category = name
                break
    if out.reply_time is None and u[4] < RATES["unsubscribe"]:
        out.unsub_time = sent + timedelta(hours=draws.unsub_delay)
    return out


class _EmailTruth:
    """What a campaign's truth says about one email: its bounce and reply probabilities."""

    def __init__(self, truth: Truth, bounce: float, reply: float):
        self.truth, self.bounce, self.reply = truth, bounce, reply


def _truth_reply(out: _Outcome, draws: _Draws, sent: datetime, email: _EmailTruth) -> None:
    """The reply under a truth: its rate, category and delay (truth.py says what each does)."""
    if draws.u[3] >= email.reply:
        return
    delay = email.truth.reply_delay(draws.rng)
    if delay is None:                       # no reply_delay_days: the default delay
        delay = timedelta(hours=draws.reply_delay)
    out.reply_time = sent + delay
    out.category = email.truth.category(draws.u[5])
    if out.category == UNSUBSCRIBE:
        out.unsub_time = out.reply_time
    out.sequence_goes_on = out.category == OUT_OF_OFFICE


class _Campaign:
    """One campaign's simulation over one clock advance; state is kept in memory and
    written back in a few batched statements at the end."""

    def __init__(self, store, seed: int, row, truth: Truth | None = None):
        self.store, self.seed, self.row, self.cid = store, seed, row, row["id"]
        self.truth = truth
        self.steps = sequences.with_variants(store, self.cid)
        self.accounts = email_accounts.sending_accounts(store, self.cid)
        track = json.loads(row["track_settings"])
        self.tracks_opens = "DONT_EMAIL_OPEN" not in track
        self.tracks_clicks = "DONT_LINK_CLICK" not in track
        self.schedule = campaigns.schedule_of(row)
        self.categories = leads_model.category_ids(store)
        self.blocked = block_list.blocked_values(store)
        self.sent_rows: list[tuple] = []
        self.changed: dict[int, dict] = {}
        self.unsubscribed: set[int] = set()
        self.bounced: set[str] = set()
        # Day 0 of a truth's bounce schedule: the date of the campaign's first email.
        self.first_sent = None
        if truth is not None and truth.needs_days:
            first = analytics.first_sent_time(store, self.cid)
            self.first_sent = parse_iso(first) if first else None

    def run(self, start: datetime, end: datetime) -> None:
        if not self.steps or not self.accounts:
            return
        leads = leads_model.sending_queue(self.store, self.cid)
        if leads:
            self._walk_days(leads, start, end)
            self._write_back()
        self._maybe_complete()

    def _walk_days(self, leads: list[dict], start: datetime, end: datetime) -> None:
        tz = ZoneInfo(self.schedule["tz"])
        first = time.fromisoformat(self.schedule["startHour"])
        last = time.fromisoformat(self.schedule["endHour"])
        not_before = start
        if self.row["schedule_start_time"]:
            not_before = max(start, parse_iso(self.row["schedule_start_time"]))
        day, final_day = start.astimezone(tz).date(), end.astimezone(tz).date()
        first_window = True
        while day <= final_day and leads:
            if (day.weekday() + 1) % 7 in self.schedule["days"]:
                w_start = datetime.combine(day, first, tz).astimezone(UTC)
                w_end = datetime.combine(day, last, tz).astimezone(UTC)
                a, b = max(w_start, not_before), min(w_end, end)
                if b > a:
                    # Sends from an earlier advance() into this same window count too.
                    already = (0, 0)
                    if first_window:
                        already = analytics.sent_in_window(
                            self.store, self.cid, self.steps[0][0]["seq_number"],
                            iso(w_start), iso(w_end))
                    first_window = False
                    self._send_window(leads, a, b, already[0], already[1])
                    leads = [x for x in leads if x["status"] in ("STARTED", "INPROGRESS")]
            day += timedelta(days=1)

    def _send_window(self, leads, a: datetime, b: datetime, sent_today: int,
                     new_today: int) -> None:
        budget = sum(per_day for _, per_day in self.accounts) - sent_today
        gap = self.row["min_time_btwn_emails"]
        if gap:
            per_account = int((b - a).total_seconds() // (gap * 60)) + 1
            budget = min(budget, per_account * len(self.accounts))
        if budget <= 0:
            return
        follow_cap = budget
        if self.row["follow_up_percentage"] is not None:
            follow_cap = budget * self.row["follow_up_percentage"] // 100
        followups = sorted((x for x in leads if x["status"] == "INPROGRESS"
                            and (x["due"] is None or x["due"] <= b)),
                           key=lambda x: (x["due"] or a, x["map_id"]))[:follow_cap]
        new_cap = min(budget - len(followups),
                      (self.row["max_leads_per_day"] or DEFAULT_NEW_LEADS_PER_DAY) - new_today)
        fresh = [x for x in leads if x["status"] == "STARTED"
                 and (x["due"] is None or x["due"] <= b)][:max(0, new_cap)]
        batch = followups + fresh
        span = b - a
        for i, lead in enumerate(batch):
            when = a + span * (i + 0.5) / len(batch)
            if lead["due"] is not None and lead["due"] > when:
                when = lead["due"]
            self._send(lead, when.replace(microsecond=0), i)

    def _send(self, lead: dict, when: datetime, index: int) -> None:
        email = lead["email"]
        if lead["is_unsubscribed"] and not lead["ignore_unsub"]:
            self._set(lead, status="STOPPED")
            return
        if not lead["ignore_block"] and (email in self.blocked
                                         or email.rsplit("@", 1)[-1] in self.blocked):
            self._set(lead, status="BLOCKED", blocked_at=iso(when))
            return
        position = lead["next_step"]
        step, variants = self.steps[min(position, len(self.steps)) - 1]
        key = _draw_key(self.seed, self.row["name"] or "", email, step["seq_number"])
        draws = _Draws(key)
        chosen = None
        variant_id, subject, body = None, step["subject"], step["email_body"]
        if variants:
            total, chosen = 0, variants[-1]
            for v in variants:
                total += v["pct"]
                if draws.variant_u * 100 < total:
                    chosen = v
                    break
            variant_id, subject, body = chosen["id"], chosen["subject"], chosen["email_body"]
        subject = render(subject, lead)
        if not subject and lead.get("last_subject"):
            subject = "Re: " + lead["last_subject"].removeprefix("Re: ")
        lead["last_subject"] = subject
        # Rotate senders by a stable hash of the address, not by database ids.
        spread = zlib.crc32(email.strip().lower().encode("utf-8"))
        account_id = self.accounts[(spread + position) % len(self.accounts)][0]
        email_truth = None
        if self.truth is not None:
            label = chosen["variant_label"] if chosen is not None else None
            email_truth = _EmailTruth(
                self.truth, self.truth.bounce_rate(account_id, self._day(when), RATES["bounce"]),
                self.truth.reply_rate(step["seq_number"], label, RATES["reply"]))
        result = _outcome(draws, self.tracks_opens, self.tracks_clicks, when, email_truth)
        category = self.categories.get(result.category) if result.category else None
        self.sent_rows.append((
            self.cid, lead["id"], lead["map_id"], step["id"], step["seq_number"], variant_id,
            account_id, subject, render(body, lead), iso(when), _opt_iso(result.open_time),
            result.open_count, _opt_iso(result.click_time), result.click_count,
            _opt_iso(result.reply_time), category, int(result.bounced),
            _opt_iso(result.unsub_time)))

        stop_rule = self.row["stop_lead_settings"]
        changes = {"last_sent_at": iso(when), "next_step": position + 1, "next_due": None}
        if category is not None:
            changes["category_id"] = category
        if result.bounced:
            changes["status"] = "STOPPED"
            self.bounced.add(email)
        elif result.unsub_time:
            changes["status"] = "STOPPED"
            self.unsubscribed.add(lead["id"])
        elif result.reply_time and not result.sequence_goes_on:
            changes["status"] = "COMPLETED"
        elif (stop_rule == "CLICK_ON_A_LINK" and result.click_time) or \
                (stop_rule == "OPEN_AN_EMAIL" and result.open_time):
            changes["status"] = "COMPLETED"
        elif position >= len(self.steps):
            changes["status"] = "COMPLETED"
        else:
            changes["status"] = "INPROGRESS"
            delay = self.steps[position][0]["delay_in_days"]
            lead["due"] = when + timedelta(days=delay)
            changes["next_due"] = iso(lead["due"])
        self._set(lead, **changes)

    def _day(self, when: datetime) -> int:
        """Which day of the campaign's sending ``when`` is (0: the first email's date, in the
        campaign's timezone); only a truth's bounce schedule asks."""
        if self.truth is None or not self.truth.needs_days:
            return 0
        if self.first_sent is None:
            self.first_sent = when
        tz = ZoneInfo(self.schedule["tz"])
        return (when.astimezone(tz).date() - self.first_sent.astimezone(tz).date()).days

    def _set(self, lead: dict, **changes) -> None:
        """Change a lead's in-memory state and remember the change for _write_back."""
        lead.update(changes)
        self.changed.setdefault(lead["map_id"], {}).update(changes)

    def _write_back(self) -> None:
        analytics.record_sends(self.store, self.sent_rows)
        leads_model.record_sending(self.store, self.changed, self.unsubscribed)
        block_list.add_bounces(self.store, self.bounced)

    def _maybe_complete(self) -> None:
        if leads_model.all_finished(self.store, self.cid):
            campaigns.mark_completed(self.store, self.cid)
