"""The crosswalk's requests: works looked up on a source by DOI or arXiv id, in batches.

Two jobs need them (docs/sources.md): finding a person's S2 ids from their ORCID
works, and saying why a paper one source lists is missing from the other's profile
("not indexed" or "attributed to another profile"). Both ask S2's
``POST /paper/batch`` with ``DOI:``/``ARXIV:`` ids, 500 a request (never one request
per paper), and remember every answer, a null included, in the cache
(``cache.crosswalk``), so a warm run asks nothing. Answers younger than ``--max-age``
are reused; ``--refresh`` asks again; ``--offline`` uses whatever is cached.

It must not print or parse options: it reports through the context's ``Reporter``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholarcli.cache import crosswalk as lookup_cache
from scholarcli.core import Context, Freshness
from scholarcli.crosswalk import identity
from scholarcli.crosswalk.match import arxiv_key, doi_key
from scholarcli.crosswalk.sides import SideBySide, Sighting, SourceSide, side_by_side
from scholarcli.errors import SourceError
from scholarcli.models import AuthorRef, Paper, ProfilePaper

#: What a lookup asks of /paper/batch: enough to say who S2 credits with the work.
S2_LOOKUP_FIELDS = "title,year,externalIds,authors"

Fetch = Callable[[Context, Sequence[str]], Mapping[str, dict[str, Any] | None]]


def work_lookup_ids(paper: ProfilePaper | Paper) -> list[str]:
    """``DOI:…`` and ``ARXIV:…`` ids naming one work (both when it has both)."""
    ids = []
    doi = doi_key(paper)
    if doi:
        ids.append(f"DOI:{doi}")
    arxiv = arxiv_key(paper)
    if arxiv:
        ids.append(f"ARXIV:{arxiv}")
    return ids


def _record(paper: Paper) -> dict[str, Any]:
    """A looked-up work as cached: its id, title, year, ids and ``[[author_id, name]]``."""
    return {
        "paper_id": paper.paper_id,
        "title": paper.title,
        "year": paper.year,
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
        "authors": [[a.author_id, a.name] for a in paper.authors],
    }


def fetch_s2(ctx: Context, lookup_ids: Sequence[str]) -> dict[str, dict[str, Any] | None]:
    """S2's answer for each id: one ``POST /paper/batch`` per 500 ids."""
    found = ctx.s2.papers_batch(list(lookup_ids), fields=S2_LOOKUP_FIELDS)
    return {
        lookup_id: None if paper is None else _record(paper)
        for lookup_id, paper in zip(lookup_ids, found, strict=True)
    }


#: What a lookup asks of OpenAlex's /works: enough to say who it credits with the work.
OPENALEX_LOOKUP_SELECT = "id,doi,title,publication_year,authorships,locations"


def _openalex_doi(lookup_id: str) -> str:
    kind, _, value = lookup_id.partition(":")
    return f"10.48550/arxiv.{value}" if kind == "ARXIV" else value


def fetch_openalex(ctx: Context, lookup_ids: Sequence[str]) -> dict[str, dict[str, Any] | None]:
    """OpenAlex's answer for each id: ``filter=doi:a|b|…``, 100 DOIs a list call (an
    arXiv id is asked as its 10.48550 DOI, the only form OpenAlex files it under)."""
    from scholarcli.sources.openalex import normalise_doi

    dois = {i: normalise_doi(_openalex_doi(i)) for i in lookup_ids}
    found = ctx.openalex.works_by_dois(
        [d for d in dois.values() if d], select=OPENALEX_LOOKUP_SELECT
    )
    return {i: (_record(found[d]) if d and d in found else None) for i, d in dois.items()}


FETCHERS: dict[str, Fetch] = {"s2": fetch_s2, "openalex": fetch_openalex}


@dataclass
class Answers:
    """Lookup answers by id; ``failed`` when the source could not answer some ids."""

    by_id: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    failed: bool = False


