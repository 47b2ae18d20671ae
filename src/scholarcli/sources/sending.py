"""Tells the rate limiter the moment a request has left: its bytes are on the socket.

A limiter that only *reserves* start slots cannot keep requests apart: a process
descheduled between its slot and its send arrives late and bunches with the next
one (issue #21: slots 0.2 s apart, arrivals 0.046 s apart, 429s from a strict
server). So ``sources.http`` holds the slot's lock until the request is sent, and
this module says when that is: a requests adapter whose urllib3 connections call
the callback set by ``on_sent`` right after the request is written, before the
response is awaited. A session without this adapter simply reports nothing; the
limiter then treats the end of the whole request as its start (slower, still safe).

It must not know any source, limit or retry policy.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_pending = threading.local()


@contextlib.contextmanager
def on_sent(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` once, when this thread's next request has been written."""
    _pending.callback = callback
    try:
        yield
    finally:
        _pending.callback = None


def _sent() -> None:
    callback = getattr(_pending, "callback", None)
    if callback is not None:
        _pending.callback = None
        callback()


class _SentHTTPConnection(HTTPConnection):
    def getresponse(self) -> Any:
        _sent()  # urllib3 asks for the response only once the request is written
        return super().getresponse()


class _SentHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        _sent()
        return super().getresponse()


class _SentHTTPPool(HTTPConnectionPool):
    ConnectionCls = _SentHTTPConnection


class _SentHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _SentHTTPSConnection


_POOLS = {"http": _SentHTTPPool, "https": _SentHTTPSPool}


class SentAdapter(HTTPAdapter):
    """requests' adapter, with connections that report when a request has been sent."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
