"""Read exports back with well-kept parsers of each format (test-only dependencies).

- BibTeX: bibtexparser 2 splits entries, fields and names (``SeparateCoAuthors``,
  ``SplitNameParts``); pylatexenc decodes the LaTeX back to text. Its default table
  maps ``\\textasciicircum`` to U+02C6 (the glyph TeX prints) and lacks the LaTeX
  kernel's ``\\textbraceleft``/``\\textbraceright``; they are read back as the ASCII
  characters they name here.
- RIS: rispy.
- CSL-JSON: the item types and variables of the CSL schema that citeproc-py ships
  (``csl-types.rnc``, ``csl-variables.rnc``), then citeproc-py itself formats a
  bibliography from the items.

Each reader returns plain dicts so tests compare fields with the input records.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import bibtexparser
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec


def _decoder() -> LatexNodes2Text:
    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "ascii-circumflex",
        prepend=True,
        macros=[
            MacroTextSpec("textasciicircum", simplify_repl="^"),
            MacroTextSpec("textbraceleft", simplify_repl="{"),
            MacroTextSpec("textbraceright", simplify_repl="}"),
        ],
    )
    return LatexNodes2Text(latex_context=context)


DECODER = _decoder()


def latex_text(value: str) -> str:
    return DECODER.latex_to_text(value)


# Fields biblatex and \\url read verbatim: compared as written, not decoded as LaTeX.
VERBATIM = {"doi", "url", "eprint"}


def read_bibtex(text: str) -> list[dict[str, Any]]:
    """Entries as {"ENTRYTYPE", "ID", field: decoded text, "author": [names]}."""
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]
    entries = []
    for entry in library.entries:
        found: dict[str, Any] = {"ENTRYTYPE": entry.entry_type, "ID": entry.key}
        for field in entry.fields:
            if field.key == "author":
                found["author"] = [
                    latex_text(" ".join([*n.first, *n.von, *n.last, *n.jr])) for n in field.value
                ]
            elif field.key in VERBATIM:
                found[field.key] = field.value
            else:
                found[field.key] = latex_text(field.value)
        entries.append(found)
    return entries


def read_ris(text: str) -> list[dict[str, Any]]:
    return rispy.loads(text)


def ris_name(value: str, original: str) -> str:
    """ "Family, Given[, Suffix]" back to "Given Family[ Suffix]". A name that has a comma
    of its own ("Smith, John") is written as it is, so it is read back as it is."""
    if "," in original:
        return value
    parts = value.split(", ")
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3:
        return f"{parts[1]} {parts[0]} {parts[2]}"
    return value


def _schema_words(name: str) -> set[str]:
    import citeproc

    path = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles" / name
    return set(re.findall(r'"([A-Za-z_-]+)"', path.read_text(encoding="utf-8")))


CSL_TYPES = _schema_words("csl-types.rnc")
CSL_VARIABLES = _schema_words("csl-variables.rnc")
NAME_VARIABLES = {"author", "editor", "translator", "container-author"}
NAME_PARTS = {"family", "given", "suffix", "literal", "non-dropping-particle", "dropping-particle"}
DATE_VARIABLES = {"issued", "accessed", "submitted", "original-date", "event-date"}


def check_csl_item(item: dict[str, Any]) -> None:
    """The item against CSL's schema: known type and variables, names and dates shaped."""
    assert item["type"] in CSL_TYPES, item["type"]
    unknown = set(item) - CSL_VARIABLES - {"id", "type"}
    assert not unknown, unknown
    assert isinstance(item["id"], str) and item["id"]
    for key, value in item.items():
        if key in NAME_VARIABLES:
            assert isinstance(value, list)
            for name in value:
                assert set(name) <= NAME_PARTS and all(isinstance(v, str) for v in name.values())
                assert ("literal" in name) != ("family" in name)
        elif key in DATE_VARIABLES:
            (parts,) = value["date-parts"]
            assert 1 <= len(parts) <= 3 and all(isinstance(p, int) for p in parts)
        elif key not in {"id", "type"}:
            assert isinstance(value, str), (key, value)


def read_csljson(text: str) -> list[dict[str, Any]]:
    items = json.loads(text)
    assert isinstance(items, list)
    for item in items:
        check_csl_item(item)
    return items


def citeproc_bibliography(items: list[dict[str, Any]]) -> list[str]:
    """citeproc-py's plain-text bibliography (Harvard, bundled with citeproc-py)."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        # citeproc-py predates CSL 1.0.2's citation-key variable and says so.
        warnings.filterwarnings("ignore", message=".*unsupported: citation_key")
        source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]
