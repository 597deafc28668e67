"""The layers of ``tfc_dash``: no module imports a layer above its own, and no modules import
each other in a cycle (imports inside functions count: they still tie the modules together).

The README's Layout section describes the layers; each subpackage's docstring says which it may
import. A test below feeds the checks a made-up graph to show that they do fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "tfc_dash"

# Bottom to top. A module may import its own layer and the layers below; layers that share a rank
# (ingest and charts) do not import each other. The package's top (cli, __main__) may import
# every layer but web; web, the Streamlit layer, may import everything.
LAYERS: dict[str, int] = {
    "core": 0,
    "store": 1,
    "figures": 2,
    "ingest": 3,
    "charts": 3,
    "kit": 4,
    "top": 5,
    "web": 6,
}
TOP_MAY_NOT = {"web"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package (the Alembic migration scripts are not imported code)."""
    return {
        module_name(path): path
        for path in sorted((ROOT / PACKAGE).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The package modules that the module at ``path`` imports, anywhere in it."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target != PACKAGE:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    graph = {name: imports_of(path, name, known) for name, path in modules.items()}
    # a subpackage's __init__ is imported along with each of its modules: leave it out of edges
    # (the __init__ files hold a docstring only; test_inits_hold_no_code checks it)
    packages = {name for name, path in modules.items() if path.name == "__init__.py"}
    return {
        name: {t for t in targets if t not in packages}
        for name, targets in graph.items()
        if name not in packages
    }


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS):
        return parts[1]
    return "top"


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        mine = layer_of(module)
        for target in sorted(targets):
            theirs = layer_of(target)
            if theirs == mine:
                continue
            allowed = LAYERS[theirs] < LAYERS[mine] and not (
                mine == "top" and theirs in TOP_MAY_NOT
            )
            if not allowed:
                found.append(f"{module} ({mine}) imports {target} ({theirs})")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules, each as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [cycle_through(graph, group) for group in groups]


def cycle_through(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """One import cycle inside ``group``, from its first module back to it."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle through {group}")  # pragma: no cover


def test_every_module_is_in_a_layer():
    for module in package_modules():
        assert module == PACKAGE or layer_of(module) in LAYERS, module


def test_no_layer_imports_a_layer_above_it():
    assert layer_violations(import_graph()) == []


def test_no_import_cycles():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_inits_hold_no_code():
    """The subpackages' __init__ files are a docstring: importing a layer costs nothing more."""
    for name, path in package_modules().items():
        if path.name == "__init__.py" and name != PACKAGE:
            body = ast.parse(path.read_text()).body
            assert len(body) == 1 and isinstance(body[0], ast.Expr), name


def test_the_checks_catch_a_layer_breach_and_a_cycle():
    graph = {
        "tfc_dash.store.database": {"tfc_dash.figures.queries", "tfc_dash.store.migrate"},
        "tfc_dash.store.migrate": {"tfc_dash.store.database"},
        "tfc_dash.figures.queries": {"tfc_dash.store.database"},
        "tfc_dash.charts.maps": {"tfc_dash.ingest.sync"},  # siblings
        "tfc_dash.cli": {"tfc_dash.web.ui", "tfc_dash.kit.digest"},
        "tfc_dash.web.ui": {"tfc_dash.cli"},
        "tfc_dash.ingest.sync": set(),
        "tfc_dash.kit.digest": set(),
    }
    assert layer_violations(graph) == [
        "tfc_dash.charts.maps (charts) imports tfc_dash.ingest.sync (ingest)",
        "tfc_dash.cli (top) imports tfc_dash.web.ui (web)",
        "tfc_dash.store.database (store) imports tfc_dash.figures.queries (figures)",
    ]
    assert cycles(graph) == [
        ["tfc_dash.cli", "tfc_dash.web.ui", "tfc_dash.cli"],
        [
            "tfc_dash.figures.queries",
            "tfc_dash.store.database",
            "tfc_dash.figures.queries",
        ],
    ]


def test_imports_inside_functions_count(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from tfc_dash.core import text\n"
        "def f():\n"
        "    from tfc_dash.store import database\n"
        "    import tfc_dash.figures.queries\n"
        "    from tfc_dash.ingest.sync import CHANGES_KEY\n"
    )
    known = {
        "tfc_dash",
        "tfc_dash.core.text",
        "tfc_dash.store.database",
        "tfc_dash.figures.queries",
        "tfc_dash.ingest.sync",
    }
    assert imports_of(module, "tfc_dash.kit.digest", known) == known - {"tfc_dash"}


@pytest.mark.parametrize("module", sorted(package_modules()))
def test_each_module_names_its_imports_absolutely(module):
    """No relative imports: a module's imports say which layer they reach."""
    tree = ast.parse(package_modules()[module].read_text())
    relative = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert relative == [], f"{module}: relative imports on lines {relative}"
