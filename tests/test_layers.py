"""Imports run one way, never back up and in no circle.

From the edge (runs, explore) through reporting and the model down to mechanisms, agents,
policies and the plain value modules.

Every ``import`` and ``from ... import`` in ``sim/`` counts, also those inside functions and
under ``TYPE_CHECKING`` (an annotation is a dependency a reader has to follow too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

#: Layers from the top down; a module may import its own layer and the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("sim.__main__", "sim.runs", "sim.explore"),   # the edge: the commands, Hydra, the browser
    ("sim.reporting",),                             # analyses, figures, the report: tables only
    ("sim", "sim.run", "sim.docs", "sim.learning"),  # the package's face, simulate(), the docs
                                                     # tables, the learning submodels
    ("sim.model",),                                 # GovernanceModel: wires the phases together
    ("sim.mechanisms", "sim.agents"),               # the phases; thin agent views
    ("sim.state",),                                 # the declared state the mechanisms act on
    ("sim.policies",),                              # styles and their value objects
    ("sim.params", "sim.fields", "sim.declared", "sim.calendar", "sim.streams",
     "sim.scenarios", "sim.results", "sim.configs"),                 # plain declarations and values
)
#: Packages below the model that must not see it, or anything above it.
FORBIDDEN = {
    "sim.reporting": ("sim.model", "sim.mechanisms", "sim.agents", "sim.run", "sim.runs",
                      "sim.explore"),
}


def module_name(path: Path) -> str:
    """``sim/mechanisms/arena.py`` -> ``sim.mechanisms.arena``."""
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The ``sim`` modules a file imports (absolute names), wherever the import stands."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "sim":
            out.add(node.module)
            if node.module == "sim":  # from sim import simulate: the package's face
                out.add("sim")
    return out


def layer_of(module: str) -> int:
    """Index of the layer a module belongs to (its longest matching prefix)."""
    best, index = -1, None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, index = len(prefix), i
    assert index is not None, f"{module}: in no layer of tests/test_layers.py"
    return index


def graph() -> dict[str, set[str]]:
    """Module -> the sim modules it imports."""
    return {module_name(p): imports(p) for p in sorted(SIM.rglob("*.py"))}


@pytest.mark.parametrize("module, target", [
    (m, t) for m, targets in graph().items() for t in sorted(targets)])
def test_no_import_runs_up(module, target):
    """A module imports only its own layer or those below it."""
    assert layer_of(target) >= layer_of(module), f"{module} imports {target}, a higher layer"


def test_reporting_never_imports_the_model():
    """Reporting reads tables: it imports neither the model, its mechanisms nor the edge."""
    for module, targets in graph().items():
        for package, banned in FORBIDDEN.items():
            if module == package or module.startswith(package + "."):
                hit = [t for t in targets if any(t == b or t.startswith(b + ".") for b in banned)]
                assert not hit, f"{module} imports {hit}"


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one module (import circles)."""
    reach = {}
    for start in edges:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        reach[start] = seen
    groups = {frozenset({a} | {b for b in reach[a] if a in reach[b]}) for a in edges}
    return [set(g) for g in groups if len(g) > 1]


def test_no_circle_of_files():
    """No file reaches itself through imports."""
    edges = graph()
    resolved = {m: {t for t in ts if t in edges and t != m} for m, ts in edges.items()}
    assert cycles(resolved) == []


def test_the_circle_finder_finds_a_circle():
    """The circle check is not vacuous: a loop through three modules is found, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The layer check is not vacuous: a mechanism importing the run machinery is caught."""
    fake = tmp_path / "fake.py"
    fake.write_text("from sim.runs.jobs import collect\n")
    (target,) = imports(fake)
    assert layer_of(target) < layer_of("sim.mechanisms.arena")
