"""Pod validation: ``ValidatePodCreate`` and ``ValidatePodSpec`` (pkg/apis/core/validation).

A port of the upstream checks the playground's Pods can trip over, in the
order the API server runs them, with its field paths and messages (quirks
included: a downwardAPI volume item's errors are reported at
``volumes[i].downwardAPI`` without the item index, a mount's ``subPath`` at
``volumeMounts.subPath``). Call on a manifest defaulted by
:mod:`.defaults`. Not ported: securityContext details, affinity,
topologySpreadConstraints, resourceClaims, volumeDevices and the rarely used
volume sources (they are counted, not checked).
"""

from __future__ import annotations

import ipaddress
import posixpath
from dataclasses import dataclass
from typing import Any, Final

from . import rules
from .field import (
    FieldError,
    FieldPath,
    Key,
    duplicate,
    forbidden,
    invalid,
    not_found,
    not_supported,
    required,
)
from .meta import validate_annotations, validate_label_name, validate_labels, validate_object_meta
from .security_context import (
    container_security_context,
    fs_group_change_policy,
    pod_security_context_ids,
    seccomp_profile,
    supplemental_groups_policy,
)
from .sysctls import validate_sysctls
from .values import d, i, i0, int_or_string, lst, present, quantity, s

MAX_INT32: Final = 2**31 - 1
FILE_MODE_MSG: Final = "must be a number between 0 and 0777 (octal), both inclusive"
RESTART_POLICIES: Final = ("Always", "OnFailure", "Never")
PULL_POLICIES: Final = ("Always", "IfNotPresent", "Never")
DNS_POLICIES: Final = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PROTOCOLS: Final = ("SCTP", "TCP", "UDP")
TERMINATION_MESSAGE_POLICIES: Final = ("File", "FallbackToLogsOnError")
ENV_FIELD_PATHS: Final = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
VOLUME_FIELD_PATHS: Final = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
RESOURCE_FIELD_PATHS: Final = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
HUGEPAGES_PREFIXES: Final = ("requests.hugepages-", "limits.hugepages-")
CPU_DIVISORS: Final = frozenset(("1m", "1"))
MEMORY_DIVISORS: Final = frozenset(
    ("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")
)
# VolumeSource members in the order validateVolumeSource checks them; the path used in
# the "more than 1 volume type" error (two are spelt differently upstream).
VOLUME_SOURCES: Final = (
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
)
HOST_PATH_TYPES: Final = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
STANDARD_CONTAINER_RESOURCES: Final = frozenset(("cpu", "memory", "ephemeral-storage"))


@dataclass(frozen=True, slots=True)
class PodOptions:
    """``PodValidationOptions`` with Kubernetes 1.33's defaults."""

    relaxed_env_names: bool = True  # RelaxedEnvironmentVariableValidation (beta, on)
    resource_is_pod: bool = True  # a Pod, not a template inside a Deployment or Job


Errors = list[FieldError]


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def validate_pod_create(pod: dict[str, Any], opts: PodOptions | None = None) -> Errors:
    """``ValidatePodCreate`` on a defaulted Pod manifest."""
    errors = validate_pod_metadata_and_spec(pod, opts)
    spec = d(pod.get("spec"))
    if lst(spec.get("ephemeralContainers")):
        errors.append(forbidden(("spec", "ephemeralContainers"), "cannot be set on create"))
    if s(spec.get("nodeName")) and lst(spec.get("schedulingGates")):
        errors.append(
            forbidden(
                ("spec", "nodeName"), "cannot be set until all schedulingGates have been cleared"
            )
        )
    return errors


def validate_pod_metadata_and_spec(pod: dict[str, Any], opts: PodOptions | None = None) -> Errors:
    """``validatePodMetadataAndSpec``: what create and update share."""
    opts = opts or PodOptions()
    meta = d(pod.get("metadata"))
    spec = d(pod.get("spec"))
    errors = validate_object_meta(meta, namespaced=True, name_fn=rules.name_is_dns_subdomain)
    errors += validate_pod_annotations(meta.get("annotations"), ("metadata", "annotations"))
    errors += validate_pod_spec(spec, ("spec",), opts, pod_name=s(meta.get("name")))
    for key in ("containers", "initContainers"):
        for index, c in enumerate(lst(spec.get(key))):
            image = s(d(c).get("image"))
            if image != image.strip():
                errors.append(
                    invalid(
                        ("spec", key, index, "image"),
                        image,
                        "must not have leading or trailing whitespace",
                    )
                )
    return errors


def validate_pod_annotations(annotations: Any, path: FieldPath) -> Errors:
    """The pod-specific annotation checks the playground can meet."""
    errors: Errors = []
    cost = d(annotations).get("controller.kubernetes.io/pod-deletion-cost")
    if cost is not None:
        try:
            value = int(s(cost), 10)
            ok = -(2**31) <= value <= MAX_INT32 and s(cost).lstrip("+-").isdigit()
        except ValueError:
            ok = False
        if not ok:
            errors.append(
                invalid(
                    (*path, Key("controller.kubernetes.io/pod-deletion-cost")),
                    s(cost),
                    "must be a 32bit integer",
                )
            )
    return errors


def validate_pod_template(template: Any, path: FieldPath, opts: PodOptions) -> Errors:
    """``ValidatePodTemplateSpec`` (labels and annotations at ``template.labels``: upstream's)."""
    template = d(template)
    meta = d(template.get("metadata"))
    errors = validate_labels(meta.get("labels"), (*path, "labels"))
    errors += validate_annotations(meta.get("annotations"), (*path, "annotations"))
    errors += validate_pod_annotations(meta.get("annotations"), (*path, "annotations"))
    spec = d(template.get("spec"))
    errors += validate_pod_spec(spec, (*path, "spec"), opts, pod_name="")
    if lst(spec.get("ephemeralContainers")):
        errors.append(
            forbidden(
                (*path, "spec", "ephemeralContainers"),
                "ephemeral containers not allowed in pod template",
            )
        )
    return errors


