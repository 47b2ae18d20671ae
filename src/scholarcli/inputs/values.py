"""What a valid value of an ``--input`` paper is, and one record as ``PaperStats``.

The rules every engine keeps: a citation count is a whole number >= 0 (``1,234`` and
``1_234`` accepted), a year has four digits (0 stands for "no year"), an author count
is a whole number (0: not given, the author list decides), an author position is a
whole number >= 1, and an author list is split at ``;`` when it has one, else at ``,``.
The fast engines accept only values they can check to be plainly valid and hand
anything else to these functions, so a value is never read two ways.

Pure: no reading, no printing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scholarcli.errors import UsageError
from scholarcli.indicators.metrics import PaperStats

# Years outside this range are typos or placeholders, not publication years.
YEARS = range(1000, 10_000)


def whole(value: object, what: str, where: str, minimum: int) -> int | None:
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


def year(value: object, where: str) -> int | None:
    """A four-digit year, or None (empty, or 0 for "no year")."""
    try:
        found = whole(value, "year", where, 0)
    except UsageError:
        raise UsageError(f"{where}: year {value!r} is not a four-digit year") from None
    if found == 0:
        return None  # 0 stands for "no year" in some exports; no paper is from year 0
    if found is not None and found not in YEARS:
        raise UsageError(f"{where}: year {value!r} is not a four-digit year")
    return found


def author_names(value: object) -> list[str]:
    """The names of an author list cell (or a JSON list of names or author objects)."""
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


def paper(record: Mapping[str, Any], where: str) -> tuple[PaperStats, bool]:
    """One record (canonical field -> raw value) as a paper, and whether authors are known."""
    citations = whole(record.get("citations"), "citations", where, 0)
    if citations is None:
        raise UsageError(f"{where}: the citation count is empty")
    names = author_names(record.get("authors"))
    # An explicit count wins: Google Scholar data in Publish or Perish cuts long author
    # lists short, while AuthorCount keeps the full number.
    count = whole(record.get("n_authors"), "author count", where, 0) or len(names) or None
    position = whole(record.get("author_position"), "author position", where, 1)
    stats = PaperStats(
        citations=citations,
        year=year(record.get("year"), where),
        n_authors=count,
        author_position=position,
    )
    return stats, count is not None
