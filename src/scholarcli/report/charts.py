"""The report's charts: matplotlib figures as inline SVG, each with its data as a table.

Every chart is drawn by matplotlib (Agg, no display) and kept as SVG text with real
``<text>`` elements, so it is readable with JavaScript off, scales, prints sharply and
can be searched. Colours are the Okabe-Ito palette (distinguishable with the common
colour-vision deficiencies; its black is left out so bars show on a dark page), and the
stacks of the category chart also carry hatching so they stay apart in grey print.
Text, axes and ticks are drawn in a marker colour that is then replaced by
``currentColor``, so the page's light or dark scheme colours them.

It must not fetch, print, or import matplotlib at module level (the optional extra).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scholarcli.report.data import H_FROM_SNAPSHOTS, NOT_ON_ARXIV, OTHER, PersonReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design", without black.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442")
GREY = {OTHER: "#999999", NOT_ON_ARXIV: "#C8C8C8"}
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "oo", "**")
# Drawn in this colour, then turned into currentColor (no chart element uses it).
INK = "#2b2b2c"
SIZE = (6.4, 3.0)  # inches; the SVG scales to its box in the page
CHAR_INCHES = 0.075  # a tick label character at 10 pt, a little over the average width
BOTTOM = 0.6  # inches under the axes: tick labels and the x axis label


@dataclass
class Chart:
    """A drawn chart and the same numbers as rows for its ``<details>`` table."""

    key: str  # unique in the page: ids inside the SVG are salted with it
    title: str
    svg: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


def _style() -> Any:  # matplotlib types the keys as a Literal of every rc name
    return {
        "svg.fonttype": "none",  # real <text>, styled by the page's font stack
        "text.parse_math": False,  # a name or title with $ signs is text, not TeX
        "font.family": "sans-serif",
        "font.size": 10,
        "text.color": INK,
        "axes.labelcolor": INK,
        "axes.edgecolor": INK,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": INK,
        "ytick.color": INK,
        "grid.color": INK,
        "grid.alpha": 0.18,
        "hatch.color": INK,
        "hatch.linewidth": 0.6,
        "legend.frameon": False,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
    }


_XML_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SIZE_ATTRS = re.compile(r'\s(width|height)="[^"]*pt"')
# matplotlib names its groups figure_1, axes_1, patch_1 ... in every figure: nothing
# refers to them, and several charts on one page would repeat them.
_GROUP_IDS = re.compile(r'<g id="[^"]*"')


def _svg(figure: Figure, key: str, label: str) -> str:
    """The figure as an ``<svg>`` element for inlining: no XML prolog, no fixed size,
    ids salted with ``key`` (two charts never share an id), an accessible name."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": key}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _XML_HEAD.sub("", buffer.getvalue(), count=1))
    text = _SIZE_ATTRS.sub("", text.split("\n", 1)[0]) + "\n" + text.split("\n", 1)[1]
    text = _GROUP_IDS.sub("<g", text).replace(INK, "currentColor")
    safe = (
        label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
    return text.replace("<svg ", f'<svg role="img" aria-label="{safe}" class="chart-svg" ', 1)


def _new_axes(y_label_chars: int, bottom: float) -> tuple[Figure, Axes]:
    """A figure with margins set from the labels' lengths, in inches.

    Fixed margins instead of a layout engine or savefig's tight bounding box: either
    lays every text out once more, which was most of a chart's drawing time.
    """
    from matplotlib.figure import Figure

    width, height = SIZE
    left = 0.5 + CHAR_INCHES * y_label_chars  # y axis label, tick labels, padding
    figure = Figure(figsize=SIZE)
    figure.subplots_adjust(
        left=left / width, right=1 - 0.2 / width, bottom=bottom / height, top=1 - 0.4 / height
    )
    return figure, figure.add_subplot()


def _year_axis(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 22,500, not 22500
    ax.grid(axis="y")
    ax.set_axisbelow(True)


def _draw(
    key: str, title: str, draw: Any, y_label_chars: int, bottom: float = BOTTOM
) -> tuple[str, str]:
    import matplotlib

    with matplotlib.rc_context(_style()):
        figure, ax = _new_axes(y_label_chars, bottom)
        label = draw(ax) or title
        ax.set_title(title)
        return _svg(figure, key, label), label


def citations_chart(person: PersonReport, key: str) -> Chart:
    title = "Citations per year"
    years = [row["year"] for row in person.per_year]
    counts = [row["citations"] for row in person.per_year]

    def draw(ax: Axes) -> str:
        ax.bar(years, counts, color=OKABE_ITO[0], width=0.8)
        _year_axis(ax)
        ax.set_xlabel("Year of the citing paper")
        ax.set_ylabel("Citations")
        return f"{title}: bar chart, {sum(counts):,} dated citations, {_span(years)}"

    svg, _ = _draw(key, title, draw, _digits(max(counts, default=0)))
    rows: list[list[Any]] = [[y, c] for y, c in zip(years, counts, strict=True)]
    return Chart(key, title, svg, ["Year", "Citations"], rows)


def papers_chart(person: PersonReport, key: str) -> Chart:
    title = "Papers per year, by arXiv category"
    years = list(person.papers_by_category)
    stacks = person.categories

    def draw(ax: Axes) -> str:
        bottom = [0] * len(years)
        colours = iter(OKABE_ITO)
        for index, stack in enumerate(stacks):
            heights = [person.papers_by_category[y].get(stack, 0) for y in years]
            colour = GREY.get(stack) or next(colours)
            # Only the years this stack has papers in: an empty bar's edge draws a line.
            drawn = [i for i, h in enumerate(heights) if h]
            ax.bar(
                [years[i] for i in drawn],
                [heights[i] for i in drawn],
                bottom=[bottom[i] for i in drawn],
                width=0.8,
                color=colour,
                hatch=HATCHES[index % len(HATCHES)],
                label=stack,
                edgecolor=INK,
                linewidth=0.3,
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        _year_axis(ax)
        ax.set_xlabel("Year of publication")
        ax.set_ylabel("Papers")
        if stacks:
            ax.legend(fontsize=9, loc="upper left", ncols=min(len(stacks), 4))
            ax.set_ylim(top=max(bottom, default=1) * 1.35 + 0.5)  # room for the legend
        return f"{title}: stacked bar chart of {sum(bottom):,} papers, {_span(years)}"

    most = max((sum(person.papers_by_category[y].values()) for y in years), default=0)
    svg, _ = _draw(key, title, draw, _digits(most))
    rows: list[list[Any]] = [
        [year, *(person.papers_by_category[year].get(stack, 0) for stack in stacks)]
        for year in years
    ]
    return Chart(key, title, svg, ["Year", *stacks], rows)


def h_chart(person: PersonReport, key: str) -> Chart:
    snapshots = person.h_source == H_FROM_SNAPSHOTS
    title = (
        "h-index over time (refresh snapshots)"
        if snapshots
        else "h-index over time (reconstructed from citation years)"
    )
    labels = [point.label for point in person.h_series]
    values = [point.h_index for point in person.h_series]

    def draw(ax: Axes) -> str:
        from matplotlib.ticker import MaxNLocator

        if snapshots:
            from datetime import date

            xs: Sequence[Any] = [date.fromisoformat(label) for label in labels]
            ax.figure.autofmt_xdate()
            ax.set_xlabel("Snapshot date")
        else:
            xs = [int(label) for label in labels]
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
            ax.set_xlabel("End of year")
        ax.step(xs, values, where="post", color=OKABE_ITO[3], linewidth=2)
        ax.plot(xs, values, "o", color=OKABE_ITO[3], markersize=4)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0, top=max(values, default=0) + 1)
        ax.grid(axis="y")
        ax.set_ylabel("h-index")
        last = f", {values[-1]} at the end" if values else ""
        return f"{title}: step chart{last}"

    bottom = BOTTOM + (0.3 if snapshots else 0.0)  # dates are drawn slanted
    svg, _ = _draw(key, title, draw, _digits(max(values, default=0)), bottom)
    rows: list[list[Any]] = [[label, h] for label, h in zip(labels, values, strict=True)]
    column = "Snapshot" if snapshots else "Year"
    return Chart(key, title, svg, [column, "h-index"], rows)


def coauthors_chart(person: PersonReport, key: str) -> Chart:
    title = "Top coauthors by joint papers"
    names = _distinct([_short(str(record["name"])) for record in person.coauthors])
    joint = [int(record["joint_papers"]) for record in person.coauthors]

    def draw(ax: Axes) -> str:
        from matplotlib.ticker import MaxNLocator

        positions = list(range(len(names)))
        ax.barh(positions, joint, color=OKABE_ITO[2], height=0.7)
        ax.set_yticks(positions, names)
        ax.invert_yaxis()  # the most frequent coauthor on top
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.set_xlabel("Joint papers")
        ax.set_ylabel("Coauthor")
        return f"{title}: bar chart of {len(names)} coauthors"

    svg, _ = _draw(key, title, draw, max((len(n) for n in names), default=1))
    rows: list[list[Any]] = [
        [r["name"], r["joint_papers"], r["joint_citations"], r["first_year"], r["last_year"]]
        for r in person.coauthors
    ]
    return Chart(
        key, title, svg, ["Coauthor", "Joint papers", "Joint citations", "First", "Last"], rows
    )


def person_charts(person: PersonReport, prefix: str) -> list[Chart]:
    """The four charts of one person; ``prefix`` keeps ids unique across people."""
    return [
        citations_chart(person, f"{prefix}-citations"),
        papers_chart(person, f"{prefix}-papers"),
        h_chart(person, f"{prefix}-h-index"),
        coauthors_chart(person, f"{prefix}-coauthors"),
    ]


def _digits(value: int) -> int:
    """Characters of the longest y tick label (MaxNLocator may go one step past it)."""
    return len(f"{value * 1.25:,.0f}") + 1


def _distinct(names: Sequence[str]) -> list[str]:
    """Namesakes (different author ids) numbered, so no two bars share a label."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return labels


def _span(years: Sequence[int]) -> str:
    return f"{min(years)}–{max(years)}" if years else "no years"


def _short(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
