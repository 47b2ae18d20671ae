"""``scholar cache path|info|clear``: where the data lives and what it holds."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    FormatOption,
    command_boundary,
    load_settings,
    open_context,
    output_format,
)
from scholarcli.errors import UsageError

app = typer.Typer(help="Inspect or clear the local cache.", no_args_is_help=True)


@app.command("path")
@command_boundary
def path() -> None:
    """Print the path of the cache database."""
    print(load_settings().db_path)


@app.command("info")
@command_boundary
def info(fmt: FormatOption = None) -> None:
    """Size, record counts and oldest/newest fetch of the cache."""
    fmt_name, env = output_format(fmt)
    with open_context(offline=True) as ctx:
        facts = dataclasses.asdict(ctx.store.info())
    render.render_records([facts], list(facts), fmt_name, sys.stdout, env, title="Cache")


@app.command("clear")
@command_boundary
def clear(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached record (history included)."""
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("refusing to clear the cache without --yes")
        typer.confirm("Delete every cached record?", abort=True)
    with open_context(offline=True) as ctx:
        ctx.store.clear()
    print("cache cleared", file=sys.stderr)
