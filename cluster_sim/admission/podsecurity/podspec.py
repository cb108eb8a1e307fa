"""Reading a Pod's metadata and spec the way the checks need it, whatever the input.

The checks run on manifests (dicts from YAML). A field of the wrong shape is
treated as absent, so no input makes a check raise: the API server's schema
validation reports such fields separately.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


@dataclass(frozen=True)
class PodView:
    """A Pod's ``metadata`` and ``spec`` (a Pod or a workload's template)."""

    metadata: dict[str, Any]
    spec: dict[str, Any]

    @classmethod
    def of(cls, manifest: Any) -> PodView:
        """From ``{metadata, spec}``: a Pod, or a template."""
        m = d(manifest)
        return cls(d(m.get("metadata")), d(m.get("spec")))

    @property
    def annotations(self) -> dict[str, str]:
        return {str(k): text(v) for k, v in d(self.metadata.get("annotations")).items()}

    @property
    def security_context(self) -> dict[str, Any] | None:
        sc = self.spec.get("securityContext")
        return sc if isinstance(sc, dict) else None

    def containers(self) -> Iterator[dict[str, Any]]:
        """initContainers, containers, then ephemeralContainers (``visitContainers``)."""
        for key in ("initContainers", "containers", "ephemeralContainers"):
            for container in lst(self.spec.get(key)):
                if isinstance(container, dict):
                    yield container

    def windows(self) -> bool:
        return d(self.spec.get("os")).get("name") == "windows"

    def host_users_false(self) -> bool:
        return self.spec.get("hostUsers") is False


def name(container: dict[str, Any]) -> str:
    return text(container.get("name"))


def container_sc(container: dict[str, Any]) -> dict[str, Any] | None:
    sc = container.get("securityContext")
    return sc if isinstance(sc, dict) else None
