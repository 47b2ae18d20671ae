"""The DuckDB engine of ``metrics --input``: one CSV read by DuckDB's parallel reader.

Used for big CSV files when the ``datasets`` extra (duckdb) is installed. DuckDB reads
every cell as text, so nothing is guessed; the SQL keeps only the columns the metrics
need and checks each value against the rules of ``values`` as a plain pattern (digits
only, a year of four digits or 0, a position of at least 1) and counts the names of an
author list by the rule of ``values.author_names`` (split at ``;`` when there is one,
else at ``,``; a name of whitespace only does not count). The header is read here, in
Python, by ``columns.find_columns``, so every engine picks the same columns.

Anything not plainly valid (a row with too few or too many fields, a quote left open,
bytes that are not UTF-8, a value such as `` 12`` or ``1,234`` that the rules accept
but the pattern does not, an empty citation count, a line above the cap) raises
``Decline``: the caller reads the file with the pandas engine or the reference parser,
which accept it or word the error naming the line. So this engine, like the pandas
one, can only be faster, never more lenient.

It only parses: no network, no cache, no metrics, no printing; duckdb, numpy and
pandas are imported inside functions.
"""

from __future__ import annotations

import codecs
import csv
import importlib.util
from typing import TYPE_CHECKING, Any

from scholarcli.inputs.columns import csv_delimiter, find_columns, group_value, has_required
from scholarcli.inputs.table import Decline, PaperTable

if TYPE_CHECKING:
    from scholarcli.inputs.source import Opened

# The characters str.isspace() accepts, as an RE2 class: a name made only of these is
# blank for values.author_names (DuckDB's trim() removes spaces only).
_WHITESPACE = (
    r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)
# A cell whose names need the exact rule: a separator beside another or at an end
# (spaces aside), or whitespace other than a space.
_DOUBTFUL = r"(^|[;,]) *([;,]|$)|" + _WHITESPACE
# At most 15 digits: every such number is exact in the float the reference parser reads.
_COUNT = "[0-9]{1,15}"
_HEAD = 1024 * 1024  # bytes read to find the header line
_DUCKDB_LINE = 2 * 1024 * 1024


def available() -> bool:
    """Whether duckdb can be imported (the ``datasets`` extra)."""
    return importlib.util.find_spec("duckdb") is not None


def _header(opened: Opened) -> tuple[str, list[str], int]:
    """The delimiter, the header cells and the blank lines before the header, or
    ``Decline`` for anything unusual."""
    head = opened.stream.read(_HEAD)
    opened.stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    # Blank lines before the header are skipped, as the reference parser skips them;
    # a lone carriage return is a line end to DuckDB but not to this count: decline.
    body = head.lstrip(b"\r\n")
    blank = head[: len(head) - len(body)]
    if blank.count(b"\r") > blank.count(b"\r\n"):
        raise Decline
    line, newline, _ = body.partition(b"\n")
    # JSON, a blank first line, a header spanning lines or longer than _HEAD, not UTF-8:
    # the other engines handle (or word) these.
    if not newline or not line.strip() or line.lstrip()[:1] in (b"[", b"{") or b'"' in line:
        raise Decline
    try:
        text = line.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        raise Decline from None
    delimiter = csv_delimiter(text)
    header = next(csv.reader([text], delimiter=delimiter, strict=True))
    return delimiter, header, blank.count(b"\n")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select(columns: dict[str, int]) -> str:
    """The SQL columns of one row: values, NaN for unknown, and ``bad`` (not plain)."""

    def cell(name: str) -> str:
        return f"c{columns[name]}" if name in columns else "NULL::VARCHAR"

    cit, year, count, position = (
        cell(name) for name in ("citations", "year", "n_authors", "author_position")
    )
    authors = cell("authors")
    # Most cells are plain ("A; B; C"): their count is the separators plus one. A cell
    # where a name could be blank (a separator next to another or at either end,
    # spaces aside) or with whitespace other than a space gets the rule itself.
    separator = f"CASE WHEN contains({authors}, ';') THEN ';' ELSE ',' END"
    simple = f"length({authors}) - length(replace({authors}, {separator}, '')) + 1"
    exact = (
        f"nullif(len(list_filter(string_split(regexp_replace({authors}, {_quote(_WHITESPACE)}, "
        f"' ', 'g'), {separator}), lambda x: trim(x) <> '')), 0)"
    )
    names = (
        f"CASE WHEN regexp_matches({authors}, {_quote(_DOUBTFUL)}) THEN {exact} ELSE {simple} END"
    )
    year_value = f"TRY_CAST({year} AS INTEGER)"
    bad = (
        f"({cit} IS NULL OR NOT regexp_full_match({cit}, '{_COUNT}'))"
        f" OR ({year} IS NOT NULL AND NOT (regexp_full_match({year}, '[0-9]{{1,4}}')"
        f" AND ({year_value} = 0 OR {year_value} >= 1000)))"
        f" OR ({count} IS NOT NULL AND NOT regexp_full_match({count}, '{_COUNT}'))"
        f" OR ({position} IS NOT NULL AND NOT (regexp_full_match({position}, '{_COUNT}')"
        f" AND TRY_CAST({position} AS BIGINT) >= 1))"
    )
    listed = f"coalesce(nullif(TRY_CAST({count} AS BIGINT), 0), {names})"
    group = f"{cell('group')} AS grp, " if "group" in columns else ""
    return (
        f"coalesce(TRY_CAST({cit} AS BIGINT), 0) AS citations, "
        f"coalesce(CAST(nullif({year_value}, 0) AS DOUBLE), 'NaN'::DOUBLE) AS year, "
        f"coalesce(CAST({listed} AS DOUBLE), 'NaN'::DOUBLE) AS n_authors, "
        f"coalesce(CAST(TRY_CAST({position} AS BIGINT) AS DOUBLE), 'NaN'::DOUBLE) "
        f"AS author_position, {group}{bad} AS bad"
    )


