"""``scholar author NAME --chart``: column charts of citations and papers per year."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import seed
from scholarcli import render
from scholarcli.cli import app

AS_OF = "2026-11-27"


def test_chart_in_a_pipe_is_plain_text(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["author", seed.NAME, "--chart", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # The table view although stdout is not a terminal, in ASCII and without escapes.
    assert out.isascii() is False  # the header panel keeps its frame ...
    charts = out.split("Citations per year (by the citing paper's year)\n", 1)[1]
    charts = charts.split("\n9 Papers", 1)[0]
    assert charts.isascii() and "\x1b" not in out  # ... the charts are plain ASCII
    assert "Papers per year\n" in charts
    per_year = json.loads(
        runner.invoke(app, ["author", seed.NAME, "--chart", "-f", "json", "--as-of", AS_OF]).stdout
    )["per_year"]
    cited, published = charts.split("Papers per year\n")
    # The y axis tops out at the largest count; the x axis spans the years.
    assert cited.splitlines()[0].startswith(f"{max(r['citations'] for r in per_year):,} |")
    assert published.splitlines()[0].startswith(f"{max(r['papers'] for r in per_year)} |")
    first, last = per_year[0]["year"], per_year[-1]["year"]
    assert f"{first}-{last}" in cited and f"{first}-{last}" in published
    # Every year with papers has a column, every year without none: count the #s per column.
    bars = [line.split("|", 1)[1] for line in published.splitlines() if "|" in line]
    for index, row in enumerate(per_year):
        column = [line[index * 3 : index * 3 + 2] for line in bars]
        assert (sum(cell == "##" for cell in column) > 0) == (row["papers"] > 0), row


def test_chart_with_csv_is_a_usage_error(runner: CliRunner, seeded) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["author", seed.NAME, "--chart", "-f", "csv"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --chart draws charts, which -f csv cannot carry")
    assert seeded.count() == 0


def test_column_chart_on_a_terminal_draws_eighths() -> None:
    env = render.OutputEnv(stdout_isatty=True, stderr_isatty=True, color=False)
    text = render.year_charts(
        [
            {"year": 2020, "papers": 1, "citations": 0},
            {"year": 2021, "papers": 0, "citations": 16},
            {"year": 2022, "papers": 2, "citations": 1},
        ],
        env,
        80,
    )
    cited = text.split("Papers per year")[0].splitlines()
    assert cited[1] == "16 |   ██"  # the top row: only 2021 reaches it
    # 1 of 16 over 8 rows is half of the lowest cell.
    assert cited[8] == "   |   ██ ▄▄"
    low = render.column_chart("t", [(2020, 1), (2021, 100)], plain=False)
    assert low.splitlines()[8] == "    |▁▁ ██"  # 1 of 100 rounds to nothing, shown anyway
    assert "#" not in text


def test_column_chart_narrows_columns_to_fit() -> None:
    points = [(1990 + i, i) for i in range(40)]
    text = render.column_chart("t", points, width=60, plain=True)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert text.splitlines()[-1].strip() == "1990-2029"
