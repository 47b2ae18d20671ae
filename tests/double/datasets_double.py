"""Loopback double of the S2 Datasets API and of the S3 host its links point to.

Shapes follow the recorded responses (fixtures/s2-datasets/api/*.yaml):
``GET /datasets/v1/release/`` is a JSON list of ids; ``/release/{id}`` (``latest``
allowed) is ``{release_id, README, datasets: [{name, description, README}]}``;
``/release/{id}/dataset/{name}`` needs ``x-api-key`` and answers ``{name,
description, README, files}`` whose files are extension-less pre-signed links
(``.../staging/<release>/<name>/<date>_<n>?X-Amz-Signature=...``); ``/diffs/{from}/
to/{to}/{name}`` is ``{dataset, start_release, end_release, diffs: [{from_release,
to_release, update_files, delete_files}]}`` with ``.gz`` links. The file host
honours ``Range`` (206 + Content-Range), answers 403 with S3's XML body once a link
has been expired by the test, and can cut a transfer after N bytes or serve slowly
(to kill a client mid-file). Serves 127.0.0.1 only; no data of its own.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

API = "/datasets/v1"
S3_EXPIRED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Request has expired</Message></Error>"
)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class DatasetsDouble:
    """Releases, shards and diffs in memory; start() serves them on loopback."""

    api_key: str = "test-key-123"
    releases: dict[str, dict[str, list[bytes]]] = field(default_factory=dict)
    diffs: dict[str, list[tuple[str, str, list[bytes], list[bytes]]]] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    cut_after: int | None = None  # the next file transfer stops after this many bytes
    bytes_per_second: float | None = None
    expire_next_listing: bool = False  # hand out links that are already expired, once
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---------------------------------------------------------------- data
    def add_release(self, release_id: str, datasets: dict[str, list[bytes]]) -> None:
        self.releases[release_id] = datasets

    def add_diff(
        self, dataset: str, start: str, end: str, updates: list[bytes], deletes: list[bytes]
    ) -> None:
        self.diffs.setdefault(dataset, []).append((start, end, updates, deletes))

    def expire_links(self) -> None:
        """Every link handed out so far now answers 403, as an expired S3 signature."""
        self.token = secrets.token_hex(8)

    def file_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.path.startswith("/s3/")]

    # ------------------------------------------------------------ serving
    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + API

    def start(self) -> DatasetsDouble:
        handler = type("Handler", (_Handler,), {"double": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def latest(self) -> str:
        return max(self.releases)

    def _link(self, path: str) -> str:
        return f"{self.url}/s3/{path}?X-Amz-Expires=3600&X-Amz-Signature={self.token}"

    def answer(self, method: str, target: str, headers: dict[str, str]) -> tuple[int, Any]:
        """(status, JSON payload) for API paths; files are served by the handler."""
        path = urlsplit(target).path
        if path == API + "/release/":
            return 200, sorted(self.releases)
        match = re.fullmatch(API + r"/release/([^/]+)(?:/dataset/([^/]+))?", path)
        if match:
            release = self.latest() if match.group(1) == "latest" else match.group(1)
            if release not in self.releases:
                return 404, {"error": f"Release {match.group(1)} not found"}
            data = self.releases[release]
            if match.group(2) is None:
                return 200, {
                    "release_id": release,
                    "README": "Semantic Scholar Academic Graph Datasets (test double)",
                    "datasets": [
                        {"name": n, "description": f"{n}: {len(s)} files", "README": ""}
                        for n, s in sorted(data.items())
                    ],
                }
            name = match.group(2)
            if headers.get("x-api-key") != self.api_key:
                return 403, {"message": "Forbidden"}
            if name not in data:
                return 404, {"error": f"Dataset {name} not found"}
            files = [
                self._link(f"staging/{release}/{name}/20250822_{n}") for n in range(len(data[name]))
            ]
            if self.expire_next_listing:
                self.expire_next_listing = False
                self.expire_links()
            return 200, {"name": name, "description": "", "README": "", "files": files}
        match = re.fullmatch(API + r"/diffs/([^/]+)/to/([^/]+)/([^/]+)", path)
        if match:
            if headers.get("x-api-key") != self.api_key:
                return 403, {"message": "Forbidden"}
            start, end, name = match.groups()
            end = self.latest() if end == "latest" else end
            steps = []
            for a, b, updates, deletes in self.diffs.get(name, []):
                if start <= a and b <= end:
                    steps.append(
                        {
                            "from_release": a,
                            "to_release": b,
                            "update_files": [
                                self._link(f"updates/{a}-to-{b}/{name}/2025_{n}.gz")
                                for n in range(len(updates))
                            ],
                            "delete_files": [
                                self._link(f"deletes/{a}-to-{b}/{name}/2025_{n}.gz")
                                for n in range(len(deletes))
                            ],
                        }
                    )
            body = {"dataset": name, "start_release": start, "end_release": end, "diffs": steps}
            return 200, body
        return 404, {"message": "Missing Authentication Token"}

    def file_bytes(self, path: str) -> bytes | None:
        parts = path.split("/")
        if parts[0] == "staging" and len(parts) == 4:
            release, name, leaf = parts[1], parts[2], parts[3]
            shards = self.releases.get(release, {}).get(name, [])
            n = int(leaf.rsplit("_", 1)[1])
            return shards[n] if n < len(shards) else None
        if parts[0] in ("updates", "deletes") and len(parts) == 4:
            a, b = parts[1].split("-to-")
            n = int(parts[3].rsplit("_", 1)[1].removesuffix(".gz"))
            for start, end, updates, deletes in self.diffs.get(parts[2], []):
                if (start, end) == (a, b):
                    chosen = updates if parts[0] == "updates" else deletes
                    return chosen[n] if n < len(chosen) else None
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    double: ClassVar[DatasetsDouble]

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        double = self.double
        headers = {k.lower(): v for k, v in self.headers.items()}
        split = urlsplit(self.path)
        if not split.path.startswith("/s3/"):
            status, payload = double.answer("GET", self.path, headers)
            double.requests.append(Seen("GET", split.path, headers, status))
            body = json.dumps(payload).encode()
            self._send(status, body, {"Content-Type": "application/json"})
            return
        signature = parse_qs(split.query).get("X-Amz-Signature", [""])[0]
        data = double.file_bytes(split.path[len("/s3/") :])
        if signature != double.token:
            double.requests.append(Seen("GET", split.path, headers, 403))
            self._send(403, S3_EXPIRED, {"Content-Type": "application/xml"})
            return
        if data is None:
            double.requests.append(Seen("GET", split.path, headers, 404))
            self._send(404, b"<Error><Code>NoSuchKey</Code></Error>", {})
            return
        start, status, extra = 0, 200, {}
        wanted = re.fullmatch(r"bytes=(\d+)-", headers.get("range", ""))
        if wanted:
            start = int(wanted.group(1))
            if start >= len(data):
                double.requests.append(Seen("GET", split.path, headers, 416))
                self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
                return
            status = 206
            extra["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        double.requests.append(Seen("GET", split.path, headers, status))
        body = data[start:]
        with double._lock:
            cut, double.cut_after = double.cut_after, None
        self.send_response(status)
        self.send_header("Content-Type", "binary/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            if cut is not None:  # a broken transfer: part of the body, then a closed socket
                self.wfile.write(body[:cut])
                self.wfile.flush()
                self.close_connection = True
                return
            step = 4096
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                if double.bytes_per_second:
                    self.wfile.flush()
                    time.sleep(step / double.bytes_per_second)
        except OSError:
            self.close_connection = True
