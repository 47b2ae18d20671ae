"""Fault injection for the double: queued, per-route failures a test asks for.

`inject(route, fault, times=...)` queues a fault; each matching request consumes one,
then the route behaves normally again. Faults are either *answers* (429, 5xx, 403,
malformed or bomb bodies: built here) or *delivery* faults the server carries out
itself (slow, truncated, reset) or route variants (empty_page). Bodies follow the
real services (docs/sources.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from . import arxiv_routes, s2_routes
from .atom import billion_laughs_feed, malformed_feed
from .responses import (
    HTML_TYPE,
    JSON_TYPE,
    Response,
    plain,
    s2_forbidden,
    s2_gateway_error,
    s2_too_many_requests,
)

FAULT_KINDS = frozenset(
    {
        "429",
        "5xx",
        "retry_after",
        "slow",
        "truncated",
        "malformed",
        "empty_page",
        "reset",
        "billion_laughs",
        "403",
    }
)
ROUTE_NAMES = s2_routes.ROUTE_NAMES | arxiv_routes.ROUTE_NAMES
PAGINATED = frozenset(r.name for r in s2_routes.ROUTES + arxiv_routes.ROUTES if r.paginated)
DELIVERY_FAULTS = frozenset({"slow", "truncated", "reset", "empty_page"})
CYCLE_5XX = (500, 502, 503, 504)
S2_MALFORMED = b'{"offset": 0, "next": 100, "data": [{"paperId": "649def34f8be52c8b662'


def supports(route: str, kind: str) -> bool:
    """Whether `kind` makes sense on `route` (bombs are XML, empty pages need paging)."""
    if kind == "billion_laughs":
        return route.startswith("arxiv.")
    if kind == "empty_page":
        return route in PAGINATED
    return True


@dataclass
class Fault:
    """One queued injection; `remaining` counts down as requests consume it."""

    route: str
    kind: str
    remaining: int
    delay: float
    status: int | None
    served: int = 0


@dataclass(frozen=True)
class Shot:
    """What one request got from the queue: the fault kind and its parameters."""

    kind: str
    delay: float
    status: int | None


class FaultQueue:
    """Thread-safe FIFO of faults, matched by exact route name or `*`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, route: str, kind: str, *, times: int, delay: float, status: int | None) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if route != "*" and route not in ROUTE_NAMES:
            raise ValueError(f"unknown route {route!r}; expected '*' or {sorted(ROUTE_NAMES)}")
        if route != "*" and not supports(route, kind):
            raise ValueError(f"fault {kind!r} does not apply to route {route!r}")
        if times < 1:
            raise ValueError("times must be >= 1")
        if delay < 0:
            raise ValueError("delay must be >= 0")
        if status is not None and (kind != "5xx" or not 500 <= status <= 599):
            raise ValueError("status is only for the '5xx' fault and must be 500-599")
        with self._lock:
            self._faults.append(Fault(route, kind, times, delay, status))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, route: str) -> Shot | None:
        """Consume the oldest fault that applies to `route`, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.route in (route, "*") and supports(route, fault.kind):
                    status = fault.status
                    if fault.kind == "5xx" and status is None:
                        status = CYCLE_5XX[fault.served % len(CYCLE_5XX)]
                    fault.served += 1
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return Shot(fault.kind, fault.delay, status)
        return None


def _retry_after_value(delay: float) -> str:
    # RFC 9110 wants whole seconds; fractions are kept so tests can stay fast.
    return str(int(delay)) if float(delay).is_integer() else repr(delay)


def answer(shot: Shot, source: str) -> Response | None:
    """The response replacing the normal one, or None for delivery/route faults."""
    if shot.kind in DELIVERY_FAULTS:
        return None
    s2 = source == "s2"
    if shot.kind == "429":
        return s2_too_many_requests() if s2 else plain(429, "Rate exceeded.\n")
    if shot.kind == "retry_after":
        value = _retry_after_value(shot.delay)
        if s2:
            return s2_too_many_requests(retry_after=value)
        response = plain(429, "Rate exceeded.\n")
        response.headers.append(("Retry-After", value))
        return response
    if shot.kind == "5xx":
        status = shot.status or 500
        if s2:
            return s2_gateway_error(status)
        return plain(status, f"{status} Service Unavailable\n")
    if shot.kind == "403":
        if s2:
            return s2_forbidden()
        return plain(403, "<html><body><h1>Access Denied</h1></body></html>\n", HTML_TYPE)
    if shot.kind == "malformed":
        if s2:
            return Response(200, S2_MALFORMED, JSON_TYPE)
        return Response(200, malformed_feed().encode("utf-8"), arxiv_routes.ATOM_TYPE)
    if shot.kind == "billion_laughs":
        return Response(200, billion_laughs_feed().encode("utf-8"), arxiv_routes.ATOM_TYPE)
    raise AssertionError(shot.kind)
