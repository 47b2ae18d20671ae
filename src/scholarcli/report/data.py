"""What a report shows of one person, gathered as ``scholar author -f json`` gathers it.

The profile, with its per-year citation counts, comes from
``profile.builder.build_profile`` (so ``--max-age``, ``--refresh`` and ``--offline``
behave as for ``scholar author --citations-by-year``, and every header number is the
profile's own), coauthors from ``analysis.collaborators`` and,
when the person is tracked, the h-index series from their refresh snapshots.

The h-index over time is the snapshot series when the person is tracked and has at
least two snapshots; otherwise it is reconstructed: for each year Y, the h-index of
the citations each paper had received from papers published up to Y. That
reconstruction leaves out citing papers without a year and papers whose per-year
counts are unknown, so its last point can sit below today's h-index; the page says so.

It must not render, print, parse options or import typer, rich, matplotlib or jinja2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from scholarcli.cache import tracking
from scholarcli.core import Context, Freshness
from scholarcli.indicators.metrics import h_index
from scholarcli.profile import analysis, builder

if TYPE_CHECKING:
    from scholarcli.models import Profile, ProfilePaper

#: Categories named in the papers-per-year chart; the rest are summed as "other".
TOP_CATEGORIES = 6
TOP_COAUTHORS = 10
NOT_ON_ARXIV = "not on arXiv"
OTHER = "other"
H_FROM_SNAPSHOTS = "snapshots"
H_RECONSTRUCTED = "reconstructed"


@dataclass
class HPoint:
    """One point of the h-index series: a label (a year or a snapshot date) and h."""

    label: str
    h_index: int


@dataclass
class PersonReport:
    """Everything the page shows of one person, as plain records."""

    author: dict[str, Any]  # Profile.author_record(), the `author` object of -f json
    papers: list[dict[str, Any]]  # ProfilePaper.as_record(), the `papers` of -f json
    per_year: list[dict[str, int]]  # year, papers, citations (analysis.per_year_rows)
    categories: list[str]  # the stacks of the papers-per-year chart, in legend order
    papers_by_category: dict[int, dict[str, int]]  # year -> stack -> papers
    h_series: list[HPoint]
    h_source: str  # H_FROM_SNAPSHOTS or H_RECONSTRUCTED
    coauthors: list[dict[str, Any]]  # analysis.collaborators records, the top ones
    notes: list[str] = field(default_factory=list)
    complete: bool = True
    provenance: dict[str, Any] | None = None  # profile.trust.provenance


def category_stacks(
    papers: Sequence[ProfilePaper], top: int = TOP_CATEGORIES
) -> tuple[list[str], dict[int, dict[str, int]]]:
    """Papers per year and arXiv category: the ``top`` categories by papers, then
    "other", then papers without an arXiv category; undated papers are left out."""
    totals = Counter(p.category for p in papers if p.category and p.year is not None)
    named = [code for code, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    stacks: dict[int, dict[str, int]] = {}
    for paper in papers:
        if paper.year is None:
            continue
        if not paper.category:
            stack = NOT_ON_ARXIV
        else:
            stack = paper.category if paper.category in named else OTHER
        row = stacks.setdefault(paper.year, {})
        row[stack] = row.get(stack, 0) + 1
    used = {stack for row in stacks.values() for stack in row}
    order = [*named, *(extra for extra in (OTHER, NOT_ON_ARXIV) if extra in used)]
    if stacks:  # every year from the first to the last, so gaps show as gaps
        for year in range(min(stacks), max(stacks) + 1):
            stacks.setdefault(year, {})
    return order, dict(sorted(stacks.items()))


def reconstructed_h(
    papers: Sequence[ProfilePaper],
    by_paper: Mapping[str, Mapping[int, int]],
    last_year: int,
) -> list[HPoint]:
    """h-index at the end of each year, from the citing papers' years (see module doc)."""
    years = [p.year for p in papers if p.year is not None]
    if not years:
        return []
    running = {p.paper_id: 0 for p in papers if p.paper_id in by_paper}
    # S2 sometimes dates a citing paper before the cited one (a preprint cited by its
    # published version's year): start early enough to count those too.
    first = min([*years, *(y for i in running for y, n in by_paper[i].items() if n)])
    points = []
    for year in range(first, max(last_year, first) + 1):
        for paper_id in running:
            running[paper_id] += by_paper[paper_id].get(year, 0)
        points.append(HPoint(str(year), h_index(running.values())))
    return points


def snapshot_h(ctx: Context, ids: Sequence[str]) -> list[HPoint]:
    """The h-index of each refresh snapshot of the tracked person with exactly these ids."""
    wanted = set(ids)
    for person in tracking.list_people(ctx.store):
        if set(person.author_ids) == wanted:
            history = tracking.person_history(ctx.store, person.key)
            return [HPoint(snap.taken_at[:10], snap.h_index) for snap in history]
    return []


def person_report(
    ctx: Context,
    name: str | None,
    ids: list[str],
    *,
    as_of: date,
    fresh: Freshness,
    self_citations: bool = False,
) -> PersonReport:
    """One person's report data; citations per year are fetched (and cached) as
    ``scholar author --citations-by-year`` fetches them, self-citations on request."""
    request = builder.ProfileRequest(
        name,
        tuple(ids),
        as_of=as_of,
        fresh=fresh,
        citations_by_year=True,
        self_citations=self_citations,
    )
    view = builder.build_profile(builder.profile_source(None, ctx), request)
    profile: Profile = view.profile
    papers = profile.papers
    timeline = view.timeline
    assert timeline is not None and view.per_year is not None  # citations_by_year asked
    per_year = view.per_year
    categories, by_category = category_stacks(papers)
    notes: list[str] = []
    h_series = snapshot_h(ctx, profile.ids)
    h_source = H_FROM_SNAPSHOTS
    if len(h_series) < 2:
        h_series = reconstructed_h(papers, timeline.by_paper, as_of.year)
        h_source = H_RECONSTRUCTED
        notes.append(
            "h-index over time is reconstructed from the years of citing papers "
            "(no refresh history); citing papers without a year are left out"
        )
    if timeline.missing:
        notes.append(
            f"citations per year of {len(timeline.missing)} paper(s) are unknown and left out"
        )
    # The curated records the profile was built from: no second read, no second note.
    papers_kept = list(view.records)
    own_names = [profile.name] + ([name] if name else [])
    coauthors = analysis.collaborators(papers_kept, profile.ids, own_names)
    return PersonReport(
        author=profile.author_record(),
        # Most cited first, as `scholar author` lists them by default.
        papers=[
            paper.as_record()
            for paper in sorted(papers, key=lambda p: (p.citations, p.cites_per_year), reverse=True)
        ],
        per_year=per_year,
        categories=categories,
        papers_by_category=by_category,
        h_series=h_series,
        h_source=h_source,
        coauthors=coauthors[:TOP_COAUTHORS],
        notes=notes,
        complete=view.complete,
        provenance=profile.provenance,
    )


def people_reports(
    ctx: Context,
    names: Sequence[str],
    ids: list[str],
    *,
    as_of: date,
    fresh: Freshness,
    self_citations: bool = False,
) -> list[PersonReport]:
    """One report per name, then one for all ``ids`` together (as ``scholar metrics``)."""
    asked: list[tuple[str | None, list[str]]] = [(name, []) for name in names]
    if ids:
        asked.append((None, ids))
    return [
        person_report(ctx, n, i, as_of=as_of, fresh=fresh, self_citations=self_citations)
        for n, i in asked
    ]
