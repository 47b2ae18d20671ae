"""OpenAlex as a profile source (``--source openalex``; docs/sources.md).

Answers the questions the profile builder asks of any source: candidates for a name,
authors by id, an author's complete works (the 100-author trap handled by the client),
when they were fetched. The cache rules are those of the S2 path: a record fetched
within ``--max-age`` answers with zero requests, ``--refresh`` fetches again,
``--offline`` never asks, and when OpenAlex fails (a spent budget included) an older
cached copy answers with a warning. The budget each response reports is kept for
``scholar cache info``.

Metrics are computed by the builder from the works, as for S2; OpenAlex's own
``summary_stats`` figures are only shown beside them where they differ (``annotate``).

It must not build profiles or print: it reports through the context's reporter.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from scholarcli.cache import openalex as oa_cache
from scholarcli.errors import NotFoundError, SourceError, UsageError
from scholarcli.models import Author, Paper, Profile, ProfilePaper
from scholarcli.profile import merge

if TYPE_CHECKING:
    from scholarcli.core import Context, Freshness
    from scholarcli.profile.analysis import CitationTimeline

NAME = "openalex"
SOURCE_LABEL = "OpenAlex"
# The builder's optional steps this source serves: curation rules, arXiv enrichment
# (OpenAlex carries arXiv ids) and citations per year (``timeline``, from each work's
# counts_by_year). Novelty and CD_nok read S2's citation graph.
STEPS = frozenset({"curation", "arxiv", "citations_by_year"})
AUTHOR_ID = re.compile(r"[Aa]\d{1,12}")
OFFLINE_HINT = "fill the cache by running the same command once without --offline"
REFUSALS = {
    "novelty": "Novelty and Impact are computed from Semantic Scholar's references",
    "disruption": "CD_nok is computed from Semantic Scholar's citation graph",
}


def normalise_author_id(value: str) -> str:
    """``A5023888391`` from the short, ``openalex:`` or URL form; UsageError otherwise."""
    raw = value.strip()
    for prefix in ("https://openalex.org/", "http://openalex.org/", "openalex:"):
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix) :]
    if not AUTHOR_ID.fullmatch(raw):
        raise UsageError(
            f"--id {value!r} is not an OpenAlex author id",
            hint="OpenAlex author ids look like A5023888391; scholar find NAME --source openalex",
        )
    return "A" + raw[1:]


class OpenAlexSource:
    name = NAME
    steps = STEPS

    def __init__(self, ctx: Context) -> None:
        self.context: Context | None = ctx
        self.ctx = ctx

    # ------------------------------------------------------------------ budget
    def _keep_budget(self) -> None:
        """Store what the last response said of the daily budget (for cache info)."""
        client = self.ctx._openalex
        if client is None or client.http.budget is None:
            return
        budget = client.http.budget
        # The header is whole seconds to midnight UTC: the nearest minute is the reset.
        resets = None if budget.resets_at is None else round(budget.resets_at / 60) * 60
        oa_cache.save_budget(
            self.ctx.store,
            oa_cache.Budget(
                pool="key" if client.keyed else "keyless",
                limit=budget.limit,
                remaining=budget.remaining,
                resets_at=None
                if resets is None
                else datetime.fromtimestamp(resets, UTC).replace(microsecond=0).isoformat(),
                observed_at=datetime.fromtimestamp(budget.observed_at or time.time(), UTC)
                .replace(microsecond=0)
                .isoformat(),
            ),
        )

    # ---------------------------------------------------------------- people
    def candidates(self, name: str, fresh: Freshness) -> list[Author]:
        from scholarcli.profile.sync import _search_key

        key = _search_key(name)
        ctx = self.ctx
        cached = oa_cache.cached_search(ctx.store, key)
        if cached is not None and fresh.usable(ctx, cached[1]):
            return merge.rank_candidates(name, cached[0])
        if cached is None and ctx.offline:
            raise SourceError(
                f"{name!r} is not in the OpenAlex cache, and --offline asks no source",
                source="cache",
                hint=f'fill it by running once without --offline, e.g. scholar author "{name}" '
                "--source openalex",
            )
        try:
            found = ctx.openalex.search_authors(name)
        except SourceError as exc:
            if cached is None:
                raise
            ctx.reporter.warn(f"{exc.message}; using the search cached at {cached[1]}")
            ctx.served_stale = True
            return merge.rank_candidates(name, cached[0])
        finally:
            self._keep_budget()
        oa_cache.save_search(ctx.store, key, found, ctx.now())
        return merge.rank_candidates(name, found)

    def find(self, name: str, limit: int) -> list[Author]:
        """Candidates for ``scholar find --source openalex`` (always asks OpenAlex)."""
        from scholarcli.profile.sync import _search_key

        key = _search_key(name)
        try:
            found = self.ctx.openalex.search_authors(name, limit=limit)
        finally:
            self._keep_budget()
        if not found:
            raise self.no_match(name)
        oa_cache.save_search(self.ctx.store, key, found, self.ctx.now())
        return merge.rank_candidates(name, found)

    def authors(self, ids: Sequence[str], fresh: Freshness) -> list[Author]:
        wanted = list(dict.fromkeys(normalise_author_id(i) for i in ids))
        ctx = self.ctx
        cached = oa_cache.load_authors(ctx.store, wanted)
        result: dict[str, Author] = {}
        for author_id in wanted:
            hit = cached.get(author_id)
            if hit is not None and fresh.usable(ctx, hit[1]):
                result[author_id] = hit[0]
                continue
            if ctx.offline:
                raise SourceError(
                    f"OpenAlex author {author_id} is not in the cache and --offline is set",
                    source="cache",
                    hint=OFFLINE_HINT,
                )
            try:
                author = ctx.openalex.author(author_id)  # by id: free
            except SourceError as exc:
                if hit is None:
                    raise
                ctx.reporter.warn(f"{exc.message}; using the author record cached at {hit[1]}")
                ctx.served_stale = True
                result[author_id] = hit[0]
                continue
            finally:
                self._keep_budget()
            if author.author_id != author_id:
                ctx.reporter.note(f"OpenAlex merged {author_id} into {author.author_id}")
            oa_cache.save_authors(ctx.store, [author], ctx.now())
            result[author_id] = author
        return [result[i] for i in wanted]

    # ----------------------------------------------------------------- works
    def papers(self, author: Author, fresh: Freshness) -> list[Paper]:
        """The author's complete works: cached when usable, else fetched as one unit."""
        ctx = self.ctx
        fetch = oa_cache.works_fetch(ctx.store, author.author_id)
        if fetch is not None and fresh.usable(ctx, fetch.fetched_at):
            return oa_cache.load_author_works(ctx.store, author.author_id)
        if ctx.offline:
            raise SourceError(
                f"the OpenAlex works of {author.name} ({author.author_id}) are not cached "
                "and --offline is set",
                source="cache",
                hint="run once without --offline",
            )
        try:
            with ctx.reporter.progress(f"Works of {author.name}", author.paper_count) as advance:
                found = ctx.openalex.author_works(author, on_page=advance)
        except SourceError as exc:
            if fetch is None:
                raise
            ctx.reporter.warn(f"{exc.message}; showing OpenAlex data cached at {fetch.fetched_at}")
            ctx.served_stale = True
            return oa_cache.load_author_works(ctx.store, author.author_id)
        finally:
            self._keep_budget()
        if found.recovered:
            ctx.reporter.note(
                f"{author.name}: {len(found.recovered)} work(s) where they are listed past "
                "the 100th author were found by name and confirmed on the full record "
                "(OpenAlex's author filter misses them)"
            )
        oa_cache.save_author_works(
            ctx.store,
            author,
            found.works,
            ctx.now(),
            swept=found.swept,
            recovered=len(found.recovered),
        )
        return found.works

    def fetched_at(self, authors: Sequence[Author]) -> str | None:
        fetched = [
            f.fetched_at
            for f in (oa_cache.works_fetch(self.ctx.store, a.author_id) for a in authors)
            if f is not None
        ]
        return min(fetched) if fetched else None

    # ------------------------------------------------------------- wording
    def no_match(self, name: str) -> NotFoundError:
        where = " in the cache (--offline)" if self.ctx.offline else ""
        return NotFoundError(
            f"no OpenAlex author matches {name!r}{where}",
            hint="check the spelling or try fewer name parts; "
            "scholar find NAME --source openalex lists matches",
        )

    def others_note(
        self, name: str, chosen: Author, others: int, purpose: str = "showing"
    ) -> str | None:
        return (
            f"{others} other OpenAlex profile(s) match {name!r}; {purpose} {chosen.name} "
            f'({chosen.author_id}). List them with: scholar find "{name}" --source openalex; '
            "pin one or merge several with --id"
        )

    def refusal(self, step: str) -> UsageError:
        why = REFUSALS.get(step, "it needs Semantic Scholar data")
        option = "--" + step.replace("_", "-")
        return UsageError(
            f"{option} is not available with --source openalex: {why}",
            hint=f"leave out {option}, or use --source s2",
        )

    def annotate(self, profile: Profile, authors: Sequence[Author]) -> None:
        """What an OpenAlex profile adds: ids, ORCID, institutions with years, and
        OpenAlex's own figures where they differ from the ones computed here."""
        profile.source = NAME
        profile.openalex_id = authors[0].author_id if authors else None
        profile.orcid = next((a.orcid for a in authors if a.orcid), None)
        institutions = []
        seen: set[str] = set()
        for author in authors:
            for inst in author.institutions:
                if inst.name not in seen:
                    seen.add(inst.name)
                    institutions.append(inst)
        profile.institutions = institutions
        if len(authors) == 1:  # summary_stats are per id: no sum for a merged person
            own = authors[0]
            theirs = {
                "paper_count": own.paper_count,
                "citation_count": own.citation_count,
                "h_index": own.h_index,
                "i10_index": own.i10_index,
            }
            differ = {
                k: v for k, v in theirs.items() if v is not None and profile.metrics.get(k) != v
            }
            profile.source_reported = differ or None
            if differ:
                shown = ", ".join(f"{k} {v:,}" for k, v in differ.items())
                self.ctx.reporter.note(
                    f"OpenAlex's own figures differ ({shown}): they count every work of "
                    "every type; scholar's are computed from the works listed (docs/sources.md)"
                )

    def timeline(self, rows: Sequence[ProfilePaper]) -> CitationTimeline:
        """Citations per year from each work's ``counts_by_year``: no request at all.

        OpenAlex keeps about the last ten years of counts per work, so earlier years read
        as none and the note says so; h5_index and i10_5y need only five years and are
        exact within the window.
        """
        from scholarcli.profile.analysis import CitationTimeline

        works = oa_cache.load_works(self.ctx.store, [row.paper_id for row in rows])
        by_paper: dict[str, dict[int, int]] = {}
        for row in rows:
            work = works.get(row.paper_id)
            by_paper[row.paper_id] = dict(work.counts_by_year or {}) if work else {}
        years = [y for counts in by_paper.values() for y, c in counts.items() if c]
        if years:
            self.ctx.reporter.note(
                f"OpenAlex counts citations per year from {min(years)} on (about the last "
                "ten years); citations of earlier years are not in the per-year rows"
            )
        return CitationTimeline(by_paper=dict(by_paper))

    def close(self) -> None:
        """The command closes the run context; the budget was kept as it came."""


def build_openalex_profile(
    ctx: Context, name: str | None, ids: Sequence[str], *, as_of: date, fresh: Freshness
) -> tuple[Profile, bool]:
    """(profile, complete): ``build_openalex_view`` without per-year rows."""
    profile, complete, _ = build_openalex_view(ctx, name, ids, as_of=as_of, fresh=fresh)
    return profile, complete


def build_openalex_view(
    ctx: Context,
    name: str | None,
    ids: Sequence[str],
    *,
    as_of: date,
    fresh: Freshness,
    citations_by_year: bool = False,
) -> tuple[Profile, bool, list[dict[str, int]] | None]:
    """A profile from OpenAlex through the one profile builder (``profile.builder``)."""
    from scholarcli.profile import builder

    request = builder.ProfileRequest(
        name, tuple(ids), as_of=as_of, fresh=fresh, citations_by_year=citations_by_year
    )
    view = builder.build_profile(OpenAlexSource(ctx), request)
    return view.profile, view.complete, view.per_year
