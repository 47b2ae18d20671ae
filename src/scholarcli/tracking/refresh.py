"""``scholar refresh``: keep tracked people current cheaply, and keep their history.

A refresh brings the people of the watch list (``watchlist``) up to date and stores a
dated snapshot of each. History is the point: no source keeps it (S2 has no past
counts), so snapshots are never refetchable.

**What a refresh fetches** (issue #3 item 2):

1. One ``/author/batch`` per 1,000 tracked ids reads each id's paperCount and
   citationCount (``AUTHOR_COUNT_FIELDS``).
2. An id's paper list is fetched again when it was never fetched whole, when that fetch
   is older than ``max_age``, with ``force`` (``--all``), or when its paperCount differs
   from the one S2 gave when a refresh last made it current (``refresh_counts``; not the
   authors row, which searches rewrite without reading the list). New papers only come
   with the list.
3. An id whose citationCount alone changed needs new counts for the papers we know. A
   list costs ceil(N/1000) requests (at least 1) and ``/paper/batch`` ceil(N/500), so
   for one id the list is never dearer and also catches papers swapped for others. But
   one batch serves many ids: when several people gained citations, their known papers
   (deduplicated) go through ``/paper/batch`` if that takes fewer requests than one list
   per id. Ids with more than 500 papers always take the list; an id with a paper the
   batch answers null for (merged or withdrawn) takes the list after all.
4. arXiv is asked once per run, after the lists, about the arXiv ids of the people
   being refreshed that it never answered (``sync.enrich_arxiv``), 100 ids a request
   whoever they belong to.

So a refresh right after another makes ceil(ids / 1000) S2 requests and none to arXiv.

**Crash safety.** One run at a time (a lock under ``SCHOLAR_HOME/locks``). A run goes:
count check, ``/paper/batch``, lists, one arXiv pass, then one commit per person. Each
id's list is committed whole in its own transaction (``Store.save_author_papers``),
followed by the counts it matches; the rest of a person's refresh (``/paper/batch``
counts, snapshot, paper snapshots, status) is one more transaction. A run killed before
its commits leaves complete lists whose counts match S2, so the next run finds those ids
unchanged, asks arXiv what is still unanswered and takes the snapshots from the cache:
it finishes the work without fetching the lists again.

**Snapshots.** Every run computes each refreshed person's metrics exactly as ``scholar
author`` does, but stores a new point only when they differ from the person's latest
point (age-dependent metrics move with the as-of year, which counts as a change);
otherwise the latest point's ``checked_at`` records the run. So the series reads back
the same values on every date as one point per run would, without a row per person per
run. Points are keyed by the run's start to the second; a run in the same second as the
last point that found other numbers is stored a microsecond later, never over it. The
run itself is always recorded (``refresh_runs``). A paper gets a row only when it is
first seen and when its count changes.

**Jitter.** An id's list is due again when its fetch is older than ``--max-age``
shortened by up to ``MAX_AGE_JITTER`` (a quarter), by a fraction fixed per S2 author id
(from a hash of the id, the same on every run and machine). People tracked together
therefore fall due over the last quarter of the period instead of all in one run, and
no list is ever older than ``--max-age``.

**Failures.** A person fails alone (S2 error after retries, an S2 profile that vanished)
and the run goes on; after ``MAX_CONSECUTIVE_FAILURES`` S2 failures in a row the rest
are not attempted, so a dead API does not cost hours of retries.

It must not parse options, print, or import typer or rich: it reports through
``ctx.reporter`` and returns a ``RunSummary``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import people as people_cache
from scholarcli.cache import tracking
from scholarcli.cache.store import ensure_private_dir
from scholarcli.cache.tracking import PersonSnapshot, TrackedPerson
from scholarcli.config import Settings
from scholarcli.core import DEFAULT_MAX_AGE, Context, Freshness, Reporter
from scholarcli.errors import SourceError
from scholarcli.ids import normalise_id
from scholarcli.models import Author, Paper
from scholarcli.profile import merge, sync
from scholarcli.sources.semanticscholar import (
    AUTHOR_BATCH,
    AUTHOR_COUNT_FIELDS,
    PAGE_LIMIT,
    PAPER_BATCH,
    PAPER_COUNT_FIELDS,
)
from scholarcli.tracking.watchlist import find_people

MAX_CONSECUTIVE_FAILURES = 3
MAX_AGE_JITTER = 0.25  # a list may be refetched up to this share of --max-age early
LOCK_NAME = "refresh.lock"
LOG_NAME = "refresh.log"


# -- run summary, lock and log --------------------------------------------------------
@dataclass
class PersonResult:
    key: str
    name: str
    status: str  # refreshed | unchanged | failed
    fetched: str = ""  # list | counts | list+counts | "" (nothing)
    reason: str = ""  # why it was fetched, or why it failed
    papers: int | None = None
    citations: int | None = None
    citations_change: int | None = None  # since the previous snapshot
    h_index: int | None = None
    source_failure: bool = False  # failed because a source was unreachable


@dataclass
class RunSummary:
    started_at: str
    status: str = "running"  # ok | partial | unavailable | skipped | interrupted | error
    finished_at: str = ""
    duration_seconds: float = 0.0
    run_id: int | None = None
    people: list[PersonResult] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    arxiv_error: bool = False
    lock_holder: str | None = None  # pid of the refresh that holds the lock, when skipped

    def failed(self) -> list[PersonResult]:
        return [r for r in self.people if r.status == "failed"]

    def as_dict(self, *, people: bool = True) -> dict[str, Any]:
        """The machine-readable summary; ``people=False`` leaves out the per-person rows
        (the log and ``refresh_runs`` keep it short: snapshots hold the numbers)."""

        def keys(status: str) -> list[str]:
            return [r.key for r in self.people if r.status == status]

        record: dict[str, Any] = {
            "status": self.status,
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_seconds": self.duration_seconds,
            "tracked": len(self.people),
            "refreshed": keys("refreshed"),
            "unchanged": keys("unchanged"),
            "failed": [{"person": r.key, "reason": r.reason} for r in self.failed()],
            "requests": self.requests,
            "warnings": self.warnings,
        }
        if people:
            record["people"] = [dataclasses.asdict(r) for r in self.people]
        if self.lock_holder is not None:
            record["lock_holder"] = self.lock_holder
        return record


def _acquire_lock(locks_dir: Path, wait: bool) -> FileLock | None:
    ensure_private_dir(locks_dir)
    lock = FileLock(str(locks_dir / LOCK_NAME), mode=0o600)
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        return None
    pid_file = locks_dir / "refresh.pid"
    fd = os.open(pid_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(str(os.getpid()))
    return lock


def _release_lock(locks_dir: Path, lock: FileLock) -> None:
    with contextlib.suppress(OSError):
        (locks_dir / "refresh.pid").unlink()
    lock.release()


def _lock_holder(locks_dir: Path) -> str:
    try:
        return (locks_dir / "refresh.pid").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def append_log(settings: Settings, record: dict[str, Any]) -> None:
    """One JSON line per run in SCHOLAR_HOME/logs/refresh.log (private; no settings in it)."""
    ensure_private_dir(settings.logs_dir)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
    fd = os.open(settings.logs_dir / LOG_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(line)  # one write per line: concurrent appends do not interleave


class _RecordingReporter:
    """Forwards to the command's reporter and keeps warnings for the run summary."""

    def __init__(self, inner: Reporter, warnings: list[str]) -> None:
        self.inner = inner
        self.warnings = warnings

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.inner.warn(message)

    def note(self, message: str) -> None:
        self.inner.note(message)

    def progress(
        self, description: str, total: int | None
    ) -> AbstractContextManager[Callable[[int], None]]:
        return self.inner.progress(description, total)


