"""The clock: now, in UTC, to the second (what the cache stores as ``fetched_at``)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
