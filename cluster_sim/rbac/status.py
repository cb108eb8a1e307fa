"""The API server's ``Status`` bodies for 401 and 403, byte for byte.

``forbidden_status`` follows ``apiserver responsewriters/errors.go``
(``forbiddenMessage``, ``Forbidden``) and apimachinery's ``NewForbidden``;
``go_json`` writes JSON as Go's ``encoding/json`` does (no spaces, ``<``,
``>`` and ``&`` as ``\\u003c``...), and the body ends with a newline as the
API server's JSON serializer writes it.
"""

from __future__ import annotations

import json
from typing import Any

from .rules import Attributes

UNAUTHORIZED: dict[str, Any] = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": "Unauthorized",
    "reason": "Unauthorized",
    "code": 401,
}
_SANITIZE = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def go_json(value: Any) -> str:
    """``json.Marshal``: compact, HTML-safe escapes, UTF-8 kept."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def body(status: dict[str, Any]) -> str:
    """A Status as the API server writes it: Go's JSON and a trailing newline."""
    return go_json(status) + "\n"


def forbidden_message(attributes: Attributes) -> str:
    """``forbiddenMessage``: the inner sentence."""
    user = attributes.user.name
    if not attributes.resource_request:
        return f'User "{user}" cannot {attributes.verb} path "{attributes.path}"'
    resource = attributes.combined_resource
    group = attributes.api_group
    if attributes.namespace:
        return (
            f'User "{user}" cannot {attributes.verb} resource "{resource}" in API group '
            f'"{group}" in the namespace "{attributes.namespace}"'
        )
    return (
        f'User "{user}" cannot {attributes.verb} resource "{resource}" in API group "{group}" '
        "at the cluster scope"
    )


def forbidden_status(attributes: Attributes, reason: str = "") -> dict[str, Any]:
    """The 403 Status (``Forbidden`` then ``NewForbidden``), keys in the API server's order."""
    inner = forbidden_message(attributes)
    for char, escape in _SANITIZE:
        inner = inner.replace(char, escape)
    if reason:
        inner = f"{inner}: {reason}"
    group = attributes.api_group
    resource = attributes.resource
    qualified = f"{resource}.{group}" if group else resource
    name = attributes.name
    if not group and not resource:
        message = f"forbidden: {inner}"
    elif not name:
        message = f"{qualified} is forbidden: {inner}"
    else:
        message = f'{qualified} "{name}" is forbidden: {inner}'
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if resource:
        details["kind"] = resource
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": "Forbidden",
        "details": details,
        "code": 403,
    }


def not_found_status(resource: str, group: str, name: str) -> dict[str, Any]:
    """``NewNotFound``: ``pods "web" not found``."""
    qualified = f"{resource}.{group}" if group else resource
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = resource
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'{qualified} "{name}" not found',
        "reason": "NotFound",
        "details": details,
        "code": 404,
    }


def kubectl_error(status: dict[str, Any]) -> str:
    """How kubectl prints a Status error (``StandardErrorMessage``)."""
    if status.get("code") == 401:
        return "error: You must be logged in to the server (Unauthorized)"
    return f"Error from server ({status.get('reason')}): {status.get('message')}"
