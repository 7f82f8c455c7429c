"""The package structure a newcomer can rely on, read from the source with ``ast`` (no import needed).

``lint-imports`` (``make test``) holds the layers; these tests hold what it does not say: packages reach
each other only through their public ``__init__`` (no ``_name``, no ``axpoc.x._module``), and no two
packages import each other, function-level imports included.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "axpoc"


@dataclass(frozen=True)
class Import:
    where: str
    """``path:line`` of the import statement."""
    package: str
    """The importing package (``steps``), or the top-level module (``_env``, ``notebooks``)."""
    target: str
    """The imported module, e.g. ``axpoc.data._read``."""
    names: tuple[str, ...]


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports() -> Iterator[Import]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        package = parts[1] if len(parts) > 1 else ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("axpoc."):
                        yield Import(where, package, alias.name, ())
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = tuple(alias.name for alias in node.names)
                if node.module == "axpoc":  # `from axpoc import tracking`: the subpackage is the target
                    for name in names:
                        if (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file():
                            yield Import(where, package, f"axpoc.{name}", ())
                elif node.module.startswith("axpoc."):
                    yield Import(where, package, node.module, names)


def _across() -> list[Import]:
    return [i for i in _imports() if _package_of(i.target) not in ("", i.package)]


def test_the_scan_sees_the_packages_and_their_imports() -> None:
    across = _across()
    assert {"steps", "retrain", "serve", "data"} <= {i.package for i in across}
    assert any(i.target == "axpoc.tracking" for i in across)  # `from axpoc import tracking` counted


def test_no_private_name_is_imported_across_packages() -> None:
    found = [
        f"{i.where}: {name} from {i.target}" for i in _across() for name in i.names if name.startswith("_")
    ]
    assert not found, "import the package's public name instead:\n" + "\n".join(found)


def test_no_private_module_is_imported_across_packages() -> None:
    found = [
        f"{i.where}: {i.target}"
        for i in _across()
        if not _package_of(i.target).startswith("_")  # axpoc._env, _hooks, _logs: the top level's own helpers
        and any(part.startswith("_") for part in i.target.split(".")[2:])
    ]
    assert not found, "re-export from the package's __init__ and import that:\n" + "\n".join(found)


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for i in _across():
        graph.setdefault(i.package, set()).add(_package_of(i.target))
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first node repeated at the end), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            found = visit(nxt, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_no_import_cycle_between_packages() -> None:
    cycle = _cycle(_package_graph())
    assert cycle is None, "packages import each other: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("graph", "expected"),
    [({"a": {"b"}, "b": {"c"}}, None), ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"])],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert _cycle(graph) == expected


def test_the_layer_contracts_hold() -> None:
    """``lint-imports`` as ``make test`` runs it, here too, so a targeted test run sees a broken layer."""
    pytest.importorskip("importlinter", reason="import-linter comes with the dev extra")
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT.parent, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def _nodes() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(ROOT.rglob("*.py")):
        where = str(path.relative_to(ROOT.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            yield where, node


def _curve_check(node: ast.AST) -> bool:
    """``isinstance(x, np.ndarray | list)`` and the like: a hand-written "is this a sensor curve" rule."""
    if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "isinstance" and len(node.args) == 2):
        return False
    names = set(re.findall(r"[\w.]+", ast.unparse(node.args[1])))
    return {"np.ndarray", "list"} <= names <= {"np.ndarray", "list", "tuple"}


def _prefix_parse(node: ast.AST) -> bool:
    """``reason.startswith("undefined: ")``: a reason read back from its English words."""
    return (
        isinstance(node, ast.Call)
        and ast.unparse(node.func).endswith((".startswith", ".removeprefix"))
        and any(isinstance(a, ast.Constant) and str(a.value).startswith("undefined") for a in node.args)
    )


def test_shared_rules_are_defined_once() -> None:
    """One Task, one gate-result type, one atomic writer, one curve rule, and no reason parsed from a prefix."""
    found: dict[str, set[str]] = {key: set() for key in ("Task", "gate result", "rename", "curve", "prefix")}
    for where, node in _nodes():
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "Task" for t in targets):
                found["Task"].add(where)
        if (
            isinstance(node, ast.ClassDef)
            and node.name.startswith("Gate")
            and node.name.endswith(("Result", "Row"))
        ):
            found["gate result"].add(where)
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.replace", "os.rename"):
            found["rename"].add(where)
        if _curve_check(node):
            found["curve"].add(where)
        if _prefix_parse(node):
            found["prefix"].add(where)
    assert found == {
        "Task": {"axpoc/_task.py"},
        "gate result": {"axpoc/kpi/_gates.py"},
        "rename": {"axpoc/_files.py", "axpoc/retrain/_bundle.py"},  # the bundle's is a folder move on import
        "curve": set(),  # axpoc._columns.is_curve_cell / is_curve_column decide
        "prefix": set(),  # an undefined reason carries its phrase (axpoc.i18n.Reason)
    }
