"""Inputs: files of papers and of paper references that commands read.

``scholar metrics --input`` (and ``compare --input``) read papers; ``scholar paper
--input`` reads references. One module a job:

* ``source``: open a file or standard input, with every line's length capped;
* ``columns``: which column holds what (accepted names, delimiters, ``--by``);
* ``values``: what a valid value is, and one record as ``PaperStats``;
* ``reference``: the reference parser of CSV, JSON and JSON Lines (errors name the line);
* ``table``: ``PaperTable``, the value the engines return;
* ``pandas_csv`` and ``duckdb_csv``: fast engines for big CSV files, which decline
  (hand over to ``reference``) at anything not plainly valid;
* ``read``: ``read_table``, which picks the engine;
* ``paper_refs``: the references of ``scholar paper --input``.

The format, the caps and the engines are described in docs/metrics-input.md. The
package itself imports nothing (``commands`` load it on every start): import the
module that holds what you need. Nothing here fetches, caches, computes metrics or
prints.
"""
