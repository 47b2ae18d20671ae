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
)
from scholarcli.commands.options import (
    AsOfOption,
    IdOption,
    MaxAgeOption,
    OfflineOption,
    RefreshOption,
    SelfCitationsOption,
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


@command_boundary
def report(
    names: NamesArgument = None,
    ids: IdOption = None,
    output: OutputOption = "report.html",
    as_of: AsOfOption = None,
    max_age: MaxAgeOption = "7d",
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    self_citations: SelfCitationsOption = False,
) -> None:
    r"""Write an HTML report: header numbers, charts and the sortable paper table.

    One file with everything inline (no CDN, nothing fetched when opened), readable with
    JavaScript off and printable. Several names go side by side; all --id together are one
    more person. Needs the report extra: pip install "scholarcli\[report]".
    """
    from scholarcli.report.html import EXTRA_HINT, missing_extra

    check_exclusive(refresh=refresh, offline=offline)
    names, ids = list(names or []), list(ids or [])
    if not names and not ids:
        raise UsageError("give at least one name or --id", hint='scholar report "NAME" -o r.html')
    missing = missing_extra()
    if missing is not None:  # before any request: nothing is fetched for a page not drawn
        raise UsageError(f"scholar report needs {missing}, which is not installed", EXTRA_HINT)
    when = parse_as_of(as_of)
    fresh_age = parse_max_age(max_age)
    target = None if output == "-" else Path(output)
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


def _write(target: Path, page: str) -> None:
    """Write next to the target, then rename: a failed run never leaves half a page."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
