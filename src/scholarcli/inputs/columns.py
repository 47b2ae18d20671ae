"""Which column (or JSON field) of an ``--input`` file holds what.

Canonical fields (citations, year, authors, author count, author position and the
``--by`` column) and the names accepted for each, compared folded: case-insensitively,
ignoring spaces, dashes and underscores, so ``Cites``, ``citations`` and
``Citation Count`` all name the citations. Every engine (``reference``, ``pandas_csv``,
``duckdb_csv``) resolves a header through ``find_columns``, so they agree on which
column is read.

It only maps names: no reading, no values, no printing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from scholarcli.errors import UsageError

# Canonical field -> accepted column names, compared folded (see fold). Publish or
# Perish's CSV export has Cites, Authors, Title, Year, ..., AuthorCount, Age (its
# manual, "Exporting your data"); scholar's own csv/json has citations, year, authors
# and author_position.
ALIASES: dict[str, tuple[str, ...]] = {
    "citations": ("citations", "cites", "citation_count", "cited_by", "times_cited"),
    "year": ("year", "publication_year", "pub_year"),
    "authors": ("authors", "author", "author_names"),
    "n_authors": ("n_authors", "authors_count", "author_count", "num_authors"),
    "author_position": ("author_position",),
}
REQUIRED = ("citations", "year")
DELIMITERS = (",", "\t", ";")


def fold(name: str) -> str:
    """A column name as compared: casefolded, without spaces, dashes or underscores."""
    return re.sub(r"[\W_]+", "", name.casefold())


def with_group(by: str | None) -> dict[str, tuple[str, ...]]:
    """The column aliases, plus ``group`` for the ``--by`` column when one is named."""
    if by is None:
        return ALIASES
    if not fold(by):
        raise UsageError(f"--by {by!r} does not name a column")
    return {**ALIASES, "group": (by,)}


def group_value(value: object) -> str:
    """A --by cell as a label: the text, stripped; empty or missing is ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a JSON 3.0 and a CSV "3" are the same group
    return str(value).strip()


def find_columns(
    header: Sequence[str], aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> dict[str, int]:
    """Canonical field -> index of the first column that names it.

    Aliases are tried in their order and the first one present wins; for that alias
    the leftmost column carrying it is taken (a header naming ``citations`` twice
    reads the first).
    """
    folded = [fold(name) for name in header]
    found: dict[str, int] = {}
    for field_name, names in aliases.items():
        for alias in map(fold, names):
            if alias in folded:
                found[field_name] = folded.index(alias)
                break
    return found


def csv_delimiter(header_line: str) -> str:
    """The delimiter that makes a header with a citations column (``,`` if none does)."""
    return next((d for d in DELIMITERS if "citations" in find_columns(header_line.split(d))), ",")


def require(
    found: Mapping[str, object],
    where: str,
    kind: str,
    present: Sequence[str],
    aliases: Mapping[str, tuple[str, ...]] = ALIASES,
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
                f"{where}: no {name} {kind} (accepted names: {', '.join(ALIASES[name])}); "
                f"found: {shown or 'nothing'}",
                hint="scholar metrics --input needs at least citations and year per paper",
            )


def has_required(found: Mapping[str, object], aliases: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``require`` would pass (the engines decline instead of wording the error)."""
    return all(name in found for name in REQUIRED) and ("group" not in aliases or "group" in found)
