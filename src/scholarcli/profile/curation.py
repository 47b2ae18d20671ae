"""Curation of a person's papers, as in Publish or Perish: exclude, include, merge.

* ``--exclude REF``: the paper does not count (PoP: clear its check box).
* ``--merge KEEP=DUPLICATE``: two records of one paper count as one, KEEP, whose
  citations become the sum of both (PoP: drag the stray record onto the master record;
  Harzing advises checking first that the two are cited by different papers).
* ``--include REF``: takes back every rule about REF (its exclusion, or a merge it is
  part of), so it counts as its own paper again.

REF is a paper as the profile shows it: its S2 ``paper_id``, its ``arxiv_id`` (any form
``ids.normalise_id`` reads) or its ``doi`` (``doi:``/``https://doi.org/`` prefixes and
case ignored). Rules are kept in the cache per S2 author id (the first id of the
profile when it is made; a profile made of several ids obeys the rules of all of
them), so every command that reads the person's papers through
``sync.person_papers`` obeys them: author, metrics, compare, coauthors, timeline,
refresh (and so history, from that refresh on), and whatever else builds a profile.

It must not parse options, print, fetch, or import typer or rich.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from scholarcli.cache import curation as rules_cache
from scholarcli.cache.curation import Rule
from scholarcli.cache.store import Store
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.ids import normalise_id
from scholarcli.models import Paper

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)\s*", re.IGNORECASE)
UNDO_HINT = "scholar curate list NAME shows the rules; scholar curate undo NAME takes one back"


@dataclass
class Edits:
    """Curation asked for on one command line."""

    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    merge: list[str] = field(default_factory=list)  # "KEEP=DUPLICATE"

    def __bool__(self) -> bool:
        return bool(self.exclude or self.include or self.merge)


def normalise_ref(text: str) -> str:
    """The form a reference is stored and compared in (see the module docstring)."""
    ref = text.strip()
    if not ref:
        raise UsageError("a paper reference is empty", hint="give a paper_id, arxiv_id or doi")
    arxiv = normalise_id(ref)
    if arxiv is not None:
        return arxiv[0]
    return _DOI_PREFIX.sub("", ref).lower()


def split_merge(text: str) -> tuple[str, str]:
    keep, sep, duplicate = text.partition("=")
    if not sep or not keep.strip() or not duplicate.strip():
        raise UsageError(
            f"--merge {text!r} is not KEEP=DUPLICATE",
            hint="e.g. --merge 2308.06744=10.18653/v1/2023.emnlp-main.1 keeps the first",
        )
    return normalise_ref(keep), normalise_ref(duplicate)


def _keys(paper: Paper) -> set[str]:
    keys = {paper.paper_id.lower()}
    if paper.arxiv_id:
        arxiv = normalise_id(paper.arxiv_id)
        keys.add(arxiv[0] if arxiv else paper.arxiv_id.lower())
    if paper.doi:
        keys.add(_DOI_PREFIX.sub("", paper.doi.strip()).lower())
    return keys


def find(papers: Sequence[Paper], ref: str) -> Paper | None:
    """The first paper that ``ref`` (normalised) names."""
    return next((paper for paper in papers if ref in _keys(paper)), None)


@dataclass
class Curated:
    papers: list[Paper]  # what counts, in the original order
    excluded: list[Paper] = field(default_factory=list)
    merged: list[tuple[Paper, Paper]] = field(default_factory=list)  # (kept, duplicate)
    unmatched: list[Rule] = field(default_factory=list)  # rules naming no paper of the list

    def summary(self) -> str:
        def count(n: int, what: str) -> str:
            return f"{n} {what}{'' if n == 1 else 's'}"

        parts = []
        if self.excluded:
            parts.append(f"{count(len(self.excluded), 'paper')} excluded")
        if self.merged:
            parts.append(f"{count(len(self.merged), 'duplicate record')} merged")
        if self.unmatched:
            parts.append(f"{count(len(self.unmatched), 'rule')} naming no paper of this profile")
        return ", ".join(parts)


def apply_rules(papers: Sequence[Paper], rules: Sequence[Rule]) -> Curated:
    """The papers that count under ``rules`` (oldest first; a newer rule about the same
    paper replaces an older one). A duplicate merged into a paper that is itself
    excluded or merged follows it; a cycle of merges is broken at the newest rule."""
    fate: dict[str, tuple[str, str | None]] = {}  # paper_id -> (action, keeper paper_id)
    unmatched: list[Rule] = []
    for rule in rules:
        paper = find(papers, rule.ref)
        keeper = find(papers, rule.target) if rule.target else None
        if paper is None or (rule.action == "merge" and keeper in (None, paper)):
            unmatched.append(rule)
            continue
        if keeper is not None:
            _break_cycle(fate, keeper.paper_id, paper.paper_id)
        fate[paper.paper_id] = (rule.action, keeper.paper_id if keeper else None)
    by_id = {paper.paper_id: paper for paper in papers}

    def final(paper_id: str) -> str | None:
        """Where a paper's citations end up: itself, its keeper, or None (excluded)."""
        seen = set()
        while paper_id in fate and paper_id not in seen:
            seen.add(paper_id)
            action, keeper = fate[paper_id]
            if action == "exclude" or keeper is None:
                return None
            paper_id = keeper
        return paper_id

    extra: dict[str, tuple[int, int]] = {}
    result = Curated(papers=[], unmatched=unmatched)
    for paper in papers:
        action = fate.get(paper.paper_id, ("", None))[0]
        if action == "exclude":
            result.excluded.append(paper)
        elif action == "merge":
            home = final(paper.paper_id)
            if home is not None:
                result.merged.append((by_id[home], paper))
                cites, influential = extra.get(home, (0, 0))
                more = paper.influential_citations or 0
                extra[home] = (cites + paper.citations, influential + more)
            else:
                result.excluded.append(paper)  # merged into an excluded paper
    for paper in papers:
        if paper.paper_id in fate:
            continue
        if paper.paper_id in extra:
            cites, influential = extra[paper.paper_id]
            paper = dataclasses.replace(
                paper,
                citations=paper.citations + cites,
                influential_citations=(
                    None
                    if paper.influential_citations is None
                    else paper.influential_citations + influential
                ),
            )
        result.papers.append(paper)
    return result


