"""A campaign's known truth: the probabilities the sending simulation draws from.

``POST /_sandbox/truth`` (``client.sandbox.set_truth``) stores one per campaign, so that a
teaching notebook or a test can check that a method recovers it. Without a truth a campaign
is simulated with the fixed ``simulation.RATES`` as always; with one:

- ``reply_rates``: the probability that a reached (not bounced) lead replies to an email, by
  variant label (``"A"``: that label in every step that has it) or step number (``1`` or
  ``"1"``: every email of that step); a label wins over its step's number. Emails matched by
  neither keep ``RATES["reply"]``.
- ``positive_share``: the share of replies categorised Interested or Meeting Request (split
  as in ``POSITIVE_SPLIT``); the other replies are spread over ``OTHER_REPLIES``, among them
  out-of-office and unsubscribe ("Do Not Contact") replies. Default ``DEFAULT_POSITIVE_SHARE``.
- ``bounce_rates``: by sender account id, a probability or a schedule
  ``{"rate": 0.02, "from_day": 5, "then": 0.2}``: ``rate`` before day ``from_day`` of the
  campaign's sending, ``then`` from that day on. Day 0 is the (campaign-timezone) date of the
  campaign's first email, so ``from_day: 5`` starts five calendar days later. With
  ``"over_days": 21`` the change is a slow drift instead of a step: the rate moves in a
  straight line from ``rate`` on day ``from_day`` to ``then`` on day ``from_day + 21``.
  Accounts not named keep ``RATES["bounce"]``.
- ``reply_delay_days``: the mean of the reply delay, a gamma distribution of shape
  ``DELAY_SHAPE`` (few replies within minutes, a long tail) cut at ``DELAY_CAP`` times the
  mean. Without it the delay stays uniform over 0.5-72 hours.

What a reply does with a truth set (SmartLead's docs say nothing about the default
out-of-office handling, so this is the sandbox's choice): an out-of-office reply is an
auto-reply, recognised by SmartLead's out-of-office detection, so it is recorded with its
category but does not end the sequence; an unsubscribe reply is categorised "Do Not Contact",
unsubscribes the lead everywhere and stops it; any other reply ends the sequence as always.

>>> truth = Truth.parse({"reply_rates": {"A": 0.05, "B": 0.15, 2: 0.1},
...                      "bounce_rates": {"3001": {"rate": 0.02, "from_day": 5, "then": 0.2}}})
>>> truth.reply_rate(1, "B", default=0.07), truth.reply_rate(2, None, default=0.07)
(0.15, 0.1)
>>> truth.bounce_rate(3001, day=4, default=0.03), truth.bounce_rate(3001, day=5, default=0.03)
(0.02, 0.2)
>>> drifting = BounceRate(0.02, from_day=0, then=0.08, over_days=20)
>>> [round(drifting.at(day), 3) for day in (0, 5, 10, 20, 30)]
[0.02, 0.035, 0.05, 0.08, 0.08]
>>> truth.to_json()["reply_rates"]
{'A': 0.05, 'B': 0.15, '2': 0.1}
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Mapping

FIELDS = ("reply_rates", "positive_share", "bounce_rates", "reply_delay_days")
DEFAULT_POSITIVE_SHARE = 0.40       # the default simulation's Interested + Meeting Request
POSITIVE_SPLIT = (("Interested", 0.75), ("Meeting Request", 0.25))
# How the replies that are not positive are categorised (shares of those replies).
OTHER_REPLIES = (("Not Interested", 0.30), ("Out Of Office", 0.30),
                 ("Information Request", 0.15), ("Do Not Contact", 0.15),
                 ("Wrong Person", 0.10))
OUT_OF_OFFICE = "Out Of Office"     # recorded, but the sequence goes on
UNSUBSCRIBE = "Do Not Contact"      # the lead is unsubscribed and stopped
DELAY_SHAPE = 2.0
DELAY_CAP = 6.0                     # times the mean: cuts off about 0.01% of replies
MAX_DELAY_DAYS = 60.0


class TruthError(ValueError):
    """A truth that cannot be used; the message names the field and the value."""


@dataclass(frozen=True)
class BounceRate:
    """One sender's true bounce probability, possibly changing from a day of the campaign on.

    >>> BounceRate(0.02, from_day=5, then=0.2).at(day=6)
    0.2
    """
    rate: float
    from_day: int | None = None
    then: float | None = None
    over_days: int | None = None       # a straight-line drift over these days, not a step

    def at(self, day: int) -> float:
        # _bounce_rate gives from_day and then together; testing both narrows their types.
        if self.from_day is None or self.then is None or day < self.from_day:
            return self.rate
        if self.over_days and day < self.from_day + self.over_days:
            return self.rate + (self.then - self.rate) * (day - self.from_day) / self.over_days
        return self.then

    def to_json(self) -> float | dict:
        if self.from_day is None:
            return self.rate
        out = {"rate": self.rate, "from_day": self.from_day, "then": self.then}
        return out if self.over_days is None else {**out, "over_days": self.over_days}


@dataclass(frozen=True)
class Truth:
    """A validated truth (see the module docstring). Build it with :meth:`parse`."""
    reply_rates: dict[str, float] = field(default_factory=dict)   # label or "step number"
    positive_share: float | None = None
    bounce_rates: dict[int, BounceRate] = field(default_factory=dict)
    reply_delay_days: float | None = None

    # -- reading and writing ------------------------------------------------------------
    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> "Truth":
        """Check the shape and ranges of a truth (``None`` fields are not set).

        >>> Truth.parse({"positive_share": 1.5})
        Traceback (most recent call last):
        ...
        smartlead_nb.sandbox.truth.TruthError: positive_share must be a probability between 0 and 1; got 1.5
        """
        if not isinstance(body, Mapping):
            raise TruthError(f"a truth must be an object with {', '.join(FIELDS)}; got {body!r}")
        unknown = [k for k in body if k not in FIELDS]
        if unknown:
            raise TruthError(f"{unknown[0]!r} is not part of a truth; use {', '.join(FIELDS)}")
        return cls(reply_rates=_reply_rates(body.get("reply_rates")),
                   positive_share=_optional(body.get("positive_share"), "positive_share"),
                   bounce_rates=_bounce_rates(body.get("bounce_rates")),
                   reply_delay_days=_delay(body.get("reply_delay_days")))

    @classmethod
    def from_text(cls, text: str | None) -> "Truth | None":
        """The truth stored as JSON text by ``campaigns.models.set_truth`` (None: no truth)."""
        return cls.parse(json.loads(text)) if text else None

    def to_json(self) -> dict:
        """JSON-ready, with only the fields that are set; ``parse`` reads it back."""
        out: dict[str, Any] = {}
        if self.reply_rates:
            out["reply_rates"] = dict(self.reply_rates)
        if self.positive_share is not None:
            out["positive_share"] = self.positive_share
        if self.bounce_rates:
            out["bounce_rates"] = {str(a): b.to_json() for a, b in self.bounce_rates.items()}
        if self.reply_delay_days is not None:
            out["reply_delay_days"] = self.reply_delay_days
        return out

    @property
    def is_empty(self) -> bool:
        return not self.to_json()

    def check_campaign(self, steps: Mapping[int, list[str]], account_ids: set[int]) -> None:
        """Refuse labels, steps and accounts the campaign does not have.

        ``steps`` maps each step number to its variant labels (empty without variants).

        >>> Truth.parse({"reply_rates": {"C": 0.1}}).check_campaign({1: ["A", "B"], 2: []}, {3001})
        Traceback (most recent call last):
        ...
        smartlead_nb.sandbox.truth.TruthError: reply_rates: the campaign has no variant or step 'C'; it has step 1 (variants A, B), step 2
        """
        labels = {label for step_labels in steps.values() for label in step_labels}
        for key in self.reply_rates:
            if key not in labels and not (key.isdigit() and int(key) in steps):
                have = ", ".join(f"step {n}" + (f" (variants {', '.join(v)})" if v else "")
                                 for n, v in sorted(steps.items())) or "no steps yet"
                raise TruthError(f"reply_rates: the campaign has no variant or step {key!r}; "
                                 f"it has {have}")
        for account in self.bounce_rates:
            if account not in account_ids:
                have = ", ".join(map(str, sorted(account_ids))) or "none"
                raise TruthError(f"bounce_rates: sender account {account} is not attached to "
                                 f"the campaign; its accounts are {have}")

    # -- what the simulation asks ----------------------------------------------------------
    def reply_rate(self, step: int, label: str | None, default: float) -> float:
        """The true reply probability of one email of ``step`` (variant ``label``)."""
        if label is not None and label in self.reply_rates:
            return self.reply_rates[label]
        return self.reply_rates.get(str(step), default)

    def bounce_rate(self, account_id: int, day: int, default: float) -> float:
        """The true bounce probability of an email sent by ``account_id`` on ``day``."""
        schedule = self.bounce_rates.get(account_id)
        return default if schedule is None else schedule.at(day)

    @property
    def needs_days(self) -> bool:
        """Whether any bounce rate changes over the campaign (the simulation then counts days)."""
        return any(b.from_day is not None for b in self.bounce_rates.values())

    def category(self, u: float) -> str:
        """A reply's category from a uniform draw ``u`` in [0, 1).

        >>> Truth(positive_share=0.5).category(0.1), Truth(positive_share=0.5).category(0.99)
        ('Interested', 'Wrong Person')
        """
        positive = DEFAULT_POSITIVE_SHARE if self.positive_share is None else self.positive_share
        if u < positive:
            return _pick(POSITIVE_SPLIT, u / positive)
        return _pick(OTHER_REPLIES, (u - positive) / (1 - positive))

    def reply_delay(self, rng) -> timedelta | None:
        """A reply's delay drawn from ``rng`` (a ``random.Random``), or None for the default."""
        if self.reply_delay_days is None:
            return None
        mean = self.reply_delay_days
        days = min(rng.gammavariate(DELAY_SHAPE, mean / DELAY_SHAPE), DELAY_CAP * mean)
        return timedelta(days=days)


