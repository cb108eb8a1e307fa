"""The pod-template hash: the ``pod-template-hash`` label and the ReplicaSet name suffix.

Upstream ``controller.ComputeHash`` feeds an FNV-1a 32 hasher with a spew
dump of the Go ``PodTemplateSpec`` (plus the collision count as 8 little-
endian bytes when it is set), formats the sum in decimal and maps every digit
through ``rand.SafeEncodeString``. The Go dump of a struct cannot be rebuilt
from YAML byte for byte, so the simulator hashes a canonical JSON dump of the
(defaulted) template instead: keys sorted, no spaces. The hash is stable for a
given template and has upstream's shape (1-10 characters of ``4-9bcdf``), but
not upstream's value (DESIGN.md, "Deployments").
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from typing import Any

from ..store import NAME_ALPHABET

POD_TEMPLATE_HASH_LABEL = "pod-template-hash"
_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv1a_32(data: bytes, seed: int = _FNV_OFFSET) -> int:
    h = seed
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: each character becomes ``alphanums[ord(c) % 27]``."""
    return "".join(NAME_ALPHABET[ord(c) % len(NAME_ALPHABET)] for c in text)


def compute_hash(template: Mapping[str, Any], collision_count: int | None = None) -> str:
    """``ComputeHash(template, collisionCount)`` over a canonical dump of ``template``."""
    dump = json.dumps(template, sort_keys=True, separators=(",", ":"), default=str)
    h = fnv1a_32(dump.encode("utf-8"))
    if collision_count is not None:
        h = fnv1a_32(struct.pack("<I", collision_count & 0xFFFFFFFF) + b"\0" * 4, h)
    return safe_encode(str(h))
