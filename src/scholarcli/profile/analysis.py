"""Orchestration for ``metrics``, ``compare``, ``coauthors`` and citations per year.

People are built by ``builder.build_profile`` (so the cache, ``--max-age``,
``--refresh`` and ``--offline`` behave exactly as for ``scholar author``, and the
numbers are the profile's own). This module adds what
those commands need on top: per-year citation counts fetched on request and cached,
metric rows for many people or for a file of papers, a side-by-side comparison, and
collaborators counted from the cached author lists.

Per-year counts of a paper are fetched again only when its citation count differs
from the count at the cached fetch, or the fetch is older than ``--max-age`` (new
citations change the count, so an unchanged count means unchanged years; ``--refresh``
refreshes the counts and so the years of every paper that gained citations).
Papers with no citations cost no request.

It must not parse options, print, or import typer or rich: it reports through the
context's ``Reporter`` and returns plain records for the commands to render.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from scholarcli.cache import citations as citation_cache
from scholarcli.core import Context, Freshness, Reporter, fold_name
from scholarcli.errors import NotFoundError, SourceError, UsageError
from scholarcli.indicators import metrics
from scholarcli.indicators.metrics import METRIC_FIELDS, MetricValue, PaperStats
from scholarcli.indicators.selfcite import SELF_CITATION_FIELDS
from scholarcli.profile import builder, sync

if TYPE_CHECKING:
    from scholarcli.inputs.reference import PaperList
    from scholarcli.models import Paper, Profile, ProfilePaper

SOURCE_S2 = builder.SOURCE_S2
PERSON_FIELDS: tuple[str, ...] = ("name", "ids", "source", *METRIC_FIELDS)
PER_YEAR_FIELDS: tuple[str, ...] = ("year", "papers", "citations")
COAUTHOR_FIELDS: tuple[str, ...] = (
    "name",
    "author_id",
    "joint_papers",
    "first_year",
    "last_year",
    "joint_citations",
)
# Rows of `compare` where a larger value is not "better", only different: when a
# career started, how long it is, and how many coauthors a paper has. Every other
# metric counts output or impact, so the largest value is the best one.
DESCRIPTIVE_FIELDS = frozenset({"first_year", "last_year", "career_years", "authors_per_paper"})
# With --self-citations: how much of the count is the person's own is context, not a score.
SELF_CITATION_CONTEXT = frozenset(
    {
        "self_citations",
        "self_citation_rate",
        "coauthor_self_citations",
        "coauthor_self_citation_rate",
        "self_citations_listed",
    }
)
# /paper/{id}/citations: one page holds at most 1,000 citing papers, at most 9,999
# of them are reachable (sources.semanticscholar.SemanticScholar.citation_years).
CITATION_PAGE = 1000
CITATION_PAGES_MAX = 10
# merge.profile_metrics rounds to four places; rows from files are rounded alike.
DECIMALS = 4


# --- citations per year -----------------------------------------------------------------


@dataclass
class CitationTimeline:
    """Per-year citation counts of a profile's papers, as far as they are known.

    ``by_paper`` has an entry for every paper whose counts are known (papers without
    citations always are); ``missing`` lists cited papers without any.
    """

    by_paper: dict[str, Mapping[int, int]]
    missing: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    undated: int = 0
    complete: bool = True


def _needs_fetch(
    ctx: Context,
    cached: citation_cache.CitationYears | None,
    citations: int,
    fresh: Freshness,
) -> bool:
    if cached is None:
        return True
    return fresh.needs_fetch(ctx, cached.fetched_at, changed=cached.citations != citations)


def _pages(citations: int) -> int:
    return min(math.ceil(citations / CITATION_PAGE), CITATION_PAGES_MAX)


def _fetch_years(
    ctx: Context,
    todo: Sequence[ProfilePaper],
    cached: dict[str, citation_cache.CitationYears],
) -> bool:
    """Fetch and store each paper's counts; False when any of them failed."""
    ctx.reporter.note(
        f"fetching citations per year of {len(todo)} paper(s): "
        f"about {sum(_pages(p.citations) for p in todo)} request(s)"
    )
    gone = False
    with ctx.reporter.progress("Citations per year", len(todo)) as advance:
        for done, paper in enumerate(todo):
            try:
                counts = ctx.s2.citation_years(paper.paper_id)
            except SourceError as exc:
                if exc.status == 404:  # the paper is gone from S2; the others may not be
                    ctx.reporter.warn(f"{exc.message} for paper {paper.paper_id}; skipped")
                    gone = True
                    continue
                ctx.reporter.warn(
                    f"{exc.message}; citations per year of {len(todo) - done} paper(s) "
                    "are missing or from an older fetch"
                )
                return False
            entry = citation_cache.CitationYears(
                paper_id=paper.paper_id,
                citations=paper.citations,
                fetched_at=ctx.now(),
                by_year=counts.by_year,
                undated=counts.undated,
                truncated=counts.truncated,
            )
            citation_cache.save(ctx.store, entry)
            cached[paper.paper_id] = entry
            advance(1)
    return not gone


