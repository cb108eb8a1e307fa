"""From an HTTP request to authorizer attributes: ``NewRequestInfo``.

Ported from ``apiserver pkg/endpoints/request/requestinfo.go``: paths under
``/api/v1`` and ``/apis/GROUP/VERSION`` with a resource are resource
requests (``GET`` without a name is ``list``, or ``watch`` with
``?watch=true``; ``DELETE`` without a name is ``deletecollection``);
``/api/v1/namespaces/NS`` is the namespace ``NS`` itself, in namespace
``NS``; anything else is a non-resource request whose verb is the lower-case
method.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from .rules import Attributes, UserInfo

_METHOD_VERBS = {
    "POST": "create",
    "GET": "get",
    "HEAD": "get",
    "PUT": "update",
    "PATCH": "patch",
    "DELETE": "delete",
}
_SPECIAL_VERBS = ("proxy", "watch")
_NAMESPACE_SUBRESOURCES = ("status", "finalize")
_TRUE = ("1", "t", "T", "TRUE", "true", "True")


@dataclass(frozen=True, slots=True)
class RequestInfo:
    resource_request: bool
    path: str
    verb: str
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""

    def attributes(self, user: UserInfo) -> Attributes:
        return Attributes(
            user=user,
            verb=self.verb,
            resource_request=self.resource_request,
            namespace=self.namespace,
            api_group=self.api_group,
            api_version=self.api_version,
            resource=self.resource,
            subresource=self.subresource,
            name=self.name,
            path=self.path,
        )


def request_info(method: str, target: str) -> RequestInfo:
    """``NewRequestInfo`` for ``method`` and a request target (path and query)."""
    path, _, query = target.partition("?")
    path = path or "/"
    plain = RequestInfo(False, path, method.lower())
    parts = [p for p in path.strip("/").split("/")] if path.strip("/") else []
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return plain
    prefix, parts = parts[0], parts[1:]
    group = ""
    if prefix == "apis":
        if len(parts) < 3:
            return plain
        group, parts = parts[0], parts[1:]
    version, parts = parts[0], parts[1:]
    if parts[0] in _SPECIAL_VERBS:
        if len(parts) < 2:
            return plain  # upstream: "unable to determine kind and namespace from url"
        verb, parts = parts[0], parts[1:]
    else:
        verb = _METHOD_VERBS.get(method.upper(), "")
    namespace = ""
    if parts[0] == "namespaces" and len(parts) > 1:
        namespace = parts[1]
        if len(parts) > 2 and parts[2] not in _NAMESPACE_SUBRESOURCES:
            parts = parts[2:]
    resource = parts[0] if parts else ""
    name = parts[1] if len(parts) >= 2 else ""
    subresource = parts[2] if len(parts) >= 3 and verb != "proxy" else ""
    if not name and verb == "get":
        watch = parse_qs(query).get("watch", [""])[-1]
        verb = "watch" if watch in _TRUE else "list"
    if not name and verb == "delete":
        verb = "deletecollection"
    return RequestInfo(
        True, path, verb, prefix, group, version, namespace, resource, subresource, name
    )
