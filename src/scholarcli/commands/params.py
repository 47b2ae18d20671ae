"""How every command reads its options: plain parsers, readable help, errors in words.

typer 0.29 coerces each option through a pydantic ``TypeAdapter`` that it builds when
the option is parsed; importing pydantic and building the adapters cost about 100 ms
of every run (benchmarks/bench_latency.py), more than the warm profile itself. Our
options are all plain strings, whole numbers, enums and flags, so :func:`humanize`
swaps each parameter of the built command tree for a subclass that parses those types
itself (anything else still goes through typer). It also gives help a metavar a person
reads (``N``, ``table|csv|...``) instead of Python types (``<int>``, ``<list[str]>``),
and words bad values as ``'abc' is not a number``; ``cli.ScholarGroup`` prefixes the
option (``--limit: ...``).

It leans on typer internals (``TyperOption.get_runtime_param``, ``type_descriptor``,
``display_type_rich``, ``get_help_option``), so pyproject.toml pins typer to
``PROVEN_TYPER``, the releases the test suite has run against, and
tests/test_architecture.py fails when the installed typer is outside it: widen the
range only after the suite passes on the new release.

This module only adapts typer's parameters; it must not know about any one command.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from enum import Enum
from typing import Any, get_args, get_origin

import typer
from typer.core import TyperArgument, TyperOption

Parser = Callable[[Any], Any]

#: The typer releases these classes are proven on: (lowest, first one not proven).
PROVEN_TYPER = ((0, 29, 3), (0, 30, 0))


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _whole_number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value).strip()
    try:
        return int(text)
    except ValueError:
        try:
            float(text)
        except ValueError:
            raise typer.BadParameter(f"{_text(value)!r} is not a number") from None
        raise typer.BadParameter(f"{_text(value)!r} is not a whole number") from None


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"", "0", "false", "no", "off"}:
        return False
    raise typer.BadParameter(f"{_text(value)!r} is not yes or no")


def _choice(enum: type[Enum]) -> Parser:
    def parse(value: Any) -> Enum:
        if isinstance(value, enum):
            return value
        text = _text(value).strip()
        for member in enum:
            if text.lower() == str(member.value).lower():
                return member
        # An enum may take other words for a member through ``_missing_`` (e.g. ``--sort
        # year`` for ``date``): accepted, stated in the option's help, not in the metavar.
        with contextlib.suppress(ValueError):
            return enum(text.lower())
        names = ", ".join(str(member.value) for member in enum)
        raise typer.BadParameter(f"{_text(value)!r} is not one of {names}")

    return parse


def _parser(annotation: Any) -> Parser | None:
    """Our parser for a leaf annotation, or None to leave it to typer."""
    if annotation is str:
        return _text
    if annotation is int:
        return _whole_number
    if annotation is bool:
        return _yes_no
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation)
    return None


def _leaf(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is list else annotation


def metavar(param: TyperOption | TyperArgument) -> str | None:
    """The placeholder help shows after an option: what to type, not a Python type."""
    if param.metavar is not None:
        return str(param.metavar)
    if isinstance(param, TyperArgument) or getattr(param, "is_flag", False):
        return None  # an argument's name says it; a flag takes no value
    leaf = _leaf(param.type_descriptor.annotation)
    if isinstance(leaf, type) and issubclass(leaf, Enum):
        return "|".join(str(member.value) for member in leaf)
    if leaf is int:
        return "N"
    longest = max(param.opts, key=len).lstrip("-")
    return longest.upper().replace("-", "_")


class _PlainRuntime:
    """Stands in for typer's pydantic-backed runtime parameter: same ``coerce`` contract."""

    def __init__(self, parse: Parser) -> None:
        self.parse = parse

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        try:
            if value is None:
                return () if multiple else None
            if multiple:
                return tuple(self.parse(item) for item in value)
            return self.parse(value)
        except typer.BadParameter as exc:
            exc.ctx, exc.param = ctx, param
            raise


def _runtime_param(param: Any, typer_runtime: Callable[[], Any]) -> Any:
    parse = _parser(_leaf(param.type_descriptor.annotation))
    return typer_runtime() if parse is None else _PlainRuntime(parse)


# Two plain subclasses (no mixin, no new attributes): CPython lets ``humanize`` swap an
# instance's class only between classes with the same layout.
class HumanOption(TyperOption):
    def get_runtime_param(self) -> Any:
        return _runtime_param(self, super().get_runtime_param)

    def display_type_rich(self, ctx: Any) -> str | None:
        return metavar(self)


class HumanArgument(TyperArgument):
    def get_runtime_param(self) -> Any:
        return _runtime_param(self, super().get_runtime_param)

    # One placeholder convention in help (docs/cli.md): an argument is NAME in capitals,
    # in [brackets] when it may be left out, with ... when it repeats; typer's own
    # ``{name}`` for a required one read like a set to fill in.
    def _placeholder(self) -> str:
        return str(self.metavar) if self.metavar is not None else str(self.name or "").upper()

    def _rich_display_name(self) -> str:
        return self._placeholder() + ("..." if self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        name = self._placeholder() if self.required else f"[{self._placeholder()}]"
        return name + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return metavar(self)


class _HelpNames:
    """The one context attribute ``get_help_option`` reads: the command's own names, else
    its group's (``-h``/``--help`` set once on the app), as a context would inherit them."""

    def __init__(self, command: Any, inherited: list[str] | None) -> None:
        settings = getattr(command, "context_settings", None) or {}
        self.help_option_names = settings.get("help_option_names", inherited or ["--help"])


def humanize(command: Any, help_names: list[str] | None = None) -> None:
    """Give every parameter of ``command`` and its subcommands our parsing and help."""
    params = list(command.params)
    names = _HelpNames(command, help_names)
    with contextlib.suppress(Exception):  # typer adds --help lazily, per command: make it now
        params.append(command.get_help_option(names))
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = HumanOption
        elif type(param) is TyperArgument:
            param.__class__ = HumanArgument
    for sub in getattr(command, "commands", {}).values():
        humanize(sub, names.help_option_names)


def parameter_name(param: Any) -> str:
    """``--limit`` for an option, ``NAME`` for an argument: how errors name a parameter."""
    if isinstance(param, TyperOption):
        return max(param.opts, key=len)
    return str(param.name or "value").upper()
