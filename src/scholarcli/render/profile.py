"""The author profile view (``scholar author``): header, per-year chart, papers table.

The table view mirrors the seed profile page with metrics we can define; it never
imitates that site's "Novelty %" or "AI Score". The per-paper score is cites_per_year.
How the papers are shown (their order's name, how many a terminal table lists, the
abstracts, the charts) arrives as one :class:`Display`; the profile itself is never cut,
so ``paper_count`` and every metric stay those of the whole profile.

It formats numbers it is given and computes no metric; rich is imported inside the
functions that draw. Every string from the source is shown through ``safe``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from scholarcli.models import PAPER_FIELDS, Profile, ProfilePaper
from scholarcli.render.charts import per_year_chart, per_year_markdown, year_charts
from scholarcli.render.console import links_shown, make_console, table_style
from scholarcli.render.env import OutputEnv, resolve_format
from scholarcli.render.safe import clean_data, clean_text, code_link
from scholarcli.render.text import authors_short, format_date, number, one_line, short_category
from scholarcli.render.trust import (
    SELF_CAPTION,
    counted,
    provenance_footer,
    self_cell,
    trust_items,
)
from scholarcli.render.writers import md, md_table, write_csv, write_json, write_jsonl

if TYPE_CHECKING:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text


@dataclass(frozen=True)
class Display:
    """How a profile's papers are shown, chosen by the command, applied by the view.

    ``order`` names the papers' order under the table (e.g. "Most cited first"); ``top``
    is how many papers a terminal table lists (None: all), the rest counted in an
    "N more" line; pipes and the other formats always get every paper.
    """

    order: str | None = None
    top: int | None = None
    abstracts: bool = False
    charts: bool = False


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


def _metric_items(profile: Profile) -> list[str]:
    items = []
    for key, label, label_first, decimals in _HEADER_METRICS:
        value = profile.metrics.get(key)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        shown = number(value, decimals)
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
    # Paper age = as-of year - year + 1 (the metric conventions); the per-paper score is
    # cites_per_year (docs/output.md).
    note = f"Score = citations per year: citations / ({profile.as_of[:4]} - year + 1)"
    return f"{order}. {note}" if order else note


def _count_line(count: int) -> str:
    return f"{count:,} Paper{'' if count == 1 else 's'}"


def _more_line(more: int) -> str:
    """What a terminal table left out, and how to see it (as ``gh`` does)."""
    return f"{more:,} more, use --all to list every paper (pipes and -f csv/json get them all)"


def _score(paper: ProfilePaper) -> str:
    return "" if paper.cites_per_year is None else f"{paper.cites_per_year:.1f}"


def _clean_paper(paper: ProfilePaper) -> ProfilePaper:
    """A copy with every text field safe for a terminal (``code_url`` is judged apart)."""
    changes = {
        field.name: clean_data(getattr(paper, field.name))
        for field in dataclasses.fields(paper)
        if field.name != "code_url" and isinstance(getattr(paper, field.name), str | list | dict)
    }
    return dataclasses.replace(paper, **changes, code_url=code_link(paper.code_url))


def _clean_profile(profile: Profile, papers: Sequence[ProfilePaper]) -> Profile:
    return dataclasses.replace(
        profile,
        name=clean_data(profile.name),
        affiliations=clean_data(list(profile.affiliations)),
        primary_category=clean_data(profile.primary_category),
        primary_category_name=clean_data(profile.primary_category_name),
        curation=clean_data(profile.curation),
        indicators=clean_data(dict(profile.indicators)),
        papers=[_clean_paper(paper) for paper in papers],
    )


def render_profile(
    profile: Profile,
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    display: Display | None = None,
    *,
    per_year: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Print an author profile; csv and jsonl carry the papers only (docs/output.md).

    ``per_year`` rows (year, papers, citations) add a bar chart under the table header,
    a markdown table, or a top-level ``per_year`` list in json; with ``display.charts``
    the table view shows them as two column charts instead (plain ASCII when piped).
    """
    display = display or Display()
    fmt = resolve_format(fmt, env)
    if fmt in ("json", "jsonl", "csv"):
        records = [paper.as_record() for paper in profile.papers]
        if fmt == "json":
            payload: dict[str, Any] = {"author": profile.author_record(), "papers": records}
            if per_year is not None:
                payload["per_year"] = [dict(row) for row in per_year]
            if profile.provenance is not None:
                payload["provenance"] = profile.provenance
            write_json(payload, out, env)
        elif fmt == "jsonl":
            if profile.provenance is not None:  # each line says where it came from
                records = [{**record, "provenance": profile.provenance} for record in records]
            write_jsonl(records, out)
        else:
            write_csv(records, PAPER_FIELDS, out)
        return
    if fmt == "markdown":
        shown = _clean_profile(profile, profile.papers)
        out.write(_profile_markdown(shown, display) + per_year_markdown(per_year))
        if profile.provenance is not None:
            out.write("\n" + md(clean_text(provenance_footer(profile.provenance))) + "\n")
        return
    from rich.text import Text

    total = len(profile.papers)
    top = total if display.top is None else min(display.top, total)
    shown = _clean_profile(profile, profile.papers[:top])
    console = make_console(out, env)
    console.print(_header_panel(shown, console.width))
    console.print()
    if per_year and display.charts:
        console.print(Text(year_charts(per_year, env, console.width)))
    elif per_year:
        console.print(per_year_chart(per_year, console.width))
        console.print()
    console.print(Text(_count_line(total), style="bold"))
    if shown.papers:
        console.print()
        console.print(_papers_table(shown, env, display))
    if total > top:
        console.print()
        console.print(Text(_more_line(total - top), style="bold"))