# -- planning -------------------------------------------------------------------------
@dataclass
class Options:
    as_of: date
    max_age: timedelta = DEFAULT_MAX_AGE
    force: bool = False
    wait: bool = False


@dataclass
class _Plan:
    """What one person's refresh will fetch, and what has gone wrong so far."""

    person: TrackedPerson
    current: dict[str, Author] = field(default_factory=dict)  # S2's counts merged in
    lists: list[str] = field(default_factory=list)  # ids whose paper list is fetched
    counts: list[str] = field(default_factory=list)  # ids updated through /paper/batch
    reasons: list[str] = field(default_factory=list)
    count_updates: dict[str, tuple[int, int]] = field(default_factory=dict)
    failure: str | None = None
    source_failure: bool = False

    def fail(self, reason: str, *, source: bool) -> None:
        if self.failure is None:
            self.failure, self.source_failure = reason, source

    @property
    def fetched(self) -> str:
        return "+".join(
            kind for kind, ids in (("list", self.lists), ("counts", self.counts)) if ids
        )


def _check_counts(
    ctx: Context, ids: Sequence[str]
) -> tuple[dict[str, Author | None], dict[str, str]]:
    """S2's counts per id, one request per 1,000 ids; a failed chunk fails only its ids."""
    answers: dict[str, Author | None] = {}
    errors: dict[str, str] = {}
    for start in range(0, len(ids), AUTHOR_BATCH):
        chunk = ids[start : start + AUTHOR_BATCH]
        try:
            answers.update(
                zip(chunk, ctx.s2.authors_batch(chunk, AUTHOR_COUNT_FIELDS), strict=True)
            )
        except SourceError as exc:
            errors.update(dict.fromkeys(chunk, exc.message))
    return answers, errors


