"""``scholar digest``: what changed for tracked people since the previous digest.

Thin: parse options, build the digest (``tracking.digest``), print it, set the marks.
Nothing new prints nothing and exits 0, so a cron job mails only news.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import command_boundary, open_context, output_format
from scholarcli.commands.options import FormatOption, OfflineOption
from scholarcli.errors import ExitStatus

if TYPE_CHECKING:
    from scholarcli.tracking.digest import Digest

NamesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Tracked people (key, name or label); default: everyone.", show_default=False
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE|last",
        help="News since this date (YYYY-MM-DD), or since each person's previous digest "
        "(last, the default; only the default moves the mark).",
        show_default=False,
    ),
]


@command_boundary
def digest(
    names: NamesArgument = None,
    since: SinceOption = None,
    fmt: FormatOption = None,
    offline: OfflineOption = False,
) -> None:
    """News of tracked people: new and lost papers, citation gains with the new citing
    papers, h-index changes and failing refreshes. Prints nothing when nothing is new.
    """
    from scholarcli.tracking import digest as news

    mark = news.parse_since(since)
    fmt_name, env = output_format(fmt)
    with open_context(offline=offline) as ctx:
        result = news.build(ctx, names or [], mark, citers=not offline)
        print_digest(result, fmt_name, env)
        if mark is None:
            news.remember(ctx, result)
    if not result.complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))


def print_digest(result: Digest, fmt: str, env: render.OutputEnv) -> None:
    """Print a digest in ``fmt`` (shared with ``refresh --digest``); nothing when empty."""
    people = [person.as_dict() for person in result.news()]
    text = render.digest_text(result.until, people, render.resolve_format(fmt, env))
    if text:
        sys.stdout.write(text)
