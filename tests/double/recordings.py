"""Readers for the real recorded responses in `../shared/fixtures`, for conformance tests.

The S2 recordings are vcrpy cassettes in two layouts (PROVENANCE.md: "httpx-legacy"
`response.content` / `status_code`, and standard `response.body.string` /
`status.code`); both are read here, with PyYAML's safe loader. Read-only; never copies
fixtures anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _interaction(item: dict[str, Any]) -> Interaction:
    request, response = item["request"], item["response"]
    if "content" in response:  # httpx-legacy layout
        body, status = response["content"], response["status_code"]
    else:
        body, status = response["body"]["string"], response["status"]["code"]
    headers = {
        str(name): str(value[0] if isinstance(value, list) else value)
        for name, value in (response.get("headers") or {}).items()
    }
    return Interaction(
        method=request["method"],
        uri=request["uri"],
        status=int(status),
        body=body if isinstance(body, str) else None,
        headers=headers,
    )


def read_cassette(path: Path) -> list[Interaction]:
    """All interactions of a vcrpy cassette (bodies that are not text come back None)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    return [_interaction(item) for item in data.get("interactions", [])]


def s2_cassette(name: str) -> list[Interaction]:
    """Interactions of `fixtures/s2/danielnsilva-semanticscholar/<name>`."""
    return read_cassette(FIXTURES / "s2" / "danielnsilva-semanticscholar" / name)


def arxiv_recording(name: str) -> tuple[str, int, bytes]:
    """(url, status, original body bytes) of `fixtures/arxiv/api/arxiv.py/<name>`."""
    data = json.loads((FIXTURES / "arxiv" / "api" / "arxiv.py" / name).read_text("utf-8"))
    return data["url"], data["status_code"], data["body"].encode("latin-1")