def validate_pod_spec(
    spec: dict[str, Any], path: FieldPath, opts: PodOptions, pod_name: str
) -> Errors:
    """``ValidatePodSpec``."""
    errors: Errors = []
    grace = i(spec.get("terminationGracePeriodSeconds"))
    if grace is None:
        errors.append(required((*path, "terminationGracePeriodSeconds")))
    volumes, volume_errors = _volumes(lst(spec.get("volumes")), (*path, "volumes"), pod_name)
    errors += volume_errors
    restart_policy = s(spec.get("restartPolicy"))
    containers = lst(spec.get("containers"))
    errors += _containers(containers, volumes, grace, (*path, "containers"), opts, restart_policy)
    errors += _init_containers(
        lst(spec.get("initContainers")),
        containers,
        volumes,
        grace,
        (*path, "initContainers"),
        opts,
        restart_policy,
    )
    errors += _host_network_deps(spec, path, opts)
    errors += _restart_policy(restart_policy, (*path, "restartPolicy"))
    errors += _dns_policy(s(spec.get("dnsPolicy")), (*path, "dnsPolicy"))
    errors += validate_labels(spec.get("nodeSelector"), (*path, "nodeSelector"))
    errors += _pod_security_context(d(spec.get("securityContext")), spec, path)
    errors += _dns_config(spec, path)
    for index, gate in enumerate(lst(spec.get("readinessGates"))):
        condition = s(d(gate).get("conditionType"))
        for msg in rules.is_qualified_name(condition):
            errors.append(
                invalid((*path, "readinessGates", index, "conditionType"), condition, msg)
            )
    seen_gates: set[str] = set()
    for index, gate in enumerate(lst(spec.get("schedulingGates"))):
        name = s(d(gate).get("name"))
        for msg in rules.is_qualified_name(name):
            errors.append(invalid((*path, "schedulingGates", index), name, msg))
        if name in seen_gates:
            errors.append(duplicate((*path, "schedulingGates", index), name))
        seen_gates.add(name)
    for key, name_fn in (
        ("serviceAccountName", rules.name_is_dns_subdomain),
        ("nodeName", rules.name_is_dns_subdomain),
    ):
        value = s(spec.get(key))
        if value:
            errors += [invalid((*path, key), value, msg) for msg in name_fn(value, False)]
    deadline = i(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errors.append(
            invalid(
                (*path, "activeDeadlineSeconds"),
                deadline,
                rules.inclusive_range_error(1, MAX_INT32),
            )
        )
    for key in ("hostname", "subdomain"):
        value = s(spec.get(key))
        if value:
            errors += [invalid((*path, key), value, msg) for msg in rules.is_dns1123_label(value)]
    errors += validate_tolerations(lst(spec.get("tolerations")), (*path, "tolerations"))
    for index, alias in enumerate(lst(spec.get("hostAliases"))):
        alias = d(alias)
        errors += _valid_ip((*path, "hostAliases", index, "ip"), s(alias.get("ip")))
        for j, hostname in enumerate(lst(alias.get("hostnames"))):
            hostname = s(hostname)
            errors += [
                invalid((*path, "hostAliases", index, "hostnames", j), hostname, msg)
                for msg in rules.is_dns1123_subdomain(hostname)
            ]
    for key in ("priorityClassName", "runtimeClassName"):
        class_name = spec.get(key)
        if isinstance(class_name, str) and (class_name or key == "runtimeClassName"):
            errors += [
                invalid((*path, key), class_name, msg)
                for msg in rules.name_is_dns_subdomain(class_name, False)
            ]
    preemption = spec.get("preemptionPolicy")
    if isinstance(preemption, str) and preemption not in ("PreemptLowerPriority", "Never"):
        if preemption == "":
            errors.append(required((*path, "preemptionPolicy")))
        else:
            errors.append(
                not_supported(
                    (*path, "preemptionPolicy"), preemption, ("PreemptLowerPriority", "Never")
                )
            )
    os_name = d(spec.get("os")).get("name")
    if present(spec, "os") and s(os_name) not in ("linux", "windows"):
        if not s(os_name):
            errors.append(required((*path, "os", "name"), "cannot be empty"))
        else:
            errors.append(not_supported((*path, "os", "name"), s(os_name), ("linux", "windows")))
    return errors


# --------------------------------------------------------------------------------------
# Volumes
# --------------------------------------------------------------------------------------


def _volumes(volumes: list[Any], path: FieldPath, pod_name: str) -> tuple[set[str], Errors]:
    errors: Errors = []
    names: set[str] = set()
    for index, volume in enumerate(volumes):
        volume = d(volume)
        vol_path = (*path, index)
        name = s(volume.get("name"))
        problems = _volume_source(volume, vol_path)
        if not name:
            problems.append(required((*vol_path, "name")))
        else:
            problems += [
                invalid((*vol_path, "name"), name, msg) for msg in rules.is_dns1123_label(name)
            ]
        if name in names:
            problems.append(duplicate((*vol_path, "name"), name))
        if problems:
            errors += problems
        else:
            names.add(name)
    return names, errors


def _volume_source(volume: dict[str, Any], path: FieldPath) -> Errors:
    errors: Errors = []
    count = 0
    for key, error_key in VOLUME_SOURCES:
        if not present(volume, key):
            continue
        if count > 0:
            errors.append(forbidden((*path, error_key), "may not specify more than 1 volume type"))
            continue
        count += 1
        source = d(volume.get(key))
        source_path = (*path, key)
        if key == "emptyDir":
            limit = quantity(source.get("sizeLimit"))
            if limit is not None and limit.sign() < 0:
                errors.append(
                    forbidden(
                        (*source_path, "sizeLimit"),
                        "SizeLimit field must be a valid resource quantity",
                    )
                )
        elif key == "hostPath":
            host_path = s(source.get("path"))
            if not host_path:
                errors.append(required((*source_path, "path")))
            else:
                errors += _no_backsteps(host_path, (*source_path, "path"))
                host_type = source.get("type")
                if isinstance(host_type, str) and host_type not in HOST_PATH_TYPES:
                    errors.append(not_supported((*source_path, "type"), host_type, HOST_PATH_TYPES))
        elif key in ("secret", "configMap"):
            name_key = "secretName" if key == "secret" else "name"
            if not s(source.get(name_key)):
                errors.append(required((*source_path, name_key)))
            errors += _file_mode(source.get("defaultMode"), (*source_path, "defaultMode"))
            for j, item in enumerate(lst(source.get("items"))):
                errors += _key_to_path(d(item), (*source_path, "items", j))
        elif key == "persistentVolumeClaim":
            if not s(source.get("claimName")):
                errors.append(required((*source_path, "claimName")))
        elif key == "nfs":
            if not s(source.get("server")):
                errors.append(required((*source_path, "server")))
            nfs_path = s(source.get("path"))
            if not nfs_path:
                errors.append(required((*source_path, "path")))
            if not nfs_path.startswith("/"):
                errors.append(invalid((*source_path, "path"), nfs_path, "must be an absolute path"))
        elif key == "downwardAPI":
            errors += _file_mode(source.get("defaultMode"), (*source_path, "defaultMode"))
            for j, item in enumerate(lst(source.get("items"))):
                errors += _downward_api_file(d(item), source_path, (*source_path, "items", j))
        elif key == "projected":
            errors += _file_mode(source.get("defaultMode"), (*source_path, "defaultMode"))
            errors += _projection_sources(source, source_path)
        elif key == "csi" and not s(source.get("driver")):
            errors.append(required((*source_path, "driver")))
    if count == 0:
        errors.append(required(path, "must specify a volume type"))
    return errors


def _file_mode(mode: Any, path: FieldPath) -> Errors:
    value = i(mode)
    if value is not None and not 0 <= value <= 0o777:
        return [invalid(path, value, FILE_MODE_MSG)]
    return []


def _key_to_path(item: dict[str, Any], path: FieldPath) -> Errors:
    errors: Errors = []
    if not s(item.get("key")):
        errors.append(required((*path, "key")))
    item_path = s(item.get("path"))
    if not item_path:
        errors.append(required((*path, "path")))
    errors += local_non_reserved_path(item_path, (*path, "path"))
    errors += _file_mode(item.get("mode"), (*path, "mode"))
    return errors


def _downward_api_file(item: dict[str, Any], path: FieldPath, at: FieldPath) -> Errors:
    """``validateDownwardAPIVolumeFile``: ``path`` is the source's, not the item's (upstream)."""
    errors: Errors = []
    file_path = s(item.get("path"))
    if not file_path:
        errors.append(required((*path, "path"), at=(*at, "path")))
    errors += local_non_reserved_path(file_path, (*path, "path"), at=(*at, "path"))
    if present(item, "fieldRef"):
        errors += _object_field_selector(
            d(item.get("fieldRef")), VOLUME_FIELD_PATHS, (*path, "fieldRef"), at=(*at, "fieldRef")
        )
        if present(item, "resourceFieldRef"):
            errors.append(
                invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                    at=at,
                )
            )
    elif present(item, "resourceFieldRef"):
        errors += _resource_field_selector(
            d(item.get("resourceFieldRef")),
            (*path, "resourceFieldRef"),
            volume=True,
            at=(*at, "resourceFieldRef"),
        )
    else:
        errors.append(required(path, "one of fieldRef and resourceFieldRef is required", at=at))
    errors += _file_mode(item.get("mode"), (*path, "mode"))
    return errors


