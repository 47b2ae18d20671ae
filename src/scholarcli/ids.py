"""Paper and arXiv identifiers: recognise and canonicalise them.

Pure; no I/O, no third-party imports.

Kept apart from ``sources.arxiv`` so that a warm, cached profile never has to import
the HTTP stack just to read an id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Hosts whose URLs count as a paper's code repository: merge finds them in arXiv
# comments and abstracts, and the output package links only to them (docs/output.md).
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co")

_NEW_ID = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
_OLD_ID = re.compile(r"^([a-z\-]+(?:\.[A-Za-z\-]+)?)/(\d{7})(?:v(\d+))?$", re.IGNORECASE)
_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", re.IGNORECASE
)


def normalise_id(raw: str) -> tuple[str, int | None] | None:
    """Canonical ``(id, version)`` of an arXiv identifier, or None if malformed.

    Accepts ``2308.06744``, ``2308.06744v2``, ``arXiv:…``, abs/pdf URLs and old-style
    ids (``hep-th/9901001``, ``math.CA/0611800v2``); the subject class of an old id is
    dropped and its archive lower-cased, as arXiv's own normaliser does.
    """
    text = _PREFIXES.sub("", raw.strip())
    text = re.sub(r"\.pdf$", "", text)
    match = _NEW_ID.match(text)
    if match:
        version = int(match.group(2)) if match.group(2) else None
        return match.group(1), version
    match = _OLD_ID.match(text)
    if match:
        archive = match.group(1).split(".")[0].lower()
        version = int(match.group(3)) if match.group(3) else None
        return f"{archive}/{match.group(2)}", version
    return None


# ------------------------------------------------------------------ paper references
_S2_HEX = re.compile(r"^[0-9a-f]{40}$", re.IGNORECASE)
_CORPUS = re.compile(r"^corpus[-_ ]?id\s*:\s*(\d{1,12})$", re.IGNORECASE)
_DOI = re.compile(r"^(10\.\d{4,9}/\S+)$")
_DOI_PREFIX = re.compile(
    r"^(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_S2_URL = re.compile(
    r"^https?://(?:www\.|api\.)?semanticscholar\.org/(?:paper/(?:[^/?#]+/)?([0-9a-f]{40})"
    r"|(?:graph/v1/paper/)?(corpusid:\d+))(?:[/?#].*)?$",
    re.IGNORECASE,
)
_EXTERNAL = re.compile(r"^(pmid|pmcid|acl|mag)\s*:\s*(\S+)$", re.IGNORECASE)
_EXTERNAL_NAMES = {"pmid": "PMID", "pmcid": "PMCID", "acl": "ACL", "mag": "MAG"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PaperRef:
    """A paper reference as a user pasted it, and how to ask S2 for it.

    ``kind`` is one of ``s2`` (40-hex paper id), ``corpus``, ``doi``, ``arxiv``, ``url``
    (a semanticscholar.org link), ``external`` (``PMID:``, ``PMCID:``, ``ACL:``, ``MAG:``)
    or ``title``. ``s2_id`` is what ``/paper/batch`` and ``/paper/{id}`` accept
    (``DOI:10.…``, ``ARXIV:2308.06744``, ``CorpusId:123``, a hex id), None for a title.
    """

    text: str
    kind: str
    s2_id: str | None
    title: str | None = None
    arxiv_id: str | None = None


def parse_paper_ref(text: str) -> PaperRef:
    """Recognise every form of paper reference a user pastes; anything else is a title.

    Raises ``ValueError`` for an empty reference or one with control characters.
    An arXiv DOI (``10.48550/arXiv.2308.06744``) is taken as the arXiv id it names,
    which S2 knows more often than the DOI.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("an empty paper reference")
    if _CONTROL.search(raw):
        raise ValueError(f"a paper reference with control characters: {raw!r}")
    if _S2_HEX.match(raw):
        return PaperRef(text, "s2", raw.lower())
    corpus = _CORPUS.match(raw)
    if corpus:
        return PaperRef(text, "corpus", f"CorpusId:{int(corpus.group(1))}")
    url = _S2_URL.match(raw)
    if url:
        if url.group(1):
            return PaperRef(text, "url", url.group(1).lower())
        return PaperRef(text, "url", f"CorpusId:{int(url.group(2).split(':')[1])}")
    external = _EXTERNAL.match(raw)
    if external:
        name = _EXTERNAL_NAMES[external.group(1).lower()]
        return PaperRef(text, "external", f"{name}:{external.group(2)}")
    doi_text = _DOI_PREFIX.sub("", raw)
    if doi_text != raw or _DOI.match(raw):
        doi = _unquote(doi_text).rstrip(".,;")
        arxiv_doi = _ARXIV_DOI.match(doi)
        if arxiv_doi and normalise_id(arxiv_doi.group(1)):
            return _arxiv_ref(text, arxiv_doi.group(1))
        if _DOI.match(doi):
            return PaperRef(text, "doi", f"DOI:{doi}")
        raise ValueError(f"not a DOI: {raw!r}")
    if normalise_id(raw):
        return _arxiv_ref(text, raw)
    return PaperRef(text, "title", None, title=" ".join(raw.split()))


def _unquote(text: str) -> str:
    """Percent-decoding of a pasted URL (``%2F`` → ``/``), without the urllib import
    that the pure-module rule keeps out of this file."""
    decoded = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text.encode())
    return decoded.decode("utf-8", "replace")


def _arxiv_ref(text: str, raw: str) -> PaperRef:
    canonical = normalise_id(raw)
    assert canonical is not None
    return PaperRef(text, "arxiv", f"ARXIV:{canonical[0]}", arxiv_id=canonical[0])
