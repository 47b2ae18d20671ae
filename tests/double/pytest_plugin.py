"""Pytest plugin providing the `api_double` fixture (load with `pytest_plugins`).

Function-scoped: every test gets a fresh, started `ApiDouble` with an empty store,
request log and fault queue, stopped after the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import ApiDouble


@pytest.fixture
def api_double() -> Iterator[ApiDouble]:
    """A started loopback double of Semantic Scholar + arXiv, stopped after the test."""
    double = ApiDouble(seed=0).start()
    try:
        yield double
    finally:
        double.stop()
