"""The group page's charts: the union's papers and citations per year, and the network.

Drawn like the person charts (``report.charts``: matplotlib to inline SVG, Okabe-Ito
colours, text in currentColor, role="img" with an aria-label), each carrying its
numbers as rows for the page's text alternative. The network's layout is a circle in
the members' order, so the same group always draws the same picture.

It must not fetch, print, or import matplotlib at module level (the optional extra).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scholarcli.report.charts import OKABE_ITO, Chart, _digits, _draw, _short, _span, _year_axis

#: Up to this many pairs, each line carries its number of joint papers.
EDGE_LABELS = 30

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from scholarcli.group.build import GroupView


def per_year_charts(per_year: Sequence[dict[str, int]], prefix: str) -> list[Chart]:
    """Papers of the union per publication year, and those papers' citations."""
    years = [row["year"] for row in per_year]
    return [
        _bars(
            f"{prefix}-papers",
            "Group papers per year",
            years,
            [row["papers"] for row in per_year],
            OKABE_ITO[0],
            "Papers (each counted once)",
        ),
        _bars(
            f"{prefix}-citations",
            "Citations of the group's papers, by year of publication",
            years,
            [row["citations"] for row in per_year],
            OKABE_ITO[1],
            "Citations",
        ),
    ]


def _bars(
    key: str, title: str, years: list[int], counts: list[int], colour: str, y_label: str
) -> Chart:
    def draw(ax: Axes) -> str:
        ax.bar(years, counts, color=colour, width=0.8)
        _year_axis(ax)
        ax.set_xlabel("Year of publication")
        ax.set_ylabel(y_label)
        return f"{title}: bar chart, {sum(counts):,} in all, {_span(years)}"

    svg, _ = _draw(key, title, draw, _digits(max(counts, default=0)))
    rows: list[list[Any]] = [[y, c] for y, c in zip(years, counts, strict=True)]
    return Chart(key, title, svg, ["Year", y_label], rows)


def circle(count: int) -> list[tuple[float, float]]:
    """``count`` points on the unit circle, the first at the top, then clockwise."""
    if count == 1:
        return [(0.0, 0.0)]
    return [
        (math.sin(2 * math.pi * i / count), math.cos(2 * math.pi * i / count)) for i in range(count)
    ]


def network_chart(view: GroupView, key: str) -> Chart:
    """Members as circles sized by papers, a line per pair weighted by joint papers."""
    import matplotlib

    title = "Collaboration among the members"
    names = [m.key for m in view.members]
    where = dict(zip(names, circle(len(names)), strict=True))
    papers = {m.key: int(m.values.get("papers") or 0) for m in view.members}
    most_papers = max(papers.values(), default=0) or 1
    most_joint = max((e.joint_papers for e in view.edges), default=0) or 1

    def draw(ax: Axes) -> str:
        from matplotlib.collections import LineCollection

        # One collection, not a line per pair: a 200-member group has hundreds of pairs.
        ax.add_collection(
            LineCollection(
                [(where[e.source], where[e.target]) for e in view.edges],
                colors=OKABE_ITO[4],
                linewidths=[1 + 5 * e.joint_papers / most_joint for e in view.edges],
                capstyle="round",
                zorder=1,
            )
        )
        # The counts on the lines only while they stay legible; the table has them all.
        for edge in view.edges if len(view.edges) <= EDGE_LABELS else ():
            (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
            ax.text(
                (x1 + x2) / 2,
                (y1 + y2) / 2,
                f"{edge.joint_papers:,}",
                ha="center",
                va="center",
                fontsize=9,
                zorder=3,
            )
        xs = [where[n][0] for n in names]
        ys = [where[n][1] for n in names]
        sizes = [80 + 720 * math.sqrt(papers[n] / most_papers) for n in names]
        ax.scatter(
            xs,
            ys,
            s=sizes,
            color=OKABE_ITO[0],
            edgecolors=matplotlib.rcParams["axes.edgecolor"],
            linewidths=0.6,
            zorder=2,
        )
        for name, (x, y) in where.items():
            ax.text(
                x * 1.25 if len(names) > 1 else x,
                y * 1.3 if len(names) > 1 else y - 0.3,
                f"{_short(name, 20)} ({papers[name]:,})",
                ha="center" if abs(x) < 0.3 else ("left" if x > 0 else "right"),
                va="center",
                fontsize=9,
                zorder=3,
            )
        ax.set_xlim(-2.2, 2.2)
        ax.set_ylim(-1.5, 1.5)
        ax.set_axis_off()
        pairs = len(view.edges)
        return (
            f"{title}: network of {len(names)} members (circles sized by papers), "
            f"{pairs} {'pair' if pairs == 1 else 'pairs'} with joint papers; "
            "the table below lists them"
        )

    svg, _ = _draw(key, title, draw, 1, bottom=0.2)
    rows: list[list[Any]] = [[e.source, e.target, e.joint_papers] for e in view.edges]
    return Chart(key, title, svg, ["Member", "Wrote with", "Joint papers"], rows)
