"""The caches on a container start's path give what the uncached code gives (issue #15).

Each test compares a cached answer with the slow path's, including after what
invalidates it (a push moving a tag).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import simpy
from simrun import of, run, scenario

from cluster_sim import images
from cluster_sim.backoff import go_duration
from cluster_sim.records import Recorder
from cluster_sim.registry import ImageManifest, Registry

DOCS = Path(__file__).parent / "docs_examples"
REFERENCES = (
    "busybox",
    "busybox:1.36",
    "nginx:1.27",
    "docker.io/library/nginx:1.27",
    "registry.k8s.io/pause:3.9",
    "nginx:9.9.9-nope",
    "Bad/Name",
    "ghcr.io/acme/shop:v1",
    "nginx@sha256:" + "0" * 64,
)


@pytest.mark.parametrize("name", REFERENCES)
def test_parsing_and_validating_a_reference_answer_as_uncached(name: str) -> None:
    assert images.parse_image(name) == images.parse_image.__wrapped__(name)
    assert images.is_valid_reference(name) == (images.REFERENCE.match(name) is not None)


def test_durations_format_as_uncached_whether_int_or_float() -> None:
    for ms in (0, 1, 999, 1000, 1180, 10_000, 80_000, 3_600_000, 3_723_456):
        expected = go_duration.__wrapped__(ms)
        assert go_duration(ms) == go_duration(float(ms)) == expected
    assert go_duration(1180.7) == go_duration.__wrapped__(1180.7) == "1.18s"


def test_a_resolved_reference_is_the_uncached_answer_until_a_push_moves_its_tag() -> None:
    registry = Registry(Recorder(simpy.Environment()))
    for name in REFERENCES:
        assert registry.resolve(name) == registry._resolve(name)
        assert registry.resolve(name) == registry._resolve(name)  # the cached answer
    before = registry.resolve("busybox:1.36")
    assert before is not None
    digest = registry.push(
        "docker.io/library/busybox", "1.36", ImageManifest(base="busybox:1.36", source_commit="c")
    )
    after = registry.resolve("busybox:1.36")
    assert after == registry._resolve("busybox:1.36")
    assert after is not None and after.digest == digest != before.digest
    pinned = f"docker.io/library/busybox@{digest}"
    assert registry.resolve(pinned) == registry._resolve(pinned) is not None


def _always_built(
    self: Recorder, key: tuple[str, ...], kind: str, values: tuple[Any, ...], build: Any
) -> None:
    """``Recorder.changed_values`` without its skip: every call goes to ``changed``."""
    self.changed(key, kind, build(key, values))


SLEEPER = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "sleep 3600"]
"""
CRASHER = SLEEPER.replace("sleep 3600", "echo starting; exit 1")
# The same Pod name again while the force-deleted one's container still runs (30 s grace):
# two workers write the same "resources" keys.
RECREATED = SLEEPER + scenario(
    "{at: 20, delete: {pod: web, force: true}}",
    "at: 22\n    apply:\n      manifest: |\n        "
    + CRASHER.replace("\n", "\n        ").rstrip(),
)
CASES = {
    "crash-loop": CRASHER,
    "recreated": RECREATED,
    "oom": (DOCS / "memory-request-limit-2.yaml").read_text(),
    "memory": (DOCS / "memory-request-limit.yaml").read_text(),
    "throttled": (DOCS / "cpu-request-limit.yaml").read_text(),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_resources_records_are_those_every_call_reaching_the_recorder_writes(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = run(CASES[case], until=90)
    assert of(cached, "resources")
    monkeypatch.setattr(Recorder, "changed_values", _always_built)
    assert run(CASES[case], until=90) == cached


def test_each_env_record_is_the_variables_as_dicts_in_new_objects() -> None:
    from cluster_sim.kubelet.container_env import EnvironmentCache

    resolved: list[Any] = []
    original = EnvironmentCache.container_config

    def spy(self: EnvironmentCache, *args: Any) -> Any:
        resolved.append(original(self, *args))
        return resolved[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(EnvironmentCache, "container_config", spy)
        records = run(CRASHER, until=60)
    envs = [r["env"] for r in of(records, "env")]
    assert len(envs) >= 3 and len(resolved) == len(envs)
    for environment, env in zip(resolved, envs, strict=True):
        assert env == [v.to_dict() for v in environment.variables]
    firsts = [e[0] for e in envs]  # KUBERNETES_* at least: every record has its own dicts
    assert len({id(d) for d in firsts}) == len(firsts)
    assert all(d is not kept for d in firsts for kept in resolved[0].dicts)
