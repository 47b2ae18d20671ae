"""The HTML report: one self-contained page of profiles, charts and paper tables.

``data`` gathers what a page shows (through ``profile.sync`` and ``profile.analysis``,
exactly as ``scholar author`` does), ``charts`` draws it with matplotlib as inline SVG,
``html`` fills the Jinja2 template under ``templates/``. matplotlib and jinja2 come from
the optional ``report`` extra and are imported only inside the functions that use them.
"""
