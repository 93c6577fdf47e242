"""The review service's shape, read from its source: its modules import one another without a cycle,
and it uses the library only through its public API (``contractkit`` and ``contractkit.api``).

Every import counts: at the top of a module, inside a function (an import put there to dodge a
cycle is still part of it) and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import contractkit.api
import contractkit.service

SERVICE = "contractkit.service"
SERVICE_DIR = Path(contractkit.service.__file__).parent
# What the service may import from the library: the package's own names and its public API.
PUBLIC = ("contractkit", "contractkit.api")


@dataclass(frozen=True)
class Import:
    importer: str  # the service module
    line: int
    module: str  # the module imported (for ``from m import n``: m.n when that is a module, else m)
    names: tuple[str, ...] = ()  # for ``from m import a, b``: a, b


def _module_name(path: Path) -> str:
    parts = path.relative_to(SERVICE_DIR).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((SERVICE, *parts))


def _service_modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(SERVICE_DIR.rglob("*.py"))}


def _imports(module: str, source: str, package: str, known: set[str]) -> list[Import]:
    """The imports in ``source`` (of ``module``, in ``package``); ``known``: the modules of the service."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names = tuple(alias.name for alias in node.names)
            submodules = [f"{base}.{name}" for name in names if f"{base}.{name}" in known]
            found += [Import(module, node.lineno, sub) for sub in submodules]
            if len(submodules) < len(names):
                found.append(Import(module, node.lineno, base, names))
    return found


def _all_imports() -> list[Import]:
    modules = _service_modules()
    return [
        found for module, path in modules.items()
        for found in _imports(module, path.read_text(encoding="utf-8"),
                              module if path.name == "__init__.py" else module.rpartition(".")[0], set(modules))
    ]


def _graph() -> dict[str, set[str]]:
    modules = _service_modules()
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for found in _all_imports():
        target = next((m for m in sorted(modules, key=len, reverse=True)
                       if found.module == m or found.module.startswith(m + ".")), None)
        if target is not None and target != found.importer:
            graph[found.importer].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Each group of modules that import one another (sorted), with one cycle through it (a path back
    to its start)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted((sorted(group), _path_round(graph, group)) for group in groups)


def _path_round(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    paths = [[start]]
    while paths:  # breadth first: the shortest way back to start within the group
        path = paths.pop(0)
        for successor in sorted(graph[path[-1]] & group):
            if successor == start:
                return [*path, start]
            if successor not in path:
                paths.append([*path, successor])
    return [start]


def _short(module: str) -> str:
    return module.removeprefix(SERVICE + ".")


# ------------------------------------------------------------------ the tests
def test_the_reader_sees_every_kind_of_import():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"
        "from .c import thing\n"
        "if TYPE_CHECKING:\n"
        "    from .d import Type\n"
        "def f():\n"
        "    from .e import later\n"
        "    import contractkit.reading.model\n"
    )
    known = {f"{SERVICE}.{name}" for name in "abcde"}
    found = {i.module for i in _imports(f"{SERVICE}.a", source, SERVICE, known)}
    assert found == {"typing", *(f"{SERVICE}.{name}" for name in "bcde"), "contractkit.reading.model"}


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [(["a", "b", "c"], ["a", "b", "c", "a"])]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_service_modules_import_one_another_without_a_cycle():
    graph = _graph()
    assert len(graph) > 10 and graph[f"{SERVICE}.app"], "the service's modules were not found"
    cycles = [f"{', '.join(map(_short, group))} (e.g. {' → '.join(map(_short, cycle))})"
              for group, cycle in _cycles(graph)]
    assert not cycles, "service modules that import one another:\n" + "\n".join(cycles)


def test_the_service_uses_only_the_public_api_of_the_library():
    deep = [
        f"{_short(i.importer)}:{i.line} imports {i.module}"
        for i in _all_imports()
        if (i.module == "contractkit" or i.module.startswith("contractkit."))
        and i.module not in PUBLIC and not (i.module == SERVICE or i.module.startswith(SERVICE + "."))
    ]
    assert not deep, "use contractkit.api instead:\n" + "\n".join(deep)


def test_what_the_service_imports_from_the_api_is_there():
    wanted = {(i.module, name) for i in _all_imports() if i.module in PUBLIC for name in i.names}
    missing = [f"{module}.{name}" for module, name in sorted(wanted)
               if not hasattr(sys.modules[module], name)]
    assert not missing
    from_api = {name for module, name in wanted if module == "contractkit.api"}
    assert from_api <= set(contractkit.api.__all__), "not in contractkit.api.__all__: " + ", ".join(
        sorted(from_api - set(contractkit.api.__all__)))


def test_the_api_declares_each_lazy_name_as_it_types_it():
    """contractkit.api imports its re-exported names on first use (``_LAZY``) and for type checkers under
    TYPE_CHECKING: the two lists must say the same."""
    tree = ast.parse(Path(contractkit.api.__file__).read_text(encoding="utf-8"))
    typed = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        if alias.asname is not None:  # ``import x as x``: a re-export
                            typed[alias.asname] = (statement.module, alias.name)
    assert typed == contractkit.api._LAZY
    assert set(typed) <= set(contractkit.api.__all__)
    for name, (module, attribute) in typed.items():
        assert getattr(contractkit.api, name) is getattr(importlib.import_module(module), attribute)


def test_importing_the_api_loads_nothing_else():
    """Its re-exported names are imported on first use: the library stays cheap to import."""
    code = ("import sys, contractkit.api\n"
            "print(sorted(m for m in sys.modules if m.startswith(('contractkit', 'pydantic'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['contractkit', 'contractkit.api']"
