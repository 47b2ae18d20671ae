"""The pandas engine of ``metrics --input``: a CSV read in blocks by pandas' C reader.

Used for big CSV files when DuckDB is not installed (or declines). The file is read in
blocks of ``BLOCK`` bytes, each cut at the last record boundary and handed to pandas'
C CSV reader, which keeps only the columns the metrics need (citations, year, author
count or list, position and the ``--by`` column). Memory is one block plus the small
numeric columns of the whole file; the text of the file is never held at once.

The rules stay those of ``columns`` and ``values`` (accepted column names, delimiters,
what a valid value is). This engine checks them with vectorised tests and, at the first
thing it does not accept as plainly valid (a short or long row, an unclosed quote, a
value that is not a plain number, bytes that are not UTF-8, a UTF-16 file, JSON),
raises ``Decline``: the caller hands the whole input to ``reference.parse_papers``,
which either accepts it (odd but valid input) or raises the one-line error naming the
line. So the engine can only be faster, never more lenient.

It only parses: no network, no cache, no metrics, no printing; pandas and numpy are
imported inside functions.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from scholarcli.inputs.columns import csv_delimiter, find_columns, has_required
from scholarcli.inputs.table import Decline, PaperTable, Readable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

BLOCK = 8 * 1024 * 1024  # bytes per block handed to pandas
# A record (lines joined by a quoted field) beyond this is a quote left open.
MAX_RECORD = 64 * 1024 * 1024
_QUOTE, _NEWLINE = ord('"'), ord("\n")


def _byte_table(members: bytes) -> Any:
    import numpy as np

    table = np.zeros(256, dtype=bool)
    table[list(members)] = True
    return table


# ASCII whitespace as str.strip() sees it, newline aside (it separates cells below).
_SPACE_BYTES = b" \t\x0b\x0c\r\x1c\x1d\x1e\x1f"


# --- the fast path -----------------------------------------------------------------------


def read_blocks(
    stream: Readable, source: str, by: str | None, aliases: dict[str, tuple[str, ...]]
) -> PaperTable:
    """The papers of a CSV stream, or ``Decline`` (see the module docstring)."""
    import pandas as pd

    blocks = _blocks(stream)
    first = next(blocks, b"")
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Decline
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    # Blocks are megabytes: test them without copying (strip() would copy each one).
    if _blank(first) or first.lstrip()[:1] in (b"[", b"{"):
        raise Decline  # empty (the reference parser words it) or JSON
    header_line, first = _split_header(first)
    delimiter, header, columns = _header(header_line, aliases)
    parts: list[pd.DataFrame] = []
    for block in _chain(first, blocks):
        _check_fields(block, delimiter, len(header))
        parts.append(_parse_block(block, delimiter, columns))
    if not parts:  # a header alone: no papers
        empty = pd.DataFrame({i: pd.Series([], dtype=object) for i in set(columns.values())})
        parts.append(_values(empty, columns))
    groups = [part.pop("group") for part in parts] if by is not None else []
    frame = pd.concat(parts, ignore_index=True)
    if by is not None:
        # Blocks have their own categories; their union keeps the column small.
        union = pd.api.types.union_categoricals([g.array for g in groups], ignore_order=True)
        frame["group"] = pd.Series(union, index=frame.index)
    has_authors = bool(frame.pop("_authors_known").any())
    has_positions = bool(frame["author_position"].notna().any())
    return PaperTable(source, frame, has_authors, has_positions, by, engine="pandas")


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if not _blank(first):
        yield first
    for block in rest:
        if not _blank(block):
            yield block


def _blank(block: bytes) -> bool:
    return not block or block.isspace()


def _blocks(stream: Readable) -> Iterator[bytes]:
    """Blocks of whole records: each ends just after a newline outside quotes."""
    carry = b""
    while True:
        data = stream.read(BLOCK)
        if not data:
            if carry:
                yield carry
            return
        data = carry + data
        cut = data.rfind(b"\n")
        # A newline is outside quotes when an even number of quotes precede it.
        while cut >= 0 and data.count(b'"', 0, cut) % 2:
            cut = data.rfind(b"\n", 0, cut)
        if cut < 0:
            if len(data) > MAX_RECORD:
                raise Decline  # a quote left open: the reference parser words it
            carry = data
            continue
        yield data[: cut + 1]
        carry = data[cut + 1 :]


def _split_header(block: bytes) -> tuple[str, bytes]:
    """(the header line, the rest); blank lines before the header are skipped."""
    text = block.lstrip(b"\r\n")
    line, _, rest = text.partition(b"\n")
    if line.count(b'"') % 2:
        raise Decline  # a header spanning lines
    try:
        return line.decode("utf-8").rstrip("\r"), rest
    except UnicodeDecodeError:
        raise Decline from None


def _header(
    line: str, aliases: dict[str, tuple[str, ...]]
) -> tuple[str, list[str], dict[str, int]]:
    """The delimiter (``columns.csv_delimiter``), the header cells and the used columns."""
    delimiter = csv_delimiter(line)
    try:
        header = next(csv.reader([line], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        raise Decline from None
    columns = find_columns(header, aliases)
    if not has_required(columns, aliases):
        raise Decline  # the reference parser words the error
    return delimiter, header, columns


def _outside_quotes(raw: npt.NDArray[np.uint8], byte: int) -> npt.NDArray[np.intp]:
    """Positions of ``byte`` with an even number of quotes before them."""
    import numpy as np

    found = np.flatnonzero(raw == byte)
    quotes = np.flatnonzero(raw == _QUOTE)
    if len(quotes) == 0:
        return found
    even: npt.NDArray[np.intp] = found[np.searchsorted(quotes, found) % 2 == 0]
    return even


def _check_fields(block: bytes, delimiter: str, expected: int) -> None:
    """Every non-blank record of the block has as many fields as the header.

    Quotes are counted, not parsed: a delimiter or newline is structural when an even
    number of quotes precede it (a doubled quote inside a field adds two). So quoted
    text is the spans from each even-numbered quote to the next one, and a record's
    fields are its delimiters, less those in such spans, plus one.
    """
    import numpy as np

    raw = np.frombuffer(block, dtype=np.uint8)
    ends = _outside_quotes(raw, _NEWLINE)
    if len(ends) == 0 or ends[-1] != len(raw) - 1:
        ends = np.append(ends, len(raw))  # the last record of the file may lack a newline
    starts = np.concatenate(([0], ends[:-1] + 1))
    delimiters = np.flatnonzero(raw == ord(delimiter))
    fields = np.diff(np.searchsorted(delimiters, ends), prepend=0) + 1
    quotes = np.flatnonzero(raw == _QUOTE)
    if len(quotes):
        opens, closes = quotes[0::2], quotes[1::2]
        if len(closes) < len(opens):
            raise Decline  # a quote left open: the reference parser words it
        quoted = np.searchsorted(delimiters, closes) - np.searchsorted(delimiters, opens)
        record = np.searchsorted(ends, opens)
        fields -= np.bincount(record, weights=quoted, minlength=len(ends)).astype(np.int64)
    lengths = ends - starts
    carriage = (lengths > 0) & (raw[np.maximum(ends - 1, 0)] == ord("\r"))
    blank = (lengths - carriage) == 0  # pandas skips these, as the reference parser does
    if ((fields != expected) & ~blank).any():
        raise Decline


def _parse_block(block: bytes, delimiter: str, columns: dict[str, int]) -> pd.DataFrame:
    import pandas as pd

    wanted = sorted(set(columns.values()))
    text_columns = {columns[name] for name in ("authors", "group") if name in columns}
    try:
        cells = pd.read_csv(
            io.BytesIO(block),
            sep=delimiter,
            header=None,
            usecols=wanted,
            dtype={index: object for index in text_columns},
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8",
            engine="c",
            skip_blank_lines=True,
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        raise Decline from None
    return _values(cells, columns)


def _values(cells: pd.DataFrame, columns: dict[str, int]) -> pd.DataFrame:
    """The checked numeric columns of one block (``Decline`` on anything doubtful)."""
    import numpy as np
    import pandas as pd

    def cell(name: str) -> pd.Series[Any] | None:
        return cells[columns[name]] if name in columns else None

    rows = len(cells)
    citations = _whole(cell("citations"), 0, rows)
    if np.isnan(citations).any():
        raise Decline  # an empty citation count is an error the reference parser words
    year = _whole(cell("year"), 0, rows)
    year[year == 0] = np.nan  # 0 stands for "no year"
    if ((year < 1000) | (year > 9999)).any():
        raise Decline
    count = _whole(cell("n_authors"), 0, rows)
    count[count == 0] = np.nan  # 0 is "not given": the list decides, as in values.paper
    names = _name_counts(cell("authors"), np.isnan(count))
    count = np.where(np.isnan(count), names, count)
    frame = pd.DataFrame(
        {
            "citations": citations.astype(np.int64),
            "year": year,
            "n_authors": count,
            "author_position": _whole(cell("author_position"), 1, rows),
            "_authors_known": ~np.isnan(count),
        }
    )
    group = cell("group")
    if group is not None:
        frame["group"] = _stripped_categories(group.fillna("").astype("category"))
    return frame


def _whole(values: pd.Series[Any] | None, minimum: int, rows: int) -> npt.NDArray[np.float64]:
    """Whole numbers >= minimum as a new float64 array (NaN: empty or no such column);
    ``Decline`` if any value is not one."""
    import numpy as np
    import pandas as pd

    if values is None:
        return np.full(rows, np.nan)
    if pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype):
        cleaned = values.astype(str).str.strip().str.replace(r"[,_]", "", regex=True)
        numbers = pd.to_numeric(cleaned.where(values.notna()), errors="coerce")
        if (numbers.isna() & values.notna()).any():
            raise Decline
        values = numbers
    elif not (
        pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_float_dtype(values.dtype)
    ) or pd.api.types.is_bool_dtype(values.dtype):
        raise Decline
    array = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    known = array[~np.isnan(array)]
    if not np.isfinite(known).all() or (known != np.floor(known)).any() or (known < minimum).any():
        raise Decline
    return array


def _name_counts(values: pd.Series[Any] | None, needed: npt.NDArray[np.bool_]) -> Any:
    """The number of names in each author list cell (NaN: empty), where ``needed``.

    As ``values.author_names``: names are split at ";" when the cell has one, else at
    ","; blank names do not count. The separators of all cells are counted at once on
    their UTF-8 bytes; a cell where that might differ from the rule (a separator next
    to another, or at either end, ignoring spaces; a byte that may start non-ASCII
    whitespace) is counted by ``_names``, the rule itself.
    """
    import numpy as np

    counts = np.full(len(needed), np.nan)
    if values is None:
        return counts
    where = np.flatnonzero(needed)
    texts = [t if isinstance(t, str) else "" for t in values.to_numpy(dtype=object)[where]]
    joined = "\n".join(texts)
    if len(texts) == 0 or joined.count("\n") != len(texts) - 1:  # a cell with a newline
        counts[where] = [_names(text) for text in texts]
        return counts
    space, boundary = _tables()
    # Cell k is raw[starts[k] + 1:starts[k + 1]], between two newlines.
    raw = np.frombuffer(b"\n" + joined.encode("utf-8") + b"\n", dtype=np.uint8)
    starts = np.flatnonzero(raw == _NEWLINE)
    cells = len(texts)

    def cell_of(positions: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        return np.searchsorted(starts, positions, side="right") - 1

    semis = np.flatnonzero(raw == ord(";"))
    commas = np.flatnonzero(raw == ord(","))
    separators = np.concatenate((semis, commas))
    # Beside each separator, the nearest byte that is not a space (up to two away; a
    # longer run of spaces makes the cell suspicious anyway).
    after, before = raw[separators + 1], raw[separators - 1]
    after = np.where(space[after], raw[np.minimum(separators + 2, len(raw) - 1)], after)
    before = np.where(space[before], raw[separators - 2], before)
    odd = boundary[after] | boundary[before] | space[after] | space[before]
    lengths = np.diff(starts) - 1
    suspicious = np.zeros(cells + 1, dtype=bool)
    suspicious[cell_of(separators[odd])] = True
    # A cell that starts with a space may be blank; a byte that may start a non-ASCII
    # space (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000) needs the rule as well.
    suspicious[:cells] |= (lengths > 0) & space[raw[np.minimum(starts[:-1] + 1, len(raw) - 1)]]
    high = np.flatnonzero(raw >= 0xC2)
    suspicious[cell_of(high[np.isin(raw[high], (0xC2, 0xE1, 0xE2, 0xE3))])] = True
    per_semi = np.bincount(cell_of(semis), minlength=cells + 1)[:cells]
    per_comma = np.bincount(cell_of(commas), minlength=cells + 1)[:cells]
    found = np.where(lengths > 0, np.where(per_semi > 0, per_semi, per_comma) + 1.0, np.nan)
    for index in np.flatnonzero(suspicious[:cells]):
        found[index] = _names(texts[index])
    counts[where] = found
    return counts


def _tables() -> tuple[Any, Any]:
    """Byte tables: ASCII whitespace; a cell boundary (newline) or a separator."""
    global _TABLES
    if _TABLES is None:
        _TABLES = (_byte_table(_SPACE_BYTES), _byte_table(b"\n;,"))
    return _TABLES


_TABLES: tuple[Any, Any] | None = None


def _names(text: str) -> float:
    """The rule of ``values.author_names``, for one cell."""
    if not text.strip():
        return float("nan")
    separator = ";" if ";" in text else ","
    return sum(1 for name in text.split(separator) if name.strip()) or float("nan")


def _stripped_categories(groups: pd.Series[Any]) -> pd.Series[Any]:
    """The categories' text stripped (few values, not one per row); equal ones merge."""
    categories = [str(value) for value in groups.cat.categories.tolist()]
    stripped = [value.strip() for value in categories]
    if stripped == categories:
        return groups
    if len(set(stripped)) == len(stripped):
        return groups.cat.rename_categories(stripped)
    return groups.astype(object).map(lambda value: str(value).strip()).astype("category")
