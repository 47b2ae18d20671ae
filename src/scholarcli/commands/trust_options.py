"""Options of issue 18 shared by several commands: self-citations, intervals, provenance.

Defined once so ``author``, ``metrics``, ``compare``, ``report`` and ``track`` say the
same thing (docs/responsible-use.md explains each).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

SelfCitationsOption = Annotated[
    bool,
    typer.Option(
        "--self-citations",
        help="Count self-citations (the person among the citing paper's authors) and "
        "co-author self-citations, and the metrics without them; costs about one request "
        "per 9,999 citations once, then answers from the cache.",
    ),
]
IntervalsOption = Annotated[
    bool,
    typer.Option(
        "--intervals",
        help="Add 95% stability intervals to the h-index, Impact, Novelty and PP(top 10%) "
        "(1,000 bootstrap resamples of the papers, seed 18).",
    ),
]
# A plain string, parsed by commands.params like every option (no pydantic on the warm path).
ProvenanceOption = Annotated[
    str | None,
    typer.Option(
        "--provenance",
        metavar="FILE",
        help="Also write where every number came from (json) to FILE, beside any format.",
        show_default=False,
    ),
]


def write_provenance(file: str | None, record: dict[str, Any] | None) -> None:
    """Write the provenance object to ``file`` as indented json (nothing when no file)."""
    import json

    from scholarcli.errors import UsageError

    if file is None or record is None:
        return
    path = Path(file).expanduser()
    text = json.dumps(record, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--provenance {path}: cannot write it ({exc.strerror or exc})") from None
