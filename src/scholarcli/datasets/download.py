"""``scholar datasets download``: fetch a release's shards into DIR, resumably.

For each dataset: ask for the release's pre-signed links (with the key), then stream
each chosen shard to ``DIR/<dataset>/<n>.jsonl.gz`` through ``ShardDownloader``
(resume with Range, fresh links on 403). After each shard the manifest records its
release, size and sha256, so a second run skips what is complete and resumes what is
not. It never prints the key or a link's signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from scholarcli.datasets.client import Clients
from scholarcli.datasets.manifest import SUPPORTED, Manifest, shard_path
from scholarcli.errors import UsageError


class Reporter(Protocol):
    def note(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...
    def progress(
        self, description: str, total: int | None
    ) -> AbstractContextManager[Callable[[int], None]]: ...


@dataclass
class ShardRecord:
    dataset: str
    shard: int
    file: str
    bytes: int
    sha256: str
    status: str  # downloaded | resumed | present


def check_datasets(names: Sequence[str]) -> list[str]:
    unknown = [n for n in names if n not in SUPPORTED]
    if unknown or not names:
        raise UsageError(
            f"unknown dataset(s): {', '.join(unknown) or '(none given)'}",
            hint=f"scholar reads these datasets: {', '.join(SUPPORTED)}",
        )
    return list(dict.fromkeys(names))


def require_key(clients: Clients) -> None:
    if not clients.has_key:
        raise UsageError(
            "downloading the S2 datasets needs an API key",
            hint="set SEMANTIC_SCHOLAR_API_KEY (https://www.semanticscholar.org/product/api)",
        )


def download(
    clients: Clients,
    root: Path,
    datasets: Sequence[str],
    release: str,
    shards: list[int] | None,
    reporter: Reporter,
) -> Iterator[ShardRecord]:
    """Download the chosen shards; yields one record per shard as it completes."""
    datasets = check_datasets(datasets)
    require_key(clients)
    manifest = Manifest.load(root)
    release_id = str(clients.api.release(release)["release_id"])
    if manifest.release not in (None, release_id):
        raise UsageError(
            f"{root} holds release {manifest.release}, not {release_id}",
            hint="bring it up to date with: scholar datasets update --dir DIR, "
            "or download into another --dir",
        )
    manifest.release = manifest.release or release_id
    manifest.current = manifest.current or release_id
    # Saved before any byte arrives: a .part left by a kill then belongs to this release,
    # and a later run for another release is refused instead of resuming into it.
    manifest.save()
    for dataset in datasets:
        links = clients.api.dataset_files(release_id, dataset)
        chosen = list(range(len(links))) if shards is None else shards
        beyond = [n for n in chosen if n >= len(links)]
        if beyond:
            raise UsageError(
                f"{dataset} has {len(links)} shard(s) in release {release_id} "
                f"(0-{len(links) - 1}); no shard {beyond[0]}"
            )
        done = manifest.shards.setdefault(dataset, {})
        for n in chosen:
            dest = shard_path(root, dataset, n)
            relative = dest.relative_to(root).as_posix()
            entry = done.get(str(n))
            if entry and dest.exists() and dest.stat().st_size == entry["bytes"]:
                yield ShardRecord(dataset, n, relative, entry["bytes"], entry["sha256"], "present")
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            current = {"links": links}

            def link(
                refresh: bool,
                n: int = n,
                dataset: str = dataset,
                current: dict[str, list[str]] = current,
            ) -> str:
                if refresh:  # the old links expired: the API hands out new ones
                    current["links"] = clients.api.dataset_files(release_id, dataset)
                return current["links"][n]

            with reporter.progress(f"{relative} (bytes)", None) as advance:
                fetched = clients.files.fetch(link, dest, advance)
            links = current["links"]
            done[str(n)] = {"file": relative, "bytes": fetched.size, "sha256": fetched.sha256}
            manifest.save()
            status = "resumed" if fetched.resumed_from else "downloaded"
            yield ShardRecord(dataset, n, relative, fetched.size, fetched.sha256, status)
    manifest.save()
