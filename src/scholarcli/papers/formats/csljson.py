"""Paper records as CSL-JSON (Pandoc, Zotero, Mendeley and every citeproc read it).

A JSON array of CSL items. Types: ``article-journal``, ``paper-conference``,
``book``, ``chapter``, ``article`` for arXiv preprints (CSL 1.0.2's type for
preprints, with ``publisher: arXiv`` and ``number: arXiv:ID`` as Zotero writes them)
and ``document`` otherwise. ``id`` is the BibTeX citation key, so ``[@kim2023token]``
works in Pandoc whichever file it reads. Names are ``{family, given[, suffix]}``, a
group's name ``{literal}``; ``issued`` holds ``date-parts``. Text is plain (no LaTeX
escaping: CSL processors take text as it is); non-ASCII stays as it is.

Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from scholarcli.papers.formats import common
from scholarcli.papers.formats.common import Kind, Record

_TYPES = {
    Kind.ARTICLE: "article-journal",
    Kind.INPROCEEDINGS: "paper-conference",
    Kind.PREPRINT: "article",
    Kind.BOOK: "book",
    Kind.INCOLLECTION: "chapter",
    Kind.MISC: "document",
}


def name(value: str) -> dict[str, str]:
    parts = common.split_name(value)
    if parts.literal:
        return {"literal": parts.literal}
    found = {"family": parts.family, "given": parts.given}
    if parts.suffix:
        found["suffix"] = parts.suffix
    return found


def item(record: Record, key: str, *, abstracts: bool = False) -> dict[str, Any]:
    kind = common.kind(record)
    journal = common.journal(record)
    venue = common.venue(record)
    out: dict[str, Any] = {"id": key, "citation-key": key, "type": _TYPES[kind]}
    out["title"] = common.text(record.get("title"))
    authors = common.author_names(record)
    if authors:
        out["author"] = [name(a) for a in authors]
    parts = common.date_parts(record, kind)
    if parts:
        out["issued"] = {"date-parts": [parts]}
    if kind is Kind.ARTICLE:
        out["container-title"] = journal.get("name") or venue
    elif kind in (Kind.INPROCEEDINGS, Kind.INCOLLECTION):
        out["container-title"] = venue
    elif kind is Kind.BOOK and venue:
        out["publisher"] = venue
    if kind is Kind.ARTICLE and journal.get("volume"):
        out["volume"] = journal["volume"]
    if journal.get("pages") and kind is not Kind.PREPRINT:
        first, last = common.page_range(journal["pages"])
        out["page"] = f"{first}-{last}" if last else first
    doi = common.text(record.get("doi"))
    if doi:
        out["DOI"] = doi
    url = common.url(record)
    if url:
        out["URL"] = url
    arxiv_id = common.text(record.get("arxiv_id"))
    if arxiv_id and kind is Kind.PREPRINT:
        out["publisher"] = "arXiv"
        out["number"] = f"arXiv:{arxiv_id}"
    if arxiv_id:
        category = common.text(record.get("category"))
        if category:
            out["keyword"] = category
    abstract = common.text(record.get("abstract"))
    if abstracts and abstract:
        out["abstract"] = abstract
    return out


def items(records: Sequence[Record], *, abstracts: bool = False) -> list[dict[str, Any]]:
    keys = common.citation_keys(records)
    return [
        item(record, key, abstracts=abstracts) for record, key in zip(records, keys, strict=True)
    ]


def _item_text(item: Mapping[str, Any]) -> str:
    # One line per variable: names and dates stay on their line, so a file of many
    # papers reads (and diffs) paper by paper instead of one number per line.
    lines = (f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items())
    return "  {\n" + ",\n".join(lines) + "\n  }"


def dumps(records: Sequence[Record], *, abstracts: bool = False) -> str:
    """A CSL-JSON file: a UTF-8 JSON array, one variable a line, ending in a newline."""
    found = items(records, abstracts=abstracts)
    if not found:
        return "[]\n"
    return "[\n" + ",\n".join(_item_text(item) for item in found) + "\n]\n"