def _projection_sources(projected: dict[str, Any], path: FieldPath) -> Errors:
    errors: Errors = []
    seen_paths: set[str] = set()
    for index, source in enumerate(lst(projected.get("sources"))):
        source = d(source)
        src_path = (*path, "sources", index)
        count = 0
        for kind in ("secret", "configMap"):
            if not present(source, kind):
                continue
            count += 1
            entry = d(source.get(kind))
            kind_path = (*src_path, kind)
            if not s(entry.get("name")):
                errors.append(required((*kind_path, "name")))
            for j, item in enumerate(lst(entry.get("items"))):
                item = d(item)
                errors += _key_to_path(item, (*kind_path, "items", j))
                item_path = s(item.get("path"))
                if item_path:
                    if item_path in seen_paths:
                        errors.append(
                            invalid(path, s(entry.get("name")), "conflicting duplicate paths")
                        )
                    seen_paths.add(item_path)
        if present(source, "downwardAPI"):
            count += 1
            kind_path = (*src_path, "downwardAPI")
            for j, item in enumerate(lst(d(source.get("downwardAPI")).get("items"))):
                item = d(item)
                errors += _downward_api_file(item, kind_path, (*kind_path, "items", j))
                item_path = s(item.get("path"))
                if item_path:
                    if item_path in seen_paths:
                        errors.append(invalid(path, item_path, "conflicting duplicate paths"))
                    seen_paths.add(item_path)
        if present(source, "serviceAccountToken"):
            count += 1
            token = d(source.get("serviceAccountToken"))
            token_path = (*src_path, "serviceAccountToken")
            expiration = i0(token.get("expirationSeconds")) or 3600
            if expiration < 600:
                errors.append(
                    invalid(
                        (*token_path, "expirationSeconds"),
                        expiration,
                        "may not specify a duration less than 10 minutes",
                    )
                )
            if expiration > 1 << 32:
                errors.append(
                    invalid(
                        (*token_path, "expirationSeconds"),
                        expiration,
                        "may not specify a duration larger than 2^32 seconds",
                    )
                )
            token_file = s(token.get("path"))
            if not token_file:
                errors.append(required((*path, "path"), at=(*token_path, "path")))
            else:
                errors += local_non_reserved_path(
                    token_file, (*path, "path"), at=(*token_path, "path")
                )
        if present(source, "clusterTrustBundle"):
            count += 1
        if count > 1:
            errors.append(forbidden(src_path, "may not specify more than 1 volume type"))
    return errors


