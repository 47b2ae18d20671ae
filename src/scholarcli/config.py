"""Settings read from the environment, each with a documented default.

This module only reads ``os.environ`` and validates values; it never creates
files or opens connections. The API key is held in a field that is excluded from
``repr`` so it cannot leak through logging or tracebacks of a ``Settings``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scholarcli.errors import UsageError

DEFAULT_S2_URL = "https://api.semanticscholar.org/graph/v1"
DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
DEFAULT_OPENALEX_URL = "https://api.openalex.org"
# OpenAlex allows 10 requests a second keyless, 30 with a free key (docs/sources.md).
DEFAULT_OPENALEX_INTERVAL = 0.1
DEFAULT_S2_INTERVAL = 1.0
DEFAULT_ARXIV_INTERVAL = 3.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRY_TIME = 90.0
DEFAULT_BACKOFF_BASE = 2.0
DEFAULT_MAX_ATTEMPTS = 6
# Paper searches are answered from the cache for this long (seconds): results change
# daily at most (arXiv's manual says so of its own; S2 adds papers continuously).
DEFAULT_SEARCH_TTL = 86_400.0


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("scholar", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path
    s2_url: str = DEFAULT_S2_URL
    arxiv_url: str = DEFAULT_ARXIV_URL
    s2_interval: float = DEFAULT_S2_INTERVAL
    arxiv_interval: float = DEFAULT_ARXIV_INTERVAL
    timeout: float = DEFAULT_TIMEOUT
    max_retry_time: float = DEFAULT_MAX_RETRY_TIME
    backoff_base: float = DEFAULT_BACKOFF_BASE
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    debug: bool = False
    api_key: str | None = field(default=None, repr=False)
    search_ttl: float = DEFAULT_SEARCH_TTL
    openalex_url: str = DEFAULT_OPENALEX_URL
    openalex_interval: float = DEFAULT_OPENALEX_INTERVAL
    # Sent as the ``api_key`` query parameter, so every URL shown is redacted first.
    openalex_key: str | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return self.home / "cache.sqlite3"

    @property
    def locks_dir(self) -> Path:
        return self.home / "locks"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(value) or value < minimum:
        raise UsageError(f"{name} must be a finite number >= {minimum:g}, not {raw!r}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    if not raw.startswith(("http://", "https://")):
        raise UsageError(f"{name} must be an http(s) URL, not {raw!r}")
    return raw.rstrip("/") if name in {"SCHOLAR_S2_URL", "SCHOLAR_OPENALEX_URL"} else raw


def load_settings(env: Mapping[str, str] | None = None, *, debug: bool = False) -> Settings:
    """Build ``Settings`` from ``env`` (default ``os.environ``); bad values raise ``UsageError``."""
    env = os.environ if env is None else env
    home_raw = env.get("SCHOLAR_HOME", "").strip()
    home = Path(home_raw).expanduser() if home_raw else default_home()
    timeout = _number(env, "SCHOLAR_TIMEOUT", DEFAULT_TIMEOUT)
    if timeout == 0:
        raise UsageError("SCHOLAR_TIMEOUT must be greater than 0")
    attempts = int(_number(env, "SCHOLAR_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, minimum=1))
    return Settings(
        home=home,
        s2_url=_url(env, "SCHOLAR_S2_URL", DEFAULT_S2_URL),
        arxiv_url=_url(env, "SCHOLAR_ARXIV_URL", DEFAULT_ARXIV_URL),
        s2_interval=_number(env, "SCHOLAR_S2_INTERVAL", DEFAULT_S2_INTERVAL),
        arxiv_interval=_number(env, "SCHOLAR_ARXIV_INTERVAL", DEFAULT_ARXIV_INTERVAL),
        timeout=timeout,
        max_retry_time=_number(env, "SCHOLAR_MAX_RETRY_TIME", DEFAULT_MAX_RETRY_TIME),
        backoff_base=_number(env, "SCHOLAR_BACKOFF_BASE", DEFAULT_BACKOFF_BASE),
        max_attempts=attempts,
        debug=debug or env.get("SCHOLAR_DEBUG", "").strip() in {"1", "true", "yes"},
        api_key=env.get("SEMANTIC_SCHOLAR_API_KEY", "").strip() or None,
        search_ttl=_number(env, "SCHOLAR_SEARCH_TTL", DEFAULT_SEARCH_TTL),
        openalex_url=_url(env, "SCHOLAR_OPENALEX_URL", DEFAULT_OPENALEX_URL),
        openalex_interval=_number(env, "SCHOLAR_OPENALEX_INTERVAL", DEFAULT_OPENALEX_INTERVAL),
        openalex_key=env.get("OPENALEX_API_KEY", "").strip() or None,
    )
