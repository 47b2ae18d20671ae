"""One way to build a person's profile, from any source (docs/design.md, "Building a profile").

``build_profile(source, request)`` runs the same steps for every command that shows
a person (author, metrics, compare, export, report, track, coauthors, timeline):

1. resolve: the ``--id`` values, or the best candidate for the name;
2. papers: each chosen id's list, from the source (cached or fetched by its rules);
3. curate: ``--exclude/--include/--merge`` stored, then the person's rules applied;
4. enrich: arXiv categories and first-version dates;
5. merge: profile rows (one paper once), header metrics, primary category;
6. indicators: Novelty, Impact, CD_nok, self-citations (``INDICATOR_STEPS``);
7. per year: papers and citations per year, h5_index and i10_5y;
8. last: stability intervals on request, coverage and provenance (``profile.trust``).

Steps 3, 4, 6 and 7 run only where the source supports them (``ProfileSource.steps``);
asking for one a source cannot do is refused with one ``error:`` line before any
work. The result is one frozen ``ProfileView``.

The source is chosen in one place, ``profile_source(spec, ctx)``, from the
``--source`` value. A new source is one more class with the ``ProfileSource``
methods and one more branch there; nothing else changes.

It must not parse options or print: it reports through the context's reporter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

from scholarcli.cache import arxiv as arxiv_cache
from scholarcli.categories import category_name
from scholarcli.core import Context, Freshness, natural_order
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.models import ArxivEntry, Author, Paper, Profile
from scholarcli.profile import curation, merge

if TYPE_CHECKING:
    from scholarcli.profile.analysis import CitationTimeline

#: The ``source`` of metric rows built from the Semantic Scholar API.
SOURCE_S2 = "semantic_scholar"

# The optional steps a source may support.
CURATION = "curation"  # --exclude/--include/--merge and the person's stored rules
ARXIV = "arxiv"  # arXiv categories and first-version dates
CITATIONS_BY_YEAR = "citations_by_year"
NOVELTY = "novelty"  # --novelty: Novelty and Impact computed
DISRUPTION = "disruption"  # --disruption: CD_nok computed
STORED_INDICATORS = "stored_indicators"  # values computed before, shown on every profile
SELF_CITATIONS = "self_citations"  # --self-citations: who cites each paper, counted


class ProfileSource(Protocol):
    """Where a profile's people and papers come from (the S2 API, ``datasets:DIR``, ...).

    The builder asks a source only these questions; everything else (curation,
    merging, metrics, indicators) is the builder's and the same for every source.
    """

    #: The ``source`` field of metric rows (``semantic_scholar``, ``datasets:DIR``).
    name: str
    #: The optional steps above that this source can serve.
    steps: frozenset[str]
    #: The run context the network and cache steps use; None for a source that
    #: needs neither (``datasets:DIR`` opens no cache).
    context: Context | None

    def candidates(self, name: str, fresh: Freshness) -> list[Author]:
        """Authors matching ``name``, best first; empty when none does."""
        ...

    def authors(self, ids: Sequence[str], fresh: Freshness) -> list[Author]:
        """The authors with these ids, in the order given (errors for unknown ids)."""
        ...

    def papers(self, author: Author, fresh: Freshness) -> list[Paper]:
        """One author's complete paper list, as source-neutral ``Paper`` records."""
        ...

    def fetched_at(self, authors: Sequence[Author]) -> str | None:
        """When the data behind these authors was fetched (the oldest), if known."""
        ...

    def no_match(self, name: str) -> NotFoundError:
        """The error for a name that matches nobody."""
        ...

    def others_note(self, name: str, chosen: Author, others: int, purpose: str) -> str | None:
        """The note when ``others`` more candidates matched ``name`` (``purpose``: what
        is done with the chosen one, e.g. "showing"), if any."""
        ...

    def refusal(self, step: str) -> UsageError:
        """The error for asking a step this source does not support."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ProfileRequest:
    """What a command asks of the builder."""

    name: str | None
    ids: tuple[str, ...]
    as_of: date
    fresh: Freshness = field(default_factory=Freshness)
    citations_by_year: bool = False
    novelty: bool = False
    disruption: bool = False
    #: Put Novelty, Impact and CD_nok computed before on the profile (scholar author).
    stored_indicators: bool = False
    edits: curation.Edits | None = None
    #: --self-citations: count self- and co-author self-citations (profile.selfcite).
    self_citations: bool = False
    #: --intervals: 95 % stability intervals of the indicators (profile.trust).
    intervals: bool = False
    #: What the command does with the profile, for the note on other candidates.
    purpose: str = "showing"


@dataclass(frozen=True)
class ProfileView:
    """A built profile: the profile, its per-year rows, and whether it is complete."""

    profile: Profile
    per_year: list[dict[str, int]] | None = None
    complete: bool = True
    source: str = SOURCE_S2
    #: Per-year citation counts behind ``per_year`` (None unless asked for).
    timeline: CitationTimeline | None = None
    #: The curated source records behind ``profile.papers`` (coauthors read them).
    records: tuple[Paper, ...] = ()


# --- choosing the source ----------------------------------------------------------------

DATASETS_PREFIX = "datasets:"


def is_api(spec: str | None) -> bool:
    """Does ``--source spec`` mean the Semantic Scholar API (and so a run context)?"""
    return spec is None or spec.strip().lower() in ("", "api", "s2")


OPENALEX = "openalex"


def is_openalex(spec: str | None) -> bool:
    return spec is not None and spec.strip().lower() == OPENALEX


def needs_context(spec: str | None) -> bool:
    """Does the source ``spec`` names ask the network and the cache (a run context)?"""
    return is_api(spec) or is_openalex(spec)


def profile_source(spec: str | None, ctx: Context | None) -> ProfileSource:
    """The source ``--source spec`` names: the one place the choice is made.

    ``ctx`` is required for the API (``is_api(spec)``) and unused otherwise. A comma
    list (``s2,openalex``) names the sources side by side, which is not one source:
    ``scholar author`` and ``scholar sources`` build each of them through here
    (``crosswalk.people``); every other command refuses it.
    """
    if spec is not None and "," in spec:
        raise UsageError(
            f"--source {spec!r} names several sources, which only scholar author and "
            "scholar sources put side by side",
            hint="name one source here, e.g. --source s2 or --source openalex",
        )
    if is_api(spec):
        if ctx is None:
            raise ValueError("the API source needs a run context")
        from scholarcli.profile.api_source import ApiSource

        return ApiSource(ctx)
    assert spec is not None
    if is_openalex(spec):
        if ctx is None:
            raise ValueError("the OpenAlex source needs a run context")
        from scholarcli.profile.openalex_source import OpenAlexSource

        return OpenAlexSource(ctx)
    if spec.startswith(DATASETS_PREFIX) and spec[len(DATASETS_PREFIX) :].strip():
        from scholarcli.datasets.local import DatasetsSource, source_dir

        root = source_dir(spec)
        assert root is not None
        return DatasetsSource(root)
    raise UsageError(
        f"--source must be s2, openalex or datasets:DIR, not {spec!r}",
        hint="e.g. --source datasets:~/s2 after scholar datasets ingest ~/s2",
    )


# --- the steps --------------------------------------------------------------------------


def check_supported(source: ProfileSource, request: ProfileRequest) -> None:
    """Refuse, before any work, what the source cannot do (the first such step)."""
    asked = [
        (NOVELTY, request.novelty),
        (DISRUPTION, request.disruption),
        (SELF_CITATIONS, request.self_citations),
        (CURATION, bool(request.edits)),
        (CITATIONS_BY_YEAR, request.citations_by_year),
    ]
    for step, wanted in asked:
        if wanted and step not in source.steps:
            raise source.refusal(step)


def resolve(source: ProfileSource, request: ProfileRequest) -> tuple[list[Author], int]:
    """The chosen authors and how many other candidates matched the name."""
    if request.ids:
        return source.authors(request.ids, request.fresh), 0
    name = request.name
    if not name or not name.strip():
        raise UsageError("give a name or at least one --id")
    name = natural_order(name)
    ranked = source.candidates(name, request.fresh)
    if not ranked:
        raise source.no_match(name)
    merge.refuse_ambiguous(name, ranked)
    return [ranked[0]], len(ranked) - 1


def _curate(
    source: ProfileSource,
    request: ProfileRequest,
    authors: Sequence[Author],
    lists: Sequence[Sequence[Paper]],
    display: str,
) -> curation.Curated:
    ctx = source.context
    if CURATION not in source.steps or ctx is None:
        return curation.Curated(merge.merge_author_lists(lists))
    from scholarcli.profile.sync import curated_papers

    chosen_ids = [a.author_id for a in authors]
    if request.edits:
        everything = merge.merge_author_lists(lists)
        for note in curation.save_edits(
            ctx.store, chosen_ids[0], chosen_ids, everything, request.edits, ctx.now()
        ):
            ctx.reporter.note(note)
    return curated_papers(ctx, chosen_ids, lists, name=display)


def _enrich(source: ProfileSource, papers: list[Paper]) -> tuple[bool, Mapping[str, ArxivEntry]]:
    ctx = source.context
    if ARXIV not in source.steps or ctx is None:
        return True, {}
    from scholarcli.profile.sync import enrich_arxiv

    complete = enrich_arxiv(ctx, papers)
    return complete, arxiv_cache.load_arxiv(ctx.store, [p.arxiv_id for p in papers if p.arxiv_id])


def _novelty_and_disruption(
    source: ProfileSource, request: ProfileRequest, profile: Profile
) -> bool:
    ctx = source.context
    if ctx is None or STORED_INDICATORS not in source.steps:
        return True
    if not (request.novelty or request.disruption):
        from scholarcli.cache import novelty as novelty_cache

        paper_ids = [p.paper_id for p in profile.papers]
        if novelty_cache.person_computed(
            ctx.store, profile.ids
        ) is None and not novelty_cache.any_disruption(ctx.store, paper_ids):
            # Nothing stored to show: spare importing the scoring code (~100 ms warm).
            return True
    from scholarcli.novelty import scores

    return scores.profile_indicators(
        ctx,
        profile,
        novelty=request.novelty,
        disruption=request.disruption,
        force=request.fresh.refresh,
        year=request.as_of.year,
    )


@dataclass(frozen=True)
class IndicatorStep:
    """One indicator computed on a built profile; ``run`` returns False if partial."""

    name: str
    wanted: Callable[[ProfileRequest], bool]
    run: Callable[[ProfileSource, ProfileRequest, Profile], bool]


def _self_citations(source: ProfileSource, request: ProfileRequest, profile: Profile) -> bool:
    if source.context is None:
        return True
    from scholarcli.profile import selfcite

    return selfcite.attach(source.context, profile, request.fresh)


#: The indicator steps, in order.
INDICATOR_STEPS: tuple[IndicatorStep, ...] = (
    IndicatorStep(
        "novelty_impact_disruption",
        lambda r: r.stored_indicators or r.novelty or r.disruption,
        _novelty_and_disruption,
    ),
    IndicatorStep("self_citations", lambda r: r.self_citations, _self_citations),
)


def _finish(source: ProfileSource, request: ProfileRequest, profile: Profile) -> None:
    """Last: intervals when asked, coverage, and (with a cache) the provenance."""
    from scholarcli.profile import trust

    if request.intervals:
        trust.attach_intervals(profile)
    trust.attach_coverage(profile)
    if source.context is not None:
        profile.provenance = trust.provenance(
            source.context, profile, citations_by_year=request.citations_by_year
        )


def build_profile(source: ProfileSource, request: ProfileRequest) -> ProfileView:
    """The person's profile, built by the steps of the module docstring."""
    check_supported(source, request)
    authors, others = resolve(source, request)
    display = next((a.name for a in authors if a.name), request.name or authors[0].author_id)
    if others and request.name:
        note = source.others_note(natural_order(request.name), authors[0], others, request.purpose)
        if note and source.context is not None:
            source.context.reporter.note(note)
    lists = [source.papers(author, request.fresh) for author in authors]
    curated = _curate(source, request, authors, lists, display)
    papers = curated.papers
    complete, arxiv = _enrich(source, papers)
    chosen_ids = [a.author_id for a in authors]
    rows = merge.profile_papers(papers, arxiv, chosen_ids, display, request.as_of)
    early = merge.as_of_before_first_paper((r.year for r in rows), request.as_of)
    if early and source.context is not None:
        source.context.reporter.warn(early)
    primary = merge.primary_category(rows)
    profile = Profile(
        name=display,
        ids=chosen_ids,
        affiliations=list(dict.fromkeys(x for a in authors for x in a.affiliations)),
        as_of=request.as_of.isoformat(),
        primary_category=primary,
        primary_category_name=category_name(primary),
        metrics=merge.profile_metrics(rows, request.as_of),
        papers=rows,
        fetched_at=source.fetched_at(authors),
        candidates=others,
        curation=curated.summary(),
    )
    # What a source adds to the header beyond the common fields (OpenAlex: its ids,
    # ORCID, institutions with years, and its own figures where they differ).
    annotate = getattr(source, "annotate", None)
    if annotate is not None:
        annotate(profile, authors)
    # An explicit --refresh answered from the cache after a failure (a rejected key, S2
    # down) must not look like success to a script: partial, with the warning given.
    ctx = source.context
    if request.fresh.refresh and ctx is not None and ctx.served_stale:
        complete = False
    for step in INDICATOR_STEPS:
        if step.wanted(request):
            complete = step.run(source, request, profile) and complete
    timeline = None
    per_year = None
    if request.citations_by_year and ctx is not None:
        from scholarcli.profile import analysis

        # A source with its own per-year counts (OpenAlex's counts_by_year) answers
        # them; otherwise they are fetched from S2's citation lists.
        own = getattr(source, "timeline", None)
        timeline = (
            own(rows) if own is not None else analysis.citation_timeline(ctx, rows, request.fresh)
        )
        per_year = analysis.per_year_rows(rows, timeline.by_paper)
        profile.metrics.update(analysis.recent_metrics(rows, timeline.by_paper, request.as_of))
        complete = complete and timeline.complete
    _finish(source, request, profile)
    return ProfileView(
        profile,
        per_year=per_year,
        complete=complete,
        source=source.name,
        timeline=timeline,
        records=tuple(papers),
    )
