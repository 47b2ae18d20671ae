"""One person on several sources: who they are on each, and their profiles side by side.

``--source s2,openalex`` (any order; the first is the headline) builds the person's
profile on every source named, each through that source's own profile builder (so
the cache, ``--max-age``, ``--refresh`` and ``--offline`` behave as for one source),
then pairs the papers (``crosswalk.sides``) and looks up, in batches, why a paper
one source lists is missing from the other (``crosswalk.lookup``).

``--orcid`` pins the person (docs/sources.md, "ORCID"): on OpenAlex they are the
author records carrying the iD; on Semantic Scholar, which does not index ORCID
iDs, the ids its papers credit with the iD's works (``crosswalk.identity``).

It must not print or parse options: it reports through the context's ``Reporter``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from scholarcli.core import Context, Freshness
from scholarcli.crosswalk import identity, lookup
from scholarcli.crosswalk.sides import CitationGap, SideBySide, SourceSide, source_name
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.models import Paper, Profile, ProfilePaper

#: The sources a side-by-side view can name, and the older names they accept.
SOURCES = ("s2", "openalex")
ALIASES = {"api": "s2", "semanticscholar": "s2", "semantic_scholar": "s2"}
#: Below this share of the smaller list paired, the sources may have picked two people.
LOW_OVERLAP = 0.2


def parse_sources(text: str | None) -> list[str]:
    """``s2,openalex`` → ``["s2", "openalex"]``; the first is the headline."""
    if text is None or not text.strip():
        return ["s2"]
    names = [ALIASES.get(part.strip().lower(), part.strip().lower()) for part in text.split(",")]
    unknown = [n for n in names if n not in SOURCES]
    if unknown or not names:
        raise UsageError(
            f"--source {text!r}: unknown source {', '.join(repr(n) for n in unknown) or '(empty)'}",
            hint="name sources from s2, openalex, e.g. --source s2,openalex",
        )
    if len(set(names)) != len(names):
        raise UsageError(f"--source {text!r} names a source twice")
    return names


def is_side_by_side(text: str | None) -> bool:
    return text is not None and "," in text


@dataclass
class Person:
    """Who to build: a name, ids per source (``--id``), an ORCID iD."""

    name: str | None
    ids: list[str] = field(default_factory=list)
    orcid: str | None = None

    def ids_for(self, source: str) -> list[str]:
        """``--id`` values that look like this source's: OpenAlex ``A…``, S2 digits."""
        if source == "openalex":
            return [i for i in self.ids if i[:1].upper() == "A" or "openalex.org" in i]
        return [i for i in self.ids if i.strip().isdigit()]


@dataclass
class Built:
    """A source's profile of the person and what was learnt on the way."""

    profile: Profile
    complete: bool = True
    candidates: list[identity.Candidate] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every name the source knows
    # author id -> (its name, its works' paper ids): how a split person's works divide
    by_author: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


Builder = Callable[[Context, Person, Sequence[str], date, Freshness], Built]


def build_s2(
    ctx: Context, person: Person, ids: Sequence[str], as_of: date, fresh: Freshness
) -> Built:
    from scholarcli.profile.builder import ProfileRequest, build_profile, profile_source

    request = ProfileRequest(person.name, tuple(ids), as_of=as_of, fresh=fresh)
    view = build_profile(profile_source("s2", ctx), request)
    return Built(view.profile, view.complete)


def build_openalex(
    ctx: Context, person: Person, ids: Sequence[str], as_of: date, fresh: Freshness
) -> Built:
    from scholarcli.crosswalk import openalex_profile

    found = openalex_profile.build(ctx, person.name, ids, person.orcid, as_of, fresh)
    return Built(found.profile, found.complete, names=found.names, by_author=found.by_author)


BUILDERS: dict[str, Builder] = {"s2": build_s2, "openalex": build_openalex}


def s2_ids_by_orcid(ctx: Context, orcid_side: Built, fresh: Freshness) -> list[identity.Candidate]:
    """S2 candidates for the person of ``orcid_side`` (OpenAlex, found by ORCID), named
    as OpenAlex knows them (display names and alternatives)."""
    names = orcid_side.names or [orcid_side.profile.name]
    return lookup.s2_candidates(ctx, names, orcid_side.profile.papers, fresh)


def build(
    ctx: Context, sources: Sequence[str], person: Person, as_of: date, fresh: Freshness
) -> dict[str, Built]:
    """Each source's profile of the person, the ORCID rule applied where asked.

    The people are resolved and their papers read first (from the cache when fresh),
    the ORCID iD's S2 ids found from its OpenAlex works, and arXiv asked once for the
    papers of every source together; the profiles are then built from the cache.
    """
    from scholarcli.crosswalk import openalex_profile
    from scholarcli.profile import sync

    wanted = list(dict.fromkeys([*(["openalex"] if person.orcid else []), *sources]))
    ids = {source: person.ids_for(source) for source in wanted}
    if not person.name and not person.orcid:
        person = Person(_name_from_ids(ctx, ids, fresh), person.ids, person.orcid)
    papers: list[Paper] = []
    candidates: list[identity.Candidate] = []
    if "openalex" in wanted:
        if person.orcid:
            ids["openalex"] = openalex_profile.orcid_author_ids(ctx, person.orcid, fresh)
        works = openalex_profile.person_works(ctx, person.name, ids["openalex"], fresh)
        papers += [w for _, listed in works for w in listed]
        if person.orcid and "s2" in wanted and not ids["s2"]:
            names = [n for a, _ in works for n in (a.name, *a.alternative_names) if n]
            orcid_works = [w for _, listed in works for w in listed]
            candidates = lookup.s2_candidates(ctx, list(dict.fromkeys(names)), orcid_works, fresh)
            ids["s2"] = _accepted(person.orcid, candidates, len(orcid_works))
    if "s2" in wanted:
        for author in sync.resolve(ctx, person.name, ids["s2"], fresh).authors:
            papers += sync.author_papers(ctx, author, fresh)
    sync.enrich_arxiv(ctx, papers)  # one arXiv batch per 100 ids of every source
    built: dict[str, Built] = {}
    for source in wanted:
        built[source] = BUILDERS[source](ctx, person, ids[source], as_of, fresh)
    if candidates:
        built["s2"].candidates = candidates
        found = OrcidPerson(person.orcid or "", built["openalex"], candidates)
        ctx.reporter.note(found.note())
    return built


