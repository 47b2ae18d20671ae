"""The sources side by side, and where they disagree (docs/sources.md, "Side by side").

Takes one person's profile from each source (the first is the headline), pairs their
papers with ``match`` and returns plain records: each paper once, with its citations
in every source (``citations_by_source``) and the sources that list it
(``in_sources``); a summary per source (ids, papers, citations, h-index); the papers
only one source attributes to the person, with the reason when it is known; and the
disagreements a librarian checks (papers in one source only, citation counts that
differ by more than ``CitationGap``, different years, different DOIs), biggest first.

Counts are never added up across sources: each stays with the source that gave it.
Pure: the lookups that explain a one-source paper are done by the caller
(``crosswalk.lookup``) and passed in as ``Sighting`` records. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholarcli.crosswalk.match import Matching, arxiv_key, doi_key, match
from scholarcli.indicators import metrics
from scholarcli.models import OPENALEX_PAPER_FIELDS, Profile, ProfilePaper

#: What each source is called in prose (the ``--source`` name is the key).
SOURCE_NAMES = {"s2": "Semantic Scholar", "openalex": "OpenAlex"}
RULE_NAMES = {"doi": "DOI", "arxiv": "arXiv id", "title": "title and year"}

NOT_INDEXED = "not indexed"
ELSEWHERE = "attributed to another profile"
ONE_WORK = "one work there"
UNLISTED = "under this person there, but not in the profile's list"

#: Fields of one paper of the side-by-side view, after the usual paper fields.
SIDE_PAPER_FIELDS = ("in_sources", "citations_by_source", "matched_by", "only_reason")


def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, source)


@dataclass(frozen=True)
class CitationGap:
    """When two citation counts of one paper disagree enough to list.

    They do when they differ by more than ``ratio`` of the larger count *and* by at
    least ``minimum`` citations: 25 % and 5 by default, so 187 against 120 is listed
    (67 > 46.75) and 4 against 1 is not (a gap of 3 is noise at that size).
    """

    ratio: float = 0.25
    minimum: int = 5

    def differs(self, a: int, b: int) -> bool:
        gap = abs(a - b)
        return gap >= self.minimum and gap > self.ratio * max(a, b)

    def describe(self) -> str:
        return f"more than {self.ratio:.0%} of the larger count and at least {self.minimum}"


@dataclass(frozen=True)
class Sighting:
    """What a lookup on ``source`` found for a paper missing from that source's profile.

    ``found`` is False when the source has no work with the paper's DOI or arXiv id
    (not indexed), True when it has one (then ``authors`` are its author names and
    ``person`` says whether one of them is the person's own id there); None when the
    paper has no id to look up with.
    """

    found: bool | None
    authors: tuple[str, ...] = ()
    person: bool = False
    paper_id: str | None = None
    # The author there whose name agrees with the person's: a namesake's profile (or
    # the person split), shown as "Dae-Sung Chang (A5999999999)".
    namesake: str | None = None


@dataclass
class SourceSide:
    """One source's profile of the person, as the side-by-side view needs it."""

    source: str
    profile: Profile

    def summary(self) -> dict[str, Any]:
        citations = [paper.citations for paper in self.profile.papers]
        return {
            "name": source_name(self.source),
            "ids": list(self.profile.ids),
            "papers": len(citations),
            "citations": sum(citations),
            "h_index": metrics.h_index(citations),
        }


@dataclass
class CrossPaper:
    """One paper of the person, as each source sees it (None: not in that source)."""

    by_source: dict[str, ProfilePaper | None]
    matched_by: str | None = None  # a RULES name; None when only one source has it
    only_reason: str | None = None

    @property
    def in_sources(self) -> list[str]:
        return [source for source, paper in self.by_source.items() if paper is not None]

    @property
    def citations_by_source(self) -> dict[str, int | None]:
        return {s: (p.citations if p is not None else None) for s, p in self.by_source.items()}

    @property
    def shown(self) -> ProfilePaper:
        """The headline source's record, else the first source that has the paper."""
        return next(paper for paper in self.by_source.values() if paper is not None)

    def record(self) -> dict[str, Any]:
        """The shown record, OpenAlex's own fields (FWCI, percentile, retraction, topic)
        from its side whatever the headline, then the side-by-side fields."""
        record = self.shown.as_record()
        openalex = self.by_source.get("openalex")
        for name in OPENALEX_PAPER_FIELDS:
            record[name] = getattr(openalex, name) if openalex is not None else None
        record["in_sources"] = self.in_sources
        record["citations_by_source"] = self.citations_by_source
        record["matched_by"] = self.matched_by
        record["only_reason"] = self.only_reason
        return record


@dataclass
class SideBySide:
    sources: list[SourceSide]
    papers: list[CrossPaper]  # each paper once, most cited (by the headline) first
    gap: CitationGap = field(default_factory=CitationGap)

    @property
    def headline(self) -> SourceSide:
        return self.sources[0]

    def summaries(self) -> dict[str, dict[str, Any]]:
        return {side.source: side.summary() for side in self.sources}

    def matched(self) -> list[CrossPaper]:
        return [paper for paper in self.papers if len(paper.in_sources) > 1]

    def only_in(self, source: str) -> list[CrossPaper]:
        return [paper for paper in self.papers if paper.in_sources == [source]]

    def rule_counts(self) -> dict[str, int]:
        counts = {rule: 0 for rule in RULE_NAMES}
        for paper in self.matched():
            if paper.matched_by:
                counts[paper.matched_by] += 1
        return counts


def _citations_key(paper: CrossPaper) -> tuple[int, ...]:
    # Headline citations first; a paper the headline lacks sorts by the others' counts.
    return tuple(-(c if c is not None else -1) for c in paper.citations_by_source.values())


def side_by_side(
    sides: Sequence[SourceSide],
    sightings: Mapping[tuple[str, str], Sighting] | None = None,
    gap: CitationGap | None = None,
) -> SideBySide:
    """Pair every further source's papers with the headline's (``sides[0]``).

    ``sightings`` maps ``(source, paper_id)`` of a paper missing from ``source`` but
    present in another, to what a lookup on ``source`` found.
    """
    if not sides:
        raise ValueError("no sources to put side by side")
    names = [side.source for side in sides]
    head = sides[0]
    rows = [
        CrossPaper({name: (paper if name == head.source else None) for name in names})
        for paper in head.profile.papers
    ]
    matchings: dict[str, Matching] = {}
    for side in sides[1:]:
        heads = [row.shown for row in rows]
        found = match(heads, side.profile.papers)
        matchings[side.source] = found
        for pair in found.pairs:
            rows[pair.left].by_source[side.source] = side.profile.papers[pair.right]
            rows[pair.left].matched_by = rows[pair.left].matched_by or pair.rule
        for index in found.right_only:
            cross = CrossPaper({name: None for name in names})
            cross.by_source[side.source] = side.profile.papers[index]
            rows.append(cross)
    for row in rows:
        if len(row.in_sources) == 1:
            row.only_reason = _reason(row, names, sides, sightings or {})
    rows.sort(key=_citations_key)
    return SideBySide(list(sides), rows, gap or CitationGap())


def _reason(
    row: CrossPaper,
    names: Sequence[str],
    sides: Sequence[SourceSide],
    sightings: Mapping[tuple[str, str], Sighting],
) -> str | None:
    """Why the other sources lack this paper, as far as anyone can tell."""
    have = row.in_sources[0]
    paper = row.shown
    reasons = []
    for side in sides:
        if side.source == have:
            continue
        twin = _twin(paper, side.profile.papers)
        if twin is not None:
            reasons.append(
                f"{ONE_WORK}: {source_name(side.source)} counts it with {twin.title!r} "
                "(a preprint and its publication are one record there)"
            )
            continue
        seen = sightings.get((side.source, paper.paper_id))
        if seen is None or seen.found is None:
            continue
        if not seen.found:
            reasons.append(f"{NOT_INDEXED} on {source_name(side.source)}")
        elif seen.person:
            reasons.append(f"{UNLISTED} on {source_name(side.source)}")
        else:
            who = seen.namesake or (
                ", ".join(seen.authors[:3]) + (" et al." if len(seen.authors) > 3 else "")
            )
            reasons.append(
                f"{ELSEWHERE} on {source_name(side.source)}" + (f": {who}" if who else "")
            )
    return "; ".join(reasons) or None


def _twin(paper: ProfilePaper, others: Sequence[ProfilePaper]) -> ProfilePaper | None:
    """A paper of ``others`` with the same DOI or arXiv id (one record for two there)."""
    doi, arxiv = doi_key(paper), arxiv_key(paper)
    for other in others:
        if (doi and doi_key(other) == doi) or (arxiv and arxiv_key(other) == arxiv):
            return other
    return None


# --- disagreements -----------------------------------------------------------------------

DISAGREEMENT_KINDS = ("only_in", "citations", "year", "doi")


def disagreement_fields(sources: Sequence[str]) -> tuple[str, ...]:
    """Columns of ``scholar sources``: a citations column per source, named after it."""
    return ("kind", "title", "year", *sources, "gap", "detail", "in_sources", "doi", "arxiv_id")


def disagreements(view: SideBySide) -> list[dict[str, Any]]:
    """What a librarian should check, biggest first (``gap`` is the citations at stake).

    ``only_in``: a paper one source attributes and another does not (the gap is its
    citations); ``citations``: counts that differ by more than ``view.gap`` (the gap is
    the difference); ``year``: different publication years; ``doi``: different DOIs
    for papers paired by arXiv id or title. Ties go to the more cited paper, then title.
    """
    names = [side.source for side in view.sources]
    rows: list[dict[str, Any]] = []
    for cross in view.papers:
        counts = cross.citations_by_source
        base = _base(cross, names)
        if len(cross.in_sources) == 1:
            have = cross.in_sources[0]
            detail = cross.only_reason or "reason unknown (no DOI or arXiv id to look it up by)"
            rows.append(base | {"kind": "only_in", "gap": counts[have] or 0, "detail": detail})
            continue
        known = {s: c for s, c in counts.items() if c is not None}
        high = max(known, key=lambda s: known[s])
        low = min(known, key=lambda s: known[s])
        if view.gap.differs(known[high], known[low]):
            difference = known[high] - known[low]
            detail = (
                f"{source_name(high)} counts {difference:,} more "
                f"({known[high]:,} against {known[low]:,}, "
                f"{difference / max(known[high], 1):.0%} of the larger)"
            )
            rows.append(base | {"kind": "citations", "gap": difference, "detail": detail})
        years = {s: p.year for s, p in cross.by_source.items() if p is not None}
        if len({y for y in years.values() if y is not None}) > 1:
            parts = ", ".join(f"{source_name(s)} {y}" for s, y in years.items())
            spread = max(y for y in years.values() if y) - min(y for y in years.values() if y)
            why = " (a preprint and its publication?)" if spread == 1 else ""
            rows.append(base | {"kind": "year", "gap": 0, "detail": f"{parts}{why}"})
        dois = {s: doi_key(p) for s, p in cross.by_source.items() if p is not None}
        if len({d for d in dois.values() if d}) > 1:
            parts = ", ".join(f"{source_name(s)} {d}" for s, d in dois.items() if d)
            rows.append(base | {"kind": "doi", "gap": 0, "detail": parts})
    rank = {kind: index for index, kind in enumerate(DISAGREEMENT_KINDS)}
    rows.sort(
        key=lambda r: (
            -r["gap"],
            rank[r["kind"]],
            -max((r[s] or 0) for s in names),
            r["title"] or "",
        )
    )
    return rows


def _base(cross: CrossPaper, names: Sequence[str]) -> dict[str, Any]:
    paper = cross.shown
    record: dict[str, Any] = {
        "title": paper.title,
        "year": paper.year,
        "in_sources": cross.in_sources,
        "doi": next((p.doi for p in cross.by_source.values() if p and p.doi), None),
        "arxiv_id": next((p.arxiv_id for p in cross.by_source.values() if p and p.arxiv_id), None),
    }
    record.update(cross.citations_by_source)
    return record


def summary_lines(view: SideBySide) -> list[str]:
    """One line per source, then how the papers paired: the header of both views."""
    lines = []
    for side in view.sources:
        s = side.summary()
        ids = ", ".join(s["ids"]) or "no id"
        lines.append(
            f"{s['name']} ({ids}): {s['papers']:,} papers, {s['citations']:,} citations, "
            f"h-index {s['h_index']}"
        )
    rules = view.rule_counts()
    matched = ", ".join(f"{n} by {RULE_NAMES[r]}" for r, n in rules.items() if n)
    line = f"In both: {len(view.matched()):,}" + (f" ({matched})" if matched else "")
    for side in view.sources:
        line += f"; only in {source_name(side.source)}: {len(view.only_in(side.source)):,}"
    lines.append(line)
    return lines
