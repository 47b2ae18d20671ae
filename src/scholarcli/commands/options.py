"""The option bundles commands share, each defined once here.

* output: ``-f/--format``, ``--as-of``;
* person: ``NAME`` and ``--id`` (repeat to merge profiles);
* freshness: ``--max-age``, ``--refresh``, ``--offline``, turned into one
  ``core.Freshness`` by ``freshness()`` (which also refuses ``--refresh --offline``);
* curation: ``--exclude``, ``--include``, ``--merge``, turned into ``Edits`` by ``edits()``;
* ``--source`` and ``--citations-by-year`` of the profile commands;
* ``--ids-only`` and ``--abstracts`` of the paper commands;
* trust (docs/responsible-use.md): ``--self-citations``, ``--intervals``, and
  ``--provenance FILE`` written by ``write_provenance()``.

A command module takes its shared options from here, never from a sibling command
module. Only typer is imported at the top: the values' types load when a command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from scholarcli.core import Freshness
    from scholarcli.profile.curation import Edits

# --- output --------------------------------------------------------------------------------

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="table|csv|json|jsonl|markdown",
        help="Output format (default: table on a terminal, csv in a pipe).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Date that fixes the current year for metrics (YYYY-MM-DD; default today).",
        show_default=False,
    ),
]

# --- freshness: how old cached data may be -------------------------------------------------

MaxAgeOption = Annotated[
    str,
    typer.Option(
        "--max-age", metavar="AGE", help="Use cached data younger than this (e.g. 7d, 12h, 30m)."
    ),
]
RefreshOption = Annotated[bool, typer.Option("--refresh", help="Fetch again even if cached.")]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Never use the network; answer from the cache only.")
]

# --- person --------------------------------------------------------------------------------

PersonArgument = Annotated[
    str | None,
    typer.Argument(help='The person\'s name, e.g. "Du-Seong Chang".', show_default=False),
]
IdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--id",
        help="Semantic Scholar author id; repeat to merge several profiles.",
        show_default=False,
    ),
]

# --- curation (scholar author, kept in the cache) ------------------------------------------

ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="REF",
        help="Leave this paper out (its paper_id, arxiv_id or doi); kept in the cache, "
        "obeyed by every command; repeatable.",
        show_default=False,
    ),
]
IncludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        metavar="REF",
        help="Take back an --exclude or --merge of this paper; repeatable.",
        show_default=False,
    ),
]
MergeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--merge",
        metavar="KEEP=DUPLICATE",
        help="KEEP=DUPLICATE: two records of one paper count as KEEP, with the citations "
        "of both; repeatable.",
        show_default=False,
    ),
]

# --- where a profile comes from ------------------------------------------------------------

SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="api (default) or datasets:DIR to answer from `scholar datasets ingest` "
        "Parquet, with no network.",
        show_default=False,
    ),
]

# --- profile additions ---------------------------------------------------------------------

CitationsByYearOption = Annotated[
    bool,
    typer.Option(
        "--citations-by-year",
        help="Also fetch citations per year (cached; one request per 1,000 citations of "
        "each cited paper), which fills h5_index and i10_5y.",
    ),
]

# --- paper lists ---------------------------------------------------------------------------

IdsOnlyOption = Annotated[
    bool,
    typer.Option("--ids-only", help="Print only the paper ids, one a line (for pipes)."),
]
AbstractsOption = Annotated[bool, typer.Option("--abstracts", help="Show abstracts in the table.")]


def freshness(max_age: str, refresh: bool, offline: bool = False) -> Freshness:
    """The freshness bundle as one value; ``--refresh`` and ``--offline`` exclude each other."""
    from scholarcli.commands.common import check_exclusive, parse_max_age
    from scholarcli.core import Freshness

    check_exclusive(refresh=refresh, offline=offline)
    return Freshness(max_age=parse_max_age(max_age), refresh=refresh)


def edits(exclude: list[str] | None, include: list[str] | None, merge: list[str] | None) -> Edits:
    """The curation bundle as one value (empty when none of the options was given)."""
    from scholarcli.profile.curation import Edits

    return Edits(list(exclude or []), list(include or []), list(merge or []))


# --- trust ---------------------------------------------------------------------------------

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
    from pathlib import Path

    path = Path(file).expanduser()
    text = json.dumps(record, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--provenance {path}: cannot write it ({exc.strerror or exc})") from None