def _pick(shares, u: float) -> str:
    """The name whose cumulative share first exceeds ``u`` (the last one for rounding)."""
    total = 0.0
    for name, share in shares:
        total += share
        if u < total:
            return name
    return shares[-1][0]


def _probability(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0 <= value <= 1:
        raise TruthError(f"{what} must be a probability between 0 and 1; got {value!r}")
    return float(value)


def _optional(value: Any, what: str) -> float | None:
    return None if value is None else _probability(value, what)


def _reply_rates(value: Any) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TruthError('reply_rates must map variant labels ("A", "B") or step numbers to '
                         f"probabilities; got {value!r}")
    out = {}
    for key, rate in value.items():
        if isinstance(key, bool) or not isinstance(key, (str, int)) or str(key).strip() == "":
            raise TruthError(f"reply_rates: {key!r} is neither a variant label nor a step "
                             "number")
        name = str(int(key)) if isinstance(key, int) or key.strip().isdigit() else key.strip()
        out[name] = _probability(rate, f"reply_rates[{key!r}]")
    return out


def _account_id(key: Any) -> int:
    if isinstance(key, bool) or not (isinstance(key, int) or
                                     (isinstance(key, str) and key.strip().isdigit())):
        raise TruthError(f"bounce_rates: {key!r} is not a sender account id")
    return int(key)


def _bounce_rates(value: Any) -> dict[int, BounceRate]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TruthError("bounce_rates must map sender account ids to a probability or to "
                         f'{{"rate", "from_day", "then"}}; got {value!r}')
    return {_account_id(key): _bounce_rate(rate, f"bounce_rates[{key!r}]")
            for key, rate in value.items()}


def _bounce_rate(value: Any, what: str) -> BounceRate:
    if not isinstance(value, Mapping):
        return BounceRate(_probability(value, what))
    unknown = [k for k in value if k not in ("rate", "from_day", "then", "over_days")]
    if unknown or "rate" not in value or (("from_day" in value) != ("then" in value)) \
            or ("over_days" in value and "from_day" not in value):
        raise TruthError(f'{what} must be a probability or {{"rate": 0.02, "from_day": 5, '
                         f'"then": 0.2}} (from_day and then together, over_days only with '
                         f'them); got {dict(value)!r}')
    rate = _probability(value["rate"], f"{what}['rate']")
    if "from_day" not in value:
        return BounceRate(rate)
    day = value["from_day"]
    if isinstance(day, bool) or not isinstance(day, int) or day < 0:
        raise TruthError(f"{what}['from_day'] must be a whole number of days >= 0 (0 is the "
                         f"day of the campaign's first email); got {day!r}")
    over = value.get("over_days")
    if over is not None and (isinstance(over, bool) or not isinstance(over, int) or over < 1):
        raise TruthError(f"{what}['over_days'] must be a whole number of days >= 1; got {over!r}")
    return BounceRate(rate, day, _probability(value["then"], f"{what}['then']"), over)


def _delay(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) \
            or not 0 < value <= MAX_DELAY_DAYS:
        raise TruthError(f"reply_delay_days must be a number of days above 0 and at most "
                         f"{MAX_DELAY_DAYS:g}; got {value!r}")
    return float(value)
