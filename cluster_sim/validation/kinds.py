"""API-server validation of the simple kinds: Namespace, Node, ConfigMap, Secret,
Service and ServiceAccount (pkg/apis/core/validation), on defaulted manifests."""

from __future__ import annotations

import ipaddress
import json
from typing import Any, Final

from . import rules
from .field import (
    DUPLICATE,
    FieldError,
    FieldPath,
    GoRepr,
    Key,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    too_long,
)
from .meta import validate_labels, validate_object_meta
from .probes import port_num_or_name
from .values import d, i, i0, lst, present, quantity, s

MAX_SECRET_SIZE: Final = 1024 * 1024
SERVICE_TYPES: Final = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
KUBELET_PORT: Final = 10250
Errors = list[FieldError]


def validate_namespace(ns: dict[str, Any]) -> Errors:
    errors = validate_object_meta(
        ns.get("metadata"), namespaced=False, name_fn=rules.name_is_dns_label
    )
    for index, finalizer in enumerate(lst(d(ns.get("spec")).get("finalizers"))):
        finalizer = s(finalizer)
        path: FieldPath = ("spec", "finalizers")
        errors += [
            invalid(path, finalizer, msg, at=(*path, index))
            for msg in rules.is_qualified_name(finalizer)
        ]
        if "/" not in finalizer and finalizer != "kubernetes":
            errors.append(
                invalid(
                    path,
                    finalizer,
                    "name is neither a standard finalizer name nor is it fully qualified",
                    at=(*path, index),
                )
            )
    return errors


def validate_node(node: dict[str, Any]) -> Errors:
    errors = validate_object_meta(
        node.get("metadata"), namespaced=False, name_fn=rules.name_is_dns_subdomain
    )
    errors += _taints(lst(d(node.get("spec")).get("taints")), ("metadata", "taints"))
    status = d(node.get("status"))
    for group in ("capacity", "allocatable"):
        for name, value in d(status.get(group)).items():
            q = quantity(value)
            path: FieldPath = ("status", group, str(name))
            if q is None:
                continue
            if q.sign() < 0:
                errors.append(invalid(path, str(q), rules.NEGATIVE_ERROR))
            if str(name) == "pods" and q.milli_value() % 1000 != 0:
                errors.append(invalid(path, str(q), "must be an integer"))
    return errors


def _taints(taints: list[Any], path: FieldPath) -> Errors:
    """``validateNodeTaints`` (the path is ``metadata.taints``, upstream's)."""
    errors: Errors = []
    unique: dict[str, set[str]] = {}
    for index, taint in enumerate(taints):
        taint = d(taint)
        t_path = (*path, index)
        key, value, effect = s(taint.get("key")), s(taint.get("value")), s(taint.get("effect"))
        errors += [invalid((*t_path, "key"), key, msg) for msg in rules.is_qualified_name(key)]
        messages = rules.is_valid_label_value(value)
        if messages:
            errors.append(invalid((*t_path, "value"), value, ";".join(messages)))
        if not effect:
            errors.append(required((*t_path, "effect")))
        elif effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errors.append(
                not_supported(
                    (*t_path, "effect"), effect, ("NoSchedule", "PreferNoSchedule", "NoExecute")
                )
            )
        if key in unique.get(effect, set()):
            errors.append(
                FieldError(
                    t_path,
                    DUPLICATE,
                    GoRepr(
                        f"core.Taint{{Key:{_q(key)}, Value:{_q(value)}, Effect:{_q(effect)}, "
                        "TimeAdded:<nil>}"
                    ),
                    "taints must be unique by key and effect pair",
                )
            )
            continue
        unique.setdefault(effect, set()).add(key)
    return errors


def _q(text: str) -> str:
    from .field import go_quote

    return go_quote(text)


def validate_config_map(cm: dict[str, Any]) -> Errors:
    errors = validate_object_meta(
        cm.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )
    data = d(cm.get("data"))
    binary = d(cm.get("binaryData"))
    total = 0
    for key, value in data.items():
        key = str(key)
        path = ("data", Key(key))
        errors += [
            invalid(path, key, msg, at=("data", key, "<key>"))
            for msg in rules.is_config_map_key(key)
        ]
        if key in binary:
            errors.append(
                invalid(
                    path, key, "duplicate of key present in binaryData", at=("data", key, "<key>")
                )
            )
        total += len(s(value).encode())
    for key, value in binary.items():
        key = str(key)
        errors += [
            invalid(("binaryData", Key(key)), key, msg, at=("binaryData", key, "<key>"))
            for msg in rules.is_config_map_key(key)
        ]
        total += len(s(value)) * 3 // 4
    if total > MAX_SECRET_SIZE:
        errors.append(too_long((), MAX_SECRET_SIZE))
    return errors


