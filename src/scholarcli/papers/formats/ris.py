"""Paper records as RIS (EndNote, Zotero, Mendeley, Citavi import it).

One tag a line, ``TAG  - value``; an entry opens with ``TY`` and closes with ``ER``.
Types: ``JOUR``, ``CPAPER`` (conference paper, proceedings title in ``T2``), ``BOOK``,
``CHAP``, ``UNPB`` for arXiv preprints, ``GEN`` otherwise. Authors are one ``AU`` each,
"Family, Given[, Suffix]" as RIS asks (a group's name as it is). ``ID`` carries the
same citation key as the BibTeX export, ``DA`` the date as ``YYYY/MM/DD``; arXiv
papers get ``DB - arXiv``, ``AN - arXiv:ID`` and their primary category in ``KW``.
RIS is line based, so values are one line (whitespace runs become one space).

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from scholarcli.papers.formats import common
from scholarcli.papers.formats.common import Kind, Record

_TYPES = {
    Kind.ARTICLE: "JOUR",
    Kind.INPROCEEDINGS: "CPAPER",
    Kind.PREPRINT: "UNPB",
    Kind.BOOK: "BOOK",
    Kind.INCOLLECTION: "CHAP",
    Kind.MISC: "GEN",
}


def author(value: str) -> str:
    name = common.split_name(value)
    if name.literal:
        return name.literal
    return ", ".join(part for part in (name.family, name.given, name.suffix) if part)


def tags(record: Record, key: str, *, abstracts: bool = False) -> list[tuple[str, str]]:
    """(tag, value) pairs of one entry, ``TY`` first and ``ER`` last."""
    kind = common.kind(record)
    journal = common.journal(record)
    venue = common.venue(record)
    out: list[tuple[str, str]] = [("TY", _TYPES[kind]), ("ID", key)]
    out.extend(("AU", author(name)) for name in common.author_names(record))
    out.append(("TI", common.text(record.get("title"))))
    if kind is Kind.ARTICLE:
        out.append(("JO", journal.get("name") or venue))
    elif kind in (Kind.INPROCEEDINGS, Kind.INCOLLECTION):
        out.append(("T2", venue))
    elif kind is Kind.BOOK and venue:
        out.append(("PB", venue))
    if kind is Kind.ARTICLE and journal.get("volume"):
        out.append(("VL", journal["volume"]))
    if journal.get("pages") and kind is not Kind.PREPRINT:
        first, last = common.page_range(journal["pages"])
        out.append(("SP", first))
        if last:
            out.append(("EP", last))
    parts = common.date_parts(record, kind)
    if parts:
        out.append(("PY", str(parts[0])))
        out.append(("DA", "/".join(common.iso_date(parts).split("-"))))
    doi = common.text(record.get("doi"))
    if doi:
        out.append(("DO", doi))
    url = common.url(record)
    if url:
        out.append(("UR", url))
    arxiv_id = common.text(record.get("arxiv_id"))
    if arxiv_id:
        out.append(("DB", "arXiv"))
        out.append(("AN", f"arXiv:{arxiv_id}"))
        category = common.text(record.get("category"))
        if category:
            out.append(("KW", category))
    abstract = common.text(record.get("abstract"))
    if abstracts and abstract:
        out.append(("AB", abstract))
    out.append(("ER", ""))
    return out


def entry(record: Record, key: str, *, abstracts: bool = False) -> str:
    return "".join(f"{tag}  - {value}\n" for tag, value in tags(record, key, abstracts=abstracts))


def dumps(records: Sequence[Record], *, abstracts: bool = False) -> str:
    """An .ris file of the records (entries separated by a blank line)."""
    keys = common.citation_keys(records)
    return "\n".join(
        entry(record, key, abstracts=abstracts) for record, key in zip(records, keys, strict=True)
    )
