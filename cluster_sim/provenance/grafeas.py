"""Grafeas notes and occurrences, as the Grafeas v1 API writes them in JSON.

Field names follow ``grafeas.v1`` (googleapis ``grafeas/v1/grafeas.proto`` and its
``build.proto``, ``provenance.proto``, ``vulnerability.proto``, ``attestation.proto``,
``deployment.proto``, ``discovery.proto``, ``common.proto``; the reference is
https://cloud.google.com/binary-authorization/docs/reference/rpc/grafeas.v1), in the
proto3 JSON mapping: ``resourceUri``, ``noteName``, ``kind``, ``createTime``, and one
details field per kind (``build.provenance`` with ``id``, ``builderVersion``,
``sourceProvenance``, ``builtArtifacts``; ``vulnerability`` with ``severity`` and
``packageIssue``; ``attestation`` with ``serializedPayload`` and ``signatures``
(``signature``, ``publicKeyId``); ``deployment`` with ``deployTime``, ``address``,
``resourceUri``; ``discovery`` with ``analysisStatus``).

Everything here is a pure function of its arguments: names, times and signatures are
derived from the run's inputs, never drawn at random.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

PROJECT: Final = "projects/podlife-playground"
BUILDER_VERSION: Final = "podlife-ci 1.0 (simulated)"
GIT_HOST: Final = "https://git.podlife.dev"
PAYLOAD_TYPE: Final = "atomic container signature"  # containers/image's simple signing


class NoteKind(StrEnum):
    """``grafeas.v1.NoteKind`` values the playground writes."""

    BUILD = "BUILD"
    VULNERABILITY = "VULNERABILITY"
    ATTESTATION = "ATTESTATION"
    DEPLOYMENT = "DEPLOYMENT"
    DISCOVERY = "DISCOVERY"


def rfc3339(epoch_ms: int, t_ms: int) -> str:
    """A ``google.protobuf.Timestamp`` in JSON: RFC 3339 in UTC with a ``Z``."""
    when = datetime.fromtimestamp((epoch_ms + t_ms) / 1000, tz=UTC)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    millis = (epoch_ms + t_ms) % 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def resource_uri(repository: str, digest: str) -> str:
    """Grafeas' resource URL of an image: ``https://HOST/PATH@sha256:...``."""
    return f"https://{repository}@{digest}"


def occurrence_id(*parts: str) -> str:
    """A stable occurrence id: the first 32 hex digits of sha256 over the parts."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def signature(key: str, payload: bytes) -> str:
    """The simulated signature of ``payload`` with key ``key``: HMAC-SHA256, base64.

    Real attestors sign with PGP or PKIX keys; the playground has no key material, so
    the key's name is the HMAC key. It is deterministic and tamper-evident (a changed
    payload or another key gives another signature), and it is *simulated*.
    """
    mac = hmac.new(key.encode(), payload, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def simple_signing_payload(repository: str, digest: str, identity: str) -> bytes:
    """containers/image's atomic "simple signing" JSON, the payload attestors sign."""
    body = {
        "critical": {
            "identity": {"docker-reference": repository},
            "image": {"docker-manifest-digest": digest},
            "type": PAYLOAD_TYPE,
        },
        "optional": {"creator": identity},
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def note(
    kind: NoteKind, note_id: str, short: str, details: dict[str, Any], created: str
) -> dict[str, Any]:
    """A ``Note``: the kind of analysis (one per kind per pipeline, or per CVE)."""
    field = {
        NoteKind.BUILD: "build",
        NoteKind.VULNERABILITY: "vulnerability",
        NoteKind.ATTESTATION: "attestation",
        NoteKind.DEPLOYMENT: "deployment",
        NoteKind.DISCOVERY: "discovery",
    }[kind]
    return {
        "name": f"{PROJECT}/notes/{note_id}",
        "shortDescription": short,
        "kind": kind.value,
        "createTime": created,
        "updateTime": created,
        field: details,
    }


def occurrence(
    kind: NoteKind,
    note_name: str,
    uri: str,
    details: dict[str, Any],
    created: str,
    *identity: str,
) -> dict[str, Any]:
    """An ``Occurrence`` of ``note_name`` on the image at ``uri``."""
    field = {
        NoteKind.BUILD: "build",
        NoteKind.VULNERABILITY: "vulnerability",
        NoteKind.ATTESTATION: "attestation",
        NoteKind.DEPLOYMENT: "deployment",
        NoteKind.DISCOVERY: "discovery",
    }[kind]
    return {
        "name": f"{PROJECT}/occurrences/{occurrence_id(kind.value, uri, *identity)}",
        "resourceUri": uri,
        "noteName": note_name,
        "kind": kind.value,
        "createTime": created,
        "updateTime": created,
        field: details,
    }


def verify(attestation: dict[str, Any], keys: tuple[str, ...]) -> bool:
    """Whether one of the attestation's signatures verifies its payload with one of ``keys``."""
    details = attestation.get("attestation")
    if not isinstance(details, dict):
        return False
    try:
        payload = base64.b64decode(str(details.get("serializedPayload") or ""), validate=True)
    except ValueError:
        return False
    for sig in details.get("signatures") or ():
        if not isinstance(sig, dict):
            continue
        key = str(sig.get("publicKeyId") or "")
        if key in keys and hmac.compare_digest(str(sig.get("signature")), signature(key, payload)):
            return True
    return False


def signed_digest(attestation: dict[str, Any]) -> str:
    """The image digest the attestation's payload names ("" if it cannot be read)."""
    details = attestation.get("attestation")
    try:
        raw = base64.b64decode(str((details or {}).get("serializedPayload") or ""))
        body = json.loads(raw)
        return str(body["critical"]["image"]["docker-manifest-digest"])
    except (ValueError, KeyError, TypeError):
        return ""