_SECRET_REQUIRED_KEYS: Final = {
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
}


def validate_secret(secret: dict[str, Any], decoded: dict[str, bytes]) -> Errors:
    """``ValidateSecret``; ``decoded`` is ``data`` base64-decoded, merged with ``stringData``."""
    meta = d(secret.get("metadata"))
    errors = validate_object_meta(meta, namespaced=True, name_fn=rules.name_is_dns_subdomain)
    total = 0
    for key, value in decoded.items():
        errors += [
            invalid(("data", Key(key)), key, msg, at=_secret_key_at(secret, key))
            for msg in rules.is_config_map_key(key)
        ]
        total += len(value)
    if total > MAX_SECRET_SIZE:
        errors.append(too_long(("data",), MAX_SECRET_SIZE))
    secret_type = s(secret.get("type"))
    if secret_type == "kubernetes.io/service-account-token":
        if not s(d(meta.get("annotations")).get("kubernetes.io/service-account.name")):
            errors.append(
                required(("metadata", "annotations", Key("kubernetes.io/service-account.name")))
            )
    elif secret_type == "kubernetes.io/basic-auth":
        if "username" not in decoded and "password" not in decoded:
            errors.append(required(("data", Key("username"))))
            errors.append(required(("data", Key("password"))))
    elif secret_type in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        (key,) = _SECRET_REQUIRED_KEYS[secret_type]
        if key not in decoded:
            errors.append(required(("data", Key(key))))
        else:
            try:
                parsed = json.loads(decoded[key])
                if not isinstance(parsed, dict):
                    raise ValueError("json: cannot unmarshal into Go value of type map")
            except ValueError as exc:
                errors.append(invalid(("data", Key(key)), "<secret contents redacted>", str(exc)))
    elif secret_type == "kubernetes.io/ssh-auth":
        if not decoded.get("ssh-privatekey"):
            errors.append(required(("data", Key("ssh-privatekey"))))
    elif secret_type == "kubernetes.io/tls":
        for key in _SECRET_REQUIRED_KEYS[secret_type]:
            if key not in decoded:
                errors.append(required(("data", Key(key))))
    return errors


def _secret_key_at(secret: dict[str, Any], key: str) -> FieldPath:
    where = "stringData" if key in d(secret.get("stringData")) else "data"
    return (where, key, "<key>")


def validate_service_account(sa: dict[str, Any]) -> Errors:
    return validate_object_meta(
        sa.get("metadata"), namespaced=True, name_fn=rules.name_is_dns_subdomain
    )


