"""A group's view: each member's metrics row, the group's own figures, the network.

Each member's profile is built as ``scholar author`` builds it (their curation rules
apply; a cached profile costs no request), then ``--since`` keeps only papers from that
year on, for the rows, the union and the network alike. The arithmetic is in
``indicators.group``. It must not parse options or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scholarcli.core import Freshness
from scholarcli.errors import NotFoundError
from scholarcli.group.members import MemberSpec
from scholarcli.indicators import group as arithmetic
from scholarcli.indicators.metrics import METRIC_FIELDS
from scholarcli.models import ProfilePaper
from scholarcli.profile import merge
from scholarcli.profile.builder import ProfileRequest, ProfileSource, build_profile

_HEADER_NAMES = {"papers": "paper_count", "citations": "citation_count"}


@dataclass(frozen=True)
class Member:
    key: str  # the node name: label, else the profile's name (made unique)
    name: str
    ids: list[str]
    values: dict[str, Any]
    papers: list[ProfilePaper]

    def record(self) -> dict[str, Any]:
        return {"name": self.key, "ids": list(self.ids), "source": "s2", **self.values}


@dataclass(frozen=True)
class GroupView:
    members: list[Member]
    figures: arithmetic.GroupFigures
    papers: list[arithmetic.GroupPaper]
    edges: list[arithmetic.Edge]
    since: int | None
    resolved: list[MemberSpec]  # the members with their ids pinned (for --save)
    missing: list[NotFoundError] = field(default_factory=list)
    complete: bool = True

    def group_record(self) -> dict[str, Any]:
        f = self.figures
        return {
            "members": f.members,
            "papers": f.papers,
            "joint_papers": f.joint_papers,
            "citations": f.citations,
            "h_index": f.h_index,
            "g_index": f.g_index,
            "median_member_h_index": f.median_member_h_index,
            "since": self.since,
        }

    def network(self) -> dict[str, Any]:
        return {
            "nodes": [
                {
                    "id": m.key,
                    "name": m.name,
                    "ids": m.ids,
                    "papers": m.values.get("papers"),
                    "citations": m.values.get("citations"),
                    "h_index": m.values.get("h_index"),
                }
                for m in self.members
            ],
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "joint_papers": e.joint_papers,
                    "paper_ids": list(e.paper_ids),
                }
                for e in self.edges
            ],
        }


def _values(rows: Sequence[ProfilePaper], as_of: date) -> dict[str, Any]:
    computed = merge.profile_metrics(rows, as_of)
    return {name: computed.get(_HEADER_NAMES.get(name, name)) for name in METRIC_FIELDS}


def _unique(key: str, taken: set[str], ids: Sequence[str]) -> str:
    if key not in taken:
        return key
    return f"{key} ({', '.join(ids)})"


def build_group(
    source: ProfileSource,
    specs: Sequence[MemberSpec],
    *,
    as_of: date,
    fresh: Freshness,
    since: int | None = None,
) -> GroupView:
    """Every member's profile, windowed by ``since``, and the group figures over them.

    A member nobody matches goes to ``missing``; the others still make the group.
    """
    members: list[Member] = []
    resolved: list[MemberSpec] = []
    missing: list[NotFoundError] = []
    complete = True
    taken: set[str] = set()
    for spec in specs:
        try:
            view = build_profile(
                source,
                ProfileRequest(spec.name, spec.ids, as_of, fresh, purpose="counting"),
            )
        except NotFoundError as exc:
            missing.append(exc)
            continue
        complete = complete and view.complete
        profile = view.profile
        rows = [p for p in profile.papers if since is None or (p.year or 0) >= since]
        key = _unique(spec.label or profile.name, taken, profile.ids)
        taken.add(key)
        members.append(Member(key, profile.name, list(profile.ids), _values(rows, as_of), rows))
        resolved.append(MemberSpec(spec.name or profile.name, tuple(profile.ids), spec.label))
    if not members and missing:
        raise missing[0]
    papers = arithmetic.union({m.key: m.papers for m in members})
    member_h = [int(m.values.get("h_index") or 0) for m in members]
    return GroupView(
        members=members,
        figures=arithmetic.figures(papers, member_h),
        papers=papers,
        edges=arithmetic.collaboration(papers),
        since=since,
        resolved=resolved,
        missing=missing,
        complete=complete,
    )


def papers_per_year(view: GroupView) -> list[dict[str, int]]:
    """The union's papers and their citations per publication year (for the report)."""
    years: dict[int, list[int]] = {}
    for paper in view.papers:
        if paper.year is not None:
            years.setdefault(paper.year, []).append(paper.citations)
    return [
        {"year": year, "papers": len(counts), "citations": sum(counts)}
        for year, counts in sorted(years.items())
    ]


def write_graphml(view: GroupView, path: str) -> None:
    """The network as GraphML (networkx writes it; Gephi and networkx read it back)."""
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph(name="scholar group collaboration network")
    for node in view.network()["nodes"]:
        graph.add_node(
            node["id"],
            name=node["name"],
            ids=";".join(node["ids"]),
            papers=int(node["papers"] or 0),
            citations=int(node["citations"] or 0),
            h_index=int(node["h_index"] or 0),
        )
    for edge in view.edges:
        graph.add_edge(edge.source, edge.target, weight=edge.joint_papers)
    nx.write_graphml(graph, path)
