"""A person's OpenAlex profile for the side-by-side view and the ORCID rule.

The profile itself is the one ``--source openalex`` builds
(``profile.openalex_source.build_openalex_profile``: same cache, ``--max-age``,
``--refresh``, ``--offline``, the 100-author trap handled, metrics computed from the
works). This module adds the ORCID iD as a way to name the person: every OpenAlex
author record carrying it (``/authors?filter=orcid:…``, one list call), so a person
split over several records is merged. Which records carry an iD is cached like the
lookups (``cache.crosswalk``), and the records themselves go to the OpenAlex cache, so
a warm run asks nothing. It also returns what the ORCID rule needs: every name OpenAlex
knows for the person, and how the works divide among the records.

It must not print or parse options: it reports through the context's ``Reporter``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from scholarcli.cache import crosswalk as lookup_cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import NotFoundError, SourceError
from scholarcli.models import Author, Paper, Profile

#: The cache's name for "which OpenAlex records carry this ORCID iD".
ORCID_RECORDS = "openalex-orcid"


@dataclass
class OpenAlexPerson:
    profile: Profile
    complete: bool
    names: list[str] = field(default_factory=list)  # display names and alternatives
    by_author: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def orcid_author_ids(ctx: Context, orcid: str, fresh: Freshness) -> list[str]:
    """The OpenAlex author ids carrying ``orcid``, cached as asked (one list call)."""
    from scholarcli.cache import openalex as oa_cache

    cached = lookup_cache.load_lookups(ctx.store, ORCID_RECORDS, [orcid]).get(orcid)
    if cached is not None and cached.record is not None and fresh.usable(ctx, cached.fetched_at):
        return [str(i) for i in cached.record["ids"]]
    if ctx.offline:
        raise SourceError(
            f"ORCID {orcid} is not in the cache, and --offline asks no source",
            source="cache",
            hint="fill the cache by running the same command once without --offline",
        )
    try:
        authors = [a for a in ctx.openalex.authors_by_orcid(orcid) if a.author_id]
    except SourceError as exc:
        if cached is None or cached.record is None:
            raise
        ctx.reporter.warn(f"{exc.message}; using the ORCID records cached at {cached.fetched_at}")
        ctx.served_stale = True
        return [str(i) for i in cached.record["ids"]]
    if not authors:
        raise NotFoundError(
            f"no OpenAlex author carries ORCID {orcid}",
            hint=f"check the iD at https://orcid.org/{orcid}",
        )
    now = ctx.now()
    oa_cache.save_authors(ctx.store, authors, now)  # so the profile asks for none of them
    ids = [a.author_id for a in authors]
    lookup_cache.save_lookups(ctx.store, ORCID_RECORDS, {orcid: {"ids": ids}}, now)
    return ids


def person_works(
    ctx: Context, name: str | None, ids: Sequence[str], fresh: Freshness
) -> list[tuple[Author, list[Paper]]]:
    """The records the profile will be built from and their works (cached as it will
    use them): read ahead so that arXiv is asked once for every source's papers."""
    from scholarcli.profile.openalex_source import OpenAlexSource

    source = OpenAlexSource(ctx)
    if ids:
        authors = source.authors(ids, fresh)
    else:
        ranked = source.candidates(name or "", fresh) if name and name.strip() else []
        if not ranked:
            raise source.no_match(name or "")
        authors = ranked[:1]
    return [(author, source.papers(author, fresh)) for author in authors]


def build(
    ctx: Context,
    name: str | None,
    ids: Sequence[str],
    orcid: str | None,
    as_of: date,
    fresh: Freshness,
) -> OpenAlexPerson:
    """The OpenAlex profile of the person named by ORCID iD, ids or name."""
    from scholarcli.profile.openalex_source import OpenAlexSource, build_openalex_profile

    if orcid:
        ids = orcid_author_ids(ctx, orcid, fresh)
    profile, complete = build_openalex_profile(ctx, name, list(ids), as_of=as_of, fresh=fresh)
    if orcid:
        profile.orcid = orcid
    # Both answered from the cache the profile has just filled: no request.
    source = OpenAlexSource(ctx)
    authors = source.authors(profile.ids, fresh)
    names = [n for a in authors for n in (a.name, *a.alternative_names)]
    by_author = {
        a.author_id: (a.name, [w.paper_id for w in source.papers(a, fresh)]) for a in authors
    }
    return OpenAlexPerson(profile, complete, list(dict.fromkeys(n for n in names if n)), by_author)
