"""Semantic Scholar bulk datasets: download, diffs, Parquet ingest, whole-field metrics.

``download`` and ``update`` fetch shards and diffs (through ``sources.datasets``),
``ingest`` turns shards into Parquet, ``sql`` holds the one metrics query that
``engines`` runs on DuckDB (embedded, default) or Spark, and ``local`` answers
``scholar author/metrics --source datasets:DIR`` from the Parquet. duckdb, pyarrow
and pyspark are imported inside functions only, so ``scholar --help`` stays fast.
"""
