"""Imports between the top-level packages run one way only (docs/architecture.md).

Every module of the app's packages and ``app.py`` is parsed (not imported) and each import
in it, at the top or inside a function, is checked against :data:`ALLOWED`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

# Which other top-level packages each one may import; "app" is the factory, app.py.
#   core <- profiles <- qr <- print   the domain stands on core, codes on the domain
#                                     (a card is a member's), print on codes (it draws them)
#   sheets -> profiles, core          import and export read and write the domain
#   demo -> qr, profiles, core        builds the demo organisation, prints its codes' URLs
#   accounts -> profiles, core        a grant names a branch
#   reports -> print, sheets, profiles, core   the reports upward as .xlsx (sheets' safe
#                                     cells) and PDF (print's pipeline); figures: profiles
#   console -> everything             the screens; it also registers accounts' blueprint
#   app -> everything                 only the factory wires the features together
# Nothing imports console or app. A lower package that needs something of a higher one is
# handed it at app creation instead (qr's card-scan hooks, core's settings checks and the
# page-shaping settings are passed in by app.py or the feature's init function).
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "profiles": frozenset({"core"}),
    "qr": frozenset({"core", "profiles"}),
    "print": frozenset({"core", "profiles", "qr"}),
    "sheets": frozenset({"core", "profiles"}),
    "demo": frozenset({"core", "profiles", "qr"}),
    "accounts": frozenset({"core", "profiles"}),
    "reports": frozenset({"core", "profiles", "sheets", "print"}),
    "console": frozenset({"core", "profiles", "qr", "print", "sheets", "demo", "accounts",
                          "reports"}),
    "app": frozenset({"core", "profiles", "qr", "print", "sheets", "demo", "accounts",
                      "reports", "console"}),
}
# Not part of the app: no module of it imports these.
OUTSIDE = frozenset({"tests", "bench"})

IMPORT_FUNCTIONS = frozenset({"import_module", "__import__"})


def module_name(path: Path, root: Path) -> str:
    """``profiles/models/__init__.py`` -> ``profiles.models``; ``app.py`` -> ``app``."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False,
               filename: str = "<source>") -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``, wherever it stands.

    Relative imports are resolved against ``module``; ``importlib.import_module`` and
    ``__import__`` count when their name is a literal string.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.lineno, node.module or ""
            else:
                base = package[:len(package) - (node.level - 1)]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in IMPORT_FUNCTIONS and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                yield node.lineno, first.value


def forbidden_imports(source: str, module: str, is_package: bool = False,
                      filename: str = "<source>") -> list[str]:
    """One line per import in ``source`` that runs against :data:`ALLOWED`."""
    own = module.split(".")[0]
    allowed = ALLOWED[own]
    problems = []
    for line, name in sorted(imports_of(source, module, is_package, filename)):
        target = name.split(".")[0]
        if target == own or (target not in ALLOWED and target not in OUTSIDE):
            continue  # inside the package, or the standard library and third parties
        if target not in allowed:
            may = ", ".join(sorted(allowed)) or "no other package"
            problems.append(f"{filename}:{line}: {own} -> {target} (imports {name}); "
                            f"{own} may import {may}")
    return problems


def app_modules(root: Path) -> Iterator[Path]:
    """Every Python file of the packages in :data:`ALLOWED`, and app.py."""
    for package in sorted(ALLOWED):
        if package == "app":
            yield root / "app.py"
        else:
            yield from sorted((root / package).rglob("*.py"))


def violations(root: Path) -> list[str]:
    problems = []
    for path in app_modules(root):
        problems += forbidden_imports(path.read_text(encoding="utf-8"),
                                      module_name(path, root), path.name == "__init__.py",
                                      str(path.relative_to(root)))
    return problems


# -- the app as it is --------------------------------------------------------------------


def test_no_import_runs_against_the_direction() -> None:
    problems = violations(ROOT)
    assert not problems, "imports against the direction of docs/architecture.md:\n" + \
        "\n".join(problems)


def test_every_package_is_checked() -> None:
    modules = list(app_modules(ROOT))
    for package in ALLOWED:
        assert any(module_name(path, ROOT).split(".")[0] == package for path in modules)


def test_the_allowed_graph_has_no_cycle() -> None:
    """Every import is an allowed edge, so an acyclic ALLOWED means no package cycle."""
    done: set[str] = set()
    while len(done) < len(ALLOWED):
        ready = {p for p, deps in ALLOWED.items() if p not in done and deps <= done}
        assert ready, f"cycle among {sorted(set(ALLOWED) - done)}"
        done |= ready


def test_nothing_but_app_may_import_console() -> None:
    assert [p for p, deps in ALLOWED.items() if "console" in deps] == ["app"]


# -- the checker itself --------------------------------------------------------------------


def test_a_new_upward_import_is_named_with_module_line_and_edge() -> None:
    source = "from core.db import db\nfrom console import x\n"
    assert forbidden_imports(source, "profiles.extra", filename="profiles/extra.py") == [
        "profiles/extra.py:2: profiles -> console (imports console); profiles may import core"]


@pytest.mark.parametrize(("source", "module", "line", "edge"), [
    ("import qr.links\n", "core.settings", 1, "core -> qr"),
    ("def f():\n    from profiles.audit import X\n", "core.cache", 2, "core -> profiles"),
    ("class C:\n    def m(self):\n        import console.blueprint\n", "accounts.views", 3,
     "accounts -> console"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from print.cards import C\n",
     "qr.cards", 3, "qr -> print"),
    ("import importlib\nimportlib.import_module('console.home')\n", "sheets.cli", 2,
     "sheets -> console"),
    ("from app import create_app\n", "demo.cli", 1, "demo -> app"),
    ("from tests.factories import make\n", "profiles.rules", 1, "profiles -> tests"),
    ("import os, sheets.readers\n", "qr.views", 1, "qr -> sheets"),
])
def test_the_checker_finds_each_kind_of_import(source: str, module: str, line: int,
                                               edge: str) -> None:
    [problem] = forbidden_imports(source, module, filename="m.py")
    assert problem.startswith(f"m.py:{line}: {edge} ")


@pytest.mark.parametrize(("source", "module", "is_package"), [
    ("from core.db import db\nimport sqlalchemy\n", "profiles.rules", False),
    ("from . import rules\nfrom .models import Member\n", "profiles", True),
    ("from ..models import Member\n", "profiles.queries.member", False),
    ("from accounts.access import public\nfrom print.cards import x\n", "console.home", False),
    ("import importlib\nimportlib.import_module(name)\n", "console", True),
    ("from console import init_console\n", "app", False),
])
def test_the_checker_lets_allowed_imports_through(source: str, module: str,
                                                  is_package: bool) -> None:
    assert forbidden_imports(source, module, is_package) == []


def test_relative_imports_are_resolved() -> None:
    found = list(imports_of("from .. import db\nfrom .cache import cache\n", "core.sub.mod"))
    assert found == [(1, "core"), (2, "core.sub.cache")]


def test_a_tree_with_an_upward_import_fails(tmp_path: Path) -> None:
    for package in ALLOWED:
        if package != "app":
            (tmp_path / package).mkdir()
            (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "app.py").write_text("from console import init_console\n")
    assert violations(tmp_path) == []
    (tmp_path / "profiles" / "models").mkdir()
    (tmp_path / "profiles" / "models" / "late.py").write_text(
        "def f():\n    from console.blueprint import bp\n    return bp\n")
    assert violations(tmp_path) == [
        "profiles/models/late.py:2: profiles -> console (imports console.blueprint); "
        "profiles may import core"]
