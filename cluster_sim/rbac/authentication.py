"""Who is calling: a request's bearer token as the API server authenticates it.

A projected ServiceAccount token (``cluster_sim.kubelet.volumes``) is a JWT
whose claims name the namespace, the Pod (name and uid) and the
ServiceAccount. As the API server's bound-token validator does, it is
accepted while that Pod exists with that uid and runs as that
ServiceAccount, and the ServiceAccount exists; the user is then
``system:serviceaccount:NS:NAME`` in the groups ``system:serviceaccounts``,
``system:serviceaccounts:NS`` and ``system:authenticated``
(``apiserver pkg/authentication/serviceaccount/util.go``; the last one added
by the authenticator union). The playground holds no signing key, so the
signature is checked for its shape only (DESIGN.md). No ``Authorization``
header is the anonymous user (``system:anonymous``, group
``system:unauthenticated``: anonymous auth is on by default). Anything else
is a 401.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .rules import UserInfo

ANONYMOUS = UserInfo("system:anonymous", ("system:unauthenticated",))
_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_TOKEN = 8192


@dataclass(frozen=True, slots=True)
class BoundPod:
    """What the validator needs of a live Pod: its uid and ServiceAccount."""

    uid: str
    service_account: str


def service_account_user(namespace: str, name: str) -> UserInfo:
    return UserInfo(
        f"system:serviceaccount:{namespace}:{name}",
        ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"),
    )


def _claims(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3 or not all(_SEGMENT.match(p) for p in parts):
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def authenticate(
    authorization: str | None,
    find_pod: Callable[[str, str], BoundPod | None],
    service_account_exists: Callable[[str, str], bool],
) -> UserInfo | None:
    """The user of a request (``ANONYMOUS`` without a header), or None for a 401."""
    if authorization is None:
        return ANONYMOUS
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        return None
    claims = _claims(token)
    if claims is None:
        return None
    info = claims.get("kubernetes.io")
    if not isinstance(info, dict):
        return None
    namespace = info.get("namespace")
    pod = info.get("pod")
    account = info.get("serviceaccount")
    if not (isinstance(namespace, str) and isinstance(pod, dict) and isinstance(account, dict)):
        return None
    name = account.get("name")
    if (
        not isinstance(name, str)
        or claims.get("sub") != f"system:serviceaccount:{namespace}:{name}"
    ):
        return None
    bound = find_pod(namespace, str(pod.get("name") or ""))
    if bound is None or bound.uid != pod.get("uid") or bound.service_account != name:
        return None
    if not service_account_exists(namespace, name):
        return None
    return service_account_user(namespace, name)