def _current(cached: Author | None, answer: Author) -> Author:
    """The cached author row with S2's new name and counts (affiliations etc. kept)."""
    if cached is None:
        return answer
    return dataclasses.replace(
        cached,
        name=answer.name or cached.name,
        paper_count=answer.paper_count,
        citation_count=answer.citation_count,
        h_index=answer.h_index,
        raw={**cached.raw, **answer.raw},
    )


def _decide(
    ctx: Context,
    author_id: str,
    old: tuple[int, int] | None,
    answer: Author | None,
    opts: Options,
) -> tuple[str, str]:
    """(action, reason): action is "list", "counts", "check" (no answer asked) or ""."""
    fetch = people_cache.author_fetch(ctx.store, author_id)
    if fetch is None:
        return "list", f"{author_id}: never fetched"
    if opts.force:
        return "list", f"{author_id}: --all"
    if not Freshness(max_age=due_age(opts.max_age, author_id)).within_age(ctx, fetch[0]):
        return "list", f"{author_id}: fetched {fetch[0][:10]}, due under --max-age (with jitter)"
    if old is None:
        return "list", f"{author_id}: not refreshed before"
    if answer is None:
        return "check", f"{author_id}: fetched only if S2's counts changed"
    if old[0] != answer.paper_count:
        return "list", f"{author_id}: papers {old[0]} -> {answer.paper_count}"
    if old[1] != answer.citation_count:
        return "counts", f"{author_id}: citations {old[1]} -> {answer.citation_count}"
    return "", ""


def due_age(max_age: timedelta, author_id: str) -> timedelta:
    """``max_age`` less the id's fixed share of the jitter (see the module docstring)."""
    digest = hashlib.sha256(author_id.encode("utf-8")).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64  # uniform in [0, 1)
    return max_age * (1 - MAX_AGE_JITTER * fraction)


def _gone(person: TrackedPerson, author_id: str) -> str:
    return (
        f"S2 author {author_id} no longer exists; run scholar track "
        f'"{person.display}" again or untrack'
    )


