"""``scholar author`` (the profile) and ``scholar find`` (who could this be)."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    command_boundary,
    open_context,
    open_profile_source,
    output_format,
    parse_as_of,
)
from scholarcli.commands.options import (
    AsOfOption,
    CitationsByYearOption,
    ExcludeOption,
    FormatOption,
    IdOption,
    IncludeOption,
    IntervalsOption,
    MaxAgeOption,
    MergeOption,
    OfflineOption,
    OrcidOption,
    PersonArgument,
    ProvenanceOption,
    RefreshOption,
    SelfCitationsOption,
    SourceOption,
    edits,
    freshness,
    write_provenance,
)
from scholarcli.commands.sources import parse_orcid_option
from scholarcli.errors import ExitStatus, UsageError

if TYPE_CHECKING:
    from datetime import date

    from scholarcli.core import Freshness


class SortKey(StrEnum):
    citations = "citations"
    date = "date"
    score = "score"

    @classmethod
    def _missing_(cls, value: object) -> SortKey | None:
        # "year" is the same order by another name (older releases, other tools).
        return cls.date if value == "year" else None


# How each order is stated under the table, so a reader knows what "top" means.
ORDER_NAMES = {
    SortKey.citations: "Most cited first",
    SortKey.date: "Newest first",
    SortKey.score: "Highest score first",
}
# A terminal table of 2,600 papers takes rich 1.5 s to lay out and nobody reads it;
# like `gh`, show the top of the list and say how to see the rest. Pipes get every paper.
TABLE_TOP = 30


FIND_FIELDS = (
    "author_id",
    "name",
    "affiliations",
    "paper_count",
    "citation_count",
    "h_index",
    "recent_titles",
    "url",
)


@command_boundary
def author(
    name: PersonArgument = None,
    ids: IdOption = None,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    abstracts: Annotated[
        bool, typer.Option("--abstracts", help="Show abstracts in the table.")
    ] = False,
    sort: Annotated[
        SortKey,
        typer.Option("--sort", help="Order of papers (date: newest first; 'year' is an alias)."),
    ] = SortKey.citations,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Show at most N papers.", show_default=False)
    ] = None,
    citations_by_year: CitationsByYearOption = False,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all", help=f"List every paper in the table (it shows the top {TABLE_TOP})."
        ),
    ] = False,
    novelty: Annotated[
        bool,
        typer.Option(
            "--novelty",
            help="Compute Novelty and Impact against same-field, same-year arXiv cohorts "
            "(costs requests once; later profiles show the cached values).",
        ),
    ] = False,
    disruption: Annotated[
        bool,
        typer.Option(
            "--disruption",
            help="Compute CD_nok, a 5-year disruption index, from the citing papers "
            "(about 1 request per 500 papers plus 1 per 500 citing papers).",
        ),
    ] = False,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart",
            help="Add column charts of citations and papers per year (implies "
            "--citations-by-year; the table view even in a pipe, as plain text).",
        ),
    ] = False,
    exclude: ExcludeOption = None,
    include: IncludeOption = None,
    merge: MergeOption = None,
    source: SourceOption = None,
    self_citations: SelfCitationsOption = False,
    intervals: IntervalsOption = False,
    provenance_file: ProvenanceOption = None,
    orcid: OrcidOption = None,
) -> None:
    """Profile of a person: metrics and every paper, from Semantic Scholar and arXiv.

    With --source s2,openalex the sources side by side: every paper once with its
    citations in each source, and the papers only one source attributes to the person
    (scholar sources NAME lists only the disagreements). --orcid pins the person.

    With --citations-by-year the profile also shows papers and citations per year (a bar
    chart; a per_year list in json) and fills h5_index and i10_5y. With --novelty it
    computes Novelty and Impact (docs/novelty.md).

    --exclude, --include and --merge curate the person's papers, as in Publish or
    Perish; the rules are kept in the cache and every command obeys them (scholar
    curate list NAME shows them, scholar curate undo NAME takes one back).

    --self-citations counts citations by the person's own and co-authors' papers;
    --intervals adds 95% stability intervals; json carries a provenance object and
    --provenance FILE writes it beside any format (docs/responsible-use.md).
    """
    from scholarcli.profile.builder import ProfileRequest, build_profile

    fresh = freshness(max_age, refresh, offline)
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    fmt_name, env = output_format("table" if chart and fmt is None else fmt)
    if chart and fmt_name in {"csv", "jsonl"}:
        raise UsageError(f"--chart draws charts, which -f {fmt_name} cannot carry")
    orcid_id = parse_orcid_option(orcid)
    if _crosswalk(source, orcid_id):
        if novelty or disruption or exclude or include or merge or citations_by_year or chart:
            raise UsageError(
                "--source with several sources and --orcid show the plain profile; "
                "--novelty, --disruption, --citations-by-year, --chart and curation need "
                "one source named by --id or name"
            )
        top = None if show_all or limit is not None else TABLE_TOP
        when = parse_as_of(as_of)
        _side_by_side(name, ids, orcid_id, source, fmt_name, env, when, fresh, offline, limit, top)
        return
    request = ProfileRequest(
        name,
        tuple(ids or []),
        as_of=parse_as_of(as_of),
        fresh=fresh,
        citations_by_year=citations_by_year or chart,
        novelty=novelty,
        disruption=disruption,
        stored_indicators=True,
        edits=edits(exclude, include, merge),
        self_citations=self_citations,
        intervals=intervals,
    )
    with open_profile_source(source, offline=offline) as profile_source:
        view = build_profile(profile_source, request)
    write_provenance(provenance_file, view.profile.provenance)
    # Sorting and --limit choose the papers of every format; the terminal table's top
    # N is a display choice, made by the view, so the profile stays whole.
    ordered = sort_papers(view.profile.papers, sort)[:limit]
    table_top = None if show_all or limit is not None else TABLE_TOP
    render.render_profile(
        replace(view.profile, papers=ordered),
        fmt_name,
        sys.stdout,
        env,
        render.Display(order=ORDER_NAMES[sort], top=table_top, abstracts=abstracts, charts=chart),
        per_year=view.per_year,
    )
    if not view.complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))


def _crosswalk(source: str | None, orcid: str | None) -> bool:
    from scholarcli.crosswalk.people import is_side_by_side

    return is_side_by_side(source) or orcid is not None


def _side_by_side(
    name: str | None,
    ids: list[str] | None,
    orcid: str | None,
    source: str | None,
    fmt_name: str,
    env: render.OutputEnv,
    when: date,
    fresh: Freshness,
    offline: bool,
    limit: int | None,
    top: int | None,
) -> None:
    """The profile across sources (or one source, the person pinned by ORCID)."""
    from scholarcli.crosswalk import people, present

    names = people.parse_sources(source)
    person = people.Person(name, list(ids or []), orcid)
    with open_context(offline=offline) as ctx:
        if len(names) == 1:
            built = people.build(ctx, names, person, when, fresh)[names[0]]
            profile, complete = built.profile, built.complete
        else:
            view, complete = people.side_by_side(ctx, names, person, when, fresh)
    if len(names) == 1:
        profile.papers = sort_papers(profile.papers, SortKey.citations)[:limit]
        display = render.Display(order=ORDER_NAMES[SortKey.citations], top=top)
        render.render_profile(profile, fmt_name, sys.stdout, env, display)
    else:
        present.render_profiles(view, fmt_name, sys.stdout, env, limit=limit, top=top)
    if not complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))


def sort_papers(papers: list, key: SortKey) -> list:  # type: ignore[type-arg]
    if key is SortKey.date:
        return sorted(
            papers, key=lambda p: (p.date or str(p.year or ""), p.citations), reverse=True
        )
    if key is SortKey.score:
        return sorted(papers, key=lambda p: (p.cites_per_year, p.citations), reverse=True)
    return sorted(papers, key=lambda p: (p.citations, p.cites_per_year), reverse=True)


FIND_ORCID_FIELDS = (
    "source",
    "author_id",
    "name",
    "accepted",
    "confirmed",
    "checked",
    "paper_count",
    "citation_count",
    "h_index",
    "orcid",
    "url",
)


@command_boundary
def find(
    name: Annotated[
        str | None, typer.Argument(help="The name to look up.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many candidates to ask for.")] = 10,
    fmt: FormatOption = None,
    orcid: OrcidOption = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="s2 (default) or openalex: where to look.", show_default=False
        ),
    ] = None,
) -> None:
    """List the Semantic Scholar (or OpenAlex) profiles that match a name, to pick one with --id.

    With --orcid, the person's OpenAlex records (those carrying the iD) and every
    Semantic Scholar id credited with the iD's works, with how many of them confirm it
    (accepted: at least 2, or all when S2 knows fewer; docs/sources.md, "ORCID").
    """
    from scholarcli.profile.sync import find as find_candidates

    if not 1 <= limit <= 100:
        raise UsageError("--limit must be between 1 and 100")
    orcid_id = parse_orcid_option(orcid)
    if orcid_id is None and not name:
        raise UsageError("give a name or --orcid")
    where = (source or "s2").strip().lower()
    if where not in {"s2", "api", "openalex"}:
        raise UsageError(f"--source must be s2 or openalex, not {source!r}")
    fmt_name, env = output_format(fmt)
    if orcid_id is not None:
        _find_orcid(orcid_id, fmt_name, env)
        return
    assert name is not None
    if where == "openalex":
        _find_openalex(name, limit, fmt_name, env)
        return
    with open_context() as ctx:
        authors = find_candidates(ctx, name, limit)
    records = [
        {
            "author_id": a.author_id,
            "name": a.name,
            "affiliations": a.affiliations,
            "paper_count": a.paper_count,
            "citation_count": a.citation_count,
            "h_index": a.h_index,
            "recent_titles": a.recent_titles,
            "url": a.url,
        }
        for a in authors
    ]
    render.render_records(
        records,
        FIND_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title=f"Semantic Scholar profiles matching {name!r}",
        json_root="candidates",
    )


def _find_orcid(orcid: str, fmt_name: str, env: render.OutputEnv) -> None:
    from datetime import date as day

    from scholarcli.core import Freshness
    from scholarcli.crosswalk import people
    from scholarcli.indicators.metrics import h_index
    from scholarcli.profile.sync import resolve

    with open_context() as ctx:
        person = people.orcid_person(ctx, orcid, day.today(), Freshness())
        found = person.openalex.profile
        s2 = {c.author_id: c for c in person.candidates}
        details = (
            {a.author_id: a for a in resolve(ctx, None, list(s2), Freshness()).authors}
            if s2
            else {}
        )
    records = []
    for author_id in found.ids:
        # Each OpenAlex record's own share of the ORCID's works (a split person).
        own = person.openalex_works(author_id)
        records.append(
            {
                "source": "openalex",
                "author_id": author_id,
                "name": person.openalex_name(author_id),
                "orcid": orcid,
                "confirmed": len(own),
                "checked": len(found.papers),
                "accepted": True,
                "paper_count": len(own),
                "citation_count": sum(p.citations for p in own),
                "h_index": h_index([p.citations for p in own]),
                "url": f"https://openalex.org/{author_id}",
            }
        )
    for candidate in person.candidates:
        author = details.get(candidate.author_id)
        records.append(
            {
                "source": "s2",
                "author_id": candidate.author_id,
                "name": author.name if author else candidate.name,
                "orcid": orcid if candidate.accepted else None,
                "confirmed": candidate.confirmed,
                "checked": candidate.checked,
                "accepted": candidate.accepted,
                "paper_count": author.paper_count if author else None,
                "citation_count": author.citation_count if author else None,
                "h_index": author.h_index if author else None,
                "url": author.url if author else None,
            }
        )
    fields: tuple[str, ...] = FIND_ORCID_FIELDS
    if fmt_name in ("table", "markdown"):
        # For people: the verdict and its evidence in one column that is never dropped.
        for record in records:
            verdict = "yes" if record["accepted"] else "no"
            record["accepted"] = f"{verdict}: {record['confirmed']} of {record['checked']} works"
        fields = ("source", "author_id", "name", "accepted", "paper_count", "citation_count")
    render.render_records(
        records,
        fields,
        fmt_name,
        sys.stdout,
        env,
        title=f"ORCID {orcid} ({found.name}): OpenAlex records and Semantic Scholar ids "
        "its works confirm",
        json_root="candidates",
    )


OPENALEX_FIND_FIELDS = (
    "author_id",
    "name",
    "orcid",
    "affiliations",
    "institutions",
    "paper_count",
    "citation_count",
    "h_index",
    "url",
)


def _find_openalex(name: str, limit: int, fmt_name: str, env: render.OutputEnv) -> None:
    """OpenAlex candidates, with ORCID and institutions (with years) to tell them apart."""
    from scholarcli.profile.openalex_source import OpenAlexSource

    with open_context() as ctx:
        authors = OpenAlexSource(ctx).find(name, limit)
    records = [
        {
            "author_id": a.author_id,
            "name": a.name,
            "orcid": a.orcid,
            "affiliations": a.affiliations,
            "institutions": [
                f"{i.name} ({min(i.years)}-{max(i.years)})" if i.years else i.name
                for i in a.institutions
            ],
            # OpenAlex's own figures: works of every type (docs/sources.md).
            "paper_count": a.paper_count,
            "citation_count": a.citation_count,
            "h_index": a.h_index,
            "url": a.url,
        }
        for a in authors
    ]
    render.render_records(
        records,
        OPENALEX_FIND_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title=f"OpenAlex profiles matching {name!r}",
        json_root="candidates",
    )
