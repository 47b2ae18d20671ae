"""Novelty and Impact of papers and people: what to fetch, then the values, then the cache.

One run scores a set of target papers (an author's, or those of ``scholar novelty``):

1. the (arXiv primary category, v1 year) cohorts they fall in: cached ones younger than
   30 days are reused, the others drawn from arXiv (``cohort.draw_sample``);
2. ONE round of ``POST /paper/batch`` with ``fields=citationCount,referenceCount,externalIds,
   references.paperId`` for the targets' stale lists and every new cohort member together
   (500 ids a request; ``references.ask_lists`` on S2's cap of nested items);
3. ONE round of ``POST /paper/batch?fields=embedding.specter_v2`` for every distinct
   reference of all of them whose vector was never fetched (500 a request);
4. the values (``indicators.novelty``), stored per cohort member and per target.

A later profile of a person whose novelty was computed reads the stored values with no
request (``attach``). A cohort leaves out the papers being ranked (the author's own).

It must not parse options or print: it reports through ``ctx.reporter``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.cache import novelty as cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import SourceError
from scholarcli.indicators import novelty as ind
from scholarcli.models import Profile
from scholarcli.novelty import cohort as cohorts
from scholarcli.novelty import references as refs

Key = tuple[str, int]


@dataclass(frozen=True)
class Target:
    """A paper to score: its S2 id, arXiv record facts and citation count."""

    paper_id: str
    arxiv_id: str | None
    citations: int | None
    category: str | None  # arXiv primary category
    year: int | None  # year of the arXiv v1 date


@dataclass
class Outcome:
    scores: dict[str, cache.Score] = field(default_factory=dict)
    complete: bool = True


def arxiv_facts(ctx: Context, arxiv_ids: Iterable[str]) -> dict[str, tuple[str | None, int | None]]:
    """``arxiv_id -> (primary category, v1 year)`` from the cached arXiv records."""
    facts: dict[str, tuple[str | None, int | None]] = {}
    for arxiv_id, entry in arxiv_cache.load_arxiv(ctx.store, arxiv_ids).items():
        year = entry.published[:4] if entry.published else ""
        facts[arxiv_id] = (entry.primary_category, int(year) if year.isdigit() else None)
    return facts


def profile_targets(ctx: Context, profile: Profile) -> list[Target]:
    facts = arxiv_facts(ctx, [p.arxiv_id for p in profile.papers if p.arxiv_id])
    targets = []
    for paper in profile.papers:
        category, year = facts.get(paper.arxiv_id or "", (None, None))
        targets.append(Target(paper.paper_id, paper.arxiv_id, paper.citations, category, year))
    return targets


# -- fetching ----------------------------------------------------------------------------
def _draw_cohorts(ctx: Context, keys: Sequence[Key], outcome: Outcome) -> dict[Key, cohorts.Draw]:
    draws: dict[Key, cohorts.Draw] = {}
    for category, year in keys:
        ctx.reporter.note(f"novelty: drawing the cohort {category} {year} from arXiv")
        try:
            draws[(category, year)] = cohorts.draw_sample(ctx, category, year)
        except SourceError as exc:
            ctx.reporter.warn(f"{exc.message}; the cohort {category} {year} is not built")
            outcome.complete = False
    return draws


def _fetch(
    ctx: Context,
    targets: Sequence[Target],
    draws: dict[Key, cohorts.Draw],
    force: bool,
    outcome: Outcome,
) -> dict[str, cache.ReferenceList]:
    """Reference lists of targets and new members, then the missing vectors."""
    cached = cache.load_references(ctx.store, [t.paper_id for t in targets])
    stale = [
        t.paper_id
        for t in targets
        if force or refs.stale(ctx, cached[t.paper_id].fetched_at if t.paper_id in cached else None)
    ]
    asked = list(
        dict.fromkeys([*stale, *(f"ARXIV:{a}" for d in draws.values() for a in d.arxiv_ids)])
    )
    lists = dict(cached)
    if ctx.offline or not asked:
        return lists
    try:
        lists.update(refs.fetch_reference_lists(ctx, asked))
        wanted = {r for t in targets if t.paper_id in lists for r in lists[t.paper_id].refs}
        wanted |= {
            r for asked_id, rl in lists.items() if asked_id.startswith("ARXIV:") for r in rl.refs
        }
        needed = refs.vectors_needed(ctx, sorted(wanted))
        if needed:
            ctx.reporter.note(f"novelty: fetching {len(needed)} reference vector(s)")
        refs.fetch_vectors(ctx, needed)
    except SourceError as exc:
        ctx.reporter.warn(f"{exc.message}; novelty values may be missing or from an older fetch")
        outcome.complete = False
        draws.clear()  # a half-fetched cohort is not stored
    return lists


# -- values ------------------------------------------------------------------------------
def spread_of(ctx: Context, references: Sequence[str]) -> ind.Spread:
    """The reference spread of a paper whose resolved references are ``references``."""
    import numpy as np

    stored = cache.load_vectors(ctx.store, references, refs.MODEL)
    rows = [np.frombuffer(stored[r], dtype=np.float32) for r in references if r in stored]
    if rows:
        # One model has one length; a row of another length would be a damaged record.
        common = Counter(len(row) for row in rows).most_common(1)[0][0]
        rows = [row for row in rows if len(row) == common]
    matrix = np.vstack(rows) if rows else np.empty((0, 0))
    return ind.reference_spread(matrix, len(references))


def _build_cohort(
    ctx: Context, draw: cohorts.Draw, lists: dict[str, cache.ReferenceList]
) -> cache.Cohort:
    members = []
    for arxiv_id in draw.arxiv_ids:
        found = lists.get(f"ARXIV:{arxiv_id}")
        if found is None or not found.found:
            members.append(cache.Member(arxiv_id, None, None, None, None, 0, 0))
            continue
        spread = spread_of(ctx, found.refs)
        members.append(
            cache.Member(
                arxiv_id,
                found.paper_id,
                found.citations,
                spread.novelty,
                spread.novelty_q99,
                spread.embedded,
                spread.resolved,
            )
        )
    built = cache.Cohort(
        draw.category, draw.year, ctx.now(), draw.listing_total, draw.method, refs.MODEL, members
    )
    cache.save_cohort(ctx.store, built)
    return built


def _score(
    ctx: Context,
    target: Target,
    found: cache.ReferenceList | None,
    cohort: cache.Cohort | None,
    exclude: set[str],
) -> cache.Score:
    notes: list[str] = []
    spread: ind.Spread | None = None
    citations = target.citations
    if found is None:
        notes.append("references not fetched yet")
    elif not found.found:
        notes.append("not found on Semantic Scholar")
    else:
        spread = spread_of(ctx, found.refs)
        if spread.reason:
            notes.append(spread.reason)
        if citations is None:
            citations = found.citations
    name = cohorts.label(target.category, target.year)
    novelty_pct = impact_pct = n = eligible = None
    top10: bool | None = None
    if target.category is None or target.year is None:
        notes.append("no arXiv record: no cohort to rank against")
    elif cohort is None:
        notes.append(f"cohort {name} not built")
    else:
        members = [
            m for m in cohort.members if m.arxiv_id not in exclude and m.paper_id not in exclude
        ]
        values = [m.novelty for m in members if m.novelty is not None]
        cites = [m.citations for m in members if m.paper_id and m.citations is not None]
        n, eligible = len(cites), len(values)
        if spread is not None and spread.novelty is not None:
            novelty_pct = ind.cohort_percentile(spread.novelty, values)
            if novelty_pct is None:
                notes.append(f"cohort {name} has {eligible} eligible papers (< {ind.MIN_COHORT})")
        if citations is not None:
            impact_pct = ind.cohort_percentile(citations, cites)
            if impact_pct is None:
                notes.append(f"cohort {name} has {n} papers on S2 (< {ind.MIN_COHORT})")
            bar = ind.top_threshold(cites)
            top10 = None if bar is None else citations >= bar
    return cache.Score(
        paper_id=target.paper_id,
        novelty=spread.novelty if spread else None,
        novelty_q99=spread.novelty_q99 if spread else None,
        novelty_references=spread.embedded if spread else None,
        references_resolved=spread.resolved if spread else None,
        novelty_percentile=novelty_pct,
        impact_percentile=impact_pct,
        top10=top10,
        category=target.category if cohort is not None else None,
        year=target.year if cohort is not None else None,
        cohort_n=n,
        cohort_eligible=eligible,
        note="; ".join(notes) or None,
        model=refs.MODEL,
        computed_at=ctx.now(),
    )


def _cohort_stale(ctx: Context, built: cache.Cohort | None) -> bool:
    return built is None or not Freshness(max_age=cohorts.REUSE).within_age(ctx, built.built_at)


def score_papers(
    ctx: Context, targets: Sequence[Target], *, exclude: Iterable[str] = (), force: bool = False
) -> Outcome:
    """Score ``targets`` against their cohorts, fetching only what is missing or stale.

    ``exclude`` lists arXiv ids and paperIds left out of every cohort (the targets are
    always left out); ``force`` reads the targets' reference lists again.
    """
    outcome = Outcome()
    left_out = set(exclude) | {t.paper_id for t in targets}
    left_out |= {t.arxiv_id for t in targets if t.arxiv_id}
    keys = sorted({(t.category, t.year) for t in targets if t.category and t.year})
    built = {key: cache.load_cohort(ctx.store, *key) for key in keys}
    todo = [key for key in keys if not ctx.offline and _cohort_stale(ctx, built[key])]
    draws = _draw_cohorts(ctx, todo, outcome)
    lists = _fetch(ctx, targets, draws, force, outcome)
    for key, draw in draws.items():
        built[key] = _build_cohort(ctx, draw, lists)
    for target in targets:
        key = (target.category or "", target.year or 0)
        outcome.scores[target.paper_id] = _score(
            ctx, target, lists.get(target.paper_id), built.get(key), left_out
        )
    cache.save_scores(ctx.store, outcome.scores.values())
    return outcome


# -- people ------------------------------------------------------------------------------
def score_profile(ctx: Context, profile: Profile, *, force: bool = False) -> bool:
    """Compute and store the novelty of every paper of ``profile``; False if partial."""
    targets = profile_targets(ctx, profile)
    outcome = score_papers(ctx, targets, force=force)
    cache.mark_person(ctx.store, profile.ids, ctx.now())
    return outcome.complete


def summary(profile: Profile, scores: dict[str, cache.Score]) -> dict[str, Any]:
    """The author fields: medians, PP(top 10 %), and the cohorts the papers fall in."""
    rows = [scores[p.paper_id] for p in profile.papers if p.paper_id in scores]
    novelty = [s.novelty_percentile for s in rows if s.novelty_percentile is not None]
    share = ind.top_share(s.top10 for s in rows)
    groups: dict[Key, list[cache.Score]] = {}
    for s in rows:
        if s.category and s.year and s.cohort_n is not None:
            groups.setdefault((s.category, s.year), []).append(s)
    ranked = sorted(
        groups.items(),
        key=lambda item: (
            -sum(1 for s in item[1] if s.novelty_percentile is not None),
            -len(item[1]),
            item[0],
        ),
    )
    return {
        "novelty_percentile": ind.median_percentile(novelty),
        "novelty_papers": len(novelty),
        "impact_percentile": ind.median_percentile(s.impact_percentile for s in rows),
        "impact_top10_share": None if share is None else round(share, 4),
        "cohorts": [
            {
                "category": category,
                "year": year,
                "n": max(s.cohort_n or 0 for s in members),
                "n_eligible": max(s.cohort_eligible or 0 for s in members),
            }
            for (category, year), members in ranked
        ],
    }


def attach(ctx: Context, profile: Profile) -> None:
    """Put the stored values on the profile of a person whose novelty was computed.

    Stored CD_nok values (``--disruption``) go on every paper that has one.
    """
    from scholarcli.novelty import disruption

    disruption.attach(ctx, profile.papers)
    if cache.person_computed(ctx.store, profile.ids) is None:
        return
    scores = cache.load_scores(ctx.store, [p.paper_id for p in profile.papers])
    for paper in profile.papers:
        score = scores.get(paper.paper_id)
        if score is None:
            continue
        # Four decimals, as every float of csv/json (the cache keeps full precision).
        paper.novelty = None if score.novelty is None else round(score.novelty, 4)
        paper.novelty_q99 = None if score.novelty_q99 is None else round(score.novelty_q99, 4)
        paper.novelty_references = score.novelty_references
        paper.references_resolved = score.references_resolved
        paper.novelty_percentile = score.novelty_percentile
        paper.impact_percentile = score.impact_percentile
        paper.cohort = cohorts.label(score.category, score.year)
        paper.novelty_note = score.note
        paper.impact_top10 = score.top10
    profile.indicators = summary(profile, scores)
    profile.impact_papers = sum(
        1
        for p in profile.papers
        if p.paper_id in scores and scores[p.paper_id].impact_percentile is not None
    )
    _attach_normalised(ctx, profile, scores)


def _attach_normalised(ctx: Context, profile: Profile, scores: dict[str, cache.Score]) -> None:
    """MNCS and PP(top 1 %) over the papers with an Impact percentile, against the same
    cohorts (the person's own papers left out, as for the percentile)."""
    own = {p.paper_id for p in profile.papers} | {p.arxiv_id for p in profile.papers if p.arxiv_id}
    cohorts_of: dict[Key, list[float]] = {}
    built_at: list[str] = []
    flags: list[bool | None] = []
    ratios: list[float | None] = []
    for paper in profile.papers:
        score = scores.get(paper.paper_id)
        if score is None or score.impact_percentile is None or not score.category:
            continue
        key = (score.category, score.year or 0)
        if key not in cohorts_of:
            built = cache.load_cohort(ctx.store, *key)
            members = built.members if built is not None else []
            if built is not None:
                built_at.append(built.built_at)
            cohorts_of[key] = [
                float(m.citations)
                for m in members
                if m.paper_id
                and m.citations is not None
                and m.paper_id not in own
                and m.arxiv_id not in own
            ]
        cites = cohorts_of[key]
        ncs = ind.normalised_citations(paper.citations, cites)
        paper.ncs = None if ncs is None else round(ncs, 4)
        ratios.append(ncs)
        bar = ind.quantile(cites, ind.TOP1_Q) if len(cites) >= ind.MIN_COHORT else None
        flags.append(None if bar is None else paper.citations >= bar)
    mncs = ind.mean_of(ratios)
    share = ind.top_share(flags)
    profile.extra["mncs"] = None if mncs is None else round(mncs, 4)
    profile.extra["impact_top1_share"] = None if share is None else round(share, 4)
    profile.extra["impact_scored_papers"] = profile.impact_papers
    if built_at:  # when the cohorts the values rest on were drawn (a score's own time
        # changes with every --novelty run, so it is no record's fetch time)
        profile.fetched["cohorts"] = (min(built_at), max(built_at))


def profile_indicators(
    ctx: Context, profile: Profile, *, novelty: bool, disruption: bool, force: bool, year: int
) -> bool:
    """What ``scholar author`` does for Novelty, Impact and CD_nok: compute what was asked
    (never offline), then put every stored value on the profile. False if partial."""
    complete = True
    if novelty and ctx.offline:
        ctx.reporter.note("--offline: Novelty and Impact as last computed, if ever")
    elif novelty:
        complete = score_profile(ctx, profile, force=force)
    if disruption and not ctx.offline:
        from scholarcli.novelty import disruption as cd

        paper_ids = [p.paper_id for p in profile.papers]
        complete = cd.score_disruption(ctx, paper_ids, year, force=force) and complete
    attach(ctx, profile)
    return complete
