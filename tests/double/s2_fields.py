"""S2 `fields=` parsing and the JSON objects the Graph API returns for them.

Key order follows the real responses (FIX Author.json, test_get_author_papers.ae6c154,
test_get_papers_not_found_warning): the API emits fields in its own canonical order,
whatever order the request lists them in. Only requested fields appear, plus the
always-present `paperId` / `authorId`. Nested `references.x` / `citations.x` (from a
paper's stored `references` / `citers`, for /paper/batch, /paper/{id} and, references
only, /author/{id}/papers) and `embedding[.specter_vN]` (/paper/batch and /paper/{id}
only, as the spec's schemas allow) are served where a route allows them; other fields
the real API has but the double does not model (textAvailability) are rejected like
unknown ones, so a client that starts depending on them fails loudly in tests. `tldr` is
modelled but only the endpoints that serve FullPaper accept it (`FULL_PAPER_ONLY`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .responses import ApiError, s2_error
from .store import Paper, Store, stable_hex

PAPER_FIELDS = (
    "paperId",
    "externalIds",
    "corpusId",
    "publicationVenue",
    "url",
    "title",
    "abstract",
    "venue",
    "year",
    "referenceCount",
    "citationCount",
    "influentialCitationCount",
    "isOpenAccess",
    "openAccessPdf",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "tldr",
    "publicationTypes",
    "publicationDate",
    "journal",
    "citationStyles",
    "authors",
)
AUTHOR_FIELDS = (
    "authorId",
    "externalIds",
    "url",
    "name",
    "affiliations",
    "homepage",
    "paperCount",
    "citationCount",
    "hIndex",
    "papers",
)
CITATION_EDGE_FIELDS = ("contexts", "isInfluential", "intents", "contextsWithIntent")
# Fields of SPEC FullPaper that BasePaper endpoints (bulk search, citations, references)
# do not serve (docs/sources.md, Semantic Scholar's quirks).
FULL_PAPER_ONLY = frozenset({"tldr"})


@dataclass(frozen=True)
class PaperSelection:
    """Which paper fields to emit; `author_fields` is None when `authors` is not wanted."""

    fields: frozenset[str]
    author_fields: frozenset[str] | None
    # `references.x` (FullPaper and PaperWithLinks only) and `embedding[.specter_vN]`
    # (FullPaper only: /paper/{id} and /paper/batch), off unless the route allows them.
    references: PaperSelection | None = None
    embedding: str | None = None
    citations: PaperSelection | None = None


@dataclass(frozen=True)
class AuthorSelection:
    """Which author fields to emit; `papers` is None when `papers` is not wanted."""

    fields: frozenset[str]
    papers: PaperSelection | None


@dataclass(frozen=True)
class CitationSelection:
    """Edge fields (contexts, isInfluential, ...) plus the `citingPaper` selection."""

    edge_fields: frozenset[str]
    paper: PaperSelection


def _requested(raw: str | None) -> list[str]:
    return [f.strip() for f in (raw or "").split(",") if f.strip()]


def _unrecognized(bad: list[str]) -> ApiError:
    return ApiError(s2_error(400, f"Unrecognized or unsupported fields: [{', '.join(bad)}]"))


EMBEDDING_MODELS = {
    "embedding": "specter_v1",
    "embedding.specter_v1": "specter_v1",
    "embedding.specter_v2": "specter_v2",
}


def _split_paper_fields(
    names: list[str],
    bad: list[str],
    prefix: str = "",
    *,
    links: bool = False,
    embedding: bool = False,
) -> PaperSelection:
    top: set[str] = set()
    author_sub: set[str] = set()
    wants_authors = False
    reference_names: list[str] = []
    wants_references = False
    citation_names: list[str] = []
    wants_citations = False
    model: str | None = None
    for name in names:
        head, dot, sub = name.partition(".")
        if links and head == "references" and (not dot or sub in PAPER_FIELDS):
            wants_references = True
            if dot:
                reference_names.append(sub)
        elif links and head == "citations" and (not dot or sub in PAPER_FIELDS):
            wants_citations = True
            if dot:
                citation_names.append(sub)
        elif embedding and name in EMBEDDING_MODELS:
            model = EMBEDDING_MODELS[name]
        elif not dot and name in PAPER_FIELDS and not (prefix and name in FULL_PAPER_ONLY):
            top.add(name)
            wants_authors = wants_authors or name == "authors"
        elif dot and head == "authors" and sub in AUTHOR_FIELDS and sub != "papers":
            wants_authors = True
            author_sub.add(sub)
        else:
            bad.append(prefix + name)
    references = None
    if wants_references:
        # A nested list's default is paperId and title, like the top level's.
        references = _split_paper_fields(reference_names or ["title"], bad, prefix + "references.")
    citations = None
    if wants_citations:
        citations = _split_paper_fields(citation_names or ["title"], bad, prefix + "citations.")
    if not (top or wants_authors or wants_references or wants_citations or model):
        top = {"title"}
    if not wants_authors:
        return PaperSelection(frozenset(top), None, references, model, citations)
    top.add("authors")
    return PaperSelection(
        frozenset(top), frozenset(author_sub or {"name"}), references, model, citations
    )


def paper_selection(
    raw: str | None, *, links: bool = False, embedding: bool = False
) -> PaperSelection:
    """Parse `fields` for paper endpoints; default `paperId,title`.

    `links` allows `references[.x]` and `embedding` allows `embedding[.specter_vN]`,
    as the spec's response schemas do per endpoint (docs/sources.md, Semantic Scholar's quirks).
    """
    bad: list[str] = []
    selection = _split_paper_fields(_requested(raw), bad, links=links, embedding=embedding)
    if bad:
        raise _unrecognized(bad)
    return selection


def author_selection(raw: str | None) -> AuthorSelection:
    """Parse `fields` for author endpoints; default `authorId,name`, papers via `papers.x`."""
    bad: list[str] = []
    top: set[str] = set()
    paper_names: list[str] = []
    wants_papers = False
    for name in _requested(raw):
        head, dot, sub = name.partition(".")
        if not dot and name in AUTHOR_FIELDS:
            top.add(name)
            wants_papers = wants_papers or name == "papers"
        elif dot and head == "papers":
            wants_papers = True
            paper_names.append(sub)
        else:
            bad.append(name)
    papers = _split_paper_fields(paper_names, bad, "papers.") if wants_papers else None
    if bad:
        raise _unrecognized(bad)
    if not top and papers is None:
        top = {"name"}
    if papers is not None:
        top.add("papers")
    return AuthorSelection(frozenset(top), papers)


def citation_selection(raw: str | None) -> CitationSelection:
    """Parse `fields` for /citations: edge fields plus unprefixed citingPaper fields."""
    names = _requested(raw)
    edge = frozenset(n for n in names if n in CITATION_EDGE_FIELDS)
    bad: list[str] = []
    paper = _split_paper_fields([n for n in names if n not in edge], bad)
    if bad:
        raise _unrecognized(bad)
    return CitationSelection(edge, paper)


# ----------------------------------------------------------------- serialisers
def _external_ids(paper: Paper) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    if paper.arxiv_id:
        ids["ArXiv"] = paper.arxiv_id
    if paper.doi:
        ids["DOI"] = paper.doi
    ids["CorpusId"] = paper.corpus_id
    return ids


def _publication_venue(paper: Paper) -> dict[str, Any] | None:
    if not paper.venue:
        return None
    if paper.venue == "arXiv.org":
        return {
            "id": "1901e811-ee72-4b20-8f7e-de08cd395a10",
            "name": "arXiv.org",
            "alternate_names": ["ArXiv"],
            "issn": "2331-8422",
            "url": "https://arxiv.org",
        }
    uid = stable_hex("venue", paper.venue)
    return {
        "id": f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:32]}",
        "name": paper.venue,
        "type": "conference",
        "alternate_names": [],
    }


# Venues served as conference papers. Real S2 gives those publicationTypes
# ["JournalArticle", "Conference"] and often a journal of pages alone, while journals get
# name, volume and pages (FIX SemanticScholarTest.test_search_paper.6222d16 and
# test_get_author_papers.ae6c154: {"pages": "2001-2016"} for EMNLP, {"name": "Science",
# "pages": "518 - 521", "volume": "360"}).
CONFERENCES = frozenset(
    {
        "ACL",
        "EMNLP",
        "NAACL",
        "EACL",
        "COLING",
        "NeurIPS",
        "ICLR",
        "ICML",
        "AAAI",
        "IJCAI",
        "CVPR",
        "ICCV",
        "ECCV",
        "Interspeech",
        "ICASSP",
        "SIGIR",
        "KDD",
        "OSDI",
        "Findings",
    }
)


def is_conference(venue: str) -> bool:
    return bool(venue) and venue.split()[0] in CONFERENCES


def _pages(paper: Paper) -> str:
    first = 1 + int(stable_hex("pages", paper.paper_id)[:4], 16) % 3000
    return f"{first}-{first + 8 + first % 9}"


def _journal(paper: Paper) -> dict[str, Any] | None:
    if paper.arxiv_id and paper.venue in ("", "arXiv.org"):
        return {"name": "ArXiv", "volume": f"abs/{paper.arxiv_id}"}
    if not paper.venue:
        return None
    if is_conference(paper.venue):
        return {"pages": _pages(paper)}
    volume = str(1 + int(stable_hex("volume", paper.paper_id)[:2], 16) % 60)
    return {"name": paper.venue, "pages": _pages(paper).replace("-", " - "), "volume": volume}


def _publication_types(paper: Paper) -> list[str] | None:
    if not paper.venue:
        return None
    return ["JournalArticle", "Conference"] if is_conference(paper.venue) else ["JournalArticle"]


def _bibtex(paper: Paper) -> dict[str, str]:
    first_author = paper.authors[0][1].split()[-1] if paper.authors else "Anonymous"
    initials = "".join(w[:1].upper() for w in paper.title.split()[:3])
    key = f"{first_author}{paper.year or ''}{initials}"
    lines = [f"@Article{{{key},", f" author = {{{' and '.join(n for _, n in paper.authors)}}},"]
    if paper.venue:
        lines.append(f" journal = {{{paper.venue}}},")
    lines.append(f" title = {{{paper.title}}},")
    if paper.year is not None:
        lines.append(f" year = {{{paper.year}}}")
    return {"bibtex": "\n".join(lines) + "\n}\n"}


def _open_access_pdf(paper: Paper) -> dict[str, Any] | None:
    if not paper.arxiv_id:
        return None
    return {
        "url": f"https://arxiv.org/pdf/{paper.arxiv_id}",
        "status": "GREEN",
        "license": None,
        "disclaimer": "Notice: Paper or abstract available at "
        f"https://arxiv.org/abs/{paper.arxiv_id}, which is subject to the license by "
        "the author or copyright owner provided with this content.",
    }


def reference_count(paper: Paper) -> int:
    """How many references the paper lists (served by `/paper/{id}/references` too):
    its stored reference list where a test gave one, else a stable made-up count."""
    if paper.references is not None:
        return len(paper.references)
    return 10 + int(stable_hex("refs", paper.paper_id)[:4], 16) % 50


def _tldr(paper: Paper) -> dict[str, Any] | None:
    # S2 has TLDRs mostly for papers with an abstract (FIX Paper.json: model tldr@v2.0.0).
    if not paper.abstract:
        return None
    return {"model": "tldr@v2.0.0", "text": f"This paper is about {paper.title.lower()}."}


def author_stub_json(
    store: Store, author_id: str | None, name: str, fields: frozenset[str]
) -> dict[str, Any]:
    """An entry of a paper's `authors`: the stored author when known, else its byline."""
    author = store.authors.get(author_id) if author_id is not None else None
    getters: dict[str, Any] = {
        "externalIds": lambda: dict(author.external_ids) if author else {},
        "url": lambda: f"https://www.semanticscholar.org/author/{author_id}" if author_id else None,
        "name": lambda: name,
        "affiliations": lambda: list(author.affiliations) if author else [],
        "homepage": lambda: author.homepage if author else None,
        "paperCount": lambda: store.author_metrics(author_id)[0],
        "citationCount": lambda: store.author_metrics(author_id)[1],
        "hIndex": lambda: store.author_metrics(author_id)[2],
    }
    out: dict[str, Any] = {"authorId": author_id}
    for key in AUTHOR_FIELDS[1:]:
        if key in fields and key in getters:
            out[key] = getters[key]()
    return out


