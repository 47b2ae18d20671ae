"""Reference lists and SPECTER vectors through ``POST /paper/batch``, cached.

Two kinds of request, never one per paper or per reference:

1. ``fields=citationCount,externalIds,references.paperId`` for every paper whose list is
   missing or older than ``REUSE`` (30 days), 500 ids a request;
2. ``fields=embedding.specter_v2`` for every distinct reference that was never asked
   about (or whose "no vector" answer is older than ``REUSE``), 500 ids a request.

A vector is stored for good with its model name: S2 computes it once per model version.
A paper's references are counted once each (a reference S2 lists twice counts once);
entries without a paperId are S2's unresolved references.

It must not compute an indicator, print or decide who is scored: ``scores`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from scholarcli.cache import novelty as cache
from scholarcli.core import Context, Freshness
from scholarcli.errors import SourceError

MODEL = "specter_v2"
EMBEDDING_FIELD = "embedding.specter_v2"
REFERENCE_FIELDS = "citationCount,referenceCount,externalIds,references.paperId"
# S2 nests at most 9,999 citations per batch answer (SPEC /paper/batch); whether that cap
# also cuts nested references is not documented, so a batch that comes near it is checked.
NESTED_CAP = 9999
REUSE = timedelta(days=30)
BATCH = 500  # /paper/batch's cap; each chunk is stored as it arrives


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def parse_reference_answer(
    asked: str, answer: dict[str, Any] | None, now: str
) -> cache.ReferenceList:
    """One ``/paper/batch`` answer as a reference list (``found=False`` for null)."""
    if answer is None or not answer.get("paperId"):
        return cache.ReferenceList(asked, False, fetched_at=now)
    entries = answer.get("references") or []
    refs = [str(e["paperId"]) for e in entries if isinstance(e, dict) and e.get("paperId")]
    citations = answer.get("citationCount")
    return cache.ReferenceList(
        str(answer["paperId"]),
        True,
        tuple(dict.fromkeys(refs)),
        len(entries),
        citations if isinstance(citations, int) else None,
        now,
    )


def ask(ctx: Context, ids: Sequence[str], fields: str) -> list[dict[str, Any] | None]:
    """``papers_batch_raw`` for up to 500 ids, halved when S2 says the answer is too big.

    S2 refuses answers above 10 MB with a 400 (SPEC Error400); 500 papers with 768-number
    vectors come to about 8 MB, so only unusually long nested lists get there.
    """
    try:
        return ctx.s2.papers_batch_raw(list(ids), fields)
    except SourceError as exc:
        if exc.status != 400 or len(ids) < 2 or "exceed" not in exc.message.lower():
            raise
    half = len(ids) // 2
    return ask(ctx, ids[:half], fields) + ask(ctx, ids[half:], fields)


def _short(answer: dict[str, Any] | None) -> int | None:
    """The referenceCount of an answer that lists fewer references than that, else None."""
    if not isinstance(answer, dict):
        return None
    count = answer.get("referenceCount")
    if not isinstance(count, int) or len(answer.get("references") or []) >= count:
        return None
    return count


def ask_lists(
    ctx: Context,
    ids: Sequence[str],
    fields: str,
    on_batch: Callable[[list[str], list[dict[str, Any] | None]], None] | None = None,
) -> list[dict[str, Any] | None]:
    """``ask`` in batches of 500 for answers with nested reference lists.

    S2 may stop nesting after ``NESTED_CAP`` items a batch. A paper whose list is shorter
    than its ``referenceCount`` where the items before it plus its count pass the cap may
    have been cut: it goes to the front of the next batch, where nothing comes before it.
    A paper at the front is taken as it is, so every batch makes progress; below the cap
    (the usual case) nothing is asked twice. ``on_batch`` gets each batch's final answers.
    """
    answers: dict[int, dict[str, Any] | None] = {}
    queue = list(range(len(ids)))
    while queue:
        batch, queue = queue[:BATCH], queue[BATCH:]
        got = ask(ctx, [ids[k] for k in batch], fields)
        again: list[int] = []
        before = 0
        for k, answer in zip(batch, got, strict=True):
            count = _short(answer)
            if count is not None and before > 0 and before + count >= NESTED_CAP:
                again.append(k)
            else:
                answers[k] = answer
            if isinstance(answer, dict):
                before += len(answer.get("references") or [])
        final = [k for k in batch if k not in set(again)]
        if on_batch is not None and final:
            on_batch([ids[k] for k in final], [answers[k] for k in final])
        queue = again + queue
    return [answers[k] for k in range(len(ids))]


def stale(ctx: Context, fetched_at: str | None) -> bool:
    return Freshness(max_age=REUSE).needs_fetch(ctx, fetched_at)


def fetch_reference_lists(ctx: Context, ids: Sequence[str]) -> dict[str, cache.ReferenceList]:
    """Ask S2 for the lists of ``ids`` (paperIds or ``ARXIV:x``) and cache the found ones.

    Returns every asked id's answer, keyed by the id asked for. Each batch is stored as it
    arrives, so an interrupted run keeps what it got.
    """
    lists: dict[str, cache.ReferenceList] = {}

    def store(asked_ids: list[str], answers: list[dict[str, Any] | None]) -> None:
        now = ctx.now()
        found = {
            asked: parse_reference_answer(asked, answer, now)
            for asked, answer in zip(asked_ids, answers, strict=True)
        }
        # Keyed by S2's paperId in the cache; a paperId S2 no longer knows is remembered
        # as not found (an unknown arXiv id is the cohort's business).
        cache.save_references(
            ctx.store,
            [r for asked, r in found.items() if r.found or not asked.upper().startswith("ARXIV:")],
        )
        lists.update(found)

    ask_lists(ctx, list(ids), REFERENCE_FIELDS, store)
    return lists


def vectors_needed(ctx: Context, ids: Iterable[str]) -> list[str]:
    """The distinct ids whose vector was never asked for, or whose 'none' is stale."""
    wanted = list(dict.fromkeys(ids))
    known = cache.vector_fetches(ctx.store, wanted, MODEL)
    return [
        pid
        for pid in wanted
        if pid not in known or (not known[pid][0] and stale(ctx, known[pid][1]))
    ]


def _vector(answer: dict[str, Any] | None) -> list[float] | None:
    embedding = answer.get("embedding") if isinstance(answer, dict) else None
    vector = embedding.get("vector") if isinstance(embedding, dict) else None
    if not isinstance(vector, list) or not vector:
        return None
    try:
        return [float(x) for x in vector]
    except (TypeError, ValueError):
        return None


def fetch_vectors(ctx: Context, ids: Sequence[str]) -> int:
    """Fetch and store the vectors of ``ids``; returns how many had one."""
    with_vector = 0
    for chunk in _chunks(list(ids)):
        answers = ask(ctx, chunk, EMBEDDING_FIELD)
        pairs = [(pid, _vector(answer)) for pid, answer in zip(chunk, answers, strict=True)]
        cache.save_vectors(ctx.store, pairs, MODEL, ctx.now())
        with_vector += sum(1 for _, v in pairs if v is not None)
    return with_vector
