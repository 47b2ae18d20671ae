"""``scholar report``: one self-contained HTML page of one or several profiles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from scholarcli.commands.common import (
    check_exclusive,
    command_boundary,
    open_context,
    parse_as_of,
    parse_max_age,
    report_error,
)
from scholarcli.commands.options import (
    AsOfOption,
    IdOption,
    MaxAgeOption,
    OfflineOption,
    RefreshOption,
    SelfCitationsOption,
    SourceOption,
)
from scholarcli.errors import ExitStatus, UsageError

NamesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="People's names, each resolved as scholar author does; several go side by side.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    str,
    typer.Option(
        "--output", "-o", help="The HTML file to write ('-' for stdout).", show_default=True
    ),
]


GroupOption = Annotated[
    bool,
    typer.Option(
        "--group",
        help="Draw the NAMES (or --tracked, --input, --label) as one group, "
        "as scholar group counts it.",
    ),
]
TrackedOption = Annotated[
    bool, typer.Option("--tracked", help="A group of every tracked person (implies --group).")
]
InputOption = Annotated[
    str | None,
    typer.Option(
        "--input",
        "-i",
        metavar="FILE",
        help="A group from a CSV of people, as scholar group reads it (implies --group).",
        show_default=False,
    ),
]
LabelOption = Annotated[
    str | None,
    typer.Option(
        "--label",
        metavar="L",
        help="A group saved with scholar group --save (implies --group).",
        show_default=False,
    ),
]
SinceOption = Annotated[
    int | None,
    typer.Option(
        "--since",
        metavar="YEAR",
        help="With a group: only papers from this year on.",
        show_default=False,
    ),
]


@command_boundary
def report(
    names: NamesArgument = None,
    ids: IdOption = None,
    group: GroupOption = False,
    tracked: TrackedOption = False,
    input_path: InputOption = None,
    label: LabelOption = None,
    since: SinceOption = None,
    output: OutputOption = "report.html",
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    self_citations: SelfCitationsOption = False,
    source: SourceOption = None,
) -> None:
    r"""Write an HTML report: header numbers, charts and the sortable paper table.

    One file with everything inline (no CDN, nothing fetched when opened), readable with
    JavaScript off and printable. Several names go side by side; all --id together are one
    more person. With --group (or --tracked, --input, --label) the page draws a group:
    the members' table, the group's papers per year and the collaboration network.
    Needs the report extra: pip install "scholarcli\[report]".
    """
    from scholarcli.report.html import EXTRA_HINT, missing_extra

    check_exclusive(refresh=refresh, offline=offline)
    group = group or tracked or input_path is not None or label is not None
    if group:
        _report_group(
            names, ids, tracked, input_path, label, since, output, as_of, max_age, refresh, offline
        )
        return
    if since is not None:
        raise UsageError("--since applies to a group", hint="scholar report --group A B --since Y")
    names, ids = list(names or []), list(ids or [])
    if not names and not ids:
        raise UsageError("give at least one name or --id", hint='scholar report "NAME" -o r.html')
    missing = missing_extra()
    if missing is not None:  # before any request: nothing is fetched for a page not drawn
        raise UsageError(f"scholar report needs {missing}, which is not installed", EXTRA_HINT)
    when = parse_as_of(as_of)
    fresh_age = parse_max_age(max_age)
    target = None if output == "-" else Path(output)
    _check_target(target, output)

    from scholarcli.core import Freshness
    from scholarcli.report.data import people_reports
    from scholarcli.report.html import render_page

    with open_context(offline=offline) as ctx:
        people = people_reports(
            ctx,
            names,
            ids,
            as_of=when,
            fresh=Freshness(max_age=fresh_age, refresh=refresh),
            self_citations=self_citations,
            source=source,
        )
        page = render_page(people)
    if target is None:
        sys.stdout.write(page)
    else:
        _write(target, page)
        print(
            f"wrote {target} ({len(page.encode('utf-8')) / 1024:,.0f} kB, "
            f"{len(people)} {'person' if len(people) == 1 else 'people'})",
            file=sys.stderr,
        )
    if not all(person.complete for person in people):
        raise typer.Exit(int(ExitStatus.PARTIAL))


def _check_target(target: Path | None, output: str) -> None:
    if target is not None and target.is_dir():
        raise UsageError(f"--output {output!r} is a folder", hint="give a file name, e.g. r.html")
    if target is not None and target.suffix.lower() not in {".html", ".htm"}:
        # The report is HTML only: writing it under .pdf (or .png) would make a file its
        # name lies about, which a viewer then refuses.
        raise UsageError(
            f"--output {output!r}: the report is an HTML page; give a .html or .htm file",
            hint="for a PDF, open the page in a browser and print it to PDF",
        )
    if target is not None and not target.parent.is_dir():  # before any request is made
        raise UsageError(f"--output {output!r}: the folder {str(target.parent)!r} does not exist")


def _report_group(
    names: list[str] | None,
    ids: list[str] | None,
    tracked: bool,
    input_path: str | None,
    label: str | None,
    since: int | None,
    output: str,
    as_of: str | None,
    max_age: str,
    refresh: bool,
    offline: bool,
) -> None:
    """``--group``: the members as ``scholar group`` gathers them, drawn on one page."""
    from scholarcli.commands.group import check_selectors, gather_members
    from scholarcli.commands.options import freshness
    from scholarcli.report.html import EXTRA_HINT, missing_extra

    if ids:
        raise UsageError(
            "--id cannot be used with --group", hint="pin members' ids in an --input file"
        )
    check_selectors(names, tracked, input_path, label, since)
    missing = missing_extra()
    if missing is not None:  # before any request: nothing is fetched for a page not drawn
        raise UsageError(f"scholar report needs {missing}, which is not installed", EXTRA_HINT)
    fresh = freshness(max_age, refresh, offline)
    when = parse_as_of(as_of)
    target = None if output == "-" else Path(output)
    _check_target(target, output)

    from scholarcli.group import members as members_of
    from scholarcli.group.build import build_group
    from scholarcli.profile.builder import profile_source
    from scholarcli.report.group import render_group_page

    specs = members_of.from_csv(input_path) if input_path is not None else None
    with open_context(offline=offline) as ctx:
        specs = specs or gather_members(ctx, names, tracked=tracked, label=label)
        view = build_group(profile_source(None, ctx), specs, as_of=when, fresh=fresh, since=since)
    page = render_group_page(view)
    if target is None:
        sys.stdout.write(page)
    else:
        _write(target, page)
        count = len(view.members)
        print(
            f"wrote {target} ({len(page.encode('utf-8')) / 1024:,.0f} kB, "
            f"a group of {count} {'member' if count == 1 else 'members'})",
            file=sys.stderr,
        )
    for miss in view.missing:
        report_error(miss.message)
    if view.missing:
        raise typer.Exit(int(ExitStatus.NOT_FOUND))
    if not view.complete:
        raise typer.Exit(int(ExitStatus.PARTIAL))


def _write(target: Path, page: str) -> None:
    """Write next to the target, then rename: a failed run never leaves half a page."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
