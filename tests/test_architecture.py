"""The shape of the code, read with ``ast`` (every import, including those inside functions):

* the modules of dprk_ld import each other without cycles;
* imports point one way, down the layers: formats <- curation <- release <- {endpoint, site,
  reconciliation} <- web <- {cli, testing}; endpoint, site and reconciliation do not import each
  other; the modules of one subpackage may import each other; nothing below web imports Flask or
  Werkzeug;
* no module is over 400 lines, no function over 60;
* every subpackage says what it is (a docstring in its ``__init__.py``);
* no test module imports another one: shared helpers live in ``dprk_ld.testing``, per-test set-up
  in fixtures of the conftest files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import dprk_ld

SRC = Path(dprk_ld.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent

ROOT = "dprk_ld"
#: the layer of each part of the package: a module imports only from lower layers and from its
#: own part (the modules of one subpackage); the root ``dprk_ld/__init__.py`` is below them all
LAYERS = {"formats": 0, "curation": 1, "release": 2, "endpoint": 3, "site": 3,
          "reconciliation": 3, "web": 4, "deploy": 4, "cli": 5, "testing": 5}
WEB_FRAMEWORKS = {"flask", "werkzeug"}  # imported by the web layer and above only
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass
class Module:
    name: str  # dotted, e.g. dprk_ld.endpoint.pool
    path: Path
    tree: ast.Module
    lines: int
    is_package: bool


def read_modules(folder: Path, package: str) -> dict[str, Module]:
    """Every module under ``folder`` (the package ``package``), by dotted name."""
    modules: dict[str, Module] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = [package, *path.relative_to(folder).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        text = path.read_text(encoding="utf-8")
        name = ".".join(parts)
        modules[name] = Module(name, path, ast.parse(text, str(path)), len(text.splitlines()),
                               is_package)
    return modules


def _known_prefix(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def imports_of(module: Module, known: set[str]) -> list[tuple[str, int]]:
    """(name, line) of everything ``module`` imports, anywhere in it: a module of ``known`` when
    the import names one (``from a import b`` names ``a.b`` if that is a module, else ``a``),
    else the absolute name as written."""
    package = module.name.split(".")[: None if module.is_package else -1]
    found: list[tuple[str, int]] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base_parts = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*base_parts, *([node.module] if node.module else [])])
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                     for alias in node.names]
        else:
            continue
        found.extend((_known_prefix(name, known) or name, node.lineno) for name in names)
    return found


def import_graph(modules: dict[str, Module]) -> dict[str, dict[str, int]]:
    """For each module, the modules of the package it imports, with the line of the first."""
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for name, module in modules.items():
        graph[name] = {}
        for target, line in sorted(imports_of(module, known), key=lambda t: t[1]):
            if target in known and target != name:
                graph[name].setdefault(target, line)
    return graph


def find_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle (a -> ... -> a) through each group of modules that import each other in a ring
    (each strongly connected component of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in graph.get(node, {}):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(group, graph) for group in sorted(groups)]


def _cycle_in(group: list[str], graph: dict[str, dict[str, int]]) -> list[str]:
    """A path from the first module of ``group`` back to it, inside the group (breadth first)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node]):
            if succ == start:
                return [*paths[node], start]
            if succ in members and succ not in paths:
                paths[succ] = [*paths[node], succ]
                queue.append(succ)
    raise AssertionError(f"no cycle in {group}")  # pragma: no cover - a component has one