def citation_timeline(
    ctx: Context, papers: Sequence[ProfilePaper], fresh: Freshness
) -> CitationTimeline:
    """Per-year citation counts of ``papers``: cached, fetched when stale, reported."""
    cited = [paper for paper in papers if paper.citations > 0]
    cached = citation_cache.load(ctx.store, [paper.paper_id for paper in cited])
    todo = [p for p in cited if _needs_fetch(ctx, cached.get(p.paper_id), p.citations, fresh)]
    complete = _fetch_years(ctx, todo, cached) if todo and not ctx.offline else True
    timeline = CitationTimeline(
        by_paper={paper.paper_id: {} for paper in papers if paper.citations == 0},
        complete=complete,
    )
    for paper in cited:
        entry = cached.get(paper.paper_id)
        if entry is None:
            timeline.missing.append(paper.paper_id)
            continue
        timeline.by_paper[paper.paper_id] = entry.by_year
        timeline.undated += entry.undated
        if entry.truncated:
            timeline.truncated.append(paper.paper_id)
    _report_gaps(ctx, timeline)
    return timeline


def _report_gaps(ctx: Context, timeline: CitationTimeline) -> None:
    if timeline.missing:
        why = "not cached and --offline is set" if ctx.offline else "not available"
        ctx.reporter.warn(
            f"citations per year of {len(timeline.missing)} paper(s) are {why}; "
            "the per-year counts leave them out and h5_index/i10_5y stay empty"
        )
    if timeline.truncated:
        ctx.reporter.warn(
            "Semantic Scholar lists only the first 9,999 citing papers; the per-year "
            f"counts of {len(timeline.truncated)} paper(s) are lower bounds"
        )
    if timeline.undated:
        ctx.reporter.note(
            f"{timeline.undated} citing paper(s) have no year and are not counted per year"
        )


def per_year_rows(
    papers: Sequence[ProfilePaper], by_paper: Mapping[str, Mapping[int, int]]
) -> list[dict[str, int]]:
    """One row per calendar year, first to last, gaps included: papers and citations."""
    published = Counter(paper.year for paper in papers if paper.year is not None)
    received: Counter[int] = Counter()
    for paper in papers:
        received.update(by_paper.get(paper.paper_id, {}))
    years = set(published) | {year for year, count in received.items() if count}
    if not years:
        return []
    return [
        {"year": year, "papers": published[year], "citations": received[year]}
        for year in range(min(years), max(years) + 1)
    ]


def recent_metrics(
    papers: Sequence[ProfilePaper], by_paper: Mapping[str, Mapping[int, int]], as_of: date
) -> dict[str, MetricValue]:
    """h5_index and i10_5y from per-year counts (None if any paper lacks them)."""
    stats = [
        PaperStats(
            citations=paper.citations,
            year=paper.year,
            citations_by_year=by_paper.get(paper.paper_id),
        )
        for paper in papers
    ]
    values = metrics.author_metrics(stats, as_of.year)
    return {"h5_index": values["h5_index"], "i10_5y": values["i10_5y"]}


# --- profiles ---------------------------------------------------------------------------


# --- metric rows for people -------------------------------------------------------------


@dataclass
class PersonMetrics:
    """One person's metrics, keyed by METRIC_FIELDS, and where they come from."""

    name: str
    ids: list[str]
    source: str
    values: dict[str, MetricValue]
    complete: bool = True
    primary_category: str | None = None  # for compare's context warnings

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "ids": list(self.ids), "source": self.source, **self.values}


def _profile_values(profile: Profile, self_citations: bool = False) -> dict[str, MetricValue]:
    # The profile header calls two of them paper_count and citation_count (docs/design.md, Output).
    renamed = {"papers": "paper_count", "citations": "citation_count"}
    values = {name: profile.metrics.get(renamed.get(name, name)) for name in METRIC_FIELDS}
    if self_citations:
        values.update({name: profile.extra.get(name) for name in SELF_CITATION_FIELDS})
    return values


