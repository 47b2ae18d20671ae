"""What a committee needs beside the numbers: intervals, coverage, provenance.

* ``attach_intervals`` puts 95 % stability intervals (``indicators.stability``) of the
  h-index, Impact, Novelty and PP(top 10 %) on a profile (``--intervals``);
* ``attach_coverage`` says what share of the person's papers each indicator covers;
* ``provenance`` says where every number came from: scholar's version, the sources and
  their base URLs (never a key), when each kind of record used was fetched, ``as_of``,
  the curation rules applied, the cohort and interval definitions and the metric
  definitions' version. Nothing in it reads the clock, so ``--offline --as-of D``
  prints the same bytes every time (docs/responsible-use.md, "Provenance").
* ``context_warnings`` says when people compared are hard to compare.

It must not parse options, print, or fetch anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scholarcli import __version__
from scholarcli.cache import curation as curation_rules
from scholarcli.cache import provenance as spans
from scholarcli.core import Context
from scholarcli.models import Profile

# The version of the metric definitions (docs/responsible-use.md, "Provenance"; issue 18
# added self-citations, MNCS, PP(top 1 %) and intervals): raised whenever a definition
# changes, so two outputs with the same version computed the same things.
DEFINITIONS_VERSION = "2026.12"
SELF_CITATION_RULE = (
    "self-citation: the citing paper lists the person (any of their author ids); "
    "co-author self-citation: the citing paper shares any author id with the cited paper"
)
COHORT_DEFINITION = (
    "arXiv papers of the same primary category and v1 year: the 200 with the smallest "
    'sha256("CATEGORY:YEAR:<arXiv id>") (days in sha256("CATEGORY:YEAR:<YYYY-MM-DD>") order '
    "when the listing exceeds 2,000), the person's own papers left out; at least 30 values "
    "a percentile"
)
# Careers "of very different lengths": the longer more than twice the shorter, and at
# least 5 years apart (a 3- and a 7-year career are not compared on h like 10 and 30).
CAREER_RATIO = 2.0
CAREER_GAP = 5


def attach_intervals(profile: Profile) -> None:
    """Stability intervals of the profile's indicators (numpy; ``--intervals`` only)."""
    from scholarcli.indicators.stability import stability_intervals

    papers = sorted(profile.papers, key=lambda p: p.paper_id)
    computed = profile.indicators.get("cohorts") is not None
    result = stability_intervals(
        [p.citations for p in papers],
        impact=[p.impact_percentile for p in papers] if computed else None,
        novelty=[p.novelty_percentile for p in papers] if computed else None,
        top10=[p.impact_top10 for p in papers] if computed else None,
    )
    for name, bounds in result.values.items():
        profile.extra[f"{name}_interval"] = bounds
    notes = sorted(set(result.notes.values()))
    profile.extra["intervals_note"] = "; ".join(notes) or None


def finish(
    ctx: Context, profile: Profile, *, intervals: bool = False, citations_by_year: bool = False
) -> None:
    """The last step of a profile: intervals when asked, coverage, provenance."""
    if intervals:
        attach_intervals(profile)
    attach_coverage(profile)
    profile.provenance = provenance(ctx, profile, citations_by_year=citations_by_year)


def _entry(covered: int, total: int) -> dict[str, Any]:
    return {"papers": covered, "of": total, "share": round(covered / total, 4) if total else None}


def attach_coverage(profile: Profile) -> None:
    """``coverage``: per indicator, how many of the person's papers it rests on."""
    papers = profile.papers
    total = len(papers)
    found: dict[str, dict[str, Any]] = {
        "arxiv_category": _entry(sum(1 for p in papers if p.category), total),
    }
    if profile.indicators.get("cohorts") is not None:
        found["impact_percentile"] = _entry(
            sum(1 for p in papers if p.impact_percentile is not None), total
        )
        found["novelty_percentile"] = _entry(
            sum(1 for p in papers if p.novelty_percentile is not None), total
        )
        found["ncs"] = _entry(sum(1 for p in papers if p.ncs is not None), total)
    if any(p.cd_nok_citers is not None for p in papers):
        found["cd_nok"] = _entry(sum(1 for p in papers if p.cd_nok is not None), total)
    if "self_citations" in profile.extra:
        found["self_citations"] = _entry(
            sum(1 for p in papers if p.self_citations is not None), total
        )
    profile.extra["coverage"] = found


