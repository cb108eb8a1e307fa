"""What a container start keeps instead of recomputing gives what recomputing gives (issue #15).

Each test holds a kept or rewritten value of the start path (the image
manager's, the start's environment) to the plain computation it replaced.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any, cast

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st
from test_start_path_caches import REFERENCES

from cluster_sim import images
from cluster_sim.environment.resolve import ContainerConfigError, EnvVar
from cluster_sim.kubelet.container_env import ContainerEnvironment
from cluster_sim.kubelet.image_manager import status_image
from cluster_sim.kubelet.pod_files import credentials_of
from cluster_sim.records import Recorder
from cluster_sim.registry import Registry
from cluster_sim.security.context import EffectiveSecurityContext
from cluster_sim.security.process_credentials import credentials_for


def _canonical(ref: images.ImageRef) -> str:
    return f"{ref.repository}@{ref.digest}" if ref.digest else f"{ref.repository}:{ref.tag}"


def test_a_references_canonical_name_is_spelled_from_its_fields_even_after_replace() -> None:
    for name in REFERENCES:
        ref = images.parse_image(name)
        assert ref.canonical == _canonical(ref)
        moved = dataclasses.replace(ref, tag="other")
        assert moved.canonical == _canonical(moved)
        assert moved == images.ImageRef(ref.name, ref.repository, "other", ref.digest)


def test_a_resolved_images_id_is_its_repository_at_its_digest() -> None:
    registry = Registry(Recorder(simpy.Environment()))
    for name in REFERENCES:
        resolved = registry.resolve(name)
        if resolved is not None:
            assert resolved.image_id == f"{resolved.repository}@{resolved.digest}"


def _status_image(held: dict[str, str], digest: str, config: str) -> str:
    """``status_image`` as it was: containerd's sorted repo tags of the image, first."""
    tags = sorted(name for name, d in held.items() if d == digest and "@" not in name)
    return tags[0] if tags else config


NAMES = st.sampled_from(
    ["docker.io/library/busybox:latest", "busybox:1.36", "a:b", "a@sha256:1", "z:9", "b:a"]
)


@given(st.dictionaries(NAMES, st.sampled_from(["d1", "d2", "d3"])), st.sampled_from(["d1", "d2"]))
def test_the_status_image_is_the_least_repo_tag_of_the_digest(
    held: dict[str, str], digest: str
) -> None:
    node = SimpleNamespace(images=held)
    resolved = SimpleNamespace(digest=digest, manifest=SimpleNamespace(config_digest="sha256:c"))
    expected = _status_image(held, digest, "sha256:c")
    assert status_image(cast(Any, node), cast(Any, resolved)) == expected


def _environment(values: dict[str, str]) -> ContainerEnvironment:
    variables = tuple(EnvVar(name, value, "value") for name, value in values.items())
    dicts = tuple(v.to_dict() for v in variables)
    return ContainerEnvironment(variables, dict(values), (), (), dicts)


@given(
    st.dictionaries(
        st.sampled_from(["PATH", "HOSTNAME", "A", "B", "LANG"]), st.text(max_size=3), max_size=4
    ),
    st.sampled_from(["web-0", "crash-1"]),
)
def test_pid_1s_environment_is_the_runtimes_then_the_containers_kept_per_hostname(
    values: dict[str, str], hostname: str
) -> None:
    environment = _environment(values)
    expected = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME": hostname,
        **values,
    }
    first = environment.process_env(hostname)
    assert first == expected and list(first) == list(expected)  # the same order too
    assert environment.process_env(hostname) is first  # a restart: the same dict
    other = environment.process_env(hostname + "x")
    assert other is not first and other["HOSTNAME"] == values.get("HOSTNAME", hostname + "x")


