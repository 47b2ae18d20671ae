"""arXiv category codes and their human names: ``cs.CL`` -> "Computation and Language".

Pure data plus a few string functions; no I/O, no network, no imports from the rest
of the package. The table is ours, a plain literal written from arXiv's own taxonomy
(``arxiv/taxonomy/definitions.py`` in arXiv/arxiv-base, commit 0f94fa0, 2024-04-01;
see ``fixtures/arxiv/PROVENANCE.md``). ``tests/test_categories.py`` checks it against
``fixtures/arxiv/taxonomy.json`` when that file is present; this module must never
read the fixture itself.

``CATEGORY_NAMES`` maps every code arXiv defines to the name arXiv gives *that* code:
the active categories (including the active alias codes such as ``math.IT``) and the
legacy archives that old papers still carry, such as bare ``astro-ph``, ``cond-mat`` or
``cmp-lg``. arXiv-internal ``test*`` and ``bad-arch*`` entries are left out.

``ALIASES`` maps an alias or subsumed legacy archive to its canonical code, as arXiv's
``canonical_id`` does (``math.IT`` -> ``cs.IT``, ``cmp-lg`` -> ``cs.CL``). Names shown to
users are those of the canonical code (``category_name``), as arXiv's own display does:
"Information Theory (cs.IT)". Several categories share a name (``cs.LG`` and
``stat.ML`` are both "Machine Learning"), so show the code next to the name.
"""

from __future__ import annotations

import re

