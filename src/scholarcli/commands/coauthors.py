"""``scholar coauthors NAME``: collaborators ranked by joint papers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    command_boundary,
    open_context,
    output_format,
)
from scholarcli.commands.options import (
    FormatOption,
    IdOption,
    MaxAgeOption,
    OfflineOption,
    PersonArgument,
    RefreshOption,
    SourceOption,
    freshness,
)
from scholarcli.errors import UsageError


@command_boundary
def coauthors(
    name: PersonArgument = None,
    ids: IdOption = None,
    fmt: FormatOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Show at most N coauthors.", show_default=False)
    ] = None,
    source: SourceOption = None,
) -> None:
    """Collaborators ranked by joint papers, with joint years and joint citations.

    Counted from the person's cached paper lists: first and last year of a joint paper,
    citations of the joint papers. A coauthor is their Semantic Scholar author id, or
    their name when a paper lists none; the person is left out by id and by name.
    """
    from scholarcli.profile.analysis import COAUTHOR_FIELDS
    from scholarcli.profile.analysis import coauthors as find_coauthors

    fresh = freshness(max_age, refresh, offline)
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    fmt_name, env = output_format(fmt)
    with open_context(offline=offline) as ctx:
        found = find_coauthors(ctx, name, list(ids or []), fresh=fresh, source=source)
    render.render_records(
        found.coauthors[:limit],
        COAUTHOR_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title=f"Coauthors of {found.name}",
        json_root="coauthors",
    )