def public_url(url: str) -> str:
    """A base URL as it may be shown: no user, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def provenance(
    ctx: Context, profile: Profile, *, citations_by_year: bool = False
) -> dict[str, Any]:
    """The provenance object of a profile (call after every indicator is attached)."""
    fetched = spans.fetch_spans(
        ctx.store,
        author_ids=profile.ids,
        paper_ids=[p.paper_id for p in profile.papers],
        arxiv_ids=[p.arxiv_id for p in profile.papers if p.arxiv_id],
    )
    if not citations_by_year:
        fetched.pop("citations_by_year", None)
    fetched.update(profile.fetched)
    rules = curation_rules.rules_for(ctx.store, profile.ids)
    novelty = profile.indicators.get("cohorts") is not None
    out: dict[str, Any] = {
        "scholar_version": __version__,
        "metric_definitions_version": DEFINITIONS_VERSION,
        "as_of": profile.as_of,
        "sources": [
            {"name": "semantic_scholar", "base_url": public_url(ctx.settings.s2_url)},
            {"name": "arxiv", "base_url": public_url(ctx.settings.arxiv_url)},
        ],
        "fetched": {
            kind: {"oldest": low, "newest": high} for kind, (low, high) in sorted(fetched.items())
        },
        "curation": [
            {
                "action": rule.action,
                "author_id": rule.author_id,
                "ref": rule.ref,
                "target": rule.target,
                "created_at": rule.created_at,
            }
            for rule in rules
        ],
        "curation_summary": profile.curation or None,
        "cohorts": (
            {
                "definition": COHORT_DEFINITION,
                "sample_seed": 'sha256("CATEGORY:YEAR:<arXiv id>")',
                "sample_size": 200,
                "used": profile.indicators.get("cohorts"),
            }
            if novelty
            else None
        ),
        "self_citations": (
            {"rule": SELF_CITATION_RULE, "basis": "citing papers Semantic Scholar lists"}
            if "self_citations" in profile.extra
            else None
        ),
        "intervals": _interval_definition() if "h_index_interval" in profile.extra else None,
    }
    return out


def _interval_definition() -> dict[str, Any]:
    from scholarcli.indicators.stability import definition

    return definition()


def context_warnings(people: Sequence[dict[str, Any]]) -> list[str]:
    """Warnings for a comparison of ``people`` (``primary_category``, ``career_years``,
    ``name``): different primary categories, or careers of very different lengths."""
    warnings = []
    categories = {p.get("primary_category") for p in people if p.get("primary_category")}
    if len(categories) > 1:
        warnings.append(
            "the people compared have different primary categories "
            f"({', '.join(sorted(str(c) for c in categories))}): citation counts and "
            "h-indices differ by field, so compare Impact percentiles or MNCS instead"
        )
    careers = [(p.get("career_years"), p.get("name")) for p in people]
    known = [(years, name) for years, name in careers if isinstance(years, int) and years > 0]
    if len(known) >= 2:
        short = min(known, key=lambda k: k[0])
        long = max(known, key=lambda k: k[0])
        if long[0] > CAREER_RATIO * short[0] and long[0] - short[0] >= CAREER_GAP:
            warnings.append(
                f"careers of very different lengths ({short[1]}: {short[0]} years, "
                f"{long[1]}: {long[0]} years; the rule: the longer more than twice the "
                f"shorter and {CAREER_GAP}+ years apart): totals grow with career length, "
                "so compare m-quotient, per-year or field-normalised values"
            )
    return warnings