def _plan(
    ctx: Context, people: Sequence[TrackedPerson], opts: Options, *, ask: bool = True
) -> list[_Plan]:
    """Decide per id what to fetch; ``ask=False`` decides from the cache alone (dry run)."""
    ids = list(dict.fromkeys(i for p in people for i in p.author_ids))
    answers, errors = _check_counts(ctx, ids) if ask and ids else ({}, {})
    cached = people_cache.load_authors(ctx.store, ids)
    baseline = tracking.load_counts(ctx.store, ids)
    plans = []
    for person in people:
        plan = _Plan(person)
        plans.append(plan)
        for author_id in person.author_ids:
            if author_id in errors:
                plan.fail(errors[author_id], source=True)
            elif ask and answers.get(author_id) is None:
                plan.fail(_gone(person, author_id), source=False)
            if plan.failure:
                break
            answer = answers.get(author_id)
            if answer is not None:
                plan.current[author_id] = _current(cached.get(author_id), answer)
            elif author_id in cached:
                plan.current[author_id] = cached[author_id]
            action, reason = _decide(ctx, author_id, baseline.get(author_id), answer, opts)
            if action in ("list", "counts"):
                (plan.lists if action == "list" else plan.counts).append(author_id)
            if reason:
                plan.reasons.append(reason)
    return plans


def _batch_ids(ctx: Context, plans: Sequence[_Plan]) -> dict[str, list[str]]:
    """Move count-only ids to the list path unless one /paper/batch pass is cheaper.

    Returns the known paper ids of each id that stays on the batch path.
    """
    candidates = [(plan, i) for plan in plans if not plan.failure for i in plan.counts]
    if not candidates:
        return {}
    known = tracking.author_paper_ids(ctx.store, [i for _, i in candidates])
    small = {i for _, i in candidates if 0 < len(known[i]) <= PAPER_BATCH}
    union = {paper_id for i in small for paper_id in known[i]}
    if math.ceil(len(union) / PAPER_BATCH) >= len(small):
        small = set()  # one list per id costs no more, and a list also brings new papers
    for plan, author_id in candidates:
        if author_id not in small:
            plan.counts.remove(author_id)
            plan.lists.append(author_id)
    return {i: known[i] for i in small}


def _fetch_counts(ctx: Context, plans: Sequence[_Plan], known: dict[str, list[str]]) -> None:
    """New citation counts of known papers through /paper/batch (500 per request)."""
    if not known:
        return
    paper_ids = sorted({p for ids in known.values() for p in ids})
    try:
        answered = ctx.s2.papers_batch(paper_ids, PAPER_COUNT_FIELDS)
    except SourceError as exc:
        for plan in plans:
            if plan.counts:
                plan.fail(exc.message, source=True)
        return
    found = {
        pid: (paper.citations, paper.influential_citations)
        for pid, paper in zip(paper_ids, answered, strict=True)
        if paper is not None
    }
    for plan in plans:
        for author_id in list(plan.counts):
            if all(pid in found for pid in known[author_id]):
                plan.count_updates.update({pid: found[pid] for pid in known[author_id]})
            else:  # S2 dropped or merged a paper: the list has changed, read it again
                plan.counts.remove(author_id)
                plan.lists.append(author_id)


# -- fetching and committing ---------------------------------------------------------
@dataclass
class _RunState:
    opts: Options
    taken_at: str
    previous: dict[str, PersonSnapshot]
    fetched_ids: set[str] = field(default_factory=set)
    failures_in_a_row: int = 0
    last_failure: str = ""


def _fetch_lists(ctx: Context, plan: _Plan, state: _RunState) -> None:
    if plan.failure or not plan.lists:
        return
    if state.failures_in_a_row >= MAX_CONSECUTIVE_FAILURES:
        plan.fail(
            f"not attempted: Semantic Scholar kept failing ({state.last_failure})", source=True
        )
        return
    for author_id in plan.lists:
        if author_id in state.fetched_ids:  # shared with someone refreshed earlier this run
            continue
        author = plan.current[author_id]
        try:
            # Not sync.author_papers: its fallback to the cached list is right for showing
            # a profile, wrong for a refresh that must report the failure.
            sync.fetch_author_papers(ctx, author)
        except SourceError as exc:
            plan.fail(exc.message, source=True)
            state.failures_in_a_row += 1
            state.last_failure = exc.message
            return
        # Its own transaction: a kill just before it costs one more list fetch, no more.
        tracking.save_counts(ctx.store, [author], ctx.now())
        state.fetched_ids.add(author_id)
    state.failures_in_a_row = 0


