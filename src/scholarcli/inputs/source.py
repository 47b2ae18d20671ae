"""Open an ``--input`` file or standard input, with every line's length capped.

A file claiming one line of gigabytes (no newline, or a stream that never ends) would
otherwise grow memory, or the spool of standard input, without limit. Every byte an
engine reads passes through ``CappedReader``, which counts lines as it goes and stops
at the first line longer than ``max_line_bytes`` (default ``DEFAULT_MAX_LINE_BYTES``,
raised with ``--max-line-bytes``) with a one-line ``UsageError`` (exit 2) naming the
file and the line. Standard input is spooled through the same check into a temporary
file, so an engine may read it twice or hand its path to DuckDB.

The cap is on physical lines (bytes between two newlines), the same for CSV, JSON
Lines and JSON; see docs/metrics-input.md.

It only opens and counts: no parsing, no printing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from scholarcli.errors import UsageError

STDIN = "-"
# Well above any real paper record (a row of scholar's CSV with a long abstract is a
# few KiB; a 1,000-author list tens of KiB) and above the reference parser's 64 MiB
# field limit, so the cap only ever stops input that is not a list of records.
DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
MIN_MAX_LINE_BYTES = 1024
_CHUNK = 1024 * 1024


def check_cap(max_line_bytes: int) -> int:
    """The cap itself, refused below ``MIN_MAX_LINE_BYTES`` (a header line needs room)."""
    if max_line_bytes < MIN_MAX_LINE_BYTES:
        raise UsageError(
            f"--max-line-bytes {max_line_bytes} is too small: at least {MIN_MAX_LINE_BYTES}"
        )
    return max_line_bytes


def line_too_long(source: str, line: int, max_line_bytes: int) -> UsageError:
    """The error for line ``line`` (1-based) of ``source`` exceeding the cap."""
    return UsageError(
        f"{source} line {line}: longer than {max_line_bytes:,} bytes (--max-line-bytes); "
        "this is not a file of CSV or JSON Lines records",
        hint=f"if the line is meant to be this long, raise it: --max-line-bytes "
        f"{max_line_bytes * 4}",
    )


class CappedReader:
    """A binary stream read through the line-length check (see the module docstring).

    ``read`` returns what the underlying stream returns, after checking it; ``seek(0)``
    starts the count again. ``lines`` is the number of newlines read so far.
    """

    def __init__(self, raw: IO[bytes], source: str, max_line_bytes: int) -> None:
        self.raw = raw
        self.source = source
        self.max_line_bytes = max_line_bytes
        self.lines = 0
        self._run = 0  # bytes since the last newline

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self._check(data)
        return data

    def seek(self, offset: int) -> None:
        if offset != 0:
            raise ValueError("a CappedReader only seeks back to the start")
        self.raw.seek(0)
        self.lines = self._run = 0

    def _check(self, data: bytes) -> None:
        # Slices no longer than the cap: a line inside a slice is shorter than the cap,
        # so only the run into each slice's first newline and the run after its last
        # need counting, and the work per slice is a few C calls, not one per line.
        step = min(self.max_line_bytes, _CHUNK)
        for start in range(0, len(data), step):
            piece = data[start : start + step]
            first = piece.find(b"\n")
            if first < 0:
                self._run += len(piece)
            elif self._run + first > self.max_line_bytes:
                break
            else:
                self.lines += piece.count(b"\n")
                self._run = len(piece) - piece.rfind(b"\n") - 1
            if self._run > self.max_line_bytes:
                break
        else:
            return
        raise line_too_long(self.source, self.lines + 1, self.max_line_bytes)


@dataclass
class Opened:
    """An input ready to read: ``stream`` checks lines; ``path`` is a real file
    (a spool for standard input) for engines that open it themselves; ``size`` bytes."""

    stream: CappedReader
    source: str
    path: str
    size: int


@contextmanager
def open_input(
    path: str, stdin: BinaryIO | None, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Opened]:
    """Open ``path`` (``-``: spool ``stdin`` to a temporary file first)."""
    with ExitStack() as stack:
        if path == STDIN:
            if stdin is None:
                raise UsageError("--input - reads standard input, but none is available")
            source, raw = "stdin", stdin
        else:
            try:
                raw = stack.enter_context(Path(path).open("rb"))
            except OSError as exc:
                raise UsageError(f"cannot read --input {path}: {exc.strerror or exc}") from None
            source = Path(path).name
            if Path(path).is_file():
                stream = CappedReader(raw, source, max_line_bytes)
                yield Opened(stream, source, path, Path(path).stat().st_size)
                return
        # Standard input, a pipe or a process substitution: read once, so spool it
        # (through the check, so a stream that never ends stops at the cap).
        spool = stack.enter_context(tempfile.NamedTemporaryFile(prefix="scholar-input-"))
        checked = CappedReader(raw, source, max_line_bytes)
        while chunk := checked.read(_CHUNK):
            spool.write(chunk)
        spool.flush()
        spool.seek(0)
        stream = CappedReader(spool, source, max_line_bytes)
        yield Opened(stream, source, spool.name, Path(spool.name).stat().st_size)
