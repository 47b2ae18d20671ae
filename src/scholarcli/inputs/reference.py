"""Read a list of papers for ``scholar metrics --input FILE`` (``-`` for stdin).

Accepted: CSV (``scholar author -f csv`` output, Publish or Perish's CSV export, or
any table with a citations and a year column; comma, tab or semicolon separated),
JSON (a list of paper objects, or ``{"papers": [...]}`` as ``scholar author -f json``
prints) and JSON Lines. The kind is recognised from the content, not the file name.
Column names match case-insensitively, ignoring spaces, dashes and underscores, so
``Cites``, ``citations`` and ``Citation Count`` all name the citations.

Every problem is a ``UsageError`` (exit 2) saying where it is: the 1-based line for
CSV (the header is line 1; a record spanning lines is named by its first line) and
for JSON Lines, the 1-based record number for JSON.

This module only parses: no network, no cache, no metrics, no printing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from scholarcli.errors import UsageError
from scholarcli.indicators.metrics import PaperStats
from scholarcli.inputs import values
from scholarcli.inputs.columns import (
    ALIASES,
    csv_delimiter,
    find_columns,
    group_value,
    require,
    with_group,
)
from scholarcli.inputs.source import DEFAULT_MAX_LINE_BYTES, open_input

# The csv module's default (128 KiB) is smaller than some abstracts; beyond this a
# field is almost certainly an unclosed quote swallowing the rest of the file.
MAX_FIELD = 64 * 1024 * 1024


@dataclass
class PaperList:
    """The papers of one input, ready for ``metrics.author_metrics``.

    ``has_authors`` says whether any paper had an author list or count (else the
    author-normalised metrics treat every paper as single-authored);
    ``has_positions`` whether any had the person's author position (else first- and
    last-author counts are unknown).
    """

    source: str
    papers: list[PaperStats]
    has_authors: bool
    has_positions: bool
    groups: list[str] | None = None  # the --by column's value per paper, when asked for


def read_papers(
    path: str,
    stdin: BinaryIO | None = None,
    by: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> PaperList:
    """Read and parse ``path`` (or ``stdin`` when ``path`` is ``-``), lines capped."""
    with open_input(path, stdin, max_line_bytes) as opened:
        return parse_papers(opened.stream.read(), opened.source, by)


def parse_papers(data: bytes, source: str, by: str | None = None) -> PaperList:
    """Parse CSV, JSON or JSON Lines bytes (see the module docstring).

    ``by`` names one more column (or JSON field), matched like the others, whose value
    is kept per paper in ``groups`` (``scholar metrics --by``).
    """
    aliases = with_group(by)
    text = _decode(data)
    start = text.lstrip()[:1]
    if not start:
        raise UsageError(f"{source} is empty: expected CSV, JSON or JSON Lines papers")
    records: Iterable[tuple[str, dict[str, Any]]]
    if start == "[":
        records = _json_records(text, aliases)
    elif start == "{":
        records = _json_or_jsonl_records(text, aliases)
    else:
        records = _csv_records(text, aliases)
    papers: list[PaperStats] = []
    groups: list[str] = []
    has_authors = has_positions = False
    try:
        for where, record in records:
            paper, authors_known = values.paper(record, where)
            papers.append(paper)
            if by is not None:
                groups.append(group_value(record.get("group")))
            has_authors |= authors_known
            has_positions |= paper.author_position is not None
    finally:
        # A bad value stops the loop with the CSV generator suspended inside its
        # field-limit context: close it now, so the limit is restored at once and
        # not whenever the traceback holding it is collected.
        if isinstance(records, Generator):
            records.close()
    return PaperList(source, papers, has_authors, has_positions, groups if by else None)


# --- decoding and record splitting ---------------------------------------------------


def _decode(data: bytes) -> str:
    # utf-8-sig reads plain UTF-8 too and drops the BOM Publish or Perish and Excel
    # write; a UTF-16 BOM (Excel's "Unicode text") is honoured as well.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(
            f"line {line}: the input is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            hint="convert it first, e.g. iconv -f windows-1252 -t utf-8 FILE > FILE.utf8",
        ) from None


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells) for every non-blank record."""
    # strict: a quote left open must be an error, not a field that swallows the rest.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    first_line = 1
    try:
        for cells in reader:
            line, first_line = first_line, reader.line_num + 1
            if any(cell.strip() for cell in cells):
                yield line, cells
    except csv.Error as exc:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = f"a field is longer than {MAX_FIELD // (1024 * 1024)} MiB"
            detail += " (is a quote left open?)"
        elif "unexpected end of data" in detail:
            detail = "a quoted field is never closed"
        raise UsageError(f"line {first_line}: malformed CSV: {detail}") from None


def _csv_records(
    text: str, aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> Iterator[tuple[str, dict[str, Any]]]:
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    # The delimiter is the one that makes a header with a citations column.
    delimiter = csv_delimiter(header_line)
    with _field_limit(MAX_FIELD):
        rows = _csv_lines(text, delimiter)
        header_at, header = next(rows, (1, []))
        columns = find_columns(header, aliases)
        require(
            columns, f"line {header_at} (header)", "column", [h.strip() for h in header], aliases
        )
        for line, cells in rows:
            if len(cells) != len(header):
                raise UsageError(
                    f"line {line}: expected {len(header)} fields like the header, "
                    f"found {len(cells)}",
                    hint="a field with a comma or line break must be in double quotes",
                )
            yield f"line {line}", {name: cells[index] for name, index in columns.items()}


def _json_records(
    text: str, aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> list[tuple[str, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"
        ) from None
    if isinstance(document, dict) and isinstance(document.get("papers"), list):
        document = document["papers"]
    if not isinstance(document, list):
        raise UsageError('JSON input must be a list of papers or an object with a "papers" list')
    records = []
    for number, item in enumerate(document, start=1):
        where = f"JSON record {number}"
        records.append((where, _json_fields(item, where, aliases)))
    return records


def _json_or_jsonl_records(
    text: str, aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> list[tuple[str, dict[str, Any]]]:
    # JSON Lines when the first line is a whole object on its own; otherwise one JSON
    # document (possibly pretty-printed), whose errors are then reported as JSON.
    try:
        first = json.loads(text.lstrip().split("\n", 1)[0])
    except json.JSONDecodeError:
        return _json_records(text, aliases)
    # A one-line {"author": ..., "papers": [...]} (as jq -c prints it) is JSON too.
    if "papers" in first:
        return _json_records(text, aliases)
    return _jsonl_records(text, aliases)


def _jsonl_records(
    text: str, aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> list[tuple[str, dict[str, Any]]]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: invalid JSON Lines record ({exc.msg})") from None
        records.append((where, _json_fields(item, where, aliases)))
    return records


def _json_fields(
    item: object, where: str, aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise UsageError(f"{where}: expected an object with citations and year")
    keys = list(item)  # JSON object keys are always strings
    columns = find_columns(keys, aliases)
    require(columns, where, "field", keys, aliases)
    return {name: item[keys[index]] for name, index in columns.items()}