def people_metrics(
    source: builder.ProfileSource,
    names: Sequence[str],
    ids: list[str],
    *,
    as_of: date,
    fresh: Freshness,
    citations_by_year: bool = False,
    missing: list[NotFoundError] | None = None,
    self_citations: bool = False,
) -> list[PersonMetrics]:
    """One row per name, then one for all ``ids`` together (a person split over ids).

    Each row is the metrics of ``builder.build_profile``, so they are the profile's
    own. With ``missing``, a name or id that matches nobody is added to it and the
    others are still returned; without, the first such one raises ``NotFoundError``.
    """
    # Refused before any person is looked up, even when there is none (only --input).
    builder.check_supported(
        source, builder.ProfileRequest(None, (), as_of=as_of, citations_by_year=citations_by_year)
    )
    asked: list[tuple[str | None, list[str]]] = [(name, []) for name in names]
    if ids:
        asked.append((None, ids))
    people = []
    for name, person_ids in asked:
        request = builder.ProfileRequest(
            name,
            tuple(person_ids),
            as_of=as_of,
            fresh=fresh,
            citations_by_year=citations_by_year,
            self_citations=self_citations,
        )
        try:
            view = builder.build_profile(source, request)
        except NotFoundError as exc:
            if missing is None:
                raise
            missing.append(exc)
            continue
        profile = view.profile
        people.append(
            PersonMetrics(
                profile.name,
                profile.ids,
                view.source,
                _profile_values(profile, self_citations),
                view.complete,
                profile.primary_category,
            )
        )
    return people


def input_metrics(papers: PaperList, as_of: date, reporter: Reporter) -> PersonMetrics:
    """Metrics of a file of papers (``inputs.read_papers``), named after the file."""
    values = metrics.author_metrics(papers.papers, as_of.year)
    if not papers.has_positions:
        # Without the person's place in each author list these counts are unknown, not 0.
        values["first_author_papers"] = values["last_author_papers"] = None
        reporter.note(f"{papers.source}: no author_position column, first/last-author counts empty")
    if papers.papers and not papers.has_authors:
        reporter.note(
            f"{papers.source}: no authors or author count column; "
            "author-normalised metrics count every paper as single-authored"
        )
    rounded = {k: round(v, DECIMALS) if isinstance(v, float) else v for k, v in values.items()}
    return PersonMetrics(papers.source, [], papers.source, rounded)


# --- compare ----------------------------------------------------------------------------


@dataclass
class Comparison:
    """Metrics as rows, people as columns; each row's ``best`` lists the winning columns."""

    people: list[dict[str, Any]]  # {"column", "name", "ids", "source"} per person
    rows: list[dict[str, Any]]  # {"metric", <column>: value ..., "best": [columns]}
    warnings: list[str] = field(default_factory=list)  # profile.trust.context_warnings


def _column_labels(people: Sequence[PersonMetrics]) -> list[str]:
    """People's names as column labels, made unique ("A. Kim", "A. Kim (2)")."""
    labels: list[str] = []
    taken = {"metric", "best"}
    for person in people:
        label, n = person.name or "?", 1
        while label in taken:
            n += 1
            label = f"{person.name} ({n})"
        taken.add(label)
        labels.append(label)
    return labels


def best_columns(metric: str, values: Mapping[str, MetricValue]) -> list[str]:
    """Columns holding the largest value of ``metric``; none for descriptive rows,
    when fewer than two values are known, or when every known value ties."""
    known = {column: value for column, value in values.items() if value is not None}
    if metric in DESCRIPTIVE_FIELDS or metric in SELF_CITATION_CONTEXT or len(known) < 2:
        return []
    top = max(known.values())
    winners = [column for column, value in known.items() if value == top]
    return [] if len(winners) == len(known) else winners


def compare(people: Sequence[PersonMetrics], *, at_least: int = 2) -> Comparison:
    """People side by side; ``at_least=1`` when some asked for were not found."""
    if len(people) < at_least:
        raise UsageError(
            "compare needs at least two people", hint="give two names, or names and --input"
        )
    labels = _column_labels(people)
    rows = []
    extra = [name for name in SELF_CITATION_FIELDS if any(name in p.values for p in people)]
    for metric in (*METRIC_FIELDS, *extra):
        values = {
            label: person.values.get(metric) for label, person in zip(labels, people, strict=True)
        }
        rows.append({"metric": metric, **values, "best": best_columns(metric, values)})
    identities = [
        {"column": label, "name": person.name, "ids": person.ids, "source": person.source}
        for label, person in zip(labels, people, strict=True)
    ]
    from scholarcli.profile.trust import context_warnings

    context = [
        {
            "name": label,
            "primary_category": person.primary_category,
            "career_years": person.values.get("career_years"),
        }
        for label, person in zip(labels, people, strict=True)
    ]
    return Comparison(identities, rows, context_warnings(context))


