"""Orchestration: resolve a person, fetch what is stale, merge, enrich, compute.

This is the only module that decides *when* to ask a source: a profile fetched
within its max age is answered from the cache with zero requests; ``refresh``
forces a fetch; ``offline`` never touches the network; when a source fails and an
older cached copy exists, that copy is used and a warning says so. Every fetched
unit (a search, one author's complete paper list, one arXiv batch) is committed in
its own transaction, so an interrupted run never leaves half a list that looks
complete.

It must not parse options or print: it reports through a ``Reporter``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from scholarcli.cache import curation as curation_rules
from scholarcli.cache.store import Store
from scholarcli.categories import category_name
from scholarcli.config import Settings
from scholarcli.errors import NotFoundError, SourceError, UsageError
from scholarcli.ids import normalise_id
from scholarcli.models import Author, Paper, Profile
from scholarcli.profile import curation, merge

if TYPE_CHECKING:
    from scholarcli.sources.arxiv import Arxiv
    from scholarcli.sources.http import HttpClient
    from scholarcli.sources.openalex import OpenAlex
    from scholarcli.sources.semanticscholar import SemanticScholar

DEFAULT_MAX_AGE = timedelta(days=7)
OFFLINE_HINT = "fill the cache by running the same command once without --offline"


class Reporter(Protocol):
    def warn(self, message: str) -> None: ...
    def note(self, message: str) -> None: ...
    def progress(
        self, description: str, total: int | None
    ) -> AbstractContextManager[Callable[[int], None]]: ...


class QuietReporter:
    """A reporter that drops everything (library use, tests)."""

    def warn(self, message: str) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None) -> Iterator[Callable[[int], None]]:
        yield lambda n: None


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Context:
    """What one command run shares: settings, the open cache, lazily built clients."""

    settings: Settings
    store: Store
    reporter: Reporter = field(default_factory=QuietReporter)
    offline: bool = False
    clock: Callable[[], datetime] = utcnow
    _clients: dict[str, HttpClient] = field(default_factory=dict)
    # Set when a source failed and cached data answered instead: with an explicit
    # --refresh that answer is not what was asked for, so the run is partial (exit 5).
    served_stale: bool = False
    _s2: SemanticScholar | None = None
    _arxiv: Arxiv | None = None
    _openalex: OpenAlex | None = None

    @classmethod
    def open(
        cls, settings: Settings, reporter: Reporter | None = None, *, offline: bool = False
    ) -> Context:
        # An offline run only reads: a missing cache is answered empty, never created.
        store = Store.open(settings.db_path, create=not offline)
        return cls(settings, store, reporter or QuietReporter(), offline=offline)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self.store.close()

    def now(self) -> str:
        return self.clock().isoformat()

    def _http(
        self,
        name: str,
        interval: float,
        exclusive: bool,
        headers: dict[str, str],
        **policy_options: Any,
    ) -> HttpClient:
        from scholarcli.cache.store import ensure_private_dir
        from scholarcli.sources.http import HttpClient, RateLimiter, RetryPolicy

        if self.offline:
            raise SourceError(
                f"{name}: not asked, --offline is set, and the cache cannot answer",
                source=name,
                hint=OFFLINE_HINT,
            )
        ensure_private_dir(self.settings.locks_dir)
        limiter = RateLimiter(
            interval, self.settings.locks_dir, name.split()[0].lower(), exclusive=exclusive
        )
        policy = RetryPolicy(
            max_attempts=self.settings.max_attempts,
            backoff_base=self.settings.backoff_base,
            max_retry_time=self.settings.max_retry_time,
        )
        client = HttpClient(
            name,
            timeout=self.settings.timeout,
            limiter=limiter,
            policy=policy,
            headers=headers,
            on_retry=self.reporter.note,
            **policy_options,
        )
        self._clients[name] = client
        return client

    @property
    def s2(self) -> SemanticScholar:
        if self._s2 is None:
            from scholarcli.sources.semanticscholar import SemanticScholar

            headers = {"x-api-key": self.settings.api_key} if self.settings.api_key else {}
            http = self._http("Semantic Scholar", self.settings.s2_interval, False, headers)
            self._s2 = SemanticScholar(http, self.settings.s2_url)
        return self._s2

    @property
    def arxiv(self) -> Arxiv:
        if self._arxiv is None:
            from scholarcli.sources.arxiv import Arxiv

            # arXiv's terms: one connection at a time, so the slot is held in flight.
            http = self._http("arXiv", self.settings.arxiv_interval, True, {})
            self._arxiv = Arxiv(http, self.settings.arxiv_url)
        return self._arxiv

    @property
    def openalex(self) -> OpenAlex:
        if self._openalex is None:
            from scholarcli.sources import openalex

            key = self.settings.openalex_key
            http = self._http(
                openalex.SOURCE_NAME,
                self.settings.openalex_interval,
                False,
                {},
                follow_redirects=True,  # merged ids answer 301; the key must survive it
                budget_hint=openalex.BUDGET_HINT_KEYED if key else openalex.BUDGET_HINT_KEYLESS,
            )
            if key is None:  # once per run, and only when a request is about to be made
                self.reporter.note(openalex.KEYLESS_NOTE)
            self._openalex = openalex.OpenAlex(http, self.settings.openalex_url, key)
        return self._openalex

    def requests_made(self) -> dict[str, int]:
        return {name: client.stats.requests for name, client in self._clients.items()}

    def is_fresh(self, fetched_at: str | None, max_age: timedelta) -> bool:
        if fetched_at is None:
            return False
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError:
            return False
        return self.clock() - when < max_age


@dataclass
class Freshness:
    max_age: timedelta = DEFAULT_MAX_AGE
    refresh: bool = False

    def usable(self, ctx: Context, fetched_at: str | None) -> bool:
        """May a cached record fetched at ``fetched_at`` answer without a request?"""
        if fetched_at is None:
            return False
        if ctx.offline:
            return True
        return not self.refresh and ctx.is_fresh(fetched_at, self.max_age)


@dataclass
class Resolution:
    authors: list[Author]  # the chosen profiles, in the order given
    other_candidates: int = 0


MAX_NAME_LENGTH = 200


def _search_key(name: str) -> str:
    """The folded name that keys searches; refuses names no person has."""
    key = merge.fold_name(name)
    if not key:
        raise UsageError(
            "the name is empty after removing punctuation",
            hint='give a person\'s name, e.g. scholar author "Du-Seong Chang"',
        )
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"the name is longer than {MAX_NAME_LENGTH} characters")
    return key


def candidates_for(ctx: Context, name: str, fresh: Freshness) -> list[Author]:
    """Authors S2 finds for ``name``, from the cache when usable, ranked."""
    key = _search_key(name)
    cached = ctx.store.cached_search(key)
    if cached is not None and fresh.usable(ctx, cached[1]):
        return merge.rank_candidates(name, cached[0])
    if cached is None and ctx.offline:
        raise SourceError(
            f"{name!r} is not in the cache, and --offline asks no source",
            source="cache",
            hint=f'fill the cache by running once without --offline, e.g. scholar author "{name}"',
        )
    try:
        found = ctx.s2.search_authors(name)
    except SourceError as exc:
        if cached is None:
            raise
        ctx.reporter.warn(f"{exc.message}; using the search cached at {cached[1]}")
        ctx.served_stale = True
        return merge.rank_candidates(name, cached[0])
    ctx.store.save_search(key, found, ctx.now())
    return merge.rank_candidates(name, found)


def resolve(ctx: Context, name: str | None, ids: list[str], fresh: Freshness) -> Resolution:
    if ids:
        return Resolution(_authors_by_id(ctx, ids, fresh))
    if not name or not name.strip():
        raise UsageError("give a name or at least one --id")
    ranked = candidates_for(ctx, name, fresh)
    if not ranked:
        where = " in the cache (--offline)" if ctx.offline else ""
        raise NotFoundError(
            f"no Semantic Scholar author matches {name!r}{where}",
            hint="check the spelling or try fewer name parts; scholar find NAME lists matches",
        )
    return Resolution([ranked[0]], other_candidates=len(ranked) - 1)


_AUTHOR_ID = re.compile(r"[0-9]{1,20}")


def _authors_by_id(ctx: Context, ids: list[str], fresh: Freshness) -> list[Author]:
    ids = list(dict.fromkeys(i.strip() for i in ids))
    for author_id in ids:
        # ASCII digits only: str.isdigit() would let "١٢٣" through into a URL.
        if not _AUTHOR_ID.fullmatch(author_id):
            raise UsageError(
                f"--id {author_id!r} is not a Semantic Scholar author id",
                hint="author ids are numbers; scholar find NAME shows them",
            )
    cached = ctx.store.load_authors(ids)
    missing = [
        i
        for i in ids
        if i not in cached or not fresh.usable(ctx, (ctx.store.author_fetch(i) or (None,))[0])
    ]
    if missing and not ctx.offline:
        try:
            answered = ctx.s2.authors_batch(missing)
        except SourceError as exc:
            if any(i not in cached for i in missing):
                raise
            ctx.reporter.warn(f"{exc.message}; using cached author records")
            ctx.served_stale = True
        else:
            unknown = [i for i, a in zip(missing, answered, strict=True) if a is None]
            if unknown:
                raise NotFoundError(
                    f"no Semantic Scholar author with id {', '.join(unknown)}",
                    hint="scholar find NAME lists ids",
                )
            found = [a for a in answered if a is not None]
            ctx.store.save_authors(found, ctx.now())
            cached.update({a.author_id: a for a in found})
    absent = [i for i in ids if i not in cached]
    if absent:
        raise SourceError(
            f"author {', '.join(absent)} is not in the cache and --offline is set",
            source="cache",
            hint=OFFLINE_HINT,
        )
    return [cached[i] for i in ids]


def author_papers(ctx: Context, author: Author, fresh: Freshness) -> list[Paper]:
    """The author's complete paper list, fetched only when the cached one is stale.

    When S2 fails and an older list is cached, that list answers, with a warning.
    """
    fetch = ctx.store.author_fetch(author.author_id)
    if fetch is not None and fresh.usable(ctx, fetch[0]):
        if fetch[1]:  # the cached list is S2's first 10,000: say so on every run, not once
            _warn_truncated(ctx, author)
        return ctx.store.load_author_papers(author.author_id)
    if ctx.offline:
        raise SourceError(
            f"the papers of {author.name} ({author.author_id}) are not cached and --offline is set",
            source="cache",
            hint="run once without --offline",
        )
    try:
        return fetch_author_papers(ctx, author)
    except SourceError as exc:
        if fetch is None:
            raise
        ctx.reporter.warn(f"{exc.message}; showing data cached at {fetch[0]}")
        if fetch[1]:
            _warn_truncated(ctx, author)
        ctx.served_stale = True
        return ctx.store.load_author_papers(author.author_id)


def _warn_truncated(ctx: Context, author: Author) -> None:
    ctx.reporter.warn(
        f"Semantic Scholar lists at most 10,000 papers per author; {author.name} has more"
    )


def fetch_author_papers(ctx: Context, author: Author) -> list[Paper]:
    """Fetch one id's whole list from S2 and commit it as one unit of work."""
    with ctx.reporter.progress(f"Papers of {author.name}", author.paper_count) as advance:
        pages = ctx.s2.author_papers(author.author_id, on_page=advance, expected=author.paper_count)
    if pages.truncated:
        _warn_truncated(ctx, author)
    ctx.store.save_author_papers(
        author, author.author_id, pages.papers, ctx.now(), truncated=pages.truncated
    )
    return pages.papers


