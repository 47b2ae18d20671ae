"""``scholar metrics`` (every metric, one row per person), ``scholar compare`` (people
side by side) and ``scholar timeline`` (papers and citations per year)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    StderrReporter,
    command_boundary,
    open_profile_source,
    output_env,
    output_format,
    parse_as_of,
    report_error,
)
from scholarcli.commands.options import (
    AsOfOption,
    CitationsByYearOption,
    FormatOption,
    IdOption,
    MaxAgeOption,
    OfflineOption,
    PersonArgument,
    RefreshOption,
    SelfCitationsOption,
    SourceOption,
    freshness,
)
from scholarcli.errors import ExitStatus, NotFoundError, UsageError
from scholarcli.inputs.source import DEFAULT_MAX_LINE_BYTES

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
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="COLUMN",
        help="With --input: one row per distinct value of this column (e.g. a person or "
        "venue column), named as in the file's header.",
        show_default=False,
    ),
]
MaxLineBytesOption = Annotated[
    int,
    typer.Option(
        "--max-line-bytes",
        metavar="BYTES",
        help="With --input: refuse a file with a line longer than this (exit 2); "
        "raise it only for records that really are this long.",
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
    missing: list[NotFoundError] | None = None,
    by: str | None = None,
    source: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    self_citations: bool = False,
) -> list[PersonMetrics]:
    """The people to show: names, then all --id together, then each --input file
    (one row per file, or with ``by`` one per distinct value of that column).

    Names that match nobody go to ``missing`` (see :func:`report_missing`).
    """
    from scholarcli.inputs.read import read_table
    from scholarcli.inputs.source import STDIN, check_cap
    from scholarcli.profile import analysis
    from scholarcli.profile.builder import is_api
    from scholarcli.profile.file_metrics import table_metrics

    fresh = freshness(max_age, refresh, offline)
    names, ids, input_paths = list(names or []), list(ids or []), list(input_paths or [])
    if not names and not ids and not input_paths:
        raise UsageError("give at least one name, --id or --input")
    if self_citations and (input_paths or (source or "").startswith("datasets:")):
        raise UsageError(
            "--self-citations reads who cites each paper from Semantic Scholar; "
            "it works for names and --id, not --input or --source datasets:DIR"
        )
    if by is not None and (names or ids):
        raise UsageError("--by groups the papers of --input files; give no names or --id")
    if input_paths.count(STDIN) > 1:
        raise UsageError("--input - (standard input) can be given only once")
    if STDIN in input_paths and output_env().stdin_isatty:
        raise UsageError(
            "--input - reads papers from standard input, which is a terminal",
            hint='pipe them in: scholar author "NAME" -f csv | scholar metrics --input -',
        )
    check_cap(max_line_bytes)
    # Files first: a malformed one should fail before any request is made.
    stdin = getattr(sys.stdin, "buffer", None)
    files = [read_table(path, stdin, by, max_line_bytes=max_line_bytes) for path in input_paths]
    people: list[PersonMetrics] = []
    # A datasets:DIR source is checked (and its refusals made) even with only --input.
    if names or ids or not is_api(source):
        with open_profile_source(source, offline=offline) as profile_source:
            people += analysis.people_metrics(
                profile_source,
                names,
                ids,
                as_of=as_of,
                fresh=fresh,
                citations_by_year=citations_by_year,
                # Only the API path reports unmatched names and goes on (as before).
                missing=missing if profile_source.context is not None else None,
                self_citations=self_citations,
            )
    reporter = StderrReporter(output_env())
    for table in files:
        people += table_metrics(table, as_of, reporter)
    return people


def found_or_raise(people: list[PersonMetrics], missing: list[NotFoundError]) -> None:
    """Nobody found at all: the first miss is the error (exit 3, nothing printed)."""
    if missing and not people:
        raise missing[0]


def report_missing(missing: list[NotFoundError]) -> None:
    """After the people found are printed: name each one not found, exit 3."""
    if not missing:
        return
    for exc in missing[:-1]:
        report_error(exc.message)
    hint = "the people found are shown above; 'scholar find NAME' lists who a name matches"
    report_error(missing[-1].message, hint)
    raise typer.Exit(int(ExitStatus.NOT_FOUND))


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
    by: ByOption = None,
    source: SourceOption = None,
    max_line_bytes: MaxLineBytesOption = DEFAULT_MAX_LINE_BYTES,
    self_citations: SelfCitationsOption = False,
) -> None:
    """Every metric, one row per person (from Semantic Scholar or a file of papers).

    With --by COLUMN, one row per distinct value of that column of the --input files
    (a person, a group, a venue), the column first.
    """
    from scholarcli.profile.analysis import PERSON_FIELDS
    from scholarcli.profile.file_metrics import group_fields

    fmt_name, env = output_format(fmt)
    missing: list[NotFoundError] = []
    people = _people(
        names,
        ids,
        input_paths,
        as_of=parse_as_of(as_of),
        max_age=max_age,
        refresh=refresh,
        offline=offline,
        citations_by_year=citations_by_year,
        missing=missing,
        by=by,
        source=source,
        max_line_bytes=max_line_bytes,
        self_citations=self_citations,
    )
    found_or_raise(people, missing)
    records = [person.record() for person in people]
    fields = group_fields(by) if by is not None else PERSON_FIELDS
    if self_citations:
        from scholarcli.indicators.selfcite import SELF_CITATION_FIELDS

        fields = (*fields, *SELF_CITATION_FIELDS)
    render.render_record_sections(
        records,
        fields,
        fmt_name,
        sys.stdout,
        env,
        keys=("name",),
        title="Metrics",
        json_root="people",
    )
    report_missing(missing)
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
    max_line_bytes: MaxLineBytesOption = DEFAULT_MAX_LINE_BYTES,
    self_citations: SelfCitationsOption = False,
) -> None:
    """People side by side, one row per metric; the best value of each row is highlighted.

    Best is the largest value. first_year, last_year, career_years and
    authors_per_paper describe a record rather than rank it, so they have no best (nor
    do the self-citation counts and rates). A warning on stderr says when the people
    have different primary categories or careers of very different lengths.
    """
    from scholarcli.profile.analysis import compare as compare_people

    # Refuse before anything is fetched: --id values together are one person.
    if len(names or []) + (1 if ids else 0) + len(input_paths or []) < 2:
        raise UsageError(
            "compare needs at least two people", hint="give two names, or names and --input"
        )
    fmt_name, env = output_format(fmt)
    missing: list[NotFoundError] = []
    people = _people(
        names,
        ids,
        input_paths,
        as_of=parse_as_of(as_of),
        max_age=max_age,
        refresh=refresh,
        offline=offline,
        citations_by_year=citations_by_year,
        missing=missing,
        max_line_bytes=max_line_bytes,
        self_citations=self_citations,
    )
    found_or_raise(people, missing)
    comparison = compare_people(people, at_least=1 if missing else 2)
    for warning in comparison.warnings:
        render.warn(env, warning)
    render.render_comparison(
        comparison.people, comparison.rows, fmt_name, sys.stdout, env, title="Comparison"
    )
    report_missing(missing)
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
    from scholarcli.profile.analysis import PER_YEAR_FIELDS
    from scholarcli.profile.builder import ProfileRequest, build_profile

    fresh = freshness(max_age, refresh, offline)
    fmt_name, env = output_format(fmt)
    request = ProfileRequest(
        name,
        tuple(ids or []),
        as_of=parse_as_of(as_of),
        fresh=fresh,
        citations_by_year=True,
    )
    with open_profile_source(None, offline=offline) as profile_source:
        view = build_profile(profile_source, request)
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
