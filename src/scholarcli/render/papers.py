"""Paper views: ``scholar paper`` panels and the lists of ``search`` and ``--citations``.

On a terminal a paper is a panel (title, authors, venue and date, counts, links, TLDR)
and a list is a table of citations, year, category, Code and the paper; markdown shows
the same facts. Every string from the source goes through ``safe.clean_data`` before it
is shown, and a link is only ever a URL ``safe`` accepts. Other formats are the records
as given. rich is imported inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from scholarcli.render.console import links_shown, make_console, table_style
from scholarcli.render.env import OutputEnv, resolve_format
from scholarcli.render.records import render_records
from scholarcli.render.safe import clean_data, clean_optional, code_link, web_link
from scholarcli.render.text import authors_short, format_date, one_line, short_category
from scholarcli.render.writers import md, md_table, write_json

if TYPE_CHECKING:
    from rich.panel import Panel

_PANEL_AUTHORS = 12  # a panel lists this many authors, then "... and N more"
# (label, field, how a link there is judged): the code link goes to a code host only.
_PANEL_LINKS = (("Code", "code_url", code_link), ("PDF", "pdf_url", web_link))
_S2_LINK = ("S2", "url", web_link)


def _shown(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records safe to show: text cleaned, links kept only where ``safe`` accepts them."""
    shown = []
    for record in records:
        safe = clean_data(dict(record))
        for _label, key, judge in (*_PANEL_LINKS, _S2_LINK):
            if key in record:
                safe[key] = judge(record[key])
        shown.append(safe)
    return shown


def _names(record: Mapping[str, Any]) -> list[str]:
    return [
        str((a.get("name") if isinstance(a, Mapping) else a) or "")
        for a in record.get("authors") or []
    ]


def _paper_panel(record: Mapping[str, Any], env: OutputEnv, abstracts: bool, width: int) -> Panel:
    """One paper as a panel: title, authors, where and when, counts, links, TLDR."""
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.style import Style
    from rich.text import Text

    names = _names(record)
    lines: list[Text] = [Text(record.get("title") or "(untitled)", style="bold")]
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
    for label, key, _judge in (*_PANEL_LINKS, _S2_LINK):
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
        lines.append(Text.assemble(("TLDR ", "bold"), one_line(str(record["tldr"]))))
    if abstracts and record.get("abstract"):
        lines.append(Text(one_line(str(record["abstract"])), style="dim"))
    return Panel(Group(*lines), box=box.ROUNDED, padding=(0, 1), width=min(width, 100))


def _flat_authors(records: Sequence[Mapping[str, Any]], fmt: str) -> Sequence[Mapping[str, Any]]:
    """csv and markdown cells hold author names joined by ``; `` (json keeps the ids)."""
    if fmt not in ("csv", "markdown"):
        return records
    return [{**r, "authors": _names(r)} for r in records]


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
        out.write("".join(_paper_markdown(record, abstracts) for record in _shown(records)))
        return
    if fmt != "table":
        records = _flat_authors(records, fmt)
        render_records(records, fields, fmt, out, env, title="Papers", json_root="papers")
        return
    console = make_console(out, env)
    for record in _shown(records):
        console.print(_paper_panel(record, env, abstracts, console.width))


def _paper_markdown(record: Mapping[str, Any], abstracts: bool) -> str:
    """One paper as a markdown section: the panel's facts, links as links."""
    names = _names(record)
    lines = [f"## {md(str(record.get('title') or '(untitled)'))}", ""]
    if names:
        lines += [md(", ".join(names)), ""]
    where = [
        str(record.get("venue") or ""),
        format_date(record.get("date"), record.get("year")),
        str(record.get("category") or ""),
    ]
    facts = [" · ".join(md(part) for part in where if part)]
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
        f"{name} `{md(str(record[key]).replace('`', ''))}`"
        for name, key in (("arXiv", "arxiv_id"), ("DOI", "doi"), ("S2", "paper_id"))
        if record.get(key)
    ]
    if ids:
        facts.append(" · ".join(ids))
    lines += [f"- {fact}" for fact in facts if fact] + [""]
    if record.get("tldr"):
        lines += [f"> **TLDR** {md(str(record['tldr']))}", ""]
    if abstracts and record.get("abstract"):
        lines += [one_line(str(record["abstract"])), ""]
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
        write_json({"paper": dict(subject), "papers": rows}, out, env)
        return
    title, caption = clean_optional(title), clean_optional(caption)
    if fmt == "markdown":
        edges = "is_influential" in fields
        out.write(_paper_list_markdown(_shown(records), edges, title, caption))
        return
    if fmt != "table":
        records = _flat_authors(records, fmt)
        render_records(records, fields, fmt, out, env, title=title, json_root="papers")
        return
    edges = "is_influential" in fields
    _paper_list_table(_shown(records), edges, out, env, title, abstracts, caption)


def _paper_list_table(
    records: Sequence[Mapping[str, Any]],
    edges: bool,
    out: TextIO,
    env: OutputEnv,
    title: str | None,
    abstracts: bool,
    caption: str | None,
) -> None:
    from rich.console import Group
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    table = Table(
        **table_style(),
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
    links = links_shown(env)
    for record in records:
        parts: list[Text] = [Text(record.get("title") or "(untitled)", style="bold")]
        names = _names(record)
        if names:
            parts.append(Text(authors_short(names)))
        if edges and record.get("intents"):
            parts.append(Text("intents: " + ", ".join(record["intents"]), style="dim"))
        if abstracts and record.get("abstract"):
            parts.append(Text(one_line(str(record["abstract"])), style="dim"))
        code = record.get("code_url")
        code_cell = Text("")
        if code:
            code_cell = (
                Text("Code", style=Style(color="blue", underline=True, link=code))
                if links
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
    make_console(out, env).print(table)


def _paper_list_markdown(
    records: Sequence[Mapping[str, Any]], edges: bool, title: str | None, caption: str | None
) -> str:
    """Search results or a citation list as a markdown table (the terminal's columns)."""
    header = ["Cites", "Year", "Cat", "Code", *(["Infl."] if edges else []), "Title", "Authors"]
    rows = []
    for record in records:
        code = f"[Code](<{record['code_url']}>)" if record.get("code_url") else ""
        title_cell = md(str(record.get("title") or "(untitled)"))
        if record.get("url"):
            title_cell = f"[{title_cell}](<{record['url']}>)"
        cells = [
            "" if record.get("citations") is None else f"{record['citations']:,}",
            md(str(record.get("year") or "")),
            md(short_category(record.get("category"))),
            code,
            *(["yes" if record.get("is_influential") else ""] if edges else []),
            title_cell,
            md(authors_short(_names(record))),
        ]
        rows.append(cells)
    text = f"# {md(title)}\n\n" if title else ""
    text += md_table(header, rows, right={0})
    return text + (f"\n{md(caption)}\n" if caption else "")
