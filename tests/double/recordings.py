"""Readers for the real recorded responses in `../shared/fixtures`, for conformance tests.

The S2 recordings are vcrpy cassettes in two layouts (PROVENANCE.md: "httpx-legacy"
`response.content` / `status_code`, and standard `response.body.string` /
`status.code`). The project has no YAML dependency, so this reads just the subset of
YAML that vcrpy writes: block mappings, `- item` lists, plain scalars and single-quoted
scalars folded over several lines. Read-only; never copies fixtures anywhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"

_KEY = re.compile(r"^(?P<indent> *)(?P<dash>- )?(?P<key>[A-Za-z0-9_-]+):(?: (?P<value>.*))?$")


@dataclass
class Interaction:
    """One recorded request/response pair of a cassette."""

    method: str = ""
    uri: str = ""
    status: int = 0
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> object:
        assert self.body is not None
        return json.loads(self.body)


def _single_quoted(lines: list[str], index: int, start: str) -> tuple[str, int]:
    """Read a single-quoted scalar starting on `lines[index]` after its opening quote."""
    pieces = [start]
    text = start
    while not _closes(text):
        index += 1
        pieces.append(lines[index])
        text = lines[index]
    raw = "\n".join(pieces)
    raw = raw[: raw.rindex("'")]  # the closing quote is the last one on the last line
    folded_lines = raw.split("\n")
    out = folded_lines[0].rstrip(" ")
    blank_run = 0
    for position, line in enumerate(folded_lines[1:], start=1):
        last = position == len(folded_lines) - 1
        stripped = line.lstrip(" ") if last else line.strip(" ")
        if not stripped and not last:
            blank_run += 1
            continue
        out += ("\n" * blank_run if blank_run else " ") + stripped
        blank_run = 0
    return out.replace("''", "'"), index


def _closes(text: str) -> bool:
    """Whether `text` holds an unescaped closing quote (quotes are doubled inside)."""
    stripped = re.sub("''", "", text)
    return "'" in stripped


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def read_cassette(path: Path) -> list[Interaction]:
    """All interactions of a vcrpy cassette whose bodies are text (not `!!binary`)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    interactions: list[Interaction] = []
    current: Interaction | None = None
    section = ""
    block = ""
    header_name = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _KEY.match(line)
        item = re.match(r"^ {6}- (.*)$", line)
        if match is None:
            if item and current is not None and section == "response" and block == "headers":
                current.headers[header_name] = _scalar(item.group(1))
            index += 1
            continue
        indent = len(match.group("indent")) + (2 if match.group("dash") else 0)
        key, value = match.group("key"), match.group("value")
        if match.group("dash") and key == "request":
            current = Interaction()
            interactions.append(current)
            section = "request"
        elif current is None:
            pass
        elif indent == 2:
            section = key
        elif indent == 4:
            block = key
            if value is not None and value.startswith("'"):
                text, index = _single_quoted(lines, index, value[1:])
                if section == "response" and key == "content":
                    current.body = text
            elif section == "request" and key == "method":
                current.method = _scalar(value or "")
            elif section == "request" and key == "uri":
                current.uri = _scalar(value or "")
            elif section == "response" and key == "status_code":
                current.status = int(_scalar(value or "0"))
        elif indent == 6 and section == "response":
            if block == "body" and key == "string" and value and value.startswith("'"):
                current.body, index = _single_quoted(lines, index, value[1:])
            elif block == "status" and key == "code":
                current.status = int(_scalar(value or "0"))
            elif block == "headers":
                header_name = key
        index += 1
    return interactions


def s2_cassette(name: str) -> list[Interaction]:
    """Interactions of `fixtures/s2/danielnsilva-semanticscholar/<name>`."""
    return read_cassette(FIXTURES / "s2" / "danielnsilva-semanticscholar" / name)


def arxiv_recording(name: str) -> tuple[str, int, bytes]:
    """(url, status, original body bytes) of `fixtures/arxiv/api/arxiv.py/<name>`."""
    data = json.loads((FIXTURES / "arxiv" / "api" / "arxiv.py" / name).read_text("utf-8"))
    return data["url"], data["status_code"], data["body"].encode("latin-1")
