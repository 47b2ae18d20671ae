"""Papers: look up by any reference, search S2 or arXiv, list citations and references.

``lookup`` (refs to paper records), ``search`` and ``query`` (searches), ``citations``
(citing and cited papers) and ``records`` (the paper record every command prints).
Reading ``--input`` is ``scholarcli.inputs.paper_refs``.
"""
