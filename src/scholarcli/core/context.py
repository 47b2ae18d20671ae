"""The run context: what one command run shares.

Settings, the open cache (``Store``), the HTTP clients with their rate limiters and
retry policy (built lazily, so a run answered from the cache opens no connection),
the offline flag, the reporter and the clock. Capabilities receive it; commands open
it (``commands.common.open_context``) and close it.

It must not decide freshness (``core.freshness`` does) or print (the reporter does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from scholarcli.cache.store import Store
from scholarcli.config import Settings
from scholarcli.core.clock import utcnow
from scholarcli.core.reporter import QuietReporter, Reporter
from scholarcli.errors import CacheError, SourceError

if TYPE_CHECKING:
    from scholarcli.sources.arxiv import Arxiv
    from scholarcli.sources.http import HttpClient
    from scholarcli.sources.semanticscholar import SemanticScholar

OFFLINE_HINT = "fill the cache by running the same command once without --offline"


@dataclass
class Context:
    """What one command run shares: settings, the open cache, lazily built clients."""

    settings: Settings
    store: Store
    reporter: Reporter = field(default_factory=QuietReporter)
    offline: bool = False
    clock: Callable[[], datetime] = utcnow
    _clients: dict[str, HttpClient] = field(default_factory=dict)
    # Set when a source failed and cached data answered instead: with an explicit
    # --refresh that answer is not what was asked for, so the run is partial (exit 5).
    served_stale: bool = False
    _s2: SemanticScholar | None = None
    _arxiv: Arxiv | None = None

    @classmethod
    def open(
        cls, settings: Settings, reporter: Reporter | None = None, *, offline: bool = False
    ) -> Context:
        # An offline run only reads: a missing cache is answered empty, never created.
        store = Store.open(settings.db_path, create=not offline)
        return cls(settings, store, reporter or QuietReporter(), offline=offline)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self.store.close()

    def now(self) -> str:
        return self.clock().isoformat()

    def _http(
        self, name: str, interval: float, exclusive: bool, headers: dict[str, str]
    ) -> HttpClient:
        from scholarcli.cache.store import READ_ONLY_HINT, ensure_private_dir
        from scholarcli.sources.http import HttpClient, RateLimiter, RetryPolicy

        if self.offline:
            raise SourceError(
                f"{name}: not asked, --offline is set, and the cache cannot answer",
                source=name,
                hint=OFFLINE_HINT,
            )
        if self.store.read_only:
            # Whatever a source answers would have to be saved: refuse before asking it.
            raise CacheError(
                f"the cache at {self.store.path} is read-only, and this command needs to ask "
                f"{name} and save the answer; nothing was changed",
                hint=READ_ONLY_HINT,
            )
        ensure_private_dir(self.settings.locks_dir)
        limiter = RateLimiter(
            interval, self.settings.locks_dir, name.split()[0].lower(), exclusive=exclusive
        )
        policy = RetryPolicy(
            max_attempts=self.settings.max_attempts,
            backoff_base=self.settings.backoff_base,
            max_retry_time=self.settings.max_retry_time,
        )
        client = HttpClient(
            name,
            timeout=self.settings.timeout,
            limiter=limiter,
            policy=policy,
            headers=headers,
            on_retry=self.reporter.note,
        )
        self._clients[name] = client
        return client

    @property
    def s2(self) -> SemanticScholar:
        if self._s2 is None:
            from scholarcli.sources.semanticscholar import SemanticScholar

            headers = {"x-api-key": self.settings.api_key} if self.settings.api_key else {}
            http = self._http("Semantic Scholar", self.settings.s2_interval, False, headers)
            self._s2 = SemanticScholar(http, self.settings.s2_url)
        return self._s2

    @property
    def arxiv(self) -> Arxiv:
        if self._arxiv is None:
            from scholarcli.sources.arxiv import Arxiv

            # arXiv's terms: one connection at a time, so the slot is held in flight.
            http = self._http("arXiv", self.settings.arxiv_interval, True, {})
            self._arxiv = Arxiv(http, self.settings.arxiv_url)
        return self._arxiv

    def requests_made(self) -> dict[str, int]:
        return {name: client.stats.requests for name, client in self._clients.items()}
