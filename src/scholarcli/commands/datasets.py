"""``scholar datasets releases|download|update|ingest|metrics``: S2 bulk datasets.

Thin: parse options, call one function of ``scholarcli.datasets``, render. Records
go to stdout in any ``-f`` format; notes and progress go to stderr. The API key is
read from SEMANTIC_SCHOLAR_API_KEY by the settings and never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from scholarcli import render
from scholarcli.commands.common import (
    StderrReporter,
    command_boundary,
    load_settings,
    output_env,
    output_format,
    parse_as_of,
)
from scholarcli.commands.options import AsOfOption, FormatOption

app = typer.Typer(
    help="Semantic Scholar bulk datasets: download, update, ingest to Parquet, metrics.",
    no_args_is_help=True,
)

DirOption = Annotated[
    Path, typer.Option("--dir", help="The datasets folder (shards, manifest, Parquet).")
]
DirArgument = Annotated[Path, typer.Argument(help="The datasets folder.", show_default=False)]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine", help="duckdb (embedded) or spark (needs the spark extra and Java 17+)."
    ),
]
MasterOption = Annotated[
    str | None,
    typer.Option(
        "--master",
        help="Spark master URL, e.g. spark://host:7077 (default local[*]); needs --engine spark.",
        show_default=False,
    ),
]
MemoryOption = Annotated[
    str | None,
    typer.Option(
        "--memory-limit",
        help="DuckDB memory limit, e.g. 2GB (it spills past it).",
        show_default=False,
    ),
]
ReleaseOption = Annotated[
    str, typer.Option("--release", help="Release id (e.g. 2025-08-19) or latest.")
]
MaxRatioOption = Annotated[
    float,
    typer.Option(
        "--max-ratio",
        metavar="RATIO",
        help="Refuse a gzip shard that expands more than RATIO times its size "
        "(a decompression bomb); raise it for a genuine, very repetitive file.",
    ),
]
# The same number as scholarcli.datasets.shard_check.DEFAULT_MAX_RATIO (a test checks):
# importing that module here would load it for every command's --help.
DEFAULT_MAX_RATIO = 100.0

SHARD_FIELDS = ("dataset", "shard", "file", "bytes", "sha256", "status")
DIFF_FIELDS = ("dataset", "from_release", "to_release", "update_files", "delete_files", "bytes")
TABLE_FIELDS = ("table", "read", "kept", "rejected", "duplicates", "seconds")


def _reporter() -> StderrReporter:
    return StderrReporter(output_env())


@app.command()
@command_boundary
def releases(fmt: FormatOption = None) -> None:
    """List the dataset releases (oldest first; no API key needed)."""
    from scholarcli.datasets.client import open_clients

    fmt_name, env = output_format(fmt)
    with open_clients(load_settings()) as clients:
        found = clients.api.releases()
    render.render_records(
        [{"release_id": r} for r in found],
        ("release_id",),
        fmt_name,
        sys.stdout,
        env,
        title="S2 dataset releases",
        json_root="releases",
    )


@app.command()
@command_boundary
def download(
    datasets: Annotated[list[str], typer.Argument(help="papers and/or authors.")],
    directory: DirOption,
    release: ReleaseOption = "latest",
    shards: Annotated[
        str | None,
        typer.Option(
            "--shards", help="Only these shards, e.g. 0-3,7 (default all).", show_default=False
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Download shards to DIR/<dataset>/<n>.jsonl.gz; resumes, re-asks expired links."""
    from scholarcli.datasets.client import open_clients
    from scholarcli.datasets.download import download as run
    from scholarcli.datasets.manifest import parse_shards

    fmt_name, env = output_format(fmt)
    chosen = parse_shards(shards)
    reporter = _reporter()
    records = []
    with open_clients(load_settings()) as clients:
        for shard in run(clients, directory, datasets, release, chosen, reporter):
            reporter.note(f"{shard.file}: {shard.bytes:,} bytes, {shard.status}")
            records.append(vars(shard))
    render.render_records(
        records, SHARD_FIELDS, fmt_name, sys.stdout, env, title="Shards", json_root="shards"
    )


