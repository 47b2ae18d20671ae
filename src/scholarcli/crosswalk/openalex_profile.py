"""A person's OpenAlex profile for the side-by-side view and the ORCID rule.

The person is found by ORCID iD (every author record carrying it: a person split over
several records is merged), by OpenAlex ids (``--id A…``) or by name (the best-ranked
author, as for S2); their works come from ``OpenAlex.author_works``, which handles the
100-author trap. The answer (raw author and work records) is kept in the cache
(``cache.crosswalk``) under the question asked, so a warm run asks nothing; it is
re-parsed on every read, so a parser fix applies to cached data too. Metrics are
computed by scholar from the works, never copied from OpenAlex's ``summary_stats``.

It must not print or parse options: it reports through the context's ``Reporter``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from scholarcli.cache import crosswalk as lookup_cache
from scholarcli.errors import NotFoundError, SourceError, UsageError
from scholarcli.models import Author, Paper, Profile
from scholarcli.profile import merge
from scholarcli.profile.sync import Context, Freshness

SOURCE = "openalex-person"


def _question(orcid: str | None, ids: Sequence[str], name: str | None) -> str:
    if orcid:
        return f"orcid:{orcid}"
    if ids:
        return "ids:" + ",".join(sorted(_short(i) for i in ids))
    folded = merge.fold_name(name or "")
    if not folded:
        raise UsageError("give a name, --id or --orcid")
    return f"name:{folded}"


def _short(author_id: str) -> str:
    return author_id.strip().rstrip("/").rsplit("/", 1)[-1].upper()


def _fetch(ctx: Context, orcid: str | None, ids: Sequence[str], name: str | None) -> dict[str, Any]:
    client = ctx.openalex
    authors: list[Author]
    if orcid:
        authors = [a for a in client.authors_by_orcid(orcid) if a.author_id]
        if not authors:
            raise NotFoundError(
                f"no OpenAlex author carries ORCID {orcid}",
                hint="check the iD at https://orcid.org/" + orcid,
            )
    elif ids:
        authors = [client.author(_short(i)) for i in ids]
    else:
        ranked = merge.rank_candidates(name or "", client.search_authors(name or ""))
        if not ranked:
            raise NotFoundError(f"no OpenAlex author matches {name!r}")
        authors = ranked[:1]
    works: dict[str, dict[str, Any]] = {}
    for author in authors:
        for work in client.author_works(author).works:
            works.setdefault(work.paper_id, work.raw)
    return {"authors": [a.raw for a in authors], "works": list(works.values())}


def build(
    ctx: Context,
    name: str | None,
    ids: Sequence[str],
    orcid: str | None,
    as_of: date,
    fresh: Freshness,
) -> tuple[Profile, list[str], dict[str, tuple[str, list[str]]]]:
    """The profile; every name OpenAlex knows for the person (display names and their
    alternatives, which the ORCID rule confirms S2 authors by); and per author record
    its name and the ids of its works (how a split person's works divide)."""
    from scholarcli.sources.openalex import parse_author, parse_work

    question = _question(orcid, ids, name)
    cached = lookup_cache.load_lookups(ctx.store, SOURCE, [question]).get(question)
    record = cached.record if cached and fresh.usable(ctx, cached.fetched_at) else None
    fetched_at = cached.fetched_at if record is not None and cached else ctx.now()
    if record is None:
        if ctx.offline:
            raise SourceError(
                "OpenAlex: not asked, --offline is set, and the cache cannot answer",
                source="OpenAlex",
                hint="fill the cache by running the same command once without --offline",
            )
        try:
            record = _fetch(ctx, orcid, ids, name)
        except SourceError as exc:
            if cached is None or cached.record is None:
                raise
            ctx.reporter.warn(
                f"{exc.message}; using OpenAlex's answer cached at {cached.fetched_at}"
            )
            ctx.served_stale = True
            record, fetched_at = cached.record, cached.fetched_at
        else:
            lookup_cache.save_lookups(ctx.store, SOURCE, {question: record}, fetched_at)
    authors = [parse_author(a) for a in record["authors"]]
    works: list[Paper] = [parse_work(w) for w in record["works"]]
    author_ids = [a.author_id for a in authors]
    display = authors[0]
    rows = merge.profile_papers(works, {}, author_ids, display.name, as_of)
    for row, work in zip(rows, works, strict=True):
        row.openalex_id = work.openalex_id
        row.fwci = work.fwci
        row.citation_normalized_percentile = work.citation_normalized_percentile
        row.is_retracted = work.is_retracted
        row.topic = work.topic
        row.influential_citations = None  # OpenAlex has no such count
    profile = Profile(
        name=display.name,
        ids=author_ids,
        affiliations=list(dict.fromkeys(x for a in authors for x in a.affiliations)),
        as_of=as_of.isoformat(),
        primary_category=None,
        primary_category_name=None,
        metrics=merge.profile_metrics(rows, as_of),
        papers=rows,
        fetched_at=fetched_at,
        source="openalex",
        openalex_id=author_ids[0],
        orcid=orcid or display.orcid,
    )
    names = [n for a in authors for n in (a.name, *a.alternative_names)]
    by_author = {
        a.author_id: (
            a.name,
            [w.paper_id for w in works if any(r.author_id == a.author_id for r in w.authors)],
        )
        for a in authors
    }
    return profile, list(dict.fromkeys(n for n in names if n)), by_author
