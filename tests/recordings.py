"""Readers for the real recorded responses in ../shared/fixtures (both vcr layouts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from double.recordings import read_cassette


@dataclass
class Recorded:
    file: str
    method: str
    uri: str
    status: int
    body: bytes


def cassette(path: Path) -> Iterator[Recorded]:
    """Interactions of a vcrpy cassette in the httpx-legacy or the standard layout."""
    for item in read_cassette(path):
        raw = item.body.encode("utf-8") if item.body is not None else b""
        yield Recorded(path.name, item.method, item.uri, item.status, raw)


def s2_recordings(root: Path) -> Iterator[Recorded]:
    for path in sorted((root / "s2").rglob("*.yaml")):
        for rec in cassette(path):
            if "api.semanticscholar.org/graph/v1" in rec.uri:
                yield rec


def arxiv_bodies(root: Path) -> Iterator[tuple[str, int, bytes]]:
    """(name, status, body) of every recorded export-API answer."""
    api = root / "arxiv" / "api"
    for path in sorted(api.rglob("*")):
        if path.suffix in {".xml", ".atom"}:
            yield path.name, 200, path.read_bytes()
        elif path.suffix == ".json" and path.parent.name == "arxiv.py":
            data = json.loads(path.read_text(encoding="utf-8"))
            yield path.name, int(data["status_code"]), data["body"].encode("latin-1")
    pubs = api / "pubs" / "test_apis_data.json"
    if pubs.exists():
        for number, record in enumerate(json.loads(pubs.read_text("utf-8"))):
            # [args, kwargs, body, status, ...] as the pubs test harness saved them (old service)
            if "export.arxiv.org/api/query" in record[0][0]:
                yield f"pubs[{number}]", int(record[3]), record[2].encode("utf-8")
