"""The request value route functions receive, and the route-table entry type.

Shared by `s2_routes` and `arxiv_routes` so both route modules stay free of sockets:
the server parses the HTTP request into a `Call`, picks a `Route`, and writes back
whatever `Response` the route returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .responses import Response
from .store import Store


@dataclass
class Call:
    """One parsed request as a route sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]
    store: Store
    seed: int = 0
    empty_page: bool = False
    params: tuple[str, ...] = field(default_factory=tuple)

    def arg(self, name: str) -> str | None:
        """Last value of a query parameter, or None when absent."""
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class Route:
    """A method + path pattern bound to a fault-injection name and a handler."""

    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Callable[[Call], Response]
    paginated: bool = False


def find_route(routes: list[Route], method: str, path: str) -> tuple[Route, tuple[str, ...]] | None:
    """The first route whose method and full-path pattern match, with its groups."""
    for route in routes:
        match = route.pattern.fullmatch(path)
        if match and route.method == method:
            return route, match.groups()
    return None
