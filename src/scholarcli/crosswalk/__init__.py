"""Crosswalk: one person and their papers across sources (docs/sources.md).

``orcid`` checks an ORCID iD; ``match`` pairs the papers of two sources (pure);
``sides`` turns the pairs into the side-by-side view and its disagreements (pure);
``identity`` finds a person's Semantic Scholar ids from their ORCID works (pure
counting; the batch lookups are done by ``lookup``). Nothing here prints.
"""
