"""Records and text of the side-by-side views, printed through ``scholarcli.render``.

Two views (docs/sources.md, "Side by side"): the profile with a citations column per
source (``scholar author --source s2,openalex``) and the disagreements alone
(``scholar sources``). Both print a line per source first, then how the papers
paired. Formats as everywhere: json is one object, csv/jsonl one paper (or one
disagreement) a row, table and markdown for people. It must not fetch anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from scholarcli import render
from scholarcli.crosswalk.sides import (
    SIDE_PAPER_FIELDS,
    SideBySide,
    disagreement_fields,
    disagreements,
    source_name,
    summary_lines,
)
from scholarcli.models import OPENALEX_PAPER_FIELDS, PAPER_FIELDS

COUNTS_NOTE = "Citations are each source's own count, never added up across sources."


def author_record(view: SideBySide) -> dict[str, Any]:
    """The headline profile's author record, plus ``sources`` (ids, papers, citations,
    h-index per source) and how many papers each source has alone."""
    record = view.headline.profile.author_record()
    record["sources"] = view.summaries()
    record["in_both"] = len(view.matched())
    record["matched_by"] = view.rule_counts()
    record["only_in"] = {side.source: len(view.only_in(side.source)) for side in view.sources}
    return record


def paper_records(view: SideBySide) -> list[dict[str, Any]]:
    return [paper.record() for paper in view.papers]


def _write_json(payload: Any, out: TextIO, env: render.OutputEnv) -> None:
    indent = 2 if env.stdout_isatty else None  # as every json of scholar: compact in a pipe
    out.write(json.dumps(payload, indent=indent, ensure_ascii=False, default=str) + "\n")


def _source_columns(view: SideBySide) -> list[str]:
    return [side.source for side in view.sources]


def _row(record: dict[str, Any], sources: Sequence[str]) -> dict[str, Any]:
    row = dict(record)
    for source in sources:
        row[source] = record["citations_by_source"].get(source)
    return row


def render_profiles(
    view: SideBySide,
    fmt: str,
    out: TextIO,
    env: render.OutputEnv,
    *,
    limit: int | None = None,
    top: int | None = None,
) -> None:
    """``scholar author --source a,b``: every paper once, a citations column per source.

    ``limit`` shortens every format; ``top`` only the table's and markdown's sections
    (each shows its ``top`` most cited papers and says how many it left out).
    """
    fmt = render.resolve_format(fmt, env)
    records = paper_records(view)[:limit]
    if fmt == "json":
        _write_json({"author": author_record(view), "papers": records}, out, env)
        return
    fields = (*PAPER_FIELDS, *OPENALEX_PAPER_FIELDS, *SIDE_PAPER_FIELDS)
    if fmt in ("csv", "jsonl"):
        render.render_records(records, fields, fmt, out, env)
        return
    sources = _source_columns(view)
    _header(view, out, fmt == "markdown", title=f"{view.headline.profile.name}, side by side")
    both = [_row(r, sources) for r in records if len(r["in_sources"]) > 1]
    sections: list[tuple[str, list[dict[str, Any]], tuple[str, ...]]] = [
        ("In every source", both, (*sources, "year", "matched_by", "title"))
    ]
    for side in view.sources:
        alone = [_row(r, sources) for r in records if r["in_sources"] == [side.source]]
        alone_columns = (side.source, "year", "title", "only_reason")
        sections.append((f"Only in {source_name(side.source)}", alone, alone_columns))
    first = True
    for heading, rows, columns in sections:
        if not rows:
            continue
        shown = rows[:top]
        cut = (
            f"; the {len(shown)} most cited shown, --all for every one"
            if len(shown) < len(rows)
            else ""
        )
        if not first:
            out.write("\n")
        first = False
        title = f"{heading} ({len(rows)}{cut})"
        if fmt == "markdown":  # a section under the page's heading
            out.write(f"## {title}\n\n")
            render.render_records(shown, columns, fmt, out, env)
        else:
            render.render_records(shown, columns, fmt, out, env, title=title)


def _header(view: SideBySide, out: TextIO, markdown: bool, *, title: str) -> None:
    lines = summary_lines(view)
    if markdown:
        out.write(f"# {title}\n\n" + "".join(f"- {line}\n" for line in lines) + "\n")
        out.write(f"{COUNTS_NOTE}\n\n")
    else:
        out.write(f"{title}\n" + "".join(f"  {line}\n" for line in lines))
        out.write(f"  {COUNTS_NOTE}\n\n")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def render_disagreements(
    view: SideBySide, fmt: str, out: TextIO, env: render.OutputEnv
) -> list[dict[str, Any]]:
    """``scholar sources``: only what the sources disagree on, biggest first."""
    fmt = render.resolve_format(fmt, env)
    rows = disagreements(view)
    sources = _source_columns(view)
    fields = disagreement_fields(sources)
    if fmt == "json":
        payload = {
            "author": author_record(view),
            "citation_gap": {"ratio": view.gap.ratio, "minimum": view.gap.minimum},
            "disagreements": [{name: row.get(name) for name in fields} for row in rows],
        }
        _write_json(payload, out, env)
        return rows
    if fmt in ("csv", "jsonl"):
        render.render_records(rows, fields, fmt, out, env)
        return rows
    _header(
        view,
        out,
        fmt == "markdown",
        title=f"{view.headline.profile.name}: where the sources disagree",
    )
    if not rows:
        out.write(
            "The sources agree on every paper: same papers, years and DOIs, and no "
            f"citation counts apart by {view.gap.describe()}.\n"
        )
        return rows
    counts = {
        kind: sum(1 for r in rows if r["kind"] == kind)
        for kind in ("only_in", "citations", "year", "doi")
    }
    parts = [
        _count(counts["only_in"], "paper in one source only", "papers in one source only"),
        _count(counts["citations"], "citation count", "citation counts")
        + f" apart by {view.gap.describe()}",
        _count(counts["year"], "different year", "different years"),
        _count(counts["doi"], "different DOI", "different DOIs"),
    ]
    out.write(f"{len(rows)} to check, biggest first (gap: the citations at stake):\n")
    out.write("".join(f"  {part}\n" for part in parts) + "\n")
    table = ("kind", "title", "year", *sources, "gap", "detail")
    render.render_records(rows, table, fmt, out, env)
    return rows
