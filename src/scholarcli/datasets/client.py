"""Builds the Datasets API client and the shard downloader from the settings.

The API client carries the key (``x-api-key``) and shares Semantic Scholar's rate
limit with the Graph API (one limiter slot file per source under SCHOLAR_HOME); the
file downloader carries no key (the files are pre-signed S3 links) and no rate
limit. The base URL is ``SCHOLAR_S2_DATASETS_URL`` (default the public API).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scholarcli.config import Settings
from scholarcli.errors import UsageError

if TYPE_CHECKING:
    from scholarcli.sources.datasets import DatasetsApi, ShardDownloader

ENV_URL = "SCHOLAR_S2_DATASETS_URL"


def datasets_url() -> str:
    from scholarcli.sources.datasets import DEFAULT_DATASETS_URL

    raw = os.environ.get(ENV_URL, "").strip() or DEFAULT_DATASETS_URL
    if not raw.startswith(("http://", "https://")):
        raise UsageError(f"{ENV_URL} must be an http(s) URL, not {raw!r}")
    return raw.rstrip("/")


@dataclass
class Clients:
    api: DatasetsApi
    files: ShardDownloader
    has_key: bool


@contextmanager
def open_clients(settings: Settings) -> Iterator[Clients]:
    from scholarcli.cache.store import ensure_private_dir
    from scholarcli.sources.datasets import DatasetsApi, ShardDownloader
    from scholarcli.sources.http import HttpClient, RateLimiter, RetryPolicy

    ensure_private_dir(settings.locks_dir)
    policy = RetryPolicy(
        max_attempts=settings.max_attempts,
        backoff_base=settings.backoff_base,
        max_retry_time=settings.max_retry_time,
    )
    headers = {"x-api-key": settings.api_key} if settings.api_key else {}
    # "semantic": the same limiter slot file as the Graph API client (profile.sync).
    api_http = HttpClient(
        "Semantic Scholar Datasets",
        timeout=settings.timeout,
        limiter=RateLimiter(settings.s2_interval, settings.locks_dir, "semantic"),
        policy=policy,
        headers=headers,
    )
    files_http = HttpClient(
        "S2 dataset files",
        timeout=settings.timeout,
        limiter=RateLimiter(0.0, None, "s2files"),
        policy=policy,
    )
    try:
        yield Clients(
            DatasetsApi(api_http, datasets_url()),
            ShardDownloader(files_http),
            settings.api_key is not None,
        )
    finally:
        api_http.close()
        files_http.close()
