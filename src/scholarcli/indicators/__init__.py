"""Indicators: pure arithmetic on plain sequences or DataFrames, no I/O.

``metrics`` holds the Publish-or-Perish author metrics.
"""