CATEGORY_NAMES: dict[str, str] = {
    "acc-phys": "Accelerator Physics",  # legacy archive, now physics.acc-ph
    "adap-org": "Adaptation, Noise, and Self-Organizing Systems",  # legacy archive, now nlin.AO
    "alg-geom": "Algebraic Geometry",  # legacy archive, now math.AG
    "ao-sci": "Atmospheric-Oceanic Sciences",  # legacy archive, now physics.ao-ph
    "astro-ph": "Astrophysics",  # legacy bare archive, primary until 2008-12
    "astro-ph.CO": "Cosmology and Nongalactic Astrophysics",
    "astro-ph.EP": "Earth and Planetary Astrophysics",
    "astro-ph.GA": "Astrophysics of Galaxies",
    "astro-ph.HE": "High Energy Astrophysical Phenomena",
    "astro-ph.IM": "Instrumentation and Methods for Astrophysics",
    "astro-ph.SR": "Solar and Stellar Astrophysics",
    "atom-ph": "Atomic, Molecular and Optical Physics",  # legacy archive, now physics.atom-ph
    "bayes-an": "Bayesian Analysis",  # legacy archive, now physics.data-an
    "chao-dyn": "Chaotic Dynamics",  # legacy archive, now nlin.CD
    "chem-ph": "Chemical Physics",  # legacy archive, now physics.chem-ph
    "cmp-lg": "Computation and Language",  # legacy archive, now cs.CL
    "comp-gas": "Cellular Automata and Lattice Gases",  # legacy archive, now nlin.CG
    "cond-mat": "Condensed Matter",  # legacy bare archive, primary until 2004-01
    "cond-mat.dis-nn": "Disordered Systems and Neural Networks",
    "cond-mat.mes-hall": "Mesoscale and Nanoscale Physics",
    "cond-mat.mtrl-sci": "Materials Science",
    "cond-mat.other": "Other Condensed Matter",
    "cond-mat.quant-gas": "Quantum Gases",
    "cond-mat.soft": "Soft Condensed Matter",
    "cond-mat.stat-mech": "Statistical Mechanics",
    "cond-mat.str-el": "Strongly Correlated Electrons",
    "cond-mat.supr-con": "Superconductivity",
    "cs.AI": "Artificial Intelligence",
    "cs.AR": "Hardware Architecture",
    "cs.CC": "Computational Complexity",
    "cs.CE": "Computational Engineering, Finance, and Science",
    "cs.CG": "Computational Geometry",
    "cs.CL": "Computation and Language",
    "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition",
    "cs.CY": "Computers and Society",
    "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing",
    "cs.DL": "Digital Libraries",
    "cs.DM": "Discrete Mathematics",
    "cs.DS": "Data Structures and Algorithms",
    "cs.ET": "Emerging Technologies",
    "cs.FL": "Formal Languages and Automata Theory",
    "cs.GL": "General Literature",
    "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory",
    "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval",
    "cs.IT": "Information Theory",
    "cs.LG": "Machine Learning",
    "cs.LO": "Logic in Computer Science",
    "cs.MA": "Multiagent Systems",
    "cs.MM": "Multimedia",
    "cs.MS": "Mathematical Software",
    "cs.NA": "Numerical Analysis",  # alias of math.NA
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture",
    "cs.OH": "Other Computer Science",
    "cs.OS": "Operating Systems",
    "cs.PF": "Performance",
    "cs.PL": "Programming Languages",
    "cs.RO": "Robotics",
    "cs.SC": "Symbolic Computation",
    "cs.SD": "Sound",
    "cs.SE": "Software Engineering",
    "cs.SI": "Social and Information Networks",
    "cs.SY": "Systems and Control",  # alias of eess.SY
    "dg-ga": "Differential Geometry",  # legacy archive, now math.DG
    "econ.EM": "Econometrics",
    "econ.GN": "General Economics",
    "econ.TH": "Theoretical Economics",
    "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing",
    "eess.SY": "Systems and Control",
    "funct-an": "Functional Analysis",  # legacy archive, now math.FA
    "gr-qc": "General Relativity and Quantum Cosmology",
    "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice",
    "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory",
    "math-ph": "Mathematical Physics",
    "math.AC": "Commutative Algebra",
    "math.AG": "Algebraic Geometry",
    "math.AP": "Analysis of PDEs",
    "math.AT": "Algebraic Topology",
    "math.CA": "Classical Analysis and ODEs",
    "math.CO": "Combinatorics",
    "math.CT": "Category Theory",
    "math.CV": "Complex Variables",
    "math.DG": "Differential Geometry",
    "math.DS": "Dynamical Systems",
    "math.FA": "Functional Analysis",
    "math.GM": "General Mathematics",
    "math.GN": "General Topology",
    "math.GR": "Group Theory",
    "math.GT": "Geometric Topology",
    "math.HO": "History and Overview",
    "math.IT": "Information Theory",  # alias of cs.IT
    "math.KT": "K-Theory and Homology",
    "math.LO": "Logic",
    "math.MG": "Metric Geometry",
    "math.MP": "Mathematical Physics",  # alias of math-ph
    "math.NA": "Numerical Analysis",
    "math.NT": "Number Theory",
    "math.OA": "Operator Algebras",
    "math.OC": "Optimization and Control",
    "math.PR": "Probability",
    "math.QA": "Quantum Algebra",
    "math.RA": "Rings and Algebras",
    "math.RT": "Representation Theory",
    "math.SG": "Symplectic Geometry",
    "math.SP": "Spectral Theory",
    "math.ST": "Statistics Theory",
    "mtrl-th": "Materials Theory",  # legacy archive, now cond-mat.mtrl-sci
    "nlin.AO": "Adaptation and Self-Organizing Systems",
    "nlin.CD": "Chaotic Dynamics",
    "nlin.CG": "Cellular Automata and Lattice Gases",
    "nlin.PS": "Pattern Formation and Solitons",
    "nlin.SI": "Exactly Solvable and Integrable Systems",
    "nucl-ex": "Nuclear Experiment",
    "nucl-th": "Nuclear Theory",
    "patt-sol": "Pattern Formation and Solitons",  # legacy archive, now nlin.PS
    "physics.acc-ph": "Accelerator Physics",
    "physics.ao-ph": "Atmospheric and Oceanic Physics",
    "physics.app-ph": "Applied Physics",
    "physics.atm-clus": "Atomic and Molecular Clusters",
    "physics.atom-ph": "Atomic Physics",
    "physics.bio-ph": "Biological Physics",
    "physics.chem-ph": "Chemical Physics",
    "physics.class-ph": "Classical Physics",
    "physics.comp-ph": "Computational Physics",
    "physics.data-an": "Data Analysis, Statistics and Probability",
    "physics.ed-ph": "Physics Education",
    "physics.flu-dyn": "Fluid Dynamics",
    "physics.gen-ph": "General Physics",
    "physics.geo-ph": "Geophysics",
    "physics.hist-ph": "History and Philosophy of Physics",
    "physics.ins-det": "Instrumentation and Detectors",
    "physics.med-ph": "Medical Physics",
    "physics.optics": "Optics",
    "physics.plasm-ph": "Plasma Physics",
    "physics.pop-ph": "Popular Physics",
    "physics.soc-ph": "Physics and Society",
    "physics.space-ph": "Space Physics",
    "plasm-ph": "Plasma Physics",  # legacy archive, now physics.plasm-ph
    "q-alg": "Quantum Algebra and Topology",  # legacy archive, now math.QA
    "q-bio": "Quantitative Biology",  # legacy bare archive, secondary until 2003-08
    "q-bio.BM": "Biomolecules",
    "q-bio.CB": "Cell Behavior",
    "q-bio.GN": "Genomics",
    "q-bio.MN": "Molecular Networks",
    "q-bio.NC": "Neurons and Cognition",
    "q-bio.OT": "Other Quantitative Biology",
    "q-bio.PE": "Populations and Evolution",
    "q-bio.QM": "Quantitative Methods",
    "q-bio.SC": "Subcellular Processes",
    "q-bio.TO": "Tissues and Organs",
    "q-fin.CP": "Computational Finance",
    "q-fin.EC": "Economics",  # alias of econ.GN
    "q-fin.GN": "General Finance",
    "q-fin.MF": "Mathematical Finance",
    "q-fin.PM": "Portfolio Management",
    "q-fin.PR": "Pricing of Securities",
    "q-fin.RM": "Risk Management",
    "q-fin.ST": "Statistical Finance",
    "q-fin.TR": "Trading and Market Microstructure",
    "quant-ph": "Quantum Physics",
    "solv-int": "Exactly Solvable and Integrable Systems",  # legacy archive, now nlin.SI
    "stat.AP": "Applications",
    "stat.CO": "Computation",
    "stat.ME": "Methodology",
    "stat.ML": "Machine Learning",
    "stat.OT": "Other Statistics",
    "stat.TH": "Statistics Theory",  # alias of math.ST
    "supr-con": "Superconductivity",  # legacy archive, now cond-mat.supr-con
}