def _no_backsteps(target: str, path: FieldPath, at: FieldPath | None = None) -> Errors:
    if ".." in target.replace("\\", "/").split("/"):
        return [invalid(path, target, "must not contain '..'", at=at)]
    return []


def local_descending_path(target: str, path: FieldPath, at: FieldPath | None = None) -> Errors:
    errors: Errors = []
    if posixpath.isabs(target):
        errors.append(invalid(path, target, "must be a relative path", at=at))
    return errors + _no_backsteps(target, path, at)


def local_non_reserved_path(target: str, path: FieldPath, at: FieldPath | None = None) -> Errors:
    errors = local_descending_path(target, path, at)
    if target.startswith("..") and not target.startswith("../"):
        errors.append(invalid(path, target, "must not start with '..'", at=at))
    return errors


# --------------------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------------------


def _containers(
    containers: list[Any],
    volumes: set[str],
    grace: int | None,
    path: FieldPath,
    opts: PodOptions,
    restart_policy: str,
) -> Errors:
    if not containers:
        return [required(path)]
    errors: Errors = []
    names: set[str] = set()
    for index, c in enumerate(containers):
        c = d(c)
        c_path = (*path, index)
        errors += _container_common(c, volumes, c_path, opts, restart_policy)
        name = s(c.get("name"))
        if name in names:
            errors.append(duplicate((*c_path, "name"), name))
        else:
            names.add(name)
        if present(c, "lifecycle"):
            errors += _lifecycle(d(c.get("lifecycle")), grace, (*c_path, "lifecycle"))
        errors += _probes(c, grace, c_path)
        if present(c, "restartPolicy"):
            errors.append(
                forbidden((*c_path, "restartPolicy"), "may not be set for non-init containers")
            )
    errors += _host_port_conflicts(containers, path)
    return errors


