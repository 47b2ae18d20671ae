"""Output layer: print profiles and records as table, csv, json, jsonl or markdown.

Terminal awareness lives in one injectable :class:`OutputEnv` (the httpie pattern):
``OutputEnv.detect()`` is the only place that asks whether a stream is a terminal or
reads ``NO_COLOR``/``COLUMNS``; every other function takes an env, so tests pass one in.
Data goes to the ``out`` stream the caller hands in (stdout); warnings and progress go
to stderr only, so pipes carry data alone.

The table view mirrors reference/seed-profile.txt with metrics we can define; it never
imitates that site's "Novelty %" or "AI Score". The per-paper score is cites_per_year.

This module must not touch the network, sqlite or typer, and must not compute metrics:
it formats numbers it is given. It is the only module that imports rich, and only when
something is drawn: ``_rich()`` binds ``Text``, ``Table``, ``box``... on first use, so
csv/json runs never pay for it. A function that builds rich objects calls ``_rich()``
first (those reached through ``_make_console`` already have it); never use them at
module level.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from scholarcli.categories import short_code
from scholarcli.errors import printable
from scholarcli.models import Profile, ProfilePaper, paper_fields

if TYPE_CHECKING:
    from rich import box
    from rich.console import Console, Group, RenderableType
    from rich.panel import Panel
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text


def _rich() -> None:
    """Bind this module's rich names (``Text``, ``Table``, ``box``...) on first use.

    Importing rich costs about 30 ms, a sixth of a warm ``scholar author``; CSV, JSON
    and the other pipe formats never draw, so they must not pay it. Every function that
    builds rich objects calls this first (a dict lookup once loaded).
    """
    if "Console" in globals():
        return
    from rich import box
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    class PipeConsole(Console):
        """rich's Console, but a reader that goes away (``| head``) is not a failure.

        rich answers a broken pipe with ``SystemExit(1)`` and no message; we hand it to
        the command boundary as ``BrokenPipeError``, which exits 0 as csv and json do.
        """

        def on_broken_pipe(self) -> None:
            self.quiet = True
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.file.fileno())  # nothing more reaches the pipe
            raise BrokenPipeError

    _TABLE_STYLE["box"] = box.SIMPLE_HEAD
    globals().update(
        box=box,
        Group=Group,
        Panel=Panel,
        BarColumn=BarColumn,
        MofNCompleteColumn=MofNCompleteColumn,
        Progress=Progress,
        TextColumn=TextColumn,
        TimeElapsedColumn=TimeElapsedColumn,
        Style=Style,
        Table=Table,
        Text=Text,
        Console=PipeConsole,  # last: its presence means every name above is bound
    )


FORMATS = ("table", "csv", "json", "jsonl", "markdown")

# OWASP "CSV injection": spreadsheets run cells that start with these as formulas.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Fixed English month names: strftime("%b") follows the user's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# (metrics key, label, label goes first, decimals for floats) for the profile header.
_HEADER_METRICS: tuple[tuple[str, str, bool, int], ...] = (
    ("h_index", "h-index", True, 0),
    ("paper_count", "papers", False, 0),
    ("citation_count", "citations", False, 0),
    ("g_index", "g-index", True, 0),
    ("i10_index", "i10-index", True, 0),
    ("h5_index", "h5-index", True, 0),  # shown only when per-year citations were fetched
    ("m_quotient", "m-quotient", True, 2),
    ("cites_per_year", "cites/year", False, 1),
    ("cites_per_paper", "cites/paper", False, 1),
)


@dataclass(frozen=True)
class OutputEnv:
    """Everything output needs to know about the terminal, decided once.

    ``color`` means colour is allowed at all (no ``NO_COLOR``, not ``TERM=dumb``, and at
    least one stream is a terminal); each console still colours only its own stream when
    that stream is a terminal.
    """

    stdout_isatty: bool
    stderr_isatty: bool
    width: int | None = None
    color: bool = True

    @classmethod
    def detect(cls, environ: Mapping[str, str] | None = None) -> OutputEnv:
        environ = os.environ if environ is None else environ
        stdout_isatty = _isatty(sys.stdout)
        stderr_isatty = _isatty(sys.stderr)
        # no-color.org: any non-empty value disables colour.
        allowed = not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"
        columns = environ.get("COLUMNS", "").strip()
        width = int(columns) if columns.isdigit() and int(columns) > 0 else None
        return cls(
            stdout_isatty=stdout_isatty,
            stderr_isatty=stderr_isatty,
            width=width,
            color=allowed and (stdout_isatty or stderr_isatty),
        )


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # closed stream
        return False


def resolve_format(requested: str | None, env: OutputEnv) -> str:
    """The format to print: the requested one, else table on a terminal and csv in a pipe."""
    if requested is None:
        return "table" if env.stdout_isatty else "csv"
    fmt = requested.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {requested!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def neutralise_cell(value: str) -> str:
    """Prefix ``'`` to a CSV cell a spreadsheet would otherwise run as a formula."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def short_category(code: str | None) -> str:
    """``cs.CL`` -> ``CL``; categories without a dot (``hep-th``) stay whole (empty for None)."""
    return short_code(code) or ""


