"""The author profile: resolve a person, fetch and merge their papers, compute their metrics.

``sync`` decides when to ask a source, ``merge`` (pure) joins S2 and arXiv records into
profile rows, ``analysis`` builds metrics for many people, comparisons and coauthors.
"""
