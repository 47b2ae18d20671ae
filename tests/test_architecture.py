"""The layering of DESIGN.md, checked on the source: who may import what.

Only cli/commands import typer; only render imports rich; only sources/ import
requests; only cache/ imports sqlite3; pandas only inside functions (so that
``scholar --help`` stays fast); metrics and merge do no I/O.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "scholarcli"
MODULES = sorted(PACKAGE.rglob("*.py"))


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


RULES = {
    "typer": lambda name: name == "cli.py" or name.startswith("commands/"),
    "click": lambda name: False,
    "rich": lambda name: name.startswith("render/"),
    "requests": lambda name: name.startswith("sources/"),
    "sqlite3": lambda name: name.startswith("cache/"),
}


@pytest.mark.parametrize("library", sorted(RULES))
def test_only_the_allowed_layer_imports(library: str) -> None:
    offenders = [
        relative(p) for p in MODULES if library in imports(p) and not RULES[library](relative(p))
    ]
    assert offenders == []


def test_pandas_is_imported_only_inside_functions() -> None:
    offenders = [
        relative(p) for p in MODULES if {"pandas", "numpy"} & imports(p, top_level_only=True)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "module",
    [
        "indicators/metrics.py",
        "indicators/novelty.py",
        "profile/merge.py",
        "ids.py",
        "categories.py",
        "models.py",
    ],
)
def test_pure_modules_do_no_io(module: str) -> None:
    assert not {"requests", "sqlite3", "os", "socket", "subprocess", "urllib", "http"} & imports(
        PACKAGE / module
    )


def test_help_imports_neither_pandas_nor_requests() -> None:
    code = (
        "import sys\n"
        "from scholarcli.cli import app\n"
        "assert 'pandas' not in sys.modules, 'pandas'\n"
        "assert 'requests' not in sys.modules, 'requests'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# The layers of DESIGN.md, top to bottom. A module may import its own layer and the
# ones below it, never one above. Capability folders (profile/, tracking/, and this
# round's papers/, report/, datasets/) are one layer: orchestration.
SHARED = {"models", "errors", "config", "ids", "categories", "__init__", "__main__"}
LAYERS = {
    "entry": 4,  # cli.py and commands/
    "orchestration": 3,  # one folder per capability
    "services": 2,  # sources/, cache/, indicators/, render.py, inputs.py, inputs_stream.py
    "shared": 1,  # models, errors, config, ids, categories
}


def layer_of(module: str) -> str:
    """The layer of a dotted module path below ``scholarcli``."""
    head = module.split(".")[0]
    if head in {"cli", "commands", "__main__"}:
        return "entry"
    if head in {"sources", "cache", "indicators", "render", "inputs", "inputs_stream"}:
        return "services"
    if head in SHARED:
        return "shared"
    return "orchestration"


def internal_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "scholarcli":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("scholarcli."):
                found.add(node.module.removeprefix("scholarcli."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("scholarcli.")
                for a in node.names
                if a.name.startswith("scholarcli.")
            }
    return found


def test_no_module_imports_a_layer_above_its_own() -> None:
    offenders = []
    for path in MODULES:
        module = relative(path).removesuffix(".py").replace("/", ".")
        own = LAYERS[layer_of(module)]
        for target in internal_imports(path):
            if target == "__version__":
                continue
            if LAYERS[layer_of(target)] > own:
                offenders.append(f"{module} -> {target}")
    assert offenders == []


def test_the_root_keeps_only_what_everything_shares() -> None:
    root = {p.stem for p in PACKAGE.glob("*.py")}
    assert root <= SHARED | {"cli", "inputs", "inputs_stream"}, root - SHARED