def _header_panel(profile: Profile, width: int) -> Panel:
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    lines: list[Text] = [Text(profile.name, style="bold")]
    if profile.primary_category:
        category = Text(short_category(profile.primary_category), style="bold cyan")
        lines.append(category.append(f"  {profile.primary_category_name or ''}".rstrip()))
    lines.extend(Text(line) for line in _pack(_metric_items(profile), width - 4))
    lines.extend(Text(line) for line in _indicator_items(profile))
    lines.extend(Text(line) for line in trust_items(profile))
    lines.append(Text(_footer(profile), style="dim"))
    return Panel(Group(*lines), box=box.ROUNDED, padding=(0, 1), expand=False)


def _pack(items: Sequence[str], width: int, gap: str = "   ") -> list[str]:
    """Greedy lines of whole items: rich would wrap "h-index 5" between label and value."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(gap) + len(item) <= width:
            lines[-1] += gap + item
        else:
            lines.append(item)
    return lines


def _paper_cell(paper: ProfilePaper, abstracts: bool, with_url: bool) -> Group:
    """Title, authors, the abstract on demand; ``with_url`` adds the code URL, for
    terminals that cannot show a link."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Text] = [Text(paper.title or "(untitled)", style="bold")]
    if paper.authors:
        parts.append(Text(authors_short(paper.authors)))
    if abstracts and paper.abstract:
        parts.append(Text(one_line(paper.abstract), style="dim"))
    if with_url and paper.code_url:
        parts.append(Text(paper.code_url, style="dim", overflow="fold"))
    return Group(*parts)


def _code_cell(paper: ProfilePaper, links: bool) -> Text:
    from rich.style import Style
    from rich.text import Text

    if not paper.code_url:  # code_link already refused anything but a code host
        return Text("")
    if not links:
        return Text("Code")
    return Text("Code", style=Style(color="blue", underline=True, link=paper.code_url))


def _papers_table(profile: Profile, env: OutputEnv, display: Display) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        **table_style(),
        leading=1,  # a blank line between papers, as in the reference
        header_style="bold dim",
        caption=_score_note(profile, display.order)
        + (f"\n{SELF_CAPTION}" if counted(profile) else ""),
        caption_style="dim",
        caption_justify="left",
    )
    table.add_column("Score", justify="right", no_wrap=True, min_width=5)
    table.add_column("Cites", justify="right", no_wrap=True)  # the default order's key
    if counted(profile):  # self / co-author self-citations, among the listed citers
        table.add_column("Self", justify="right", no_wrap=True)
    table.add_column("Cat", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("", no_wrap=True)  # the Code link; a header would repeat the word
    table.add_column("Paper", overflow="fold")  # fold only a word wider than the column
    links = links_shown(env)
    for paper in profile.papers:
        table.add_row(
            Text(_score(paper), style="bold green"),
            Text(f"{paper.citations:,}"),
            *([Text(self_cell(paper))] if counted(profile) else []),
            Text(short_category(paper.category), style="cyan"),
            Text(format_date(paper.date, paper.year)),
            _code_cell(paper, links),
            # Without colour there is no hyperlink: the URL itself, so it is not lost.
            _paper_cell(paper, display.abstracts, with_url=not links),
        )
    return table


def _profile_markdown(profile: Profile, display: Display) -> str:
    summary = _metric_items(profile)
    if profile.primary_category:
        code = short_category(profile.primary_category)
        summary.insert(0, f"**{code}** {profile.primary_category_name or ''}".strip())
    text = f"# {md(profile.name)}\n\n"
    if summary:
        text += md(" · ".join(summary)) + "\n\n"
    for line in [*_indicator_items(profile), *trust_items(profile)]:
        text += md(line) + "\n\n"
    text += f"{md(_footer(profile))}\n\n{_count_line(len(profile.papers))}\n\n"
    rows = []
    for paper in profile.papers:
        code = f"[Code](<{paper.code_url}>)" if paper.code_url else ""
        date = format_date(paper.date, paper.year)
        cells = [md(_score(paper)), f"{paper.citations:,}", md(short_category(paper.category))]
        cells += [md(date), code, md(paper.title), md(authors_short(paper.authors))]
        rows.append(cells)
    # Cites is the default order's key: a list sorted by citations shows them.
    header = ["Score", "Cites", "Cat", "Date", "Code", "Title", "Authors"]
    text += md_table(header, rows, right={0, 1}) + "\n"
    text += _score_note(profile, display.order) + "\n"
    if display.abstracts:
        text += "\n## Abstracts\n"
        for paper in profile.papers:
            if paper.abstract:
                text += f"\n### {md(paper.title)}\n\n{one_line(paper.abstract)}\n"
    return text
