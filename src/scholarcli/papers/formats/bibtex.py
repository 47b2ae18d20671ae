"""Paper records as BibTeX (read by BibTeX, biblatex/biber and reference managers).

Entry types: ``@article`` (journal), ``@inproceedings`` (``booktitle``), ``@book``,
``@incollection``, and for arXiv preprints ``@misc`` with ``eprint``,
``archivePrefix = {arXiv}`` and ``primaryClass``, as arXiv's own BibTeX export writes
them; a published paper that is also on arXiv keeps its type and gets the eprint fields
too. Every value is braced. ``doi``, ``url`` and ``eprint`` are verbatim fields
(biblatex, ``\\url``) and are written as they are. Elsewhere the ten LaTeX special
characters ``\\ { } % & $ _ # ~ ^`` are escaped so that a title prints as it reads
(``$x^2$`` stays the five characters, not math); other characters stay UTF-8 (biber
and bibtexparser read UTF-8, and ``\\usepackage[utf8]{inputenc}`` is the LaTeX default
since 2018). Words with an upper-case letter past their first (``LLM``, ``ExeGPT``) are
braced so that sentence-case styles keep them; TeX's ligatures (``--``, two back quotes) are broken
with an empty group so the characters print as they are. Names stay "Given Family"
("Family, Jr., Given" with a suffix, which BibTeX would otherwise take for the family
name); a group's or a one-word name is braced whole, so BibTeX never splits it at "and".

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scholarcli.papers.formats import common
from scholarcli.papers.formats.common import Kind, Record

# Each in braces: BibTeX then takes it as one "special character" (names split and
# abbreviate around it, case changes leave it alone). Braces become macros because
# BibTeX counts every brace, escaped or not, so "\{" alone would unbalance the field.
_ESCAPES = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "%": r"{\%}",
    "&": r"{\&}",
    "$": r"{\$}",
    "_": r"{\_}",
    "#": r"{\#}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_TYPES = {
    Kind.ARTICLE: "article",
    Kind.INPROCEEDINGS: "inproceedings",
    Kind.PREPRINT: "misc",
    Kind.BOOK: "book",
    Kind.INCOLLECTION: "incollection",
    Kind.MISC: "misc",
}


# Pairs TeX's fonts turn into one glyph ("--" an en dash, "``" an opening quote, "?`" an
# inverted question mark): an empty group between them keeps the two characters.
_LIGATURES = {("-", "-"), ("`", "`"), ("'", "'"), ("?", "`"), ("!", "`")}


_SPECIAL = re.compile(r"[\\{}%&$_#~^]")
_LIGATURE = re.compile("|".join(f"(?<={re.escape(a)})(?={re.escape(b)})" for a, b in _LIGATURES))


def escape(value: str) -> str:
    """LaTeX-escape the special characters of plain text (see the module doc)."""
    # Ligature characters are never specials, so the two passes cannot interfere.
    escaped = _SPECIAL.sub(lambda match: _ESCAPES[match.group()], value)
    return _LIGATURE.sub("{}", escaped)


# Characters a verbatim field cannot hold: braces would unbalance the entry, a backslash
# or a space would be read as TeX; URLs carry them percent-encoded instead ("%" itself
# stays: it already starts an encoded character).
_UNSAFE_VERBATIM = re.compile(r"[{}\\\s]")


def verbatim(value: str) -> str:
    """A ``doi``, ``url`` or ``eprint`` value: biblatex and ``\\url`` read these
    verbatim, so they are not LaTeX-escaped (``10.1000/a_b`` stays as it is); the few
    characters no field can hold are percent-encoded."""
    return _UNSAFE_VERBATIM.sub(lambda m: f"%{ord(m.group()):02X}", value)


def _protected(word: str) -> bool:
    return any(any(c.isupper() for c in part[1:]) for part in word.split("-"))


def title(value: str) -> str:
    """Escaped, with words in odd capitals braced against a style's sentence case."""
    return " ".join(
        "{" + escape(word) + "}" if _protected(word) else escape(word)
        for word in common.text(value).split(" ")
    )


def name(value: str) -> str:
    parts = common.split_name(value)
    escaped = escape(common.text(value))
    # A group's name, a name with a comma, or one word ("and" even) stays whole.
    if parts.literal:
        return "{" + escaped + "}"
    if parts.suffix:  # BibTeX reads "Given Family Jr." as family name "Jr."
        return ", ".join(escape(p) for p in (parts.family, parts.suffix, parts.given))
    return escaped


def fields(
    record: Record, *, abstracts: bool = False, kind: Kind | None = None
) -> list[tuple[str, str]]:
    """(field, already escaped value) pairs of one entry, in the order written."""
    kind = kind or common.kind(record)
    journal = common.journal(record)
    venue = common.venue(record)
    out: list[tuple[str, str]] = []
    authors = common.author_names(record)
    if authors:
        out.append(("author", " and ".join(name(a) for a in authors)))
    out.append(("title", title(record.get("title") or "")))
    if kind is Kind.ARTICLE:
        out.append(("journal", escape(journal.get("name") or venue)))
    elif kind in (Kind.INPROCEEDINGS, Kind.INCOLLECTION):
        out.append(("booktitle", escape(venue)))
    elif kind is Kind.BOOK and venue:
        out.append(("publisher", escape(venue)))
    if kind is Kind.ARTICLE and journal.get("volume"):
        out.append(("volume", escape(journal["volume"])))
    if journal.get("pages") and kind is not Kind.PREPRINT:
        first, last = common.page_range(journal["pages"])
        # "--" is the en dash of a page range: written after escaping, so not broken up.
        out.append(("pages", f"{escape(first)}--{escape(last)}" if last else escape(first)))
    parts = common.date_parts(record, kind)
    if parts:
        out.append(("year", str(parts[0])))
    if len(parts) > 1:
        out.append(("date", common.iso_date(parts)))
    doi = common.text(record.get("doi"))
    if doi:
        out.append(("doi", verbatim(doi)))
    url = common.url(record)
    if url:
        out.append(("url", verbatim(url)))
    arxiv_id = common.text(record.get("arxiv_id"))
    if arxiv_id:
        out.append(("eprint", verbatim(arxiv_id)))
        out.append(("archivePrefix", "arXiv"))
        category = common.text(record.get("category"))
        if category:
            out.append(("primaryClass", escape(category)))
    abstract = common.text(record.get("abstract"))
    if abstracts and abstract:
        out.append(("abstract", escape(abstract)))
    return out


def entry(record: Record, key: str, *, abstracts: bool = False) -> str:
    kind = common.kind(record)
    pairs = fields(record, abstracts=abstracts, kind=kind)
    body = ",\n".join(f"  {field} = {{{value}}}" for field, value in pairs)
    return f"@{_TYPES[kind]}{{{key},\n{body}\n}}\n"


def dumps(records: Sequence[Record], *, abstracts: bool = False) -> str:
    """A .bib file of the records (entries separated by a blank line)."""
    keys = common.citation_keys(records)
    return "\n".join(
        entry(record, key, abstracts=abstracts) for record, key in zip(records, keys, strict=True)
    )
