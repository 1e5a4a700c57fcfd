"""A launch's memory and what a re-run would do now: the state file, the campaign it names,
and SmartLead's answer about that campaign.

:meth:`CampaignPlan.launch` records, in a small JSON file, the campaign it created and, for
each part of the plan it saved (sequence, senders, leads, schedule, settings), a digest of
exactly what it sent. A re-run asks SmartLead for that campaign first and compares:

* the campaign is gone (deleted, or another campaign now holds the id): start over, saying so;
* it is still a draft: send what is not saved yet and save again every part the plan has
  changed since (a corrected subject, more rows, another schedule);
* it is no longer a draft (SmartLead says ACTIVE, PAUSED, STOPPED, COMPLETED, ...): change
  nothing. If the plan differs from what was saved, :class:`~smartlead_nb.CampaignNotDrafted`
  names the difference; adding leads to it is a separate, confirmed call.

:func:`preview` gives the same decision without acting on it, for a check or a form.

>>> book = LaunchState(None)                  # a launch that keeps no state
>>> for part in PARTS:                        # an earlier run saved every part ...
...     book.mark(part, sent="old")
>>> now = dict.fromkeys(PARTS, "old") | {"sequences": "corrected wording"}
>>> pending(book, now, start=False)           # ... and the plan's wording changed since
(['sequences'], ['sequences'])
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from ._ratelimit import cache_dir
from .errors import InputError, NotFoundError
from .resources.confirm import DRAFT, campaign_status

if TYPE_CHECKING:  # annotations only
    from .client import SmartleadClient

#: SmartLead's order: the campaign, then each part of it, then (only when asked) starting it.
STEPS = ("create", "sequences", "email_accounts", "leads", "schedule", "settings", "start")
#: The steps that save a part of the plan, each recorded with a digest of what it sent.
PARTS = STEPS[1:-1]
#: Each part in words, for messages that name a difference.
PART_WORDS = {"sequences": "the sequence (subjects, bodies, delays)",
              "email_accounts": "the sender accounts", "leads": "the leads",
              "schedule": "the schedule", "settings": "the settings"}


def digest(value: Any) -> str:
    """A short fingerprint of what a step sends (JSON, keys sorted).

    >>> digest({"b": 1, "a": [2]}) == digest({"a": [2], "b": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class LaunchState:
    """The JSON file holding a launch's progress: the campaign id, its name, the finished
    steps, and per saved part the digest of what was sent. ``LaunchState(None)`` keeps nothing.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        if path is not None and path.exists():
            # Unreadable is refused, not taken for "nothing done": starting over silently
            # would create a second campaign next to the one this file names.
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise self._unreadable(f"{type(exc).__name__}: {exc}") from None
            if (not isinstance(self.data, dict) or not isinstance(self.data.get("done", []), list)
                    or not isinstance(self.data.get("saved", {}), dict)):
                raise self._unreadable("it does not hold a launch state")
        self.data.setdefault("done", [])
        self.data.setdefault("saved", {})

    def _unreadable(self, why: str) -> InputError:
        return InputError(
            f"the launch state file {self.path} cannot be read ({why}). It records which "
            f"campaign this launch created: check SmartLead for that campaign, then delete the "
            f"file to start over (or pass state=False)")

    @property
    def done(self) -> list[str]:
        return self.data["done"]

    @property
    def saved(self) -> dict[str, str]:
        """Per finished part, the digest of what was sent (absent: an older state file)."""
        return self.data["saved"]

    def set(self, **values: Any) -> None:
        self.data.update(values)
        self._save()

    def mark(self, step: str, sent: str | None = None) -> None:
        """Record ``step`` as done, with the digest of what it sent (a part of the plan)."""
        if step not in self.done:
            self.done.append(step)
        if sent is not None:
            self.saved[step] = sent
        self._save()

    def reset(self) -> None:
        self.data = {"done": [], "saved": {}}
        self._save()

    def done_frame(self, now: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
        """One row per finished step; ``now`` says which of them this run sent."""
        steps = ["create"] + list(self.done)
        return pd.DataFrame({"step": steps, "now": [s in now for s in steps]})

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data))
        os.replace(tmp, self.path)  # atomic: a kill never leaves half a file


def state_path(client: SmartleadClient, name: str, state: Any) -> Path | None:
    """Where a launch of the campaign ``name`` keeps its state (``state``: ``True`` for the
    cache directory, a path, or ``False``/``None`` for nowhere)."""
    if state in (False, None):
        return None
    if state is not True:
        return Path(state)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "campaign"
    return cache_dir() / "plans" / f"{client.fingerprint}-{slug}.json"


def pending(book: LaunchState, sent_now: Mapping[str, str], *, start: bool
            ) -> tuple[list[str], list[str]]:
    """``(todo, changed)``: the steps a launch would send now, and the parts among them that
    were saved before but differ from what the plan would send now (``sent_now``: part ->
    digest). A part saved by an older version, with no digest, counts as changed."""
    todo, changed = [], []
    for part in PARTS:
        if part not in book.done:
            todo.append(part)
        elif book.saved.get(part) != sent_now.get(part):
            todo.append(part)
            changed.append(part)
    if start and "start" not in book.done:
        todo.append("start")
    return todo, changed


def find_campaign(client: SmartleadClient, book: LaunchState, name: str
                  ) -> tuple[Mapping[str, Any] | None, str | None]:
    """The campaign the state names, as SmartLead describes it now, or ``(None, why)`` when
    it is gone: deleted, or the id now belongs to a campaign of another name (a sandbox
    reset, a state file copied from elsewhere). ``(None, None)``: the state names none."""
    cid = book.data.get("campaign_id")
    if cid is None:
        return None, None
    try:
        campaign = client.campaigns.get(cid)
    except NotFoundError:
        return None, (f"the launch state {book.path} names campaign {cid}, which SmartLead no "
                      f"longer has (deleted): a new campaign is created")
    expected = book.data.get("name", name)
    if campaign.get("name") != expected:
        return None, (f"the launch state {book.path} names campaign {cid}, but that campaign "
                      f"is now called {campaign.get('name')!r}, not {expected!r}: it is not "
                      f"the campaign this plan created, so the launch starts over")
    return campaign, None


def create_once(client: SmartleadClient, book: LaunchState, name: str,
                client_id: int | None) -> Mapping[str, Any]:
    """Create the campaign, unless an earlier run already did (even if its answer was lost);
    SmartLead's record of the campaign (``id``, ``name``, ``status`` when it said)."""
    same_name = [c for c in client.campaigns.list(client_id=client_id) if c.get("name") == name]
    if book.data.get("creating"):
        # The create was sent but its answer never recorded: adopt the campaign it made,
        # the one with this name that did not exist before it was sent.
        before = set(book.data.get("existing_ids", []))
        new = sorted((c for c in same_name if int(c["id"]) not in before), key=lambda c: int(c["id"]))
        if new:
            book.set(campaign_id=int(new[-1]["id"]), name=name, creating=False)
            return new[-1]
    book.set(creating=True, existing_ids=[int(c["id"]) for c in same_name])
    created = client.campaigns.create(name, client_id=client_id)   # as SmartLead reads it back
    book.set(campaign_id=created.id, name=created.name or name, creating=False)
    return created


@dataclass
class LaunchPreview:
    """What :meth:`CampaignPlan.launch` would do now (nothing is sent to know it).

    ``campaign_id`` is the campaign it would resume (``None``: it creates one) and ``status``
    SmartLead's answer about it, read just now. ``todo`` lists the steps it would send;
    ``changed`` the parts saved on an earlier run that the plan has changed since (re-saved
    while the campaign is a draft). ``note`` says why an earlier campaign is not resumed.
    """

    campaign_id: int | None
    name: str
    status: str | None
    todo: list[str]
    changed: list[str] = field(default_factory=list)
    note: str | None = None

    @property
    def draft(self) -> bool:
        """True when launch may change the campaign: a new one, or one still DRAFTED."""
        return self.campaign_id is None or self.status == DRAFT

    @property
    def differs(self) -> list[str]:
        """The parts of the plan the campaign does not hold yet (not saved, or changed)."""
        return [p for p in self.todo if p in PARTS]

    def refusal(self) -> str | None:
        """Why launch would change nothing and refuse, in words; ``None`` when it would not."""
        if self.draft or not self.differs:
            return None
        return not_draft_message(self.campaign_id, self.name, self.status, self.differs)

    def describe(self) -> str:
        """What launch would do to the campaign it resumes, in words (for a summary)."""
        cid, status = self.campaign_id, self.status or "in a state SmartLead did not say"
        saved = ", ".join(PART_WORDS[p] for p in self.differs)
        if not self.draft:
            return (f'nothing: SmartLead says campaign {cid} "{self.name}" is {status}, not '
                    f"{DRAFT}, so it is not changed" + (f" (it differs from the plan in {saved})"
                                                        if saved else " (the plan has not changed since it was saved to it)"))
        return (f'campaign {cid} "{self.name}" again, which SmartLead says is {status}: nothing '
                f"is sent until you start it; " + (f"to save: {saved}" if saved
                                                   else "nothing to save: the plan has not changed since it was saved"))

    def problems(self) -> list[tuple[str, str, str, str]]:
        """``(severity, area, item, problem)`` rows for a check: a refusal is an error."""
        if self.refusal():
            return [("error", "campaign", f"campaign {self.campaign_id}", self.refusal())]
        if not self.draft:
            return [("warning", "campaign", f"campaign {self.campaign_id}",
                     f"SmartLead says it is {self.status}, not {DRAFT}: launch changes nothing "
                     f"(the plan has not changed since it was saved to it)")]
        if self.note:
            return [("warning", "campaign", "", self.note)]
        return []


def not_draft_message(campaign_id: int, name: str, status: str | None,
                      differs: list[str]) -> str:
    """The refusal of a launch whose campaign is no longer a draft and holds another plan."""
    parts = ", ".join(PART_WORDS[p] for p in differs)
    text = (f'campaign {campaign_id} "{name}" is {status or "in a state SmartLead did not say"} '
            f"in SmartLead, not {DRAFT}: launch changed nothing. The plan differs from what was "
            f"saved in it: {parts}.")
    if [p for p in differs if p != "leads"]:
        text += (" A campaign that has been started keeps its sequence, senders, schedule and "
                 "settings unless you change them in SmartLead itself.")
    if "leads" in differs:
        text += (" To add the plan's new leads to it (SmartLead will email them), call "
                 "plan.add_leads(client, confirm=True).")
    return text


def preview(client: SmartleadClient, book: LaunchState, name: str,
            sent_now: Mapping[str, str], *, start: bool = False) -> LaunchPreview:
    """The decision :meth:`CampaignPlan.launch` takes, from the state and SmartLead, taken
    without acting on it (the state file is not changed)."""
    campaign, note = find_campaign(client, book, name)
    if campaign is None:
        return LaunchPreview(None, name, None, list(PARTS) + (["start"] if start else []),
                             note=note)
    todo, changed = pending(book, sent_now, start=start)
    return LaunchPreview(int(campaign["id"]), book.data.get("name", name),
                         campaign_status(campaign) or None, todo, changed)


@dataclass
class Readiness:
    """What SmartLead says a campaign holds, and what it still lacks before it can start."""

    campaign_id: int
    status: str | None
    leads: int
    senders: int
    steps: int

    @property
    def missing(self) -> list[str]:
        """What SmartLead would refuse a start for, in words (empty: it can start)."""
        return [what for what, n in (("no leads", self.leads), ("no sender accounts", self.senders),
                                     ("no sequence steps", self.steps)) if not n]


def readiness(client: SmartleadClient, campaign_id: int) -> Readiness:
    """Ask SmartLead (two requests) whether ``campaign_id`` holds leads, senders and a
    sequence, the three things it needs before it starts."""
    facts = client.statistics.totals(campaign_id)
    senders = client.campaigns.email_accounts.list(campaign_id)
    return Readiness(int(campaign_id), campaign_status(facts) or None,
                     _count(facts.get("total_count")), len(senders),
                     _count(facts.get("sequence_count")))


def refuse_unready(client: SmartleadClient, campaign_id: int) -> None:
    """Refuse (``InputError``) to start a campaign SmartLead would refuse to start."""
    facts = readiness(client, campaign_id)
    if facts.missing:
        raise InputError(f"campaign {campaign_id} was not started: SmartLead says it has "
                         f"{' and '.join(facts.missing)}; it stays {facts.status or DRAFT}")


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
