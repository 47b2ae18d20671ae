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
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from scholarcli.errors import UsageError
from scholarcli.indicators.metrics import PaperStats

STDIN = "-"

# Canonical field -> accepted column names, compared folded (see _fold). Publish or
# Perish's CSV export has Cites, Authors, Title, Year, ..., AuthorCount, Age (its
# manual, "Exporting your data"); scholar's own csv/json has citations, year, authors
# and author_position.
_ALIASES: dict[str, tuple[str, ...]] = {
    "citations": ("citations", "cites", "citation_count", "cited_by", "times_cited"),
    "year": ("year", "publication_year", "pub_year"),
    "authors": ("authors", "author", "author_names"),
    "n_authors": ("n_authors", "authors_count", "author_count", "num_authors"),
    "author_position": ("author_position",),
}
REQUIRED = ("citations", "year")
# The csv module's default (128 KiB) is smaller than some abstracts; beyond this a
# field is almost certainly an unclosed quote swallowing the rest of the file.
MAX_FIELD = 64 * 1024 * 1024
_DELIMITERS = (",", "\t", ";")
# Years outside this range are typos or placeholders, not publication years.
_YEARS = range(1000, 10_000)


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


def read_papers(path: str, stdin: BinaryIO | None = None) -> PaperList:
    """Read and parse ``path`` (or ``stdin`` when ``path`` is ``-``)."""
    if path == STDIN:
        if stdin is None:
            raise UsageError("--input - reads standard input, but none is available")
        return parse_papers(stdin.read(), "stdin")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read --input {path}: {exc.strerror or exc}") from None
    return parse_papers(data, Path(path).name)


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
    for where, record in records:
        paper, authors_known = _paper(record, where)
        papers.append(paper)
        if by is not None:
            groups.append(group_value(record.get("group")))
        has_authors |= authors_known
        has_positions |= paper.author_position is not None
    return PaperList(source, papers, has_authors, has_positions, groups if by else None)


def with_group(by: str | None) -> dict[str, tuple[str, ...]]:
    """The column aliases, plus ``group`` for the ``--by`` column when one is named."""
    if by is None:
        return _ALIASES
    if not _fold(by):
        raise UsageError(f"--by {by!r} does not name a column")
    return {**_ALIASES, "group": (by,)}


def group_value(value: object) -> str:
    """A --by cell as a label: the text, stripped; empty or missing is ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a JSON 3.0 and a CSV "3" are the same group
    return str(value).strip()


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


def _fold(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _columns(
    header: Sequence[str], aliases: Mapping[str, tuple[str, ...]] = _ALIASES
) -> dict[str, int]:
    """Canonical field -> index of the first column that names it."""
    folded = [_fold(name) for name in header]
    found: dict[str, int] = {}
    for field_name, names in aliases.items():
        for alias in map(_fold, names):
            if alias in folded:
                found[field_name] = folded.index(alias)
                break
    return found


def _require(
    found: Mapping[str, object],
    where: str,
    kind: str,
    present: Sequence[str],
    aliases: Mapping[str, tuple[str, ...]] = _ALIASES,
) -> None:
    """A clear error when the citations or the year column (or JSON field) is absent."""
    shown = ", ".join(present[:12]) + (", ..." if len(present) > 12 else "")
    if "group" in aliases and "group" not in found:
        raise UsageError(
            f"{where}: no {kind} {aliases['group'][0]!r} to group by (--by); "
            f"found: {shown or 'nothing'}"
        )
    for name in REQUIRED:
        if name not in found:
            raise UsageError(
                f"{where}: no {name} {kind} (accepted names: {', '.join(_ALIASES[name])}); "
                f"found: {shown or 'nothing'}",
                hint="scholar metrics --input needs at least citations and year per paper",
            )


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
    text: str, aliases: Mapping[str, tuple[str, ...]] = _ALIASES
) -> Iterator[tuple[str, dict[str, Any]]]:
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    # The delimiter is the one that makes a header with a citations column.
    delimiter = next((d for d in _DELIMITERS if "citations" in _columns(header_line.split(d))), ",")
    with _field_limit(MAX_FIELD):
        rows = _csv_lines(text, delimiter)
        header_at, header = next(rows, (1, []))
        columns = _columns(header, aliases)
        _require(
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
    text: str, aliases: Mapping[str, tuple[str, ...]] = _ALIASES
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
    text: str, aliases: Mapping[str, tuple[str, ...]] = _ALIASES
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
    text: str, aliases: Mapping[str, tuple[str, ...]] = _ALIASES
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
    item: object, where: str, aliases: Mapping[str, tuple[str, ...]] = _ALIASES
) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise UsageError(f"{where}: expected an object with citations and year")
    keys = list(item)  # JSON object keys are always strings
    columns = _columns(keys, aliases)
    _require(columns, where, "field", keys, aliases)
    return {name: item[keys[index]] for name, index in columns.items()}


# --- one paper ------------------------------------------------------------------------


def _whole(value: object, what: str, where: str, minimum: int) -> int | None:
    """An integer >= minimum from an int, an integral float or a digit string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: float
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        number = math.nan
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            number = math.nan
    else:
        number = value
    if not math.isfinite(number) or number != int(number) or number < minimum:
        raise UsageError(f"{where}: {what} {value!r} is not a whole number >= {minimum}")
    return int(number)


def _year(value: object, where: str) -> int | None:
    try:
        year = _whole(value, "year", where, 0)
    except UsageError:
        raise UsageError(f"{where}: year {value!r} is not a four-digit year") from None
    if year == 0:
        return None  # 0 stands for "no year" in some exports; no paper is from year 0
    if year is not None and year not in _YEARS:
        raise UsageError(f"{where}: year {value!r} is not a four-digit year")
    return year


def _author_names(value: object) -> list[str]:
    if isinstance(value, list):
        # Plain names, or Semantic Scholar's {"authorId": ..., "name": ...} objects.
        names = [item.get("name") if isinstance(item, dict) else item for item in value]
        return [str(name) for name in names if name is not None and str(name).strip()]
    if not isinstance(value, str) or not value.strip():
        return []
    # scholar joins names with "; "; Publish or Perish with ", " ("AW Harzing, R van
    # der Wal"), whose names carry no commas of their own.
    separator = ";" if ";" in value else ","
    return [name.strip() for name in value.split(separator) if name.strip()]


def _paper(record: Mapping[str, Any], where: str) -> tuple[PaperStats, bool]:
    citations = _whole(record.get("citations"), "citations", where, 0)
    if citations is None:
        raise UsageError(f"{where}: the citation count is empty")
    names = _author_names(record.get("authors"))
    # An explicit count wins: Google Scholar data in Publish or Perish cuts long author
    # lists short, while AuthorCount keeps the full number.
    count = _whole(record.get("n_authors"), "author count", where, 0) or len(names) or None
    position = _whole(record.get("author_position"), "author position", where, 1)
    paper = PaperStats(
        citations=citations,
        year=_year(record.get("year"), where),
        n_authors=count,
        author_position=position,
    )
    return paper, count is not None