def format_date(date: str | None, year: int | None = None) -> str:
    """``2023-08-13`` -> ``Aug 13, 2023``; ``2023-08`` -> ``Aug 2023``; else the year."""
    if not date:
        return str(year) if year else ""
    parts = date.split("-")
    if len(parts) < 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        return date
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {int(parts[2])}, {parts[0]}" if len(parts) > 2 else f"{month} {parts[0]}"


def authors_short(authors: Sequence[str], limit: int = 3) -> str:
    """First ``limit`` authors, then `` et al.`` when there are more."""
    shown = ", ".join(authors[:limit])
    return f"{shown} et al." if len(authors) > limit else shown


def _number(value: Any, decimals: int) -> str:
    """A header figure: thousands separated, floats to ``decimals`` places."""
    if isinstance(value, float):
        return f"{value:,.{decimals}f}" if math.isfinite(value) else ""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _cell(value: Any) -> str:
    """A value as shown in a table or markdown cell: floats to 2 places, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}" if math.isfinite(value) else ""
    return str(value)  # ints plainly: a year is 2023, not 2,023


def _metric_items(profile: Profile) -> list[str]:
    items = []
    for key, label, label_first, decimals in _HEADER_METRICS:
        value = profile.metrics.get(key)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        shown = _number(value, decimals)
        items.append(f"{label} {shown}" if label_first else f"{shown} {label}")
    return items


def _percentile(value: float) -> str:
    # A percentile rank is written p47, never 47%: it is a rank, not a share.
    return f"p{value:.0f}" if float(value).is_integer() else f"p{value:.1f}"


def _indicator_items(profile: Profile) -> list[str]:
    """The seed page's two slots: Novelty and Impact, with what they rest on."""
    values = profile.indicators
    if values.get("cohorts") is None:
        return []  # never computed: the slots stay empty
    papers = profile.metrics.get("paper_count", len(profile.papers))
    cohorts = values["cohorts"]
    if values.get("novelty_percentile") is None:
        novelty = f"Novelty n/a · 0/{papers} papers ranked"
    else:
        novelty = f"Novelty {_percentile(values['novelty_percentile'])} · "
        novelty += f"{values['novelty_papers']}/{papers} papers"
        if cohorts:
            main = cohorts[0]
            novelty += f" · vs {main['category']} {main['year']} (n={main['n_eligible']})"
            if len(cohorts) > 1:
                novelty += f" +{len(cohorts) - 1} more"
    if values.get("impact_percentile") is None:
        impact = "Impact n/a"
    else:
        impact = f"Impact {_percentile(values['impact_percentile'])}"
        share = values.get("impact_top10_share")
        if share is not None:
            impact += f" · top10 {share * 100:.0f}%"
        impact += f" · {profile.impact_papers or 0}/{papers} papers"
    return [novelty, impact]


def _footer(profile: Profile) -> str:
    parts = ["; ".join(profile.affiliations)] if profile.affiliations else []
    if profile.curation:  # hand-made changes are part of what the numbers mean
        parts.append(profile.curation)
    return " · ".join([*parts, f"as of {profile.as_of}"])


def _score_note(profile: Profile, order: str | None = None) -> str:
    # DESIGN.md: paper age = as-of year - year + 1; the per-paper score is cites_per_year.
    note = f"Score = citations per year: citations / ({profile.as_of[:4]} - year + 1)"
    return f"{order}. {note}" if order else note


def _count_line(profile: Profile, more: int = 0) -> str:
    count = len(profile.papers) + more
    return f"{count:,} Paper{'' if count == 1 else 's'}"


def _more_line(more: int) -> str:
    """What a terminal table left out, and how to see it (as ``gh`` does)."""
    return f"{more:,} more, use --all to list every paper (pipes and -f csv/json get them all)"


def _score(paper: ProfilePaper) -> str:
    return "" if paper.cites_per_year is None else f"{paper.cites_per_year:.1f}"


def _json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON; print them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _write_json(payload: Any, out: TextIO, env: OutputEnv) -> None:
    """Indented for a person at a terminal, compact in a pipe (like httpie).

    Indenting forces the stdlib's pure-Python encoder, which costs about 0.4 s for a
    2,600-paper profile; programs reading a pipe do not need it.
    """
    options: dict[str, Any] = {
        "indent": 2 if env.stdout_isatty else None,
        "ensure_ascii": False,
        "default": str,
    }
    try:
        text = json.dumps(payload, allow_nan=False, **options)
    except ValueError:  # NaN or infinity somewhere: walk the payload only then
        text = json.dumps(_json_safe(payload), **options)
    out.write(text + "\n")


