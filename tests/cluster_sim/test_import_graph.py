"""cluster_sim's modules import each other without a circle, TYPE_CHECKING imports included.

Every ``import`` and ``from ... import`` of every module counts, wherever it is
(inside ``if TYPE_CHECKING:`` or a function too): a circle through type hints is
still a circle in the design (the kubelet reaching back into the Cluster was one).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cluster_sim"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(name, is_package, node)
                # ``from . import prober`` imports the submodule, not the package.
                targets = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                if len(targets) < len(node.names):
                    targets.append(base)
            for target in targets:
                # The nearest module that exists: ``a.b.C`` is module ``a.b``.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == GREY:
                return [*stack[stack.index(nxt) :], nxt]
            if colour[nxt] == WHITE and (found := visit(nxt)):
                return found
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE and (found := visit(node)):
            return found
    return None


def test_the_graph_sees_type_checking_imports() -> None:
    graph = import_graph()
    # pod_worker names KubeletHost only for type hints: that edge must be in the graph.
    assert "cluster_sim.kubelet.host" in graph["cluster_sim.kubelet.pod_worker"]
    assert "cluster_sim.controlplane.store" in graph["cluster_sim.controlplane.context"]


def test_find_cycle_finds_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


# Known debt, edges to remove (none left: the arithmetic types its variables with a Protocol).
KNOWN_EDGES: set[tuple[str, str]] = set()


def test_cluster_sim_has_no_import_circle() -> None:
    graph = import_graph()
    for importer, imported in KNOWN_EDGES:
        graph[importer].discard(imported)
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_control_plane_does_not_import_the_kubelet_or_the_cluster() -> None:
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("cluster_sim.controlplane"):
            assert not any(t.startswith("cluster_sim.kubelet") for t in targets), name
            assert "cluster_sim.cluster" not in targets, name


def test_the_kubelet_does_not_import_the_cluster() -> None:
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("cluster_sim.kubelet"):
            assert "cluster_sim.simulation" not in targets, name
            assert "cluster_sim.cluster" not in targets, name
            assert not any(t.startswith("cluster_sim.controlplane") for t in targets), name
