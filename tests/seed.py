"""The reference profile scholar is modelled on (Du-Seong Chang) as test-double data.

Nine papers with the reference's titles, first authors, arXiv v1 dates,
categories and Code flags. Citation counts are ours: they give h-index 5 and 753
citations (300 + 200 + 120 + 80 + 40 + 5 + 4 + 3 + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

AUTHOR_ID = "2112233445"
NAME = "Du-Seong Chang"


@dataclass(frozen=True)
class SeedPaper:
    paper_id: str
    arxiv_id: str
    title: str
    first_authors: tuple[str, str, str]
    published: str  # arXiv v1
    category: str
    citations: int
    code_url: str | None
    comment: str | None = None
    s2_date: str | None = None  # S2's publicationDate where it differs from arXiv v1
    s2_abstract: bool = True


PAPERS: tuple[SeedPaper, ...] = (
    SeedPaper(
        "a" * 40,
        "2308.06744",
        "Token-Scaled Logit Distillation for Ternary Weight Generative Language Models",
        ("Minsoo Kim", "Sihwa Lee", "Janghwan Lee"),
        "2023-08-13",
        "cs.CL",
        40,
        "https://github.com/aiha-lab/TSLD",
        s2_date="2023-12-10",
    ),
    SeedPaper(
        "b" * 40,
        "2302.01530",
        "Revisiting Intermediate Layer Distillation for Compressing Language Models: "
        "An Overfitting Perspective",
        ("Jongwoo Ko", "Seungjoon Park", "Minchan Jeong"),
        "2023-02-03",
        "cs.CL",
        80,
        "https://github.com/jongwooko/CR-ILD",
        s2_abstract=False,
    ),
    SeedPaper(
        "c" * 40,
        "2211.11014",
        "Understanding and Improving Knowledge Distillation for Quantization-Aware "
        "Training of Large Transformer Encoders",
        ("Minsoo Kim", "Sihwa Lee", "Sukjin Hong"),
        "2022-11-20",
        "cs.CL",
        5,
        "https://github.com/MarsJacobs/kd-qat-large-enc",
        comment="EMNLP 2022 Main. Code: https://github.com/MarsJacobs/kd-qat-large-enc.",
    ),
    SeedPaper(
        "d" * 40,
        "2310.10054",
        "NASH: A Simple Unified Framework of Structured Pruning for Accelerating "
        "Encoder-Decoder Language Models",
        ("Jongwoo Ko", "Seungjoon Park", "Yujin Kim"),
        "2023-10-16",
        "cs.CL",
        120,
        "https://github.com/jongwooko/NASH-Pruning-Official",
        comment="EMNLP 2023 Findings (https://github.com/jongwooko/NASH-Pruning-Official)",
    ),
    SeedPaper(
        "e" * 40,
        "2404.00930",
        "PSYDIAL: Personality-based Synthetic Dialogue Generation using Large Language Models",
        ("Ji-Eun Han", "Jun-Seok Koh", "Hyeon-Tae Seo"),
        "2024-04-01",
        "cs.CL",
        4,
        "https://github.com/jiSilverH/psydial",
    ),
    SeedPaper(
        "f" * 40,
        "2406.16469",
        "Evaluating Visual and Cultural Interpretation: The K-Viscuit Benchmark with "
        "Human-VLM Collaboration",
        ("ChaeHun Park", "Yujin Baek", "Jaeseok Kim"),
        "2024-06-24",
        "cs.CL",
        3,
        "https://huggingface.co/datasets/ddehun/k-viscuit",
    ),
    SeedPaper(
        "0" * 40,
        "2403.10225",
        "ExeGPT: Constraint-Aware Resource Scheduling for LLM Inference",
        ("Hyungjun Oh", "Kihong Kim", "Jaemin Kim"),
        "2024-03-15",
        "cs.DC",
        1,
        None,
        comment="Accepted to ASPLOS 2024",
    ),
    SeedPaper(
        "1" * 40,
        "2406.16758",
        "Towards Fast Multilingual LLM Inference: Speculative Decoding and Specialized Drafters",
        ("Euiin Yi", "Taehyeon Kim", "Hongseok Jeung"),
        "2024-06-24",
        "cs.CL",
        200,
        "https://github.com/Kthyeon/Multilingual-SpecBench",
        comment="Code at https://github.com/Kthyeon/Multilingual-SpecBench.",
    ),
    SeedPaper(
        "2" * 40,
        "2406.11813",
        "How Do Large Language Models Acquire Factual Knowledge During Pretraining?",
        ("Hoyeon Chang", "Jinho Park", "Seonghyeon Ye"),
        "2024-06-17",
        "cs.CL",
        300,
        "https://github.com/kaistAI/factual-knowledge-acquisition",
        comment="https://github.com/kaistAI/factual-knowledge-acquisition;",
    ),
)

CITATIONS = sum(p.citations for p in PAPERS)
assert CITATIONS == 753


def abstract(paper: SeedPaper) -> str:
    text = f"We study {paper.title.lower()}."
    if paper.code_url and not paper.comment:
        text += f" Our code is available at {paper.code_url}."
    return text


def load(double, *, author_id: str = AUTHOR_ID, name: str = NAME) -> None:  # type: ignore[no-untyped-def]
    """Put the seed author, their nine papers and the arXiv entries into the double."""
    double.add_author(author_id, name, affiliations=["KT Corporation"])
    for paper in PAPERS:
        authors = [(None, n) for n in paper.first_authors] + [
            (None, "Another Author"),
            (author_id, name),
        ]
        double.add_paper(
            paper.paper_id,
            title=paper.title,
            year=int(paper.published[:4]),
            publication_date=paper.s2_date or paper.published,
            venue="arXiv.org",
            authors=authors,
            citation_count=paper.citations,
            arxiv_id=paper.arxiv_id,
            doi=f"10.48550/arXiv.{paper.arxiv_id}",
            abstract=abstract(paper) if paper.s2_abstract else None,
        )
        double.add_arxiv(
            paper.arxiv_id,
            title=paper.title,
            abstract=abstract(paper),
            authors=[a for _, a in authors],
            published=paper.published,
            primary_category=paper.category,
            categories=[paper.category, "cs.AI"],
            comment=paper.comment,
        )


# The README's world: the seed author and a second, made-up person to compare with.
OTHER_ID = "600"
OTHER_NAME = "Jane Doe"
OTHER_PAPERS = ((900, 2015), (20, 2018), (2, 2025))  # (citations, year)


def load_world(double) -> None:  # type: ignore[no-untyped-def]
    """The double as every README example sees it (tests/test_readme_examples.py)."""
    # The double spreads citations over the years up to "now"; fixed, so the examples'
    # per-year numbers do not move on New Year's Day.
    double.store.current_year = 2026
    load(double)
    double.add_author(OTHER_ID, OTHER_NAME, affiliations=["University of Examples"])
    for n, (citations, year) in enumerate(OTHER_PAPERS):
        double.add_paper(
            f"{0xE0 + n:02x}" * 20,  # ids apart from the seed papers
            title=f"A paper of {year} by {OTHER_NAME}",
            year=year,
            publication_date=f"{year}-03-01",
            venue="Journal of Examples",
            authors=[(OTHER_ID, OTHER_NAME), (None, "Ann Other")][: 1 + n % 2],
            citation_count=citations,
        )