# --- coauthors --------------------------------------------------------------------------


@dataclass
class _Tally:
    author_id: str | None
    names: Counter[str] = field(default_factory=Counter)
    papers: int = 0
    citations: int = 0
    years: list[int] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "name": self.names.most_common(1)[0][0] if self.names else "",
            "author_id": self.author_id,
            "joint_papers": self.papers,
            "first_year": min(self.years, default=None),
            "last_year": max(self.years, default=None),
            "joint_citations": self.citations,
        }


def _paper_year(paper: Paper) -> int | None:
    if paper.year:
        return paper.year
    when = paper.publication_date or ""
    return int(when[:4]) if when[:4].isdigit() else None


def collaborators(
    papers: Iterable[Paper], own_ids: Iterable[str], own_names: Iterable[str]
) -> list[dict[str, Any]]:
    """Coauthors ranked by joint papers, then joint citations, then name (then id).

    A coauthor is their S2 author id when the paper lists one; an id-less entry joins
    the id its folded name has elsewhere in these papers when that is unambiguous, else
    it stands for itself by folded name. The person (``own_ids``, or a folded name in
    ``own_names``) is left out; a paper counts once per coauthor.
    """
    papers = list(papers)
    excluded_ids, excluded_names = set(own_ids), {fold_name(n) for n in own_names}
    ids_by_name: dict[str, set[str]] = {}
    for paper in papers:
        for ref in paper.authors:
            if ref.author_id:
                ids_by_name.setdefault(fold_name(ref.name), set()).add(ref.author_id)
    tallies: dict[str, _Tally] = {}
    for paper in papers:
        year = _paper_year(paper)
        counted: set[str] = set()
        for ref in paper.authors:
            folded = fold_name(ref.name)
            if ref.author_id in excluded_ids or folded in excluded_names:
                continue
            known = ids_by_name.get(folded, set())
            author_id = ref.author_id or (next(iter(known)) if len(known) == 1 else None)
            key = f"id:{author_id}" if author_id else f"name:{folded}"
            if key == "name:" or key in counted:
                continue
            counted.add(key)
            tally = tallies.setdefault(key, _Tally(author_id))
            tally.names[ref.name.strip()] += 1
            tally.papers += 1
            tally.citations += paper.citations
            if year is not None:
                tally.years.append(year)
    records = [tally.record() for tally in tallies.values()]
    records.sort(
        key=lambda r: (
            -r["joint_papers"],
            -r["joint_citations"],
            r["name"].casefold(),
            r["author_id"] or "",
        )
    )
    return records


@dataclass
class CoauthorList:
    name: str
    ids: list[str]
    coauthors: list[dict[str, Any]]


def coauthors(
    ctx: Context,
    name: str | None,
    ids: list[str],
    *,
    fresh: Freshness,
    source: str | None = None,
) -> CoauthorList:
    """The person's collaborators, from the cached paper lists (fetched when stale)."""
    from scholarcli.profile import builder as profile_builder

    if profile_builder.is_openalex(source):
        request = profile_builder.ProfileRequest(name, tuple(ids), as_of=date.today(), fresh=fresh)
        view = profile_builder.build_profile(profile_builder.profile_source(source, ctx), request)
        own = view.profile.ids
        own_names = [view.profile.name] + ([name] if name else [])
        found = collaborators(list(view.records), own, own_names)
        return CoauthorList(view.profile.name, own, found)
    resolution = sync.resolve(ctx, name, ids, fresh)
    chosen = resolution.authors
    if resolution.other_candidates and name and resolution.searched:  # once: docs/names.md
        ctx.reporter.note(
            f"{resolution.other_candidates} other Semantic Scholar profile(s) match "
            f"{name!r}; showing {chosen[0].name} ({chosen[0].author_id}); "
            f'scholar find "{name}" lists them, --id pins one'
        )
    papers = sync.person_papers(
        ctx,
        [a.author_id for a in chosen],
        [sync.author_papers(ctx, a, fresh) for a in chosen],
        name=chosen[0].name,
    )
    own_names = [a.name for a in chosen] + ([name] if name else [])
    found = collaborators(papers, [a.author_id for a in chosen], own_names)
    return CoauthorList(chosen[0].name, [a.author_id for a in chosen], found)
