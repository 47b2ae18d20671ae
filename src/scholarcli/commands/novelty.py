"""``scholar novelty REF...``: Novelty and Impact of single papers (docs/novelty.md)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import command_boundary, open_context, output_format
from scholarcli.commands.options import FormatOption, RefreshOption
from scholarcli.errors import ExitStatus


@command_boundary
def novelty(
    refs: Annotated[
        list[str],
        typer.Argument(
            help="Papers: DOI, arXiv id, Semantic Scholar id or URL, or CorpusId:N.",
            metavar="REF",
            show_default=False,
        ),
    ],
    fmt: FormatOption = None,
    refresh: RefreshOption = False,
    disruption: Annotated[
        bool,
        typer.Option(
            "--disruption",
            help="Also compute CD_nok (5-year disruption index) from the citing papers.",
        ),
    ] = False,
) -> None:
    """Novelty (reference spread) and Impact of papers, as percentiles of their arXiv cohort.

    Each paper is ranked among a sample of up to 200 arXiv papers with the same primary
    category and first-version year; values are null, with a note, where they cannot be
    computed.
    """
    from scholarcli.novelty import lookup

    fmt_name, env = output_format(fmt)
    with open_context() as ctx:
        from datetime import date

        result = lookup.score_refs(
            ctx, refs, force=refresh, disruption_as_of=date.today().year if disruption else None
        )
        for text in result.missing:
            ctx.reporter.warn(f"Semantic Scholar does not know {text!r}; left out")
    render.render_records(
        result.records,
        lookup.TABLE_FIELDS if fmt_name in ("table", "markdown") else lookup.FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title="Novelty and Impact",
        json_root="papers",
    )
    if result.missing:  # as scholar paper: the others are printed, the missing named
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
    if not result.complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))
