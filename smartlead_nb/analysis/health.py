"""Which sender mailbox (or sending domain) is out of line: each one's bounce and reply
counts against the rest of the pool, period by period, and each one's bounce rate over the
periods for a slow drift, with a stated false-alarm rate for the whole chart.

>>> import pandas as pd
>>> pool = pd.DataFrame({"sender": ["a@x.io", "b@y.io", "c@z.io"], "period": ["2025-01-06"] * 3,
...                      "sent": [400, 400, 400], "bounced": [8, 6, 40], "replied": [20, 22, 19]})
>>> health = mailbox_health(pool)
>>> health["bounce_rate"].tolist(), health["flag"].tolist()
([0.02, 0.015, 0.1], ['', '', 'bounce above limit'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _frames as F
from ._deps import library
from .control import control_chart, limit

WHO = "mailbox_health"
FALSE_ALARM = 0.05      # the chance that a chart of alike mailboxes raises any flag at all
PERIODS = {"day": "D", "week": "W-SUN", "month": "M", None: None}   # W-SUN: weeks from Monday
ONE_PERIOD = "all"
# Column spellings of a per-sender frame: ours first, then the mailbox-statistics endpoint's.
COUNT_NAMES = {"sent": ("sent", "sent_count"), "bounced": ("bounced", "bounce_count"),
               "replied": ("replied", "reply_count")}
# Times that say which period a per-sender row counts. Not ``sent_time``: in the
# mailbox-statistics frame it is the mailbox's latest send, not the period its counts cover.
TIME_NAMES = ("time", "date")
MEASURES = ["period", "sent", "bounced", "replied", "bounce_rate", "bounce_pool",
            "bounce_limit", "bounce_p", "reply_rate", "reply_pool", "reply_limit", "reply_p",
            "drift_cusum", "drift_p", "flag"]
COLUMNS = ["sender", "domain"] + MEASURES
DOMAIN_COLUMNS = ["domain"] + MEASURES


def mailbox_health(frame: pd.DataFrame, *, by: str | None = "week", by_domain: bool = False,
                   false_alarm: float = FALSE_ALARM) -> pd.DataFrame:
    """Sender x period bounce and reply rates against the sender's pool, with limits, a
    slow-drift detector, and a ``flag`` naming what is out of line.

    Method (:mod:`smartlead_nb.analysis.control` and :mod:`~smartlead_nb.analysis.drift`):

    - each sender, each period, against its pool: the other domains' mailboxes that period
      (the other mailboxes of its own domain when it is the only domain sending), so that
      two broken mailboxes of one domain do not hide each other;
    - Fisher's exact one-sided test of its bounces (too many) and replies (too few) against
      the pool, which allows for the pool's own noise; ``bounce_limit`` / ``reply_limit``
      are the rates at which the test flags, given its sends and its pool;
    - a CUSUM of its odds of bouncing against its pool over the periods (``drift_cusum``),
      tuned to a doubling, with the probability ``drift_p`` of a run that high with no drift;
    - the chart's false-alarm budget: with every mailbox alike, the chance that the chart
      raises **any** flag is at most ``false_alarm`` (Bonferroni: half shared by every
      cell's two tests, half by the drift tests of the senders compared in two periods or
      more; all of it by the cell tests when there is one period; the levels are in
      ``frame.attrs``). In simulation, 20 mailboxes x 12 weeks at 50-200 sends a week
      raise a flag in about 3 % of charts;
    - flagged cells leave the pools and the chart is computed again until nothing changes.

    The rate is per chart, that is per call: looking again next week is another chart with
    its own 5 %.

    Args:
        frame: either a per-email statistics frame that has a sender column (``sender``,
            ``from_email`` or ``email_account_id``) besides ``sent_time``, ``is_bounced``
            and ``reply_time`` (SmartLead's ``/statistics`` rows have none), or a per-sender
            frame with ``sender`` (or ``from_email`` / ``email_account_id``) and counts
            ``sent``, ``bounced``, ``replied`` (or the mailbox-statistics spellings
            ``sent_count``, ``bounce_count``, ``reply_count``). A per-sender frame's periods
            come from its ``period`` column, or from a ``date`` / ``time`` column grouped
            ``by``; without either it is one period (the mailbox-statistics frame counts
            the whole date range asked for: its ``sent_time`` is the latest send, so a
            mailbox detached early is still compared over the range it sent in). For
            weeks, ask it once a week (as ``notebooks/07_sender_health.ipynb`` does).
        by: ``"day"``, ``"week"`` (from Monday), ``"month"`` or ``None`` (one period),
            used when periods come from times; a ``period`` column is taken as given.
        by_domain: one row per sending domain (the part of the address after ``@``) and
            period, each domain against the others.
        false_alarm: the chart's budget, between 0 and 1.

    A sender with no pool in a period (alone, or nobody else sent) has no limits there and
    is not flagged. Replies of the latest period are still arriving; that lowers every
    sender's rate alike, so the comparison with the pool stays fair.

    >>> emails = pd.DataFrame({"from_email": ["a@x.io"] * 50 + ["b@y.io"] * 50,
    ...     "sent_time": pd.Timestamp("2025-01-07", tz="UTC"),
    ...     "is_bounced": [False] * 50 + [True] * 10 + [False] * 40, "reply_time": pd.NaT})
    >>> mailbox_health(emails)[["sender", "period", "sent", "bounced", "flag"]]
       sender     period  sent  bounced                flag
    0  a@x.io 2025-01-06    50        0
    1  b@y.io 2025-01-06    50       10  bounce above limit
    """
    frame = F.require_frame(frame, "the mailbox or statistics frame", WHO)
    if by not in PERIODS:
        raise InputError(f"{WHO}: by must be 'day', 'week', 'month' or None; got {by!r}")
    if not isinstance(by_domain, bool):
        raise InputError(f"{WHO}: by_domain must be True or False; got {by_domain!r}")
    if isinstance(false_alarm, bool) or not isinstance(false_alarm, (int, float)) \
            or not 0 < false_alarm < 1:
        raise InputError(f"{WHO}: false_alarm must be a probability between 0 and 1 "
                         f"(e.g. 0.05); got {false_alarm!r}")
    counts = _per_sender(frame, by)
    counts["domain"] = _domains(counts["sender"], by_domain)
    key = "domain" if by_domain else "sender"
    if by_domain:
        counts = counts.groupby(["domain", "period"], sort=True, dropna=False)[
            list(COUNT_NAMES)].sum().reset_index()
    if counts["sent"].sum() == 0:
        raise InputError(f"{WHO}: no sends to analyse (every sent count is 0); wait until the "
                         "campaign has sent")
    return _chart_frame(counts, key, float(false_alarm))


def _sender_column(frame: pd.DataFrame) -> str:
    for name in F.SENDER_COLUMNS:
        if name in frame.columns:
            return name
    raise InputError(
        f"{WHO} needs a sender column ({', '.join(F.SENDER_COLUMNS)}); this frame has: "
        f"{', '.join(map(str, frame.columns)) or 'no columns'}. The per-email statistics rows "
        "(GET /campaigns/{id}/statistics) name no sender: pass the mailbox-statistics frame, "
        "or a frame with columns sender, period, sent, bounced, replied")


def _counts_column(frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() | (values < 0) | (values % 1 != 0)
    if bad.any():
        row = frame.index[bad][0]
        value = frame.loc[row, column]
        value = value.item() if isinstance(value, np.generic) else value   # -1, not np.int64(-1)
        raise InputError(f"{WHO}: column {column!r} must hold whole counts >= 0; row {row} "
                         f"has {value!r}")
    return values.astype(np.int64)


def _periods(times: pd.Series, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series(ONE_PERIOD, index=times.index)
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.to_period(PERIODS[by]).dt.start_time


def _per_sender(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    sender = _sender_column(frame)
    is_aggregate = any(name in frame.columns for name in COUNT_NAMES["sent"])
    if not is_aggregate:
        F.require_columns(frame, [F.SENT, "is_bounced", "reply_time"], WHO)
        sent = F.sends(frame, WHO, ["reply_time"])
        rows = frame[sent]
        flags = pd.DataFrame({
            "sent": 1, "bounced": F.as_flags(rows, "is_bounced").astype(np.int64),
            "replied": rows["reply_time"].notna().to_numpy(dtype=np.int64)}, index=rows.index)
        keys = [rows[sender].rename("sender"), _periods(F.as_times(rows, F.SENT, WHO), by).rename("period")]
        return flags.groupby(keys, sort=True, dropna=False).sum().reset_index()
    if frame.empty:
        raise InputError(f"{WHO}: no sends to analyse (it has no rows); wait until the "
                         "campaign has sent")
    names = {}
    for ours, spellings in COUNT_NAMES.items():
        found = next((c for c in spellings if c in frame.columns), None)
        if found is None:
            raise InputError(f"{WHO} needs a {ours!r} count column ({' or '.join(spellings)}) "
                             f"in the per-sender frame; it has: {', '.join(map(str, frame.columns))}")
        names[ours] = found
    counts = pd.DataFrame({ours: _counts_column(frame, col) for ours, col in names.items()})
    counts["sender"] = frame[sender]
    if "period" in frame.columns:
        counts["period"] = frame["period"]
    else:
        time = next((c for c in TIME_NAMES if c in frame.columns), None)
        counts["period"] = _periods(F.as_times(frame, time, WHO), by) if time else ONE_PERIOD
    for part in ("bounced", "replied"):
        over = counts[part] > counts["sent"]
        if over.any():
            row = counts.index[over][0]
            raise InputError(f"{WHO}: row {row} has {part} ({counts.loc[row, part]}) above "
                             f"sent ({counts.loc[row, 'sent']})")
    return counts.groupby(["sender", "period"], sort=True, dropna=False)[
        list(COUNT_NAMES)].sum().reset_index()


def _domains(senders: pd.Series, required: bool) -> pd.Series:
    """The sending domain of each sender address, lowercased. Without ``required``, a
    sender that is not an address (an account id) counts as its own domain."""
    text = senders.astype(str).str.strip()
    has_domain = text.str.contains("@", regex=False) & ~text.str.endswith("@")
    if required and not has_domain.all():
        bad = senders[~has_domain].iloc[0]
        raise InputError(f"{WHO}: by_domain=True needs sender addresses (from_email); "
                         f"{bad!r} has no domain")
    return text.str.rsplit("@", n=1).str[-1].str.lower().where(has_domain, text)


def _chart_frame(counts: pd.DataFrame, key: str, false_alarm: float) -> pd.DataFrame:
    groups = pd.Index(counts[key].unique())
    periods = pd.Index(counts["period"].unique()).sort_values()
    row = groups.get_indexer(counts[key])
    col = periods.get_indexer(counts["period"])
    grids = {}
    for part in COUNT_NAMES:
        grid = np.zeros((len(groups), len(periods)), dtype=np.int64)
        np.add.at(grid, (row, col), counts[part].to_numpy(dtype=np.int64))
        grids[part] = grid
    domain_of = counts.drop_duplicates(key).set_index(key)["domain"] if key == "sender" \
        else pd.Series(groups, index=groups)
    domains = pd.Index(domain_of.unique()).get_indexer(domain_of.loc[groups])
    chart = control_chart(grids["sent"], grids["bounced"], grids["replied"], domains,
                          false_alarm=false_alarm)

    out = counts[[key] + (["domain"] if key == "sender" else []) + ["period"]
                 + list(COUNT_NAMES)].copy()
    n = grids["sent"]
    cell = (row, col)
    flags: list[list[str]] = [[] for _ in range(len(out))]
    for name, part, pool_k, pool_n, p, flagged, tail, words in (
            ("bounce", "bounced", chart.bounce_pool_k, chart.bounce_pool_n, chart.bounce_p,
             chart.bounce_flag, "upper", "bounce above limit"),
            ("reply", "replied", chart.reply_pool_k, chart.reply_pool_n, chart.reply_p,
             chart.reply_flag, "lower", "reply below limit")):
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{name}_rate"] = np.where(n > 0, grids[part] / np.maximum(n, 1), np.nan)[cell]
            out[f"{name}_pool"] = np.where(pool_n > 0, pool_k / np.maximum(pool_n, 1), np.nan)[cell]
            out[f"{name}_limit"] = (limit(n, pool_k, pool_n, chart.test_level, tail)
                                    / np.maximum(n, 1))[cell]
        out[f"{name}_p"] = p[cell]
        for i in np.flatnonzero(flagged[cell]):
            flags[i].append(words)
    out["drift_cusum"] = chart.drift_cusum[cell]
    out["drift_p"] = chart.drift_p[row]
    for i in np.flatnonzero(chart.drift_cells[cell]):
        flags[i].append("bounce drifting up")
    out["flag"] = ["; ".join(f) for f in flags]
    out = out.sort_values([key, "period"], kind="stable").reset_index(drop=True)
    out.attrs.update(false_alarm=false_alarm, test_level=float(chart.test_level),
                     drift_level=float(chart.drift_level))
    return out[COLUMNS if key == "sender" else DOMAIN_COLUMNS]


def plot_mailbox_health(health: pd.DataFrame, metric: str = "bounce", ax: Any = None):
    """Each sender's ``bounce`` (or ``reply``) rate by period as a line, its limit as a
    dashed line of the same colour, periods outside the limit marked ✕ and (for bounces)
    periods flagged as drifting marked △; ``metric="drift"`` draws each sender's CUSUM
    instead, ✕ where it is flagged as drifting. Dates on the x axis are written slanted so
    they do not overprint; the legend sits beside the plot.

    Returns the matplotlib Axes (never calls ``plt.show()``).

    >>> pool = pd.DataFrame({"sender": ["a", "b", "c"], "period": ["2025-01-06"] * 3,
    ...                      "sent": [100, 100, 100], "bounced": [1, 2, 30], "replied": [5, 5, 5]})
    >>> mailbox_health.plot(mailbox_health(pool)).get_ylabel()
    'bounce rate'
    """
    if metric not in ("bounce", "reply", "drift"):
        raise InputError("mailbox_health.plot: metric must be 'bounce', 'reply' or 'drift'; "
                         f"got {metric!r}")
    key = "sender" if "sender" in health.columns else "domain"
    F.require_columns(health, COLUMNS if key == "sender" else DOMAIN_COLUMNS,
                      "mailbox_health.plot", "the mailbox_health frame")
    if ax is None:
        plt = library("matplotlib.pyplot")
        _, ax = plt.subplots()
    Line2D = library("matplotlib.lines").Line2D
    value = "drift_cusum" if metric == "drift" else f"{metric}_rate"
    marks = {"drift": [("x", "bounce drifting up", "flagged as drifting")],
             "bounce": [("x", "bounce above limit", "above its limit"),
                        ("^", "bounce drifting up", "flagged as drifting")],
             "reply": [("x", "reply below limit", "below its limit")]}[metric]
    used = set()
    for name, part in health.groupby(key, sort=True):
        line, = ax.plot(part["period"], part[value], marker="o", label=str(name))
        if metric != "drift":
            ax.plot(part["period"], part[f"{metric}_limit"], linestyle="--", linewidth=1,
                    color=line.get_color())
        for marker, flag, _ in marks:
            bad = part[part["flag"].str.contains(flag, regex=False)]
            if len(bad):
                used.add(marker)
                ax.plot(bad["period"], bad[value], linestyle="none", marker=marker,
                        markersize=12, markerfacecolor="none", color=line.get_color())
    _date_axis(ax, health["period"])
    ax.set_xlabel("period")
    ax.set_ylabel("CUSUM of bounces against the pool" if metric == "drift" else f"{metric} rate")
    handles, _ = ax.get_legend_handles_labels()
    if metric != "drift":
        handles.append(Line2D([], [], color="grey", linestyle="--", linewidth=1, label="limit"))
    handles += [Line2D([], [], color="grey", linestyle="none", marker=marker, markersize=10,
                       markerfacecolor="none", label=label)
                for marker, _, label in marks if marker in used]
    ax.legend(handles=handles, title=key, loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def _date_axis(ax: Any, periods: pd.Series) -> None:
    if pd.api.types.is_datetime64_any_dtype(periods):
        dates = library("matplotlib.dates")
        ticks = np.sort(periods.dropna().unique())
        if len(ticks) <= 12:                    # a tick at each period, not between them
            ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(dates.DateFormatter("%Y-%m-%d"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


mailbox_health.plot = plot_mailbox_health  # type: ignore[attr-defined]
