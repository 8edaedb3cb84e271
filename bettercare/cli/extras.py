"""The optional extras: which commands need them, and the one line that says what to install.

The web app installs and serves without the record-level pipeline's libraries (ADR 0104);
``bettercare pipeline``, ``bettercare risk``, ``bettercare demo`` and ``serve --demo`` (whose
current year's values come from the pipeline) need the ``pipeline`` extra, and a Spark engine
also the ``spark`` extra. Each is checked before the command starts, so it fails at once with
a line naming the extra rather than a traceback part way through.
"""

from __future__ import annotations

import argparse
import importlib.util

from bettercare.cli.errors import UserError

__all__ = ["EXTRAS", "extra_for_module", "extras_needed", "missing_extra_error", "require_extras"]

#: Each extra and the top-level modules it installs that bettercare imports.
EXTRAS: dict[str, tuple[str, ...]] = {
    "pipeline": ("duckdb", "ibis", "pandas", "pyarrow", "sklearn", "sqlglot"),
    "spark": ("pyspark",),
}


def extra_for_module(name: str | None) -> str | None:
    """The extra that installs the module ``name`` (a dotted name is fine), or None."""
    top = (name or "").partition(".")[0]
    for extra, modules in EXTRAS.items():
        if top in modules:
            return extra
    return None


def missing_extra_error(extra: str, module: str) -> UserError:
    """The one line that says which extra a command needs and how to install it."""
    return UserError(
        f"this command needs the '{extra}' extra ({module} is not installed): "
        f"pip install 'bettercare[{extra}]'"
    )


def extras_needed(args: argparse.Namespace) -> list[str]:
    """The extras the parsed command needs, in the order to check them."""
    command = args.command
    needed: list[str] = []
    if command in ("pipeline", "risk", "demo") or (command == "serve" and args.demo):
        needed.append("pipeline")
    if command in ("pipeline", "risk") and getattr(args, "engine", None) == "spark":
        needed.append("spark")
    return needed


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a finder that refuses the module outright
        return False


def require_extras(args: argparse.Namespace) -> None:
    """Raise a :class:`UserError` naming the first extra the command needs and lacks."""
    for extra in extras_needed(args):
        for module in EXTRAS[extra]:
            if not _installed(module):
                raise missing_extra_error(extra, module)
