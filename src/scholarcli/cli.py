"""The ``scholar`` command: wires the command modules together and nothing more."""

from __future__ import annotations

from typing import Annotated

import typer

from scholarcli import __version__
from scholarcli.commands import author as author_commands
from scholarcli.commands import cache as cache_commands
from scholarcli.commands.common import setup_logging

app = typer.Typer(
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
app.add_typer(cache_commands.app, name="cache")


def main() -> None:
    app()