def _init_containers(
    containers: list[Any],
    regular: list[Any],
    volumes: set[str],
    grace: int | None,
    path: FieldPath,
    opts: PodOptions,
    restart_policy: str,
) -> Errors:
    errors: Errors = []
    names = {s(d(c).get("name")) for c in regular}
    for index, c in enumerate(containers):
        c = d(c)
        c_path = (*path, index)
        errors += _container_common(c, volumes, c_path, opts, restart_policy)
        restart_always = False
        if present(c, "restartPolicy"):
            policy = s(c.get("restartPolicy"))
            if policy != "Always":
                errors.append(not_supported((*c_path, "restartPolicy"), policy, ("Always",)))
            restart_always = policy == "Always"
        name = s(c.get("name"))
        if name in names:
            errors.append(duplicate((*c_path, "name"), name))
        elif name:
            names.add(name)
        errors += _host_port_conflicts([c], path, offset=index)
        if restart_always:
            if present(c, "lifecycle"):
                errors += _lifecycle(d(c.get("lifecycle")), grace, (*c_path, "lifecycle"))
            errors += _probes(c, grace, c_path)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if present(c, key):
                    errors.append(
                        forbidden(
                            (*c_path, key),
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errors


def _container_common(
    c: dict[str, Any], volumes: set[str], path: FieldPath, opts: PodOptions, restart_policy: str
) -> Errors:
    """``validateContainerCommon``."""
    errors: Errors = []
    name = s(c.get("name"))
    if not name:
        errors.append(required((*path, "name")))
    else:
        errors += [invalid((*path, "name"), name, msg) for msg in rules.is_dns1123_label(name)]
    if not s(c.get("image")):
        errors.append(required((*path, "image")))
    policy = s(c.get("terminationMessagePolicy"))
    if not policy:
        errors.append(required((*path, "terminationMessagePolicy")))
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errors.append(
            not_supported((*path, "terminationMessagePolicy"), policy, TERMINATION_MESSAGE_POLICIES)
        )
    errors += _container_ports(lst(c.get("ports")), (*path, "ports"))
    errors += validate_env(lst(c.get("env")), (*path, "env"), opts)
    errors += _env_from(lst(c.get("envFrom")), (*path, "envFrom"), opts)
    errors += _volume_mounts(lst(c.get("volumeMounts")), volumes, c, (*path, "volumeMounts"))
    pull = s(c.get("imagePullPolicy"))
    if not pull:
        errors.append(required((*path, "imagePullPolicy")))
    elif pull not in PULL_POLICIES:
        errors.append(not_supported((*path, "imagePullPolicy"), pull, PULL_POLICIES))
    errors += validate_resources(d(c.get("resources")), (*path, "resources"))
    errors += _resize_policy(lst(c.get("resizePolicy")), (*path, "resizePolicy"), restart_policy)
    errors += container_security_context(c.get("securityContext"), (*path, "securityContext"))
    return errors


def _container_ports(ports: list[Any], path: FieldPath) -> Errors:
    errors: Errors = []
    names: set[str] = set()
    for index, port in enumerate(ports):
        port = d(port)
        p_path = (*path, index)
        name = s(port.get("name"))
        if name:
            messages = rules.is_valid_port_name(name)
            if messages:
                errors += [invalid((*p_path, "name"), name, msg) for msg in messages]
            elif name in names:
                errors.append(duplicate((*p_path, "name"), name))
            else:
                names.add(name)
        container_port = i0(port.get("containerPort"))
        if container_port == 0:
            errors.append(required((*p_path, "containerPort")))
        else:
            errors += [
                invalid((*p_path, "containerPort"), container_port, msg)
                for msg in rules.is_valid_port_num(container_port)
            ]
        host_port = i0(port.get("hostPort"))
        if host_port != 0:
            errors += [
                invalid((*p_path, "hostPort"), host_port, msg)
                for msg in rules.is_valid_port_num(host_port)
            ]
        protocol = s(port.get("protocol"))
        if not protocol:
            errors.append(required((*p_path, "protocol")))
        elif protocol not in PROTOCOLS:
            errors.append(not_supported((*p_path, "protocol"), protocol, PROTOCOLS))
    return errors


def _host_port_conflicts(containers: list[Any], path: FieldPath, offset: int = 0) -> Errors:
    """``AccumulateUniqueHostPorts``: ``protocol/hostIP/port`` once per Pod."""
    errors: Errors = []
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(lst(d(c).get("ports"))):
            port = d(port)
            host_port = i0(port.get("hostPort"))
            if host_port == 0:
                continue
            key = f"{s(port.get('protocol'))}/{s(port.get('hostIP'))}/{host_port}"
            if key in seen:
                errors.append(duplicate((*path, ci + offset, "ports", pi, "hostPort"), key))
            seen.add(key)
    return errors


def validate_env(env: list[Any], path: FieldPath, opts: PodOptions) -> Errors:
    """``ValidateEnv``."""
    errors: Errors = []
    for index, var in enumerate(env):
        var = d(var)
        v_path = (*path, index)
        name = s(var.get("name"))
        if not name:
            errors.append(required((*v_path, "name")))
        else:
            check = (
                rules.is_relaxed_env_var_name if opts.relaxed_env_names else rules.is_env_var_name
            )
            errors += [invalid((*v_path, "name"), name, msg) for msg in check(name)]
        errors += _env_value_from(var, (*v_path, "valueFrom"))
    return errors


def _env_value_from(var: dict[str, Any], path: FieldPath) -> Errors:
    if not present(var, "valueFrom"):
        return []
    source = d(var.get("valueFrom"))
    errors: Errors = []
    count = 0
    if present(source, "fieldRef"):
        count += 1
        errors += _object_field_selector(
            d(source["fieldRef"]), ENV_FIELD_PATHS, (*path, "fieldRef")
        )
    if present(source, "resourceFieldRef"):
        count += 1
        errors += _resource_field_selector(
            d(source["resourceFieldRef"]), (*path, "resourceFieldRef"), volume=False
        )
    for key in ("configMapKeyRef", "secretKeyRef"):
        if present(source, key):
            count += 1
            errors += _key_selector(d(source[key]), (*path, key))
    if count == 0:
        errors.append(
            invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                "`secretKeyRef`",
            )
        )
    elif s(var.get("value")):
        errors.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errors.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errors


def _object_field_selector(
    selector: dict[str, Any],
    expressions: tuple[str, ...],
    path: FieldPath,
    at: FieldPath | None = None,
) -> Errors:
    """``validateObjectFieldSelector`` (``apiVersion`` is defaulted to ``v1``)."""
    from ..environment.downward import (
        DownwardAPIError,
        convert_downward_api_field_label,
        split_maybe_subscripted_path,
    )

    def where(*rest: str) -> FieldPath | None:
        return (*at, *rest) if at is not None else None

    api_version = s(selector.get("apiVersion"))
    if not api_version:
        return [required((*path, "apiVersion"), at=where("apiVersion"))]
    field_path = s(selector.get("fieldPath"))
    if not field_path:
        return [required((*path, "fieldPath"), at=where("fieldPath"))]
    try:
        internal = convert_downward_api_field_label(api_version, field_path)
    except DownwardAPIError as exc:
        return [
            invalid(
                (*path, "fieldPath"),
                field_path,
                f"error converting fieldPath: {exc}",
                at=where("fieldPath"),
            )
        ]
    base, subscript, subscripted = split_maybe_subscripted_path(internal)
    if subscripted:
        if base == "metadata.annotations":
            subscript = subscript.lower()
        return [
            invalid(path, subscript, msg, at=where("fieldPath"))
            for msg in rules.is_qualified_name(subscript)
        ]
    if base not in expressions:
        return [
            not_supported((*path, "fieldPath"), base, sorted(expressions), at=where("fieldPath"))
        ]
    return []


def _resource_field_selector(
    selector: dict[str, Any], path: FieldPath, *, volume: bool, at: FieldPath | None = None
) -> Errors:
    """``validateContainerResourceFieldSelector`` and the divisor check."""

    def where(*rest: str) -> FieldPath | None:
        return (*at, *rest) if at is not None else None

    errors: Errors = []
    resource = s(selector.get("resource"))
    if volume and not s(selector.get("containerName")):
        errors.append(required((*path, "containerName"), at=where("containerName")))
    elif not resource:
        errors.append(required((*path, "resource"), at=where("resource")))
    elif resource not in RESOURCE_FIELD_PATHS and not resource.startswith(HUGEPAGES_PREFIXES):
        errors.append(
            not_supported((*path, "resource"), resource, RESOURCE_FIELD_PATHS, at=where("resource"))
        )
    divisor = quantity(selector.get("divisor"))
    if divisor is not None and not divisor.is_zero():
        text = str(divisor)
        detail = ""
        if resource in ("limits.cpu", "requests.cpu") and text not in CPU_DIVISORS:
            detail = "only divisor's values 1m and 1 are supported with the cpu resource"
        elif resource in ("limits.memory", "requests.memory") and text not in MEMORY_DIVISORS:
            detail = (
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei "
                "are supported with the memory resource"
            )
        elif (
            resource in ("limits.ephemeral-storage", "requests.ephemeral-storage")
            and text not in MEMORY_DIVISORS
        ):
            detail = (
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei "
                "are supported with the local ephemeral storage resource"
            )
        if detail:
            errors.append(invalid((*path, "divisor"), resource, detail, at=where("divisor")))
        if resource.startswith(HUGEPAGES_PREFIXES) and text not in MEMORY_DIVISORS:
            errors.append(
                invalid(
                    (*path, "divisor"),
                    resource,
                    "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, "
                    "1Ei are supported with the hugepages resource",
                    at=where("divisor"),
                )
            )
    return errors


def _key_selector(selector: dict[str, Any], path: FieldPath) -> Errors:
    """``validateConfigMapKeySelector`` / ``validateSecretKeySelector``."""
    name = s(selector.get("name"))
    errors = [
        invalid((*path, "name"), name, msg) for msg in rules.name_is_dns_subdomain(name, False)
    ]
    key = s(selector.get("key"))
    if not key:
        errors.append(required((*path, "key")))
    else:
        errors += [invalid((*path, "key"), key, msg) for msg in rules.is_config_map_key(key)]
    return errors


def _env_from(sources: list[Any], path: FieldPath, opts: PodOptions) -> Errors:
    errors: Errors = []
    for index, source in enumerate(sources):
        source = d(source)
        s_path = (*path, index)
        prefix = s(source.get("prefix"))
        if prefix:
            check = (
                rules.is_relaxed_env_var_name if opts.relaxed_env_names else rules.is_env_var_name
            )
            errors += [invalid((*s_path, "prefix"), prefix, msg) for msg in check(prefix)]
        count = 0
        for key in ("configMapRef", "secretRef"):
            if present(source, key):
                count += 1
                name = s(d(source[key]).get("name"))
                if not name:
                    errors.append(required((*s_path, key, "name")))
                else:
                    errors += [
                        invalid((*s_path, key, "name"), name, msg)
                        for msg in rules.name_is_dns_subdomain(name, True)
                    ]
        if count == 0:
            errors.append(
                invalid(path, "", "must specify one of: `configMapRef` or `secretRef`", at=s_path)
            )
        elif count > 1:
            errors.append(
                invalid(path, "", "may not have more than one field specified at a time", at=s_path)
            )
    return errors


def _volume_mounts(
    mounts: list[Any], volumes: set[str], container: dict[str, Any], path: FieldPath
) -> Errors:
    """``ValidateVolumeMounts`` (subPath errors at ``volumeMounts.subPath``: upstream's path)."""
    errors: Errors = []
    mount_points: set[str] = set()
    for index, mount in enumerate(mounts):
        mount = d(mount)
        m_path = (*path, index)
        name = s(mount.get("name"))
        if not name:
            errors.append(required((*m_path, "name")))
        if name not in volumes:
            errors.append(not_found((*m_path, "name"), name))
        mount_path = s(mount.get("mountPath"))
        if not mount_path:
            errors.append(required((*m_path, "mountPath")))
        if mount_path in mount_points:
            errors.append(invalid((*m_path, "mountPath"), mount_path, "must be unique"))
        mount_points.add(mount_path)
        sub_path = s(mount.get("subPath"))
        if sub_path:
            errors += local_descending_path(sub_path, (*path, "subPath"), at=(*m_path, "subPath"))
        sub_path_expr = s(mount.get("subPathExpr"))
        if sub_path_expr:
            if sub_path:
                errors.append(
                    invalid(
                        (*m_path, "subPathExpr"),
                        sub_path_expr,
                        "subPathExpr and subPath are mutually exclusive",
                    )
                )
            errors += local_descending_path(
                sub_path_expr, (*path, "subPathExpr"), at=(*m_path, "subPathExpr")
            )
        propagation = mount.get("mountPropagation")
        if isinstance(propagation, str):
            supported = ("Bidirectional", "HostToContainer", "None")
            at = (*m_path, "mountPropagation")
            if propagation not in supported:
                errors.append(
                    not_supported((*path, "mountPropagation"), propagation, supported, at=at)
                )
            privileged = d(container.get("securityContext")).get("privileged") is True
            if propagation == "Bidirectional" and not privileged:
                errors.append(
                    forbidden(
                        (*path, "mountPropagation"),
                        "Bidirectional mount propagation is available only to privileged "
                        "containers",
                        at=at,
                    )
                )
        recursive = mount.get("recursiveReadOnly")
        if isinstance(recursive, str):
            at = (*m_path, "recursiveReadOnly")
            if recursive in ("Enabled", "IfPossible"):
                if mount.get("readOnly") is not True:
                    errors.append(
                        forbidden(
                            (*path, "recursiveReadOnly"),
                            "may only be specified when readOnly is true",
                            at=at,
                        )
                    )
                if isinstance(propagation, str) and propagation != "None":
                    errors.append(
                        forbidden(
                            (*path, "recursiveReadOnly"),
                            "may only be specified when mountPropagation is None or not specified",
                            at=at,
                        )
                    )
            elif recursive != "Disabled":
                errors.append(
                    not_supported(
                        (*path, "recursiveReadOnly"),
                        recursive,
                        ("Disabled", "Enabled", "IfPossible"),
                        at=at,
                    )
                )
    return errors


def _resize_policy(policies: list[Any], path: FieldPath, restart_policy: str) -> Errors:
    errors: Errors = []
    seen: set[str] = set()
    for index, policy in enumerate(policies):
        policy = d(policy)
        resource = s(policy.get("resourceName"))
        if resource in seen:
            errors.append(duplicate((*path, index), resource))
        seen.add(resource)
        if not resource:
            errors.append(required(path, at=(*path, index)))
        elif resource not in ("cpu", "memory"):
            errors.append(not_supported(path, resource, ("cpu", "memory"), at=(*path, index)))
        restart = s(policy.get("restartPolicy"))
        if not restart:
            errors.append(required(path, at=(*path, index)))
        elif restart not in ("NotRequired", "RestartContainer"):
            errors.append(
                not_supported(path, restart, ("NotRequired", "RestartContainer"), at=(*path, index))
            )
        if restart_policy == "Never" and restart != "NotRequired":
            errors.append(
                invalid(
                    path,
                    restart,
                    "must be 'NotRequired' when `restartPolicy` is 'Never'",
                    at=(*path, index),
                )
            )
    return errors


# --------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _container_resource_name(name: str, path: FieldPath) -> Errors:
    errors = [invalid(path, name, msg) for msg in rules.is_qualified_name(name)]
    if errors:
        return errors
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            return [invalid(path, name, "must be a standard resource for containers")]
        return []
    if not _is_native(name) and (
        name.startswith("requests.") or rules.is_qualified_name("requests." + name)
    ):
        return [invalid(path, name, "doesn't follow extended resource name standard")]
    return []


def validate_resources(resources: dict[str, Any], path: FieldPath) -> Errors:
    """``ValidateResourceRequirements`` (decode errors of bad quantities are reported apart)."""
    errors: Errors = []
    lim_path, req_path = (*path, "limits"), (*path, "requests")
    limits = {str(k): quantity(v) for k, v in d(resources.get("limits")).items()}
    requests = {str(k): quantity(v) for k, v in d(resources.get("requests")).items()}
    lim_cpu_memory = req_cpu_memory = lim_huge = req_huge = False
    for name, value in limits.items():
        f_path = (*lim_path, Key(name))
        errors += _container_resource_name(name, f_path)
        errors += _quantity_value(name, value, f_path)
        lim_huge = lim_huge or _is_hugepages(name)
        lim_cpu_memory = lim_cpu_memory or name in ("cpu", "memory")
    for name, value in requests.items():
        f_path = (*req_path, Key(name))
        errors += _container_resource_name(name, f_path)
        errors += _quantity_value(name, value, f_path)
        if value is None:
            continue
        limit = limits.get(name)
        if name in limits and limit is not None:
            if value.cmp(limit) != 0 and not _overcommit_allowed(name):
                errors.append(
                    invalid(req_path, str(value), f"must be equal to {name} limit of {limit}")
                )
            elif value.cmp(limit) > 0:
                errors.append(
                    invalid(
                        req_path,
                        str(value),
                        f"must be less than or equal to {name} limit of {limit}",
                        at=f_path,
                    )
                )
        elif name not in limits and not _overcommit_allowed(name):
            errors.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        req_huge = req_huge or _is_hugepages(name)
        req_cpu_memory = req_cpu_memory or name in ("cpu", "memory")
    if not lim_cpu_memory and not req_cpu_memory and (lim_huge or req_huge):
        errors.append(forbidden(path, "HugePages require cpu or memory"))
    return errors


def _quantity_value(name: str, value: Any, path: FieldPath) -> Errors:
    if value is None:
        return []
    errors: Errors = []
    if value.sign() < 0:
        errors.append(invalid(path, str(value), rules.NEGATIVE_ERROR))
    if "/" in name and not _is_native(name) and value.milli_value() % 1000 != 0:
        errors.append(invalid(path, str(value), "must be an integer"))
    return errors


# --------------------------------------------------------------------------------------
# Probes and lifecycle handlers
# --------------------------------------------------------------------------------------


def _probes(c: dict[str, Any], grace: int | None, path: FieldPath) -> Errors:
    errors: Errors = []
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        if not present(c, key):
            continue
        probe = d(c.get(key))
        p_path = (*path, key)
        errors += _probe(probe, grace, p_path)
        if key == "readinessProbe":
            if present(probe, "terminationGracePeriodSeconds"):
                errors.append(
                    invalid(
                        (*p_path, "terminationGracePeriodSeconds"),
                        probe.get("terminationGracePeriodSeconds"),
                        "must not be set for readinessProbes",
                    )
                )
        else:
            threshold = i0(probe.get("successThreshold"))
            if threshold != 1:
                errors.append(invalid((*p_path, "successThreshold"), threshold, "must be 1"))
    return errors


def _probe(probe: dict[str, Any], grace: int | None, path: FieldPath) -> Errors:
    errors = _handler(probe, grace, path, kinds=("exec", "httpGet", "tcpSocket", "grpc"))
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        value = i0(probe.get(key))
        if value < 0:
            errors.append(invalid((*path, key), value, rules.NEGATIVE_ERROR))
    probe_grace = i(probe.get("terminationGracePeriodSeconds"))
    if probe_grace is not None and probe_grace <= 0:
        errors.append(
            invalid((*path, "terminationGracePeriodSeconds"), probe_grace, "must be greater than 0")
        )
    return errors


def _lifecycle(lifecycle: dict[str, Any], grace: int | None, path: FieldPath) -> Errors:
    errors: Errors = []
    for hook in ("postStart", "preStop"):
        if present(lifecycle, hook):
            errors += _handler(
                d(lifecycle[hook]),
                grace,
                (*path, hook),
                kinds=("exec", "httpGet", "tcpSocket", "sleep"),
            )
    return errors


def _handler(
    handler: dict[str, Any], grace: int | None, path: FieldPath, kinds: tuple[str, ...]
) -> Errors:
    """``validateHandler``: exactly one of exec, httpGet, tcpSocket, grpc (probes), sleep."""
    errors: Errors = []
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        if kind not in kinds or not present(handler, kind):
            continue
        k_path = (*path, kind)
        if count > 0:
            errors.append(forbidden(k_path, "may not specify more than 1 handler type"))
            continue
        count += 1
        action = d(handler.get(kind))
        if kind == "exec":
            if not lst(action.get("command")):
                errors.append(required((*k_path, "command")))
        elif kind == "httpGet":
            if not s(action.get("path")):
                errors.append(required((*k_path, "path")))
            errors += port_num_or_name(action.get("port"), (*k_path, "port"))
            scheme = s(action.get("scheme"))
            if scheme not in ("HTTP", "HTTPS"):
                errors.append(not_supported((*k_path, "scheme"), scheme, ("HTTP", "HTTPS")))
            for j, header in enumerate(lst(action.get("httpHeaders"))):
                header_name = s(d(header).get("name"))
                for msg in rules.is_http_header_name(header_name):
                    errors.append(
                        invalid(
                            (*k_path, "httpHeaders"),
                            header_name,
                            msg,
                            at=(*k_path, "httpHeaders", j, "name"),
                        )
                    )
        elif kind == "tcpSocket":
            errors += port_num_or_name(action.get("port"), (*k_path, "port"))
        elif kind == "grpc":
            port = i0(action.get("port"))
            errors += [
                invalid((*k_path, "port"), port, msg) for msg in rules.is_valid_port_num(port)
            ]
        elif kind == "sleep":
            seconds = i0(action.get("seconds"))
            # PodLifecycleSleepActionAllowZero is beta (on) in 1.33: zero is allowed.
            if grace is not None and (seconds < 0 or seconds > grace):
                errors.append(
                    invalid(
                        k_path,
                        seconds,
                        "must be non-negative and less than terminationGracePeriodSeconds "
                        f"({grace})",
                        at=(*k_path, "seconds"),
                    )
                )
    if count == 0:
        errors.append(required(path, "must specify a handler type"))
    return errors


def port_num_or_name(value: Any, path: FieldPath) -> Errors:
    """``ValidatePortNumOrName`` for an ``intstr.IntOrString``."""
    port = int_or_string(value)
    if isinstance(port, str):
        return [invalid(path, port, msg) for msg in rules.is_valid_port_name(port)]
    number = port or 0
    return [invalid(path, number, msg) for msg in rules.is_valid_port_num(number)]


# --------------------------------------------------------------------------------------
# Pod-level fields
# --------------------------------------------------------------------------------------


def _host_network_deps(spec: dict[str, Any], path: FieldPath, opts: PodOptions) -> Errors:
    if spec.get("hostNetwork") is not True:
        return []
    errors: Errors = []
    for ci, c in enumerate(lst(spec.get("containers"))):
        for pi, port in enumerate(lst(d(c).get("ports"))):
            port = d(port)
            host_port, container_port = i0(port.get("hostPort")), i0(port.get("containerPort"))
            if (opts.resource_is_pod or host_port != 0) and host_port != container_port:
                errors.append(
                    invalid(
                        (*path, "containers", ci, "ports", pi, "hostPort"),
                        host_port,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
                )
    return errors


def _restart_policy(policy: str, path: FieldPath) -> Errors:
    if policy in RESTART_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, RESTART_POLICIES)]


