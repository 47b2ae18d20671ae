"""The watch list: who is tracked, under which key, and their history.

``track`` resolves a person with the rules of ``scholar author`` (``sync.resolve``) and
pins their S2 ids; ``history`` reads back the snapshots that ``refresh`` stores.

**Person key.** A person is stored under the folded (``merge.fold_name``) ``--label``
when one is given, else the folded name (with only ``--id``: S2's name of the first
id). Tracking a key that is already tracked updates its ids, name and label when the
new ids share one with the old (the same person, e.g. a second id of a split profile);
ids that share none are a different person (a namesake, or S2 ranking another profile
first), which is refused with ``NamesakeError``: histories of different people are never
spliced into one series. Tracking exactly the same S2 ids under a new label moves that
person, history included, to the new key. Two namesakes therefore need a label each.
The name stored is S2's spelling of the first id's name (``Zoë Łukasik-Müller``), not
the spelling typed. ``untrack``, ``refresh NAME`` and
``history NAME`` accept the key, the name or the label, folded the same way.

It must not fetch papers, parse options, print, or import typer or rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scholarcli.cache import people as people_cache
from scholarcli.cache import tracking
from scholarcli.cache.tracking import PersonSnapshot, TrackedPerson
from scholarcli.core import DEFAULT_MAX_AGE, Context, Freshness, fold_name, natural_order
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.profile import sync


def person_key(text: str) -> str:
    return fold_name(text)


def find_person(people: Sequence[TrackedPerson], query: str) -> TrackedPerson:
    """The tracked person ``query`` names: by key first, then by name or label."""
    wanted = person_key(query)
    if not wanted:
        raise UsageError("the name is empty after removing punctuation")
    matches = [p for p in people if p.key == wanted] or [
        p for p in people if wanted in (person_key(p.name), person_key(p.label or ""))
    ]
    if not matches:
        raise NotFoundError(
            f"{query!r} is not tracked",
            hint='scholar tracked lists the watch list; add someone with scholar track "NAME"',
        )
    if len(matches) > 1:
        raise UsageError(
            f"{query!r} matches {len(matches)} tracked people: "
            + ", ".join(repr(p.key) for p in matches),
            hint="name one by the key shown by scholar tracked",
        )
    return matches[0]


def find_people(ctx: Context, names: Sequence[str]) -> list[TrackedPerson]:
    people = tracking.list_people(ctx.store)
    found = {p.key: p for p in (find_person(people, name) for name in names)}
    return sorted(found.values(), key=lambda p: p.key)


class NamesakeError(UsageError):
    """The key is tracked for a different S2 profile (no id in common)."""

    def __init__(self, key: str, previous: TrackedPerson, author_ids: Sequence[str]) -> None:
        new = ", ".join(author_ids)
        super().__init__(
            f"{key!r} is already tracked as {previous.name} (S2 id "
            f"{', '.join(previous.author_ids)}); S2 id {new} is a different profile, "
            "so nothing was changed",
            hint=f'track them under a label of their own: scholar track --id {new} --label "'
            f'{previous.name} (2)"; or scholar untrack {key!r} first',
        )
        self.key = key


@dataclass
class TrackResult:
    person: TrackedPerson
    previous: TrackedPerson | None
    other_candidates: int = 0


def track(
    ctx: Context,
    name: str | None,
    ids: list[str],
    label: str | None,
    fresh: Freshness,
    *,
    source: str | None = None,
) -> TrackResult:
    """Resolve and pin a person's S2 (or, with ``source="openalex"``, OpenAlex) ids
    under their key (rule in the module docstring)."""
    label = label.strip() if label and label.strip() else None
    if label is not None and not person_key(label):
        raise UsageError("the label is empty after removing punctuation")
    if source == "openalex":
        resolution = _openalex_resolution(ctx, name, ids, fresh)
    else:
        resolution = sync.resolve(ctx, name, ids, fresh)
    author_ids = [a.author_id for a in resolution.authors]
    typed = natural_order(name) if name and name.strip() else None
    s2_name = resolution.authors[0].name
    key = person_key(label or typed or s2_name)
    previous = tracking.get_person(ctx.store, key)
    if previous is not None and not set(previous.author_ids) & set(author_ids):
        raise NamesakeError(key, previous, author_ids)
    if previous is None:
        same_ids = [
            p for p in tracking.list_people(ctx.store) if set(p.author_ids) == set(author_ids)
        ]
        previous = same_ids[0] if same_ids else None
        if previous is not None and label is None:
            key, label = previous.key, previous.label  # the same person, already tracked
    person = TrackedPerson(
        key=key,
        name=s2_name,
        label=label if label is not None else (previous.label if previous else None),
        author_ids=author_ids,
        added_at=previous.added_at if previous else ctx.now(),
    )
    tracking.save_person(
        ctx.store, person, old_key=previous.key if previous else None, now=ctx.now()
    )
    return TrackResult(person, previous, resolution.other_candidates)


def _openalex_resolution(
    ctx: Context, name: str | None, ids: list[str], fresh: Freshness
) -> sync.Resolution:
    from scholarcli.profile.openalex_source import OpenAlexSource

    source = OpenAlexSource(ctx)
    if ids:
        return sync.Resolution(source.authors(ids, fresh))
    if not name or not name.strip():
        raise UsageError("give a name or at least one --id")
    ranked = source.candidates(name, fresh)
    if not ranked:
        raise source.no_match(name)
    return sync.Resolution([ranked[0]], other_candidates=len(ranked) - 1)


def untrack(ctx: Context, names: Sequence[str]) -> list[TrackedPerson]:
    """Take people off the watch list; their snapshots stay."""
    people = find_people(ctx, names)
    for person in people:
        tracking.delete_person(ctx.store, person.key)
    return people


def tracked(
    ctx: Context, *, failing: bool = False, max_age: timedelta = DEFAULT_MAX_AGE
) -> list[dict[str, Any]]:
    """The watch list with each person's latest numbers and refresh health.

    ``next_due`` is when a refresh next fetches the person's paper lists again (the
    oldest list's fetch plus ``max_age`` less its jitter); every refresh still checks
    the counts. ``failing`` keeps only people whose last refresh failed.
    """
    from scholarcli.cache import digest as health_cache

    latest = tracking.latest_snapshots(ctx.store)
    health = health_cache.health(ctx.store)
    records = []
    for person in tracking.list_people(ctx.store):
        snap = latest.get(person.key)
        state = health.get(person.key)
        failures = state.consecutive_failures if state else 0
        if failing and not failures:
            continue
        records.append(
            {
                "key": person.key,
                "name": person.name,
                "label": person.label,
                "ids": person.author_ids,
                "last_refresh": person.last_refresh,
                "status": person.last_status,
                "papers": snap.papers if snap else None,
                "citations": snap.citations if snap else None,
                "h_index": snap.h_index if snap else None,
                "added_at": person.added_at,
                "last_success": state.last_success if state else None,
                "failures": failures,
                "last_error": state.last_error if state and failures else None,
                "next_due": _next_due(ctx, person.author_ids, max_age),
            }
        )
    return records


def _next_due(ctx: Context, author_ids: Sequence[str], max_age: timedelta) -> str | None:
    """When the first of the person's lists falls due (None: never fetched, due now)."""
    from scholarcli.tracking.refresh import due_age

    due: list[datetime] = []
    for author_id in author_ids:
        fetch = people_cache.author_fetch(ctx.store, author_id)
        if fetch is None:
            return None
        try:
            due.append(datetime.fromisoformat(fetch[0]) + due_age(max_age, author_id))
        except ValueError:
            return None
    return min(due).isoformat(timespec="seconds") if due else None


