"""Look up papers by any reference a user pastes: ids, DOIs, arXiv ids, URLs, titles.

``lookup_papers(ctx, refs)`` answers from the cache what it can (a ref resolved within
``max_age`` costs nothing), sends every other id in one ``POST /paper/batch`` per 500,
resolves titles one ``/paper/search/match`` each (a title with no match also gets its
closest candidates from ``/paper/search``), then asks arXiv about the arXiv papers in
batches of 100 through ``profile.sync.enrich_arxiv`` (arXiv ids it has answered before
are never asked again). An arXiv id S2 does not know yet is answered from arXiv alone.
All answers of one run are saved in one transaction.

Refs that resolve to nothing are returned, not raised: the caller prints the rest and
names these. With ``ctx.offline`` every ref must be answerable from the cache, else
``SourceError`` (exit 4) is raised before anything is printed.

It must not parse options or print: it reports through the context's reporter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import papers as paper_cache
from scholarcli.core import DEFAULT_MAX_AGE, Context, Freshness, fold_name
from scholarcli.errors import SourceError
from scholarcli.ids import PaperRef, parse_paper_ref
from scholarcli.models import ArxivEntry, Paper
from scholarcli.papers.records import LOOKUP_FIELDS, arxiv_record, ids_of, paper_record
from scholarcli.profile.sync import enrich_arxiv

if TYPE_CHECKING:
    from scholarcli.cache.papers import RefRow

CANDIDATES = 3
TITLES_NOTE = 20  # more titles than this get a note on what they cost
# Lists (search results, citations) ask arXiv only when one request covers every arXiv
# paper not yet cached; longer lists use what is cached (arXiv allows one request per 3 s).
LIST_ARXIV_MAX = 100
CANDIDATE_FIELDS = "title,year,authors,citationCount"


@dataclass(frozen=True)
class Unresolved:
    """A ref that named no paper: why, and for a title the closest titles S2 has."""

    ref: str
    reason: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LookupResult:
    """Records in the order of the refs (each paper once), and the refs left over.

    ``complete`` is False when arXiv failed, so categories and dates may be missing.
    """

    papers: list[dict[str, Any]]
    unresolved: list[Unresolved] = field(default_factory=list)
    complete: bool = True


def ref_key(ref: PaperRef) -> str:
    """The cache key of a ref: S2's id form (DOIs are case-insensitive), or the folded
    title, so ``"Attention is all you need"`` and ``"attention IS all you need."`` share."""
    if ref.s2_id is None:
        return "title:" + fold_name(ref.title or ref.text)
    if ref.kind == "doi":
        return ref.s2_id.lower()
    return ref.s2_id


@dataclass
class _Ref:
    text: str
    parsed: PaperRef | None
    error: str | None = None

    @property
    def key(self) -> str | None:
        return ref_key(self.parsed) if self.parsed is not None else None


def parse_refs(refs: Sequence[str]) -> list[_Ref]:
    parsed = []
    for text in refs:
        try:
            parsed.append(_Ref(text, parse_paper_ref(text)))
        except ValueError as exc:
            parsed.append(_Ref(text, None, str(exc)))
    return parsed


def lookup_papers(
    ctx: Context,
    refs: Sequence[str],
    *,
    refresh: bool = False,
    max_age: timedelta = DEFAULT_MAX_AGE,
    as_of_year: int | None = None,
) -> LookupResult:
    year = as_of_year or ctx.clock().year
    fresh = Freshness(max_age=max_age, refresh=refresh)
    items = parse_refs(refs)
    keyed = {item.key: item.parsed for item in items if item.parsed is not None and item.key}
    cached = paper_cache.load_refs(ctx.store, keyed)
    for key, ref in keyed.items():
        if key not in cached:
            known = _known(ctx, ref)
            if known is not None:
                cached[key] = known
    stale = {
        key: ref
        for key, ref in keyed.items()
        if key not in cached or not fresh.usable(ctx, cached[key].fetched_at)
    }
    if stale and ctx.offline:
        raise SourceError(
            f"{len(stale)} of the papers asked for are not in the cache and --offline is set",
            source="cache",
            hint="run once without --offline",
        )
    if stale:
        cached.update(_fetch(ctx, stale, cached))
    return _assemble(ctx, items, cached, year)


def _known(ctx: Context, ref: PaperRef) -> RefRow | None:
    """A paper already looked up under another spelling of this ref, if any."""
    if ref.kind in ("s2", "url") and ref.s2_id and len(ref.s2_id) == 40:
        return paper_cache.known_paper(ctx.store, "s2", ref.s2_id)
    if ref.kind == "doi" and ref.s2_id:
        return paper_cache.known_paper(ctx.store, "doi", ref.s2_id[len("DOI:") :].lower())
    if ref.kind == "arxiv" and ref.arxiv_id:
        return paper_cache.known_paper(ctx.store, "arxiv", ref.arxiv_id)
    return None


def _fetch(
    ctx: Context, stale: dict[str, PaperRef], cached: dict[str, RefRow]
) -> dict[str, RefRow]:
    """Ask S2 about the stale refs, saving each answered batch (or title) as it comes,
    so an interrupted run keeps what it had; return the new cache rows.

    When S2 fails and every ref still unanswered has an older cached answer, those
    answer, with a warning; otherwise the failure is raised.
    """
    rows: dict[str, RefRow] = {}
    try:
        for answers in _ask_s2(ctx, stale):
            now = ctx.now()
            paper_cache.save_lookup(ctx.store, answers, now)
            for a in answers:
                paper_id = a.paper.paper_id if a.paper else None
                rows[a.ref] = paper_cache.RefRow(a.ref, paper_id, now, list(a.candidates))
    except SourceError as exc:
        if any(key not in rows and key not in cached for key in stale):
            raise
        ctx.reporter.warn(f"{exc.message}; using papers cached earlier")
    return rows


def _ask_s2(ctx: Context, stale: dict[str, PaperRef]) -> Iterator[list[paper_cache.Resolved]]:
    """The answers of one ``/paper/batch`` (500 ids) or one title match at a time."""
    from scholarcli.sources.semanticscholar import PAPER_BATCH, parse_paper

    by_id = {key: ref.s2_id for key, ref in stale.items() if ref.s2_id is not None}
    keys = list(by_id)
    with ctx.reporter.progress("Semantic Scholar papers", len(keys) or None) as advance:
        for first in range(0, len(keys), PAPER_BATCH):
            chunk = keys[first : first + PAPER_BATCH]
            raws = ctx.s2.papers_batch_raw([by_id[k] for k in chunk], LOOKUP_FIELDS)
            answers = []
            for key, raw in zip(chunk, raws, strict=True):
                paper = parse_paper(raw) if raw and raw.get("paperId") else None
                answers.append(paper_cache.Resolved(key, raw if paper else None, paper))
            advance(len(chunk))
            yield answers
    titles = sum(1 for ref in stale.values() if ref.s2_id is None)
    if titles > TITLES_NOTE:
        # Titles cannot be batched: say what it will cost at S2's pace before paying it.
        seconds = titles * ctx.settings.s2_interval
        pace = f"; at least {seconds / 60:.0f} min at S2's pace" if seconds >= 120 else ""
        ctx.reporter.note(
            f"{titles:,} titles to match, one Semantic Scholar request each{pace} "
            "(ids, DOIs and arXiv ids go 500 to a request)"
        )
    for key, ref in stale.items():
        if ref.s2_id is not None:
            continue
        title = ref.title or ref.text
        raw = ctx.s2.match_title(title, LOOKUP_FIELDS)
        if raw and raw.get("paperId"):
            raw = {k: v for k, v in raw.items() if k != "matchScore"}
            yield [paper_cache.Resolved(key, raw, parse_paper(raw))]
        else:
            yield [paper_cache.Resolved(key, None, None, _candidates(ctx, title))]


def _candidates(ctx: Context, title: str) -> list[dict[str, Any]]:
    """The closest titles relevance search finds for a title that matched nothing."""
    from scholarcli.sources.semanticscholar import search_query

    query = search_query(title)
    if not query:
        return []
    body = ctx.s2.search_papers(query, CANDIDATE_FIELDS, {}, offset=0, limit=CANDIDATES)
    return [
        {
            "paper_id": p.get("paperId"),
            "title": " ".join(str(p.get("title") or "").split()),
            "year": p.get("year"),
            "citations": p.get("citationCount"),
        }
        for p in body.get("data") or []
        if isinstance(p, dict)
    ]


def arxiv_entries(
    ctx: Context, arxiv_ids: Sequence[str | None], *, ask_up_to: int = LIST_ARXIV_MAX
) -> tuple[dict[str, ArxivEntry], bool]:
    """Cached arXiv entries of these ids, after asking arXiv about the unknown ones when
    there are at most ``ask_up_to``; (entries by id, False if arXiv failed)."""
    wanted = list(dict.fromkeys(a for a in arxiv_ids if a))
    unknown = set(wanted) - arxiv_cache.arxiv_answered(ctx.store, wanted)
    complete = True
    if unknown and len(unknown) <= ask_up_to:
        complete = enrich_arxiv(ctx, [Paper(paper_id=a, title="", arxiv_id=a) for a in unknown])
    elif unknown:
        ctx.reporter.note(
            f"{len(unknown):,} arXiv papers listed are not cached: their categories and code "
            "links are left out (scholar paper --input - fetches them)"
        )
    return arxiv_cache.load_arxiv(ctx.store, wanted), complete


def _assemble(ctx: Context, items: list[_Ref], rows: dict[str, RefRow], year: int) -> LookupResult:
    details = paper_cache.load_details(
        ctx.store, (row.paper_id for row in rows.values() if row.paper_id)
    )
    # arXiv ids S2 does not know may still be on arXiv: they are asked with the rest.
    arxiv_only = {
        item.parsed.arxiv_id
        for item in items
        if item.parsed is not None
        and item.parsed.arxiv_id
        and item.key in rows
        and rows[item.key].paper_id is None
    }
    wanted = [ids_of(raw)[0] for raw in details.values()] + sorted(arxiv_only)
    probes = [Paper(paper_id=a, title="", arxiv_id=a) for a in wanted if a]
    complete = enrich_arxiv(ctx, probes)
    entries = arxiv_cache.load_arxiv(ctx.store, [p.arxiv_id for p in probes if p.arxiv_id])
    result = LookupResult(papers=[], complete=complete)
    seen: set[str] = set()
    for item in items:
        if item.parsed is None:
            result.unresolved.append(Unresolved(item.text, item.error or "not a paper reference"))
            continue
        row = rows.get(item.key or "")
        raw = details.get(row.paper_id) if row is not None and row.paper_id else None
        if raw is not None:
            paper_id = str(raw.get("paperId"))
            if paper_id not in seen:
                seen.add(paper_id)
                arxiv_id = ids_of(raw)[0]
                result.papers.append(
                    paper_record(raw, entries.get(arxiv_id) if arxiv_id else None, year)
                )
            continue
        arxiv_id = item.parsed.arxiv_id
        if arxiv_id and arxiv_id in entries:
            if "arxiv:" + arxiv_id not in seen:
                seen.add("arxiv:" + arxiv_id)
                result.papers.append(arxiv_record(entries[arxiv_id], year))
                ctx.reporter.note(f"{item.text}: not on Semantic Scholar yet; shown from arXiv")
            continue
        if item.parsed.kind == "title":
            reason = "no Semantic Scholar paper has this title"
        else:
            reason = "Semantic Scholar has no such paper"
        result.unresolved.append(
            Unresolved(item.text, reason, list(row.candidates) if row is not None else [])
        )
    return result
