"""Open a `scholar report` page in headless Debian Chromium through Playwright.

Shared by tests/test_report_browser.py and benchmarks/report_screenshot.py, so the
committed screenshot is made by the same code the tests check. Playwright drives the
system browser (`/usr/bin/chromium`, Debian's `chromium` package; `.ci/run` installs it)
and never downloads its own. The flags are the ones this closed network needs: without
the background-networking ones Chromium keeps trying to reach Google's hosts.

Every request the page makes is routed through `PageWatch`: the page's own file is
served, anything else is aborted and recorded, so a test can assert nothing left.
axe-core comes from the npm registry into a git-ignored folder of the repository
(`.cache/axe-core`), installed on first use when npm is there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SCHOLAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_DIR = REPO / ".cache" / "axe-core"
AXE_VERSION = "4"  # npm range: the newest 4.x
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 900}


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)"
    return None


def axe_source() -> str | None:
    """axe.min.js from npm (installed into AXE_DIR on first use), or None without npm."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(AXE_DIR),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class PageWatch:
    """What a page did: console errors, script errors, and requests other than its own."""

    own_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if url == self.own_url:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", lambda request: self.requests.append(request.url))


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_report(
    browser: Any,
    path: Path,
    *,
    color_scheme: str = "light",
    java_script: bool = True,
    viewport: dict[str, int] | None = None,
    init_script: str | None = None,
) -> Iterator[tuple[Any, PageWatch]]:
    """The report at ``path`` loaded in a fresh context, and what it did while loading.

    ``init_script`` runs before the page's own (Playwright injects it past the page's
    Content-Security-Policy), e.g. to listen for policy violations from the start."""
    url = path.resolve().as_uri()
    context = browser.new_context(
        viewport=viewport or VIEWPORT,
        color_scheme=color_scheme,
        java_script_enabled=java_script,
        device_scale_factor=1,
    )
    watch = PageWatch(url)
    context.route("**/*", watch.route)
    if init_script is not None:
        context.add_init_script(init_script)
    page = context.new_page()
    watch.attach(page)
    try:
        page.goto(url, wait_until="load")
        yield page, watch
    finally:
        context.close()


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """axe-core's violations on the loaded page.

    axe is evaluated through the browser's debugging protocol, which the page's
    Content-Security-Policy does not govern: the page allows no script but its own,
    so a script tag added by the test would be refused."""
    page.evaluate(f"() => {{ {source}\n}}")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def screenshot(
    html: Path, png: Path, *, width: int = 1280, height: int = 0, color_scheme: str = "light"
) -> None:
    """A PNG of the report as the tests open it: the top ``height`` pixels, or all (0)."""
    viewport = {"width": width, "height": height or 900}
    with (
        chromium() as browser,
        open_report(browser, html, color_scheme=color_scheme, viewport=viewport) as (page, watch),
    ):
        page.screenshot(path=str(png), full_page=not height)
        if watch.blocked or watch.console_errors or watch.page_errors:
            raise RuntimeError(f"the page misbehaved: {watch}")
