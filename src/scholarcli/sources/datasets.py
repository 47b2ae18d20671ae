"""Semantic Scholar Datasets API client and a resumable shard downloader.

``DatasetsApi`` asks the Datasets API (``/release/``, ``/release/{id}``,
``/release/{id}/dataset/{name}``, ``/diffs/{from}/to/{to}/{name}``) through the
project's one HTTP policy (``HttpClient``); the key travels as ``x-api-key`` in that
client's session headers and nowhere else. ``ShardDownloader`` streams one
pre-signed file to disk: it resumes a ``.part`` file with an HTTP ``Range``
request, starts over when a server ignores the range, retries broken transfers
with the policy's backoff, and asks for fresh links when S3 answers 403 (the
links are "temporary"; their lifetime is not documented: docs/sources.md,
The Datasets API). Evidence for shapes: the recorded responses in fixtures/s2-datasets/api/.

It must not decide where files go, keep manifests or parse records (that is
``scholarcli.datasets``), and must never log, store or raise the API key or a
pre-signed URL's query string (the signature is a temporary credential).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests
import urllib3

from scholarcli.errors import NotFoundError, SourceError
from scholarcli.sources.http import (
    RETRY_STATUSES,
    HttpClient,
    RetryableResponse,
    name_not_resolved,
)

log = logging.getLogger("scholarcli.datasets")

DEFAULT_DATASETS_URL = "https://api.semanticscholar.org/datasets/v1"
CHUNK = 1 << 20
# Network reads are smaller, so a killed transfer keeps nearly all it received.
READ_CHUNK = 1 << 16
# How many times one file may get fresh links after a 403 before we give up.
MAX_LINK_REFRESHES = 3
KEY_HINT = (
    "the Datasets API needs a valid key: set SEMANTIC_SCHOLAR_API_KEY "
    "(keys unused for about 60 days are pruned)"
)


# Release ids and dataset names become folder names under --dir, so only these forms
# are accepted from the API (every release so far is a date, every dataset name lower
# case with - or _: fixtures/s2-datasets/api/test_get_release.yaml). Anything else, a
# "../" above all, is refused before it reaches a path or the manifest.
RELEASE_ID = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATASET_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def checked_release(value: object) -> str:
    """``value`` if it is a release id (``2025-08-19``); else a one-line SourceError."""
    if isinstance(value, str) and RELEASE_ID.fullmatch(value):
        return value
    raise SourceError(
        f"Semantic Scholar Datasets API: refused the release id {str(value)[:80]!r} "
        "(a release id is a date like 2025-08-19); nothing was written",
        source="Semantic Scholar Datasets API",
    )


def checked_dataset(value: object) -> str:
    """``value`` if it is a dataset name (``papers``, ``embeddings-specter_v2``)."""
    if isinstance(value, str) and DATASET_NAME.fullmatch(value):
        return value
    raise SourceError(
        f"Semantic Scholar Datasets API: refused the dataset name {str(value)[:80]!r} "
        "(lower-case letters, digits, - and _); nothing was written",
        source="Semantic Scholar Datasets API",
    )


def public_url(url: str) -> str:
    """The URL without its query string: pre-signed links carry their signature there."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RetryableResponse("malformed JSON") from exc


@dataclass(frozen=True)
class Diff:
    """One step between two consecutive releases (SPEC ``/diffs``)."""

    from_release: str
    to_release: str
    update_files: list[str]
    delete_files: list[str]