def paper_json(store: Store, paper: Paper, selection: PaperSelection) -> dict[str, Any]:
    """The paper object with exactly the selected fields, in the API's key order."""
    getters: dict[str, Any] = {
        "externalIds": lambda: _external_ids(paper),
        "corpusId": lambda: paper.corpus_id,
        "publicationVenue": lambda: _publication_venue(paper),
        "url": lambda: f"https://www.semanticscholar.org/paper/{paper.paper_id}",
        "title": lambda: paper.title,
        "abstract": lambda: paper.abstract,
        "venue": lambda: paper.venue,
        "year": lambda: paper.year,
        "referenceCount": lambda: reference_count(paper),
        "citationCount": lambda: paper.citation_count,
        "influentialCitationCount": lambda: paper.influential_citation_count,
        "isOpenAccess": lambda: paper.arxiv_id is not None,
        "openAccessPdf": lambda: _open_access_pdf(paper),
        "fieldsOfStudy": lambda: ["Computer Science"] if paper.arxiv_id else None,
        "s2FieldsOfStudy": lambda: [{"category": "Computer Science", "source": "s2-fos-model"}],
        "tldr": lambda: _tldr(paper),
        "publicationTypes": lambda: _publication_types(paper),
        "publicationDate": lambda: paper.publication_date,
        "journal": lambda: _journal(paper),
        "citationStyles": lambda: _bibtex(paper),
        "authors": lambda: [
            author_stub_json(store, aid, name, selection.author_fields or frozenset())
            for aid, name in paper.authors
        ],
    }
    out: dict[str, Any] = {"paperId": paper.paper_id}
    for key in PAPER_FIELDS[1:]:
        if key in selection.fields:
            out[key] = getters[key]()
    if selection.citations is not None:
        out["citations"] = [
            paper_json(store, store.papers[c], selection.citations)
            for c in paper.citers or []
            if c in store.papers
        ]
    if selection.references is not None:
        out["references"] = _references_json(store, paper, selection.references)
    if selection.embedding is not None:
        vector = (paper.embeddings or {}).get(selection.embedding)
        out["embedding"] = (
            None if vector is None else {"model": selection.embedding, "vector": list(vector)}
        )
    return out


def _references_json(store: Store, paper: Paper, selection: PaperSelection) -> list[Any]:
    """The paper's reference list; an unresolved entry has `paperId: null` (FIX)."""
    items: list[Any] = []
    for ref_id in paper.references or []:
        cited = store.papers.get(ref_id) if ref_id is not None else None
        if cited is None:
            items.append({"paperId": None, **{f: None for f in selection.fields}})
        else:
            items.append(paper_json(store, cited, selection))
    return items


def author_json(store: Store, author_id: str, selection: AuthorSelection) -> dict[str, Any]:
    """The author object with exactly the selected fields, in the API's key order."""
    author = store.authors[author_id]
    out = author_stub_json(store, author_id, author.name, selection.fields)
    if selection.papers is not None:
        out["papers"] = [
            paper_json(store, paper, selection.papers) for paper in store.author_papers(author_id)
        ]
    return out
