"""Export formats for paper records: BibTeX, RIS and CSL-JSON.

``dumps(records, fmt)`` is the one entry point; every format gives a paper the same
entry kind and citation key (``common``). Pure: no I/O, no third-party imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scholarcli.papers.formats import bibtex, csljson, ris
from scholarcli.papers.formats.common import Record

FORMATS: dict[str, Callable[..., str]] = {
    "bibtex": bibtex.dumps,
    "ris": ris.dumps,
    "csljson": csljson.dumps,
}
#: The format a file name asks for (``-o refs.ris`` without ``-f``).
SUFFIXES = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csljson"}


def dumps(records: Sequence[Record], fmt: str, *, abstracts: bool = False) -> str:
    """The records in ``fmt`` (a key of ``FORMATS``), as one string."""
    return FORMATS[fmt](records, abstracts=abstracts)
