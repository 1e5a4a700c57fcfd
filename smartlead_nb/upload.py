"""Bulk lead upload, below the services: any number of rows, in batches, with progress, a
per-row report and resume. It reaches SmartLead only through a :class:`LeadSink` (send one
batch, get SmartLead's answer back), so it knows no client: ``client.leads.upload`` (and
``leads.add`` given a DataFrame or a CSV) checks the campaign, then hands its own sink here.

>>> result = client.leads.upload(campaign_id, "leads.csv")         # doctest: +SKIP
>>> result                                                         # doctest: +SKIP
UploadResult: 12,480 rows -> 12,001 uploaded, 312 duplicate, 150 invalid_email, ...
>>> result.rows[result.rows.outcome != "uploaded"]                 # doctest: +SKIP

The source may be a DataFrame, a CSV path (read in chunks, so a file larger than memory is
fine) or an iterator of DataFrames. Each chunk is mapped and checked by
:func:`~smartlead_nb.frames.leads.leads_from_frame`; rows it rejects are reported and never sent.
Accepted leads go out in batches of at most 400, each recorded in a :class:`Journal`, so
re-running the same call after any interruption resumes without sending a confirmed batch twice.
"""

from __future__ import annotations

import os
import warnings
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Protocol

import numpy as np
import pandas as pd

from ._ratelimit import cache_dir
from .errors import (AuthenticationError, InputError, LeadLimitExhausted, PermissionDeniedError,
                     RateLimitError, ServerError, SmartleadError, TransportError)
from .frames.csv_reader import iter_leads_csv
from .frames.emails import email_key
from .frames.leads import MAX_BATCH_SIZE, LeadsResult, leads_from_frame
from .frames.report_cells import report_frame, unquote_frame
from .frames.campaign_leads import lead_upload_counts
from .frames.contacted import already_contacted
from .frames.upload_rules import check_batching
from ._progress import progress_bar
from .journal import Journal, batch_digest
from .reconcile import NOT_SENT, REASONS, UPLOADED, reconcile

ALREADY_CONTACTED = "already_contacted"   # skip_contacted=mirror: in another campaign there
CSV_CHUNK_ROWS = 50_000


class LeadSink(Protocol):
    """Where an upload's batches go (``client.leads`` is one): send one add-leads body, already
    serialised and checked, to a campaign, and return SmartLead's answer (its counters); a
    failure raises the client's typed errors."""

    def send_batch(self, campaign_id: int, body: bytes) -> dict: ...


class ContactHistory(Protocol):
    """Who is already in another campaign (a :class:`~smartlead_nb.Mirror` is one): for
    ``emails``, one row per (person, campaign) with the columns of
    :data:`~smartlead_nb.frames.contacted.CONTACTED_COLUMNS`, leaving ``exclude_campaign`` out."""

    def contacted(self, emails: Iterable[str], *, exclude_campaign: int | None = None,
                  include_deleted_campaigns: bool = True) -> pd.DataFrame: ...


class HasFingerprint(Protocol):
    """What names an account in state files (a client, a transport)."""

    @property
    def fingerprint(self) -> str: ...


class UploadInterrupted(SmartleadError):
    """An upload stopped part-way. ``result`` holds what was done; re-run the same call to resume.

    ``cause`` (also ``__cause__``) is the error that stopped it, and the message says what
    it was and what to do about it: a refused key needs a new key, a dropped connection only
    a re-run.
    """

    def __init__(self, message: str, result: "UploadResult", cause: BaseException) -> None:
        super().__init__(message, status=getattr(cause, "status", None),
                         body=getattr(cause, "body", None), method=getattr(cause, "method", None),
                         url=getattr(cause, "url", None))
        self.result = result
        self.cause = cause
        self.__cause__ = cause


