"""The two engines: DuckDB (embedded, default) and Spark (``pip install "scholar[spark]"``).

Both read the same Parquet tables (``DIR/parquet/<table>/*.parquet``) and run the
same SQL text from ``sql``. DuckDB runs in-process with a memory limit and a spill
directory; Spark runs in local mode (``local[*]``) or on a cluster given by
``--master URL``. Engine libraries are imported inside functions only.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholarcli.datasets.manifest import parquet_dir
from scholarcli.datasets.sql import metrics_sql
from scholarcli.errors import ScholarError, UsageError

ENGINES = ("duckdb", "spark")
TABLES = ("papers", "authorship", "authors")


def sql_path(path: Path) -> str:
    """A path as a single-quoted SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def table_glob(root: Path, table: str) -> Path:
    return parquet_dir(root) / table / "*.parquet"


def require_tables(root: Path, tables: Sequence[str] = TABLES) -> None:
    missing = [t for t in tables if not any((parquet_dir(root) / t).glob("*.parquet"))]
    if missing:
        raise UsageError(
            f"{root} has no Parquet table(s) {', '.join(missing)}",
            hint=f"build them with: scholar datasets ingest {root}",
        )


_MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def check_memory_limit(value: str | None) -> str | None:
    if value is not None and not _MEMORY.fullmatch(value.strip()):
        raise UsageError(f"--memory-limit must look like 2GB or 750MB, not {value!r}")
    return value.strip() if value else None


def duckdb_connect(
    memory_limit: str | None = None, threads: int | None = None, spill: Path | None = None
) -> Any:
    """An in-memory DuckDB that spills to ``spill`` (else a temporary folder) past
    ``memory_limit``; the datasets commands spill next to the data, whose disk is the
    one planned for it."""
    try:
        import duckdb
    except ImportError:
        raise UsageError(
            "the datasets commands need duckdb and pyarrow",
            hint='install them with: pip install "scholarcli[datasets]"',
        ) from None
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # stderr carries our notes only
    # Large Parquet writes without order need far less memory (DuckDB tuning guide).
    con.execute("SET preserve_insertion_order = false")
    spill = spill or Path(tempfile.gettempdir()) / f"scholar-duckdb-{os.getuid()}"
    con.execute(f"SET temp_directory = {sql_path(spill)}")
    limit = check_memory_limit(memory_limit)
    if limit:
        con.execute(f"SET memory_limit = {sql_path(Path(limit))}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


@contextmanager
def spark_session(master: str | None = None, app: str = "scholar") -> Iterator[Any]:
    """A SparkSession on ``master`` (default ``local[*]``), stopped afterwards."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "--engine spark needs pyspark and a Java runtime (17 or later)",
            hint='install it with: pip install "scholarcli[spark]"',
        ) from None
    builder = (
        SparkSession.builder.master(master or "local[*]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")  # stderr is for our notes
    )
    if not master or master.startswith("local"):
        # One machine: a few shuffle partitions, not the cluster default of 200.
        builder = builder.config("spark.sql.shuffle.partitions", "8").config(
            "spark.driver.memory", "4g"
        )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no JVM, a wrong master URL: PySpark's own error types vary
        raise ScholarError(
            f"Spark did not start: {' '.join(str(exc).split())[:300]}",
            hint="Spark needs Java 17 or later (JAVA_HOME) and a reachable --master",
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()


@dataclass
class MetricsRun:
    rows: int
    seconds: float


def _output_kind(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise UsageError(f"-o must end in .parquet or .csv, not {out.name!r}")
    return suffix[1:]


def run_metrics(
    root: Path,
    out: Path,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    as_of_year: int,
    author_ids: Sequence[int] = (),
    min_papers: int = 1,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> MetricsRun:
    """Author metrics of every (or the chosen) author into ``out`` (.parquet or .csv)."""
    kind = _output_kind(out)
    if engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if master and engine != "spark":
        raise UsageError("--master needs --engine spark")
    require_tables(root, ("authorship", "authors"))
    query = metrics_sql(as_of_year, author_ids=author_ids, min_papers=min_papers)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if engine == "duckdb":
        con = duckdb_connect(memory_limit, threads, spill=root / ".duckdb-spill")
        try:
            register_duckdb(con, root)
            options = "FORMAT parquet" if kind == "parquet" else "FORMAT csv"
            tmp = out.with_name(out.name + ".tmp")
            rows = con.execute(f"COPY ({query}) TO {sql_path(tmp)} ({options})").fetchone()
            tmp.replace(out)
        finally:
            con.close()
        count = int(rows[0]) if rows else 0
    else:
        with spark_session(master) as spark:
            register_spark(spark, root)
            count = _spark_write(spark.sql(query), out, kind)
    return MetricsRun(count, time.perf_counter() - started)


def register_duckdb(con: Any, root: Path) -> None:
    for table in TABLES:
        if any((parquet_dir(root) / table).glob("*.parquet")):
            glob = sql_path(table_glob(root, table))
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet({glob})")


def register_spark(spark: Any, root: Path) -> None:
    for table in TABLES:
        if any((parquet_dir(root) / table).glob("*.parquet")):
            spark.read.parquet(str(parquet_dir(root) / table)).createOrReplaceTempView(table)


def _spark_write(frame: Any, out: Path, kind: str) -> int:
    """One output file, written the same way as DuckDB's (Spark writes folders)."""
    staging = Path(tempfile.mkdtemp(prefix=".scholar-spark-", dir=out.parent))
    try:
        frame.coalesce(1).write.mode("overwrite").parquet(str(staging / "out"))
        (part,) = sorted((staging / "out").glob("part-*.parquet"))
        con = duckdb_connect()
        try:
            count = con.execute(f"SELECT count(*) FROM read_parquet({sql_path(part)})").fetchone()
            if kind == "csv":
                tmp = out.with_name(out.name + ".tmp")
                con.execute(
                    f"COPY (SELECT * FROM read_parquet({sql_path(part)})) "
                    f"TO {sql_path(tmp)} (FORMAT csv)"
                )
                tmp.replace(out)
            else:
                shutil.move(str(part), out)
        finally:
            con.close()
        return int(count[0]) if count else 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
