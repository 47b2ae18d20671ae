"""``scholar novelty REF...``: single papers by DOI, arXiv id, S2 id, CorpusId, S2 URL
or title (a title costs one ``/paper/search/match`` request, as in ``scholar paper``).

One ``POST /paper/batch`` (500 refs a request) names the papers and brings their
reference lists and citation counts at once; arXiv is asked only about arXiv ids it has
never answered (for the primary category and v1 date that pick the cohort); then
``scores.score_papers`` does the rest exactly as for an author.

It must not parse options or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from scholarcli.cache import novelty as cache
from scholarcli.core import Context
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.ids import PaperRef, normalise_id, parse_paper_ref
from scholarcli.models import Paper
from scholarcli.novelty import cohort as cohorts
from scholarcli.novelty import references as refs
from scholarcli.novelty import scores
from scholarcli.profile import sync

LOOKUP_FIELDS = "title,year,externalIds,citationCount,referenceCount,references.paperId"
FIELDS = (
    "ref",
    "paper_id",
    "arxiv_id",
    "title",
    "year",
    "citations",
    "cohort",
    "novelty",
    "novelty_q99",
    "novelty_references",
    "references_resolved",
    "novelty_percentile",
    "impact_percentile",
    "cohort_n",
    "cohort_eligible",
    "novelty_note",
    "cd_nok",
    "cd_nok_citers",
    "cd_nok_note",
)

# A terminal cannot hold all of FIELDS: the table shows what ranks and why.
TABLE_FIELDS = (
    "ref",
    "cohort",
    "novelty",
    "novelty_percentile",
    "impact_percentile",
    "novelty_note",
)


@dataclass
class Result:
    records: list[dict[str, Any]]
    missing: list[str]
    complete: bool = True


def parse_refs(texts: Sequence[str]) -> list[PaperRef]:
    parsed = []
    for text in texts:
        try:
            ref = parse_paper_ref(text)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        parsed.append(ref)
    return parsed


def _match_titles(ctx: Context, parsed: list[PaperRef]) -> list[PaperRef]:
    """Titles named by S2's closest title match, as the paper id it found; a title
    without a match keeps no id and is reported missing."""
    named = []
    for ref in parsed:
        if ref.s2_id is None and ref.title:
            match = ctx.s2.match_title(ref.title, "paperId")
            if match and match.get("paperId"):
                ref = replace(ref, s2_id=str(match["paperId"]))
        named.append(ref)
    return named


def _arxiv_id(answer: dict[str, Any]) -> str | None:
    external = answer.get("externalIds") or {}
    raw = external.get("ArXiv") if isinstance(external, dict) else None
    ident = normalise_id(str(raw)) if raw else None
    return ident[0] if ident else None


def score_refs(
    ctx: Context,
    texts: Sequence[str],
    *,
    force: bool = False,
    disruption_as_of: int | None = None,
) -> Result:
    """Score the papers ``texts`` name; with ``disruption_as_of`` (the current year) also
    their CD_nok."""
    parsed = parse_refs(texts)
    if ctx.offline:
        raise UsageError("scholar novelty names papers through Semantic Scholar; drop --offline")
    parsed = _match_titles(ctx, parsed)
    asked = list(dict.fromkeys(ref.s2_id for ref in parsed if ref.s2_id))
    answers: dict[str, dict[str, Any] | None] = {}
    answers.update(zip(asked, refs.ask_lists(ctx, asked, LOOKUP_FIELDS), strict=True))
    now = ctx.now()
    found: dict[str, dict[str, Any]] = {
        k: v for k, v in answers.items() if v is not None and v.get("paperId")
    }
    cache.save_references(
        ctx.store, [refs.parse_reference_answer(k, v, now) for k, v in found.items()]
    )
    arxiv_ids = {k: _arxiv_id(v) for k, v in found.items()}
    complete = sync.enrich_arxiv(
        ctx, [Paper(paper_id=a, title="", arxiv_id=a) for a in arxiv_ids.values() if a]
    )
    facts = scores.arxiv_facts(ctx, [a for a in arxiv_ids.values() if a])
    targets = []
    for key, answer in found.items():
        category, year = facts.get(arxiv_ids[key] or "", (None, None))
        citations = answer.get("citationCount")
        targets.append(
            scores.Target(
                str(answer["paperId"]),
                arxiv_ids[key],
                citations if isinstance(citations, int) else None,
                category,
                year,
            )
        )
    outcome = scores.score_papers(ctx, targets, force=force)
    if disruption_as_of is not None:
        from scholarcli.novelty import disruption

        paper_ids = [t.paper_id for t in targets]
        done = disruption.score_disruption(ctx, paper_ids, disruption_as_of, force=force)
        complete = complete and done
        stored = cache.load_disruption(ctx.store, paper_ids)
    else:
        stored = {}
    records: list[dict[str, Any]] = []
    missing: list[str] = []
    for ref in parsed:
        named = found.get(ref.s2_id or "")
        if named is None:
            missing.append(ref.text)
            continue
        score = outcome.scores[str(named["paperId"])]
        record = _record(ref, named, arxiv_ids[ref.s2_id or ""], score)
        row = stored.get(score.paper_id)
        if row is not None:
            record["cd_nok"] = None if row.cd_nok is None else round(row.cd_nok, 4)
            record["cd_nok_citers"] = row.n_i + row.n_j
            record["cd_nok_note"] = row.note
        records.append(record)
    if not records:
        raise NotFoundError(
            f"Semantic Scholar knows none of: {', '.join(missing)}",
            hint="check the identifier; arXiv ids look like 2308.06744, DOIs like 10.18653/v1/...",
        )
    return Result(records, missing, complete and outcome.complete)


def _record(
    ref: PaperRef, answer: dict[str, Any], arxiv_id: str | None, score: cache.Score
) -> dict[str, Any]:
    citations = answer.get("citationCount")
    return {
        "ref": ref.text,
        "paper_id": score.paper_id,
        "arxiv_id": arxiv_id,
        "title": " ".join(str(answer.get("title") or "").split()),
        "year": answer.get("year"),
        "citations": citations if isinstance(citations, int) else None,
        "cohort": cohorts.label(score.category, score.year),
        "novelty": None if score.novelty is None else round(score.novelty, 4),
        "novelty_q99": None if score.novelty_q99 is None else round(score.novelty_q99, 4),
        "novelty_references": score.novelty_references,
        "references_resolved": score.references_resolved,
        "novelty_percentile": score.novelty_percentile,
        "impact_percentile": score.impact_percentile,
        "cohort_n": score.cohort_n,
        "cohort_eligible": score.cohort_eligible,
        "novelty_note": score.note,
    }