def _enrich(ctx: Context, plans: Sequence[_Plan]) -> bool:
    """One arXiv pass for everyone being refreshed; False if arXiv failed."""
    author_ids = [i for plan in plans if not plan.failure for i in plan.person.author_ids]
    arxiv_ids = tracking.arxiv_ids(ctx.store, author_ids)
    # enrich_arxiv reads only arxiv_id (and skips ids already answered), so id-only
    # stand-ins spare loading every paper of every person here.
    return sync.enrich_arxiv(ctx, [Paper(paper_id=i, title="", arxiv_id=i) for i in arxiv_ids])


def _person_papers(ctx: Context, plan: _Plan) -> list[Paper]:
    """The person's merged papers as ``scholar author`` builds them from the cache."""
    lists = [people_cache.load_author_papers(ctx.store, i) for i in plan.person.author_ids]
    papers = sync.person_papers(ctx, plan.person.author_ids, lists, report=False)
    for paper in papers:
        if paper.paper_id in plan.count_updates:
            paper.citations, paper.influential_citations = plan.count_updates[paper.paper_id]
        ident = normalise_id(paper.arxiv_id) if paper.arxiv_id else None
        if ident is not None:  # as enrich_arxiv does in scholar author, so lookups match
            paper.arxiv_id = ident[0]
    return papers


def _as_int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _commit(ctx: Context, plan: _Plan, state: _RunState) -> PersonResult:
    """Compute the person's metrics as ``scholar author`` does; store them in one unit."""
    if plan.failure is not None:
        tracking.record_failure(ctx.store, plan.person.key, plan.failure, state.taken_at)
        return PersonResult(
            key=plan.person.key,
            name=plan.person.display,
            status="failed",
            reason=plan.failure,
            source_failure=plan.source_failure,
        )
    papers = _person_papers(ctx, plan)
    ids = plan.person.author_ids
    first = plan.current.get(ids[0])
    as_of = state.opts.as_of
    arxiv = arxiv_cache.load_arxiv(ctx.store, [p.arxiv_id for p in papers if p.arxiv_id])
    rows = merge.profile_papers(
        papers, arxiv, ids, first.name if first else plan.person.name, as_of
    )
    metrics = merge.profile_metrics(rows, as_of)
    snapshot = PersonSnapshot(
        state.taken_at,
        _as_int(metrics["paper_count"]),
        _as_int(metrics["citation_count"]),
        _as_int(metrics["h_index"]),
        {**metrics, "as_of": as_of.isoformat()},
    )
    tracking.commit_person(
        ctx.store,
        tracking.PersonCommit(
            key=plan.person.key,
            taken_at=state.taken_at,
            snapshot=snapshot,
            paper_citations={row.paper_id: row.citations for row in rows},
            count_updates=plan.count_updates,
            authors=[plan.current[i] for i in plan.counts],
        ),
    )
    before = state.previous.get(plan.person.key)
    return PersonResult(
        key=plan.person.key,
        name=plan.person.display,
        status="refreshed" if plan.fetched else "unchanged",
        fetched=plan.fetched,
        reason="; ".join(plan.reasons) if plan.fetched else "",
        papers=snapshot.papers,
        citations=snapshot.citations,
        citations_change=snapshot.citations - before.citations if before else None,
        h_index=snapshot.h_index,
    )


def _status(summary: RunSummary) -> str:
    failed = summary.failed()
    if failed and len(failed) == len(summary.people) and all(r.source_failure for r in failed):
        return "unavailable"
    return "partial" if failed or summary.arxiv_error else "ok"


