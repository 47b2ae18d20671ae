"""The folder layout of a datasets directory and its ``manifest.json``.

DIR/<dataset>/<n>.jsonl.gz        base shards of one release (always named .jsonl.gz:
                                  the real links have no extension, and DuckDB and
                                  Spark pick gzip from the name; docs/datasets.md)
DIR/diffs/<from>-to-<to>/<dataset>/{update,delete}-<n>.jsonl.gz
DIR/parquet/{papers,authorship,authors}.parquet
DIR/manifest.json                 release, per-shard bytes and sha256, diffs applied

The manifest is replaced atomically (write, fsync, rename), so a kill leaves the old
or the new one. This module does no network I/O and knows no engine.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholarcli.errors import UsageError
from scholarcli.sources.datasets import DATASET_NAME, RELEASE_ID

MANIFEST = "manifest.json"
SCHEMA = 1
# Primary keys (SPEC for papers; from the record shapes for authors: docs/datasets.md).
KEYS = {"papers": "corpusid", "authors": "authorid"}
SUPPORTED = tuple(KEYS)
KEY_NAMES = SUPPORTED


@dataclass
class Manifest:
    """What a datasets directory holds."""

    root: Path
    release: str | None = None  # the release of the base shards
    current: str | None = None  # the release after the diffs applied so far
    shards: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    diffs: list[dict[str, Any]] = field(default_factory=list)
    # What DIR/parquet holds: {"release": ..., "diffs": {dataset: number applied}}.
    parquet: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Manifest:
        path = root / MANIFEST
        if not path.exists():
            return cls(root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{path}: not a readable manifest ({exc})") from None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise UsageError(f"{path}: not a scholar datasets manifest (schema {SCHEMA})")
        problem = layout_problem(data)
        if problem:
            raise UsageError(
                f"{path}: refused, {problem}; a manifest only names files inside DIR",
                hint="download into a new --dir, or restore manifest.json from a backup",
            )
        return cls(
            root,
            data.get("release"),
            data.get("current") or data.get("release"),
            data.get("shards") or {},
            data.get("diffs") or [],
            data.get("parquet") or {},
        )

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        payload = {
            "schema": SCHEMA,
            "release": self.release,
            "current": self.current,
            "shards": self.shards,
            "diffs": self.diffs,
            "parquet": self.parquet,
        }
        tmp = self.root / (MANIFEST + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / MANIFEST)

    def shard_files(self, dataset: str) -> list[Path]:
        """The complete base shards of ``dataset``, in shard order."""
        entries = self.shards.get(dataset, {})
        return [self.root / entries[n]["file"] for n in sorted(entries, key=int)]


def layout_problem(data: dict[str, Any]) -> str | None:
    """What in a manifest's content names a path outside the layout above, if anything.

    Release ids, dataset names and file names become paths under DIR; a hand-edited
    or hostile manifest must not make ``ingest`` or ``update`` read or write elsewhere.
    """
    for key in ("release", "current"):
        if data.get(key) is not None and not _release(data[key]):
            return f"{key} {str(data[key])[:80]!r} is not a release id like 2025-08-19"
    parquet_release = (data.get("parquet") or {}).get("release")
    if parquet_release is not None and not _release(parquet_release):
        return f"the parquet release {str(parquet_release)[:80]!r} is not a release id"
    for dataset, entries in (data.get("shards") or {}).items():
        if not _dataset(dataset) or not isinstance(entries, dict):
            return f"dataset name {str(dataset)[:80]!r} is not a dataset name"
        for n, entry in entries.items():
            expected = f"{dataset}/{n}.jsonl.gz"
            if not str(n).isdigit() or not isinstance(entry, dict) or entry.get("file") != expected:
                return f"shard {str(n)[:20]!r} of {dataset} is not {expected!r}"
    for step in data.get("diffs") or []:
        if not isinstance(step, dict):
            return "a diff entry is not an object"
        dataset, start, end = step.get("dataset"), step.get("from_release"), step.get("to_release")
        if not (_dataset(dataset) and _release(start) and _release(end)):
            return f"the diff {start!r} to {end!r} of {dataset!r} is not a release pair"
        for kind in ("update", "delete"):
            for n, name in enumerate(step.get(f"{kind}_files") or []):
                if name != f"diffs/{start}-to-{end}/{dataset}/{kind}-{n}.jsonl.gz":
                    return f"the diff file {str(name)[:80]!r} is not where diffs are kept"
    return None


def _release(value: object) -> bool:
    return isinstance(value, str) and RELEASE_ID.fullmatch(value) is not None


def _dataset(value: object) -> bool:
    return isinstance(value, str) and DATASET_NAME.fullmatch(value) is not None


def shard_path(root: Path, dataset: str, n: int) -> Path:
    return root / dataset / f"{n}.jsonl.gz"


def diff_dir(root: Path, from_release: str, to_release: str, dataset: str) -> Path:
    return root / "diffs" / f"{from_release}-to-{to_release}" / dataset


def parquet_dir(root: Path) -> Path:
    return root / "parquet"


def parse_shards(spec: str | None) -> list[int] | None:
    """``0-3,7`` → [0, 1, 2, 3, 7]; None means every shard."""
    if spec is None or not spec.strip():
        return None
    chosen: set[int] = set()
    for part in spec.split(","):
        bounds = part.strip().split("-")
        if not all(b.strip().isdigit() for b in bounds) or len(bounds) > 2:
            raise UsageError(f"--shards must look like 0-3,7, not {spec!r}")
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low:
            raise UsageError(f"--shards range {part.strip()!r} runs backwards")
        chosen.update(range(low, high + 1))
    return sorted(chosen)
