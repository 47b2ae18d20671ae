"""``scholar paper REF...``: look papers up, or list a paper's citations or references."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer

from scholarcli import render
from scholarcli.commands.common import (
    check_exclusive,
    command_boundary,
    open_context,
    output_format,
    parse_as_of,
    parse_max_age,
    report_error,
)
from scholarcli.commands.options import (
    AbstractsOption,
    AsOfOption,
    FormatOption,
    IdsOnlyOption,
    MaxAgeOption,
    OfflineOption,
    RefreshOption,
)
from scholarcli.errors import ExitStatus, UsageError

MAX_REFS = 100_000
# Exit 5 (partial) says something is missing; this line says what, after the warnings.
ARXIV_PARTIAL = (
    "arXiv could not be reached: the categories, dates and code links it gives are missing"
)
ARXIV_PARTIAL_HINT = "run the same command again later; what arXiv answered is kept"


class EdgeSort(StrEnum):
    citations = "citations"
    date = "date"

    @classmethod
    def _missing_(cls, value: object) -> EdgeSort | None:
        # "year" is the same order by another name (older releases, other tools).
        return cls.date if value == "year" else None


RefsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Paper ids, DOIs, arXiv ids, semanticscholar.org/arxiv.org/doi.org links "
        "or quoted titles.",
        show_default=False,
    ),
]
InputOption = Annotated[
    str | None,
    typer.Option(
        "--input",
        "-i",
        metavar="FILE",
        help="Read references from FILE, one a line, or scholar's csv/json output "
        "('-' for stdin; # starts a comment).",
        show_default=False,
    ),
]


def read_refs(refs: Sequence[str], input_file: str | None) -> list[str]:
    """References from the arguments, then from ``--input`` (lines, or scholar's own
    csv/json/jsonl output: see ``inputs.paper_refs``)."""
    from scholarcli.inputs.paper_refs import refs_from_text

    found = [r for r in refs if r.strip()]
    if input_file is not None:
        if input_file == "-":
            text = sys.stdin.read()
        else:
            try:
                with open(input_file, encoding="utf-8-sig") as handle:
                    text = handle.read()
            except OSError as exc:
                raise UsageError(f"cannot read --input {input_file}: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise UsageError(f"--input {input_file} is not UTF-8 text") from None
        found += refs_from_text(text)
    if not found:
        raise UsageError(
            "give at least one paper reference",
            hint="e.g. scholar paper 2308.06744, a DOI, or a quoted title; or --input FILE",
        )
    if len(found) > MAX_REFS:
        raise UsageError(f"at most {MAX_REFS:,} references at a time")
    return found


def print_ids(records: Sequence[dict[str, Any]]) -> None:
    """One id a line: S2's paper id, else ``ARXIV:<id>`` (both ``scholar paper`` refs)."""
    for record in records:
        ident = record.get("paper_id") or (
            f"ARXIV:{record['arxiv_id']}" if record.get("arxiv_id") else None
        )
        if ident:
            sys.stdout.write(ident + "\n")


def report_unresolved(unresolved: Sequence[Any]) -> None:
    for missing in unresolved:
        print(f"error: not found: {missing.ref!r} ({missing.reason})", file=sys.stderr)
        if missing.candidates:
            closest = "; ".join(
                f'"{c["title"]}" ({c.get("year") or "n.d."}, {c["paper_id"]})'
                for c in missing.candidates
            )
            print(f"hint: closest titles: {closest}", file=sys.stderr)


