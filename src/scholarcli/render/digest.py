"""A digest as text: plain sections for a terminal or a cron mail, markdown, csv, json.

It draws the digest's records (``tracking.digest.Digest.records()``: one dict a person
with ``new_papers``, ``left_papers``, ``citation_gains``, ``h_index_before``/``h_index``
and ``failing``), so the output package knows nothing of how they were found.

Plain text on purpose: cron mails stdout, and a mail reader shows neither colours nor
box drawing well. Text from the sources goes through ``safe.clean_text`` (control and
bidi characters neutralised, docs/output.md), as in every terminal and markdown view;
json, jsonl and csv carry it as the source gave it. Nothing new is the empty string,
so cron stays quiet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from scholarcli.render.safe import clean_text
from scholarcli.render.writers import neutralise_cell

#: Citing papers listed under a paper in the text views (json and csv carry all).
CITERS_SHOWN = 5

CSV_FIELDS = ("person", "name", "kind", "paper_id", "title", "detail", "value")

Record = Mapping[str, Any]


def _clean(text: object) -> str:
    return " ".join(clean_text("" if text is None else str(text)).split())


def _md(text: object) -> str:
    """Markdown-safe inline text: no markup from the data, no raw control characters."""
    cleaned = _clean(text)
    for char in "\\`*_[]<>|#":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned


def _since(person: Record) -> str:
    since = person.get("since")
    return f"since {since[:10]}" if since else "since tracking began"


def _paper(line: Record) -> str:
    when = line.get("date") or (str(line["year"]) if line.get("year") else "")
    where = ", ".join(x for x in (line.get("venue") or "", when) if x)
    return _clean(line.get("title")) + (f" ({_clean(where)})" if where else "")


def _citer(citer: Record) -> str:
    names = ", ".join(citer.get("authors") or []) + (" et al." if citer.get("more_authors") else "")
    year = str(citer["year"]) if citer.get("year") else ""
    where = " ".join(x for x in (citer.get("venue") or "", year) if x)
    return " — ".join([_clean(citer.get("title"))] + [_clean(x) for x in (names, where) if x])


def _h_changed(person: Record) -> bool:
    before, after = person.get("h_index_before"), person.get("h_index")
    return before is not None and after is not None and before != after


def _headline(person: Record) -> str:
    facts = [_since(person)]
    if person["new_papers"]:
        facts.append(f"{len(person['new_papers'])} new paper(s)")
    if person["left_papers"]:
        facts.append(f"{len(person['left_papers'])} left")
    if person.get("citations_gained"):
        facts.append(f"+{person['citations_gained']} citations")
    if _h_changed(person):
        facts.append(f"h-index {person['h_index_before']} → {person['h_index']}")
    return "; ".join(facts)


def _failing_line(failing: Record, escape: Any) -> str:
    return (
        f"{failing['consecutive_failures']} runs in a row "
        f"(last success {(failing.get('last_success') or 'never')[:10]}): "
        f"{escape(failing.get('last_error') or '')}"
    )


def _gain_head(gain: Record) -> str:
    return f"{gain['citations_before']} → {gain['citations']}"


def _text_person(person: Record) -> Iterator[str]:
    yield f"{_clean(person['name'])} — {_headline(person)}"
    if person.get("failing"):
        yield f"  ! refresh failed {_failing_line(person['failing'], _clean)}"
    if person["new_papers"]:
        yield "  New papers:"
        yield from (f"    + {_paper(p)}" for p in person["new_papers"])
    if person["left_papers"]:
        yield "  No longer in the profile:"
        yield from (f"    - {_paper(p)}" for p in person["left_papers"])
    if person["citation_gains"]:
        yield "  Citations:"
        for gain in person["citation_gains"]:
            yield f"    +{gain['gain']:<5} {_clean(gain['title'])} ({_gain_head(gain)})"
            citers: Sequence[Record] = gain["new_citing_papers"]
            for citer in citers[:CITERS_SHOWN]:
                yield f"           · {_citer(citer)}"
            if len(citers) > CITERS_SHOWN:
                yield f"           · and {len(citers) - CITERS_SHOWN} more"
            if gain.get("citing_note"):
                yield f"           ({_clean(gain['citing_note'])})"
    yield ""


def _markdown_person(person: Record) -> Iterator[str]:
    yield f"## {_md(person['name'])}"
    yield ""
    yield _md(_headline(person))
    yield ""
    if person.get("failing"):
        yield f"**Refresh failing** {_failing_line(person['failing'], _md)}"
        yield ""
    for key, heading in (("new_papers", "New papers"), ("left_papers", "No longer in the profile")):
        if person[key]:
            yield f"**{heading}**"
            yield ""
            yield from (f"- {_md(_paper(p))}" for p in person[key])
            yield ""
    if person["citation_gains"]:
        yield "**Citations**"
        yield ""
        for gain in person["citation_gains"]:
            yield f"- **+{gain['gain']}** {_md(gain['title'])} ({_gain_head(gain)})"
            citers: Sequence[Record] = gain["new_citing_papers"]
            for citer in citers[:CITERS_SHOWN]:
                yield f"  - {_md(_citer(citer))}"
            if len(citers) > CITERS_SHOWN:
                yield f"  - and {len(citers) - CITERS_SHOWN} more"
            if gain.get("citing_note"):
                yield f"  - *{_md(gain['citing_note'])}*"
        yield ""


def _csv_rows(person: Record) -> Iterator[dict[str, Any]]:
    base = {"person": person["key"], "name": person["name"]}
    failing = person.get("failing")
    if failing:
        yield {
            **base,
            "kind": "failing",
            "detail": failing.get("last_error"),
            "value": failing["consecutive_failures"],
        }
    for line in person["new_papers"]:
        yield {
            **base,
            "kind": "new_paper",
            "paper_id": line["paper_id"],
            "title": line["title"],
            "detail": line.get("venue"),
            "value": line.get("date") or line.get("year"),
        }
    for line in person["left_papers"]:
        yield {
            **base,
            "kind": "left_paper",
            "paper_id": line["paper_id"],
            "title": line["title"],
            "detail": line.get("venue"),
            "value": line.get("seen_at"),
        }
    for gain in person["citation_gains"]:
        yield {
            **base,
            "kind": "citation_gain",
            "paper_id": gain["paper_id"],
            "title": gain["title"],
            "detail": f"{gain['citations_before']} -> {gain['citations']}",
            "value": gain["gain"],
        }
        for citer in gain["new_citing_papers"]:
            yield {
                **base,
                "kind": "new_citing_paper",
                "paper_id": gain["paper_id"],
                "title": citer["title"],
                "detail": "; ".join(citer.get("authors") or []),
                "value": citer.get("year"),
            }
    if _h_changed(person):
        yield {
            **base,
            "kind": "h_index",
            "detail": f"{person['h_index_before']} -> {person['h_index']}",
            "value": person["h_index"],
        }


def digest_text(until: str, people: Sequence[Record], fmt: str) -> str:
    """The people's news in ``fmt`` (table, markdown, csv, json, jsonl); "" for none."""
    if not people:
        return ""
    if fmt == "json":
        payload = {"digest": {"until": until, "people": list(people)}}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps({**p, "until": until}, ensure_ascii=False) + "\n" for p in people)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for person in people:
            for row in _csv_rows(person):
                writer.writerow(
                    {
                        k: neutralise_cell("" if row.get(k) is None else str(row[k]))
                        for k in CSV_FIELDS
                    }
                )
        return out.getvalue()
    lines: list[str] = []
    if fmt == "markdown":
        lines = [f"# scholar digest, {until[:10]}", ""]
        for person in people:
            lines.extend(_markdown_person(person))
    else:
        for person in people:
            lines.extend(_text_person(person))
    return "\n".join(lines).rstrip("\n") + "\n"