def read_file(opened: Opened, by: str | None, aliases: dict[str, tuple[str, ...]]) -> PaperTable:
    """The papers of the CSV file ``opened.path``, or ``Decline``."""
    import duckdb
    import numpy as np
    import pandas as pd

    delimiter, header, skip = _header(opened)
    columns = find_columns(header, aliases)
    if not has_required(columns, aliases):
        raise Decline  # the reference parser words the error
    names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    # DuckDB's read buffer is 16 lines of max_line_size: keep its own cap at 2 MiB (its
    # default) and let a longer line decline to the pandas engine, which allows up to
    # --max-line-bytes and words the error when even that is exceeded.
    line_cap = min(opened.stream.max_line_bytes, _DUCKDB_LINE) + 2
    reader = (
        f"read_csv({_quote(opened.path)}, header=true, skip={skip}, auto_detect=false, "
        f"columns={{{names}}}, delim={_quote(delimiter)}, quote='\"', escape='\"', "
        f"strict_mode=true, null_padding=false, max_line_size={line_cap})"
    )
    # Built from generated column names (c0, c1, ...) and the quoted path only.
    select = f"SELECT {_select(columns)} FROM {reader}"  # noqa: S608
    con = duckdb.connect(config={"threads": 2})
    try:
        if by is None:  # one pass: the rows straight into numpy
            data: dict[str, Any] = con.execute(select).fetchnumpy()
        else:  # the groups need a second look at the rows: keep them in a table
            con.execute(f"CREATE TEMP TABLE papers AS {select}")
            data = con.execute("SELECT * EXCLUDE (grp) FROM papers").fetchnumpy()
        if np.asarray(data["bad"], dtype=bool).any():
            raise Decline
        frame = pd.DataFrame(
            {
                "citations": np.asarray(data["citations"], dtype=np.int64),
                **{
                    name: np.asarray(data[name], dtype=np.float64)
                    for name in ("year", "n_authors", "author_position")
                },
            }
        )
        if by is not None:
            frame["group"] = _groups(con)
    except duckdb.Error:
        raise Decline from None
    finally:
        con.close()
    known_authors = bool(frame["n_authors"].notna().any())
    known_positions = bool(frame["author_position"].notna().any())
    return PaperTable(
        opened.source,
        frame,
        bool(known_authors),
        bool(known_positions),
        by,
        engine="duckdb",
    )


def _groups(con: Any) -> Any:
    """The --by labels per row as a categorical, in order of first appearance.

    Labels are stripped by ``columns.group_value`` (str.strip, every Unicode space) on
    the distinct raw values only, not on every row.
    """
    import numpy as np
    import pandas as pd

    con.execute(
        "CREATE TEMP TABLE raw_groups AS SELECT grp, "
        "row_number() OVER (ORDER BY first) - 1 AS code FROM "
        "(SELECT grp, min(rowid) AS first FROM papers GROUP BY grp)"
    )
    distinct = con.execute("SELECT grp FROM raw_groups ORDER BY code").fetchall()
    labels: list[str] = []
    code_of: dict[str, int] = {}
    merged = np.empty(len(distinct), dtype=np.int64)  # raw code -> code of its label
    for raw_code, (raw,) in enumerate(distinct):
        label = group_value(raw)
        merged[raw_code] = code_of.setdefault(label, len(labels))
        if merged[raw_code] == len(labels):
            labels.append(label)
    raw_codes = con.execute(
        "SELECT r.code FROM papers AS p JOIN raw_groups AS r "
        "ON p.grp IS NOT DISTINCT FROM r.grp ORDER BY p.rowid"
    ).fetchnumpy()["code"]
    codes = merged[np.asarray(raw_codes, dtype=np.int64)]
    return pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object))
