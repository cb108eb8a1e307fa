"""Kubernetes' defaults and the playground's default cluster."""

from __future__ import annotations

from .model import Node, Resources
from .quantity import Quantity
from .scenario import NodeSpec

NODE_CPU = "4"
NODE_MEMORY = "8Gi"
NODE_PODS = "110"
DEFAULT_NODE_COUNT = 3


def node_labels(name: str) -> dict[str, str]:
    return {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }


def default_nodes() -> list[Node]:
    return [
        Node(
            name=f"node-{i}",
            labels=node_labels(f"node-{i}"),
            allocatable=Resources(
                Quantity.parse(NODE_CPU).milli_value(), Quantity.parse(NODE_MEMORY).value()
            ),
            max_pods=int(NODE_PODS),
        )
        for i in range(1, DEFAULT_NODE_COUNT + 1)
    ]


def image_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or untagged images (no digest), else ``IfNotPresent``."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def node_from_spec(spec: NodeSpec) -> Node:
    """A node a Scenario describes by size."""
    return Node(
        name=spec.name,
        labels={**node_labels(spec.name), **spec.labels},
        allocatable=Resources(
            Quantity.parse(spec.cpu).milli_value(), Quantity.parse(spec.memory).value()
        ),
        max_pods=int(Quantity.parse(spec.pods).value()),
        allowed_unsafe_sysctls=spec.allowed_unsafe_sysctls,
    )