def _break_cycle(fate: dict[str, tuple[str, str | None]], start: str, target: str) -> None:
    """Before ``target`` merges into ``start``: if ``start``'s chain of older merges leads
    back to ``target``, drop the link into ``target`` (the newer rule wins)."""
    node, seen = start, set()
    while node in fate and node not in seen:
        seen.add(node)
        action, keeper = fate[node]
        if action != "merge" or keeper is None:
            return
        if keeper == target:
            del fate[node]
            return
        node = keeper


def save_edits(
    store: Store,
    owner: str,
    author_ids: Sequence[str],
    papers: Sequence[Paper],
    edits: Edits,
    now: str,
) -> list[str]:
    """Check ``edits`` against the person's (uncurated) papers and store them; notes back.

    A REF that names no paper of the profile is an error (exit 3) and nothing is
    stored. ``owner`` is the S2 id new rules are kept under.
    """
    excluded = [normalise_ref(ref) for ref in edits.exclude]
    merges = [split_merge(text) for text in edits.merge]
    for ref in [*excluded, *(ref for pair in merges for ref in pair)]:
        if find(papers, ref) is None:
            raise NotFoundError(
                f"no paper {ref!r} in this profile",
                hint="use a paper_id, arxiv_id or doi as scholar author NAME -f csv shows them",
            )
    for keep, duplicate in merges:
        if find(papers, keep) is find(papers, duplicate):
            raise UsageError(f"--merge {keep}={duplicate}: both name the same record")
    notes: list[str] = []
    existing = rules_cache.rules_for(store, author_ids)
    taken_back: list[int] = []
    for text in edits.include:
        ref = normalise_ref(text)
        paper = find(papers, ref)
        keys = _keys(paper) if paper else {ref}
        about = [r.rule_id for r in existing if r.ref in keys or (r.target or "") in keys]
        if about:
            taken_back += about
            notes.append(f"{text.strip()} counts as its own paper again")
        else:
            notes.append(f"{text.strip()} was neither excluded nor merged; nothing to include")
    new: list[tuple[str, str, str, str | None]] = [
        (owner, "exclude", ref, None) for ref in excluded
    ]
    new += [(owner, "merge", duplicate, keep) for keep, duplicate in merges]
    # The same rule again (an --exclude repeated on the next run) is not stored twice.
    kept = {(r.action, r.ref, r.target) for r in existing if r.rule_id not in taken_back}
    new = [rule for rule in dict.fromkeys(new) if rule[1:] not in kept]
    if taken_back:
        rules_cache.delete_rules(store, taken_back, now)
    if new:
        rules_cache.add_rules(store, new, now)
    return notes


def undo(
    store: Store, author_ids: Sequence[str], now: str, *, everything: bool = False
) -> list[Rule]:
    """Take back the newest rule of these ids (every rule with ``everything``)."""
    rules = rules_cache.rules_for(store, author_ids)
    chosen = rules if everything else rules[-1:]
    rules_cache.delete_rules(store, [rule.rule_id for rule in chosen], now)
    return chosen
