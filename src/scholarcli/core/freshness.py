"""Freshness: the one place that decides whether a cached record can answer.

Every cached unit (a search, an author's paper list, per-year citation counts, a
reference list, a cohort, a tracked person's list) carries the time it was fetched.
Whether that copy answers without a request is decided here and nowhere else:

* ``usable`` — may a record answer a read? Never without a fetch time; always when
  ``--offline`` is set (nothing else can answer); otherwise only within ``max_age``
  and without ``--refresh``.
* ``needs_fetch`` — must a derived record be fetched again? Always when absent,
  never offline, and otherwise when the thing it was derived from changed (e.g. a
  paper's citation count) or it is older than ``max_age``.
* ``within_age`` — the bare age test both build on (an unreadable time is stale).

It must not do I/O: the clock and the offline flag come from the run context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

DEFAULT_MAX_AGE = timedelta(days=7)


class RunState(Protocol):
    """What freshness needs of a run: its clock and whether it may ask a source."""

    @property
    def offline(self) -> bool: ...
    @property
    def clock(self) -> Callable[[], datetime]: ...


@dataclass(frozen=True)
class Freshness:
    max_age: timedelta = DEFAULT_MAX_AGE
    refresh: bool = False

    def within_age(self, run: RunState, fetched_at: str | None) -> bool:
        """Was ``fetched_at`` less than ``max_age`` ago (by the run's clock)?"""
        if fetched_at is None:
            return False
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError:
            return False
        return run.clock() - when < self.max_age

    def usable(self, run: RunState, fetched_at: str | None) -> bool:
        """May a cached record fetched at ``fetched_at`` answer without a request?"""
        if fetched_at is None:
            return False
        if run.offline:
            return True
        return not self.refresh and self.within_age(run, fetched_at)

    def needs_fetch(self, run: RunState, fetched_at: str | None, *, changed: bool = False) -> bool:
        """Must a derived record be fetched (again)? ``changed``: its basis moved."""
        if fetched_at is None:
            return True
        if run.offline:
            return False
        return changed or not self.within_age(run, fetched_at)
