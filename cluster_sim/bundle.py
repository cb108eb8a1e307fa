"""Turn YAML files into a Bundle: the cluster and the objects to simulate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import defaults
from .admission import apply as admission
from .errors import BundleError, InputError
from .limits import DEFAULT_LIMITS, RunLimits
from .model import Container, Namespace, Node, Pod, PodSpec, Resources
from .pipeline.spec import API_VERSION as PIPELINE_API_VERSION
from .pipeline.spec import MAX_PIPELINES, read_pipeline, too_many_pipelines
from .probes_model import Lifecycle, Probe
from .quantity import Quantity, QuantityError
from .scenario import API_VERSION as SCENARIO_API_VERSION
from .scenario import Scenario, ScenarioReader
from .validation import defaults as api_defaults
from .validation import validate_document
from .validation.field import CODE_UNSUPPORTED_KIND
from .validation.limits import too_many
from .validation.values import without_nulls
from .yamlsource import Document, YamlProblems, format_path, load_documents, source_problems

SUPPORTED_KINDS = (
    "Namespace",
    "Node",
    "Pod",
    "ConfigMap",
    "Secret",
    "Service",
    "ServiceAccount",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "DaemonSet",
    "StatefulSet",
    "PodDisruptionBudget",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "Scenario",
    "Pipeline",  # issue #16: read by cluster_sim.pipeline.spec, before validate_document
)
WORKLOAD_KINDS = (
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "DaemonSet",
    "StatefulSet",
)
# How messages name a kind's resource (``deployments.apps "web" already exists``).
_RESOURCES = {
    "Deployment": "deployments.apps",
    "ReplicaSet": "replicasets.apps",
    "ReplicationController": "replicationcontrollers",
    "Job": "jobs.batch",
    "CronJob": "cronjobs.batch",
    "DaemonSet": "daemonsets.apps",
    "StatefulSet": "statefulsets.apps",
    "PodDisruptionBudget": "poddisruptionbudgets.policy",
    "Role": "roles.rbac.authorization.k8s.io",
    "ClusterRole": "clusterroles.rbac.authorization.k8s.io",
    "RoleBinding": "rolebindings.rbac.authorization.k8s.io",
    "ClusterRoleBinding": "clusterrolebindings.rbac.authorization.k8s.io",
    "NetworkPolicy": "networkpolicies.networking.k8s.io",
    "Pipeline": "pipelines.playground.podlife.dev",
}
MAX_PODS = DEFAULT_LIMITS.pods
MAX_NODES = DEFAULT_LIMITS.nodes


@dataclass(frozen=True)
class Bundle:
    """Everything a run starts from, in the order the user wrote it."""

    nodes: tuple[Node, ...]
    namespaces: tuple[Namespace, ...]
    pods: tuple[Pod, ...]
    notices: tuple[str, ...] = field(default=())
    scenario: Scenario | None = None
    # ConfigMaps, Secrets, Services, ServiceAccounts: (kind, manifest), in input order.
    objects: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
    # Deployments, ReplicaSets, ReplicationControllers: (kind, manifest) in input order,
    # defaulted as the API server stores them, metadata.namespace filled in.
    workloads: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
    # Documents that were skipped but did not stop the run (a kind the playground does
    # not simulate), pinned to their lines; each is also one of ``notices``.
    warnings: tuple[InputError, ...] = field(default=())


def load_bundle(sources: Iterable[tuple[str, str]], limits: RunLimits = DEFAULT_LIMITS) -> Bundle:
    """Parse and validate ``(filename, text)`` pairs; raise ``BundleError``."""
    errors: list[InputError] = []
    documents: list[Document] = []
    for file, text in sources:
        problems = source_problems(file, text, limits)
        if problems:
            errors.extend(problems)
            continue
        try:
            documents.extend(load_documents(file, text, limits))
        except YamlProblems as failure:
            errors.extend(failure.errors)
    if errors:
        raise BundleError(errors)
    builder = _Builder(limits)
    for doc in documents:
        builder.add(doc)
    if builder.errors:
        raise BundleError(builder.errors)
    return builder.bundle()


class _Builder:
    def __init__(self, limits: RunLimits) -> None:
        self.limits = limits
        self.errors: list[InputError] = []
        self.nodes: list[Node] = []
        self.namespaces: dict[str, Namespace] = {}
        self.pods: list[Pod] = []
        self.pod_keys: set[str] = set()
        self.scenario: Scenario | None = None
        self.objects: list[tuple[str, dict[str, Any]]] = []
        self.object_keys: set[tuple[str, str, str]] = set()
        self.workloads: list[tuple[str, dict[str, Any]]] = []
        self.warnings: list[InputError] = []
        self.docs: dict[int, Document] = {}  # id(manifest) -> its document, for admission
        self.files: dict[str, int] = {}  # file -> its place in the input

    def add(self, doc: Document) -> None:
        self.files.setdefault(doc.file, len(self.files))
        if isinstance(doc.data, dict) and doc.data.get("kind") == "Pipeline":
            self._add_pipeline(doc, without_nulls(doc.data))  # the playground's own kind
            return
        # Layers 1-4 (cluster_sim.validation): a document with problems is not built.
        problems = validate_document(doc, supported_kinds=SUPPORTED_KINDS, run_limits=self.limits)
        if [p.code for p in problems] == [CODE_UNSUPPORTED_KIND]:
            # An Ingress, a CRD, ...: Kubernetes would store it; the playground skips
            # the document with a warning at its kind and runs the rest.
            self.warnings.extend(problems)
            return
        self.errors.extend(problems)
        data = doc.data
        if isinstance(data, dict) and data.get("kind") == "Scenario":
            if all(p.code == "limit" for p in problems):
                self._add_scenario(doc, data)
            return
        if problems:
            return
        # A null field is an absent one to the API server; the builders need not know.
        getattr(self, f"_add_{data['kind'].lower()}")(doc, without_nulls(data))

    def _add_scenario(self, doc: Document, data: dict[str, Any]) -> None:
        if data.get("apiVersion") != SCENARIO_API_VERSION:
            self.errors.append(
                doc.error(("apiVersion",), f"a Scenario is apiVersion: {SCENARIO_API_VERSION}")
            )
            return
        if self.scenario is not None:
            self.errors.append(doc.error(("kind",), "a bundle holds at most one Scenario"))
            return
        reader = ScenarioReader(doc, self.limits)
        scenario = reader.read()
        for path, message in reader.errors:
            self.errors.append(doc.error(path, f"Scenario {format_path(path)}: {message}"))
        self.scenario = scenario

    def _add_pipeline(self, doc: Document, data: dict[str, Any]) -> None:
        """A Pipeline (issue #16): read like a Scenario, created in the store like a workload."""
        if data.get("apiVersion") != PIPELINE_API_VERSION:
            self.errors.append(
                doc.error(("apiVersion",), f"a Pipeline is apiVersion: {PIPELINE_API_VERSION}")
            )
            return
        _, problems = read_pipeline(data)
        for path, message in problems:
            self.errors.append(doc.error(path, f"Pipeline {format_path(path)}: {message}"))
        if problems:
            return
        meta = _v if isinstance(_v := data.get("metadata"), dict) else {}
        name, namespace = str(meta.get("name") or ""), str(meta.get("namespace") or "default")
        if ("Pipeline", namespace, name) in self.object_keys:
            self.errors.append(
                doc.error(
                    ("metadata", "name"),
                    f'{_RESOURCES["Pipeline"]} "{name}" already exists in namespace "{namespace}"',
                )
            )
            return
        count = 1 + sum(1 for kind, _ in self.workloads if kind == "Pipeline")
        if count > MAX_PIPELINES:
            self.errors.append(doc.error(("kind",), too_many_pipelines(count), code="limit"))
            return
        self.object_keys.add(("Pipeline", namespace, name))
        manifest = {**data, "metadata": {**meta, "namespace": namespace}}
        self.workloads.append(("Pipeline", manifest))
        self.docs[id(manifest)] = doc

    def _add_object(self, doc: Document, data: dict[str, Any]) -> None:
        kind = str(data["kind"])
        meta = _v if isinstance(_v := data.get("metadata"), dict) else {}
        name = meta.get("name", "")
        namespace = meta.get("namespace") or "default"
        key = (kind, namespace, name)
        if key in self.object_keys:
            plural = kind.lower() + "s"
            self.errors.append(
                doc.error(
                    ("metadata", "name"),
                    f'{plural} "{name}" already exists in namespace "{namespace}"',
                )
            )
            return
        self.object_keys.add(key)
        self.objects.append((kind, {**data, "metadata": {**meta, "namespace": namespace}}))

    _add_configmap = _add_object
    _add_secret = _add_object
    _add_service = _add_object
    _add_serviceaccount = _add_object

    def _add_workload(self, doc: Document, data: dict[str, Any]) -> None:
        kind = str(data["kind"])
        meta = data["metadata"]
        name = str(meta.get("name") or "")
        namespace = meta.get("namespace") or "default"
        key = (kind, namespace, name)
        if key in self.object_keys:
            self.errors.append(
                doc.error(
                    ("metadata", "name"),
                    f'{_RESOURCES[kind]} "{name}" already exists in namespace "{namespace}"',
                )
            )
            return
        self.object_keys.add(key)
        manifest = api_defaults.workload(kind, data)
        manifest["metadata"] = {**manifest["metadata"], "namespace": namespace}
        self.workloads.append((kind, manifest))
        self.docs[id(manifest)] = doc

    _add_deployment = _add_workload
    _add_replicaset = _add_workload
    _add_replicationcontroller = _add_workload
    _add_job = _add_workload
    _add_cronjob = _add_workload
    _add_daemonset = _add_workload
    _add_statefulset = _add_workload
    _add_poddisruptionbudget = _add_workload
    # RBAC (cluster_sim.rbac): stored as written, the store defaults and validates them.
    _add_role = _add_clusterrole = _add_rolebinding = _add_clusterrolebinding = _add_workload
    # NetworkPolicy (cluster_sim.networkpolicy): the store defaults, validates and enforces it.
    _add_networkpolicy = _add_workload

    def _add_namespace(self, doc: Document, data: dict[str, Any]) -> None:
        meta = data.get("metadata")
        name = meta.get("name", "") if isinstance(meta, dict) else ""
        labels = namespace_labels(name, meta.get("labels") if isinstance(meta, dict) else None)
        # PodSecurity admission refuses a Namespace whose policy labels are invalid (422).
        _, label_errors = admission.CLUSTER_POD_SECURITY.policy(labels)
        if label_errors:
            self.errors.extend(
                doc.error(
                    ("metadata", "labels", e.key),
                    f'Namespace "{name}" is invalid: {e}',
                    code="FieldValueInvalid",
                )
                for e in label_errors
            )
            return
        self.namespaces[name] = Namespace(name, labels=labels)

    def _add_node(self, doc: Document, data: dict[str, Any]) -> None:
        meta = _v if isinstance(_v := data.get("metadata"), dict) else {}
        name = meta.get("name", "")
        status = data.get("status") or {}
        capacity = {**(status.get("capacity") or {}), **(status.get("allocatable") or {})}
        try:
            node = Node(
                name=name,
                labels={**defaults.node_labels(name), **(meta.get("labels") or {})},
                allocatable=Resources.from_manifest(
                    {
                        "cpu": capacity.get("cpu", defaults.NODE_CPU),
                        "memory": capacity.get("memory", defaults.NODE_MEMORY),
                    }
                ),
                max_pods=int(Quantity.parse(capacity.get("pods", defaults.NODE_PODS)).value()),
                unschedulable=bool((data.get("spec") or {}).get("unschedulable", False)),
                manifest=data,
            )
        except (QuantityError, TypeError, ValueError) as exc:
            self.errors.append(doc.error(("status",), f'The Node "{name}" is invalid: {exc}'))
            return
        self.nodes.append(node)

    def _add_pod(self, doc: Document, data: dict[str, Any]) -> None:
        meta = _v if isinstance(_v := data.get("metadata"), dict) else {}
        name = str(meta.get("name") or "")
        namespace = meta.get("namespace") or "default"
        key = f"{namespace}/{name}"
        if key in self.pod_keys:
            self.errors.append(
                doc.error(
                    ("metadata", "name"), f'pods "{name}" already exists in namespace "{namespace}"'
                )
            )
            return
        self.pod_keys.add(key)
        self.docs[id(data)] = doc
        spec = data["spec"]
        self.pods.append(
            Pod(
                namespace=namespace,
                name=name,
                labels=dict(meta.get("labels") or {}),
                annotations=dict(meta.get("annotations") or {}),
                spec=PodSpec(
                    containers=tuple(_container(c) for c in spec["containers"]),
                    init_containers=tuple(
                        _container(c, init=True) for c in spec.get("initContainers") or []
                    ),
                    restart_policy=spec.get("restartPolicy") or "Always",
                    node_name=spec.get("nodeName"),
                    node_selector=dict(spec.get("nodeSelector") or {}),
                    termination_grace_period_seconds=int(
                        spec.get("terminationGracePeriodSeconds", 30)
                    ),
                ),
                manifest=data,
            )
        )

    def _admit(self, namespaces: dict[str, Namespace]) -> list[InputError]:
        """The API server's PodSecurity admission of each Pod and workload, as kubectl shows it."""
        said: list[InputError] = []
        kept: list[Pod] = []
        for pod in self.pods:
            labels = namespaces[pod.namespace].labels
            admitted = admission.admit_pod(
                self.docs[id(pod.manifest)], pod.namespace, labels, pod.manifest
            )
            said.extend(admitted.messages)
            if admitted.created:
                kept.append(pod)
        self.pods = kept
        for kind, manifest in self.workloads:
            namespace = manifest["metadata"]["namespace"]
            labels = namespaces[namespace].labels
            doc = self.docs[id(manifest)]
            said.extend(admission.admit_workload(doc, kind, namespace, labels, manifest).messages)
        return said

    def bundle(self) -> Bundle:
        notices: list[str] = []
        scenario_nodes = self.scenario.nodes if self.scenario else ()
        nodes = self.nodes or [defaults.node_from_spec(n) for n in scenario_nodes]
        if not nodes:
            nodes = defaults.default_nodes()
            notices.append(
                f"no Node in the input: using the default cluster of {len(nodes)} nodes "
                f"({', '.join(n.name for n in nodes)}; {defaults.NODE_CPU} CPU, "
                f"{defaults.NODE_MEMORY} memory, {defaults.NODE_PODS} pods each)"
            )
        namespaces = dict(self.namespaces)
        for builtin in ("default", "kube-system", "kube-public", "kube-node-lease"):
            # implicit: not in the input (a live apply leaves the cluster's own alone)
            namespaces.setdefault(
                builtin, Namespace(builtin, implicit=True, labels=namespace_labels(builtin))
            )
        used = [p.namespace for p in self.pods] + [
            m["metadata"]["namespace"] for _, m in (*self.objects, *self.workloads)
        ]
        for namespace in used:
            if namespace not in namespaces:
                namespaces[namespace] = Namespace(
                    namespace, implicit=True, labels=namespace_labels(namespace)
                )
                notices.append(
                    f'namespace "{namespace}" is not defined in the input; created it implicitly'
                )
        warnings = sorted(
            [*self.warnings, *self._admit(namespaces)],
            key=lambda w: (self.files.get(w.file, len(self.files)), w.line, w.column),
        )
        notices[:0] = [admission.notice(w) for w in warnings]
        limits = self.limits
        containers = [len(p.spec.containers) + len(p.spec.init_containers) for p in self.pods]
        # A workload's Pods are counted when its controller makes them (a Pod past the
        # limit is a FailedCreate event at run time), but a template no Pod could have
        # is refused now.
        templates = [_template_containers(m) for _, m in self.workloads]
        for count, limit, what in (
            (len(self.pods), limits.pods, "Pods at once"),
            (len(nodes), limits.nodes, "Nodes"),
            (
                max(containers + templates, default=0),
                limits.containers_per_pod,
                "containers in one Pod",
            ),
            (sum(containers), limits.containers, "containers in all"),
        ):
            if count > limit:
                raise BundleError(
                    [InputError("<bundle>", 1, 1, too_many(what, limit, count), "", "limit")]
                )
        return Bundle(
            tuple(nodes),
            tuple(namespaces.values()),
            tuple(self.pods),
            tuple(notices),
            self.scenario,
            tuple(self.objects),
            tuple(self.workloads),
            tuple(warnings),
        )


def namespace_labels(name: str, labels: Any = None) -> dict[str, str]:
    """A Namespace's labels as stored: the API server sets ``kubernetes.io/metadata.name``."""
    given = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    return {**given, "kubernetes.io/metadata.name": name}


def _template_containers(manifest: dict[str, Any]) -> int:
    spec = ((manifest.get("spec") or {}).get("template") or {}).get("spec") or {}
    return len(spec.get("containers") or []) + len(spec.get("initContainers") or [])


def _container(c: dict[str, Any], *, init: bool = False) -> Container:
    image = c["image"]
    resources = c.get("resources") or {}
    limits = Resources.from_manifest(resources.get("limits"))
    requests_manifest = resources.get("requests")
    requests = Resources.from_manifest(requests_manifest)
    # API defaulting: a limit with no request makes the request equal to the limit.
    requests = Resources(
        requests.milli_cpu or (limits.milli_cpu if "cpu" not in (requests_manifest or {}) else 0),
        requests.memory or (limits.memory if "memory" not in (requests_manifest or {}) else 0),
    )
    return Container(
        name=c["name"],
        image=image,
        image_pull_policy=c.get("imagePullPolicy") or defaults.image_pull_policy(image),
        command=_strings(c.get("command")),
        args=_strings(c.get("args")),
        requests=requests,
        limits=limits,
        init=init,
        restart_policy=c.get("restartPolicy"),
        liveness_probe=Probe.from_manifest(c.get("livenessProbe")),
        readiness_probe=Probe.from_manifest(c.get("readinessProbe")),
        startup_probe=Probe.from_manifest(c.get("startupProbe")),
        lifecycle=Lifecycle.from_manifest(c.get("lifecycle")),
        ports={
            str(p["name"]): int(p["containerPort"])
            for p in c.get("ports") or []
            if isinstance(p, dict) and p.get("name") and isinstance(p.get("containerPort"), int)
        },
        manifest=c,
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)