class DatasetsApi:
    """The Datasets API: releases, pre-signed file links, diffs."""

    def __init__(self, http: HttpClient, base_url: str = DEFAULT_DATASETS_URL) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def _url(self, *parts: str) -> str:
        return "/".join([self.base_url, *(quote(p, safe="") for p in parts)])

    def _get(self, url: str, what: str) -> Any:
        def parse(response: requests.Response) -> Any:
            if response.status_code == 404:
                return None
            return _json(response)

        try:
            body = self.http.request("GET", url, parse, accept=lambda r: r.status_code == 404)
        except SourceError as exc:
            if exc.status in (401, 403):
                exc.hint = KEY_HINT
            raise
        if body is None:
            raise NotFoundError(f"Semantic Scholar Datasets API: no {what}")
        return body

    def releases(self) -> list[str]:
        """Release ids, oldest first (``GET /release/``; no key needed)."""
        body = self._get(self.base_url + "/release/", "release list")
        if not isinstance(body, list) or not all(isinstance(r, str) for r in body):
            raise SourceError("Semantic Scholar Datasets API: unexpected release list")
        return sorted(checked_release(r) for r in body)

    def release(self, release_id: str) -> dict[str, Any]:
        """``{release_id, README, datasets: [{name, description, README}]}``."""
        body = self._get(self._url("release", release_id), f"release {release_id!r}")
        if not isinstance(body, dict) or not isinstance(body.get("release_id"), str):
            raise SourceError("Semantic Scholar Datasets API: unexpected release")
        checked_release(body["release_id"])
        for entry in body.get("datasets") or []:
            if isinstance(entry, dict):
                checked_dataset(entry.get("name"))
        return body

    def dataset_files(self, release_id: str, dataset: str) -> list[str]:
        """Temporary pre-signed links to the dataset's files (needs the key)."""
        body = self._get(
            self._url("release", release_id, "dataset", dataset),
            f"dataset {dataset!r} in release {release_id!r}",
        )
        files = body.get("files") if isinstance(body, dict) else None
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise SourceError("Semantic Scholar Datasets API: unexpected dataset listing")
        return files

    def diffs(self, start: str, end: str, dataset: str) -> list[Diff]:
        """The diffs from release ``start`` to ``end`` (``latest`` allowed), in order."""
        body = self._get(
            self._url("diffs", start, "to", end, dataset), f"diffs {start}..{end} of {dataset!r}"
        )
        steps = body.get("diffs") if isinstance(body, dict) else None
        if not isinstance(steps, list):
            raise SourceError("Semantic Scholar Datasets API: unexpected diff listing")
        return [
            Diff(
                checked_release(step.get("from_release")),
                checked_release(step.get("to_release")),
                [str(u) for u in step.get("update_files") or []],
                [str(u) for u in step.get("delete_files") or []],
            )
            for step in steps
        ]


@dataclass
class Fetched:
    """A completed file: its size, sha256 and what it took."""

    size: int
    sha256: str
    requests: int = 0
    resumed_from: int = 0
    link_refreshes: int = 0
    restarts: int = 0


@dataclass
class _Transfer:
    part: Path
    hasher: Any = field(default_factory=hashlib.sha256)
    offset: int = 0


