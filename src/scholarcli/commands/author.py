"""``scholar author`` (the profile) and ``scholar find`` (who could this be)."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from typing import Annotated

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
    PersonArgument,
    ProvenanceOption,
    RefreshOption,
    SelfCitationsOption,
    SourceOption,
    edits,
    freshness,
    write_provenance,
)
from scholarcli.errors import ExitStatus, UsageError


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
) -> None:
    """Profile of a person: metrics and every paper, from Semantic Scholar and arXiv.

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


def sort_papers(papers: list, key: SortKey) -> list:  # type: ignore[type-arg]
    if key is SortKey.date:
        return sorted(
            papers, key=lambda p: (p.date or str(p.year or ""), p.citations), reverse=True
        )
    if key is SortKey.score:
        return sorted(papers, key=lambda p: (p.cites_per_year, p.citations), reverse=True)
    return sorted(papers, key=lambda p: (p.citations, p.cites_per_year), reverse=True)


@command_boundary
def find(
    name: Annotated[str, typer.Argument(help="The name to look up.")],
    limit: Annotated[int, typer.Option("--limit", help="How many candidates to ask for.")] = 10,
    fmt: FormatOption = None,
) -> None:
    """List the Semantic Scholar profiles that match a name, to pick one with --id."""
    from scholarcli.profile.sync import find as find_candidates

    if not 1 <= limit <= 100:
        raise UsageError("--limit must be between 1 and 100")
    fmt_name, env = output_format(fmt)
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
