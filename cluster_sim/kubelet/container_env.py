"""A container's environment, expanded command and user check, kept until what they read changes.

``makeEnvironmentVariables`` reads the Pod (its spec, metadata and IP, as
the downward API shows them), the node's addresses and allocatable, the
container's spec, and the ConfigMaps, Secrets and Services that exist. A
crash-looping container resolves the same environment at every restart: the
result is kept per container and used again while none of those inputs
changed. The Pod's spec and the container's are replaced (never mutated) by
an apply, the Pod's IP is set once, and every write to a ConfigMap, Secret
or Service bumps ``ObjectStore.generation``; any of them changed, the
environment is resolved again. The runAsNonRoot check of the image's user
(``verify_container_user``) is a function of the Pod's and the container's
spec and the image. A start whose inputs (the environment's and the image)
are those of the container's last config passed both already: one look gives
it the kept environment. A resolution or check that fails
(``CreateContainerConfigError``) is not kept: the retry looks again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..environment.expansion import expand_container_command_and_args
from ..environment.resolve import EnvVar, make_environment_variables
from ..model import Container
from ..security.kubelet_check import verify_container_user

if TYPE_CHECKING:
    from ..images import Image
    from ..nodestate import NodeState, PodRuntime
    from ..objects import ObjectStore

View = Callable[[], dict[str, Any]]
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # containerd's


@dataclass(frozen=True, slots=True)
class ContainerEnvironment:
    """What a start needs of the environment: the variables, and command and args expanded."""

    variables: tuple[EnvVar, ...]
    values: dict[str, str]  # name -> value, read-only
    command: tuple[str, ...]
    args: tuple[str, ...]
    # ``EnvVar.to_dict`` of each variable, built once: ``records`` copies them
    dicts: tuple[dict[str, str], ...] = field(compare=False, repr=False)
    # hostname -> ``process_env``'s answer, built at the first start with that hostname
    _process_envs: dict[str, dict[str, str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def process_env(self, hostname: str) -> dict[str, str]:
        """PID 1's environment: the runtime's PATH and HOSTNAME, then the variables (which
        may replace them). Read-only, as ``values``: a process copies it, and a restart
        with the same environment and hostname gets the same dict instead of a new one."""
        env = self._process_envs.get(hostname)
        if env is None:
            env = self._process_envs[hostname] = {
                "PATH": DEFAULT_PATH,
                "HOSTNAME": hostname,
                **self.values,
            }
        return env

    def records(self) -> list[dict[str, str]]:
        """The ``env`` record's list: new dicts per record (a reader may keep or change them),
        copied from ``dicts`` rather than built from the variables again at every start."""
        return list(map(dict.copy, self.dicts))  # a C loop: no comprehension frame


def asks_for_non_root(pod: Mapping[str, Any], container: Mapping[str, Any]) -> bool:
    """Whether the Pod's or the container's securityContext names ``runAsNonRoot``.

    Neither does (most Pods): the effective context's ``runAsNonRoot`` is unset and
    ``verifyRunAsNonRoot`` passes at its first line, so the check need not run.
    """
    spec = pod.get("spec")
    pod_sc = spec.get("securityContext") if isinstance(spec, Mapping) else None
    container_sc = container.get("securityContext")
    return (isinstance(pod_sc, Mapping) and "runAsNonRoot" in pod_sc) or (
        isinstance(container_sc, Mapping) and "runAsNonRoot" in container_sc
    )


class EnvironmentCache:
    """The resolved environment of each container of one Pod, with what it was resolved from."""

    def __init__(
        self,
        rt: PodRuntime,
        node: NodeState,
        objects: ObjectStore,
        linked: LinkedEnvironments | None = None,
    ) -> None:
        self.rt = rt
        self.node = node
        self.objects = objects
        self.linked = LinkedEnvironments(objects) if linked is None else linked
        self._resolved: dict[str, tuple[tuple[Any, ...], ContainerEnvironment]] = {}
        # container -> what its last config was made of (``resolve``'s inputs and the image),
        # and its environment: a start from the same inputs passed both checks already
        self._configs: dict[str, tuple[tuple[Any, ...], ContainerEnvironment]] = {}

    def container_config(
        self, c: Container, image: Image, pod_view: View, node_allocatable: View
    ) -> ContainerEnvironment:
        """``generateContainerConfig``'s checks: the environment, then the image's user.

        Raises ``ContainerConfigError`` (a missing ConfigMap or Secret, a bad reference,
        runAsNonRoot with a root image).
        """
        rt = self.rt
        inputs = (c, rt.pod, rt.network.ip, self.objects.generation, image)
        kept = self._configs.get(c.name)
        if kept is not None and kept[0] == inputs:  # a crash loop's restart: one look
            return kept[1]
        environment = self.resolve(c, pod_view, node_allocatable)
        # the user check reads the Pod's and the container's spec and the image: run again
        # when only the IP or an object changed, it passes again
        if asks_for_non_root(rt.pod.manifest, c.manifest):
            verify_container_user(rt.pod.manifest, c.manifest, image, rt.format_pod)
        self._configs[c.name] = (inputs, environment)
        return environment

    def resolve(self, c: Container, pod_view: View, node_allocatable: View) -> ContainerEnvironment:
        """``c``'s environment against the objects that exist right now.

        ``pod_view`` gives the Pod as the API returns it and ``node_allocatable``
        the node's (``PodWorker``'s): called only when the environment is resolved again.
        Raises ``ContainerConfigError`` (a missing ConfigMap or Secret, a bad reference).
        """
        rt = self.rt
        inputs = (c, rt.pod, rt.network.ip, self.objects.generation)
        kept = self._resolved.get(c.name)
        if kept is not None and kept[0] == inputs:
            return kept[1]
        manifest = c.manifest
        if not manifest.get("env") and not manifest.get("envFrom"):
            resolved = self._linked(c, pod_view)
        else:
            resolved = self._resolve(c, pod_view(), node_allocatable())
        self._resolved[c.name] = (inputs, resolved)
        return resolved

    def _linked(self, c: Container, pod_view: View) -> ContainerEnvironment:
        """The environment of a container without ``env`` and ``envFrom``: its Pod's
        namespace's service links (``pod_view`` spells the Pod's namespace and
        ``enableServiceLinks`` as its spec has them), shared with every such container."""
        pod = self.rt.pod
        spec = pod.manifest.get("spec") or {}
        key = (
            pod.namespace or "default",
            spec.get("enableServiceLinks", True) is not False,
            tuple(map(str, c.manifest.get("command") or ())),
            tuple(map(str, c.manifest.get("args") or ())),
        )
        shared = self.linked.get(key)
        if shared is None:
            shared = self._resolve(c, pod_view(), {})  # no env: nothing reads the node
            self.linked.keep(key, shared)
        # the Pod's own object (its ``process_env`` answers are per hostname: per Pod)
        return ContainerEnvironment(
            shared.variables, shared.values, shared.command, shared.args, shared.dicts
        )

    def _resolve(
        self, c: Container, pod_view: dict[str, Any], node_allocatable: dict[str, Any]
    ) -> ContainerEnvironment:
        store = self.objects

        def config_maps(ns: str, name: str) -> dict[str, str] | None:
            obj = store.get("ConfigMap", ns, name)
            return None if obj is None else obj.data

        def secrets(ns: str, name: str) -> dict[str, str] | None:
            obj = store.get("Secret", ns, name)
            return None if obj is None else obj.data

        variables = make_environment_variables(
            pod_view,
            c.manifest,
            config_maps=config_maps,
            secrets=secrets,
            services=[o.manifest for o in store.all("Service")],
            pod_ips=[self.rt.pod_ip] if self.rt.pod_ip else [],
            host_ips=[self.node.node_ip],
            node_allocatable=node_allocatable,
        )
        dicts = tuple(v.to_dict() for v in variables)
        command, args = expand_container_command_and_args(c.manifest, [dict(d) for d in dicts])
        return ContainerEnvironment(
            tuple(variables),
            {v.name: v.value for v in variables},
            tuple(command),
            tuple(args),
            dicts,
        )


LINKED_KEPT = 256  # commands are user input: at most this many kept per generation


class LinkedEnvironments:
    """The environments of containers that read nothing of their Pod, for the whole run.

    A container without ``env`` and ``envFrom`` gets the service-link variables of
    its Pod's namespace (``enableServiceLinks``, the Services that exist) and its
    command and args expanded against them: the same for every Pod of a template.
    Kept per (namespace, links enabled, command, args) while
    ``ObjectStore.generation`` stays (a Service written or deleted bumps it);
    a new generation empties the table.
    """

    def __init__(self, objects: ObjectStore) -> None:
        self.objects = objects
        self._generation = objects.generation
        self._kept: dict[tuple[Any, ...], ContainerEnvironment] = {}

    def get(self, key: tuple[Any, ...]) -> ContainerEnvironment | None:
        if self._generation != self.objects.generation:
            self._generation = self.objects.generation
            self._kept.clear()
            return None
        return self._kept.get(key)

    def keep(self, key: tuple[Any, ...], environment: ContainerEnvironment) -> None:
        if len(self._kept) < LINKED_KEPT:
            self._kept[key] = environment