_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class ShardDownloader:
    """Streams pre-signed files to disk; resumable, checksummed, link-refreshing.

    ``http`` must be a client *without* the API key: the files live on S3, which
    needs no key, and the key should not travel to a third host.
    """

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def fetch(
        self,
        link: Callable[[bool], str],
        dest: Path,
        on_bytes: Callable[[int], None] | None = None,
    ) -> Fetched:
        """Download ``link(False)`` to ``dest``; ``link(True)`` must return a fresh link.

        Data goes to ``dest`` + ``.part`` first and is renamed when complete, so
        ``dest`` exists only when whole. An existing ``.part`` is resumed.
        """
        transfer = _Transfer(dest.with_name(dest.name + ".part"))
        result = Fetched(0, "")
        if transfer.part.exists():
            with transfer.part.open("rb") as handle:
                while block := handle.read(CHUNK):
                    transfer.hasher.update(block)
                    transfer.offset += len(block)
            result.resumed_from = transfer.offset
            if on_bytes is not None and transfer.offset:
                on_bytes(transfer.offset)
        url = link(False)
        attempt = 0
        failing_since: float | None = None
        while True:
            attempt += 1
            result.requests += 1
            problem: str
            status: int | None = None
            before = transfer.offset
            try:
                total = self._one_request(url, transfer, on_bytes, result)
                if total is not None:
                    break
                problem = "transfer ended early"
            except _Expired:
                if result.link_refreshes >= MAX_LINK_REFRESHES:
                    raise SourceError(
                        f"S2 dataset file {public_url(url)}: HTTP 403 even with fresh links",
                        source="S2 dataset files",
                        url=public_url(url),
                        status=403,
                        attempts=attempt,
                        hint=KEY_HINT,
                    ) from None
                result.link_refreshes += 1
                log.debug("link expired for %s; asking for fresh links", public_url(url))
                url = link(True)
                attempt = 0
                continue
            except _Retry as exc:
                problem, status = exc.problem, exc.status
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                if name_not_resolved(exc):  # a host that does not resolve will not soon
                    raise SourceError(
                        f"S2 dataset file {public_url(url)}: cannot resolve the host name "
                        f"{urlsplit(url).hostname} (DNS)",
                        source="S2 dataset files",
                        url=public_url(url),
                        attempts=attempt,
                        hint="check the network connection; the download resumes where it stopped",
                    ) from None
                # raw.stream raises urllib3's errors (IncompleteRead) for a cut transfer.
                problem = f"connection failed ({type(exc).__name__})"
            if transfer.offset > before:
                failing_since, attempt = None, 1  # progress was made: a new streak starts
            now = self.http.clock()
            failing_since = now if failing_since is None else failing_since
            delay = self.http.policy.backoff(attempt, self.http.rng)
            too_long = now - failing_since + delay > self.http.policy.max_retry_time
            if attempt >= self.http.policy.max_attempts or too_long:
                raise SourceError(
                    f"S2 dataset file {public_url(url)}: {problem} after {attempt} attempts",
                    source="S2 dataset files",
                    url=public_url(url),
                    status=status,
                    attempts=attempt,
                    hint="run the same command again: the download resumes where it stopped",
                )
            log.debug("retrying %s in %.2fs: %s", public_url(url), delay, problem)
            if delay > 0:
                self.http.sleep(delay)
        with transfer.part.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(transfer.part, dest)
        result.size = transfer.offset
        result.sha256 = transfer.hasher.hexdigest()
        return result

    def _one_request(
        self,
        url: str,
        transfer: _Transfer,
        on_bytes: Callable[[int], None] | None,
        result: Fetched,
    ) -> int | None:
        """One GET from the current offset; the file's total size when complete, else None."""
        # identity: the bytes must be stored exactly as served, never transparently gunzipped.
        headers = {"Accept-Encoding": "identity"}
        if transfer.offset:
            headers["Range"] = f"bytes={transfer.offset}-"

        with self.http.limiter.slot():
            response = self.http.session.get(
                url, headers=headers, stream=True, timeout=self.http.timeout
            )
        with response:
            status = response.status_code
            log.debug("GET %s (from byte %d) -> %s", public_url(url), transfer.offset, status)
            if status == 403:
                raise _Expired()
            if status == 416:  # asked past the end: the part may already be whole
                match = re.fullmatch(r"bytes \*/(\d+)", response.headers.get("Content-Range", ""))
                if match and int(match.group(1)) == transfer.offset:
                    return transfer.offset
                self._restart(transfer, result)
                raise _Retry("range not satisfiable; starting over", status)
            if status in RETRY_STATUSES:
                raise _Retry(f"HTTP {status}", status)
            if status == 200:
                if transfer.offset:
                    self._restart(transfer, result)  # the server ignored Range
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
            elif status == 206:
                match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
                if not match or int(match.group(1)) != transfer.offset:
                    self._restart(transfer, result)
                    raise _Retry("unexpected Content-Range; starting over", status)
                total = int(match.group(3)) if match.group(3) != "*" else None
            else:
                raise SourceError(
                    f"S2 dataset file {public_url(url)}: HTTP {status}",
                    source="S2 dataset files",
                    url=public_url(url),
                    status=status,
                )
            with transfer.part.open("ab") as handle:
                for block in response.raw.stream(READ_CHUNK, decode_content=False):
                    handle.write(block)
                    transfer.hasher.update(block)
                    transfer.offset += len(block)
                    if on_bytes is not None:
                        on_bytes(len(block))
        if total is None or transfer.offset == total:
            return transfer.offset
        return None

    @staticmethod
    def _restart(transfer: _Transfer, result: Fetched) -> None:
        transfer.part.write_bytes(b"")
        transfer.hasher = hashlib.sha256()
        transfer.offset = 0
        result.restarts += 1


class _Expired(Exception):
    """S3 answered 403: the pre-signed link has expired."""


class _Retry(Exception):
    def __init__(self, problem: str, status: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status