def enrich_arxiv(ctx: Context, papers: list[Paper]) -> bool:
    """Ask arXiv about ids it has not answered before; False if arXiv failed."""
    wanted = []
    for paper in papers:
        ident = normalise_id(paper.arxiv_id) if paper.arxiv_id else None
        if ident is not None:
            paper.arxiv_id = ident[0]
            wanted.append(ident[0])
    todo = sorted(set(wanted) - ctx.store.arxiv_answered(wanted))
    if not todo or ctx.offline:
        return True
    try:
        with ctx.reporter.progress("arXiv metadata", len(todo)) as advance:
            for requested, found in ctx.arxiv.fetch_batches(todo):
                ctx.store.save_arxiv_batch(requested, found, ctx.now())
                advance(len(requested))
    except SourceError as exc:
        ctx.reporter.warn(f"{exc.message}; arXiv categories and dates may be missing")
        return False
    return True


@dataclass
class ProfileResult:
    profile: Profile
    complete: bool = True


def build_profile(
    ctx: Context,
    name: str | None,
    ids: list[str],
    *,
    as_of: date,
    fresh: Freshness,
    edits: curation.Edits | None = None,
) -> ProfileResult:
    """The person's profile; ``edits`` (--exclude/--include/--merge) are stored first."""
    resolution = resolve(ctx, name, ids, fresh)
    if resolution.other_candidates and name:
        ctx.reporter.note(
            f"{resolution.other_candidates} other Semantic Scholar profile(s) match {name!r}; "
            f"showing {resolution.authors[0].name} ({resolution.authors[0].author_id}). "
            f'List them with: scholar find "{name}"; pin one or merge several with --id'
        )
    lists = [author_papers(ctx, author, fresh) for author in resolution.authors]
    chosen_ids = [a.author_id for a in resolution.authors]
    display = resolution.authors[0]
    if edits:
        everything = merge.merge_author_lists(lists)
        for note in curation.save_edits(
            ctx.store, chosen_ids[0], chosen_ids, everything, edits, ctx.now()
        ):
            ctx.reporter.note(note)
    curated = curated_papers(ctx, chosen_ids, lists, name=display.name)
    papers = curated.papers
    complete = enrich_arxiv(ctx, papers)
    arxiv = ctx.store.load_arxiv(p.arxiv_id for p in papers if p.arxiv_id)
    rows = merge.profile_papers(papers, arxiv, chosen_ids, display.name, as_of)
    primary = merge.primary_category(rows)
    fetched = [f[0] for f in (ctx.store.author_fetch(i) for i in chosen_ids) if f]
    affiliations = list(dict.fromkeys(x for a in resolution.authors for x in a.affiliations))
    profile = Profile(
        name=display.name,
        ids=chosen_ids,
        affiliations=affiliations,
        as_of=as_of.isoformat(),
        primary_category=primary,
        primary_category_name=category_name(primary),
        metrics=merge.profile_metrics(rows, as_of),
        papers=rows,
        fetched_at=min(fetched) if fetched else None,
        candidates=resolution.other_candidates,
        curation=curated.summary(),
    )
    # An explicit --refresh answered from the cache after a failure (a rejected key, S2
    # down) must not look like success to a script: partial, with the warning given.
    return ProfileResult(profile, complete and not (fresh.refresh and ctx.served_stale))