def run(ctx: Context, names: Sequence[str], opts: Options) -> RunSummary:
    """Refresh the named people (default: everyone tracked), once at a time per SCHOLAR_HOME."""
    named = find_people(ctx, names) if names else None  # before the lock: a typo is no run
    started = time.monotonic()
    summary = RunSummary(started_at=ctx.now())
    locks = ctx.settings.locks_dir
    lock = _acquire_lock(locks, opts.wait)
    if lock is None:
        summary.status, summary.lock_holder = "skipped", _lock_holder(locks)
        summary.finished_at = ctx.now()
        summary.requests = {"semantic_scholar": 0, "arxiv": 0}
        append_log(ctx.settings, summary.as_dict(people=False))
        return summary
    inner = ctx.reporter
    ctx.reporter = _RecordingReporter(inner, summary.warnings)
    try:
        people = named if named is not None else tracking.list_people(ctx.store)
        summary.run_id = tracking.start_run(ctx.store, summary.started_at)
        state = _RunState(opts, summary.started_at, tracking.latest_snapshots(ctx.store))
        plans = _plan(ctx, people, opts)
        _fetch_counts(ctx, plans, _batch_ids(ctx, plans))
        for plan in plans:
            _fetch_lists(ctx, plan, state)
        summary.arxiv_error = not _enrich(ctx, plans)
        summary.people = [_commit(ctx, plan, state) for plan in plans]
        from scholarcli.novelty.tracked import refresh_novelty  # scholar track --novelty

        refresh_novelty(ctx, [p.person for p in plans if p.failure is None], opts.as_of)
        from scholarcli.profile.selfcite import refresh_tracked  # track --self-citations

        refresh_tracked(
            ctx, [p.person for p in plans if p.failure is None], opts.as_of, opts.max_age
        )
        summary.status = _status(summary)
    except KeyboardInterrupt:
        summary.status = "interrupted"
        raise
    except BaseException:
        summary.status = "error"
        raise
    finally:
        ctx.reporter = inner
        summary.finished_at = ctx.now()
        summary.duration_seconds = round(time.monotonic() - started, 3)
        made = ctx.requests_made()
        summary.requests = {
            "semantic_scholar": made.get("Semantic Scholar", 0),
            "arxiv": made.get("arXiv", 0),
        }
        record = summary.as_dict(people=False)
        try:
            if summary.run_id is not None:
                tracking.finish_run(
                    ctx.store, summary.run_id, summary.finished_at, summary.status, record
                )
            append_log(ctx.settings, record)
        finally:
            _release_lock(locks, lock)
    return summary


# -- dry run --------------------------------------------------------------------------
@dataclass
class DryRun:
    rows: list[dict[str, Any]]
    requests: dict[str, int]  # S2 requests: made (the check) and expected (the rest)


def dry_run(ctx: Context, names: Sequence[str], opts: Options, *, check: bool) -> DryRun:
    """What a refresh would fetch. Writes nothing; asks S2 only with ``check`` (the count
    batch, ceil(ids / 1000) requests), otherwise decides from the cache alone."""
    people = find_people(ctx, names) if names else tracking.list_people(ctx.store)
    plans = _plan(ctx, people, opts, ask=check)
    known = _batch_ids(ctx, plans) if check else {}
    rows = []
    list_requests = 0
    for plan in plans:
        cost = sum(
            max(1, math.ceil((plan.current[i].paper_count or 0) / PAGE_LIMIT))
            if i in plan.current
            else 1
            for i in plan.lists
        )
        list_requests += cost
        if plan.failure:
            action = "fail"
        elif plan.fetched:
            action = {"list": "fetch list", "counts": "update citations (/paper/batch)"}.get(
                plan.fetched, "fetch list and update citations"
            )
        else:
            action = "check counts" if not check else "nothing"
        rows.append(
            {
                "key": plan.person.key,
                "name": plan.person.display,
                "ids": plan.person.author_ids,
                "action": action,
                "reason": plan.failure or "; ".join(plan.reasons),
                "list_requests": cost,
            }
        )
    ids = {i for p in people for i in p.author_ids}
    checks = math.ceil(len(ids) / AUTHOR_BATCH)
    batch = math.ceil(len({p for v in known.values() for p in v}) / PAPER_BATCH)
    requests = {"count_check": checks, "paper_lists": list_requests, "paper_batch": batch}
    return DryRun(rows, requests)