def _dns_policy(policy: str, path: FieldPath) -> Errors:
    if policy in DNS_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, DNS_POLICIES)]


def _pod_security_context(context: dict[str, Any], spec: dict[str, Any], path: FieldPath) -> Errors:
    """``validatePodSpecSecurityContext``, in its order; ids as IsValidUserID/IsValidGroupID."""
    sc_path = (*path, "securityContext")
    errors = pod_security_context_ids(context, sc_path)
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        errors.append(
            invalid(
                (*sc_path, "shareProcessNamespace"),
                True,
                "ShareProcessNamespace and HostPID cannot both be enabled",
                at=(*path, "shareProcessNamespace"),
            )
        )
    if lst(context.get("sysctls")):
        errors += validate_sysctls(context.get("sysctls"), spec, (*sc_path, "sysctls"))
    errors += fs_group_change_policy(context, sc_path)
    errors += seccomp_profile(context.get("seccompProfile"), (*sc_path, "seccompProfile"))
    errors += supplemental_groups_policy(context, sc_path)
    return errors


def _valid_ip(path: FieldPath, value: str) -> Errors:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return [
            invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        ]
    return []


def _dns_config(spec: dict[str, Any], path: FieldPath) -> Errors:
    c_path = (*path, "dnsConfig")
    config = spec.get("dnsConfig")
    if s(spec.get("dnsPolicy")) == "None":
        if not isinstance(config, dict):
            return [required(c_path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not lst(config.get("nameservers")):
            return [
                required(
                    (*c_path, "nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if not isinstance(config, dict):
        return []
    errors: Errors = []
    nameservers = [s(n) for n in lst(config.get("nameservers"))]
    if len(nameservers) > 3:
        errors.append(
            invalid(
                (*c_path, "nameservers"),
                nameservers,
                "must not have more than 3 nameservers",
            )
        )
    for index, server in enumerate(nameservers):
        errors += _valid_ip((*c_path, "nameservers", index), server)
    searches = [s(x) for x in lst(config.get("searches"))]
    if len(searches) > 32:
        errors.append(
            invalid((*c_path, "searches"), searches, "must not have more than 32 search paths")
        )
    if len(" ".join(searches)) > 2048:
        errors.append(
            invalid(
                (*c_path, "searches"),
                searches,
                "must not have more than 2048 characters (including spaces) in the search list",
            )
        )
    for index, search in enumerate(searches):
        search = search.removesuffix(".")
        errors += [
            invalid((*c_path, "searches", index), search, msg)
            for msg in rules.is_dns1123_subdomain(search)
        ]
    for index, option in enumerate(lst(config.get("options"))):
        if not s(d(option).get("name")):
            errors.append(required((*c_path, "options", index), "must not be empty"))
    return errors


def validate_tolerations(tolerations: list[Any], path: FieldPath) -> Errors:
    """``ValidateTolerations``."""
    errors: Errors = []
    for index, toleration in enumerate(tolerations):
        toleration = d(toleration)
        t_path = (*path, index)
        key = s(toleration.get("key"))
        operator = s(toleration.get("operator"))
        effect = s(toleration.get("effect"))
        value = s(toleration.get("value"))
        if key:
            errors += validate_label_name(key, (*t_path, "key"))
        if not key and operator != "Exists":
            errors.append(
                invalid(
                    (*t_path, "operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if present(toleration, "tolerationSeconds") and effect != "NoExecute":
            errors.append(
                invalid(
                    (*t_path, "effect"),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            messages = rules.is_valid_label_value(value)
            if messages:
                errors.append(invalid((*t_path, "operator"), value, ";".join(messages)))
        elif operator == "Exists":
            if value:
                errors.append(
                    invalid(
                        (*t_path, "operator"),
                        _go_toleration(toleration),
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errors.append(not_supported((*t_path, "operator"), operator, ("Equal", "Exists")))
        if effect and effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errors.append(
                not_supported(
                    (*t_path, "effect"), effect, ("NoSchedule", "PreferNoSchedule", "NoExecute")
                )
            )
    return errors


def _go_toleration(toleration: dict[str, Any]) -> Any:
    from .field import GoRepr, go_quote

    seconds = i(toleration.get("tolerationSeconds"))
    shown = "(*int64)(nil)" if seconds is None else f"&{seconds}"
    return GoRepr(
        "core.Toleration{"
        f"Key:{go_quote(s(toleration.get('key')))}, "
        f"Operator:{go_quote(s(toleration.get('operator')))}, "
        f"Value:{go_quote(s(toleration.get('value')))}, "
        f"Effect:{go_quote(s(toleration.get('effect')))}, TolerationSeconds:{shown}}}"
    )
