"""A group's own figures and its collaboration network, from its members' papers.

Pure: takes each member's papers, returns numbers and edges; no I/O.

- A paper is counted once however many members wrote it. Two records are the same
  paper when they share the S2 paper id, the arXiv id or the DOI (case-insensitive);
  a paper's citations are the highest count among its records.
- The group h-index and g-index are those of the union (Hirsch 2005; Egghe 2006,
  bounded by the number of papers as everywhere in scholar).
- The members' median h-index is the median of their own h-indices.
- Two members are joined by an edge weighted by their joint papers: papers of the
  union that both wrote.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from scholarcli.indicators.metrics import g_index, h_index
from scholarcli.models import ProfilePaper


@dataclass(frozen=True)
class GroupPaper:
    """One paper of the union: its records' first id, best count, and who wrote it."""

    paper_id: str
    title: str
    year: int | None
    citations: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    joint_papers: int
    paper_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class GroupFigures:
    members: int
    papers: int
    citations: int
    h_index: int
    g_index: int
    median_member_h_index: float | None
    joint_papers: int  # papers of the union written by two or more members


def _keys(paper: ProfilePaper) -> list[str]:
    keys = [f"s2:{paper.paper_id}"]
    if paper.arxiv_id:
        keys.append(f"arxiv:{paper.arxiv_id.lower()}")
    if paper.doi:
        keys.append(f"doi:{paper.doi.lower()}")
    return keys


def union(member_papers: Mapping[str, Sequence[ProfilePaper]]) -> list[GroupPaper]:
    """The members' papers, each paper once (see the module docstring), in member order."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for papers in member_papers.values():
        for paper in papers:
            first, *rest = _keys(paper)
            for key in rest:
                parent[find(key)] = find(first)
            find(first)
    works: dict[str, list[tuple[str, ProfilePaper]]] = {}
    for member, papers in member_papers.items():
        for paper in papers:
            works.setdefault(find(f"s2:{paper.paper_id}"), []).append((member, paper))
    result = []
    for records in works.values():
        best = max((p for _, p in records), key=lambda p: p.citations)
        writers = tuple(dict.fromkeys(member for member, _ in records))
        result.append(
            GroupPaper(records[0][1].paper_id, best.title, best.year, best.citations, writers)
        )
    return result


def figures(papers: Sequence[GroupPaper], member_h: Sequence[int]) -> GroupFigures:
    counts = [p.citations for p in papers]
    return GroupFigures(
        members=len(member_h),
        papers=len(papers),
        citations=sum(counts),
        h_index=h_index(counts),
        g_index=g_index(counts),
        median_member_h_index=float(statistics.median(member_h)) if member_h else None,
        joint_papers=sum(1 for p in papers if len(p.members) > 1),
    )


def collaboration(papers: Sequence[GroupPaper]) -> list[Edge]:
    """Edges between members who share papers, heaviest first, then by names."""
    joint: dict[tuple[str, str], list[str]] = {}
    for paper in papers:
        for a, b in combinations(sorted(paper.members), 2):
            joint.setdefault((a, b), []).append(paper.paper_id)
    edges = [Edge(a, b, len(ids), tuple(ids)) for (a, b), ids in joint.items()]
    return sorted(edges, key=lambda e: (-e.joint_papers, e.source, e.target))
