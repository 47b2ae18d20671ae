"""Papers: look them up, search them, and export them as BibTeX, RIS or CSL-JSON."""
