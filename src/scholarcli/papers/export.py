"""``scholar export``: an author's papers, or a list of refs, as BibTeX, RIS or CSL-JSON.

An author's papers come through exactly the path of ``scholar author`` (``profile.sync``:
the same name resolution, ``--id`` merging, cache, ``--max-age``, ``--refresh`` and
``--offline``, and the same arXiv enrichment), then become paper records
(``records.profile_paper_record``) for the pure formatters (``formats``). Lists of refs go through
``papers.lookup`` (``scholar paper``'s lookup) in the command.

Also here: reading a refs file and writing the export atomically (a temporary file in
the target's folder, then a rename), so an interrupted export never leaves half a
.bib where a good one was. It must not parse options or print: it reports through the
context's reporter and returns records.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import UsageError
from scholarcli.papers.records import profile_paper_record as paper_record


@dataclass
class AuthorRecords:
    """An author's papers as records, newest first; ``complete`` is False when arXiv
    failed (categories and dates may be missing)."""

    name: str
    ids: list[str]
    records: list[dict[str, Any]]
    complete: bool = True


def author_records(
    ctx: Context,
    name: str | None,
    ids: list[str],
    *,
    fresh: Freshness,
    as_of: date,
    source: str | None = None,
) -> AuthorRecords:
    """The person's papers (cached, fetched when stale) as paper records.

    The papers are those ``builder.build_profile`` counts (curated, arXiv-enriched).
    """
    from scholarcli.profile import builder

    request = builder.ProfileRequest(
        name, tuple(ids), as_of=as_of, fresh=fresh, purpose="exporting"
    )
    view = builder.build_profile(builder.profile_source(source, ctx), request)
    papers = list(view.records)
    complete = view.complete
    arxiv = arxiv_cache.load_arxiv(ctx.store, [p.arxiv_id for p in papers if p.arxiv_id])
    if builder.is_openalex(source):
        from scholarcli.papers.openalex_papers import record as openalex_record

        records = [openalex_record(p, as_of.year) for p in papers]
    else:
        records = [
            paper_record(p, arxiv.get(p.arxiv_id) if p.arxiv_id else None, as_of.year)
            for p in papers
        ]
    # Newest first, then by id: the same papers always give the same file.
    records.sort(key=lambda r: (r["date"] or str(r["year"] or ""), r["paper_id"]), reverse=True)
    return AuthorRecords(view.profile.name, view.profile.ids, records, complete)


def export_format(requested: str | None, output: str | None) -> str:
    """``-f`` when given, else what ``-o``'s extension names (.bib, .ris, .json), else
    BibTeX."""
    from scholarcli.papers.formats import SUFFIXES

    if requested:
        return requested
    return SUFFIXES.get(Path(output).suffix.lower(), "bibtex") if output else "bibtex"


def write_stdout(text: str) -> None:
    """The export on stdout as UTF-8 whatever the locale (every format here is UTF-8)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


MAX_REF_LENGTH = 2000


def parse_refs(text: str) -> list[str]:
    """One ref a line; blank lines and ``#`` comments skipped, duplicates kept once."""
    refs = []
    for number, line in enumerate(text.splitlines(), start=1):
        ref = line.strip()
        if not ref or ref.startswith("#"):
            continue
        if len(ref) > MAX_REF_LENGTH:
            raise UsageError(f"line {number}: a ref longer than {MAX_REF_LENGTH} characters")
        refs.append(ref)
    return list(dict.fromkeys(refs))


def read_refs(path: str, stdin: BinaryIO | None = None) -> list[str]:
    """The refs of ``path`` (``-``: ``stdin``), one a line, UTF-8 with or without a BOM."""
    try:
        if path == "-":
            if stdin is None:
                raise UsageError("--papers - reads standard input, but none is available")
            if stdin.isatty():
                raise UsageError(
                    "--papers - reads refs from standard input, which is a terminal",
                    hint="pipe them in, e.g. scholar search QUERY --ids-only | scholar export "
                    "--papers -",
                )
            data = stdin.read()
        else:
            data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read --papers {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"--papers {path} is not UTF-8 text") from None
    refs = parse_refs(text)
    if not refs:
        raise UsageError(
            f"--papers {path} holds no refs",
            hint="one paper id, DOI, arXiv id, URL or title a line",
        )
    return refs


def write_atomic(path: Path, content: str) -> None:
    """Write ``content`` (UTF-8) to ``path`` through a temporary file and a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"-o {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise UsageError(f"-o {path}: is a folder")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # Keep an existing file's permissions; a new one gets the usual 0644 less umask.
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
