"""The layering of docs/design.md (Layers), checked on the source: who may import what.

Only cli/commands import typer; only render imports rich; only sources/ import
requests; only cache/ imports sqlite3; pandas only inside functions (so that
``scholar --help`` stays fast); metrics and merge do no I/O.
"""

from __future__ import annotations

import ast
import re
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


# The layers of docs/design.md, top to bottom. A module may import its own layer and the
# ones below it, never one above. Capability folders (profile/, tracking/, and this
# round's papers/, report/, datasets/) are one layer: orchestration.
SHARED = {"models", "errors", "config", "ids", "categories", "__init__", "__main__"}
LAYERS = {
    "entry": 5,  # cli.py and commands/
    "orchestration": 4,  # one folder per capability
    "core": 3,  # core/: the run context, freshness, reporter, clock, name folding
    "services": 2,  # sources/, cache/, indicators/, render/, inputs/
    "shared": 1,  # models, errors, config, ids, categories
}


def layer_of(module: str) -> str:
    """The layer of a dotted module path below ``scholarcli``."""
    head = module.split(".")[0]
    if head in {"cli", "commands", "__main__"}:
        return "entry"
    if head in {"sources", "cache", "indicators", "render", "inputs"}:
        return "services"
    if head == "core":
        return "core"
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
    assert root <= SHARED | {"cli"}, root - SHARED


# What every capability shares lives in core/; a capability that takes one of these
# from another capability (``from scholarcli.profile.sync import Context``, or
# ``sync.Freshness`` through an imported module) couples the two for no reason.
CORE_NAMES = {
    "Context",
    "Freshness",
    "Reporter",
    "QuietReporter",
    "utcnow",
    "fold_name",
    "DEFAULT_MAX_AGE",
    "OFFLINE_HINT",
}
CAPABILITIES = {"profile", "papers", "novelty", "tracking", "report", "datasets"}


def core_names_from_other_capabilities(source: str, own: str) -> list[str]:
    """``module.name`` for every core name ``source`` takes from another capability."""
    tree = ast.parse(source)
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> the other capability's module
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        parts = node.module.split(".")
        if parts[0] != "scholarcli":
            continue
        if len(parts) >= 2 and parts[1] in CAPABILITIES and parts[1] != own:
            for alias in node.names:
                if alias.name in CORE_NAMES:
                    found.append(f"{node.module}.{alias.name}")
                else:  # maybe a module: ``from scholarcli.profile import sync``
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif parts == ["scholarcli"]:
            for alias in node.names:
                if alias.name in CAPABILITIES and alias.name != own:
                    aliases[alias.asname or alias.name] = f"scholarcli.{alias.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr in CORE_NAMES
        ):
            found.append(f"{aliases[node.value.id]}.{node.attr}")
    return found


def test_capabilities_take_shared_things_from_core_not_from_each_other() -> None:
    offenders = []
    for path in MODULES:
        name = relative(path)
        own = name.split("/")[0]
        if own not in CAPABILITIES:
            continue
        for what in core_names_from_other_capabilities(path.read_text(encoding="utf-8"), own):
            offenders.append(f"{name}: {what}")
    assert offenders == []


@pytest.mark.parametrize(
    "source",
    [
        "from scholarcli.profile.sync import Context\n",
        "from scholarcli.profile.merge import fold_name\n",
        "from scholarcli.profile import sync\ndef f(ctx: sync.Freshness) -> None: ...\n",
    ],
)
def test_the_core_rule_catches_a_capability_importing_another(source: str) -> None:
    assert core_names_from_other_capabilities(source, "novelty")
    # Within its own capability, and from core, the same names are fine.
    assert not core_names_from_other_capabilities(source, "profile")
    assert not core_names_from_other_capabilities("from scholarcli.core import Context\n", "papers")


# Shared options are defined once, in commands/options.py: a command module that
# takes an option alias from a sibling command module (author from curate, ...) ties
# the two together and hides where the option lives.
OPTION_HOMES = {"options", "common", "params"}


def test_commands_take_shared_options_from_options_not_from_siblings() -> None:
    offenders = []
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if parts[:2] != ["scholarcli", "commands"] or len(parts) < 3:
                continue
            if parts[2] in OPTION_HOMES or parts[2] == path.stem:
                continue
            offenders += [
                f"{path.stem} <- {parts[2]}.{alias.name}"
                for alias in node.names
                if alias.name.endswith(("Option", "Argument"))
            ]
    assert offenders == []


def _version(text: str) -> tuple[int, ...]:
    """``0.30`` -> (0, 30, 0); a suffix such as ``rc1`` ends the number."""
    parts = [int(re.match(r"[0-9]*", part).group(0) or 0) for part in text.split(".")[:3]]  # type: ignore[union-attr]
    return tuple(parts + [0] * (3 - len(parts)))


def test_typer_is_a_release_params_is_proven_on() -> None:
    """commands/params.py swaps typer's parameter classes, using typer internals: a typer
    outside the proven range must fail here, before users see odd parsing or help."""
    import importlib.metadata

    from scholarcli.commands.params import PROVEN_TYPER

    low, high = PROVEN_TYPER
    installed = _version(importlib.metadata.version("typer"))
    assert low <= installed < high, f"typer {installed} is outside {PROVEN_TYPER}"
    pyproject = (PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    pin = re.search(r'"typer>=([0-9.]+),<([0-9.]+)"', pyproject)
    assert pin, "pyproject.toml must pin typer to a range"
    assert (_version(pin.group(1)), _version(pin.group(2))) == (low, high)
    # The internals params.py overrides are still there under those names.
    from typer.core import TyperArgument, TyperOption

    for cls in (TyperOption, TyperArgument):
        assert callable(getattr(cls, "get_runtime_param", None)), cls
        assert callable(getattr(cls, "display_type_rich", None)), cls


def test_the_cache_has_one_access_style() -> None:
    """Records are read and written by free functions over a Store (cache/people.py,
    cache/novelty.py, ...); the Store itself only opens, guards and closes the file."""
    from scholarcli.cache.store import Store

    lifecycle = {"open", "empty", "problems", "close", "transaction", "info", "clear"}
    methods = {
        name
        for name, value in vars(Store).items()
        if callable(value) or isinstance(value, (classmethod, staticmethod))
    }
    public = {name for name in methods if not name.startswith("_")}
    assert public <= lifecycle, public - lifecycle