def lookup(
    ctx: Context, source: str, lookup_ids: Sequence[str], fresh: Freshness, *, strict: bool = False
) -> Answers:
    """Answers for the ids, from the cache when usable, else one batch for the rest.

    An id missing from the answers could not be asked: ``--offline``, or the source
    failed (then a warning says so, an older cached answer is used where there is one,
    and ``failed`` is set). With ``strict`` a failure with nothing cached is raised.
    """
    wanted = list(dict.fromkeys(lookup_ids))
    cached = lookup_cache.load_lookups(ctx.store, source, wanted)
    answers = {i: c.record for i, c in cached.items() if fresh.usable(ctx, c.fetched_at)}
    todo = [i for i in wanted if i not in answers]
    fetch = FETCHERS.get(source)
    if not todo or ctx.offline or fetch is None:
        return Answers(answers)
    try:
        fetched = dict(fetch(ctx, todo))
    except SourceError as exc:
        stale = {i: c.record for i, c in cached.items() if i in todo}
        if strict and not stale:
            raise
        ctx.reporter.warn(
            f"{exc.message}; {len(todo) - len(stale)} lookup(s) on {source} unanswered"
        )
        return Answers(answers | stale, failed=True)
    lookup_cache.save_lookups(ctx.store, source, fetched, ctx.now())
    return Answers(answers | fetched)


def _as_paper(record: Mapping[str, Any]) -> Paper:
    return Paper(
        paper_id=str(record.get("paper_id")),
        title=str(record.get("title") or ""),
        year=record.get("year"),
        doi=record.get("doi"),
        arxiv_id=record.get("arxiv_id"),
        authors=[AuthorRef(a[0], str(a[1])) for a in record.get("authors") or []],
    )


# --- ORCID → S2 ids ----------------------------------------------------------------------


def s2_candidates(
    ctx: Context,
    names: Sequence[str],
    works: Sequence[ProfilePaper | Paper],
    fresh: Freshness,
) -> list[identity.Candidate]:
    """S2 ids credited with the ORCID works, by ``identity.confirm_ids``' rule."""
    per_work = [work_lookup_ids(work) for work in works]
    answers = lookup(ctx, "s2", [i for ids in per_work for i in ids], fresh, strict=True).by_id
    found: list[Paper | None] = []
    for ids in per_work:
        records = [answers.get(i) for i in ids]
        found.extend(_as_paper(r) for r in records if r is not None)
    return identity.confirm_ids(names, found)


# --- why a paper is in one source only -----------------------------------------------------


def explain(ctx: Context, sides: Sequence[SourceSide], fresh: Freshness) -> tuple[SideBySide, bool]:
    """The side-by-side view, each one-source paper looked up on the other sources, and
    whether every lookup was answered.

    A paper is looked up by its DOI and arXiv id on each source that lacks it (one
    batch per source for all such papers); a paper with neither keeps an unknown
    reason, since a title search would cost a request per paper.
    """
    first = side_by_side(sides)
    asks: dict[str, dict[str, list[str]]] = {}
    for cross in first.papers:
        if len(cross.in_sources) != 1:
            continue
        paper = cross.shown
        ids = work_lookup_ids(paper)
        for side in sides:
            if side.source != cross.in_sources[0] and ids:
                asks.setdefault(side.source, {})[paper.paper_id] = ids
    sightings: dict[tuple[str, str], Sighting] = {}
    complete = True
    for side in sides:
        wanted = asks.get(side.source)
        if not wanted:
            continue
        found = lookup(ctx, side.source, [i for ids in wanted.values() for i in ids], fresh)
        complete = complete and not found.failed
        answers = found.by_id
        person = set(side.profile.ids)
        names = [s.profile.name for s in sides]
        for paper_id, ids in wanted.items():
            sightings[(side.source, paper_id)] = _sighting(ids, answers, person, names)
    return side_by_side(sides, sightings, first.gap), complete


def _sighting(
    ids: Sequence[str],
    answers: Mapping[str, dict[str, Any] | None],
    person: set[str],
    names: Sequence[str],
) -> Sighting:
    if not all(i in answers for i in ids):
        known = [answers[i] for i in ids if i in answers]
        if not any(known):
            return Sighting(found=None)  # some answers unknown and none found: say nothing
    record = next((answers[i] for i in ids if answers.get(i)), None)
    if record is None:
        return Sighting(found=False)
    authors = record.get("authors") or []
    namesake = next(
        (
            f"{a[1]} ({a[0]})" if a[0] else str(a[1])
            for a in authors
            if a[0] not in person and any(identity.names_agree(str(a[1]), n) for n in names)
        ),
        None,
    )
    return Sighting(
        found=True,
        authors=tuple(str(a[1]) for a in authors),
        person=any(a[0] in person for a in authors if a[0]),
        paper_id=record.get("paper_id"),
        namesake=namesake,
    )
