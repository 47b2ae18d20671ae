"""Paper references read from ``scholar paper --input``: plain lines or scholar's own output.

One reference a line is the plain form (blank lines and ``#`` comments skipped). So that
``scholar search -f csv | scholar paper --input -`` (or ``-f json``/``jsonl``) does what it
says rather than looking up every CSV row as a title, output of scholar itself is
recognised too: a CSV whose header has ``paper_id``, a JSON list or ``{"papers": [...]}``,
and JSON Lines. From each record the first of ``paper_id``, ``arxiv_id`` (as
``ARXIV:<id>``), ``doi`` and ``title`` is taken.

Pure: it parses text it is given and never reads files or the network.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from scholarcli.errors import UsageError


def _ref_of(record: Any) -> str | None:
    if isinstance(record, str):
        return record.strip() or None
    if not isinstance(record, Mapping):
        return None
    for key in ("paper_id", "arxiv_id", "doi", "title"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return f"ARXIV:{value.strip()}" if key == "arxiv_id" else value.strip()
    return None


def _refs(records: Iterable[Any]) -> list[str]:
    return [ref for ref in (_ref_of(r) for r in records) if ref]


def _json_records(text: str) -> list[Any]:
    try:
        data = json.loads(text)
    except ValueError:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                raise UsageError(f"--input line {number}: neither JSON nor JSON Lines") from None
        return records
    if isinstance(data, Mapping) and isinstance(data.get("papers"), list):
        return list(data["papers"])
    if isinstance(data, list):
        return data
    return [data]


def refs_from_text(text: str) -> list[str]:
    """The paper references in ``--input`` text (see the module docstring)."""
    body = text.lstrip("\ufeff")
    start = body.lstrip()
    if start[:1] in ("[", "{"):
        return _refs(_json_records(start))
    lines = body.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if "," in first and "paper_id" in next(csv.reader([first])):
        return _refs(csv.DictReader(io.StringIO(body)))
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
