"""scholar datasets: download/resume/expiry/update against a loopback double, ingest
of both record shapes, and the one metrics SQL against indicators/metrics.py."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasets_world import World, expected_metrics, generate, paper_record, shard
from double.datasets_double import DatasetsDouble
from scholarcli.cli import app

AS_OF = 2026
COLUMNS = (
    "papers",
    "citations",
    "h_index",
    "g_index",
    "i10_index",
    "hi_norm",
    "m_quotient",
    "cites_per_year",
    "first_author_papers",
)


@contextmanager
def no_progress(description: str, total: int | None) -> Iterator[Any]:
    yield lambda n: None


def write_world(root: Path, world: World, shards: int = 3) -> None:
    for dataset, blobs in (
        ("papers", world.paper_shards(shards)),
        ("authors", world.author_shards(2)),
    ):
        (root / dataset).mkdir(parents=True, exist_ok=True)
        for n, blob in enumerate(blobs):
            (root / dataset / f"{n}.jsonl.gz").write_bytes(blob)


def read_rows(path: Path) -> dict[int, dict[str, Any]]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pq.read_table(path) if path.suffix == ".parquet" else pacsv.read_csv(path)
    return {int(r["author_id"]): r for r in table.to_pylist()}


def assert_same(got: dict[int, dict[str, Any]], expected: dict[int, dict[str, Any]]) -> None:
    assert set(got) == set(expected)
    for author, want in expected.items():
        row = got[author]
        assert row["name"] == want["name"], author
        for column in COLUMNS:
            assert math.isclose(row[column], want[column], rel_tol=1e-12, abs_tol=1e-12), (
                author,
                column,
                row[column],
                want[column],
            )


# --- metrics: one SQL, two engines, the answers of metrics.py --------------------------


def test_duckdb_metrics_equal_metrics_py_on_every_column(tmp_path: Path) -> None:
    from scholarcli.datasets import engines, ingest

    world = generate()
    write_world(tmp_path, world)
    ingest.ingest(tmp_path, progress=no_progress)
    engines.run_metrics(tmp_path, tmp_path / "m.csv", as_of_year=AS_OF)
    got = read_rows(tmp_path / "m.csv")
    assert_same(got, expected_metrics(world, AS_OF))
    # Published examples, independently of metrics.py.
    assert (got[9001]["h_index"], got[9001]["g_index"], got[9001]["i10_index"]) == (4, 6, 2)
    assert (got[9002]["h_index"], got[9002]["g_index"]) == (5, 7)
    assert (got[9003]["h_index"], got[9003]["g_index"]) == (1, 3)
    assert got[9004]["g_index"] == 2 and got[9005]["h_index"] == 0


def test_filters_by_author_and_min_papers(tmp_path: Path) -> None:
    from scholarcli.datasets import engines, ingest

    world = generate()
    write_world(tmp_path, world)
    ingest.ingest(tmp_path, progress=no_progress)
    engines.run_metrics(
        tmp_path, tmp_path / "m.parquet", as_of_year=AS_OF, author_ids=[9001, 9003, 5]
    )
    assert set(read_rows(tmp_path / "m.parquet")) == {9001, 9003, 5}
    engines.run_metrics(tmp_path, tmp_path / "big.parquet", as_of_year=AS_OF, min_papers=4)
    expected = expected_metrics(world, AS_OF)
    assert set(read_rows(tmp_path / "big.parquet")) == {
        a for a, row in expected.items() if row["papers"] >= 4
    }


def _java() -> bool:
    return shutil.which("java") is not None


@pytest.mark.spark
@pytest.mark.skipif(not _java(), reason="Spark needs a Java runtime")
def test_spark_ingest_and_metrics_equal_metrics_py(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from scholarcli.datasets import engines, ingest

    world = generate(seed=11, n_papers=250)
    write_world(tmp_path, world)
    stats = ingest.ingest(tmp_path, engine="spark", master="local[2]", progress=no_progress)
    assert {s.table: s.kept for s in stats}["papers"] == len(world.papers)
    engines.run_metrics(
        tmp_path, tmp_path / "spark.csv", engine="spark", master="local[2]", as_of_year=AS_OF
    )
    assert_same(read_rows(tmp_path / "spark.csv"), expected_metrics(world, AS_OF))


# --- ingest: both record shapes, counts ------------------------------------------------


def test_2023_and_2024_shapes_read_the_same(tmp_path: Path, fixtures_dir: Path) -> None:
    from scholarcli.datasets import ingest

    counts = {}
    for vintage in ("2023", "2024"):
        root = tmp_path / vintage
        for dataset in ("papers", "authors"):
            (root / dataset).mkdir(parents=True)
            source = (
                fixtures_dir / "s2-datasets" / f"samples-{vintage}" / f"{dataset}-sample.jsonl.gz"
            )
            shutil.copy(source, root / dataset / "0.jsonl.gz")
        stats = {s.table: s for s in ingest.ingest(root, progress=no_progress)}
        counts[vintage] = {t: (s.read, s.kept, s.rejected) for t, s in stats.items()}
    assert counts["2023"]["papers"] == counts["2024"]["papers"] == (100, 100, 0)
    assert counts["2023"]["authors"] == counts["2024"]["authors"] == (100, 100, 0)
    # Authorships listed in the samples (186 and 254), none without an id.
    assert counts["2023"]["authorship"][::2] == (186, 0)
    assert counts["2024"]["authorship"][::2] == (254, 0)


def test_ingest_counts_rejected_and_duplicate_rows(tmp_path: Path) -> None:
    from scholarcli.datasets import ingest

    good = [paper_record(1, 2020, 5, [(10, "A")]), paper_record(2, 2021, 1, [(10, "A")])]
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "0.jsonl.gz").write_bytes(
        shard(good, ['{"corpusid": broken', '{"corpusid": "not-a-number", "year": 2020}'])
    )
    (tmp_path / "papers" / "1.jsonl.gz").write_bytes(shard([good[0]]))  # a duplicate key
    stats = {s.table: s for s in ingest.ingest(tmp_path, progress=no_progress)}
    papers = stats["papers"]
    assert (papers.read, papers.kept, papers.rejected, papers.duplicates) == (5, 2, 2, 1)
    # No authors dataset: names come from the papers' author lists.
    assert stats["authors"].kept == 1


# --- the Datasets API double: download, resume, expiry, update --------------------------


@pytest.fixture
def s2_datasets(monkeypatch: pytest.MonkeyPatch) -> Iterator[DatasetsDouble]:
    double = DatasetsDouble().start()
    monkeypatch.setenv("SCHOLAR_S2_DATASETS_URL", double.api_url)
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", double.api_key)
    try:
        yield double
    finally:
        double.stop()


def sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def test_download_saves_named_shards_with_a_manifest(s2_datasets, runner, tmp_path) -> None:
    world = generate(n_papers=120)
    papers, authors = world.paper_shards(3), world.author_shards(2)
    s2_datasets.add_release("2025-08-12", {"papers": [b"old"], "authors": [b"old"]})
    s2_datasets.add_release("2025-08-19", {"papers": papers, "authors": authors})
    result = runner.invoke(
        app,
        [
            "--debug",
            "datasets",
            "download",
            "papers",
            "authors",
            "--dir",
            str(tmp_path),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    # Neither the key nor a link's signature reaches the output (debug logs included).
    assert "download" in result.output and s2_datasets.api_key not in result.output
    assert s2_datasets.token not in result.output
    shards = json.loads(result.stdout)["shards"]
    assert [(s["dataset"], s["shard"]) for s in shards] == [
        ("papers", 0),
        ("papers", 1),
        ("papers", 2),
        ("authors", 0),
        ("authors", 1),
    ]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert s2_datasets.token not in (tmp_path / "manifest.json").read_text()
    assert manifest["release"] == "2025-08-19"
    for n, blob in enumerate(papers):
        assert (tmp_path / "papers" / f"{n}.jsonl.gz").read_bytes() == blob
        assert manifest["shards"]["papers"][str(n)] == {
            "file": f"papers/{n}.jsonl.gz",
            "bytes": len(blob),
            "sha256": sha(blob),
        }
    # The key went to the API only, never to the file host.
    files = s2_datasets.file_requests()
    assert files and all("x-api-key" not in r.headers for r in files)
    # A second run finds everything complete and fetches nothing.
    before = len(s2_datasets.file_requests())
    again = runner.invoke(app, ["datasets", "download", "papers", "--dir", str(tmp_path)])
    assert again.exit_code == 0 and len(s2_datasets.file_requests()) == before


def test_broken_transfer_resumes_with_range(s2_datasets, runner, tmp_path) -> None:
    blob = generate(n_papers=300).paper_shards(1)[0]
    s2_datasets.add_release("2025-08-19", {"papers": [blob]})
    s2_datasets.cut_after = 1000
    result = runner.invoke(app, ["datasets", "download", "papers", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "papers" / "0.jsonl.gz").read_bytes() == blob
    ranges = [r.headers.get("range") for r in s2_datasets.file_requests()]
    assert ranges == [None, "bytes=1000-"]


def test_expired_links_are_asked_for_again(s2_datasets, runner, tmp_path) -> None:
    blob = generate(n_papers=50).paper_shards(1)[0]
    s2_datasets.add_release("2025-08-19", {"papers": [blob]})
    s2_datasets.expire_next_listing = True
    result = runner.invoke(app, ["datasets", "download", "papers", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [r.status for r in s2_datasets.file_requests()] == [403, 200]
    listings = [r for r in s2_datasets.requests if r.path.endswith("/dataset/papers")]
    assert len(listings) == 2
    assert (tmp_path / "papers" / "0.jsonl.gz").read_bytes() == blob


def test_killed_download_resumes_where_it_stopped(s2_datasets, tmp_path) -> None:
    blob = os.urandom(400_000)  # incompressible, so the transfer takes a while
    s2_datasets.add_release("2025-08-19", {"papers": [blob]})
    s2_datasets.bytes_per_second = 200_000
    env = {**os.environ, "SCHOLAR_TIMEOUT": "10"}
    command = [
        sys.executable,
        "-m",
        "scholarcli",
        "datasets",
        "download",
        "papers",
        "--dir",
        str(tmp_path),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    part = tmp_path / "papers" / "0.jsonl.gz.part"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not part.exists() or part.stat().st_size < 100_000):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=10)
    assert part.exists(), stderr
    kept = part.stat().st_size
    assert 0 < kept < len(blob) and not (tmp_path / "papers" / "0.jsonl.gz").exists()
    s2_datasets.bytes_per_second = None
    # Meanwhile a newer release appeared: the half-done shard must not resume into it.
    s2_datasets.add_release("2025-08-26", {"papers": [b"newer"]})
    newer = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert newer.returncode == 2 and "holds release 2025-08-19" in newer.stderr
    command += ["--release", "2025-08-19"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "papers" / "0.jsonl.gz").read_bytes() == blob
    assert s2_datasets.file_requests()[-1].headers.get("range") == f"bytes={kept}-"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["shards"]["papers"]["0"]["sha256"] == sha(blob)


def test_update_upserts_and_deletes_then_metrics_follow(s2_datasets, runner, tmp_path) -> None:
    from scholarcli.datasets import engines

    world = generate(n_papers=150)
    s2_datasets.add_release(
        "2025-08-12", {"papers": world.paper_shards(2), "authors": world.author_shards(1)}
    )
    s2_datasets.add_release("2025-08-19", {"papers": [], "authors": []})
    s2_datasets.add_release("2025-08-26", {"papers": [], "authors": []})
    get = ["datasets", "download", "papers", "authors", "--release", "2025-08-12"]
    assert runner.invoke(app, [*get, "--dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["datasets", "ingest", str(tmp_path)]).exit_code == 0
    # Week 1: author 9001's 46-cited paper gains citations, a new paper appears, one goes.
    ids = sorted(world.papers)
    changed = dict(world.papers[ids[-10]], citationcount=500)
    new = paper_record(99_999, 2024, 12, [(9001, "Known 9001")])
    gone = ids[0]
    s2_datasets.add_diff(
        "papers", "2025-08-12", "2025-08-19", [shard([changed, new])], [shard([{"corpusid": gone}])]
    )
    # Week 2: the new paper is deleted again and re-added with more citations in one step.
    again = dict(new, citationcount=30)
    s2_datasets.add_diff("papers", "2025-08-19", "2025-08-26", [shard([again])], [])
    s2_datasets.add_diff("authors", "2025-08-12", "2025-08-19", [shard([])], [])
    s2_datasets.add_diff("authors", "2025-08-19", "2025-08-26", [], [])
    result = runner.invoke(app, ["datasets", "update", "--dir", str(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.output
    diffs = json.loads(result.stdout)["diffs"]
    assert [(d["dataset"], d["to_release"]) for d in diffs] == [
        ("papers", "2025-08-19"),
        ("papers", "2025-08-26"),
        ("authors", "2025-08-19"),
        ("authors", "2025-08-26"),
    ]
    world.papers[changed["corpusid"]] = changed
    world.papers[99_999] = again
    del world.papers[gone]
    engines.run_metrics(tmp_path, tmp_path / "m.csv", as_of_year=AS_OF)
    assert_same(read_rows(tmp_path / "m.csv"), expected_metrics(world, AS_OF))
    # A full re-ingest replays the recorded diffs and gives the same tables.
    assert runner.invoke(app, ["datasets", "ingest", str(tmp_path)]).exit_code == 0
    engines.run_metrics(tmp_path, tmp_path / "m2.csv", as_of_year=AS_OF)
    assert read_rows(tmp_path / "m2.csv") == read_rows(tmp_path / "m.csv")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["current"] == manifest["parquet"]["release"] == "2025-08-26"


def test_update_refuses_a_broken_chain_of_diffs(s2_datasets, runner, tmp_path) -> None:
    world = generate(n_papers=20)
    s2_datasets.add_release(
        "2025-08-12", {"papers": world.paper_shards(1), "authors": world.author_shards(1)}
    )
    s2_datasets.add_release("2025-08-19", {"papers": [], "authors": []})
    get = ["datasets", "download", "papers", "authors", "--release", "2025-08-12"]
    assert runner.invoke(app, [*get, "--dir", str(tmp_path)]).exit_code == 0
    # The papers chain is whole, the authors one is missing: nothing may be fetched.
    s2_datasets.add_diff("papers", "2025-08-12", "2025-08-19", [shard([])], [])
    before = len(s2_datasets.file_requests())
    result = runner.invoke(app, ["datasets", "update", "--dir", str(tmp_path)])
    assert result.exit_code == 3 and "no unbroken chain of authors diffs" in result.output
    assert len(s2_datasets.file_requests()) == before
    assert json.loads((tmp_path / "manifest.json").read_text())["diffs"] == []


def test_key_problems_are_clear_and_never_print_the_key(
    s2_datasets, runner, tmp_path, monkeypatch
) -> None:
    s2_datasets.add_release("2025-08-19", {"papers": [b"x"]})
    monkeypatch.delenv("SEMANTIC_SCHOLAR_API_KEY")
    missing = runner.invoke(app, ["datasets", "download", "papers", "--dir", str(tmp_path)])
    assert missing.exit_code == 2 and "SEMANTIC_SCHOLAR_API_KEY" in missing.output
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "wrong-secret-key")
    wrong = runner.invoke(
        app, ["--debug", "datasets", "download", "papers", "--dir", str(tmp_path)]
    )
    assert wrong.exit_code == 4 and "SEMANTIC_SCHOLAR_API_KEY" in wrong.output
    assert "wrong-secret-key" not in wrong.output
    listed = runner.invoke(app, ["datasets", "releases", "-f", "csv"])
    assert listed.stdout.splitlines() == ["release_id", "2025-08-19"]


def test_bad_usage_exits_2(runner, tmp_path) -> None:
    assert (
        runner.invoke(app, ["datasets", "download", "citations", "--dir", str(tmp_path)]).exit_code
        == 2
    )
    assert (
        runner.invoke(
            app, ["datasets", "download", "papers", "--shards", "3-1", "--dir", str(tmp_path)]
        ).exit_code
        == 2
    )
    assert runner.invoke(app, ["datasets", "ingest", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["datasets", "metrics", str(tmp_path), "-o", "x.txt"]).exit_code == 2
    assert runner.invoke(app, ["author", "X", "--source", "elsewhere"]).exit_code == 2


# --- item 4: the same commands from the local Parquet -----------------------------------


def test_author_and_metrics_answer_from_local_parquet(runner, tmp_path) -> None:
    from scholarcli.datasets import ingest

    world = generate()
    write_world(tmp_path, world)
    ingest.ingest(tmp_path, progress=no_progress)
    source = f"datasets:{tmp_path}"
    result = runner.invoke(
        app,
        ["metrics", "Known 9001", "--source", source, "--as-of", f"{AS_OF}-06-01", "-f", "json"],
    )
    assert result.exit_code == 0, result.output
    (person,) = json.loads(result.stdout)["people"]
    want = expected_metrics(world, AS_OF)[9001]
    assert person["ids"] == ["9001"] and person["source"] == source
    for column in COLUMNS:
        assert person[column] == pytest.approx(want[column], abs=1e-4)
    profile = runner.invoke(app, ["author", "known 9001", "--source", source, "-f", "json"])
    assert profile.exit_code == 0, profile.output
    body = json.loads(profile.stdout)
    assert body["author"]["h_index"] == 4 and len(body["papers"]) == want["papers"]
    assert runner.invoke(app, ["author", "Nobody Here", "--source", source]).exit_code == 3
    # What needs the API cannot be answered from Parquet: a usage error, not a silent no-op.
    novelty = runner.invoke(app, ["author", "known 9001", "--source", source, "--novelty"])
    assert novelty.exit_code == 2 and "need the API path" in novelty.stderr


def test_help_imports_no_engine() -> None:
    code = (
        "import sys\nfrom scholarcli.cli import app\n"
        "bad = {'duckdb', 'pyarrow', 'pyspark'} & set(sys.modules)\nassert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# --- the SQL on arbitrary authorship rows (hypothesis), DuckDB ---------------------------

paper_rows = st.lists(
    st.tuples(
        st.integers(0, 60),  # citations
        st.integers(1, 6),  # author count
        st.one_of(st.none(), st.integers(1990, 2030)),  # year (after as_of too)
        st.integers(1, 6),  # position (clamped to the author count)
    ),
    min_size=1,
    max_size=25,
)


@given(st.lists(paper_rows, min_size=1, max_size=6))
@settings(max_examples=60)
def test_sql_equals_metrics_py_on_any_rows(
    authors: list[list[tuple[int, int, int | None, int]]],
) -> None:
    import duckdb

    from scholarcli.datasets.sql import metrics_sql
    from scholarcli.indicators import metrics

    rows = []
    expected = {}
    corpusid = 0
    for author_id, papers in enumerate(authors, start=1):
        stats = []
        for cites, n_authors, year, position in papers:
            corpusid += 1
            position = min(position, n_authors)
            rows.append((author_id, corpusid, position, n_authors, year, cites))
            stats.append(metrics.PaperStats(cites, year, n_authors, position))
        expected[author_id] = metrics.author_metrics(stats, AS_OF)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE authorship (authorid BIGINT, corpusid BIGINT, position INTEGER, "
        "n_authors INTEGER, year INTEGER, citationcount INTEGER)"
    )
    con.executemany("INSERT INTO authorship VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE authors (authorid BIGINT, name VARCHAR)")
    result = con.execute(metrics_sql(AS_OF))
    names = [d[0] for d in result.description]
    got = {row[0]: dict(zip(names, row, strict=True)) for row in result.fetchall()}
    assert set(got) == set(expected)
    for author_id, want in expected.items():
        for column in COLUMNS:
            assert math.isclose(got[author_id][column], want[column], abs_tol=1e-12), (
                author_id,
                column,
                got[author_id][column],
                want[column],
            )


def test_local_name_match_prefers_the_profile_with_most_papers(runner, tmp_path) -> None:
    from scholarcli.datasets import ingest

    world = generate(n_papers=30)
    for author_id, n in ((7001, 1), (7002, 3)):
        world.authors[author_id] = "Twin Náme"
        for k in range(n):
            corpusid = author_id * 10 + k
            world.papers[corpusid] = paper_record(corpusid, 2020, 5, [(author_id, "Twin Náme")])
    write_world(tmp_path, world)
    ingest.ingest(tmp_path, progress=no_progress)
    source = f"datasets:{tmp_path}"
    result = runner.invoke(app, ["metrics", "twin name", "--source", source, "-f", "json"])
    assert result.exit_code == 0, result.output
    (person,) = json.loads(result.stdout)["people"]
    assert (person["ids"], person["papers"]) == (["7002"], 3)
    both = runner.invoke(
        app, ["metrics", "--id", "7001", "--id", "7002", "--source", source, "-f", "json"]
    )
    assert json.loads(both.stdout)["people"][0]["papers"] == 4