def person_papers(
    ctx: Context,
    author_ids: Sequence[str],
    lists: Sequence[Sequence[Paper]],
    *,
    name: str = "",
    report: bool = True,
) -> list[Paper]:
    """A person's papers: their ids' lists merged, then curated (``profile.curation``)."""
    return curated_papers(ctx, author_ids, lists, name=name, report=report).papers


def curated_papers(
    ctx: Context,
    author_ids: Sequence[str],
    lists: Sequence[Sequence[Paper]],
    *,
    name: str = "",
    report: bool = True,
) -> curation.Curated:
    """``person_papers`` with what curation changed.

    The one place curation is applied: every command that reads a person's papers goes
    through here (``build_profile``, coauthors, refresh), so it obeys the person's
    rules; with ``report`` a note on stderr says what they changed.
    """
    papers = merge.merge_author_lists(lists)
    rules = curation_rules.rules_for(ctx.store, author_ids)
    if not rules:
        return curation.Curated(papers)
    curated = curation.apply_rules(papers, rules)
    summary = curated.summary()
    if report and summary:
        who = name or ", ".join(author_ids)
        ctx.reporter.note(f"{who}: {summary} (scholar curate list shows them)")
    return curated


def find(ctx: Context, name: str, limit: int) -> list[Author]:
    """Candidates for ``name`` with two recent titles each (always asks S2)."""
    _search_key(name)
    authors = ctx.s2.search_authors(name, limit=limit, with_papers=True)
    if not authors:
        raise NotFoundError(
            f"no Semantic Scholar author matches {name!r}",
            hint="check the spelling or try fewer name parts",
        )
    ctx.store.save_authors(authors, ctx.now())
    return merge.rank_candidates(name, authors)
