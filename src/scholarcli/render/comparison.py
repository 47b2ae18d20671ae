"""People side by side (``scholar compare``): a row per metric, a column per person.

The rows and which columns hold the best value come from the caller; this view only
shows them (bold green on a terminal, bold in markdown). Names are source data and go
through ``safe.clean_data`` in the table and markdown views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from scholarcli.render.console import make_console, table_style
from scholarcli.render.env import OutputEnv, resolve_format
from scholarcli.render.safe import clean_data, clean_optional
from scholarcli.render.text import cell
from scholarcli.render.writers import md, md_table, write_csv, write_json, write_jsonl


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
        write_json({"people": [dict(p) for p in people], "metrics": table_rows}, out, env)
        return
    if fmt == "jsonl":
        write_jsonl(table_rows, out)
        return
    if fmt == "csv":
        write_csv(table_rows, fields, out)
        return
    # Shown to a person: the column labels (names) and every cell cleaned, the best
    # columns matched on the cleaned labels.
    labels = {column: clean_data(column) for column in columns}
    title = clean_optional(title)
    shown: list[dict[str, Any]] = [
        {
            **{labels.get(name, name): clean_data(row[name]) for name in fields if name != "best"},
            "best": [labels.get(name, name) for name in row["best"] or []],
        }
        for row in table_rows
    ]
    columns = [labels[column] for column in columns]
    fields = ["metric", *columns, "best"]
    if fmt == "markdown":
        cells = [
            [
                f"**{md(cell(row[name]))}**" if name in row["best"] else md(cell(row[name]))
                for name in fields
            ]
            for row in shown
        ]
        heading = f"# {md(title)}\n\n" if title else ""
        right = set(range(1, len(columns) + 1))
        out.write(heading + md_table([md(name) for name in fields], cells, right))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(**table_style(), title=title, title_style="bold", title_justify="left")
    table.add_column(Text("metric"), no_wrap=True)
    for column in columns:
        table.add_column(Text(column), justify="right", no_wrap=True)
    table.add_column(Text("best"), overflow="fold")
    for row in shown:
        best = row["best"]
        table.add_row(
            Text(str(row["metric"])),
            *(Text(cell(row[c]), style="bold green" if c in best else "") for c in columns),
            Text(cell(best), style="dim"),
        )
    make_console(out, env).print(table)
