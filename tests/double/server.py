"""`ApiDouble`: a loopback HTTP server that plays Semantic Scholar and arXiv for tests.

One `ThreadingHTTPServer` on 127.0.0.1 (random port) serves S2 under `/graph/v1` and
arXiv under `/api/query`. This module owns the socket side only: parsing requests,
the request log, API-key rejection, carrying out delivery faults (slow, truncated,
reset) and writing responses. What the APIs answer lives in `s2_routes` and
`arxiv_routes`, the data in `store`, fault bookkeeping in `faults`. It must never
listen on anything but loopback.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote

from . import arxiv_routes, faults, s2_routes, synthetic
from .faults import FaultQueue, Shot
from .responses import ApiError, Response, plain, s2_forbidden, s2_gateway_error
from .routing import Call
from .store import ArxivEntry, Paper, Store, iso_utc

HOST = "127.0.0.1"
S2_PREFIX = "/graph/v1"
ARXIV_PREFIX = "/api"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the double saw it; `headers` keys are lower-case.

    `path` is the percent-decoded path without query string (e.g.
    `/graph/v1/author/42/papers`); `query` is the URL query only (an arXiv POST form
    stays in `body`); `status` is 0 when the connection was reset without an answer.
    """

    time: float
    source: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int
    route: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, double: ApiDouble, handler: type[BaseHTTPRequestHandler]) -> None:
        self.double = double
        super().__init__((HOST, 0), handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a DNS lookup that can stall.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) before a slow answer was written is
        # the scenario, not an error: no traceback on the test run's stderr.
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            return
        super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        if self.double._forget_reset(request):
            self.close_request(request)  # SO_LINGER 0 makes this close send an RST
        else:
            super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ApiDouble/1.0"
    timeout = 30
    # Headers and body go out in separate writes; with Nagle's algorithm and the
    # client's delayed ACK that costs ~40 ms a request, which real servers do not add.
    disable_nagle_algorithm = True
    double: ClassVar[ApiDouble]

    def setup(self) -> None:
        super().setup()
        self.double._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.double._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is `ApiDouble.requests`."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        arrived = time.time()
        raw_path, _, raw_query = self.path.partition("?")
        path = unquote(raw_path)
        query = parse_qs(raw_query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        double = self.double
        source, route, response, shot = double._answer(self.command, path, query, body, headers)
        status = response.status if response is not None else 0
        double._record(
            RecordedRequest(
                arrived, source, self.command, path, query, headers, body, status, route
            )
        )
        if response is None:  # "reset": no answer at all, then an RST
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.double._mark_reset(self.connection)
            self.close_connection = True
            return
        truncate = shot is not None and shot.kind == "truncated"
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        payload = response.body[: len(response.body) // 2] if truncate else response.body
        with contextlib.suppress(OSError):
            self.wfile.write(payload)
            self.wfile.flush()
        if truncate:
            self.close_connection = True


class ApiDouble:
    """Fake Semantic Scholar Graph API + arXiv export API on one loopback port."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.store = Store()
        self.requests: list[RecordedRequest] = []
        self.rejected_api_keys: set[str] = set()
        self._faults = FaultQueue()
        self._log_lock = threading.Lock()
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._resets: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------- lifecycle
    def start(self) -> ApiDouble:
        if self._server is not None:
            return self
        self._stopping.clear()
        handler = type("ApiDoubleHandler", (_Handler,), {"double": self})
        self._server = _Server(self, handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ApiDouble",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in a "slow" fault
        server.shutdown()
        with self._conn_lock:
            open_connections = list(self._connections)
        for connection in open_connections:  # idle keep-alive connections
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> ApiDouble:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("ApiDouble is not started")
        return f"http://{HOST}:{self._server.server_port}"

    @property
    def s2_url(self) -> str:
        return self.base_url + S2_PREFIX

    @property
    def arxiv_url(self) -> str:
        return self.base_url + ARXIV_PREFIX + "/query"

    # ------------------------------------------------------------------ data
    def add_author(
        self,
        author_id: str,
        name: str,
        *,
        affiliations: list[str] | tuple[str, ...] = (),
        homepage: str | None = None,
        external_ids: dict[str, Any] | None = None,
    ) -> None:
        self.store.add_author(
            author_id, name, affiliations=affiliations, homepage=homepage, external_ids=external_ids
        )

    def add_paper(
        self,
        paper_id: str,
        *,
        title: str,
        year: int | None,
        publication_date: str | None = None,
        venue: str = "",
        authors: list[tuple[str | None, str]],
        citation_count: int = 0,
        influential_citation_count: int = 0,
        arxiv_id: str | None = None,
        doi: str | None = None,
        abstract: str | None = None,
        citations_by_year: dict[int, int] | None = None,
    ) -> None:
        """Add or replace a paper; it is linked to every listed author id."""
        bare_arxiv = None
        if arxiv_id:
            match = arxiv_routes.ARXIV_ID.fullmatch(arxiv_id)
            bare_arxiv = match.group("base") if match else arxiv_id
        self.store.add_paper(
            Paper(
                paper_id=paper_id,
                title=title,
                year=year,
                publication_date=publication_date,
                venue=venue,
                authors=[(None if a is None else str(a), n) for a, n in authors],
                citation_count=citation_count,
                influential_citation_count=influential_citation_count,
                arxiv_id=bare_arxiv,
                doi=doi,
                abstract=abstract,
                citations_by_year=dict(citations_by_year) if citations_by_year else None,
            )
        )

    def add_arxiv(
        self,
        arxiv_id: str,
        *,
        title: str,
        abstract: str,
        authors: list[str],
        published: str,
        updated: str | None = None,
        primary_category: str,
        categories: list[str] | None = None,
        comment: str | None = None,
        journal_ref: str | None = None,
        doi: str | None = None,
        version: int = 1,
    ) -> None:
        """Add or replace an arXiv record; `arxiv_id` is the id without version."""
        match = arxiv_routes.ARXIV_ID.fullmatch(arxiv_id)
        if match is None or match.group("version") is not None:
            raise ValueError(f"arxiv_id must be a well-formed id without version: {arxiv_id!r}")
        if version < 1:
            raise ValueError("version must be >= 1")
        published_iso = iso_utc(published)
        self.store.add_arxiv(
            ArxivEntry(
                arxiv_id=arxiv_id,
                title=title,
                abstract=abstract,
                authors=list(authors),
                published=published_iso,
                updated=iso_utc(updated) if updated else published_iso,
                primary_category=primary_category,
                categories=list(categories) if categories else [primary_category],
                comment=comment,
                journal_ref=journal_ref,
                doi=doi,
                version=version,
            )
        )

    def remove_author(self, author_id: str) -> None:
        """Forget an author: 404 on /author/{id}, null in batches."""
        self.store.remove_author(author_id)

    def set_citations(self, paper_id: str, count: int) -> None:
        self.store.set_citations(paper_id, count)

    def add_citer(
        self,
        cited_id: str,
        paper_id: str,
        *,
        title: str,
        year: int,
        authors: list[tuple[str | None, str]],
        venue: str = "",
        publication_date: str | None = None,
    ) -> None:
        """A stored paper citing `cited_id`: /paper/{id}/citations then lists the stored
        citers (newest first) and citationCount counts them."""
        self.add_paper(
            paper_id,
            title=title,
            year=year,
            publication_date=publication_date,
            venue=venue,
            authors=authors,
        )
        with self.store.lock:
            cited = self.store.papers[cited_id]
            cited.citers = [*(cited.citers or []), paper_id]
        self.store.set_citations(cited_id, len(cited.citers))

    def populate_synthetic(
        self,
        author_id: str,
        name: str,
        n_papers: int,
        *,
        arxiv_fraction: float = 0.5,
        seed: int = 0,
    ) -> None:
        """A deterministic author with `n_papers` papers (see `synthetic.populate`)."""
        synthetic.populate(
            self.store, author_id, name, n_papers, arxiv_fraction=arxiv_fraction, seed=seed
        )

    # ----------------------------------------------------------- observation
    def count(self, source: str | None = None, path_prefix: str | None = None) -> int:
        """Requests seen, optionally by source and by path prefix.

        `path_prefix` matches the full path (`/graph/v1/author/`) or the path below
        the source's prefix (`/author/`).
        """
        with self._log_lock:
            recorded = list(self.requests)
        return sum(1 for r in recorded if self._selected(r, source, path_prefix))

    @staticmethod
    def _selected(r: RecordedRequest, source: str | None, path_prefix: str | None) -> bool:
        if source is not None and r.source != source:
            return False
        if path_prefix is None:
            return True
        relative = r.path[len(S2_PREFIX) :] if r.source == "s2" else r.path
        return r.path.startswith(path_prefix) or relative.startswith(path_prefix)

    def reset_log(self) -> None:
        with self._log_lock:
            self.requests.clear()

    # ---------------------------------------------------------------- faults
    def inject(
        self,
        route: str,
        fault: str,
        *,
        times: int = 1,
        delay: float = 0.0,
        status: int | None = None,
    ) -> None:
        """Queue `fault` for the next `times` requests to `route` (or `*`)."""
        self._faults.add(route, fault, times=times, delay=delay, status=status)

    def clear_faults(self) -> None:
        self._faults.clear()

    # -------------------------------------------------------------- internal
    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes,
        headers: dict[str, str],
    ) -> tuple[str, str, Response | None, Shot | None]:
        """(source, route name, response or None for a reset, fault shot)."""
        if path == S2_PREFIX or path.startswith(S2_PREFIX + "/"):
            source, subpath = "s2", path[len(S2_PREFIX) :]
            route, params = s2_routes.resolve(method, subpath)
            if headers.get("x-api-key") in self.rejected_api_keys:
                return source, route.name, s2_forbidden(), None
        elif path == ARXIV_PREFIX or path.startswith(ARXIV_PREFIX + "/"):
            source, subpath = "arxiv", path
            route, params = arxiv_routes.resolve(method, subpath)
        else:
            return "other", "unknown", plain(404, "Not Found\n"), None
        shot = self._faults.take(route.name)
        if shot is not None:
            replacement = faults.answer(shot, source)
            if replacement is not None:
                return source, route.name, replacement, shot
            if shot.kind == "reset":
                return source, route.name, None, shot
            if shot.kind == "slow":
                self._stopping.wait(shot.delay)
        call = Call(
            method=method,
            path=subpath,
            query=query,
            body=body,
            headers=headers,
            store=self.store,
            seed=self.seed,
            empty_page=shot is not None and shot.kind == "empty_page",
            params=params,
        )
        try:
            response = route.handler(call)
        except ApiError as error:
            response = error.response
        except Exception:  # a bug in the double: say so loudly, answer like a gateway
            traceback.print_exc(file=sys.stderr)
            response = s2_gateway_error(500) if source == "s2" else plain(500, "double error\n")
        return source, route.name, response, shot

    def _record(self, request: RecordedRequest) -> None:
        # Recorded before the answer is written, so a client that has its response
        # always finds its request in the log.
        with self._log_lock:
            self.requests.append(request)

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self._conn_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _mark_reset(self, connection: socket.socket) -> None:
        with self._conn_lock:
            self._resets.add(connection)

    def _forget_reset(self, connection: socket.socket) -> bool:
        with self._conn_lock:
            if connection in self._resets:
                self._resets.discard(connection)
                return True
            return False
