"""arXiv export API route of the double (`GET`/`POST /api/query`).

Models arXiv as docs/sources.md describes it: `id_list` (new and old-style ids, with or
without version), `search_query` (field terms such as `au:"First Last"`, AND/OR/ANDNOT,
parentheses), `start`, `max_results` (default 10, which silently truncates an id_list),
sorting, the 400 Atom error feed for malformed ids and parameters, unknown but
well-formed ids silently dropped, and id_list results in a shuffled order (seeded,
never the request order) so clients must match entries by id.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from .atom import render_error, render_feed
from .responses import ATOM_TYPE, ApiError, Response
from .routing import Call, Route, find_route
from .store import ArxivEntry, fold, name_tokens

ARXIV_ID = re.compile(
    r"(?P<base>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v(?P<version>\d*))?"
)
SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
SORT_ORDER = ("ascending", "descending")
FIELD_PREFIXES = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all")
# `submittedDate:[YYYYMMDDTTTT TO YYYYMMDDTTTT]` (GMT, inclusive, partial dates padded)
# matches the v1 `<published>` time; `lastUpdatedDate:` is an alias (arXiv's search
# service code).
DATE_FIELDS = ("submittedDate", "lastUpdatedDate")
DATE_RANGE = re.compile(r"\[(\d{4,12})\s+TO\s+(\d{4,12})\]")


def atom_error(message: str) -> ApiError:
    return ApiError(Response(400, render_error(message).encode("utf-8"), ATOM_TYPE))


# ------------------------------------------------------------- search_query
@dataclass(frozen=True)
class Term:
    """`field:value`; `phrase` when the value was quoted."""

    field: str
    value: str
    phrase: bool

    def show(self) -> str:
        return f'{self.field}:"{self.value}"' if self.phrase else f"{self.field}:{self.value}"


Node = Term | tuple[str, "Node", "Node"] | tuple[str, "Node"]
_TOKEN = re.compile(
    r'\s*(\(|\)|(?:submittedDate|lastUpdatedDate):\[[^\]]*\]|[A-Za-z]+:"[^"]*"|"[^"]*"|[^\s()]+)'
)


def parse_search_query(raw: str) -> Node:
    """Parse the documented syntax; AND/ANDNOT bind tighter than OR, juxtaposition is OR."""
    tokens = _TOKEN.findall(raw)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def atom() -> Node:
        token = peek()
        if token is None or token in (")", "AND", "OR", "ANDNOT"):
            raise ValueError(raw)
        take()
        if token == "(":
            inner = or_expr()
            if peek() != ")":
                raise ValueError(raw)
            take()
            return ("group", inner)
        field, colon, value = token.partition(":")
        if field in DATE_FIELDS:
            if not DATE_RANGE.fullmatch(value):
                raise ValueError(raw)
            return Term("submittedDate", value, False)
        if not colon:
            field, value = "all", token
        if field not in FIELD_PREFIXES or not value:
            raise ValueError(raw)
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            return Term(field, value[1:-1], True)
        return Term(field, value, False)

    def and_expr() -> Node:
        node = atom()
        while peek() in ("AND", "ANDNOT"):
            node = (take(), node, atom())
        return node

    def or_expr() -> Node:
        node = and_expr()
        while peek() is not None and peek() != ")":
            if peek() == "OR":
                take()
            node = ("OR", node, and_expr())
        return node

    if not tokens:
        raise ValueError(raw)
    tree = or_expr()
    if position != len(tokens):
        raise ValueError(raw)
    return tree


def show_query(node: Node) -> str:
    """The normalised query the feed title echoes (`testing` -> `all:testing`)."""
    if isinstance(node, Term):
        return node.show()
    if node[0] == "group":
        return f"({show_query(node[1])})"
    op, left, right = node  # type: ignore[misc]
    return f"{show_query(left)} {op} {show_query(right)}"


def _word_match(words: list[str], haystack: list[str]) -> bool:
    """Phrase words in order (gaps allowed); a trailing `*` matches a prefix."""
    position = 0
    for word in words:
        prefix = word.endswith("*")
        stem = word.rstrip("*")
        while position < len(haystack):
            candidate = haystack[position]
            position += 1
            if candidate == stem or (prefix and candidate.startswith(stem)):
                break
        else:
            return False
    return True


def _text_match(term: Term, text: str | None, *, names: bool = False) -> bool:
    if not text:
        return False
    words = name_tokens(term.value.replace("_", " ")) if names else name_tokens(term.value)
    if term.value.endswith("*") and words:
        words[-1] += "*"
    haystack = name_tokens(text)
    if term.phrase and not names:
        joined = " ".join(haystack)
        return f" {' '.join(words)} " in f" {joined} "
    return bool(words) and _word_match(words, haystack)


def _term_matches(term: Term, entry: ArxivEntry) -> bool:
    checks: dict[str, Callable[[], bool]] = {
        "ti": lambda: _text_match(term, entry.title),
        "abs": lambda: _text_match(term, entry.abstract),
        "co": lambda: _text_match(term, entry.comment),
        "jr": lambda: _text_match(term, entry.journal_ref),
        "au": lambda: any(_text_match(term, name, names=True) for name in entry.authors),
        "cat": lambda: any(
            fold(c) == fold(term.value)
            or (term.value.endswith("*") and fold(c).startswith(fold(term.value[:-1])))
            for c in entry.categories
        ),
        "id": lambda: entry.arxiv_id == term.value,
        "submittedDate": lambda: _submitted_in(term.value, entry.published),
        "rn": lambda: False,
    }
    if term.field == "all":
        return any(checks[f]() for f in ("ti", "abs", "co", "jr", "au"))
    return checks[term.field]()


def _submitted_in(value: str, published: str) -> bool:
    """Is the v1 time (`2023-08-13T05:21:38Z`) inside `[YYYYMMDDTTTT TO YYYYMMDDTTTT]`?"""
    match = DATE_RANGE.fullmatch(value)
    if match is None:
        return False
    low = match.group(1).ljust(12, "0")
    high = match.group(2).ljust(12, "9")
    when = re.sub(r"\D", "", published)[:12]
    return low <= when <= high


def matches(node: Node, entry: ArxivEntry) -> bool:
    if isinstance(node, Term):
        return _term_matches(node, entry)
    if node[0] == "group":
        return matches(node[1], entry)
    op, left, right = node  # type: ignore[misc]
    if op == "AND":
        return matches(left, entry) and matches(right, entry)
    if op == "ANDNOT":
        return matches(left, entry) and not matches(right, entry)
    return matches(left, entry) or matches(right, entry)


# -------------------------------------------------------------------- route
def _params(call: Call) -> dict[str, list[str]]:
    """URL query plus, for POST, the form body (same parameters, arxiv.py PR #209)."""
    merged = {key: list(values) for key, values in call.query.items()}
    if call.method == "POST" and call.body:
        form = parse_qs(call.body.decode("utf-8", "replace"), keep_blank_values=True)
        for key, values in form.items():
            merged.setdefault(key, []).extend(values)
    return merged


def _int_param(params: dict[str, list[str]], name: str, default: int) -> int:
    raw = (params.get(name) or [""])[-1].strip()
    if raw == "":
        return default
    if not re.fullmatch(r"-?\d+", raw):
        raise atom_error(f"{name} must be an integer")
    value = int(raw)
    if value < 0:
        raise atom_error(f"{name} must be non-negative")
    return value


def _shuffled(page: list[tuple[ArxivEntry, int]], seed: str) -> list[tuple[ArxivEntry, int]]:
    """Seeded shuffle that never returns the input order when there are 2+ entries."""
    shuffled = list(page)
    random.Random(seed).shuffle(shuffled)
    if len(shuffled) > 1 and shuffled == page:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def query(call: Call) -> Response:
    params = _params(call)
    start = _int_param(params, "start", 0)
    max_results = _int_param(params, "max_results", 10)
    sort_by = (params.get("sortBy") or ["relevance"])[-1] or "relevance"
    sort_order = (params.get("sortOrder") or ["descending"])[-1] or "descending"
    if sort_by not in SORT_BY:
        raise atom_error(f"sortBy must be in: {', '.join(SORT_BY)}")
    if sort_order not in SORT_ORDER:
        raise atom_error(f"sortOrder must be in: {', '.join(SORT_ORDER)}")
    raw_ids = [i.strip() for i in ",".join(params.get("id_list") or []).split(",") if i.strip()]
    requested: list[tuple[str, int | None]] = []
    for ident in raw_ids:
        match = ARXIV_ID.fullmatch(ident)
        if match is None:
            raise atom_error(f"incorrect id format for {ident}")
        version = match.group("version")
        requested.append((match.group("base"), int(version) if version else None))
    raw_query = " ".join(q for q in params.get("search_query") or [] if q.strip()).strip()
    tree: Node | None = None
    if raw_query:
        try:
            tree = parse_search_query(raw_query)
        except ValueError:
            raise atom_error(f"Invalid search_query: {raw_query}") from None
    if tree is None and not requested:
        raise atom_error("Either a search_query or id_list must be specified for the classic API.")

    with call.store.lock:
        if requested:
            found: list[tuple[ArxivEntry, int]] = []
            seen: set[tuple[str, int]] = set()  # a set: id lists can be long
            for base, version in requested:
                entry = call.store.arxiv.get(base)
                wanted = version or (entry.version if entry else 0)
                if entry is None or not 1 <= wanted <= entry.version:
                    continue  # well-formed but unknown: silently dropped (§1.5)
                if (base, wanted) not in seen and (tree is None or matches(tree, entry)):
                    seen.add((base, wanted))
                    found.append((entry, wanted))
            page = found[start : start + max_results]
            page = _shuffled(page, f"{call.seed}:{','.join(raw_ids)}:{start}")
        else:
            assert tree is not None
            hits = [e for e in call.store.arxiv.values() if matches(tree, e)]
            if sort_by == "relevance":
                hits.sort(key=lambda e: e.seq)
            else:
                key = "published" if sort_by == "submittedDate" else "updated"
                hits.sort(key=lambda e: getattr(e, key), reverse=sort_order == "descending")
            found = [(e, e.version) for e in hits]
            page = found[start : start + max_results]
    body = render_feed(
        search_query=show_query(tree) if tree is not None else "",
        id_list=",".join(raw_ids),
        start=start,
        max_results=max_results,
        total=len(found),
        entries=[] if call.empty_page else page,
    )
    return Response(200, body.encode("utf-8"), ATOM_TYPE)


ROUTES = [
    Route("GET", re.compile(r"/api/query"), "arxiv.query", query, True),
    Route("POST", re.compile(r"/api/query"), "arxiv.query", query, True),
]
ROUTE_NAMES = frozenset(r.name for r in ROUTES)


def not_found(call: Call) -> Response:
    return Response(404, b"Not Found\n", "text/plain; charset=utf-8")


UNKNOWN = Route("*", re.compile(r".*"), "arxiv.unknown", not_found)


def resolve(method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    """The arXiv route for a full path starting with `/api` (a 404 when none matches)."""
    return find_route(ROUTES, method, path) or (UNKNOWN, ())
