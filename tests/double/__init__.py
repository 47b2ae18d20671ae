"""Loopback test double of the Semantic Scholar Graph API and the arXiv export API.

Start an `ApiDouble`, point `SCHOLAR_S2_URL` / `SCHOLAR_ARXIV_URL` at its `s2_url` /
`arxiv_url`, fill it with `add_author` / `add_paper` / `add_arxiv` (or
`populate_synthetic`), inject faults with `inject`, and inspect `requests`. It serves
127.0.0.1 only and never talks to the real services. Pytest users get the
`api_double` fixture from `double.pytest_plugin`.
"""

from .server import ApiDouble, RecordedRequest

__all__ = ["ApiDouble", "RecordedRequest"]
