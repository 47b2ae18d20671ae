"""Issue 18's lines of the profile view: self-citations, MNCS, intervals, coverage, provenance.

Formats values the profile carries (``Profile.extra``, ``Profile.provenance``); it
computes nothing (docs/responsible-use.md says what each value is). Plain strings only:
the callers in ``profile`` draw them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scholarcli.models import Profile, ProfilePaper

_COVERAGE_NAMES = {
    "arxiv_category": "arXiv category",
    "impact_percentile": "Impact",
    "novelty_percentile": "Novelty",
    "cd_nok": "CD_nok",
    "self_citations": "self-citations",
}
SELF_CAPTION = (
    "Self = self-citations / co-author self-citations, among the citing papers "
    "Semantic Scholar lists"
)


def _percentile(value: float) -> str:
    # A percentile rank is written p47, never 47%: it is a rank, not a share.
    return f"p{value:.0f}" if float(value).is_integer() else f"p{value:.1f}"


def counted(profile: Profile) -> bool:
    """Were self-citations computed (the table then has a Self column)?"""
    return "self_citations" in profile.extra


def self_cell(paper: ProfilePaper) -> str:
    if paper.self_citations is None:
        return ""
    return f"{paper.self_citations}/{paper.coauthor_self_citations}"


def _self_line(extra: Mapping[str, Any]) -> str:
    if extra.get("self_citations") is None:
        return "Self-citations n/a: who cites some cited papers is not known"
    listed = extra.get("self_citations_listed") or 0
    line = f"Self-citations {extra['self_citations']:,}"
    if extra.get("self_citation_rate") is not None:
        line += f" ({extra['self_citation_rate'] * 100:.1f}%)"
    line += f" · co-author {extra['coauthor_self_citations']:,}"
    if extra.get("coauthor_self_citation_rate") is not None:
        line += f" ({extra['coauthor_self_citation_rate'] * 100:.1f}%)"
    return line + (
        f" · excl. self: h {extra['h_index_excl_self']}, g {extra['g_index_excl_self']}"
        f", {extra['citations_excl_self']:,} citations"
        f" · co-author rule: h {extra['coauthor_h_index_excl_self']}"
        f", g {extra['coauthor_g_index_excl_self']}"
        f" · among the {listed:,} citing papers Semantic Scholar lists"
    )


def interval_line(profile: Profile) -> str:
    """``h-index 5 [3-6] · Impact p96 [p71-p99]``: 95 % stability intervals."""
    extra = profile.extra
    parts = []
    h = extra.get("h_index_interval")
    if h is not None:
        parts.append(f"h-index {profile.metrics.get('h_index')} [{h[0]}-{h[1]}]")
    for key, label in (("impact_percentile", "Impact"), ("novelty_percentile", "Novelty")):
        bounds = extra.get(f"{key}_interval")
        value = profile.indicators.get(key)
        if bounds is not None and value is not None:
            parts.append(
                f"{label} {_percentile(value)} [{_percentile(bounds[0])}-{_percentile(bounds[1])}]"
            )
    share = extra.get("impact_top10_share_interval")
    if share is not None and profile.indicators.get("impact_top10_share") is not None:
        parts.append(
            f"top10 {profile.indicators['impact_top10_share'] * 100:.0f}% "
            f"[{share[0] * 100:.0f}-{share[1] * 100:.0f}%]"
        )
    if not parts:
        return f"95% intervals: {extra.get('intervals_note') or 'not meaningful'}"
    return "95% intervals (1,000 resamples, seed 18): " + " · ".join(parts)


def trust_items(profile: Profile) -> list[str]:
    """The header lines of issue 18, for what was computed."""
    extra = profile.extra
    lines: list[str] = []
    if counted(profile):
        lines.append(_self_line(extra))
    if extra.get("mncs") is not None:
        line = f"MNCS {extra['mncs']:.2f}"
        if extra.get("impact_top1_share") is not None:
            line += f" · top1 {extra['impact_top1_share'] * 100:.0f}%"
        papers = profile.metrics.get("paper_count", len(profile.papers))
        line += f" · {extra.get('impact_scored_papers') or 0} of {papers} papers scored"
        lines.append(line)
    if "h_index_interval" in extra:
        lines.append(interval_line(profile))
    coverage = extra.get("coverage") or {}
    if len(coverage) > 1:  # more than the arXiv category: say what each rests on
        parts = [
            f"{_COVERAGE_NAMES.get(k, k)} {v['papers']}/{v['of']}"
            for k, v in coverage.items()
            if k != "ncs"  # the same papers as Impact
        ]
        lines.append("Covers: " + " · ".join(parts) + " papers")
    return lines


def provenance_footer(record: Mapping[str, Any]) -> str:
    """The provenance object as one short line (markdown output and the report)."""
    sources = ", ".join(f"{s['name']} {s['base_url']}" for s in record["sources"])
    fetched = record["fetched"]
    parts = [
        f"scholar {record['scholar_version']}",
        f"definitions {record['metric_definitions_version']}",
        f"as of {record['as_of']}",
        f"sources: {sources}",
    ]
    if fetched:
        oldest = min(f["oldest"] for f in fetched.values())
        newest = max(f["newest"] for f in fetched.values())
        parts.append(f"records fetched {oldest} to {newest}")
    rules = len(record["curation"])
    parts.append(f"{rules} curation rule{'' if rules == 1 else 's'}")
    if record.get("cohorts"):
        parts.append("cohorts: 200 arXiv papers per category and v1 year (sha256 sample)")
    if record.get("intervals"):
        iv = record["intervals"]
        parts.append(f"intervals: {iv['resamples']:,} bootstrap resamples, seed {iv['seed']}")
    if record.get("self_citations"):
        parts.append("self-citations among the citing papers Semantic Scholar lists")
    return "Provenance: " + " · ".join(parts)
