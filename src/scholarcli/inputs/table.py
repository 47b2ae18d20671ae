"""The papers of one ``--input`` as columns: the value every engine returns.

``PaperTable`` is what ``profile.file_metrics`` computes metrics from. It holds either
a pandas frame (the pandas and DuckDB engines, for big files) or the reference
parser's ``PaperList`` (small files, so pandas is never imported for them). ``Decline``
is how a fast engine says "not plainly valid, let the reference parser read it".

Types only: no reading, no printing; pandas is imported inside functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from scholarcli.inputs.reference import PaperList


class Readable(Protocol):
    """What the engines read from (``source.CappedReader``, or any binary file)."""

    def read(self, size: int = -1, /) -> bytes: ...


class Decline(Exception):
    """A fast engine declines; the reference parser reads the input instead."""


@dataclass
class PaperTable:
    """The papers of one input, ready for ``profile.file_metrics.table_metrics``.

    ``frame`` (when not None) has ``citations`` (int64), ``year``, ``n_authors`` and
    ``author_position`` (float64, NaN unknown) and, with ``--by``, ``group`` (the
    column's text, '' when empty). Small inputs carry ``papers`` (the reference
    parser's list) instead and no frame. ``has_authors``/``has_positions`` as in
    ``reference.PaperList``; ``by`` is the --by column as named; ``engine`` says which
    engine read it (``duckdb``, ``pandas`` or ``reference``).
    """

    source: str
    frame: pd.DataFrame | None
    has_authors: bool
    has_positions: bool
    by: str | None = None
    papers: PaperList | None = None
    engine: str = "pandas"


def from_list(papers: PaperList, by: str | None = None) -> PaperTable:
    """A ``PaperTable`` with a frame of the reference parser's result."""
    import numpy as np
    import pandas as pd

    def column(values: list[int | None]) -> npt.NDArray[np.float64]:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    rows = papers.papers
    frame = pd.DataFrame(
        {
            "citations": np.array([p.citations for p in rows], dtype=np.int64),
            "year": column([p.year for p in rows]),
            "n_authors": column([p.n_authors for p in rows]),
            "author_position": column([p.author_position for p in rows]),
        }
    )
    if by is not None:
        frame["group"] = pd.Series(papers.groups or [], dtype=object)
    return PaperTable(
        papers.source, frame, papers.has_authors, papers.has_positions, by, engine="reference"
    )
