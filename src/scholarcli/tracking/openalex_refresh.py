"""``scholar refresh`` for people tracked on OpenAlex (``scholar track --source openalex``).

A person is tracked on OpenAlex when their pinned ids are OpenAlex author ids
(``A…``); the watch list, snapshots and history are the same tables as for S2.

**What a refresh fetches** (docs/tracking.md, "OpenAlex"). OpenAlex's "what changed
since" filters (``from_updated_date``) are paid-only, so a free key checks counts
instead:

1. each id's author record, by id (free): its ``works_count``;
2. the whole works list again when it was never fetched, when that fetch is older than
   ``--max-age`` (with the S2 path's per-id jitter), with ``--all``, or when
   ``works_count`` changed (new works only come with the list);
3. otherwise the citation counts of the works cached, with OR-filtered list calls of
   100 works each (1 credit a call), laid over the cached records; a work the answer
   lacks (merged or withdrawn) makes the list due after all.

So a refresh right after another costs ceil(works / 100) credits a person and no
search. The snapshot is computed exactly as ``scholar author --source openalex`` does.
A person fails alone, and a spent daily budget stops the rest (they would fail too).

It must not parse options, print, or import typer or rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import openalex as oa_cache
from scholarcli.cache import tracking
from scholarcli.cache.tracking import PersonSnapshot, TrackedPerson
from scholarcli.errors import NotFoundError, SourceError
from scholarcli.profile import merge
from scholarcli.profile.openalex_source import AUTHOR_ID, OpenAlexSource

if TYPE_CHECKING:
    from scholarcli.core import Context
    from scholarcli.tracking.refresh import PersonResult


def is_openalex(person: TrackedPerson) -> bool:
    return bool(person.author_ids) and all(AUTHOR_ID.fullmatch(i) for i in person.author_ids)


def _budget_spent(exc: SourceError) -> bool:
    return exc.status == 429 and "daily budget is spent" in exc.message


def _refresh_id(
    ctx: Context, source: OpenAlexSource, author_id: str, max_age: timedelta, force: bool
) -> tuple[str, str]:
    """Bring one id current; (what was fetched, why)."""
    from scholarcli.core import Freshness
    from scholarcli.tracking.refresh import due_age

    fetch = oa_cache.works_fetch(ctx.store, author_id)
    cached = oa_cache.load_authors(ctx.store, [author_id]).get(author_id)
    author = ctx.openalex.author(author_id)
    reason = ""
    if fetch is None:
        reason = f"{author_id}: never fetched"
    elif force:
        reason = f"{author_id}: --all"
    elif not Freshness(max_age=due_age(max_age, author_id)).within_age(ctx, fetch.fetched_at):
        reason = f"{author_id}: fetched {fetch.fetched_at[:10]}, due under --max-age"
    elif cached is None or cached[0].paper_count != author.paper_count:
        before = cached[0].paper_count if cached else None
        reason = f"{author_id}: works {before} -> {author.paper_count}"
    if reason:
        source.papers(author, Freshness(max_age=max_age, refresh=True))
        return "list", reason
    known = [w.paper_id for w in oa_cache.load_author_works(ctx.store, author_id)]
    counts = ctx.openalex.works_by_ids(known)
    missing = [w for w in known if w not in counts]
    if missing:
        source.papers(author, Freshness(max_age=max_age, refresh=True))
        return "list", f"{author_id}: {len(missing)} work(s) gone or merged"
    oa_cache.update_counts(ctx.store, counts, ctx.now())
    oa_cache.save_authors(ctx.store, [author], ctx.now())
    return "counts", ""


def _number(metrics: dict[str, object], key: str) -> int:
    value = metrics.get(key)
    return value if isinstance(value, int) else 0


def refresh_people(
    ctx: Context,
    people: Sequence[TrackedPerson],
    *,
    as_of: date,
    max_age: timedelta,
    force: bool,
    taken_at: str,
    previous: dict[str, PersonSnapshot],
) -> list[PersonResult]:
    from scholarcli.profile import sync
    from scholarcli.tracking.refresh import PersonResult

    source = OpenAlexSource(ctx)
    results: list[PersonResult] = []
    spent: str | None = None
    for person in people:
        if spent is not None:
            tracking.record_failure(ctx.store, person.key, spent, taken_at)
            results.append(
                PersonResult(
                    person.key, person.display, "failed", reason=spent, source_failure=True
                )
            )
            continue
        fetched, reasons = [], []
        try:
            for author_id in person.author_ids:
                what, why = _refresh_id(ctx, source, author_id, max_age, force)
                fetched.append(what)
                if why:
                    reasons.append(why)
        except (SourceError, NotFoundError) as exc:
            source_failure = isinstance(exc, SourceError)
            if isinstance(exc, SourceError) and _budget_spent(exc):
                spent = exc.message
            tracking.record_failure(ctx.store, person.key, exc.message, taken_at)
            results.append(
                PersonResult(
                    person.key,
                    person.display,
                    "failed",
                    reason=exc.message,
                    source_failure=source_failure,
                )
            )
            continue
        lists = [oa_cache.load_author_works(ctx.store, i) for i in person.author_ids]
        papers = sync.person_papers(ctx, person.author_ids, lists, report=False)
        arxiv = arxiv_cache.load_arxiv(ctx.store, [p.arxiv_id for p in papers if p.arxiv_id])
        rows = merge.profile_papers(papers, arxiv, person.author_ids, person.name, as_of)
        metrics = merge.profile_metrics(rows, as_of)
        snapshot = PersonSnapshot(
            taken_at,
            _number(metrics, "paper_count"),
            _number(metrics, "citation_count"),
            _number(metrics, "h_index"),
            {**metrics, "as_of": as_of.isoformat(), "source": "openalex"},
        )
        tracking.commit_person(
            ctx.store,
            tracking.PersonCommit(
                key=person.key,
                taken_at=taken_at,
                snapshot=snapshot,
                paper_citations={row.paper_id: row.citations for row in rows},
            ),
        )
        before = previous.get(person.key)
        listed = "list" in fetched
        results.append(
            PersonResult(
                key=person.key,
                name=person.display,
                status="refreshed"
                if listed or (before and before.citations != snapshot.citations)
                else "unchanged",
                fetched="+".join(dict.fromkeys(fetched)),
                reason="; ".join(reasons),
                papers=snapshot.papers,
                citations=snapshot.citations,
                citations_change=snapshot.citations - before.citations if before else None,
                h_index=snapshot.h_index,
            )
        )
    return results
