"""A digest as text: plain sections for a terminal or a cron mail, markdown, csv, json.

(It moves into the output package, render/, once that package exists.)

Plain text on purpose: cron mails stdout, and a mail reader shows neither colours nor
box drawing well. Text from the sources is shown with control and bidi characters
escaped (docs/output.md), as every terminal and markdown output is. Nothing new is
the empty string, so cron stays quiet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from scholarcli.errors import printable
from scholarcli.tracking.digest import CitingPaper, Digest, PaperLine, PersonDigest

#: Citing papers listed under a paper in the text views (json and csv carry all).
CITERS_SHOWN = 5

CSV_FIELDS = ("person", "name", "kind", "paper_id", "title", "detail", "value")


def _clean(text: str) -> str:
    return " ".join(printable(text).split())


def _md(text: str) -> str:
    """Markdown-safe inline text: no markup from the data, no raw control characters."""
    cleaned = _clean(text)
    for char in "\\`*_[]<>|#":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned


def _since(person: PersonDigest) -> str:
    return f"since {person.since[:10]}" if person.since else "since tracking began"


def _paper(line: PaperLine) -> str:
    when = line.date or (str(line.year) if line.year else "")
    where = ", ".join(x for x in (line.venue, when) if x)
    return _clean(line.title) + (f" ({_clean(where)})" if where else "")


def _citer(citer: CitingPaper) -> str:
    names = ", ".join(citer.authors) + (" et al." if citer.more_authors else "")
    where = " ".join(x for x in (citer.venue, str(citer.year) if citer.year else "") if x)
    parts = [_clean(citer.title)] + [_clean(x) for x in (names, where) if x]
    return " — ".join(parts)


def _headline(person: PersonDigest) -> str:
    facts = [_since(person)]
    gained = sum(g.gain for g in person.gains)
    if person.new_papers:
        facts.append(f"{len(person.new_papers)} new paper(s)")
    if person.left_papers:
        facts.append(f"{len(person.left_papers)} left")
    if gained:
        facts.append(f"+{gained} citations")
    if person.h_changed:
        facts.append(f"h-index {person.h_before} → {person.h_after}")
    return "; ".join(facts)


def _text_person(person: PersonDigest) -> Iterator[str]:
    yield f"{_clean(person.name)} — {_headline(person)}"
    if person.failing is not None:
        health = person.failing
        yield (
            f"  ! refresh failed {health.consecutive_failures} runs in a row "
            f"(last success {(health.last_success or 'never')[:10]}): "
            f"{_clean(health.last_error or '')}"
        )
    if person.new_papers:
        yield "  New papers:"
        yield from (f"    + {_paper(p)}" for p in person.new_papers)
    if person.left_papers:
        yield "  No longer in the profile:"
        yield from (f"    - {_paper(p)}" for p in person.left_papers)
    if person.gains:
        yield "  Citations:"
        for gain in person.gains:
            yield f"    +{gain.gain:<5} {_clean(gain.title)} ({gain.before} → {gain.after})"
            for citer in gain.new_citers[:CITERS_SHOWN]:
                yield f"           · {_citer(citer)}"
            if len(gain.new_citers) > CITERS_SHOWN:
                yield f"           · and {len(gain.new_citers) - CITERS_SHOWN} more"
            if gain.citers_note:
                yield f"           ({_clean(gain.citers_note)})"
    yield ""


def _markdown_person(person: PersonDigest) -> Iterator[str]:
    yield f"## {_md(person.name)}"
    yield ""
    yield _md(_headline(person))
    yield ""
    if person.failing is not None:
        health = person.failing
        yield (
            f"**Refresh failing** {health.consecutive_failures} runs in a row "
            f"(last success {(health.last_success or 'never')[:10]}): "
            f"{_md(health.last_error or '')}"
        )
        yield ""
    if person.new_papers:
        yield "**New papers**"
        yield ""
        yield from (f"- {_md(_paper(p))}" for p in person.new_papers)
        yield ""
    if person.left_papers:
        yield "**No longer in the profile**"
        yield ""
        yield from (f"- {_md(_paper(p))}" for p in person.left_papers)
        yield ""
    if person.gains:
        yield "**Citations**"
        yield ""
        for gain in person.gains:
            yield f"- **+{gain.gain}** {_md(gain.title)} ({gain.before} → {gain.after})"
            for citer in gain.new_citers[:CITERS_SHOWN]:
                yield f"  - {_md(_citer(citer))}"
            if len(gain.new_citers) > CITERS_SHOWN:
                yield f"  - and {len(gain.new_citers) - CITERS_SHOWN} more"
            if gain.citers_note:
                yield f"  - *{_md(gain.citers_note)}*"
        yield ""


def _csv_rows(person: PersonDigest) -> Iterator[dict[str, Any]]:
    base = {"person": person.key, "name": person.name}
    if person.failing is not None:
        yield {
            **base,
            "kind": "failing",
            "detail": person.failing.last_error,
            "value": person.failing.consecutive_failures,
        }
    for line in person.new_papers:
        yield {
            **base,
            "kind": "new_paper",
            "paper_id": line.paper_id,
            "title": line.title,
            "detail": line.venue,
            "value": line.date or line.year,
        }
    for line in person.left_papers:
        yield {
            **base,
            "kind": "left_paper",
            "paper_id": line.paper_id,
            "title": line.title,
            "detail": line.venue,
            "value": line.when,
        }
    for gain in person.gains:
        yield {
            **base,
            "kind": "citation_gain",
            "paper_id": gain.paper_id,
            "title": gain.title,
            "detail": f"{gain.before} -> {gain.after}",
            "value": gain.gain,
        }
        for citer in gain.new_citers:
            yield {
                **base,
                "kind": "new_citing_paper",
                "paper_id": gain.paper_id,
                "title": citer.title,
                "detail": "; ".join(citer.authors),
                "value": citer.year,
            }
    if person.h_changed:
        yield {
            **base,
            "kind": "h_index",
            "detail": f"{person.h_before} -> {person.h_after}",
            "value": person.h_after,
        }


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def digest_text(digest: Digest, fmt: str) -> str:
    """The digest in ``fmt`` (table, markdown, csv, json, jsonl); "" when nothing is new."""
    people = digest.news()
    if not people:
        return ""
    if fmt == "json":
        payload = {"digest": {"until": digest.until, "people": [p.as_dict() for p in people]}}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(
            json.dumps({**p.as_dict(), "until": digest.until}, ensure_ascii=False) + "\n"
            for p in people
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for person in people:
            for row in _csv_rows(person):
                writer.writerow({k: _csv_cell(row.get(k)) for k in CSV_FIELDS})
        return out.getvalue()
    if fmt == "markdown":
        lines = [f"# scholar digest, {digest.until[:10]}", ""]
        for person in people:
            lines.extend(_markdown_person(person))
        return "\n".join(lines).rstrip("\n") + "\n"
    lines = []
    for person in people:
        lines.extend(_text_person(person))
    return "\n".join(lines).rstrip("\n") + "\n"
