"""The pipe formats (csv, json, jsonl) and the markdown table writer.

csv, json and jsonl carry records as the source gave them (only CSV cells a spreadsheet
would run as formulas are neutralised); markdown is for people, so its callers pass text
through ``safe.clean_text`` first. No rich, no terminal questions beyond ``OutputEnv``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from scholarcli.render.env import OutputEnv

# OWASP "CSV injection": spreadsheets run cells that start with these as formulas.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Prefix ``'`` to a CSV cell a spreadsheet would otherwise run as a formula."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON; print them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def write_json(payload: Any, out: TextIO, env: OutputEnv) -> None:
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
        text = json.dumps(json_safe(payload), **options)
    out.write(text + "\n")


def write_jsonl(rows: Sequence[Mapping[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(json_safe(row), ensure_ascii=False, default=str) + "\n")


def csv_cell(value: Any) -> str:
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


def write_csv(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    # csv quotes only characters of its lineterminator, so a bare CR would go out unquoted
    # and split the row for readers; such rows are written fully quoted instead.
    quoting_writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise_cell(name) for name in fields])
    for row in rows:
        cells = [csv_cell(row.get(name)) for name in fields]
        (quoting_writer if any("\r" in cell for cell in cells) else writer).writerow(cells)


def md(text: str) -> str:
    """Escape a markdown table cell: pipes would end the cell, newlines the row."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    rule = ["---:" if index in right else "---" for index in range(len(header))]
    lines = [header, rule, *rows]
    return "".join("| " + " | ".join(line) + " |\n" for line in lines)
