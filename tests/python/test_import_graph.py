"""The modules of the `exo` package import one another without cycles.

A cycle makes the import order matter (a module sees a half-initialized one)
and hides which layer depends on which. The graph is read from the sources with
`ast`, so the test needs no import of exo and names the cycle it finds.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "python" / "exo"
PACKAGE = PACKAGE_DIR.name
# Submodules without Python source: the C++ extension, at the bottom of every layer.
EXTENSION_MODULES = {f"{PACKAGE}._core"}


def package_modules():
    """{dotted module name: (path, is_package)} for every .py file of the package."""
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules[".".join(parts)] = (path, is_package)
    return modules


def imported_modules(node, module, is_package, modules):
    """The package's modules that the import statement `node` in `module` loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target in EXTENSION_MODULES or target.split(".")[0] != PACKAGE:
        return []
    found = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        if sub in EXTENSION_MODULES:
            continue
        # `from pkg import name`: the submodule `name` when there is one, else
        # an attribute of pkg, which needs pkg/__init__.py to have run.
        found.append(sub if sub in modules else target)
    return [m for m in found if m in modules]


def import_graph(module_level_only):
    """{module: sorted modules it imports} within the package (self-imports left out)."""
    modules = package_modules()
    graph = {}
    for module, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        nodes = tree.body if module_level_only else ast.walk(tree)
        deps = set()
        for node in nodes:
            # Module-level imports guarded by `if`/`try` still run at import time.
            inner = ast.walk(node) if module_level_only and isinstance(node, (ast.If, ast.Try)) else [node]
            for n in inner:
                deps.update(imported_modules(n, module, is_package, modules))
        deps.discard(module)
        graph[module] = sorted(deps)
    return graph


def find_cycle(graph):
    """One import cycle as [m0, m1, ..., m0], or None."""
    state = {}  # 1: on the current path, 2: done
    path = []

    def visit(m):
        state[m] = 1
        path.append(m)
        for d in graph[m]:
            if state.get(d) == 1:
                return path[path.index(d) :] + [d]
            if d not in state:
                cycle = visit(d)
                if cycle:
                    return cycle
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            cycle = visit(m)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read():
    graph = import_graph(module_level_only=True)
    assert f"{PACKAGE}.procedure" in graph[PACKAGE]
    assert f"{PACKAGE}.API_cursors" in graph[f"{PACKAGE}.procedure"]
    assert f"{PACKAGE}._core" not in graph[f"{PACKAGE}.procedure"]


def test_find_cycle_finds_one():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": []}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


def test_module_level_imports_have_no_cycle():
    cycle = find_cycle(import_graph(module_level_only=True))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_inside_functions_add_no_cycle():
    # An import moved into a function hides a cycle from the import machinery
    # but keeps the two layers depending on each other: restructure instead.
    cycle = find_cycle(import_graph(module_level_only=False))
    assert cycle is None, "import cycle (counting imports inside functions): " + " -> ".join(cycle)