def failing_people(ctx: Context, at_least: int) -> list[tuple[TrackedPerson, str, int]]:
    """Tracked people whose refresh failed ``at_least`` runs in a row: (person, error, n)."""
    from scholarcli.cache import digest as health_cache

    health = health_cache.health(ctx.store)
    result = []
    for person in tracking.list_people(ctx.store):
        state = health.get(person.key)
        if state is not None and state.consecutive_failures >= at_least:
            result.append((person, state.last_error or "", state.consecutive_failures))
    return result


def history(ctx: Context, name: str) -> tuple[str, list[PersonSnapshot]]:
    """(who, snapshots oldest first); untracked people are found by key if they have any."""
    try:
        person = find_person(tracking.list_people(ctx.store), name)
    except NotFoundError:
        key = person_key(name)
        if not key or not tracking.has_history(ctx.store, key):
            raise
        return name, tracking.person_history(ctx.store, key)
    return person.display, tracking.person_history(ctx.store, person.key)


def _cached_paper_id(ctx: Context, ref: str) -> str:
    from scholarcli.cache import papers as paper_cache
    from scholarcli.ids import parse_paper_ref

    try:
        parsed = parse_paper_ref(ref)
    except ValueError as exc:
        raise UsageError(f"--paper: {exc}") from None
    if parsed.kind == "title":
        raise UsageError(
            f"--paper {ref!r} is not a paper id",
            hint="give its S2 id, arXiv id, DOI or a semanticscholar.org/arxiv.org/doi.org link",
        )
    s2_id = parsed.s2_id or ""
    if parsed.kind == "arxiv" and parsed.arxiv_id:
        return paper_cache.paper_id_by(ctx.store, "arxiv", parsed.arxiv_id) or s2_id
    if s2_id.startswith("DOI:"):
        return paper_cache.paper_id_by(ctx.store, "doi", s2_id[4:]) or s2_id
    if s2_id.startswith("CorpusId:"):
        return paper_cache.paper_id_by(ctx.store, "corpus", s2_id[9:]) or s2_id
    return s2_id


def paper_history(ctx: Context, ref: str) -> list[tuple[str, int]]:
    """A paper's citation snapshots; ``ref`` in any form ``scholar paper`` takes (S2 id or
    link, arXiv id or link, DOI or doi.org link, CorpusId:N), resolved through the cache."""
    series = tracking.paper_history(ctx.store, _cached_paper_id(ctx, ref))
    if not series:
        raise NotFoundError(
            f"no snapshots of paper {ref!r}",
            hint="papers of tracked people get one when a refresh first sees them",
        )
    return series
