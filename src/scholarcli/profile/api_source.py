"""The Semantic Scholar + arXiv API as a ``ProfileSource`` (the default ``--source``).

People and paper lists come through ``sync``, so the cache, ``--max-age``,
``--refresh`` and ``--offline`` behave as they always have; every optional step of
the builder is supported. It must not build profiles itself (``builder`` does).
"""

from __future__ import annotations

from collections.abc import Sequence

from scholarcli.cache import people as people_cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.models import Author, Paper
from scholarcli.profile import builder, sync


class ApiSource:
    name = builder.SOURCE_S2
    steps = frozenset(
        {
            builder.CURATION,
            builder.ARXIV,
            builder.CITATIONS_BY_YEAR,
            builder.NOVELTY,
            builder.DISRUPTION,
            builder.STORED_INDICATORS,
            builder.SELF_CITATIONS,
        }
    )

    def __init__(self, ctx: Context) -> None:
        self.context: Context | None = ctx
        self.ctx = ctx
        self._searched: set[str] = set()  # names whose search was fetched in this run

    def candidates(self, name: str, fresh: Freshness) -> list[Author]:
        found, searched = sync.search_candidates(self.ctx, name, fresh)
        if searched:
            self._searched.add(name)
        return found

    def authors(self, ids: Sequence[str], fresh: Freshness) -> list[Author]:
        return sync.resolve(self.ctx, None, list(ids), fresh).authors

    def papers(self, author: Author, fresh: Freshness) -> list[Paper]:
        return sync.author_papers(self.ctx, author, fresh)

    def fetched_at(self, authors: Sequence[Author]) -> str | None:
        fetched = [
            f[0]
            for f in (people_cache.author_fetch(self.ctx.store, a.author_id) for a in authors)
            if f
        ]
        return min(fetched) if fetched else None

    def no_match(self, name: str) -> NotFoundError:
        return sync.no_match(self.ctx, name)

    def others_note(self, name: str, chosen: Author, others: int, purpose: str) -> str | None:
        # Said when the search was fetched, once: repeating it on every cache hit taught
        # people to ignore stderr (docs/names.md).
        if name not in self._searched:
            return None
        return others_line(name, chosen, others, purpose)

    def refusal(self, step: str) -> UsageError:  # every step is supported
        return UsageError(f"the Semantic Scholar API cannot serve {step}")

    def close(self) -> None:
        """The command closes the run context; nothing else is held."""


def others_line(name: str, chosen: Author, others: int, purpose: str) -> str:
    """One line: how many others match, who was chosen, how to see and pin them."""
    return (
        f"{others} other Semantic Scholar profile(s) match {name!r}; {purpose} {chosen.name} "
        f'({chosen.author_id}); scholar find "{name}" lists them, --id pins one'
    )