def _write_jsonl(rows: Sequence[Mapping[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(_json_safe(row), ensure_ascii=False, default=str) + "\n")


def _csv_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # numbers are data, never formulas: -2 stays -2
    if isinstance(value, list | tuple):
        value = "; ".join("" if item is None else str(item) for item in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return neutralise_cell(str(value))


def _write_csv(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    # csv quotes only characters of its lineterminator, so a bare CR would go out unquoted
    # and split the row for readers; such rows are written fully quoted instead.
    quoting_writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise_cell(name) for name in fields])
    for row in rows:
        cells = [_csv_cell(row.get(name)) for name in fields]
        (quoting_writer if any("\r" in cell for cell in cells) else writer).writerow(cells)


def _md(text: str) -> str:
    """Escape a markdown table cell: pipes would end the cell, newlines the row."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    rule = ["---:" if index in right else "---" for index in range(len(header))]
    lines = [header, rule, *rows]
    return "".join("| " + " | ".join(line) + " |\n" for line in lines)


def _make_console(file: TextIO, env: OutputEnv, terminal: bool | None = None) -> Console:
    """A console on ``file``; by default styled only when it is stdout on a terminal."""
    _rich()
    if terminal is None:
        terminal = env.stdout_isatty and env.color
    # markup off: a title such as "[RE] ..." is data, not a style tag.
    return Console(
        file=file,
        width=env.width,
        force_terminal=terminal,
        no_color=not env.color,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )


def stderr_console(env: OutputEnv, file: TextIO | None = None) -> Console:
    """A console for warnings and notes on stderr; plain unless colour is allowed there."""
    return _make_console(sys.stderr if file is None else file, env, env.stderr_isatty and env.color)


def warn(env: OutputEnv, message: str, file: TextIO | None = None) -> None:
    """Print ``warning: message`` as one line on stderr."""
    _rich()
    line = Text.assemble(("warning:", "bold yellow"), " ", printable(message))
    stderr_console(env, file).print(line, soft_wrap=True)


@contextmanager
def progress(
    env: OutputEnv, description: str, total: int | None
) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr when it is a terminal, else a no-op.

    Yields ``advance(n)``. stdout is not redirected, so data printed meanwhile stays in
    the pipe; stderr writes (warnings) appear above the bar.
    """
    if not env.stderr_isatty:
        yield lambda steps: None
        return
    _rich()
    columns = [TextColumn("{task.description}"), BarColumn()]
    if total is not None:
        columns.append(MofNCompleteColumn())
    columns.append(TimeElapsedColumn())
    console = _make_console(sys.stderr, env, terminal=True)  # a bar needs cursor control
    with Progress(*columns, console=console, transient=True, redirect_stdout=False) as bar:
        task = bar.add_task(description, total=total)

        def advance(steps: int = 1) -> None:
            bar.advance(task, steps)

        yield advance


# A rule under the header, no frame; the box's blank divider plus right padding puts two
# spaces between columns, leaving the Paper column as wide as possible at 80 columns.
_TABLE_STYLE: dict[str, Any] = {  # "box": box.SIMPLE_HEAD, added by _rich()
    "show_edge": False,
    "pad_edge": False,
    "padding": (0, 1, 0, 0),
}


def _pack(items: Sequence[str], width: int, gap: str = "   ") -> list[str]:
    """Greedy lines of whole items: rich would wrap "h-index 5" between label and value."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(gap) + len(item) <= width:
            lines[-1] += gap + item
        else:
            lines.append(item)
    return lines


def _header_panel(profile: Profile, width: int) -> Panel:
    _rich()
    lines: list[RenderableType] = [Text(profile.name, style="bold")]
    if profile.primary_category:
        category = Text(short_category(profile.primary_category), style="bold cyan")
        lines.append(category.append(f"  {profile.primary_category_name or ''}".rstrip()))
    lines.extend(Text(line) for line in _pack(_metric_items(profile), width - 4))
    lines.extend(Text(line) for line in _indicator_items(profile))
    lines.append(Text(_footer(profile), style="dim"))
    return Panel(Group(*lines), box=box.ROUNDED, padding=(0, 1), expand=False)


def _paper_cell(paper: ProfilePaper, abstracts: bool) -> Group:
    _rich()
    parts: list[RenderableType] = [Text(paper.title or "(untitled)", style="bold")]
    if paper.authors:
        parts.append(Text(authors_short(paper.authors)))
    if abstracts and paper.abstract:
        parts.append(Text(" ".join(paper.abstract.split()), style="dim"))
    return Group(*parts)


def _paper_cell_with_url(paper: ProfilePaper, abstracts: bool) -> Group:
    """The paper cell plus the code URL, for terminals that cannot show a link."""
    _rich()
    cell = _paper_cell(paper, abstracts)
    if paper.code_url:
        cell.renderables.append(Text(paper.code_url, style="dim", overflow="fold"))
    return cell


def _code_cell(paper: ProfilePaper, color: bool) -> Text:
    _rich()
    if not paper.code_url:
        return Text("")
    if not color:
        return Text("Code")
    return Text("Code", style=Style(color="blue", underline=True, link=paper.code_url))


def _papers_table(
    profile: Profile, env: OutputEnv, abstracts: bool, order: str | None = None
) -> Table:
    _rich()
    table = Table(
        **_TABLE_STYLE,
        leading=1,  # a blank line between papers, as in the reference
        header_style="bold dim",
        caption=_score_note(profile, order),
        caption_style="dim",
        caption_justify="left",
    )
    table.add_column("Score", justify="right", no_wrap=True, min_width=5)
    table.add_column("Cites", justify="right", no_wrap=True)  # the default order's key
    table.add_column("Cat", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("", no_wrap=True)  # the Code link; a header would repeat the word
    table.add_column("Paper", overflow="fold")  # fold only a word wider than the column
    links = env.stdout_isatty and env.color  # what _make_console styles
    for paper in profile.papers:
        table.add_row(
            Text(_score(paper), style="bold green"),
            Text(f"{paper.citations:,}"),
            Text(short_category(paper.category), style="cyan"),
            Text(format_date(paper.date, paper.year)),
            _code_cell(paper, links),
            # Without colour there is no hyperlink: the URL itself, so it is not lost.
            _paper_cell(paper, abstracts) if links else _paper_cell_with_url(paper, abstracts),
        )
    return table


def render_profile(
    profile: Profile,
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    abstracts: bool = False,
    per_year: Sequence[Mapping[str, Any]] | None = None,
    order: str | None = None,
    more: int = 0,
    charts: bool = False,
) -> None:
    """Print an author profile; csv and jsonl carry the papers only (DESIGN.md Output).

    ``per_year`` rows (year, papers, citations) add a bar chart under the table header,
    a markdown table, or a top-level ``per_year`` list in json; with ``charts`` the
    table view shows them as two column charts instead (plain ASCII when piped).
    ``order`` (e.g. "Most cited first") is stated under the table; ``more`` papers left
    out of a terminal table are counted and the way to see them named.
    """
    fmt = resolve_format(fmt, env)
    records = [paper.as_record() for paper in profile.papers]
    if fmt == "json":
        payload: dict[str, Any] = {"author": profile.author_record(), "papers": records}
        if per_year is not None:
            payload["per_year"] = [dict(row) for row in per_year]
        _write_json(payload, out, env)
    elif fmt == "jsonl":
        _write_jsonl(records, out)
    elif fmt == "csv":
        _write_csv(records, paper_fields(records), out)
    elif fmt == "markdown":
        out.write(_profile_markdown(profile, abstracts) + _per_year_markdown(per_year))
    else:
        console = _make_console(out, env)
        console.print(_header_panel(profile, console.width))
        console.print()
        if per_year and charts:
            console.print(Text(year_charts(per_year, env, console.width)))
        elif per_year:
            console.print(per_year_chart(per_year, console.width))
            console.print()
        console.print(Text(_count_line(profile, more), style="bold"))
        if profile.papers:
            console.print()
            console.print(_papers_table(profile, env, abstracts, order))
        if more:
            console.print()
            console.print(Text(_more_line(more), style="bold"))


def _profile_markdown(profile: Profile, abstracts: bool) -> str:
    summary = _metric_items(profile)
    if profile.primary_category:
        code = short_category(profile.primary_category)
        summary.insert(0, f"**{code}** {profile.primary_category_name or ''}".strip())
    text = f"# {_md(profile.name)}\n\n"
    if summary:
        text += _md(" · ".join(summary)) + "\n\n"
    for line in _indicator_items(profile):
        text += _md(line) + "\n\n"
    text += f"{_md(_footer(profile))}\n\n{_count_line(profile)}\n\n"
    rows = []
    for paper in profile.papers:
        code = f"[Code](<{paper.code_url}>)" if paper.code_url else ""
        date = format_date(paper.date, paper.year)
        cells = [_score(paper), short_category(paper.category), date, code, paper.title]
        rows.append([_md(cell) for cell in [*cells, authors_short(paper.authors)]])
    header = ["Score", "Cat", "Date", "Code", "Title", "Authors"]
    text += _md_table(header, rows, right={0}) + "\n" + _score_note(profile) + "\n"
    if abstracts:
        text += "\n## Abstracts\n"
        for paper in profile.papers:
            if paper.abstract:
                text += f"\n### {_md(paper.title)}\n\n{' '.join(paper.abstract.split())}\n"
    return text


def render_records(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    title: str | None = None,
    json_root: str | None = None,
) -> None:
    """Print any list of records with the given columns, in the given format.

    json is a list (or ``{json_root: [...]}``); csv/jsonl one row/line per record; table
    a rich table (floats to 2 decimals, None empty); markdown a pipe table. Keys outside
    ``fields`` are left out; missing ones are null.
    """
    fmt = resolve_format(fmt, env)
    rows = [{name: record.get(name) for name in fields} for record in records]
    if fmt == "json":
        _write_json(rows if json_root is None else {json_root: rows}, out, env)
    elif fmt == "jsonl":
        _write_jsonl(rows, out)
    elif fmt == "csv":
        _write_csv(rows, fields, out)
    else:
        numeric = {
            index
            for index, name in enumerate(fields)
            if any(row[name] is not None for row in rows)
            and all(
                isinstance(row[name], int | float) and not isinstance(row[name], bool)
                for row in rows
                if row[name] is not None
            )
        }
        if fmt == "markdown":
            heading = f"# {_md(title)}\n\n" if title else ""
            cells = [[_md(_cell(row[name])) for name in fields] for row in rows]
            out.write(heading + _md_table([_md(name) for name in fields], cells, numeric))
        else:
            console = _make_console(out, env)
            names = {fields[index] for index in numeric}
            widths = fit_fields(rows, fields, names, console.width) if len(rows) > 1 else {}
            kept = list(widths) or list(fields)
            kept_numeric = {index for index, name in enumerate(kept) if name in names}
            console.print(_records_table(rows, kept, kept_numeric, title, widths))
            if len(kept) < len(fields):
                left_out = ", ".join(name for name in fields if name not in kept)
                note = f"Not shown at this width: {left_out} (widen the terminal or use -f csv)"
                console.print(Text(note, style="dim"))


def _records_table(
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    numeric: set[int],
    title: str | None,
    widths: Mapping[str, int] | None = None,
) -> Table:
    """Columns for many records; a field/value list for a single one (easier to read)."""
    _rich()
    table = Table(**_TABLE_STYLE, title=title, title_style="bold", title_justify="left")
    if len(rows) == 1:
        table.add_column(Text("field"), no_wrap=True)
        table.add_column(Text("value"), overflow="fold")
        for name in fields:
            table.add_row(Text(name), Text(_cell(rows[0][name])))
        return table
    for index, name in enumerate(fields):
        if index in numeric:
            # Numbers and their headers are never wrapped or cut.
            table.add_column(Text(name), justify="right", no_wrap=True, min_width=len(name))
        elif name in ID_FIELDS:
            # An id is what the user copies into the next command: whole, one per line.
            width = max(len(name), *(_id_width(row[name]) for row in rows))
            table.add_column(Text(name), no_wrap=True, min_width=width)
        elif widths:
            table.add_column(Text(name), width=widths[name], overflow="fold")
        else:
            table.add_column(Text(name), min_width=min(len(name), 12), ratio=1)
    for row in rows:
        table.add_row(
            *(
                Text(_id_cell(row[name]) if name in ID_FIELDS else _cell(row[name]))
                for name in fields
            )
        )
    return table


# Columns that hold identifiers: never wrapped or cut in a table (find, tracked, ...).
ID_FIELDS = frozenset({"key", "author_id", "ids", "paper_id", "arxiv_id", "doi"})
_TEXT_MIN = 12  # the narrowest a wrapped text column gets before it is dropped


def _id_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(_cell(item) for item in value)
    return _cell(value)


def _id_width(value: Any) -> int:
    return max((len(line) for line in _id_cell(value).split("\n")), default=0)


def fit_fields(
    rows: Sequence[Mapping[str, Any]], fields: Sequence[str], numeric: set[str], width: int
) -> dict[str, int]:
    """The fields a table of ``rows`` shows in ``width`` columns, with each one's width.

    Ids and numbers get their full width, never cut; text shares the rest and wraps,
    down to ``_TEXT_MIN`` columns. When even that does not fit, text columns are dropped
    from the right, then numbers; the first field, the ids and the name always stay.
    """

    def natural(name: str) -> int:
        if name in ID_FIELDS:
            cells = [_id_width(row[name]) for row in rows]
        else:
            cells = [len(_cell(row[name])) for row in rows]
        return max(len(name), *cells)

    def least(name: str) -> int:
        if name in numeric or name in ID_FIELDS or name == fields[0]:
            return natural(name)
        if name == "name":  # kept, so it may wrap only down to its longest word
            words = (word for row in rows for word in _cell(row[name]).split())
            return max(len(name), _TEXT_MIN, *(len(word) for word in words))
        return min(natural(name), max(len(name), _TEXT_MIN))

    gap = 2  # right padding plus the blank divider of _TABLE_STYLE
    kept = list(fields)
    kept_always = {fields[0], "name", *ID_FIELDS}  # what a row is about
    droppable = [name for name in reversed(fields) if name not in kept_always]
    droppable.sort(key=lambda name: name in numeric)  # text goes before numbers
    for name in droppable:
        if sum(least(kept_name) for kept_name in kept) + gap * (len(kept) - 1) <= width:
            break
        kept.remove(name)
    widths = {name: least(name) for name in kept}
    spare = width - sum(widths.values()) - gap * (len(kept) - 1)
    # Share what is left among the wrapped columns (water-filling): the ones that need
    # least are filled first, and what they leave goes to the others.
    growable = [name for name in kept if natural(name) > widths[name]]
    growable.sort(key=lambda name: natural(name) - widths[name])
    for index, name in enumerate(growable):
        grow = min(natural(name) - widths[name], max(spare, 0) // (len(growable) - index))
        widths[name] += grow
        spare -= grow
    return widths


_SPARKS = "▁▂▃▄▅▆▇█"
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled from min(0, lowest) to the highest."""
    finite = [value for value in values if math.isfinite(value)]
    if not finite:
        return ""
    low, high = min(0.0, *finite), max(finite)
    span = high - low or 1.0
    top = len(_SPARKS) - 1
    return "".join(
        _SPARKS[round((value - low) / span * top)] if math.isfinite(value) else " "
        for value in values
    )


def _bar(value: float, high: float, width: int) -> str:
    """A bar of ``width * value / high`` cells, to an eighth of a cell."""
    eighths = round(max(value, 0.0) / (high or 1.0) * width * 8)
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def per_year_chart(rows: Sequence[Mapping[str, Any]], width: int = 80) -> Table:
    """Citations received and papers published per year, as bars, for a terminal.

    Rows carry ``year``, ``papers`` and ``citations``; the bars share what ``width``
    leaves after the numbers, citations getting the larger part.
    """
    _rich()
    cited = max((int(row["citations"]) for row in rows), default=0)
    published = max((int(row["papers"]) for row in rows), default=0)
    numbers = len(f"{cited:,}") + len(f"{published:,}")
    room = max(width - 4 - numbers - 8, 12)  # year, the numbers, gaps between columns
    cited_width, published_width = min(room * 2 // 3, 40), min(room // 3, 20)
    table = Table(
        **_TABLE_STYLE,
        header_style="bold dim",
        caption="Citations by the year of the citing paper",
        caption_style="dim",
        caption_justify="left",
    )
    table.add_column("Year", no_wrap=True)
    table.add_column("Citations", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("Papers", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    for row in rows:
        table.add_row(
            Text(str(row["year"])),
            Text(_bar(row["citations"], cited, cited_width), style="green"),
            Text(f"{row['citations']:,}"),
            Text(_bar(row["papers"], published, published_width), style="cyan"),
            Text(f"{row['papers']:,}"),
        )
    return table


def _per_year_markdown(rows: Sequence[Mapping[str, Any]] | None) -> str:
    if not rows:
        return ""
    cells = [[str(row["year"]), str(row["papers"]), str(row["citations"])] for row in rows]
    return "\n## Per year\n\n" + _md_table(["Year", "Papers", "Citations"], cells, {1, 2})


def render_comparison(
    people: Sequence[Mapping[str, Any]],
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    title: str | None = None,
) -> None:
    """People side by side: one row per metric, one column per person, then ``best``.

    ``people`` carry the column label under ``column`` (plus name, ids, source for
    json); each row carries ``metric``, a value per column and ``best``, the list of
    columns holding the best value. The table shows those cells bold green, markdown
    bold; csv/jsonl/json carry the same rows (json also the people).
    """
    fmt = resolve_format(fmt, env)
    columns = [str(person["column"]) for person in people]
    fields = ["metric", *columns, "best"]
    table_rows = [{name: row.get(name) for name in fields} for row in rows]
    if fmt == "json":
        _write_json({"people": [dict(p) for p in people], "metrics": table_rows}, out, env)
    elif fmt == "jsonl":
        _write_jsonl(table_rows, out)
    elif fmt == "csv":
        _write_csv(table_rows, fields, out)
    elif fmt == "markdown":
        cells = [
            [
                f"**{_md(_cell(row[name]))}**"
                if name in (row["best"] or [])
                else _md(_cell(row[name]))
                for name in fields
            ]
            for row in table_rows
        ]
        heading = f"# {_md(title)}\n\n" if title else ""
        right = set(range(1, len(columns) + 1))
        out.write(heading + _md_table([_md(name) for name in fields], cells, right))
    else:
        _rich()
        table = Table(**_TABLE_STYLE, title=title, title_style="bold", title_justify="left")
        table.add_column(Text("metric"), no_wrap=True)
        for column in columns:
            table.add_column(Text(column), justify="right", no_wrap=True)
        table.add_column(Text("best"), overflow="fold")
        for row in table_rows:
            best = row["best"] or []
            table.add_row(
                Text(str(row["metric"])),
                *(Text(_cell(row[c]), style="bold green" if c in best else "") for c in columns),
                Text(_cell(best), style="dim"),
            )
        _make_console(out, env).print(table)


def render_record_sections(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    keys: Sequence[str],
    title: str | None = None,
    json_root: str | None = None,
) -> None:
    """render_records for records with more columns than a terminal holds.

    In table format with several records, the columns are split into consecutive
    tables that each fit the width, the ``keys`` columns (e.g. the name) repeated in
    each, so every table keeps one row per record. Other formats are render_records'.
    """
    fmt = resolve_format(fmt, env)
    if fmt != "table" or len(records) < 2:
        render_records(records, fields, fmt, out, env, title=title, json_root=json_root)
        return
    console = _make_console(out, env)

    def width(name: str) -> int:  # the widest of header and cells, plus the column gap
        return max(len(name), *(len(_cell(record.get(name))) for record in records)) + 2

    room = console.width - sum(min(width(key), 24) for key in keys)
    sections: list[list[str]] = []
    used = 0
    for name in (name for name in fields if name not in keys):
        if sections and used + width(name) <= room:
            sections[-1].append(name)
        else:
            sections.append([name])
            used = 0
        used += width(name)
    for number, section in enumerate(sections, start=1):
        part = f"{title} ({number}/{len(sections)})" if title and len(sections) > 1 else title
        render_records(records, [*keys, *section], fmt, out, env, title=part)


# --- paper records (scholar paper / search / --citations) ------------------------------
_PANEL_AUTHORS = 12  # a panel lists this many authors, then "... and N more"


def _paper_panel(record: Mapping[str, Any], env: OutputEnv, abstracts: bool, width: int) -> Panel:
    """One paper as a panel: title, authors, where and when, counts, links, TLDR."""
    _rich()
    names = [str(a.get("name") or "") for a in record.get("authors") or []]
    lines: list[RenderableType] = [Text(record.get("title") or "(untitled)", style="bold")]
    if names:
        shown = ", ".join(names[:_PANEL_AUTHORS])
        more = len(names) - _PANEL_AUTHORS
        lines.append(Text(shown + (f" and {more} more" if more > 0 else "")))
    where = [str(record.get("venue") or ""), format_date(record.get("date"), record.get("year"))]
    category = record.get("category")
    if category:
        where.append(f"{short_category(category)} ({category})")
    lines.append(Text(" · ".join(part for part in where if part), style="cyan"))
    counts = []
    if record.get("citations") is not None:
        counts.append(f"{record['citations']:,} citations")
        counts.append(f"{record.get('influential_citations') or 0:,} influential")
    if record.get("references_count") is not None:
        counts.append(f"{record['references_count']:,} references")
    if record.get("cites_per_year") is not None:
        counts.append(f"{record['cites_per_year']:.1f} cites/year")
    if counts:
        lines.append(Text(" · ".join(counts)))
    for label, key in (("Code", "code_url"), ("PDF", "pdf_url"), ("S2", "url")):
        url = record.get(key)
        if url:
            style = Style(color="blue", link=url) if env.color else Style()
            lines.append(Text.assemble((f"{label:<5}", "bold"), (url, style)))
    ids = [
        f"{name} {record[key]}"
        for name, key in (("arXiv", "arxiv_id"), ("DOI", "doi"), ("CorpusId", "corpus_id"))
        if record.get(key)
    ]
    if ids:
        lines.append(Text(" · ".join(ids), style="dim"))
    if record.get("tldr"):
        lines.append(Text.assemble(("TLDR ", "bold"), " ".join(str(record["tldr"]).split())))
    if abstracts and record.get("abstract"):
        lines.append(Text(" ".join(str(record["abstract"]).split()), style="dim"))
    return Panel(Group(*lines), box=box.ROUNDED, padding=(0, 1), width=min(width, 100))


def _flat_authors(records: Sequence[Mapping[str, Any]], fmt: str) -> Sequence[Mapping[str, Any]]:
    """csv and markdown cells hold author names joined by ``; `` (json keeps the ids)."""
    if fmt not in ("csv", "markdown"):
        return records
    return [
        {
            **r,
            "authors": [
                a.get("name") if isinstance(a, Mapping) else a for a in r.get("authors") or []
            ],
        }
        for r in records
    ]


def render_paper_panels(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    abstracts: bool = False,
) -> None:
    """Papers looked up one by one: a panel each on a terminal; other formats print
    ``{"papers": [...]}`` / one row or line per paper with ``fields``."""
    fmt = resolve_format(fmt, env)
    if fmt == "markdown":
        out.write("".join(_paper_markdown(record, abstracts) for record in records))
        return
    if fmt != "table":
        records = _flat_authors(records, fmt)
        render_records(records, fields, fmt, out, env, title="Papers", json_root="papers")
        return
    console = _make_console(out, env)
    for record in records:
        console.print(_paper_panel(record, env, abstracts, console.width))


def _paper_markdown(record: Mapping[str, Any], abstracts: bool) -> str:
    """One paper as a markdown section: the panel's facts, links as links."""
    names = [str(a.get("name") or "") for a in record.get("authors") or []]
    lines = [f"## {_md(str(record.get('title') or '(untitled)'))}", ""]
    if names:
        lines += [_md(", ".join(names)), ""]
    where = [
        str(record.get("venue") or ""),
        format_date(record.get("date"), record.get("year")),
        str(record.get("category") or ""),
    ]
    facts = [" · ".join(_md(part) for part in where if part)]
    if record.get("citations") is not None:
        facts.append(
            f"{record['citations']:,} citations · {record.get('influential_citations') or 0:,} "
            f"influential · {record.get('references_count') or 0:,} references · "
            f"{record.get('cites_per_year') or 0:.1f} cites/year"
        )
    links = [
        f"[{label}](<{record[key]}>)"
        for label, key in (("Code", "code_url"), ("PDF", "pdf_url"), ("Semantic Scholar", "url"))
        if record.get(key)
    ]
    if links:
        facts.append(" · ".join(links))
    ids = [
        f"{name} `{record[key]}`"
        for name, key in (("arXiv", "arxiv_id"), ("DOI", "doi"), ("S2", "paper_id"))
        if record.get(key)
    ]
    if ids:
        facts.append(" · ".join(ids))
    lines += [f"- {fact}" for fact in facts if fact] + [""]
    if record.get("tldr"):
        lines += [f"> **TLDR** {_md(str(record['tldr']))}", ""]
    if abstracts and record.get("abstract"):
        lines += [" ".join(str(record["abstract"]).split()), ""]
    return "\n".join(lines) + "\n"


def render_paper_list(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    title: str | None = None,
    abstracts: bool = False,
    caption: str | None = None,
    subject: Mapping[str, Any] | None = None,
) -> None:
    """Search results or a citation list: a table of citations, year, category, Code
    and the paper on a terminal (``Infl.`` and intents when the records are edges);
    other formats as render_records with ``{"papers": [...]}`` in json, plus
    ``"paper": subject`` (the paper whose citations these are) when given."""
    fmt = resolve_format(fmt, env)
    if fmt == "json" and subject is not None:
        rows = [{name: record.get(name) for name in fields} for record in records]
        _write_json({"paper": dict(subject), "papers": rows}, out, env)
        return
    if fmt == "markdown":
        out.write(_paper_list_markdown(records, "is_influential" in fields, title, caption))
        return
    if fmt != "table":
        records = _flat_authors(records, fmt)
        render_records(records, fields, fmt, out, env, title=title, json_root="papers")
        return
    edges = "is_influential" in fields
    _rich()
    table = Table(
        **_TABLE_STYLE,
        title=title,
        title_style="bold",
        title_justify="left",
        header_style="bold dim",
        caption=caption,
        caption_style="dim",
        caption_justify="left",
    )
    table.add_column("Cites", justify="right", no_wrap=True)
    table.add_column("Year", no_wrap=True)
    table.add_column("Cat", no_wrap=True)
    table.add_column("", no_wrap=True)  # Code
    if edges:
        table.add_column("Infl.", no_wrap=True)
    table.add_column("Paper", overflow="fold")
    for record in records:
        parts: list[RenderableType] = [Text(record.get("title") or "(untitled)", style="bold")]
        names = [str(a.get("name") or "") for a in record.get("authors") or []]
        if names:
            parts.append(Text(authors_short(names)))
        if edges and record.get("intents"):
            parts.append(Text("intents: " + ", ".join(record["intents"]), style="dim"))
        if abstracts and record.get("abstract"):
            parts.append(Text(" ".join(str(record["abstract"]).split()), style="dim"))
        code = record.get("code_url")
        code_cell = Text("")
        if code:
            code_cell = (
                Text("Code", style=Style(color="blue", underline=True, link=code))
                if env.color
                else Text("Code")
            )
        citations = record.get("citations")
        row = [
            Text("" if citations is None else f"{citations:,}", style="bold green"),
            Text(str(record.get("year") or "")),
            Text(short_category(record.get("category")), style="cyan"),
            code_cell,
        ]
        if edges:
            row.append(Text("yes" if record.get("is_influential") else ""))
        table.add_row(*row, Group(*parts))
    _make_console(out, env).print(table)


def _paper_list_markdown(
    records: Sequence[Mapping[str, Any]], edges: bool, title: str | None, caption: str | None
) -> str:
    """Search results or a citation list as a markdown table (the terminal's columns)."""
    header = ["Cites", "Year", "Cat", "Code", *(["Infl."] if edges else []), "Title", "Authors"]
    rows = []
    for record in records:
        names = [str(a.get("name") or "") for a in record.get("authors") or []]
        code = f"[Code](<{record['code_url']}>)" if record.get("code_url") else ""
        title_cell = _md(str(record.get("title") or "(untitled)"))
        if record.get("url"):
            title_cell = f"[{title_cell}](<{record['url']}>)"
        cells = [
            "" if record.get("citations") is None else f"{record['citations']:,}",
            str(record.get("year") or ""),
            short_category(record.get("category")),
            code,
            *(["yes" if record.get("is_influential") else ""] if edges else []),
            title_cell,
            _md(authors_short(names)),
        ]
        rows.append(cells)
    text = f"# {_md(title)}\n\n" if title else ""
    text += _md_table(header, rows, right={0})
    return text + (f"\n{_md(caption)}\n" if caption else "")


def column_chart(
    title: str,
    points: Sequence[tuple[int, int]],
    *,
    width: int = 80,
    height: int = 8,
    plain: bool = False,
) -> str:
    """A column chart of (year, count) as text lines, a column per year, for `--chart`.

    Columns are two cells wide (one when the years would not fit ``width``), their tops
    drawn to an eighth of a cell; ``plain`` uses ``#`` only (ASCII, for pipes and logs),
    rounding each column to whole cells. A non-zero count always shows. The y axis shows
    the largest count; the x axis every year that has room for its last two digits.
    """
    if not points:
        return f"{title}\n(no data)\n"
    high = max(count for _, count in points)
    label = len(f"{high:,}")
    room = width - label - 2
    bar = 2 if len(points) * 3 <= room else 1
    step = bar + 1 if len(points) * (bar + 1) <= room else bar
    lines = [title]
    for row in range(height, 0, -1):  # top row first
        cells = []
        for _, count in points:
            eighths = round(count / (high or 1) * height * 8)
            if plain:
                eighths = round(count / (high or 1) * height) * 8
            if count > 0:  # a year with any count never looks like a year with none
                eighths = max(eighths, 8 if plain else 1)
            full = eighths - (row - 1) * 8
            glyph = "#" if plain else "█"
            if full >= 8:
                cell = glyph
            elif full > 0:
                cell = _SPARKS[full - 1]
            else:
                cell = " "
            cells.append((cell * bar).ljust(step))
        axis = f"{high:,}" if row == height else ("0" if row == 1 and high == 0 else "")
        lines.append(f"{axis:>{label}} |" + "".join(cells).rstrip())
    lines.append(" " * label + " +" + "-" * (len(points) * step))
    years = ""
    for index, (year, _) in enumerate(points):
        short = f"{year % 100:02d}"
        if len(years) <= index * step and (step >= 2 or index % 2 == 0):
            years = years.ljust(index * step) + short
    lines.append(" " * (label + 2) + years)
    first, last = points[0][0], points[-1][0]
    dash = "-" if plain else "–"
    lines.append(" " * (label + 2) + (f"{first}{dash}{last}" if first != last else str(first)))
    return "\n".join(lines) + "\n"


def year_charts(rows: Sequence[Mapping[str, Any]], env: OutputEnv, width: int) -> str:
    """Citations per year and papers per year, one column chart each (`author --chart`)."""
    plain = not env.stdout_isatty
    citations = [(int(row["year"]), int(row["citations"])) for row in rows]
    papers = [(int(row["year"]), int(row["papers"])) for row in rows]
    cited = "Citations per year (by the citing paper's year)"
    return (
        column_chart(cited, citations, width=width, plain=plain)
        + "\n"
        + column_chart("Papers per year", papers, width=width, plain=plain)
    )
