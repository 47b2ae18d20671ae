"""``read_table``: read one ``--input`` with the engine that suits it.

* Small inputs (at most ``SMALL_BYTES``), JSON and JSON Lines: the reference parser
  (``reference``), with no pandas, numpy or duckdb imported, so a small file answers
  about as fast as ``scholar --help``.
* Big CSV: DuckDB's reader (``duckdb_csv``) when duckdb is installed, else pandas'
  (``pandas_csv``). Either declines at anything not plainly valid, and the next one
  reads the file: DuckDB, then pandas, then the reference parser, which accepts odd but
  valid input or raises the one-line error naming the line. The metrics are the same
  whichever engine read the file.

See docs/metrics-input.md. It only reads: no metrics, no printing.
"""

from __future__ import annotations

from typing import BinaryIO, Literal

from scholarcli.errors import UsageError
from scholarcli.inputs import duckdb_csv, pandas_csv
from scholarcli.inputs.columns import with_group
from scholarcli.inputs.reference import parse_papers
from scholarcli.inputs.source import DEFAULT_MAX_LINE_BYTES, open_input
from scholarcli.inputs.table import Decline, PaperTable, from_list

Engine = Literal["auto", "duckdb", "pandas", "reference"]
ENGINES: tuple[Engine, ...] = ("auto", "duckdb", "pandas", "reference")
# Below this the reference parser (about 15 us a row) is done before pandas (about
# 0.4 s) could even be imported.
SMALL_BYTES = 2 * 1024 * 1024


def read_table(
    path: str,
    stdin: BinaryIO | None = None,
    by: str | None = None,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    engine: Engine = "auto",
) -> PaperTable:
    """Read ``path`` (``-``: ``stdin``) into a ``PaperTable`` (see the module docstring).

    ``engine`` other than ``auto`` forces the first engine tried (tests compare them);
    the hand-over to the reference parser on ``Decline`` stays.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown input engine {engine!r}")
    aliases = with_group(by)  # a --by that names nothing fails before reading
    with open_input(path, stdin, max_line_bytes) as opened:
        small = 0 <= opened.size <= SMALL_BYTES
        if engine == "reference" or (engine == "auto" and small):
            papers = parse_papers(opened.stream.read(), opened.source, by)
            return PaperTable(
                papers.source,
                None,
                papers.has_authors,
                papers.has_positions,
                by,
                papers=papers,
                engine="reference",
            )
        if engine in ("auto", "duckdb") and duckdb_csv.available():
            try:
                return duckdb_csv.read_file(opened, by, aliases)
            except Decline:
                opened.stream.seek(0)
        try:
            return pandas_csv.read_blocks(opened.stream, opened.source, by, aliases)
        except Decline:
            opened.stream.seek(0)
            return from_list(parse_papers(opened.stream.read(), opened.source, by), by)