def test_credentials_kept_across_pods_are_those_computed_for_the_pair() -> None:
    contexts = [
        EffectiveSecurityContext(),
        EffectiveSecurityContext(run_as_user=1000, run_as_group=3000),
        EffectiveSecurityContext(run_as_user=1000, fs_group=2000, cap_drop=("ALL",)),
        EffectiveSecurityContext(run_as_non_root=True, privileged=True),
    ]
    for name in ("busybox", "nginx:1.27", images.DISTROLESS_STATIC):
        image = images.lookup(images.parse_image(name))
        assert image is not None
        for sc in contexts:
            assert credentials_of(sc, image) == credentials_for(sc, image)
            assert credentials_of(sc, image) is credentials_of(sc, image)  # kept


def test_a_containers_config_is_checked_again_when_any_of_its_inputs_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``EnvironmentCache.container_config`` answers a start from the same inputs (the
    container and Pod specs, the IP, the objects' generation, the image) with the kept
    environment; any of them new, it resolves (through ``resolve``'s own cache) and runs
    the user check again, and a check that fails is not kept."""
    from cluster_sim.kubelet import container_env

    checks: list[Any] = []
    refuse: set[Any] = set()

    def verify(pod: Any, container: Any, image: Any, name: str) -> None:
        checks.append(image)
        if image in refuse:
            raise ContainerConfigError("runAsNonRoot")

    resolutions: list[int] = []

    def resolve(self: Any, c: Any, pod_view: Any, node_allocatable: Any) -> Any:
        resolutions.append(self.objects.generation)
        return _environment({"A": str(len(resolutions))})

    monkeypatch.setattr(container_env, "verify_container_user", verify)
    monkeypatch.setattr(container_env.EnvironmentCache, "_resolve", resolve)
    pod = SimpleNamespace(manifest={"spec": {"securityContext": {"runAsNonRoot": True}}})
    rt = SimpleNamespace(pod=pod, network=SimpleNamespace(ip="10.0.0.1"), format_pod="p")
    objects = SimpleNamespace(generation=1)
    cache = container_env.EnvironmentCache(cast(Any, rt), cast(Any, None), cast(Any, objects))
    c = cast(Any, SimpleNamespace(name="app", manifest={"env": [{"name": "A", "value": "1"}]}))
    busybox, nginx = cast(Any, "busybox"), cast(Any, "nginx")

    def config(image: Any) -> ContainerEnvironment:
        return cache.container_config(c, image, dict, dict)

    first = config(busybox)
    assert config(busybox) is first and (checks, resolutions) == (["busybox"], [1])
    assert config(nginx) is first and (checks, resolutions) == (["busybox", "nginx"], [1])
    objects.generation = 2  # a ConfigMap, Secret or Service written
    second = config(nginx)
    assert second is not first and (checks[2:], resolutions) == (["nginx"], [1, 2])
    rt.network.ip = "10.0.0.2"
    assert config(nginx) is not second and checks[3:] == ["nginx"] and len(resolutions) == 3
    refuse.add("busybox")
    for _ in range(2):  # refused, and not kept: the retry checks again
        with pytest.raises(ContainerConfigError):
            config(busybox)
    assert checks[4:] == ["busybox", "busybox"]


CONTEXTS = st.one_of(
    st.none(),
    st.just("not a mapping"),
    st.dictionaries(
        st.sampled_from(["runAsNonRoot", "runAsUser", "privileged"]),
        st.one_of(st.none(), st.booleans(), st.integers(0, 2), st.just("yes")),
        max_size=3,
    ),
)


@given(CONTEXTS, CONTEXTS, st.booleans())
def test_a_start_skips_the_user_check_only_when_run_as_non_root_is_unset(
    pod_sc: Any, container_sc: Any, spec_is_mapping: bool
) -> None:
    """``asks_for_non_root`` False means the effective ``runAsNonRoot`` is unset, where
    ``verify_run_as_non_root`` passes whatever the image's user."""
    from cluster_sim.kubelet.container_env import asks_for_non_root
    from cluster_sim.security.context import determine_effective

    spec = {"securityContext": pod_sc} if spec_is_mapping else "not a mapping"
    container = {"name": "app", "securityContext": container_sc}
    if not asks_for_non_root({"spec": spec}, container):
        effective = determine_effective(spec if isinstance(spec, dict) else {}, container)
        assert effective.run_as_non_root is None