def interruption_advice(cause: BaseException) -> str:
    """What to do after an upload stopped because of ``cause``, in one sentence or two.

    >>> from smartlead_nb.errors import AuthenticationError
    >>> interruption_advice(AuthenticationError("Invalid API key", status=401))[:38]
    'SmartLead refused the API key (HTTP 40'
    """
    resume = ("run the same call again to resume: confirmed batches are skipped and the "
              "interrupted one is re-sent safely")
    if isinstance(cause, (AuthenticationError, PermissionDeniedError)):
        return (f"SmartLead refused the API key (HTTP {cause.status}), so no later batch can go "
                f"either. Check the key (SMARTLEAD_API_KEY, or the key given to connect()), "
                f"then {resume}.")
    if isinstance(cause, TransportError):
        return (f"The connection failed before SmartLead answered; SmartLead may or may not "
                f"have added that batch. Check the network (or that the server is up), then "
                f"{resume}.")
    if isinstance(cause, RateLimitError):
        return f"SmartLead kept answering 429 (too many requests); wait a minute, then {resume}."
    if isinstance(cause, ServerError):
        return f"SmartLead failed (HTTP {cause.status}); wait a little, then {resume}."
    return f"Fix what it says, then {resume}."


class UploadResult:
    """What happened to every input row, and SmartLead's raw counters for every batch.

    ``rows``: indexed by the input's index (a CSV's data-row number), columns ``email``,
    ``outcome``, ``reason``, ``batch``. With ``report_path=`` the rows were written to that
    CSV as the upload went and ``rows`` reads it back (only do that if it fits in memory);
    ``summary()`` never needs them. In that file a text cell a spreadsheet would run as a
    formula (``=...``, ``+...``, ``@...``) starts with a ``'`` (see
    :mod:`smartlead_nb.frames.report_cells`); ``rows`` gives the values as they were. ``batches``: one row per batch with SmartLead's counters
    and whether it was sent now or skipped as already confirmed (``resumed``).
    """

    def __init__(self, campaign_id: int, rows: pd.DataFrame | None, counts: pd.Series,
                 batches: pd.DataFrame, journal: Journal, stopped: str | None = None,
                 warnings: list[str] | None = None, report_path: Path | None = None) -> None:
        self.campaign_id, self._rows, self._counts = campaign_id, rows, counts
        self.batches, self.journal, self.stopped = batches, journal, stopped
        self.warnings, self.report_path = warnings or [], report_path

    @property
    def rows(self) -> pd.DataFrame:
        if self._rows is None:
            assert self.report_path is not None   # no rows in memory: they went to this file
            self._rows = unquote_frame(pd.read_csv(
                self.report_path, index_col=0, keep_default_na=False,
                dtype={"email": str, "outcome": str, "reason": str}))
        return self._rows

    @property
    def complete(self) -> bool:
        return self.stopped is None

    def summary(self) -> pd.Series:
        """Rows per outcome."""
        return self._counts.sort_values(ascending=False).rename("rows")

    def __repr__(self) -> str:
        counts = self.summary()
        parts = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        sent_now = int((~self.batches["resumed"].astype(bool)).sum()) if len(self.batches) else 0
        skipped = len(self.batches) - sent_now
        lines = [f"UploadResult: {int(counts.sum()):,} rows -> {parts or 'nothing'}",
                 f"  campaign {self.campaign_id}: {len(self.batches)} batches "
                 f"({sent_now} sent now, {skipped} already confirmed in {self.journal})"]
        if self.report_path is not None:
            lines.append(f"  per-row report: {self.report_path}")
        if self.stopped:
            lines.append(f"  STOPPED: {self.stopped}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def default_journal_path(account: HasFingerprint, campaign_id: int) -> Path:
    """One journal per (account, campaign) under the cache directory."""
    return cache_dir() / "uploads" / f"{account.fingerprint}-campaign-{campaign_id}.jsonl"


def run_upload(
    sink: LeadSink,
    campaign_id: int,
    source: pd.DataFrame | str | os.PathLike | Iterable[pd.DataFrame],
    *,
    settings: Mapping[str, bool],
    journal_path: Path | None,
    mapping: Mapping[Any, str | None] | None = None,
    batch_size: int = MAX_BATCH_SIZE,
    progress: bool = True,
    csv_chunk_rows: int = CSV_CHUNK_ROWS,
    max_in_flight: int = 4,
    report_path: str | os.PathLike | None = None,
    read_csv_kwargs: Mapping[str, Any] | None = None,
    skip_contacted: ContactHistory | None = None,
    include_deleted_campaigns: bool = True,
) -> UploadResult:
    """Upload ``source`` to a campaign through ``sink``, one batch at a time (see
    ``client.leads.upload`` for the arguments, which it checks, with the campaign, before
    calling this). ``settings`` is the add-leads ``settings`` object sent with every batch;
    ``journal_path`` the journal to resume from (``None``: none).

    Returns an :class:`UploadResult`; any failure but lead-credit exhaustion raises
    :class:`UploadInterrupted` with the partial result.
    """
    check_batching(batch_size, max_in_flight)
    # Held for the whole upload: a second process on this journal waits, then skips what
    # this one confirmed, instead of sending every batch again.
    with Journal.locked(journal_path) as book:
        return _upload(sink, campaign_id, source, book, dict(settings), mapping=mapping,
                       batch_size=batch_size, progress=progress, csv_chunk_rows=csv_chunk_rows,
                       max_in_flight=max_in_flight, report_path=report_path,
                       read_csv_kwargs=dict(read_csv_kwargs or {}),
                       skip_contacted=skip_contacted,
                       include_deleted_campaigns=include_deleted_campaigns)


def _upload(sink: LeadSink, cid: int, source: Any, book: Journal, settings: dict, *,
            mapping: Any, batch_size: int, progress: bool, csv_chunk_rows: int,
            max_in_flight: int, report_path: Any, read_csv_kwargs: dict,
            skip_contacted: ContactHistory | None = None,
            include_deleted_campaigns: bool = True) -> UploadResult:
    """The body of :func:`run_upload`, once its arguments are checked and its journal held."""
    bar = _progress(progress, _total_rows(source))
    report_file = Path(report_path) if report_path is not None else None
    if report_file is not None:
        report_file.parent.mkdir(parents=True, exist_ok=True)
        report_file.write_text("")
    run = _Run(sink.send_batch, cid, settings, book, batch_size, bar, max_in_flight,
               report_file)
    if skip_contacted is not None:
        def known(emails: pd.Series) -> dict[Any, str]:
            given = list(emails)
            found = skip_contacted.contacted(given, exclude_campaign=cid,
                                             include_deleted_campaigns=include_deleted_campaigns)
            return already_contacted(found, given)

        run.known = known
    try:
        for chunk in _chunks(source, csv_chunk_rows, read_csv_kwargs):
            if run.failure:
                break  # the exception tells the caller to re-run; no need to read further
            if run.stopped:
                run.skip_chunk(chunk, mapping)  # still reported, row by row, as not sent
            else:
                run.chunk(chunk, mapping)
            run.flush_reports()
        run.drain()
    except _BatchFailed as failed:
        result = run.result()
        cause = failed.cause
        raise UploadInterrupted(
            f"upload to campaign {cid} interrupted at batch {failed.batch} "
            f"({int((result.rows['outcome'] == UPLOADED).sum()):,} leads confirmed so far) by "
            f"{type(cause).__name__}: {cause}. {interruption_advice(cause)} Run the same call "
            f"again once that is fixed.", result, cause) from cause
    finally:
        run.pool.shutdown(wait=True)
        bar.close()
    result = run.result()
    if result.stopped:
        warnings.warn(result.stopped, stacklevel=4)
    return result


class _NothingToSend:
    """Stands in for a chunk's checked leads when every row was a repeat of an earlier chunk."""

    index = pd.Index([])

    def json_batches(self, batch_size: int) -> Iterator:
        return iter(())


class _BatchFailed(Exception):
    def __init__(self, batch: int, cause: BaseException) -> None:
        self.batch, self.cause = batch, cause


#: Sends one serialised add-leads body to a campaign; returns SmartLead's counters
#: (:meth:`LeadSink.send_batch`).
Send = Callable[[int, bytes], dict]


class InFlight(NamedTuple):
    """One batch whose request is open: what is needed to file its answer when it comes."""

    future: Future
    batch: int
    digest: str
    labels: pd.Index
    emails: pd.Series
    report: pd.DataFrame
    lost_before: bool  # an earlier run sent this batch and never heard back


class _Run:
    """The state of one upload call: seen emails, the report pieces, batch counters.

    ``send`` is the only way it reaches SmartLead, so a test can hand it any callable.
    """

    def __init__(self, send: Send, cid: int, settings: dict, book: Journal, batch_size: int,
                 bar, max_in_flight: int, report_path: Path | None = None) -> None:
        self.send, self.cid, self.settings, self.book = send, cid, settings, book
        self.batch_size, self.bar = batch_size, bar
        self.seen = np.empty(0, dtype=np.uint64)  # hashes of emails accepted so far (8 bytes each)
        self.reports: list[pd.DataFrame] = []
        self.batch_rows: list[dict] = []
        self.warnings: list[str] = []
        self.stopped: str | None = None
        self.failure: _BatchFailed | None = None
        self.batch_no = 0
        self.max_in_flight = max_in_flight
        self.pending: deque[InFlight] = deque()
        self.pool = ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="sl-upload")
        self.report_path = report_path
        # emails -> reason, for rows a mirror says were contacted
        self.known: Callable[[pd.Series], Mapping[Any, str]] | None = None
        self.counts = pd.Series(dtype="float64")

    def chunk(self, frame: pd.DataFrame, mapping) -> None:
        prepared = self._prepare(frame, mapping)
        if prepared is None:
            return
        checked, report = prepared
        self.reports.append(report)  # filled in batch by batch; complete even if interrupted
        self.bar.update(len(report) - len(checked.index))  # rejected rows need no request
        for payload in checked.json_batches(self.batch_size):
            self.batch_no += 1
            if self.stopped or self.failure:
                self._mark(report, payload.index, NOT_SENT, self.stopped or REASONS[NOT_SENT])
                self.bar.update(len(payload.index))
                continue
            emails = report.loc[payload.index, "email"].astype(str).str.strip()
            self._submit(payload, emails, report)

    def skip_chunk(self, frame: pd.DataFrame, mapping) -> None:
        prepared = self._prepare(frame, mapping)
        if prepared is not None:
            checked, report = prepared
            self._mark(report, checked.index, NOT_SENT, self.stopped or REASONS[NOT_SENT])
            self.reports.append(report)
            self.bar.update(len(report))

    def _prepare(self, frame: pd.DataFrame, mapping):
        if frame.empty:
            return None
        if not frame.index.is_unique:
            dupes = frame.index[frame.index.duplicated()].unique()[:3].tolist()
            raise InputError(f"the leads frame's index repeats labels {dupes}: every row must "
                             f"have its own label to be reported; call .reset_index() first")
        result = leads_from_frame(frame, mapping)
        for w in result.warnings:
            if w not in self.warnings:
                self.warnings.append(w)
        report = result.report.copy()
        checked: LeadsResult | _NothingToSend = result
        report["outcome"] = report["outcome"].astype(str)
        report["batch"] = pd.array([pd.NA] * len(report), dtype="Int64")
        # Duplicates across chunks: the frame check only sees its own chunk.
        accepted = report.loc[checked.index, "email"].astype(str).map(email_key)
        hashes = pd.util.hash_pandas_object(accepted, index=False).to_numpy()
        repeat = np.isin(hashes, self.seen)
        if repeat.any():
            labels = checked.index[repeat]
            report.loc[labels, "outcome"] = "duplicate"
            report.loc[labels, "reason"] = "duplicate of an earlier row (in an earlier chunk)"
        skip = repeat
        if self.known is not None:   # in another campaign of the mirror: reported, not sent
            known = self.known(accepted)
            contacted = accepted.isin(list(known)).to_numpy() & ~repeat
            report.loc[checked.index[contacted], "outcome"] = ALREADY_CONTACTED
            report.loc[checked.index[contacted], "reason"] = accepted[contacted].map(known).to_numpy()
            skip = repeat | contacted
        if skip.any():
            # A chunk of nothing but repeats has nothing left to check (or send).
            checked = (leads_from_frame(frame.loc[checked.index[~skip]], mapping)
                       if not skip.all() else _NothingToSend())
            hashes = hashes[~skip]
        self.seen = np.union1d(self.seen, hashes)
        # Until its batch is confirmed, an accepted row has not been uploaded.
        self._mark(report, checked.index, NOT_SENT, REASONS[NOT_SENT])
        return checked, report

    def _submit(self, payload, emails: pd.Series, report: pd.DataFrame) -> None:
        """Send one batch, keeping at most ``max_in_flight`` requests open at once.

        Overlapping requests is what lets an upload use the whole rate budget when each
        request takes seconds to answer; the limiter still paces every send. Batches hold
        disjoint emails (duplicates were removed across the whole input), so their order at
        SmartLead does not matter. Journal lines are written from this thread only.
        """
        body = payload.request_body(self.settings)
        digest = batch_digest(self.cid, body)
        labels = payload.index
        report.loc[labels, "batch"] = self.batch_no
        done = self.book.confirmed.get(digest)
        if done is not None:  # confirmed on an earlier run: never send again
            self._apply(report, labels, emails, done["outcomes"])
            self.batch_rows.append({"batch": self.batch_no, "rows": len(labels), "resumed": True,
                                    **done["counters"]})
            self.bar.update(len(labels))
            return
        while len(self.pending) >= self.max_in_flight:
            self._complete(self.pending.popleft())
        if self.stopped or self.failure:  # learnt while waiting for a slot
            self._mark(report, labels, NOT_SENT, self.stopped or REASONS[NOT_SENT])
            self.bar.update(len(labels))
            return
        lost_before = self.book.was_lost(digest)
        self.book.sending(digest, self.batch_no, len(labels))
        future = self.pool.submit(self.send, self.cid, body)
        self.pending.append(InFlight(future, self.batch_no, digest, labels, emails, report,
                                     lost_before))

    def _complete(self, item: InFlight) -> None:
        batch, digest, labels, emails, report = (item.batch, item.digest, item.labels,
                                                 item.emails, item.report)
        stopped_here = False
        try:
            response = item.future.result()
        except LeadLimitExhausted as exc:
            response = exc.body if isinstance(exc.body, dict) else {}
            stopped_here = True
            if not self.stopped:
                self.stopped = (f"SmartLead lead credits are exhausted: "
                                f"{response.get('lead_import_stopped_count', 'some')} leads of "
                                f"batch {batch} and every later batch were not imported")
        except SmartleadError as exc:
            if self.failure is None:
                self.failure = _BatchFailed(batch, exc)
            self.bar.update(len(labels))
            return  # left "sending" in the journal: the next run re-sends it safely
        outcomes = reconcile(emails, response, lost_before=item.lost_before, stopped=stopped_here)
        counters = {k: v for k, v in lead_upload_counts(response).items() if k != "raw"}
        self.book.confirm(digest, batch, counters,
                          {e: o for e, o in outcomes.items() if o != UPLOADED})
        self._apply(report, labels, emails, outcomes)
        self.batch_rows.append({"batch": batch, "rows": len(labels), "resumed": False, **counters})
        self.bar.update(len(labels))

    def drain(self) -> None:
        """Wait for every open request; raise the first failure once all have answered."""
        self.settle()
        if self.failure is not None:
            raise self.failure

    def _apply(self, report, labels, emails: pd.Series, outcomes: Mapping[str, str]) -> None:
        keys = emails.map(email_key)   # the keys reconcile() files its outcomes under
        outcome = keys.map(lambda e: outcomes.get(e, UPLOADED))
        report.loc[labels, "outcome"] = outcome.to_numpy()
        report.loc[labels, "reason"] = outcome.map(REASONS).to_numpy()

    def _mark(self, report, labels, outcome: str, reason: str | None) -> None:
        report.loc[labels, "outcome"] = outcome
        report.loc[labels, "reason"] = reason or ""

    def flush_reports(self) -> None:
        """Append finished chunk reports to ``report_path`` and keep only their counts."""
        if self.report_path is None:
            return
        self.settle()
        for report in self.reports:
            self.counts = self.counts.add(report["outcome"].value_counts(), fill_value=0)
            first = not self.report_path.exists() or self.report_path.stat().st_size == 0
            # For people: cells a spreadsheet would run as formulas are quoted, and CRLF line
            # ends (RFC 4180) make the writer quote a value holding a lone CR, which
            # spreadsheets and csv readers would otherwise take for the end of the row.
            report_frame(report).to_csv(self.report_path, mode="a", header=first,
                                        index_label="row", lineterminator="\r\n")
        self.reports = []

    def settle(self) -> None:
        """Wait for every open request (failures are kept for drain() to raise)."""
        while self.pending:
            self._complete(self.pending.popleft())

    def result(self) -> UploadResult:
        if self.report_path is not None:
            self.flush_reports()
            counts = self.counts.astype(int)
            return UploadResult(self.cid, None, counts, self._batches(), self.book, self.stopped,
                                self.warnings, self.report_path)
        rows = pd.concat(self.reports) if self.reports else pd.DataFrame(
            columns=["email", "outcome", "reason", "batch"])
        counts = rows["outcome"].value_counts()
        return UploadResult(self.cid, rows, counts, self._batches(), self.book, self.stopped,
                            self.warnings)

    def _batches(self) -> pd.DataFrame:
        counter_cols = ["batch", "rows", "resumed", "added", "already_in_campaign", "duplicates",
                        "invalid", "blocked", "unsubscribed", "stopped_by_limit"]
        batches = pd.DataFrame(self.batch_rows)
        if len(batches):  # overlapping requests finish out of order
            batches = batches.sort_values("batch", ignore_index=True)
        return batches.reindex(columns=counter_cols + [c for c in batches.columns if c not in counter_cols])


# --- sources ------------------------------------------------------------------------------
def _chunks(source, csv_chunk_rows: int, read_csv_kwargs) -> Iterator[pd.DataFrame]:
    if isinstance(source, pd.DataFrame):
        if source.empty:
            raise InputError("the leads frame has no rows: nothing to upload")
        yield source
    elif isinstance(source, (str, os.PathLike)):
        yield from iter_leads_csv(source, chunk_rows=csv_chunk_rows, **read_csv_kwargs)
    elif isinstance(source, Iterable):
        for i, chunk in enumerate(source):
            if not isinstance(chunk, pd.DataFrame):
                raise InputError(f"chunk {i} of the lead source is a {type(chunk).__name__}, "
                                 f"not a DataFrame")
            yield chunk
    else:
        raise InputError(f"leads must be a DataFrame, a CSV path or an iterator of DataFrames, "
                         f"got {type(source).__name__}")


def _total_rows(source) -> int | None:
    return len(source) if isinstance(source, pd.DataFrame) else None


def _progress(enabled: bool, total: int | None):
    return progress_bar(enabled, total=total, unit="rows", desc="Uploading leads")
