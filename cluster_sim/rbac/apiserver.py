"""``https://kubernetes.default.svc`` as a container reaches it.

The ``kubernetes`` Service (``10.96.0.1:443``) leads kube-proxy to the API
server's endpoint, ``172.18.0.1:6443`` (the playground's control plane is
not one of its nodes). A request goes through the API server's filters in
order: authentication (the bearer token, ``authentication``; a bad token
is a 401), the request's attributes (``requestinfo``), authorization
(kubeadm's Node then RBAC chain, ``authorizer``; a denial is the 403
``Status`` of ``status``), then the handler: discovery and health paths,
and ``get``, ``list`` and ``watch`` of the kinds the run's store holds
(Pods, Services, ConfigMaps, Secrets, ServiceAccounts, Deployments, the RBAC
kinds...). A ``watch`` answers the current objects as ``ADDED`` events and
ends (upstream keeps the stream open). Writes allowed by RBAC are answered
405: the playground's API server serves reads only (DESIGN.md).

Clients whose User-Agent starts with ``curl`` or ``Wget`` get indented JSON
without a trailing newline (``responsewriters``' ``isPrettyPrint`` and the
JSON serializer's ``MarshalIndent``); others compact JSON and a newline.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qs

from ..controlplane.context import EPOCH_MS
from ..controlplane.store import ApiObject, APIStore, KindInfo
from ..httpmessages import HttpRequest, HttpResponse
from ..nodestate import Listener
from ..objects import KUBERNETES_SERVICE_IP, ObjectStore
from .aggregation import policy_from_store
from .authentication import BoundPod, authenticate
from .authorizer import authorize
from .requestinfo import RequestInfo, request_info
from .rules import Attributes
from .status import UNAUTHORIZED, forbidden_status, go_json, not_found_status

APISERVER_IP = "172.18.0.1"
APISERVER_PORT = 6443
SERVICE_PORT = 443
JSON = "application/json"
VERSION = {
    "major": "1",
    "minor": "33",
    "gitVersion": "v1.33.1",
    "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T08:19:08Z",
    "goVersion": "go1.24.2",
    "compiler": "gc",
    "platform": "linux/amd64",
}
NOT_FOUND: dict[str, Any] = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": "the server could not find the requested resource",
    "reason": "NotFound",
    "details": {},
    "code": 404,
}
READ_VERBS = ("get", "list", "watch")
_BUILTIN_KINDS = ("ConfigMap", "Secret", "Service", "ServiceAccount")


class ApiServerHost(Protocol):
    """What the API server reads of its run (the ``Cluster``)."""

    store: APIStore
    objects: ObjectStore


def _pretty(request: HttpRequest) -> bool:
    query = parse_qs(request.target.partition("?")[2])
    if "pretty" in query and query["pretty"][-1]:
        return query["pretty"][-1] in ("1", "t", "T", "TRUE", "true", "True")
    agent = request.header("User-Agent") or ""
    return agent.startswith(("curl", "Wget", "Mozilla/5.0"))


def encode(value: Any, pretty: bool) -> str:
    """The JSON serializer: ``MarshalIndent`` for a human client, else ``Encode``."""
    if not pretty:
        return go_json(value) + "\n"
    text = json.dumps(value, indent=2, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text


class ApiServer:
    """The run's kube-apiserver, answering one HTTP request at a time."""

    def __init__(self, host: ApiServerHost) -> None:
        self.host = host

    def epoch_ms(self) -> int:
        """What simulated time 0 stands for (a Scenario's ``start``; the run's epoch)."""
        ctx = getattr(self.host, "ctx", None)
        return int(getattr(ctx, "epoch_ms", EPOCH_MS))

    def listener(self) -> Listener:
        return Listener("https", "kube-apiserver", serve=self.serve)

    # -- filters ---------------------------------------------------------------

    def serve(self, request: HttpRequest) -> HttpResponse:
        pretty = _pretty(request)
        user = authenticate(
            request.header("Authorization"), self._bound_pod, self._service_account_exists
        )
        if user is None:
            return HttpResponse(401, encode(UNAUTHORIZED, pretty), JSON)
        info = request_info(request.method, request.target)
        attributes = info.attributes(user)
        decision = authorize(policy_from_store(self.host.store), attributes)
        if not decision.allowed:
            status = forbidden_status(attributes, decision.reason)
            return HttpResponse(403, encode(status, pretty), JSON)
        if not info.resource_request:
            return self._non_resource(info, pretty)
        return self._resource(info, attributes, pretty)

    def _bound_pod(self, namespace: str, name: str) -> BoundPod | None:
        pod = self.host.store.get("Pod", namespace, name)
        return None if pod is None else BoundPod(pod.uid, _service_account(pod))

    def _service_account_exists(self, namespace: str, name: str) -> bool:
        return (
            self.host.store.get("ServiceAccount", namespace, name) is not None
            or self.host.objects.get("ServiceAccount", namespace, name) is not None
        )

    # -- handlers --------------------------------------------------------------

    def _non_resource(self, info: RequestInfo, pretty: bool) -> HttpResponse:
        path = info.path.rstrip("/") or "/"
        if info.verb not in ("get", "head"):
            return HttpResponse(404, encode(NOT_FOUND, pretty), JSON)
        if path in ("/healthz", "/livez", "/readyz"):
            return HttpResponse(200, "ok")
        if path == "/version":
            return HttpResponse(200, json.dumps(VERSION, indent=2), JSON)
        if path == "/api":
            versions = {
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": f"{APISERVER_IP}:{APISERVER_PORT}"}
                ],
            }
            return HttpResponse(200, encode(versions, pretty), JSON)
        if path == "/apis":
            return HttpResponse(200, encode(self._groups(), pretty), JSON)
        if path == "/api/v1" or (path.count("/") == 3 and path.startswith("/apis/")):
            listing = self._resources(path.removeprefix("/api/").removeprefix("/apis/"))
            if listing is not None:
                return HttpResponse(200, encode(listing, pretty), JSON)
        return HttpResponse(404, encode(NOT_FOUND, pretty), JSON)

    def _groups(self) -> dict[str, Any]:
        versions: dict[str, str] = {}
        for info in self.host.store.kinds.values():
            group, _, version = info.api_version.rpartition("/")
            if group:
                versions.setdefault(group, version)
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": group,
                    "versions": [{"groupVersion": f"{group}/{v}", "version": v}],
                    "preferredVersion": {"groupVersion": f"{group}/{v}", "version": v},
                }
                for group, v in sorted(versions.items())
            ],
        }

    def _resources(self, group_version: str) -> dict[str, Any] | None:
        kinds = [i for i in self.host.store.kinds.values() if i.api_version == group_version]
        if not kinds:
            return None
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": [
                {
                    "name": i.resource.partition(".")[0],
                    "singularName": i.kind.lower(),
                    "namespaced": i.namespaced,
                    "kind": i.kind,
                    "verbs": ["get", "list", "watch"],
                }
                for i in sorted(kinds, key=lambda i: i.resource)
            ],
        }

    def _kind(self, info: RequestInfo) -> KindInfo | None:
        group_version = (
            f"{info.api_group}/{info.api_version}" if info.api_group else info.api_version
        )
        for kind in self.host.store.kinds.values():
            resource, _, group = kind.resource.partition(".")
            if resource == info.resource and group == info.api_group:
                return kind if kind.api_version == group_version else None
        return None

    def _resource(self, info: RequestInfo, attributes: Attributes, pretty: bool) -> HttpResponse:
        kind = self._kind(info)
        if kind is None or info.subresource:
            return HttpResponse(404, encode(NOT_FOUND, pretty), JSON)
        if info.namespace and not kind.namespaced and kind.kind != "Namespace":
            return HttpResponse(404, encode(NOT_FOUND, pretty), JSON)
        if info.verb not in READ_VERBS:
            status = {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": "the playground's API server serves get, list and watch only",
                "reason": "MethodNotAllowed",
                "details": {},
                "code": 405,
            }
            return HttpResponse(405, encode(status, pretty), JSON)
        namespace = info.namespace if kind.namespaced else ""
        if info.name:
            obj = self._get(kind, namespace, info.name)
            if obj is None:
                resource, _, group = kind.resource.partition(".")
                status = not_found_status(resource, group, info.name)
                return HttpResponse(404, encode(status, pretty), JSON)
            return HttpResponse(200, encode(obj, pretty), JSON)
        items = self._list(kind, namespace or None)
        if info.verb == "watch":
            text = "".join(encode({"type": "ADDED", "object": item}, False) for item in items)
            return HttpResponse(200, text, JSON)
        listing = {
            "kind": f"{kind.kind}List",
            "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": str(self.host.store.revision)},
            "items": [
                {k: v for k, v in i.items() if k not in ("kind", "apiVersion")} for i in items
            ],
        }
        return HttpResponse(200, encode(listing, pretty), JSON)

    # -- reading the store -------------------------------------------------------

    def _get(self, kind: KindInfo, namespace: str, name: str) -> dict[str, Any] | None:
        obj = self.host.store.get(kind.kind, namespace, name)
        if obj is not None:
            return self._object(obj, kind)
        return next(
            (i for i in self._builtins(kind, namespace) if i["metadata"]["name"] == name), None
        )

    def _list(self, kind: KindInfo, namespace: str | None) -> list[dict[str, Any]]:
        items = [self._object(o, kind) for o in self.host.store.list(kind.kind, namespace)]
        items += self._builtins(kind, namespace)
        return sorted(
            items, key=lambda i: (i["metadata"].get("namespace", ""), i["metadata"]["name"])
        )

    def _builtins(self, kind: KindInfo, namespace: str | None) -> list[dict[str, Any]]:
        """The objects every namespace has that the store does not mirror (default SA...)."""
        if kind.kind not in _BUILTIN_KINDS:
            return []
        out = []
        for stored in self.host.objects.all(kind.kind, namespace):
            if not stored.builtin or self.host.store.get(kind.kind, stored.namespace, stored.name):
                continue
            body = {
                k: v
                for k, v in stored.manifest.items()
                if k not in ("kind", "apiVersion", "metadata")
            }
            meta = {
                "name": stored.name,
                "namespace": stored.namespace,
                "creationTimestamp": self._time(stored.created_ms),
            }
            out.append(
                {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": meta, **body}
            )
        return out

    def _object(self, obj: ApiObject, kind: KindInfo) -> dict[str, Any]:
        manifest = obj.manifest()
        meta = manifest.pop("metadata")
        for key in ("creationTimestamp", "deletionTimestamp"):
            if isinstance(meta.get(key), int):
                meta[key] = self._time(meta[key])
        manifest.pop("kind", None)
        api_version = manifest.pop("apiVersion", kind.api_version)
        return {"kind": kind.kind, "apiVersion": api_version, "metadata": meta, **manifest}

    def _time(self, ms: int) -> str:
        at = datetime.fromtimestamp((self.epoch_ms() + ms) // 1000, tz=UTC)
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _service_account(pod: ApiObject) -> str:
    spec = pod.spec
    return str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")


def is_api_server(ip: str, port: int) -> bool:
    """Whether ``ip:port`` is the ``kubernetes`` Service or the API server's endpoint."""
    return (ip, port) in ((KUBERNETES_SERVICE_IP, SERVICE_PORT), (APISERVER_IP, APISERVER_PORT))
