"""The ``scholar`` command: wires the command modules together and nothing more.

Also the two things that are the same for every command: ``-h``/``--help`` and the
global ``--debug``, which may come before or after the command name.
"""

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

HELP_OPTION_NAMES = ["-h", "--help"]
GLOBAL_FLAGS = ("--debug",)  # options of the group that a user may also put after the command


def global_flags_first(args: Sequence[str]) -> list[str]:
    """``author X --debug`` as ``--debug author X``: the group's flags moved to the front.

    Typer parses a group's options only before the command name; users put ``--debug``
    at the end of a command they are re-running. Nothing after ``--`` is touched, so a
    value that happens to read ``--debug`` can still be passed."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    moved = [a for a in args[:end] if a in GLOBAL_FLAGS]
    kept = [a for a in args[:end] if a not in GLOBAL_FLAGS]
    return moved + kept + args[end:]


class ScholarGroup(TyperGroup):
    """Typer's group with usage errors as one ``error:`` line (docs/design.md, Errors).

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
        args = global_flags_first(sys.argv[1:] if args is None else args)
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
    context_settings={"help_option_names": HELP_OPTION_NAMES},  # inherited by every command
)

# `scholar --help` lists the commands in these panels, in this order.
PEOPLE = "People"
PAPERS = "Papers"
TRACKING = "Tracking"
DATASETS = "Datasets"
MAINTENANCE = "Maintenance"


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
            help="Show tracebacks and request logs on stderr (the API key is never shown); "
            "also accepted after the command.",
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


app.command(rich_help_panel=PEOPLE)(author_commands.author)
app.command(rich_help_panel=PEOPLE)(author_commands.find)
app.command(rich_help_panel=PEOPLE)(metric_commands.metrics)
app.command(rich_help_panel=PEOPLE)(metric_commands.compare)
app.command(rich_help_panel=PEOPLE)(metric_commands.timeline)
app.command(rich_help_panel=PEOPLE)(coauthor_commands.coauthors)
app.command(rich_help_panel=PEOPLE)(group_commands.group)
app.command(rich_help_panel=PEOPLE)(report_commands.report)
app.add_typer(curate_commands.app, name="curate", rich_help_panel=PEOPLE)
app.command(rich_help_panel=PAPERS)(paper_commands.paper)
app.command(rich_help_panel=PAPERS)(search_commands.search)
app.command(rich_help_panel=PAPERS)(novelty_commands.novelty)
app.command(rich_help_panel=PAPERS)(export_commands.export)
app.command(rich_help_panel=TRACKING)(track_commands.track)
app.command(rich_help_panel=TRACKING)(track_commands.untrack)
app.command(rich_help_panel=TRACKING)(track_commands.tracked)
app.command(rich_help_panel=TRACKING)(track_commands.refresh)
app.command(rich_help_panel=TRACKING)(track_commands.history)
app.command(rich_help_panel=TRACKING)(digest_commands.digest)
app.add_typer(dataset_commands.app, name="datasets", rich_help_panel=DATASETS)
app.add_typer(cache_commands.app, name="cache", rich_help_panel=MAINTENANCE)


def main() -> None:
    app()
