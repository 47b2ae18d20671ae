"""``scholar metrics`` (every metric, one row per person), ``scholar compare`` (people
side by side) and ``scholar timeline`` (papers and citations per year)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

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
    StderrReporter,
    check_exclusive,
    command_boundary,
    open_context,
    output_format,
    parse_as_of,
    parse_max_age,
)
from scholarcli.commands.datasets import SourceOption
from scholarcli.errors import ExitStatus, UsageError

if TYPE_CHECKING:
    from datetime import date

    from scholarcli.profile.analysis import PersonMetrics

NamesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="People's names; each is resolved as scholar author does.", show_default=False
    ),
]
InputOption = Annotated[
    list[str] | None,
    typer.Option(
        "--input",
        "-i",
        help="A CSV, JSON or JSONL list of papers ('-' for stdin), e.g. scholar author -f csv "
        "output or a Publish or Perish CSV export; counts as one person; repeatable.",
        show_default=False,
    ),
]
CitationsByYearOption = Annotated[
    bool,
    typer.Option(
        "--citations-by-year",
        help="Also fetch citations per year (cached; one request per 1,000 citations of "
        "each cited paper), which fills h5_index and i10_5y.",
    ),
]


def _people(
    names: list[str] | None,
    ids: list[str] | None,
    input_paths: list[str] | None,
    *,
    as_of: date,
    max_age: str,
    refresh: bool,
    offline: bool,
    citations_by_year: bool,
    source: str | None = None,
) -> list[PersonMetrics]:
    """The people to show: names, then all --id together, then each --input file."""
    from scholarcli.inputs import STDIN, read_papers
    from scholarcli.profile import analysis
    from scholarcli.profile.sync import Freshness

    check_exclusive(refresh=refresh, offline=offline)
    names, ids, input_paths = list(names or []), list(ids or []), list(input_paths or [])
    if not names and not ids and not input_paths:
        raise UsageError("give at least one name, --id or --input")
    if input_paths.count(STDIN) > 1:
        raise UsageError("--input - (standard input) can be given only once")
    if STDIN in input_paths and sys.stdin is not None and sys.stdin.isatty():
        raise UsageError(
            "--input - reads papers from standard input, which is a terminal",
            hint='pipe them in: scholar author "NAME" -f csv | scholar metrics --input -',
        )
    fresh = Freshness(max_age=parse_max_age(max_age), refresh=refresh)
    # Files first: a malformed one should fail before any request is made.
    stdin = getattr(sys.stdin, "buffer", None)
    files = [read_papers(path, stdin) for path in input_paths]
    people: list[PersonMetrics] = []
    from scholarcli.datasets.local import local_people

    local = local_people(source, names, ids, as_of=as_of, citations_by_year=citations_by_year)
    if local is not None:
        people += local
    elif names or ids:
        with open_context(offline=offline) as ctx:
            people += analysis.people_metrics(
                ctx, names, ids, as_of=as_of, fresh=fresh, citations_by_year=citations_by_year
            )
    reporter = StderrReporter(render.OutputEnv.detect())
    people += [analysis.input_metrics(papers, as_of, reporter) for papers in files]
    return people


@command_boundary
def metrics(
    names: NamesArgument = None,
    ids: IdOption = None,
    input_paths: InputOption = None,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    citations_by_year: CitationsByYearOption = False,
    source: SourceOption = None,
) -> None:
    """Every metric, one row per person (from Semantic Scholar or a file of papers)."""
    from scholarcli.profile.analysis import PERSON_FIELDS

    fmt_name, env = output_format(fmt)
    people = _people(
        names,
        ids,
        input_paths,
        as_of=parse_as_of(as_of),
        max_age=max_age,
        refresh=refresh,
        offline=offline,
        citations_by_year=citations_by_year,
        source=source,
    )
    records = [person.record() for person in people]
    render.render_record_sections(
        records,
        PERSON_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        keys=("name",),
        title="Metrics",
        json_root="people",
    )
    if not all(person.complete for person in people):
        raise typer.Exit(int(ExitStatus.PARTIAL))


@command_boundary
def compare(
    names: NamesArgument = None,
    ids: IdOption = None,
    input_paths: InputOption = None,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    citations_by_year: CitationsByYearOption = False,
) -> None:
    """People side by side, one row per metric; the best value of each row is highlighted.

    Best is the largest value. first_year, last_year, career_years and
    authors_per_paper describe a record rather than rank it, so they have no best.
    """
    from scholarcli.profile.analysis import compare as compare_people

    fmt_name, env = output_format(fmt)
    people = _people(
        names,
        ids,
        input_paths,
        as_of=parse_as_of(as_of),
        max_age=max_age,
        refresh=refresh,
        offline=offline,
        citations_by_year=citations_by_year,
    )
    comparison = compare_people(people)
    render.render_comparison(
        comparison.people, comparison.rows, fmt_name, sys.stdout, env, title="Comparison"
    )
    if not all(person.complete for person in people):
        raise typer.Exit(int(ExitStatus.PARTIAL))


@command_boundary
def timeline(
    name: PersonArgument = None,
    ids: IdOption = None,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
) -> None:
    """Papers published and citations received per year, one row per year.

    Citations are counted by the year of each citing paper, fetched from Semantic
    Scholar (one request per 1,000 citations of each cited paper) and cached.
    """
    from scholarcli.profile.analysis import PER_YEAR_FIELDS, author_profile
    from scholarcli.profile.sync import Freshness

    check_exclusive(refresh=refresh, offline=offline)
    fmt_name, env = output_format(fmt)
    fresh = Freshness(max_age=parse_max_age(max_age), refresh=refresh)
    with open_context(offline=offline) as ctx:
        view = author_profile(
            ctx,
            name,
            list(ids or []),
            as_of=parse_as_of(as_of),
            fresh=fresh,
            citations_by_year=True,
        )
    render.render_records(
        view.per_year or [],
        PER_YEAR_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title=f"{view.profile.name}: papers and citations per year",
        json_root="per_year",
    )
    if not view.complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))
