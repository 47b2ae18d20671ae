"""scholar datasets with hostile answers and hostile files (issue 21, items 1 and 2).

Release ids from the Datasets API become folder names: one with ``../`` must be
refused before anything is written. A gzip bomb (a small file of endless tiny lines)
must end with exit 2 after a bounded amount of work, and a corrupt or non-gzip shard
with one error line naming it, not DuckDB's ``unexpected IOException``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datasets_world import generate, shard
from double.datasets_double import DatasetsDouble
from scholarcli.cli import app
from scholarcli.commands import datasets as dataset_commands
from scholarcli.datasets import shard_check

pytest.importorskip("duckdb")

ESCAPE = "../../../escaped"


@pytest.fixture
def s2_datasets(monkeypatch: pytest.MonkeyPatch) -> Iterator[DatasetsDouble]:
    double = DatasetsDouble().start()
    monkeypatch.setenv("SCHOLAR_S2_DATASETS_URL", double.api_url)
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", double.api_key)
    try:
        yield double
    finally:
        double.stop()


def one_error(result: Any, status: int) -> str:
    assert result.exit_code == status, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    lines = [line for line in lines if not line.startswith("note: ")]
    assert lines and lines[0].startswith("error: ") and "unexpected" not in lines[0], lines
    assert len(lines) <= 2 and all(line.startswith(("error: ", "hint: ")) for line in lines)
    return str(result.stderr)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def lie_about(double: DatasetsDouble, honest_id: str, *, in_release: bool, in_diffs: bool) -> None:
    """Make the double answer ``ESCAPE`` where it would say ``honest_id``."""
    honest = double.answer

    def answer(method: str, target: str, headers: dict[str, str]) -> tuple[int, Any]:
        status, body = honest(method, target, headers)
        if isinstance(body, dict):
            if in_release and body.get("release_id") == honest_id:
                body = dict(body, release_id=ESCAPE)
            for step in body.get("diffs") or [] if in_diffs else []:
                if step["to_release"] == honest_id:
                    step["to_release"] = ESCAPE
        return status, body

    double.answer = answer  # type: ignore[method-assign]


@pytest.mark.parametrize("where", ["release", "diffs"])
def test_update_refuses_a_release_id_that_climbs_out_of_dir(
    s2_datasets: DatasetsDouble, runner: CliRunner, tmp_path: Path, where: str
) -> None:
    world = generate(n_papers=20)
    s2_datasets.add_release(
        "2025-08-12", {"papers": world.paper_shards(1), "authors": world.author_shards(1)}
    )
    s2_datasets.add_release("2025-08-19", {"papers": [], "authors": []})
    s2_datasets.add_diff("papers", "2025-08-12", "2025-08-19", [shard([])], [shard([])])
    s2_datasets.add_diff("authors", "2025-08-12", "2025-08-19", [shard([])], [])
    root = tmp_path / "work" / "data"
    get = ["datasets", "download", "papers", "authors", "--release", "2025-08-12"]
    assert runner.invoke(app, [*get, "--dir", str(root)]).exit_code == 0
    before_root, before_all = tree(root), tree(tmp_path / "work")
    lie_about(s2_datasets, "2025-08-19", in_release=where == "release", in_diffs=True)
    stderr = one_error(runner.invoke(app, ["datasets", "update", "--dir", str(root)]), 4)
    assert "refused the release id" in stderr and ESCAPE in stderr
    assert tree(root) == before_root and tree(tmp_path / "work") == before_all
    assert ESCAPE not in (root / "manifest.json").read_text()


def test_download_refuses_a_hostile_release_id_before_writing(
    s2_datasets: DatasetsDouble, runner: CliRunner, tmp_path: Path
) -> None:
    s2_datasets.add_release("2025-08-19", {"papers": [shard([])]})
    lie_about(s2_datasets, "2025-08-19", in_release=True, in_diffs=False)
    root = tmp_path / "data"
    result = runner.invoke(app, ["datasets", "download", "papers", "--dir", str(root)])
    one_error(result, 4)
    assert not root.exists()


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m.update(release="../x"),
        lambda m: m["shards"]["papers"]["0"].update(file="../../etc/passwd"),
        lambda m: m["shards"].update({"../papers": {}}),
        lambda m: m["diffs"].append(
            {
                "dataset": "papers",
                "from_release": "2025-08-12",
                "to_release": "2025-08-19",
                "update_files": ["/etc/passwd"],
                "delete_files": [],
            }
        ),
    ],
    ids=["release", "shard-file", "dataset-name", "diff-file"],
)
def test_a_manifest_naming_paths_outside_dir_is_refused(
    runner: CliRunner, tmp_path: Path, edit: Any
) -> None:
    root = tmp_path / "data"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "0.jsonl.gz").write_bytes(shard([]))
    manifest = {
        "schema": 1,
        "release": "2025-08-12",
        "current": "2025-08-12",
        "shards": {"papers": {"0": {"file": "papers/0.jsonl.gz", "bytes": 1, "sha256": ""}}},
        "diffs": [],
        "parquet": {},
    }
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))
    before = tree(root)
    stderr = one_error(runner.invoke(app, ["datasets", "ingest", str(root)]), 2)
    assert "manifest.json: refused" in stderr
    assert tree(root) == before


# -- bombs and broken shards ---------------------------------------------------------------


def bomb(members: int) -> bytes:
    """A gzip file of ``members`` x 3 MiB of ``{}`` lines: 1,000x its size, as the 6 MB
    file of 8 GiB in the issue (1,400x), only smaller."""
    member = gzip.compress(b"{}\n" * (1 << 20), 9)
    return member * members


def ingest_dir(tmp_path: Path, blobs: dict[str, bytes]) -> Path:
    root = tmp_path / "data"
    (root / "papers").mkdir(parents=True)
    good = generate(n_papers=30).paper_shards(2)
    (root / "papers" / "0.jsonl.gz").write_bytes(good[0])
    for name, blob in blobs.items():
        (root / "papers" / name).write_bytes(blob)
    return root


def test_a_gzip_bomb_ends_with_exit_2_after_bounded_work(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blob = bomb(40)  # 120 MiB of lines in 120 KB
    root = ingest_dir(tmp_path, {"1.jsonl.gz": blob})
    expanded: list[int] = []
    real = shard_check.zlib.decompressobj

    class Counting:
        def __init__(self, wbits: int) -> None:
            self._inner = real(wbits)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self._inner.decompress(data, max_length)
            expanded.append(len(out))
            return out

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    monkeypatch.setattr(shard_check.zlib, "decompressobj", Counting)
    stderr = one_error(runner.invoke(app, ["datasets", "ingest", str(root)]), 2)
    assert "papers/1.jsonl.gz" in stderr and "decompression bomb" in stderr
    assert "--max-ratio" in stderr
    # Stopped once past 100 x its size (or the 16 MiB any file may reach), far short
    # of the 120 MiB it holds: the work is bounded by the cap, not by the bomb.
    limit = max(100 * len(blob), shard_check.FREE_BYTES)
    assert sum(expanded) <= limit + shard_check.OUT_CHUNK
    assert not (root / "parquet" / "papers").exists()


def test_max_ratio_lets_a_genuine_repetitive_shard_through(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = gzip.decompress(generate(n_papers=5).paper_shards(1)[0]).splitlines()[0]
    lines = (first + b"\n") * 60_000  # one genuine record, again and again
    blob = gzip.compress(lines, 9)
    assert len(lines) > shard_check.FREE_BYTES and len(lines) / len(blob) > 100
    root = ingest_dir(tmp_path, {"1.jsonl.gz": blob})
    one_error(runner.invoke(app, ["datasets", "ingest", str(root)]), 2)
    ratio = str(int(len(lines) / len(blob)) + 10)
    result = runner.invoke(app, ["datasets", "ingest", str(root), "--max-ratio", ratio])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("blob", "words"),
    [
        (b"corpusid,title\n1,not gzip at all\n", "not a readable gzip file"),
        (gzip.compress(b'{"corpusid": 1}\n' * 5000)[:-40], "ends in the middle"),
        (b"", "is empty"),
    ],
    ids=["not-gzip", "truncated", "empty"],
)
def test_a_broken_shard_is_one_error_line_naming_it(
    runner: CliRunner, tmp_path: Path, blob: bytes, words: str
) -> None:
    root = ingest_dir(tmp_path, {"1.jsonl.gz": blob})
    stderr = one_error(runner.invoke(app, ["datasets", "ingest", str(root)]), 2)
    assert "papers/1.jsonl.gz" in stderr and words in stderr
    assert "IOException" not in stderr


def test_concatenated_gzip_members_are_one_whole_shard(tmp_path: Path) -> None:
    path = tmp_path / "s.gz"
    path.write_bytes(gzip.compress(b"a\n" * 10) + gzip.compress(b"bb\n" * 7))
    assert shard_check.check_shard(path, 100, "s.gz") == 20 + 21


def test_the_cli_default_is_the_documented_limit() -> None:
    assert dataset_commands.DEFAULT_MAX_RATIO == shard_check.DEFAULT_MAX_RATIO
    docs = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert "--max-ratio" in docs.read_text() and "100" in docs.read_text()
