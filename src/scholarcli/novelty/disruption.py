"""Disruption (``--disruption``): CD_nok over a 5-year window, from citers' reference lists.

CD_nok = (n_i − n_j) / (n_i + n_j) (Bornmann, Devarakonda, Tekles & Chacko 2020, "DI1nok"),
over the papers citing the focal paper whose year is within ``WINDOW`` years of its own
(publication year Y to Y + 5, integer years as S2 gives them): n_j of them also cite at
least one of its references, n_i do not. Funk & Owen-Smith's k-term (papers citing only the
references) is left out: it would cost a request per reference (docs/novelty.md, Disruption).

Guards (Holst et al. 2024, the zero-reference artefact): a focal paper needs at least 5
resolved references, a citer whose reference list S2 does not resolve is left out, and at
least 10 citers must remain; otherwise null with a note.

Requests: ceil(papers / 500) ``POST /paper/batch?fields=year,citationCount,
referenceCount,references.paperId,citations.paperId,citations.year`` plus ceil(new citers / 500)
batches
for the citers' reference lists (cached 30 days, shared with novelty). S2 nests at most
9,999 citations per batch answer; a cut list is used as it is and says so.

It must not parse options or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scholarcli.cache import novelty as cache
from scholarcli.core import Context
from scholarcli.errors import SourceError
from scholarcli.indicators import novelty as ind
from scholarcli.novelty import references as refs

FOCAL_FIELDS = (
    "year,citationCount,referenceCount,references.paperId,citations.paperId,citations.year"
)
WINDOW = 5


def _citers(answer: dict[str, Any], year: int | None) -> tuple[list[str], int]:
    """Distinct citers within the window, and how many citations S2 listed in all."""
    listed = [c for c in answer.get("citations") or [] if isinstance(c, dict)]
    inside = [
        str(c["paperId"])
        for c in listed
        if c.get("paperId")
        and isinstance(c.get("year"), int)
        and year is not None
        and year <= c["year"] <= year + WINDOW
    ]
    return list(dict.fromkeys(inside)), len(listed)


def window_note(year: Any, as_of_year: int) -> str | None:
    """Why a value may still move: its 5-year window ends after the as-of year. A window
    ending in the as-of year itself is complete."""
    if isinstance(year, int) and year + WINDOW > as_of_year:
        return f"window open until {year + WINDOW}"
    return None


def score_disruption(
    ctx: Context, paper_ids: Sequence[str], as_of_year: int, *, force: bool = False
) -> bool:
    """Compute and store CD_nok of ``paper_ids``; False when S2 failed (values kept)."""
    if ctx.offline:
        return True
    cached = cache.load_disruption(ctx.store, paper_ids)
    todo = [
        p
        for p in dict.fromkeys(paper_ids)
        if force or refs.stale(ctx, cached[p].computed_at if p in cached else None)
    ]
    if not todo:
        return True
    try:
        focal: dict[str, dict[str, Any] | None] = {}
        focal.update(zip(todo, refs.ask_lists(ctx, todo, FOCAL_FIELDS), strict=True))
        now = ctx.now()
        found = {k: v for k, v in focal.items() if v is not None and v.get("paperId")}
        cache.save_references(
            ctx.store, [refs.parse_reference_answer(k, v, now) for k, v in found.items()]
        )
        windows = {k: _citers(v, v.get("year")) for k, v in found.items()}
        everyone = sorted({c for citers, _ in windows.values() for c in citers})
        lists = cache.load_references(ctx.store, everyone)
        stale = [
            c for c in everyone if refs.stale(ctx, lists[c].fetched_at if c in lists else None)
        ]
        if stale:
            ctx.reporter.note(f"disruption: reading the reference lists of {len(stale)} citer(s)")
        lists.update(refs.fetch_reference_lists(ctx, stale))
    except SourceError as exc:
        ctx.reporter.warn(f"{exc.message}; disruption values may be missing or older")
        return False
    rows = []
    for paper_id in todo:
        answer = found.get(paper_id)
        if answer is None:
            rows.append(
                cache.DisruptionRow(paper_id, None, 0, 0, 0, "not found on Semantic Scholar", now)
            )
            continue
        citers, listed = windows[paper_id]
        own = refs.parse_reference_answer(paper_id, answer, now).refs
        citer_refs: dict[str, list[str] | None] = {}
        for citer in citers:
            known = lists.get(citer)
            citer_refs[citer] = list(known.refs) if known and known.found and known.refs else None
        excluded = sum(1 for v in citer_refs.values() if v is None)
        result = ind.cd_nok(own, citer_refs)
        notes = [result.reason] if result.reason else []
        if excluded:
            notes.append(f"{excluded} citer(s) without resolved references left out")
        count = answer.get("citationCount")
        if isinstance(count, int) and listed < count:
            notes.append(f"S2 listed {listed} of {count} citations")
        still_open = window_note(answer.get("year"), as_of_year)
        if still_open:
            notes.append(still_open)
        rows.append(
            cache.DisruptionRow(
                paper_id,
                result.cd_nok,
                result.n_i,
                result.n_j,
                excluded,
                "; ".join(notes) or None,
                now,
            )
        )
    cache.save_disruption(ctx.store, rows)
    return True


def attach(ctx: Context, papers: Sequence[Any]) -> None:
    """Put stored CD_nok values on profile papers (``ProfilePaper``) that have one."""
    stored = cache.load_disruption(ctx.store, [p.paper_id for p in papers])
    for paper in papers:
        row = stored.get(paper.paper_id)
        if row is None:
            continue
        paper.cd_nok = None if row.cd_nok is None else round(row.cd_nok, 4)
        paper.cd_nok_citers = row.n_i + row.n_j
        paper.cd_nok_note = row.note
