"""scholar: author profiles and bibliometrics from Semantic Scholar and arXiv.

The package is layered (see docs/design.md): ``cli``/``commands`` parse and render,
``sync`` orchestrates, ``sources`` speak HTTP, ``cache`` speaks SQLite, and
``metrics`` is pure arithmetic.
"""

__version__ = "0.1.0"