def part_of(name: str) -> str:
    """The part of the package a module belongs to: ``dprk_ld.web.app`` -> ``web``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_violations(modules: dict[str, Module]) -> list[str]:
    """Every import against the layers, and every module in no layer."""
    problems = [f"{name}: in no layer (add its part to LAYERS in {Path(__file__).name})"
                for name in modules if part_of(name) and part_of(name) not in LAYERS]
    known = set(modules)
    for name, module in modules.items():
        here = LAYERS.get(part_of(name), -1)
        for target, line in imports_of(module, known):
            where = f"{name} (line {line}) imports {target}"
            if target in known:
                there = LAYERS.get(part_of(target), -1)
                if part_of(target) and part_of(target) != part_of(name) and there >= here:
                    problems.append(f"{where}: {part_of(name) or ROOT} may not import "
                                    f"{part_of(target)}")
            elif target.split(".")[0] in WEB_FRAMEWORKS and here < LAYERS["web"]:
                problems.append(f"{where}: only web and the layers above it use "
                                f"{target.split('.')[0]}")
    return sorted(set(problems))


def size_violations(modules: dict[str, Module]) -> list[str]:
    problems = []
    for name, module in modules.items():
        if module.lines > MAX_MODULE_LINES:
            problems.append(f"{name}: {module.lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{name}.{node.name} (line {node.lineno}): {length} lines "
                                    f"(at most {MAX_FUNCTION_LINES})")
    return problems


def test_modules_import_each_other_without_cycles() -> None:
    cycles = find_cycles(import_graph(read_modules(SRC, ROOT)))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_imports_follow_the_layers() -> None:
    problems = layer_violations(read_modules(SRC, ROOT))
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_modules_and_functions_are_small() -> None:
    problems = size_violations(read_modules(SRC, ROOT))
    assert not problems, "too long:\n" + "\n".join(problems)


def test_every_subpackage_says_what_it_is() -> None:
    missing = [m.name for m in read_modules(SRC, ROOT).values()
               if m.is_package and not (ast.get_docstring(m.tree) or "").strip()]
    assert not missing, "no docstring in the __init__.py of: " + ", ".join(missing)


def test_no_test_module_imports_another() -> None:
    """Neither relatively (``from .conftest import X``) nor by name (``import conftest``,
    ``from endpoint.helpers import X``, ``import tests...``)."""
    local = {"tests"} | {p.stem for p in TESTS.rglob("*.py")} | {
        p.parent.name for p in TESTS.rglob("*.py") if p.parent != TESTS}
    problems = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level:
                names = ["." * node.level + (node.module or "")]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            problems.extend(f"{path.relative_to(TESTS.parent)} (line {node.lineno}): {name}"
                            for name in names if name.startswith(".") or name.split(".")[0] in local)
    assert not problems, ("test modules importing test modules (move what they share to "
                          "dprk_ld.testing or a fixture):\n" + "\n".join(problems))


# --- the checks themselves, on made-up packages ---------------------------------------------------

def made_up(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    for name, text in files.items():
        path = tmp_path / ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return read_modules(tmp_path / ROOT, ROOT)


def test_the_checks_see_every_kind_of_import(tmp_path: Path) -> None:
    modules = made_up(tmp_path, {
        "__init__.py": '"""root"""\n',
        "formats.py": "",
        "release/__init__.py": "",
        "release/a.py": "def f():\n    from . import b\n",  # inside a function, relative
        "release/b.py": "from dprk_ld.release import a\nfrom .. import formats\n",
        "endpoint/__init__.py": '"""endpoint"""\n',
        "endpoint/c.py": "import dprk_ld.site.d\nfrom werkzeug import Response\n",
        "site/__init__.py": "",
        "site/d.py": "from ..web import app\n",
        "web/__init__.py": "",
        "web/app.py": "import flask\nfrom dprk_ld import __version__\nfrom dprk_ld.endpoint import c\n",
        "extra.py": "",
    })
    graph = import_graph(modules)
    assert graph["dprk_ld.release.a"] == {"dprk_ld.release.b": 2}
    assert graph["dprk_ld.release.b"] == {"dprk_ld.release.a": 1, "dprk_ld.formats": 2}
    assert graph["dprk_ld.web.app"] == {"dprk_ld": 2, "dprk_ld.endpoint.c": 3}
    assert find_cycles(graph) == [
        ["dprk_ld.endpoint.c", "dprk_ld.site.d", "dprk_ld.web.app", "dprk_ld.endpoint.c"],
        ["dprk_ld.release.a", "dprk_ld.release.b", "dprk_ld.release.a"],
    ]
    assert layer_violations(modules) == [
        "dprk_ld.endpoint.c (line 1) imports dprk_ld.site.d: endpoint may not import site",
        "dprk_ld.endpoint.c (line 2) imports werkzeug: only web and the layers above "
        "it use werkzeug",
        "dprk_ld.extra: in no layer (add its part to LAYERS in test_architecture.py)",
        "dprk_ld.site.d (line 1) imports dprk_ld.web.app: site may not import web",
    ]
    assert [m.name for m in modules.values() if m.is_package and not ast.get_docstring(m.tree)] == [
        "dprk_ld.release", "dprk_ld.site", "dprk_ld.web"]


def test_the_size_check_counts_lines(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(59))
    modules = made_up(tmp_path, {"formats.py": f"def ok():\n{body}\n\ndef long():\n{body}    x = 0\n"
                                 + "#\n" * 300})
    assert size_violations(modules) == [
        "dprk_ld.formats: 423 lines (at most 400)",
        "dprk_ld.formats.long (line 63): 61 lines (at most 60)",
    ]
