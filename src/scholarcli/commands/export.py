"""``scholar export``: an author's papers, or any list of paper refs, as a bibliography.

Thin: options in, ``papers.export`` / ``papers.lookup`` for the records,
``papers.formats`` for the text, stdout or an atomic ``-o FILE`` out.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from scholarcli import render
from scholarcli.commands.common import (
    command_boundary,
    open_context,
    output_env,
)
from scholarcli.commands.options import (
    IdOption,
    MaxAgeOption,
    OfflineOption,
    PersonArgument,
    RefreshOption,
    freshness,
)
from scholarcli.errors import ExitStatus, NotFoundError, UsageError


class ExportFormat(StrEnum):
    bibtex = "bibtex"
    ris = "ris"
    csljson = "csljson"


def lookup(ctx: Any, refs: list[str], *, refresh: bool, max_age: Any) -> Any:
    """``scholar paper``'s lookup (``papers.lookup.lookup_papers``) of ``refs``: one
    batch per 500 refs, arXiv in batches of 100, the cache first."""
    from scholarcli.papers.lookup import lookup_papers

    return lookup_papers(ctx, refs, refresh=refresh, max_age=max_age)


@command_boundary
def export(
    name: PersonArgument = None,
    ids: IdOption = None,
    papers: Annotated[
        str | None,
        typer.Option(
            "--papers",
            help="Export these papers instead: a file with one ref a line (id, DOI, arXiv id, "
            "URL or title), or - for standard input.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="bibtex, ris or csljson (default: what -o's extension says, else bibtex).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of stdout (- is stdout).",
            show_default=False,
        ),
    ] = None,
    abstracts: Annotated[bool, typer.Option("--abstracts", help="Include abstracts.")] = False,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
) -> None:
    """Export an author's papers, or a list of papers, as BibTeX, RIS or CSL-JSON."""
    from datetime import date

    from scholarcli.papers import formats
    from scholarcli.papers.export import (
        author_records,
        export_format,
        read_refs,
        write_atomic,
        write_stdout,
    )

    fresh = freshness(max_age, refresh, offline)
    if papers is not None and (name or ids):
        raise UsageError("give a name or --id, or --papers, not both")
    target = None if output in (None, "-") else output
    fmt_name = export_format(fmt.value if fmt else None, target)
    refs = read_refs(papers, sys.stdin.buffer if sys.stdin else None) if papers else None
    env = output_env()
    unresolved: list[Any] = []
    with open_context(offline=offline) as ctx:
        if refs is not None:
            found = lookup(ctx, refs, refresh=refresh, max_age=fresh.max_age)
            records, unresolved = list(found.papers), list(found.unresolved)
            complete = bool(found.complete)
        else:
            person = author_records(ctx, name, list(ids or []), fresh=fresh, as_of=date.today())
            records, complete = person.records, person.complete
    for missing in unresolved:
        render.warn(env, f"{missing.ref}: {missing.reason}")
    if refs is not None and not records:
        raise NotFoundError("none of the refs names a paper", hint="scholar paper REF shows why")
    text = formats.dumps(records, fmt_name, abstracts=abstracts)
    if target is None:
        write_stdout(text)
    else:
        write_atomic(Path(target), text)
        note = f"note: wrote {len(records)} {fmt_name} entries to {target}"
        render.stderr_console(env).print(note, markup=False, highlight=False, soft_wrap=True)
    if unresolved:
        raise NotFoundError(
            f"{len(unresolved)} of {len(refs or [])} refs name no paper; the rest were exported"
        )
    if not complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))
