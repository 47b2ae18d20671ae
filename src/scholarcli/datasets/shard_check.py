"""Checks a gzip shard is whole and not a decompression bomb, before an engine reads it.

DuckDB and Spark decompress shards themselves and report a broken one as an
unexplained engine error (DuckDB's ``IOException``), and a small file that expands to
gigabytes of tiny lines keeps them busy for as long as it lasts. This module streams
each file through zlib once, counting the bytes it expands to and stopping as soon as
they pass ``max_ratio`` times the file's size (and 16 MiB, which any file may reach),
so a bomb is refused after reading at most that much. Every gzip member of a file is
followed (S2's shards may be concatenated members). The limit and its option are
described in docs/configuration.md ("Limits").

It must not parse records, write anything or know an engine.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scholarcli.errors import UsageError

# Newline-delimited JSON records compress 4-10x (S2's papers shards about 5x); 100
# leaves room for very repetitive data and still stops a bomb (the 6 MB file of
# issue #21 expands 1,400x) after 100 times its size.
DEFAULT_MAX_RATIO = 100.0
READ_CHUNK = 1 << 20
OUT_CHUNK = 4 << 20  # at most this much decompressed output is held at once
GZIP = 16 + zlib.MAX_WBITS
# Any file may expand to this much, whatever its ratio: small files of repetitive
# records (a week's diff of one field) compress far better than 100x and are harmless.
FREE_BYTES = 16 << 20


def check_shard(path: Path, max_ratio: float, shown: str) -> int:
    """The decompressed size of the gzip file ``path``; ``UsageError`` if it is broken,
    not gzip, or expands more than ``max_ratio`` times. ``shown`` names it in errors."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(f"cannot read the shard {shown}: {exc.strerror or exc}") from None
    limit = max(max_ratio * size, FREE_BYTES)
    state = {"expanded": 0, "started": False}
    inflater = zlib.decompressobj(GZIP)

    def feed(pending: bytes) -> None:
        nonlocal inflater
        # Also called with b"" at the end: zlib may still hold output it had no room for.
        while True:
            if inflater.eof and pending:  # the next gzip member of a concatenated file
                inflater = zlib.decompressobj(GZIP)
            state["started"] = state["started"] or bool(pending)
            out = inflater.decompress(pending, OUT_CHUNK)
            state["expanded"] += len(out)
            if state["expanded"] > limit:
                raise UsageError(
                    f"the shard {shown} expands more than {max_ratio:g} times its "
                    f"size ({size:,} bytes; stopped after {state['expanded']:,}); refused as a "
                    "likely decompression bomb",
                    hint="if the file is genuine, raise the limit with --max-ratio",
                )
            pending = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")
            if not pending and (not out or inflater.eof):
                return

    try:
        with path.open("rb") as handle:
            while block := handle.read(READ_CHUNK):
                feed(block)
        feed(b"")
    except zlib.error as exc:
        raise UsageError(
            f"the shard {shown} is not a readable gzip file ({exc})",
            hint="delete it and download it again (scholar datasets download)",
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read the shard {shown}: {exc.strerror or exc}") from None
    if not state["started"] or not inflater.eof:
        what = "is empty" if not state["started"] else "ends in the middle of its gzip stream"
        raise UsageError(
            f"the shard {shown} {what} (an incomplete download?)",
            hint="delete it and download it again (scholar datasets download)",
        )
    expanded = int(state["expanded"])
    return expanded


def check_shards(files: Sequence[Path], root: Path, max_ratio: float) -> None:
    """Check every file (a few at a time: zlib runs outside the GIL); first error wins."""
    if max_ratio <= 0:
        raise UsageError(f"--max-ratio must be positive, not {max_ratio:g}")

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    with ThreadPoolExecutor(max_workers=min(4, max(1, len(files)))) as pool:
        for _ in pool.map(lambda p: check_shard(p, max_ratio, shown(p)), files):
            pass
