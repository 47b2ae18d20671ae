"""``scholar digest``: what changed for tracked people since the previous digest.

Everything but the new citing papers comes from the cache that refreshes keep
(docs/tracking.md "Digests"): the papers a refresh found for a person and when
(``person_papers``), each paper's dated citation counts (``paper_snapshots``), the
person's dated metrics (``person_snapshots``) and their refresh health.

Per person and since the mark (the previous digest, or ``--since``):
- papers attributed since, except the baseline a person's first refresh found;
- papers that left the profile;
- citation gains per paper, with the new citing papers of each paper that gained.
  S2's ``/paper/{id}/citations`` lists the newest first, so one request of ``gain``
  items per paper that gained is enough, and it stops early at the first citing paper
  a digest has already reported. Never one request per paper tracked;
- the h-index then and now;
- a refresh failing three runs in a row, with its error, until it succeeds.

It must not parse options or print: the command renders the ``Digest`` it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scholarcli.cache import digest as cache
from scholarcli.cache import tracking
from scholarcli.cache.tracking import PersonSnapshot, TrackedPerson
from scholarcli.core import Context
from scholarcli.errors import SourceError, UsageError
from scholarcli.tracking.watchlist import find_people

#: A person whose refreshes failed this many runs in a row is named in every digest.
FAILING_AFTER = 3
#: Citing papers asked for per paper that gained: one page of /paper/{id}/citations.
CITERS_PER_PAPER = 1000
CITER_FIELDS = "title,authors,venue,year"
FIRST_AUTHORS = 3


@dataclass(frozen=True)
class CitingPaper:
    paper_id: str
    title: str
    authors: list[str]  # the first FIRST_AUTHORS names
    more_authors: bool
    venue: str
    year: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "authors": self.authors,
            "more_authors": self.more_authors,
            "venue": self.venue,
            "year": self.year,
        }


@dataclass(frozen=True)
class PaperLine:
    paper_id: str
    title: str
    venue: str
    date: str | None
    year: int | None
    when: str  # when a refresh found it (new) or no longer found it (left)

    def as_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "venue": self.venue,
            "date": self.date,
            "year": self.year,
            "seen_at": self.when,
        }


@dataclass
class Gain:
    paper_id: str
    title: str
    before: int
    after: int
    new_citers: list[CitingPaper] = field(default_factory=list)
    citers_note: str | None = None  # why the list is shorter than the gain, if it is

    @property
    def gain(self) -> int:
        return self.after - self.before

    def as_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "citations_before": self.before,
            "citations": self.after,
            "gain": self.gain,
            "new_citing_papers": [c.as_dict() for c in self.new_citers],
            "citing_note": self.citers_note,
        }


@dataclass
class PersonDigest:
    key: str
    name: str
    since: str | None  # None: since tracking began
    through: str | None = None  # the refresh whose data this digest read (the next mark)
    new_papers: list[PaperLine] = field(default_factory=list)
    left_papers: list[PaperLine] = field(default_factory=list)
    gains: list[Gain] = field(default_factory=list)
    h_before: int | None = None
    h_after: int | None = None
    failing: cache.Health | None = None

    @property
    def h_changed(self) -> bool:
        return None not in (self.h_before, self.h_after) and self.h_before != self.h_after

    def empty(self) -> bool:
        return not (
            self.new_papers or self.left_papers or self.gains or self.h_changed or self.failing
        )

    def as_dict(self) -> dict[str, Any]:
        failing = self.failing
        return {
            "key": self.key,
            "name": self.name,
            "since": self.since,
            "new_papers": [p.as_dict() for p in self.new_papers],
            "left_papers": [p.as_dict() for p in self.left_papers],
            "citation_gains": [g.as_dict() for g in self.gains],
            "citations_gained": sum(g.gain for g in self.gains),
            "h_index_before": self.h_before,
            "h_index": self.h_after,
            "failing": None
            if failing is None
            else {
                "consecutive_failures": failing.consecutive_failures,
                "last_error": failing.last_error,
                "last_failure": failing.last_failure,
                "last_success": failing.last_success,
            },
        }


@dataclass
class Digest:
    until: str
    people: list[PersonDigest]
    complete: bool = True  # False when some citing papers could not be fetched
    requests: int = 0

    def news(self) -> list[PersonDigest]:
        return [p for p in self.people if not p.empty()]


def parse_since(text: str | None) -> str | None:
    """``--since``: ``last`` (None, the default: each person's previous digest) or a date."""
    if text is None or text.strip().lower() == "last":
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since: {text!r} is not a date (YYYY-MM-DD) or 'last'",
            hint="e.g. --since 2026-11-01, or --since last for news since the previous digest",
        ) from None
    return f"{day.isoformat()}T00:00:00+00:00"


def _snapshot_at(series: Sequence[PersonSnapshot], when: str | None) -> PersonSnapshot | None:
    """The point in force at ``when`` (the first point when none is that old)."""
    if not series:
        return None
    chosen = series[0]
    for point in series:
        if when is not None and point.taken_at <= when:
            chosen = point
    return chosen


def _line(facts: dict[str, cache.PaperFacts], paper_id: str, when: str) -> PaperLine:
    fact = facts.get(paper_id)
    if fact is None:
        return PaperLine(paper_id, paper_id, "", None, None, when)
    return PaperLine(paper_id, fact.title, fact.venue, fact.date, fact.year, when)


