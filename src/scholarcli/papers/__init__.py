"""Papers: look up by any reference, search S2 or arXiv, list citations and references.

``lookup`` (refs to paper records), ``search`` and ``query`` (searches), ``citations``
(citing and cited papers), ``records`` (the paper record every command prints) and
``refs_input`` (reading ``--input``).
"""
