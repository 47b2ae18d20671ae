"""``scholar author`` (the profile) and ``scholar find`` (who could this be)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    AsOfOption,
    FormatOption,
    IdOption,
    MaxAgeOption,
    OfflineOption,
    PersonArgument,
    RefreshOption,
    check_exclusive,
    command_boundary,
    open_context,
    output_format,
    parse_as_of,
    parse_max_age,
)
from scholarcli.commands.datasets import SourceOption
from scholarcli.commands.metrics import CitationsByYearOption
from scholarcli.errors import ExitStatus, UsageError


class SortKey(StrEnum):
    citations = "citations"
    date = "date"
    score = "score"


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
    sort: Annotated[SortKey, typer.Option("--sort", help="Order of papers.")] = SortKey.citations,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Show at most N papers.", show_default=False)
    ] = None,
    citations_by_year: CitationsByYearOption = False,
    source: SourceOption = None,
) -> None:
    """Profile of a person: metrics and every paper, from Semantic Scholar and arXiv.

    With --citations-by-year the profile also shows papers and citations per year (a bar
    chart; a per_year list in json) and fills h5_index and i10_5y.
    """
    from scholarcli.profile.analysis import author_profile
    from scholarcli.profile.sync import Freshness

    check_exclusive(refresh=refresh, offline=offline)
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    fmt_name, env = output_format(fmt)
    fresh = Freshness(max_age=parse_max_age(max_age), refresh=refresh)
    when = parse_as_of(as_of)
    from scholarcli.datasets.local import local_view

    view = local_view(
        source, name, list(ids or []), as_of=when, citations_by_year=citations_by_year
    )
    if view is None:
        with open_context(offline=offline) as ctx:
            view = author_profile(
                ctx,
                name,
                list(ids or []),
                as_of=when,
                fresh=fresh,
                citations_by_year=citations_by_year,
            )
    profile = view.profile
    profile.papers = sort_papers(profile.papers, sort)[:limit]
    render.render_profile(
        profile, fmt_name, sys.stdout, env, abstracts=abstracts, per_year=view.per_year
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
