"""HTTP response values and the exact body shapes both services use.

The route modules build `Response` objects; only `server.py` writes them to a socket.
Body formats are copied from real recordings (see docs/sources.md, Semantic Scholar's quirks):
everything the S2 backend answers ends with a newline (success bodies are `json.dumps`
with its default `", "` separators, application errors (400/404) compact
`{"error":"..."}`), while API-Gateway errors (403/429/5xx) are `{"message": ...}` with
no newline (FIX test_empty_paginated_results: Content-Length 26 for a 25-character
object; test_debug: 23 for `{"message":"Forbidden"}`). Nothing here may do I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

S2_TOO_MANY_REQUESTS = (
    "Too Many Requests. Please wait and try again or apply for a key for higher rate "
    "limits. https://www.semanticscholar.org/product/api#api-key-form"
)


@dataclass
class Response:
    """One HTTP answer: status, body bytes, content type and any extra headers."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)


class ApiError(Exception):
    """Raised by route code to answer with a ready-made error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def s2_json(payload: Any, status: int = 200) -> Response:
    """A successful S2 body, serialised the way the real API does (ASCII, `", "`, newline)."""
    return Response(status, (json.dumps(payload) + "\n").encode("ascii"))


def s2_error(status: int, message: str) -> Response:
    """S2 application error (400/404): compact JSON and a trailing newline, as recorded."""
    body = json.dumps({"error": message}, separators=(",", ":")) + "\n"
    return Response(status, body.encode("ascii"))


def s2_too_many_requests(retry_after: str | None = None) -> Response:
    """The real 429: gateway body with `"code": "429"`, no Retry-After unless asked."""
    body = json.dumps({"message": S2_TOO_MANY_REQUESTS, "code": "429"})
    headers = [("x-amzn-ErrorType", "TooManyRequestsException")]
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    return Response(429, body.encode("ascii"), JSON_TYPE, headers)


def s2_forbidden() -> Response:
    """What an invalid or pruned API key gets (FIX test_debug.yaml)."""
    return Response(
        403,
        b'{"message":"Forbidden"}',
        JSON_TYPE,
        [("x-amzn-ErrorType", "ForbiddenException")],
    )


def s2_missing_route() -> Response:
    """API Gateway's answer for a path or method that matches no resource."""
    return Response(
        403,
        b'{"message":"Missing Authentication Token"}',
        JSON_TYPE,
        [("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
    )


GATEWAY_MESSAGES = {
    500: "Internal server error",
    502: "Network error communicating with endpoint",
    503: "Service Unavailable",
    504: "Endpoint request timed out",
}


def s2_gateway_error(status: int) -> Response:
    """An API-Gateway 5xx body such as `{"message": "Endpoint request timed out"}`."""
    message = GATEWAY_MESSAGES.get(status, "Internal server error")
    return Response(status, json.dumps({"message": message}).encode("ascii"))


def plain(status: int, text: str, content_type: str = TEXT_TYPE) -> Response:
    """A plain-text (or HTML) body, used for arXiv's non-Atom failures."""
    return Response(status, text.encode("utf-8"), content_type)
