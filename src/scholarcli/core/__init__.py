"""What every capability shares: the run context, freshness, the reporter, the clock, names.

Capabilities (``profile/``, ``papers/``, ``novelty/``, ``tracking/``, ``report/``,
``datasets/``) take these from here and never from one another (docs/design.md,
"Layers"). Nothing here parses options or prints.
"""

from __future__ import annotations

from scholarcli.core.clock import utcnow
from scholarcli.core.context import OFFLINE_HINT, Context
from scholarcli.core.freshness import DEFAULT_MAX_AGE, Freshness
from scholarcli.core.names import fold_name, is_bare_surname, natural_order
from scholarcli.core.reporter import QuietReporter, Reporter

__all__ = [
    "DEFAULT_MAX_AGE",
    "OFFLINE_HINT",
    "Context",
    "Freshness",
    "QuietReporter",
    "Reporter",
    "fold_name",
    "is_bare_surname",
    "natural_order",
    "utcnow",
]
