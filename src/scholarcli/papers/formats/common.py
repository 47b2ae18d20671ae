"""What every export format shares: entry kinds, citation keys, names, dates, pages.

A paper record (``scholar paper -f json``) becomes one entry in BibTeX, RIS and
CSL-JSON alike, so the decisions live here once:

- **kind**: a preprint (an arXiv paper with no venue beyond arXiv itself), a journal
  article, a conference paper, a book, a chapter, or ``misc``. Semantic Scholar labels
  arXiv-only papers ``JournalArticle`` with the journal "ArXiv", so arXiv as a venue or
  journal always means preprint. Otherwise S2's ``publicationTypes`` decide where they
  are definite (``Conference``, ``Book``, ``BookSection``, ``Dataset``); S2 also calls
  many proceedings papers ``JournalArticle`` and leaves many papers untyped, so then a
  journal volume means an article, and else a conference-like venue name
  (``Conference``, ``Proceedings``, ``EMNLP`` ..., but not PNAS or Proc. IEEE) means
  proceedings.
- **keys**: ``kim2023token``: the first author's family name and the first significant
  title word, both ASCII-folded, and the year. Papers sharing a key are put in a stable
  order (date, then paper id, DOI, arXiv id, title) and all but the first get ``a``,
  ``b``, ``c`` ...; so the same papers get the same keys whatever order they come in.
- **names**: "Given Family" split at the last word, keeping lower-case particles (van,
  de, ...) with the family name and a trailing Jr./III as a suffix; names of groups
  ("The ATLAS Collaboration", anything with "and") and one-word names stay whole.

Pure: no I/O, no third-party imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Record = Mapping[str, Any]


class Kind(StrEnum):
    ARTICLE = "article"
    INPROCEEDINGS = "inproceedings"
    PREPRINT = "preprint"
    BOOK = "book"
    INCOLLECTION = "incollection"
    MISC = "misc"


_ARXIV_VENUES = {"arxiv", "arxiv.org", "corr", "arxiv preprint", "arxiv (cornell university)"}
_CONFERENCE_WORDS = re.compile(
    r"\b(conference|proceedings|proc\.|workshop|symposium|meeting|congress|colloquium|"
    r"findings|neural information processing systems)\b",
    re.IGNORECASE,
)
# Acronyms S2 uses as venue names of conferences (matched as whole words, any case).
_CONFERENCE_ACRONYMS = re.compile(
    r"\b(ACL|EMNLP|NAACL|EACL|AACL|COLING|LREC|CoNLL|SemEval|NeurIPS|NIPS|ICML|ICLR|AAAI|"
    r"IJCAI|AISTATS|UAI|COLT|CVPR|ICCV|ECCV|WACV|SIGIR|KDD|WWW|WSDM|CIKM|RecSys|"
    r"INTERSPEECH|ICASSP|ASPLOS|ISCA|MICRO|HPCA|OSDI|SOSP|NSDI|MLSys|SIGMOD|VLDB|ICDE|"
    r"CHI|UIST|CSCW|PLDI|POPL|ICSE|FSE)\b",
    re.IGNORECASE,
)


# Control characters (Unicode category Cc) and line/paragraph separators become spaces.
_BREAKS = str.maketrans({c: " " for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]})


def text(value: Any) -> str:
    """A field as one line of text: None is empty, whitespace runs (newlines, tabs)
    become one space, control characters go (no format can carry them)."""
    if value is None:
        return ""
    return " ".join(str(value).translate(_BREAKS).split())


def is_arxiv_name(name: str) -> bool:
    return text(name).casefold() in _ARXIV_VENUES


def journal(record: Record) -> dict[str, str]:
    """The record's journal as {name, volume, pages} (empty parts dropped); arXiv's
    pseudo-journal ("ArXiv", volume "abs/2308.06744") is no journal."""
    raw = record.get("journal")
    if not isinstance(raw, Mapping):
        return {}
    found = {k: text(raw.get(k)) for k in ("name", "volume", "pages") if text(raw.get(k))}
    if is_arxiv_name(found.get("name", "")) or found.get("volume", "").startswith("abs/"):
        return {}
    return found


def venue(record: Record) -> str:
    """Where it was published: S2's venue, else the journal's name; never arXiv."""
    name = text(record.get("venue"))
    if name and not is_arxiv_name(name):
        return name
    return journal(record).get("name", "")


# Journals whose names start like proceedings (PNAS, Proc. IEEE, PVLDB, PACM ...).
_JOURNAL_PROCEEDINGS = re.compile(
    r"\bproc(eedings|\.)? of the (national academy|ieee\b|royal society|american mathematical|"
    r"london mathematical|vldb endowment|acm on)",
    re.IGNORECASE,
)


def looks_like_conference(name: str) -> bool:
    if _JOURNAL_PROCEEDINGS.search(name):
        return False
    return bool(_CONFERENCE_WORDS.search(name) or _CONFERENCE_ACRONYMS.search(name))


def kind(record: Record) -> Kind:
    """The entry kind (rules in the module docstring)."""
    types = {text(t) for t in record.get("publication_types") or []}
    where = venue(record)
    if not where:
        if "Book" in types:
            return Kind.BOOK
        return Kind.PREPRINT if text(record.get("arxiv_id")) else Kind.MISC
    if "BookSection" in types:
        return Kind.INCOLLECTION
    if "Book" in types:
        return Kind.BOOK
    if "Conference" in types:
        return Kind.INPROCEEDINGS
    if "Dataset" in types and not journal(record):
        return Kind.MISC
    # S2 calls many proceedings papers JournalArticle, and lists papers with no type at
    # all: a journal volume says journal, else a conference-like venue says proceedings.
    if journal(record).get("volume") or not looks_like_conference(where):
        return Kind.ARTICLE
    return Kind.INPROCEEDINGS


# --- names -------------------------------------------------------------------------------

_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das",
    "le", "la", "ter", "ten", "zu", "zum", "bin", "ibn", "al", "el", "y",
}  # fmt: skip
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_GROUP_WORDS = re.compile(
    r"\b(and|collaboration|consortium|team|group|project|committee|network|initiative)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Name:
    """A person's name in parts, or ``literal`` for a group or a one-word name."""

    given: str = ""
    family: str = ""
    suffix: str = ""
    literal: str = ""


