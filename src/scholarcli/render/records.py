"""Any list of records in any format: ``find``, ``coauthors``, ``metrics``, ``track``...

json is a list (or ``{json_root: [...]}``), csv/jsonl one row or line per record, both
as the source gave the values; table and markdown are for people and show every string
through ``safe.clean_data``. Terminal tables fit the width: ids and numbers whole, text
wrapped, columns that cannot fit named under the table. No metric is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from scholarcli.render.console import make_console, table_style
from scholarcli.render.env import OutputEnv, resolve_format
from scholarcli.render.safe import clean_data, clean_optional
from scholarcli.render.text import cell, ellipsis, is_number
from scholarcli.render.writers import md, md_table, write_csv, write_json, write_jsonl

if TYPE_CHECKING:
    from rich.table import Table

# Columns that hold identifiers: never wrapped or cut in a table (find, tracked, ...).
ID_FIELDS = frozenset({"key", "author_id", "ids", "paper_id", "arxiv_id", "doi"})
_TEXT_MIN = 12  # the narrowest a wrapped text column gets before it is dropped
_GAP = 2  # right padding plus the blank divider of table_style()


def _numeric(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> set[int]:
    """Indexes of the fields whose values are all numbers (and at least one is there)."""
    return {
        index
        for index, name in enumerate(fields)
        if any(row[name] is not None for row in rows)
        and all(is_number(row[name]) for row in rows if row[name] is not None)
    }


def render_records(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: TextIO,
    env: OutputEnv,
    *,
    title: str | None = None,
    json_root: str | None = None,
    single: bool = False,
) -> None:
    """Print any list of records with the given columns, in the given format.

    json is one object naming what it holds, ``{json_root: [...]}`` (``{json_root: {...}}``
    with ``single``, for the one record of e.g. ``cache info``; docs/output.md lists every
    command's root); a bare list only without ``json_root``. csv/jsonl: one row/line per
    record; table: a rich table (floats to 2 decimals, None empty); markdown: a pipe
    table. Keys outside ``fields`` are left out; missing ones are null.
    """
    fmt = resolve_format(fmt, env)
    rows = [{name: record.get(name) for name in fields} for record in records]
    if fmt == "json":
        if json_root is None:
            write_json(rows, out, env)
        else:
            write_json({json_root: rows[0] if single and rows else rows}, out, env)
        return
    if fmt == "jsonl":
        write_jsonl(rows, out)
        return
    if fmt == "csv":
        write_csv(rows, fields, out)
        return
    rows, title = clean_data(rows), clean_optional(title)
    numeric = _numeric(rows, fields)
    if fmt == "markdown":
        heading = f"# {md(title)}\n\n" if title else ""
        cells = [[md(cell(row[name])) for name in fields] for row in rows]
        out.write(heading + md_table([md(name) for name in fields], cells, numeric))
        return
    from rich.text import Text

    console = make_console(out, env)
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
    from rich.table import Table
    from rich.text import Text

    table = Table(**table_style(), title=title, title_style="bold", title_justify="left")
    if len(rows) == 1:
        table.add_column(Text("field"), no_wrap=True)
        table.add_column(Text("value"), overflow="fold")
        for name in fields:
            table.add_row(Text(name), Text(cell(rows[0][name])))
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
                Text(_id_cell(row[name]) if name in ID_FIELDS else cell(row[name]))
                for name in fields
            )
        )
    return table


def _id_cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(cell(item) for item in value)
    return cell(value)


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
            cells = [len(cell(row[name])) for row in rows]
        return max(len(name), *cells)

    def least(name: str) -> int:
        if name in numeric or name in ID_FIELDS or name == fields[0]:
            return natural(name)
        if name == "name":  # kept, so it may wrap only down to its longest word
            words = (word for row in rows for word in cell(row[name]).split())
            return max(len(name), _TEXT_MIN, *(len(word) for word in words))
        return min(natural(name), max(len(name), _TEXT_MIN))

    kept = list(fields)
    kept_always = {fields[0], "name", *ID_FIELDS}  # what a row is about
    droppable = [name for name in reversed(fields) if name not in kept_always]
    droppable.sort(key=lambda name: name in numeric)  # text goes before numbers
    for name in droppable:
        if sum(least(kept_name) for kept_name in kept) + _GAP * (len(kept) - 1) <= width:
            break
        kept.remove(name)
    widths = {name: least(name) for name in kept}
    spare = width - sum(widths.values()) - _GAP * (len(kept) - 1)
    # Share what is left among the wrapped columns (water-filling): the ones that need
    # least are filled first, and what they leave goes to the others.
    growable = [name for name in kept if natural(name) > widths[name]]
    growable.sort(key=lambda name: natural(name) - widths[name])
    for index, name in enumerate(growable):
        grow = min(natural(name) - widths[name], max(spare, 0) // (len(growable) - index))
        widths[name] += grow
        spare -= grow
    return widths


# --- records wider than the terminal (scholar metrics, metrics --by COLUMN) ------------
# The metrics a reader looks for first, in this order; the others follow in their own.
HEADLINE = (
    "papers",
    "citations",
    "h_index",
    "g_index",
    "i10_index",
    "m_quotient",
    "cites_per_year",
    "cites_per_paper",
    "hi_norm",
    "e_index",
)
_KEY_MIN, _KEY_MAX = 16, 32  # the bounds of the row-label column before it is cut
_NAMED = 4  # columns named in the "not shown" line; the rest are counted


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


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

    In table format with several records it prints ONE table, a row per record: the
    first field labels the row (cut with ``…`` past a quarter of the width), then as many
    numeric columns as fit, headline metrics (:data:`HEADLINE`) first. Text columns with
    the same value in every row are said once under the title, columns empty in every row
    are left out, and a dim line says what did not fit (``-f csv`` has every column).
    ``keys`` name the columns that only repeat the row label (``name`` when grouping by
    another column): shown only when they differ from it. Other formats are
    render_records'.
    """
    fmt = resolve_format(fmt, env)
    if fmt != "table" or len(records) < 2:
        render_records(records, fields, fmt, out, env, title=title, json_root=json_root)
        return
    from rich.table import Table
    from rich.text import Text

    rows = clean_data([{name: record.get(name) for name in fields} for record in records])
    title = clean_optional(title)
    console = make_console(out, env)
    label = fields[0]
    shown: list[str] = []
    constant: list[str] = []
    empty: list[str] = []
    for name in fields[1:]:
        values = [row[name] for row in rows]
        if all(_blank(value) for value in values):
            empty.append(name)  # nothing to show, but said: -f csv still has the column
            continue
        if name in keys and all(row[name] == row[label] for row in rows):
            continue  # ``name`` equal to the --by group: the label says it
        text = not all(is_number(v) for v in values if v is not None)
        if text and all(cell(value) == cell(values[0]) for value in values):
            constant.append(f"{name}: {cell(values[0])}")
            continue
        shown.append(name)
    # Text that tells the rows apart (a person's ids) first, then the headline metrics.
    texts = [n for n in shown if not all(is_number(r[n]) for r in rows if r[n] is not None)]
    headline = [name for name in HEADLINE if name in shown]
    ordered = texts + headline + [n for n in shown if n not in texts and n not in headline]
    natural = max(len(label), *(len(cell(row[label])) for row in rows))
    key_width = min(natural, max(_KEY_MIN, min(_KEY_MAX, console.width // 4)))

    def width(name: str) -> int:
        return max(len(name), *(len(cell(row[name])) for row in rows))

    used = key_width
    kept: list[str] = []
    for name in ordered:
        if used + _GAP + width(name) > console.width:
            break
        kept.append(name)
        used += _GAP + width(name)
    left_out = [name for name in ordered if name not in kept]
    table = Table(
        **table_style(),
        title=title,
        title_style="bold",
        title_justify="left",
        caption=" · ".join(constant) or None,
        caption_style="dim",
        caption_justify="left",
    )
    table.add_column(Text(label), no_wrap=True, width=key_width)
    for name in kept:
        numbers = all(is_number(row[name]) for row in rows if row[name] is not None)
        table.add_column(
            Text(name), justify="right" if numbers else "left", no_wrap=True, min_width=width(name)
        )
    for row in rows:
        table.add_row(
            Text(ellipsis(cell(row[label]), key_width)),
            *(Text(cell(row[name])) for name in kept),
        )
    console.print(table)
    notes = []
    if left_out:
        named = ", ".join(left_out[:_NAMED])
        if len(left_out) > _NAMED:
            named += f" and {len(left_out) - _NAMED} more"
        notes.append(
            f"Not shown at this width: {named} (widen the terminal, or -f csv / -f json "
            "for every column)."
        )
    if empty:
        notes.append(f"Empty in every row: {', '.join(empty)}.")
    if notes:
        console.print(Text(" ".join(notes), style="dim"))
