"""Make the seed author's report and a screenshot of it: docs/report.png for the README.

The report is made by `scholar report` against the project's loopback test double,
seeded with tests/seed.py (the seed author), and
photographed by tests/report_browser.py, the same code that opens it in the browser
tests: headless Debian Chromium driven by Playwright, every request but the page's own
refused, and a failure if the page logs an error or tries to fetch anything.

Run: `python benchmarks/report_screenshot.py [--out docs/report.png] [--html PATH]
[--width 1280] [--height 1480] [--dark]` (needs `pip install -e ".[test]"` and /usr/bin/chromium).
Nothing here reaches a real API: every URL points at 127.0.0.1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

AS_OF = "2026-11-27"  # fixed, so the page shows the same ages and scores on every run


def make_report(html: Path, names: list[str], home: Path) -> None:
    """`scholar report NAMES -o html` against a seeded loopback double."""
    from typer.testing import CliRunner

    import seed
    from double import ApiDouble
    from scholarcli.cli import app

    double = ApiDouble(seed=0).start()
    try:
        seed.load(double)
        env = {
            "SCHOLAR_HOME": str(home),
            "SCHOLAR_S2_URL": double.s2_url,
            "SCHOLAR_ARXIV_URL": double.arxiv_url,
            "SCHOLAR_S2_INTERVAL": "0",
            "SCHOLAR_ARXIV_INTERVAL": "0",
            "NO_COLOR": "1",
        }
        result = CliRunner().invoke(
            app, ["report", *names, "--as-of", AS_OF, "-o", str(html)], env=env
        )
        if result.exit_code != 0:
            raise SystemExit(f"scholar report failed ({result.exit_code}): {result.stderr}")
    finally:
        double.stop()


def main() -> None:
    import report_browser
    import seed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report.png")
    parser.add_argument("--html", type=Path, help="also keep the HTML page here")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument(
        "--height", type=int, default=1480, help="pixels from the top; 0 for the whole page"
    )
    parser.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    args = parser.parse_args()
    why = report_browser.missing_browser()
    if why is not None:
        raise SystemExit(f"cannot take the screenshot: {why}")
    with tempfile.TemporaryDirectory() as folder:
        html = args.html or Path(folder) / "report.html"
        make_report(html, [seed.NAME], Path(folder) / "home")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        report_browser.screenshot(
            html,
            args.out,
            width=args.width,
            height=args.height,
            color_scheme="dark" if args.dark else "light",
        )
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
