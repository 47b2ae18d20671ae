"""``scholar datasets update``: bring DIR up to a later release through the diffs.

For each downloaded dataset, ask ``/diffs/{held}/to/{target}/{dataset}`` (one entry
per consecutive release pair), download each diff's update and delete files to
DIR/diffs/<from>-to-<to>/<dataset>/, and record each completed diff in the
manifest (so an interrupted update resumes with the next file). Then, when the
Parquet tables exist, apply the new diffs to them in order: upsert the update
files' records by primary key, then remove the delete files' keys (SPEC /diffs).
The raw base shards stay as downloaded; ``ingest`` replays the recorded diffs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholarcli.datasets.client import Clients
from scholarcli.datasets.download import Reporter, require_key
from scholarcli.datasets.ingest import (
    TableStats,
    build_dataset,
    derive_tables,
    diff_sources,
    open_engine,
)
from scholarcli.datasets.manifest import KEY_NAMES, Manifest, diff_dir, parquet_dir
from scholarcli.datasets.shard_check import DEFAULT_MAX_RATIO
from scholarcli.errors import NotFoundError, UsageError
from scholarcli.sources.datasets import Diff


@dataclass
class UpdateResult:
    target: str
    diffs: list[dict[str, Any]] = field(default_factory=list)
    tables: list[TableStats] = field(default_factory=list)


def held_release(manifest: Manifest, dataset: str) -> str:
    steps = [d for d in manifest.diffs if d["dataset"] == dataset]
    return str(steps[-1]["to_release"] if steps else manifest.release)


def _fetch_diff(
    clients: Clients,
    root: Path,
    dataset: str,
    held: str,
    target: str,
    index: int,
    diff: Diff,
    reporter: Reporter,
) -> dict[str, Any]:
    folder = diff_dir(root, diff.from_release, diff.to_release, dataset)
    folder.mkdir(parents=True, exist_ok=True)
    entry: dict[str, Any] = {
        "dataset": dataset,
        "from_release": diff.from_release,
        "to_release": diff.to_release,
        "update_files": [],
        "delete_files": [],
        "bytes": 0,
    }
    current = {"diff": diff}
    for kind, attribute in (("update", "update_files"), ("delete", "delete_files")):
        for n in range(len(getattr(diff, attribute))):
            dest = folder / f"{kind}-{n}.jsonl.gz"

            def link(
                refresh: bool,
                n: int = n,
                attribute: str = attribute,
                current: dict[str, Diff] = current,
            ) -> str:
                if refresh:  # expired: the same diff listed again carries fresh links
                    current["diff"] = clients.api.diffs(held, target, dataset)[index]
                return str(getattr(current["diff"], attribute)[n])

            relative = dest.relative_to(root).as_posix()
            if not dest.exists():
                with reporter.progress(f"{relative} (bytes)", None) as advance:
                    clients.files.fetch(link, dest, advance)
            entry[attribute].append(relative)
            entry["bytes"] += dest.stat().st_size
    return entry


def update(
    clients: Clients,
    root: Path,
    reporter: Reporter,
    *,
    target: str = "latest",
    engine: str = "duckdb",
    master: str | None = None,
    progress: Callable[[str, int | None], Any],
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> UpdateResult:
    manifest = Manifest.load(root)
    if not manifest.release:
        raise UsageError(
            f"{root} has no manifest.json of a download",
            hint=f"download first: scholar datasets download papers authors --dir {root}",
        )
    require_key(clients)
    target_id = str(clients.api.release(target)["release_id"])
    result = UpdateResult(target_id)
    datasets = [d for d in KEY_NAMES if manifest.shards.get(d)]
    # Every dataset's chain is checked before anything is downloaded, so a gap in one
    # leaves DIR exactly as it was instead of half updated.
    plans: list[tuple[str, str, list[Diff]]] = []
    for dataset in datasets:
        held = held_release(manifest, dataset)
        if held >= target_id:
            continue
        steps = clients.api.diffs(held, target_id, dataset)
        chain = [held] + [d.to_release for d in steps]
        if (
            not steps
            or chain[-1] != target_id
            or any(d.from_release != chain[i] for i, d in enumerate(steps))
        ):
            # A gap would silently skip a week of changes: start afresh instead.
            raise NotFoundError(
                f"no unbroken chain of {dataset} diffs from {held} to {target_id}",
                hint="download the target release into a new --dir",
            )
        plans.append((dataset, held, steps))
    for dataset, held, steps in plans:
        for index, diff in enumerate(steps):
            entry = _fetch_diff(clients, root, dataset, held, target_id, index, diff, reporter)
            manifest.diffs.append(entry)
            manifest.save()
            result.diffs.append(entry)
    # The release every dataset has reached (a dataset's diffs may stop earlier).
    manifest.current = min((held_release(manifest, d) for d in datasets), default=manifest.current)
    manifest.save()
    if manifest.parquet and (parquet_dir(root) / "papers").exists():
        result.tables = apply_to_parquet(root, manifest, engine, master, progress, max_ratio)
    return result


def apply_to_parquet(
    root: Path,
    manifest: Manifest,
    engine: str,
    master: str | None,
    progress: Callable[[str, int | None], Any],
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> list[TableStats]:
    """Apply the diffs the Parquet tables do not hold yet, oldest first."""
    applied: dict[str, int] = dict(manifest.parquet.get("diffs") or {})
    names_from_papers = bool(manifest.parquet.get("names_from_papers"))
    tables: list[TableStats] = []
    with open_engine(engine, master, spill=root / ".duckdb-spill") as eng:
        changed = False
        for dataset in KEY_NAMES:
            if dataset == "authors" and names_from_papers:
                continue
            sources = diff_sources(root, manifest, dataset, start=applied.get(dataset, 0))
            if not sources:
                continue
            tables.append(
                build_dataset(
                    eng,
                    root,
                    dataset,
                    sources,
                    incremental=True,
                    progress=progress,
                    max_ratio=max_ratio,
                )
            )
            changed = True
        if changed:
            tables += derive_tables(eng, root, names_from_papers=names_from_papers)
    manifest.parquet["diffs"] = {
        d: sum(1 for x in manifest.diffs if x["dataset"] == d) for d in KEY_NAMES
    }
    manifest.parquet["release"] = manifest.current
    manifest.save()
    return tables
