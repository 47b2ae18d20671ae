"""The ``scholar`` command: wires the command modules together and nothing more."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from scholarcli import __version__
from scholarcli.commands import author as author_commands
from scholarcli.commands import cache as cache_commands
from scholarcli.commands import coauthors as coauthor_commands
from scholarcli.commands import curate as curate_commands
from scholarcli.commands import datasets as dataset_commands
from scholarcli.commands import digest as digest_commands
from scholarcli.commands import export as export_commands
from scholarcli.commands import group as group_commands
from scholarcli.commands import metrics as metric_commands
from scholarcli.commands import novelty as novelty_commands
from scholarcli.commands import paper as paper_commands
from scholarcli.commands import report as report_commands
from scholarcli.commands import search as search_commands
from scholarcli.commands import track as track_commands
from scholarcli.commands.common import setup_logging
from scholarcli.commands.params import humanize, parameter_name
from scholarcli.errors import printable


class ScholarGroup(TyperGroup):
    """Typer's group with usage errors as one ``error:`` line, per DESIGN.md.

    Typer prints its own boxed usage errors; this reports them like every other
    error (``error: ...`` and ``hint: ...``, exit 2) without touching its help output.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        humanize(self)  # our parsers, metavars and wording for every command's options
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except Exception as exc:
            # typer's own exceptions live in a private module; they all carry these two.
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                raise
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "scholar"
            message = " ".join(printable(_usage_message(exc)).split())
            if message:  # empty when typer has just printed help (no arguments given)
                tip = " (put -- before a name that starts with -)" if "option" in message else ""
                print(f"error: {message}", file=sys.stderr)
                print(f"hint: see '{where} --help'{tip}", file=sys.stderr)
            sys.exit(int(exc.exit_code))
        sys.exit(result if isinstance(result, int) else 0)


def _usage_message(exc: Exception) -> str:
    """``--limit: 'abc' is not a number`` rather than typer's ``Invalid value for ...``."""
    param = getattr(exc, "param", None)
    if isinstance(exc, typer.BadParameter) and param is not None and exc.message:
        return f"{parameter_name(param)}: {exc.message}"
    return str(exc.format_message())  # type: ignore[attr-defined]


app = typer.Typer(
    cls=ScholarGroup,
    name="scholar",
    help="Author profiles and bibliometrics from Semantic Scholar and arXiv, cached locally.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"scholar {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show tracebacks and request logs on stderr (the API key is never shown).",
        ),
    ] = False,
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    import os

    setup_logging(debug or os.environ.get("SCHOLAR_DEBUG", "").strip() in {"1", "true", "yes"})


app.command()(author_commands.author)
app.command()(author_commands.find)
app.command()(metric_commands.metrics)
app.command()(metric_commands.compare)
app.command()(metric_commands.timeline)
app.command()(group_commands.group)
app.command()(coauthor_commands.coauthors)
app.command()(novelty_commands.novelty)
app.command()(track_commands.track)
app.command()(track_commands.untrack)
app.command()(track_commands.tracked)
app.command()(track_commands.refresh)
app.command()(track_commands.history)
app.command()(digest_commands.digest)
app.add_typer(cache_commands.app, name="cache")
app.command()(paper_commands.paper)
app.command()(search_commands.search)
app.command()(export_commands.export)
app.command()(report_commands.report)
app.add_typer(curate_commands.app, name="curate")
app.add_typer(dataset_commands.app, name="datasets")


def main() -> None:
    app()
