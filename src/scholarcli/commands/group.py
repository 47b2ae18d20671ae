"""``scholar group``: people as a group — their rows, the group's line, the network.

Thin: gather the members (names, ``--tracked``, ``--input``, ``--label``), build the
view (``group.build``), print it; ``-o FILE.graphml`` also writes the network.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scholarcli import render
from scholarcli.commands.common import (
    command_boundary,
    open_context,
    output_format,
    parse_as_of,
    report_error,
)
from scholarcli.commands.options import (
    AsOfOption,
    FormatOption,
    MaxAgeOption,
    OfflineOption,
    RefreshOption,
    freshness,
)
from scholarcli.errors import ExitStatus, UsageError

if TYPE_CHECKING:
    from scholarcli.core import Context
    from scholarcli.group.build import GroupView
    from scholarcli.group.members import MemberSpec

#: The members' table: fits 80 columns; csv/json/jsonl carry every metric.
MEMBER_TABLE_FIELDS = ("name", "papers", "citations", "h_index", "g_index", "i10_index")
GROUP_FIELDS = (
    "members",
    "papers",
    "joint_papers",
    "citations",
    "h_index",
    "g_index",
    "median_member_h_index",
    "since",
)
EDGE_FIELDS = ("source", "target", "joint_papers")


@command_boundary
def group(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Members' names, each resolved as scholar author does.", show_default=False
        ),
    ] = None,
    tracked: Annotated[
        bool, typer.Option("--tracked", help="Every tracked person (scholar tracked).")
    ] = False,
    input_path: Annotated[
        str | None,
        typer.Option(
            "--input",
            "-i",
            metavar="FILE",
            help="A CSV of people: a header with name and/or ids (';' between ids), "
            "optionally label.",
            show_default=False,
        ),
    ] = None,
    label: Annotated[
        str | None,
        typer.Option("--label", metavar="L", help="A group saved with --save.", show_default=False),
    ] = None,
    save: Annotated[
        str | None,
        typer.Option(
            "--save",
            metavar="L",
            help="Save the members (ids pinned) as group L, for --label L later.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        int | None,
        typer.Option(
            "--since", metavar="YEAR", help="Only papers from this year on.", show_default=False
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.graphml",
            help="Also write the collaboration network as GraphML (networkx, Gephi).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
) -> None:
    """A group of people: each member's metrics row, the group's own line (papers
    counted once, citations, group h- and g-index, the members' median h-index) and
    who wrote with whom among the members.
    """
    from scholarcli.group import members as members_of
    from scholarcli.group.build import build_group, write_graphml
    from scholarcli.profile.builder import profile_source

    check_selectors(names, tracked, input_path, label, since)
    if output is not None and not output.lower().endswith(".graphml"):
        raise UsageError(f"-o {output}: only GraphML is written (a name ending in .graphml)")
    fresh = freshness(max_age, refresh, offline)
    fmt_name, env = output_format(fmt)
    when = parse_as_of(as_of)
    specs = members_of.from_csv(input_path) if input_path is not None else None
    with open_context(offline=offline) as ctx:
        specs = specs or gather_members(ctx, names, tracked=tracked, label=label)
        view = build_group(profile_source(None, ctx), specs, as_of=when, fresh=fresh, since=since)
        if save is not None:
            members_of.save(ctx, save, view.resolved)
            ctx.reporter.note(f"saved {len(view.resolved)} members as group {save!r}")
    if output is not None:
        try:
            write_graphml(view, output)
        except OSError as exc:
            raise UsageError(f"-o {output}: cannot write it ({exc.strerror})") from None
    print_group(view, fmt_name, env)
    for miss in view.missing:
        report_error(miss.message)
    if view.missing:
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
    if not view.complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))


def check_selectors(
    names: list[str] | None,
    tracked: bool,
    input_path: str | None,
    label: str | None,
    since: int | None,
) -> None:
    """One way of naming the members, a plausible --since (``scholar report --group`` too)."""
    chosen = [
        n
        for n, on in (
            ("names", bool(names)),
            ("--tracked", tracked),
            ("--input", input_path is not None),
            ("--label", label is not None),
        )
        if on
    ]
    if not chosen:
        raise UsageError("give members: names, --tracked, --input FILE or --label L")
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} cannot be used together: pick one")
    if since is not None and not 1900 <= since <= 2100:
        raise UsageError(f"--since: {since} is not a plausible year")


def gather_members(
    ctx: Context, names: list[str] | None, *, tracked: bool, label: str | None
) -> list[MemberSpec]:
    """The members named by --tracked, --label or names (--input is read before)."""
    from scholarcli.group import members as members_of

    if tracked:
        return members_of.from_tracked(ctx)
    if label is not None:
        return members_of.from_saved(ctx, label)
    return members_of.from_names(names or [])


def print_group(view: GroupView, fmt: str, env: render.OutputEnv) -> None:
    from scholarcli.profile.analysis import PERSON_FIELDS

    fmt = render.resolve_format(fmt, env)
    members = [m.record() for m in view.members]
    whole = view.group_record()
    if fmt == "json":
        payload: dict[str, Any] = {
            "group": whole,
            "members": members,
            "network": view.network(),
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return
    if fmt in {"csv", "jsonl"}:
        # One row per member, then the group's own row (source "group"): one shape.
        rows = [*members, {"name": "group", "ids": [], "source": "group", **whole}]
        render.render_records(rows, PERSON_FIELDS, fmt, sys.stdout, env)
        return
    window = f" since {view.since}" if view.since else ""
    render.render_records(
        members, MEMBER_TABLE_FIELDS, fmt, sys.stdout, env, title=f"Members{window}"
    )
    render.render_records([whole], GROUP_FIELDS, fmt, sys.stdout, env, title="Group")
    edges = [
        {"source": e.source, "target": e.target, "joint_papers": e.joint_papers} for e in view.edges
    ]
    if edges:
        render.render_records(
            edges, EDGE_FIELDS, fmt, sys.stdout, env, title="Joint papers among members"
        )
    else:
        sys.stdout.write("No joint papers among the members.\n")