def split_name(raw: Any) -> Name:
    """Parts of a "Given Family" name (S2 writes names this way); see the module doc."""
    name = text(raw)
    parts = name.split(" ")
    if not name or len(parts) == 1 or "," in name or _GROUP_WORDS.search(name):
        return Name(literal=name)
    suffix = ""
    if parts[-1].casefold() in _SUFFIXES and len(parts) > 2:
        suffix = parts.pop()
    start = len(parts) - 1
    while start > 1 and parts[start - 1] in _PARTICLES:
        start -= 1
    return Name(" ".join(parts[:start]), " ".join(parts[start:]), suffix)


def author_names(record: Record) -> list[str]:
    """The authors' names in order; empty names (S2 has some) are left out."""
    names = []
    for author in record.get("authors") or []:
        name = text(author.get("name") if isinstance(author, Mapping) else author)
        if name:
            names.append(name)
    return names


# --- dates and pages ---------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def year(record: Record) -> int | None:
    value = record.get("year")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    for key in ("date", "publication_date"):
        match = _ISO.match(text(record.get(key)))
        if match:
            return int(match.group(1))
    return None


def date_parts(record: Record, entry_kind: Kind | None = None) -> list[int]:
    """[year, month, day] as far as known: for a preprint its arXiv date, else the
    publication date; a date from another year than ``year`` (an older preprint of a
    published paper) is not used, the year alone is."""
    order = ("date", "publication_date")
    if (entry_kind or kind(record)) is not Kind.PREPRINT:
        order = ("publication_date", "date")
    known = year(record)
    for key in order:
        match = _ISO.match(text(record.get(key)))
        if not match:
            continue
        parts = [int(p) for p in match.groups() if p is not None]
        if known is None or parts[0] == known:
            return parts
    return [known] if known is not None else []


def iso_date(parts: Sequence[int]) -> str:
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def page_range(pages: str) -> tuple[str, str]:
    """("123", "130") from "123-130", "123 – 130" or "123--130"; ("e123", "") alone or
    from S2's "O30 - O30"."""
    first, _, last = re.sub(r"\s*[-‐-―]+\s*", "-", pages).partition("-")
    first, last = first.strip(), last.strip()
    return (first, "") if last == first else (first, last)


def arxiv_url(record: Record) -> str:
    arxiv_id = text(record.get("arxiv_id"))
    return f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else ""


def url(record: Record) -> str:
    """The landing page: arXiv's abstract page for arXiv papers, else the record's URL."""
    return arxiv_url(record) or text(record.get("url"))


# --- citation keys -----------------------------------------------------------------------

_STOPWORDS_TEXT = """a an and are as at by de der die do does for from in into is it its la le
of on or over the their to towards toward under via what when where which while why with without"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def ascii_fold(value: str) -> str:
    """Lower-case ASCII letters and digits only: accents dropped, other scripts gone."""
    decomposed = unicodedata.normalize("NFKD", value.replace("ß", "ss").replace("ø", "o"))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _first_word(title: str) -> str:
    for word in re.split(r"[\s\-‐-―/:;,.!?()\[\]{}\"'`$^_~\\&%#+=*<>|@]+", title):
        folded = ascii_fold(word)
        if folded and not folded.isdigit() and folded not in _STOPWORDS:
            return folded
    return ""


def base_key(record: Record) -> str:
    names = author_names(record)
    name = split_name(names[0]) if names else Name()
    family = name.family or name.literal
    # A particle is not what people search by: "van der Berg" keys as "berg".
    surname = family.split(" ")[-1] if family else ""
    who = ascii_fold(surname) or "anon"
    when = year(record)
    return f"{who}{when if when is not None else ''}{_first_word(text(record.get('title')))}"


def _suffix(n: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa" ..."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _identity(record: Record) -> tuple[str, ...]:
    return tuple(text(record.get(k)) for k in ("date", "paper_id", "doi", "arxiv_id", "title"))


def citation_keys(records: Sequence[Record]) -> list[str]:
    """A unique, stable key per record, in the records' order (rules in the module doc)."""
    bases = [base_key(r) for r in records]
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        groups.setdefault(base, []).append(index)
    taken = set(bases)
    keys = [""] * len(records)
    for base in sorted(groups):
        members = sorted(groups[base], key=lambda i: (_identity(records[i]), i))
        keys[members[0]] = base
        n = 0
        for index in members[1:]:
            while base + _suffix(n) in taken:
                n += 1
            keys[index] = base + _suffix(n)
            taken.add(keys[index])
    return keys