ALIASES: dict[str, str] = {
    "acc-phys": "physics.acc-ph",
    "adap-org": "nlin.AO",
    "alg-geom": "math.AG",
    "ao-sci": "physics.ao-ph",
    "atom-ph": "physics.atom-ph",
    "bayes-an": "physics.data-an",
    "chao-dyn": "nlin.CD",
    "chem-ph": "physics.chem-ph",
    "cmp-lg": "cs.CL",
    "comp-gas": "nlin.CG",
    "cs.NA": "math.NA",
    "cs.SY": "eess.SY",
    "dg-ga": "math.DG",
    "funct-an": "math.FA",
    "math.IT": "cs.IT",
    "math.MP": "math-ph",
    "mtrl-th": "cond-mat.mtrl-sci",
    "patt-sol": "nlin.PS",
    "plasm-ph": "physics.plasm-ph",
    "q-alg": "math.QA",
    "q-fin.EC": "econ.GN",
    "solv-int": "nlin.SI",
    "stat.TH": "math.ST",
    "supr-con": "cond-mat.supr-con",
}

# arXiv codes are unique ignoring case, so a case-insensitive lookup is safe ("CS.cl").
_KNOWN_BY_FOLDED: dict[str, str] = {code.casefold(): code for code in (*CATEGORY_NAMES, *ALIASES)}

# Archives whose categories are "<archive>.<subject class>"; lets a category arXiv adds
# after this table was written still count as an arXiv code (it just has no name yet).
_DOTTED_ARCHIVES: frozenset[str] = frozenset(
    code.split(".", 1)[0] for code in CATEGORY_NAMES if "." in code
)
_SUBJECT_CLASS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def _new_dotted_code(code: str) -> str | None:
    """``code`` with its archive lower-cased if it has the shape of an arXiv category in
    a known archive that this table does not list yet; otherwise None."""
    archive, dot, subject = code.partition(".")
    if dot and archive.lower() in _DOTTED_ARCHIVES and _SUBJECT_CLASS.fullmatch(subject):
        return f"{archive.lower()}.{subject}"
    return None


def canonical(code: str) -> str:
    """The canonical arXiv spelling of ``code``.

    Surrounding whitespace is stripped; a known code is matched ignoring case and
    returned in arXiv's spelling (archive lower case, subject class as arXiv writes it:
    ``"CS.cl"`` -> ``"cs.CL"``, ``"Hep-Th"`` -> ``"hep-th"``), then aliases and subsumed
    archives are resolved (``"math.IT"`` -> ``"cs.IT"``, ``"cmp-lg"`` -> ``"cs.CL"``). A
    code of arXiv shape in a known archive but missing from the table only has its
    archive lower-cased. Anything else (ACM ``I.2.6``, MSC ``68T50``) comes back as
    given, stripped.
    """
    stripped = code.strip()
    known = _KNOWN_BY_FOLDED.get(stripped.casefold())
    if known is None:
        return _new_dotted_code(stripped) or stripped
    return ALIASES.get(known, known)


def category_name(code: str | None) -> str | None:
    """The name of the canonical category (``"math.IT"`` -> "Information Theory",
    ``"adap-org"`` -> "Adaptation and Self-Organizing Systems"); None for None or a
    code not in the table."""
    if code is None:
        return None
    return CATEGORY_NAMES.get(canonical(code))


def short_code(code: str | None) -> str | None:
    """The short form shown in tables: the subject class of the canonical code
    (``"cs.CL"`` -> ``"CL"``, ``"astro-ph.EP"`` -> ``"EP"``), or the whole code when
    it has none (``"hep-th"``, ``"math-ph"``, ``"astro-ph"``). None for None or blank.
    A code that is not an arXiv category is returned stripped, not cut apart."""
    if code is None:
        return None
    resolved = canonical(code)
    if not resolved:
        return None
    if not is_arxiv_category(resolved):
        return resolved
    return resolved.partition(".")[2] or resolved


def is_arxiv_category(code: str) -> bool:
    """True for an arXiv category code, alias or legacy archive (any case, padded or
    not), and for a not-yet-tabled ``<known archive>.<subject>`` code; False for the
    ACM (``I.2.6``), MSC (``68T50``, ``53C``) and other codes that arXiv listings mix
    into their category terms."""
    resolved = canonical(code)
    return resolved in CATEGORY_NAMES or _new_dotted_code(resolved) is not None