def validate_service(service: dict[str, Any]) -> Errors:
    """``ValidateService`` (cluster IP allocation details are not checked)."""
    errors = validate_object_meta(
        service.get("metadata"), namespaced=True, name_fn=rules.name_is_dns1035_label
    )
    spec = d(service.get("spec"))
    spec_path: FieldPath = ("spec",)
    service_type = s(spec.get("type"))
    ports = lst(spec.get("ports"))
    headless = s(spec.get("clusterIP")) == "None"
    if not ports and not headless and service_type != "ExternalName":
        errors.append(required((*spec_path, "ports")))
    if service_type == "LoadBalancer":
        for index, port in enumerate(ports):
            if i0(d(port).get("port")) == KUBELET_PORT:
                errors.append(
                    invalid(
                        (*spec_path, "ports", index),
                        KUBELET_PORT,
                        f"may not expose port {KUBELET_PORT} externally since it is used by "
                        "kubelet",
                    )
                )
    elif service_type == "ExternalName":
        if s(spec.get("clusterIP")) or lst(spec.get("clusterIPs")):
            errors.append(
                forbidden(
                    (*spec_path, "clusterIPs"),
                    "may not be set for ExternalName services",
                    at=(*spec_path, "clusterIP"),
                )
            )
        cname = s(spec.get("externalName")).removesuffix(".")
        if cname:
            errors += [
                invalid((*spec_path, "externalName"), cname, msg)
                for msg in rules.is_dns1123_subdomain(cname)
            ]
        else:
            errors.append(required((*spec_path, "externalName")))
    names: set[str] = set()
    for index, port in enumerate(ports):
        errors += _service_port(d(port), len(ports) > 1, names, (*spec_path, "ports", index))
    if present(spec, "selector"):
        errors += validate_labels(spec.get("selector"), (*spec_path, "selector"))
    affinity = s(spec.get("sessionAffinity"))
    if not affinity:
        errors.append(required((*spec_path, "sessionAffinity")))
    elif affinity not in ("ClientIP", "None"):
        errors.append(
            not_supported((*spec_path, "sessionAffinity"), affinity, ("ClientIP", "None"))
        )
    if affinity == "ClientIP":
        timeout = i(d(d(spec.get("sessionAffinityConfig")).get("clientIP")).get("timeoutSeconds"))
        if timeout is not None and not 0 < timeout <= 86400:
            errors.append(
                invalid(
                    (*spec_path, "sessionAffinityConfig", "clientIP", "timeoutSeconds"),
                    timeout,
                    "must be greater than 0 and less than 86400",
                )
            )
    elif affinity == "None" and present(spec, "sessionAffinityConfig"):
        errors.append(
            forbidden(
                (*spec_path, "sessionAffinityConfig"),
                "must not be set when session affinity is None",
            )
        )
    cluster_ip = s(spec.get("clusterIP"))
    if cluster_ip and cluster_ip != "None" and service_type != "ExternalName":
        try:
            ipaddress.ip_address(cluster_ip)
        except ValueError:
            errors.append(
                invalid(
                    (*spec_path, "clusterIPs", 0),
                    cluster_ip,
                    "must be empty, 'None', or a valid IP address",
                    at=(*spec_path, "clusterIP"),
                )
            )
    for index, ip in enumerate(lst(spec.get("externalIPs"))):
        try:
            ipaddress.ip_address(s(ip))
        except ValueError:
            errors.append(
                invalid(
                    (*spec_path, "externalIPs", index),
                    s(ip),
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    if not service_type:
        errors.append(required((*spec_path, "type")))
    elif service_type not in SERVICE_TYPES:
        errors.append(not_supported((*spec_path, "type"), service_type, SERVICE_TYPES))
    if service_type == "ClusterIP":
        for index, port in enumerate(ports):
            if i0(d(port).get("nodePort")) != 0:
                errors.append(
                    forbidden(
                        (*spec_path, "ports", index, "nodePort"),
                        "may not be used when `type` is 'ClusterIP'",
                    )
                )
    node_ports: set[tuple[str, int]] = set()
    for index, port in enumerate(ports):
        port = d(port)
        node_port = i0(port.get("nodePort"))
        if node_port == 0:
            continue
        key = (s(port.get("protocol")), node_port)
        if key in node_ports:
            errors.append(duplicate((*spec_path, "ports", index, "nodePort"), node_port))
        node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for index, port in enumerate(ports):
        port = d(port)
        key = (s(port.get("protocol")), i0(port.get("port")))
        if key in seen_ports:
            errors.append(
                duplicate(
                    (*spec_path, "ports", index),
                    GoRepr(
                        f'core.ServicePort{{Name:"", Protocol:{_q(key[0])}, '
                        f"AppProtocol:(*string)(nil), Port:{key[1]}, "
                        'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'
                    ),
                )
            )
        seen_ports.add(key)
    accessible = service_type in ("LoadBalancer", "NodePort") or bool(lst(spec.get("externalIPs")))
    external = s(spec.get("externalTrafficPolicy"))
    if not accessible:
        if external:
            errors.append(
                invalid(
                    (*spec_path, "externalTrafficPolicy"),
                    external,
                    "may only be set for externally-accessible services",
                )
            )
    elif external not in ("Cluster", "Local"):
        errors.append(
            not_supported((*spec_path, "externalTrafficPolicy"), external, ("Cluster", "Local"))
        )
    internal = spec.get("internalTrafficPolicy")
    if isinstance(internal, str) and internal not in ("Cluster", "Local"):
        errors.append(
            not_supported((*spec_path, "internalTrafficPolicy"), internal, ("Cluster", "Local"))
        )
    return errors


def _service_port(
    port: dict[str, Any], require_name: bool, names: set[str], path: FieldPath
) -> Errors:
    errors: Errors = []
    name = s(port.get("name"))
    if require_name and not name:
        errors.append(required((*path, "name")))
    elif name:
        errors += [invalid((*path, "name"), name, msg) for msg in rules.is_dns1123_label(name)]
        if name in names:
            errors.append(duplicate((*path, "name"), name))
        names.add(name)
    number = i0(port.get("port"))
    errors += [invalid((*path, "port"), number, msg) for msg in rules.is_valid_port_num(number)]
    protocol = s(port.get("protocol"))
    if not protocol:
        errors.append(required((*path, "protocol")))
    elif protocol not in ("SCTP", "TCP", "UDP"):
        errors.append(not_supported((*path, "protocol"), protocol, ("SCTP", "TCP", "UDP")))
    errors += port_num_or_name(port.get("targetPort"), (*path, "targetPort"))
    app_protocol = port.get("appProtocol")
    if isinstance(app_protocol, str):
        errors += [
            invalid((*path, "appProtocol"), app_protocol, msg)
            for msg in rules.is_qualified_name(app_protocol)
        ]
    return errors


__all__ = [
    "validate_config_map",
    "validate_namespace",
    "validate_node",
    "validate_secret",
    "validate_service",
    "validate_service_account",
]