def _name_from_ids(ctx: Context, ids: dict[str, list[str]], fresh: Freshness) -> str | None:
    """The name one source's ids give, to find the person on a source given no id."""
    from scholarcli.profile import sync
    from scholarcli.profile.openalex_source import OpenAlexSource

    if any(not found for found in ids.values()):
        if ids.get("s2"):
            name = sync.resolve(ctx, None, ids["s2"], fresh).authors[0].name
        elif ids.get("openalex"):
            name = OpenAlexSource(ctx).authors(ids["openalex"], fresh)[0].name
        else:
            raise UsageError("give a name, --id or --orcid")
        missing = ", ".join(source_name(s) for s, found in ids.items() if not found)
        ctx.reporter.note(f"{missing}: no id given, so the person is looked up as {name!r}")
        return name
    return None


def _accepted(orcid: str, candidates: Sequence[identity.Candidate], works: int) -> list[str]:
    accepted = [c.author_id for c in candidates if c.accepted]
    if not accepted:
        raise NotFoundError(
            f"no Semantic Scholar author is credited with the works of ORCID {orcid} "
            f"({works} work(s) on OpenAlex looked up)",
            hint=f"scholar find --orcid {orcid} shows the candidates and their counts",
        )
    return accepted


def side_by_side(
    ctx: Context,
    sources: Sequence[str],
    person: Person,
    as_of: date,
    fresh: Freshness,
    gap: CitationGap | None = None,
) -> tuple[SideBySide, bool]:
    """The view and whether every source answered completely."""
    built = build(ctx, sources, person, as_of, fresh)
    sides = [SourceSide(source, built[source].profile) for source in sources]
    view, answered = lookup.explain(ctx, sides, fresh)
    if gap is not None:
        view.gap = gap
    _warn_low_overlap(ctx, view, person)
    return view, answered and all(built[s].complete for s in sources)


def _warn_low_overlap(ctx: Context, view: SideBySide, person: Person) -> None:
    sizes = [len(side.profile.papers) for side in view.sources]
    smaller = min(sizes) if sizes else 0
    if smaller >= 3 and len(view.matched()) < LOW_OVERLAP * smaller and not person.orcid:
        names = " and ".join(
            f"{side.profile.name} on {source_name(side.source)}" for side in view.sources
        )
        ctx.reporter.warn(
            f"only {len(view.matched())} of {smaller} papers pair up: {names} may be "
            "different people; pin the person with --orcid or --id"
        )


@dataclass
class OrcidPerson:
    """The person an ORCID iD names: their OpenAlex profile and S2 candidates."""

    orcid: str
    openalex: Built
    candidates: list[identity.Candidate]

    @property
    def name(self) -> str:
        return self.openalex.profile.name

    def openalex_works(self, author_id: str) -> list[ProfilePaper]:
        """The works of one of the person's OpenAlex records."""
        own = set(self.openalex.by_author.get(author_id, ("", []))[1])
        return [p for p in self.openalex.profile.papers if p.paper_id in own]

    def openalex_name(self, author_id: str) -> str:
        return self.openalex.by_author.get(author_id, (self.name, []))[0] or self.name

    @property
    def s2_ids(self) -> list[str]:
        return [c.author_id for c in self.candidates if c.accepted]

    def note(self) -> str:
        accepted = [c for c in self.candidates if c.accepted]
        if not accepted:
            return f"ORCID {self.orcid}: no Semantic Scholar id is credited with its works"
        counts = ", ".join(f"{c.author_id} ({c.confirmed} of {c.checked})" for c in accepted)
        return (
            f"ORCID {self.orcid} ({self.name}): Semantic Scholar id(s) {counts} "
            "confirmed by its works"
        )


def orcid_openalex(ctx: Context, orcid: str, as_of: date, fresh: Freshness) -> Built:
    """OpenAlex's profile of the person carrying the ORCID iD (every such record)."""
    return BUILDERS["openalex"](ctx, Person(None, [], orcid), [], as_of, fresh)


def orcid_person(ctx: Context, orcid: str, as_of: date, fresh: Freshness) -> OrcidPerson:
    """OpenAlex's profile of the ORCID iD's person and the S2 ids its works credit."""
    built = orcid_openalex(ctx, orcid, as_of, fresh)
    return OrcidPerson(orcid, built, s2_ids_by_orcid(ctx, built, fresh))


def s2_ids_or_raise(person: OrcidPerson) -> list[str]:
    return _accepted(person.orcid, person.candidates, len(person.openalex.profile.papers))
