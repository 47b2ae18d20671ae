"""Turn a group's view (``group.build.GroupView``) into one self-contained HTML page.

The page of ``scholar report --group``: the members' table with the group's own line,
the union's papers and citations per year, and the collaboration network as a chart
with a table of who wrote with whom as its text alternative. Like the person page
(``report.html``) it fetches nothing when opened and shares its stylesheet; it needs no
script at all, so its Content-Security-Policy allows none. Numbers are the ones
``scholar group -f json`` prints, carried unformatted in ``data-value`` attributes.

It must not fetch, print, or import jinja2/matplotlib at module level (optional extra).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scholarcli import __version__

if TYPE_CHECKING:
    from scholarcli.group.build import GroupView

#: (field, column heading) of the members' table, as ``scholar group`` prints them.
MEMBER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("papers", "Papers"),
    ("citations", "Citations"),
    ("h_index", "h-index"),
    ("g_index", "g-index"),
    ("i10_index", "i10-index"),
)
#: (field, label, decimals) of the group's own figures.
GROUP_FIGURES: tuple[tuple[str, str, int], ...] = (
    ("members", "Members", 0),
    ("papers", "Papers, each counted once", 0),
    ("joint_papers", "Joint papers", 0),
    ("citations", "Citations", 0),
    ("h_index", "Group h-index", 0),
    ("g_index", "Group g-index", 0),
    ("median_member_h_index", "Members' median h-index", 1),
)


def render_group_page(view: GroupView, *, generated: datetime | None = None) -> str:
    """The whole page of one group."""
    from scholarcli.group.build import papers_per_year
    from scholarcli.report.group_charts import network_chart, per_year_charts
    from scholarcli.report.html import _environment

    when = (generated or datetime.now(UTC)).replace(microsecond=0)
    whole = view.group_record()
    members: list[dict[str, Any]] = [
        {"key": m.key, "name": m.name, "ids": m.ids, **m.values} for m in view.members
    ]
    template = _environment().get_template("group.html.j2")
    return str(
        template.render(
            members=members,
            member_columns=MEMBER_COLUMNS,
            whole=whole,
            figures=[
                (key, label, decimals, whole.get(key)) for key, label, decimals in GROUP_FIGURES
            ],
            charts=per_year_charts(papers_per_year(view), "g"),
            network=network_chart(view, "g-network"),
            since=view.since,
            complete=view.complete,
            missing=[miss.message for miss in view.missing],
            generated=when.isoformat().replace("+00:00", "Z"),
            version=__version__,
        )
    )
