"""``scholar search QUERY``: papers from Semantic Scholar (or arXiv), as paper records."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    check_exclusive,
    command_boundary,
    open_context,
    output_format,
    parse_as_of,
)
from scholarcli.commands.options import (
    AbstractsOption,
    AsOfOption,
    FormatOption,
    IdsOnlyOption,
    OfflineOption,
    RefreshOption,
)
from scholarcli.commands.paper import print_ids
from scholarcli.errors import ExitStatus, UsageError


class Source(StrEnum):
    s2 = "s2"
    arxiv = "arxiv"
    openalex = "openalex"


class SearchSort(StrEnum):
    relevance = "relevance"
    citations = "citations"
    date = "date"

    @classmethod
    def _missing_(cls, value: object) -> SearchSort | None:
        # "year" is the same order by another name (older releases, other tools).
        return cls.date if value == "year" else None


@command_boundary
def search(
    query: Annotated[str, typer.Argument(help="What to look for (arXiv: ti: au: abs: cat: work).")],
    year: Annotated[
        str | None,
        typer.Option("--year", help="Years: 2020-2024, 2020-, -2019 or 2021.", show_default=False),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help='Field of study, e.g. "Computer Science"; repeatable.',
            show_default=False,
        ),
    ] = None,
    venue: Annotated[
        list[str] | None,
        typer.Option("--venue", help="Venue, e.g. ACL; repeatable.", show_default=False),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            help="Publication type: JournalArticle, Conference, Review, ...; repeatable.",
            show_default=False,
        ),
    ] = None,
    min_citations: Annotated[
        int | None,
        typer.Option(
            "--min-citations", help="Only papers cited at least N times.", show_default=False
        ),
    ] = None,
    open_access: Annotated[
        bool, typer.Option("--open-access", help="Only papers with an open-access PDF.")
    ] = False,
    sort: Annotated[
        SearchSort,
        typer.Option(
            "--sort",
            help="relevance (first 1,000 at most), citations or date (newest first; "
            "'year' is an alias).",
        ),
    ] = SearchSort.relevance,
    limit: Annotated[
        int,
        typer.Option("--limit", help="How many results (up to 10,000 with --sort citations|date)."),
    ] = 20,
    source: Annotated[
        Source, typer.Option("--source", help="s2 (Semantic Scholar), arxiv or openalex.")
    ] = Source.s2,
    abstracts: AbstractsOption = False,
    ids_only: IdsOnlyOption = False,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
) -> None:
    """Search papers; results print like `scholar paper` and pipe into it with --ids-only.

    Searches are cached for a day (SCHOLAR_SEARCH_TTL seconds); --refresh asks again.
    No match is exit status 3.
    """
    from scholarcli.papers.query import SearchQuery
    from scholarcli.papers.records import PAPER_RECORD_FIELDS
    from scholarcli.papers.search import search as run_search

    check_exclusive(refresh=refresh, offline=offline)
    fmt_name, env = output_format(fmt)
    current_year = parse_as_of(as_of).year
    if source is Source.openalex:
        filters = {
            "--year": year,
            "--field": field,
            "--venue": venue,
            "--type": kind,
            "--min-citations": min_citations,
            "--open-access": open_access,
            "--sort": sort is not SearchSort.relevance,
        }
        used = [name for name, value in filters.items() if value]
        if used:
            raise UsageError(
                f"{used[0]} is not available with --source openalex yet",
                hint="search OpenAlex by words only, or use --source s2",
            )
        _search_openalex(
            query, limit, refresh, offline, current_year, ids_only, fmt_name, env, abstracts
        )
        return
    wanted = SearchQuery.build(
        query,
        source=source.value,
        year=year,
        fields_of_study=field,
        venues=venue,
        types=kind,
        min_citations=min_citations,
        open_access=open_access,
        sort="year" if sort is SearchSort.date else sort.value,
    )
    with open_context(offline=offline) as ctx:
        result = run_search(ctx, wanted, limit=limit, refresh=refresh, as_of_year=current_year)
    if ids_only:
        print_ids(result.records)
    else:
        about = f" of about {result.total:,}" if result.total is not None else ""
        render.render_paper_list(
            result.records,
            PAPER_RECORD_FIELDS,
            fmt_name,
            sys.stdout,
            env,
            title=f"{len(result.records):,}{about} results for {query!r}",
            abstracts=abstracts,
        )
    if not result.records:
        print(f"error: no paper matches {query!r}", file=sys.stderr)
        print("hint: try fewer words or filters", file=sys.stderr)
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
    if not result.arxiv_complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))


def _search_openalex(
    query: str,
    limit: int,
    refresh: bool,
    offline: bool,
    year: int,
    ids_only: bool,
    fmt_name: str,
    env: render.OutputEnv,
    abstracts: bool,
) -> None:
    """``--source openalex``: relevance search of works (10 credits a page of 100)."""
    from scholarcli.papers import openalex_papers

    if not 1 <= limit <= 200:
        raise UsageError("--limit must be between 1 and 200 with --source openalex")
    with open_context(offline=offline) as ctx:
        records = openalex_papers.search(ctx, query, limit=limit, refresh=refresh, as_of_year=year)
    if ids_only:
        print_ids(records)
    else:
        render.render_paper_list(
            records,
            openalex_papers.RECORD_FIELDS,
            fmt_name,
            sys.stdout,
            env,
            title=f"{len(records):,} OpenAlex results for {query!r}",
            abstracts=abstracts,
        )
    if not records:
        print(f"error: no OpenAlex work matches {query!r}", file=sys.stderr)
        print("hint: try fewer words", file=sys.stderr)
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