@command_boundary
def paper(
    refs: RefsArgument = None,
    input_file: InputOption = None,
    citations: Annotated[
        bool, typer.Option("--citations", help="List the papers that cite it.")
    ] = False,
    references: Annotated[
        bool, typer.Option("--references", help="List the papers it cites.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", help="With --citations/--references: at most N.", show_default=False
        ),
    ] = None,
    sort: Annotated[
        EdgeSort | None,
        typer.Option(
            "--sort",
            help="With --citations/--references: citations (most cited first) or date "
            "(newest first; 'year' is an alias). Reads the whole list, then keeps --limit.",
            show_default=False,
        ),
    ] = None,
    abstracts: AbstractsOption = False,
    ids_only: IdsOnlyOption = False,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="s2 (default) or openalex: look works up on OpenAlex (W ids, DOIs, "
            "arXiv ids, titles).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Look papers up by id, DOI, arXiv id, link or title; or list citations/references.

    Many references are fetched together (one Semantic Scholar request per 500, one arXiv
    request per 100). References that name no paper are reported on stderr and the exit
    status is 3; the others are still printed.
    """
    check_exclusive(refresh=refresh, offline=offline)
    check_exclusive(citations=citations, references=references)
    fmt_name, env = output_format(fmt)
    fresh_age = parse_max_age(max_age)
    year = parse_as_of(as_of).year
    wanted = read_refs(list(refs or []), input_file)
    where = (source or "s2").strip().lower()
    if where not in {"s2", "api", "openalex"}:
        raise UsageError(f"--source must be s2 or openalex, not {source!r}")
    if where == "openalex":
        if citations or references or limit is not None or sort is not None:
            raise UsageError(
                "--citations and --references are not available with --source openalex yet",
                hint="use --source s2 for citation lists",
            )
        _paper_openalex(
            wanted, fresh_age, refresh, offline, year, ids_only, fmt_name, env, abstracts
        )
        return
    if citations or references:
        _edges(
            wanted,
            "citations" if citations else "references",
            limit=limit,
            sort=None if sort is None else "year" if sort is EdgeSort.date else sort.value,
            fmt_name=fmt_name,
            env=env,
            abstracts=abstracts,
            ids_only=ids_only,
            fresh_age=fresh_age,
            refresh=refresh,
            offline=offline,
            year=year,
        )
        return
    if limit is not None or sort is not None:
        raise UsageError("--limit and --sort go with --citations or --references")
    from scholarcli.papers.lookup import lookup_papers
    from scholarcli.papers.records import PAPER_RECORD_FIELDS

    with open_context(offline=offline) as ctx:
        result = lookup_papers(ctx, wanted, refresh=refresh, max_age=fresh_age, as_of_year=year)
    if ids_only:
        print_ids(result.papers)
    elif result.papers or fmt_name != "table":
        render.render_paper_panels(
            result.papers, PAPER_RECORD_FIELDS, fmt_name, sys.stdout, env, abstracts=abstracts
        )
    if result.unresolved:
        report_unresolved(result.unresolved)
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
    if not result.complete:
        report_error(ARXIV_PARTIAL, ARXIV_PARTIAL_HINT)
        raise typer.Exit(int(ExitStatus.PARTIAL))


def _edges(
    refs: list[str],
    direction: str,
    *,
    limit: int | None,
    sort: str | None,
    fmt_name: str,
    env: render.OutputEnv,
    abstracts: bool,
    ids_only: bool,
    fresh_age: Any,
    refresh: bool,
    offline: bool,
    year: int,
) -> None:
    from scholarcli.papers.citations import paper_edges
    from scholarcli.papers.records import EDGE_RECORD_FIELDS

    if len(refs) != 1:
        raise UsageError(f"--{direction} takes exactly one paper reference, not {len(refs)}")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    with open_context(offline=offline) as ctx:
        result = paper_edges(
            ctx,
            refs[0],
            direction,
            limit=limit,
            sort=sort,
            refresh=refresh,
            max_age=fresh_age,
            as_of_year=year,
        )
    if ids_only:
        print_ids(result.records)
    what = "Citations of" if direction == "citations" else "References of"
    listed = result.paper.get("citations" if direction == "citations" else "references_count")
    shown = f"{len(result.records):,} of {listed:,} {direction}" if limit and listed else None
    if not ids_only:
        render.render_paper_list(
            result.records,
            EDGE_RECORD_FIELDS,
            fmt_name,
            sys.stdout,
            env,
            title=f"{what} {result.paper.get('title') or refs[0]}",
            abstracts=abstracts,
            caption=shown,
            subject=result.paper,
        )
    if not result.arxiv_complete:
        report_error(ARXIV_PARTIAL, ARXIV_PARTIAL_HINT)
        raise typer.Exit(int(ExitStatus.PARTIAL))


def _paper_openalex(
    wanted: list[str],
    max_age: timedelta,
    refresh: bool,
    offline: bool,
    year: int,
    ids_only: bool,
    fmt_name: str,
    env: render.OutputEnv,
    abstracts: bool,
) -> None:
    """``--source openalex``: works by W id, DOI (free), arXiv id or title."""
    from scholarcli.papers import openalex_papers

    with open_context(offline=offline) as ctx:
        found = openalex_papers.lookup(
            ctx, wanted, max_age=max_age, refresh=refresh, as_of_year=year
        )
    if ids_only:
        print_ids(found.records)
    elif found.records or fmt_name != "table":
        render.render_paper_panels(
            found.records,
            openalex_papers.RECORD_FIELDS,
            fmt_name,
            sys.stdout,
            env,
            abstracts=abstracts,
        )
    for ref, why in found.unresolved:
        print(f"error: {ref!r}: {why}", file=sys.stderr)
    if found.unresolved:
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