@app.command()
@command_boundary
def update(
    directory: DirOption,
    release: ReleaseOption = "latest",
    engine: EngineOption = "duckdb",
    master: MasterOption = None,
    max_ratio: MaxRatioOption = DEFAULT_MAX_RATIO,
    fmt: FormatOption = None,
) -> None:
    """Apply the diffs up to a later release: upsert updates, remove deletes."""
    from scholarcli.datasets.client import open_clients
    from scholarcli.datasets.update import update as run

    fmt_name, env = output_format(fmt)
    reporter = _reporter()
    with open_clients(load_settings()) as clients:
        result = run(
            clients,
            directory,
            reporter,
            target=release,
            engine=engine,
            master=master,
            progress=reporter.progress,
            max_ratio=max_ratio,
        )
    if not result.diffs:
        reporter.note(f"{directory} is already at release {result.target}")
    for table in result.tables:
        reporter.note(_table_note(table.record()))
    records = [
        {**d, "update_files": len(d["update_files"]), "delete_files": len(d["delete_files"])}
        for d in result.diffs
    ]
    render.render_records(
        records, DIFF_FIELDS, fmt_name, sys.stdout, env, title="Diffs applied", json_root="diffs"
    )


def _table_note(r: dict[str, object]) -> str:
    return (
        f"{r['table']}: {r['read']:,} read, {r['kept']:,} kept, {r['rejected']:,} rejected, "
        f"{r['duplicates']:,} duplicates ({r['seconds']} s)"
    )


@app.command()
@command_boundary
def ingest(
    directory: DirArgument,
    engine: EngineOption = "duckdb",
    master: MasterOption = None,
    memory_limit: MemoryOption = None,
    max_ratio: MaxRatioOption = DEFAULT_MAX_RATIO,
    fmt: FormatOption = None,
) -> None:
    """Turn DIR's shards (and downloaded diffs) into Parquet: papers, authorship, authors."""
    from scholarcli.datasets.ingest import ingest as run

    fmt_name, env = output_format(fmt)
    reporter = _reporter()
    tables = run(
        directory,
        engine=engine,
        master=master,
        memory_limit=memory_limit,
        progress=reporter.progress,
        max_ratio=max_ratio,
    )
    render.render_records(
        [t.record() for t in tables],
        TABLE_FIELDS,
        fmt_name,
        sys.stdout,
        env,
        title="Tables",
        json_root="tables",
    )


@app.command()
@command_boundary
def metrics(
    directory: DirArgument,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="FILE.parquet or FILE.csv.", show_default=False)
    ],
    engine: EngineOption = "duckdb",
    master: MasterOption = None,
    author: Annotated[
        list[str] | None,
        typer.Option("--author", help="Only this S2 author id; repeatable.", show_default=False),
    ] = None,
    min_papers: Annotated[int, typer.Option("--min-papers", help="Skip authors with fewer.")] = 1,
    as_of: AsOfOption = None,
    memory_limit: MemoryOption = None,
) -> None:
    """Author metrics for every author in DIR's Parquet, one row each, into -o FILE."""
    from scholarcli.datasets.engines import run_metrics
    from scholarcli.errors import UsageError

    ids = list(author or [])
    bad = [i for i in ids if not i.strip().isdigit()]
    if bad:
        raise UsageError(f"--author must be a numeric S2 author id, not {bad[0]!r}")
    if min_papers < 1:
        raise UsageError("--min-papers must be at least 1")
    run = run_metrics(
        directory,
        output,
        engine=engine,
        master=master,
        as_of_year=parse_as_of(as_of).year,
        author_ids=[int(i) for i in ids],
        min_papers=min_papers,
        memory_limit=memory_limit,
    )
    _reporter().note(f"{output}: {run.rows:,} authors in {run.seconds:.2f} s ({engine})")
