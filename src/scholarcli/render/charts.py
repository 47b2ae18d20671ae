"""Terminal charts: sparklines, per-year bars and column charts (``author --chart``).

The charts draw numbers they are given (counts per year); they compute no metric. Text
charts are plain strings; ``per_year_chart`` builds a rich table, importing rich inside.
Titles are the callers' own words, never source data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scholarcli.render.env import OutputEnv
from scholarcli.render.writers import md_table

if TYPE_CHECKING:
    from rich.table import Table

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


def bar(value: float, high: float, width: int) -> str:
    """A bar of ``width * value / high`` cells, to an eighth of a cell."""
    eighths = round(max(value, 0.0) / (high or 1.0) * width * 8)
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def per_year_chart(rows: Sequence[Mapping[str, Any]], width: int = 80) -> Table:
    """Citations received and papers published per year, as bars, for a terminal.

    Rows carry ``year``, ``papers`` and ``citations``; the bars share what ``width``
    leaves after the numbers, citations getting the larger part.
    """
    from rich.table import Table
    from rich.text import Text

    from scholarcli.render.console import table_style

    cited = max((int(row["citations"]) for row in rows), default=0)
    published = max((int(row["papers"]) for row in rows), default=0)
    numbers = len(f"{cited:,}") + len(f"{published:,}")
    room = max(width - 4 - numbers - 8, 12)  # year, the numbers, gaps between columns
    cited_width, published_width = min(room * 2 // 3, 40), min(room // 3, 20)
    table = Table(
        **table_style(),
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
            Text(bar(row["citations"], cited, cited_width), style="green"),
            Text(f"{row['citations']:,}"),
            Text(bar(row["papers"], published, published_width), style="cyan"),
            Text(f"{row['papers']:,}"),
        )
    return table


def per_year_markdown(rows: Sequence[Mapping[str, Any]] | None) -> str:
    if not rows:
        return ""
    cells = [[str(row["year"]), str(row["papers"]), str(row["citations"])] for row in rows]
    return "\n## Per year\n\n" + md_table(["Year", "Papers", "Citations"], cells, {1, 2})


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
    column = 2 if len(points) * 3 <= room else 1
    step = column + 1 if len(points) * (column + 1) <= room else column
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
            cells.append((cell * column).ljust(step))
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
