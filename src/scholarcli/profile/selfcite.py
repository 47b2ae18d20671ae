"""Self-citations (``--self-citations``): who cites the person's papers, fetched and cached.

Requests, fewest first (docs/responsible-use.md, "Self-citations"):

* ``POST /paper/batch?fields=citationCount,citations.authors`` for the cited papers,
  packed so that each batch holds at most 500 ids and at most 9,999 citations: S2 nests
  at most 9,999 citing papers per batch answer *in all*, and fills that budget in an
  order of its own, leaving later papers with an empty list (s2-folks #199: 55 papers,
  two lists of 8,667 and 1,332 items, the rest empty). Packing by the known citation
  counts keeps every batch under the budget; a batch that still reaches it (counts grew
  since) sends its short lists round again.
* ``GET /paper/{id}/citations?fields=authors`` (1,000 a page, first 9,999 reachable) for
  a paper cited more often than the nested budget, which no batch can hold.

A paper's list is fetched again only when its citation count differs from the count at
the cached fetch or the fetch is older than ``--max-age`` (as citations per year), so a
warm profile with self-citations makes no request. Papers with no citations cost none.

It must not parse options or print: it reports through ``ctx.reporter``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from scholarcli.cache import selfcite as cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import SourceError
from scholarcli.indicators import selfcite as ind
from scholarcli.models import Profile

if TYPE_CHECKING:
    from scholarcli.cache.tracking import TrackedPerson

FIELDS = "citationCount,citations.authors"
NESTED_CAP = 9999  # citing papers one /paper/batch answer nests in all (SPEC)
BATCH = 500  # ids a /paper/batch request takes
PAGE = 1000  # citing papers a /paper/{id}/citations page holds
REACHABLE = 9999  # of them, /citations serves the first 9,999
BASIS = "citing papers Semantic Scholar lists (resolved citing papers)"


@dataclass
class Plan:
    """Batches of paper ids for ``/paper/batch`` and papers to page through."""

    batches: list[list[str]] = field(default_factory=list)
    paged: list[str] = field(default_factory=list)

    def requests(self, counts: dict[str, int]) -> int:
        pages = sum(max(1, -(-min(counts[p], REACHABLE) // PAGE)) for p in self.paged)
        return len(self.batches) + pages


def _first_fit(items: list[tuple[str, int]]) -> list[list[str]]:
    bins: list[tuple[list[str], int]] = []
    for paper_id, count in items:
        for k, (ids, total) in enumerate(bins):
            if len(ids) < BATCH and total + count <= NESTED_CAP:
                ids.append(paper_id)
                bins[k] = (ids, total + count)
                break
        else:
            bins.append(([paper_id], count))
    return [ids for ids, _ in bins]


def _worst_fit(items: list[tuple[str, int]], k: int) -> list[list[str]] | None:
    """``items`` in ``k`` batches, each into the emptiest one with room; None if one
    does not fit. Spreading the citations evenly leaves id room in every batch, which
    first-fit (full batches of a few cited papers, then batches full of ids) does not."""
    totals = [0] * k
    batches: list[list[str]] = [[] for _ in range(k)]
    for paper_id, count in items:
        best = -1
        for j in range(k):
            fits = len(batches[j]) < BATCH and totals[j] + count <= NESTED_CAP
            if fits and (best < 0 or totals[j] < totals[best]):
                best = j
        if best < 0:
            return None
        batches[best].append(paper_id)
        totals[best] += count
    return [batch for batch in batches if batch]


def plan(counts: dict[str, int]) -> Plan:
    """Batches of at most ``BATCH`` ids and ``NESTED_CAP`` citations, as few as the
    packing finds: worst-fit decreasing into the lower bound of batches, one more at a
    time, first-fit decreasing if that is no better; papers no batch holds are paged."""
    out = Plan()
    items: list[tuple[str, int]] = []
    for paper_id in sorted(counts, key=lambda p: (-counts[p], p)):
        count = max(counts[paper_id], 0)
        if count > NESTED_CAP:
            out.paged.append(paper_id)
        else:
            items.append((paper_id, count))
    if not items:
        return out
    first_fit = _first_fit(items)
    low = max(-(-len(items) // BATCH), -(-sum(c for _, c in items) // NESTED_CAP), 1)
    for k in range(low, len(first_fit)):
        spread = _worst_fit(items, k)
        if spread is not None:
            out.batches = spread
            return out
    out.batches = first_fit
    return out


def minimum_requests(counts: dict[str, int]) -> int:
    """The fewest requests any client needs: ids and nested items per batch, pages for
    the papers no batch holds (the benchmark compares ``plan`` with it)."""
    small = [c for c in counts.values() if 0 < c <= NESTED_CAP]
    big = [c for c in counts.values() if c > NESTED_CAP]
    batches = max(-(-len(small) // BATCH), -(-sum(small) // NESTED_CAP)) if small else 0
    return batches + sum(-(-min(c, REACHABLE) // PAGE) for c in big)


def _needs_fetch(
    ctx: Context, cached: cache.CitingAuthors | None, citations: int, fresh: Freshness
) -> bool:
    # As citations per year: again when the count moved or the fetch passed --max-age.
    if cached is None:
        return True
    return fresh.needs_fetch(ctx, cached.fetched_at, changed=cached.citations != citations)


def _answer_row(
    paper_id: str, answer: dict[str, Any] | None, count: int, now: str
) -> tuple[cache.CitingAuthors, int]:
    """The row to store (keyed to the profile's count ``count``, which a later run
    compares) and the count S2 gave now (which says whether the list was cut)."""
    from scholarcli.sources.semanticscholar import citing_entry

    if answer is None:
        return cache.CitingAuthors(paper_id, count, now), 0
    listed = [citing_entry(c) for c in answer.get("citations") or []]
    citations = answer.get("citationCount")
    row = cache.CitingAuthors(paper_id, count, now, tuple(e for e in listed if e is not None))
    return row, citations if isinstance(citations, int) else count


def _cut(answers: Sequence[dict[str, Any] | None]) -> bool:
    """Did this batch answer reach the nested budget (so short lists may be cut)?"""
    return sum(len(a.get("citations") or []) for a in answers if a) >= NESTED_CAP


def fetch(ctx: Context, counts: dict[str, int]) -> bool:
    """Fetch and store the citing lists of ``counts`` (paper id -> citations); False
    when a source failed (what arrived is kept)."""
    from scholarcli.novelty.references import ask

    planned = plan(counts)
    ctx.reporter.note(
        f"self-citations: reading who cites {len(counts)} paper(s): "
        f"about {planned.requests(counts)} request(s)"
    )
    queue = deque(planned.batches)
    paged = list(planned.paged)
    rounds: dict[str, int] = {}
    try:
        with ctx.reporter.progress("Citing papers", len(counts)) as advance:
            while queue:
                batch = queue.popleft()
                answers = ask(ctx, batch, FIELDS)
                now, cut = ctx.now(), _cut(answers)
                rows, again = [], {}
                for paper_id, answer in zip(batch, answers, strict=True):
                    row, now_cited = _answer_row(paper_id, answer, counts[paper_id], now)
                    if cut and answer is not None and row.listed < now_cited:
                        rounds[paper_id] = rounds.get(paper_id, 0) + 1
                        if len(batch) == 1 or rounds[paper_id] > 2:
                            paged.append(paper_id)
                        else:
                            again[paper_id] = now_cited
                        continue
                    if answer is None:
                        ctx.reporter.warn(f"paper {paper_id} is not on Semantic Scholar; skipped")
                    rows.append(row)
                cache.save(ctx.store, rows)
                advance(len(rows))
                if again:
                    queue.extend(plan(again).batches)
            for paper_id in dict.fromkeys(paged):
                try:
                    found = ctx.s2.citing_authors(paper_id)
                except SourceError as exc:
                    if exc.status != 404:  # the paper is gone from S2; the others may not be
                        raise
                    ctx.reporter.warn(f"{exc.message} for paper {paper_id}; skipped")
                    continue
                row = cache.CitingAuthors(
                    paper_id,
                    counts[paper_id],
                    ctx.now(),
                    tuple(found.citers),
                    truncated=found.truncated or counts[paper_id] > REACHABLE,
                )
                cache.save(ctx.store, [row])
                advance(1)
    except SourceError as exc:
        ctx.reporter.warn(f"{exc.message}; self-citations of some papers are missing or older")
        return False
    return True


def attach(ctx: Context, profile: Profile, fresh: Freshness) -> bool:
    """Fetch what is missing or stale (never offline), then put the counts on the
    profile's papers and its author record. False when a fetch failed."""
    cited = {p.paper_id: p.citations for p in profile.papers if p.citations > 0}
    cached = cache.load(ctx.store, cited)
    todo = {p: c for p, c in cited.items() if _needs_fetch(ctx, cached.get(p), c, fresh)}
    complete = True
    if todo and not ctx.offline:
        complete = fetch(ctx, todo)
        cached = cache.load(ctx.store, cited)
    authors = cache.paper_author_ids(ctx.store, [p.paper_id for p in profile.papers])
    rows = [(p.paper_id, p.citations, authors.get(p.paper_id, ())) for p in profile.papers]
    lists = {pid: row.citers for pid, row in cached.items()}
    per_paper, summary = ind.person_self_citations(rows, lists, profile.ids)
    for paper in profile.papers:
        counts = per_paper.get(paper.paper_id)
        if counts is None:
            continue
        paper.self_citations = counts.self_citations
        paper.coauthor_self_citations = counts.coauthor_self_citations
        paper.citations_excl_self = counts.citations_excl_self
        paper.coauthor_citations_excl_self = counts.coauthor_citations_excl_self
    profile.extra.update(summary)
    missing = [p for p in cited if p not in cached]
    if missing:
        why = "not cached and --offline is set" if ctx.offline else "not available"
        ctx.reporter.warn(
            f"who cites {len(missing)} paper(s) is {why}; the author's self-citation "
            "values stay empty"
        )
    cut = sum(1 for p in cited if p in cached and cached[p].truncated)
    if cut:
        ctx.reporter.warn(
            f"Semantic Scholar lists only the first {REACHABLE:,} citing papers; the "
            f"self-citations of {cut} paper(s) are lower bounds"
        )
    fetched = [cached[p].fetched_at for p in cited if p in cached]
    if fetched:
        profile.fetched["citing_papers"] = (min(fetched), max(fetched))
    return complete


def refresh_tracked(
    ctx: Context, people: Sequence[TrackedPerson], as_of: date, max_age: timedelta
) -> bool:
    """After a refresh: bring the citing lists of the watched ones among ``people``
    (``TrackedPerson``) up to date, from their cached profiles; False when partial."""
    from scholarcli.novelty.tracked import cached_profile

    watched = cache.watched(ctx.store)
    complete = True
    for person in people:
        if person.key not in watched:
            continue
        profile = cached_profile(ctx, person, as_of)
        if not attach(ctx, profile, Freshness(max_age=max_age)):
            ctx.reporter.warn(f"{person.key}: self-citations are partly from older data")
            complete = False
    return complete