def person_digest(
    ctx: Context, person: TrackedPerson, since: str | None, health: cache.Health | None
) -> PersonDigest:
    """The person's news from the cache alone (no request)."""
    result = PersonDigest(person.key, person.display, since, through=person.last_refresh)
    rows = cache.membership(ctx.store, person.key)
    current = [m.paper_id for m in rows if m.left_at is None]
    new = [
        m
        for m in rows
        if m.left_at is None and not m.baseline and (since is None or m.first_seen > since)
    ]
    left = [m for m in rows if m.left_at is not None and (since is None or m.left_at > since)]
    facts = cache.paper_facts(ctx.store, [m.paper_id for m in new + left] + current)
    result.new_papers = [_line(facts, m.paper_id, m.first_seen) for m in new]
    result.left_papers = [_line(facts, m.paper_id, m.left_at or "") for m in left]
    new_ids = {m.paper_id for m in new}
    old = [pid for pid in current if pid not in new_ids]
    before = cache.counts_at(ctx.store, old, since)
    after = cache.latest_counts(ctx.store, old)
    for paper_id in old:
        if paper_id in before and after.get(paper_id, 0) > before[paper_id]:
            title = facts[paper_id].title if paper_id in facts else paper_id
            result.gains.append(Gain(paper_id, title, before[paper_id], after[paper_id]))
    result.gains.sort(key=lambda g: (-g.gain, g.title))
    series = tracking.person_history(ctx.store, person.key)
    then, now = _snapshot_at(series, since), (series[-1] if series else None)
    result.h_before = then.h_index if then else None
    result.h_after = now.h_index if now else None
    if health is not None and health.consecutive_failures >= FAILING_AFTER:
        result.failing = health
    return result


def _citing(edge: Any) -> CitingPaper | None:
    paper = edge.get("citingPaper") if isinstance(edge, dict) else None
    if not isinstance(paper, dict) or not isinstance(paper.get("paperId"), str):
        return None  # S2 lists citing papers it cannot resolve with a null paperId
    names = [
        a["name"]
        for a in paper.get("authors") or []
        if isinstance(a, dict) and isinstance(a.get("name"), str)
    ]
    year = paper.get("year")
    return CitingPaper(
        paper_id=paper["paperId"],
        title=str(paper.get("title") or ""),
        authors=names[:FIRST_AUTHORS],
        more_authors=len(names) > FIRST_AUTHORS,
        venue=str(paper.get("venue") or ""),
        year=year if isinstance(year, int) else None,
    )


def fetch_new_citers(ctx: Context, gains: Sequence[Gain]) -> bool:
    """Fill each gain's new citing papers: one request per paper, newest first, stopping
    at the first citing paper already known. False when a request failed."""
    known = cache.known_citers(ctx.store, [g.paper_id for g in gains])
    seen: dict[str, list[str]] = {}
    complete = True
    for gain in gains:
        wanted = min(gain.gain, CITERS_PER_PAPER)
        try:
            page = ctx.s2.paper_edges(
                gain.paper_id, "citations", CITER_FIELDS, offset=0, limit=wanted
            )
        except SourceError as exc:
            gain.citers_note = f"citing papers not fetched: {exc.message}"
            complete = False
            continue
        if page is None:  # S2 no longer knows the paper
            gain.citers_note = "Semantic Scholar no longer lists this paper"
            continue
        ids = seen.setdefault(gain.paper_id, [])
        for edge in page.get("data") or []:
            citer = _citing(edge)
            if citer is None:
                continue
            if citer.paper_id in known.get(gain.paper_id, set()):
                break  # newest first: everything from here on was reported before
            gain.new_citers.append(citer)
            ids.append(citer.paper_id)
        if len(gain.new_citers) < gain.gain:
            missing = gain.gain - len(gain.new_citers)
            gain.citers_note = (
                f"{missing} more not listed (beyond {CITERS_PER_PAPER} a paper)"
                if gain.gain > CITERS_PER_PAPER
                else f"{missing} citing paper(s) not listed by Semantic Scholar"
            )
    cache.save_citers(ctx.store, seen, ctx.now())
    return complete


def build(
    ctx: Context,
    names: Sequence[str],
    since: str | None,
    *,
    citers: bool = True,
) -> Digest:
    """The digest of the named people (default: everyone tracked) since ``since``
    (None: each person's previous digest, or since tracking began)."""
    people = find_people(ctx, names) if names else tracking.list_people(ctx.store)
    marks = cache.marks(ctx.store)
    health = cache.health(ctx.store)
    digest = Digest(until=ctx.now(), people=[])
    for person in people:
        mark = since if since is not None else marks.get(person.key)
        digest.people.append(person_digest(ctx, person, mark, health.get(person.key)))
    gains = [g for p in digest.people for g in p.gains]
    if citers and gains and not ctx.offline:
        before = sum(ctx.requests_made().values())
        digest.complete = fetch_new_citers(ctx, gains)
        digest.requests = sum(ctx.requests_made().values()) - before
    elif gains and ctx.offline:
        for gain in gains:
            gain.citers_note = "citing papers not fetched (--offline)"
    return digest


def remember(ctx: Context, digest: Digest) -> None:
    """Set each digested person's mark: the next default digest starts after the data
    this one read. The mark is that data's own time (the person's last refresh), not
    the clock: a refresh that starts within the same second as this digest ends still
    counts as news next time."""
    cache.set_marks(ctx.store, {p.key: p.through for p in digest.people if p.through is not None})
