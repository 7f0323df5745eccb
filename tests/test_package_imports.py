"""The production package stands alone: nothing in npm1_flt3 imports the benchmarks or the read
simulator (benchmarks/simulation.py), which are test and benchmark code only."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "npm1_flt3"
FORBIDDEN = ("benchmarks", "tests", "conftest", "simulation", "simulate", "npm1_flt3.simulate")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, statically or through importlib.import_module("...")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:  # from . import simulate
            names.update(alias.name for alias in node.names)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", ""))
              in ("import_module", "__import__") and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def test_no_package_module_imports_benchmark_or_simulation_code():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offending = {str(f.relative_to(REPO)): sorted(n for n in imported_modules(f) if forbidden(n))
                 for f in files}
    assert {f: names for f, names in offending.items() if names} == {}


def test_cli_commands_are_package_modules():
    # The CLI imports its commands by name (importlib): none may live outside the package.
    from npm1_flt3.cli import COMMANDS

    assert "simulate-demo" not in COMMANDS
    for module, _ in COMMANDS.values():
        assert module.startswith("npm1_flt3.") and not forbidden(module)
        assert (REPO / (module.replace(".", "/") + ".py")).exists()


def test_simulator_is_not_in_the_package():
    assert not (PACKAGE / "simulate.py").exists()
    assert not list(PACKAGE.rglob("simulation*.py"))
