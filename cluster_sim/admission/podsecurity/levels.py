"""Levels, versions and the policy a namespace's labels ask for.

Ported from pod-security-admission v0.33 ``api/helpers.go`` (``ParseLevel``,
``ParseVersion``, ``PolicyToEvaluate``, ``CompareLevels``) and
``api/constants.go`` (the label keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

LABEL_PREFIX: Final = "pod-security.kubernetes.io/"
ENFORCE_LEVEL_LABEL: Final = LABEL_PREFIX + "enforce"
ENFORCE_VERSION_LABEL: Final = LABEL_PREFIX + "enforce-version"
AUDIT_LEVEL_LABEL: Final = LABEL_PREFIX + "audit"
AUDIT_VERSION_LABEL: Final = LABEL_PREFIX + "audit-version"
WARN_LEVEL_LABEL: Final = LABEL_PREFIX + "warn"
WARN_VERSION_LABEL: Final = LABEL_PREFIX + "warn-version"

# Audit annotations (api/constants.go).
ENFORCED_POLICY_ANNOTATION: Final = LABEL_PREFIX + "enforce-policy"
AUDIT_VIOLATIONS_ANNOTATION: Final = LABEL_PREFIX + "audit-violations"
EXEMPT_ANNOTATION: Final = LABEL_PREFIX + "exempt"

LEVEL_ERROR: Final = "must be one of privileged, baseline, restricted"
VERSION_ERROR: Final = 'must be "latest" or "v1.x"'

_VERSION = re.compile(r"^v1\.([0-9]|[1-9][0-9]*)$")


class Level(StrEnum):
    PRIVILEGED = "privileged"
    BASELINE = "baseline"
    RESTRICTED = "restricted"


_RANK = {Level.PRIVILEGED: 0, Level.BASELINE: 1, Level.RESTRICTED: 2}


def compare_levels(a: Level, b: Level) -> int:
    """-1, 0 or 1 as ``a`` is less strict than, as strict as, or stricter than ``b``."""
    return (_RANK[a] > _RANK[b]) - (_RANK[a] < _RANK[b])


@dataclass(frozen=True, order=False)
class Version:
    """``v1.<minor>`` or ``latest`` (newer than any numbered version)."""

    major: int = 0
    minor: int = 0
    latest: bool = False

    def __str__(self) -> str:
        return "latest" if self.latest else f"v{self.major}.{self.minor}"

    def older(self, other: Version) -> bool:
        if self.latest:
            return False
        if other.latest:
            return True
        return (self.major, self.minor) < (other.major, other.minor)


LATEST: Final = Version(latest=True)


def v1(minor: int) -> Version:
    return Version(1, minor)


@dataclass(frozen=True)
class LevelVersion:
    level: Level
    version: Version = LATEST

    def __str__(self) -> str:
        return f"{self.level}:{self.version}"


@dataclass(frozen=True)
class Policy:
    enforce: LevelVersion
    audit: LevelVersion
    warn: LevelVersion

    def fully_privileged(self) -> bool:
        return (
            self.enforce.level is Level.PRIVILEGED
            and self.audit.level is Level.PRIVILEGED
            and self.warn.level is Level.PRIVILEGED
        )

    def equivalent(self, other: Policy) -> bool:
        return all(
            _equivalent(a, b)
            for a, b in (
                (self.enforce, other.enforce),
                (self.audit, other.audit),
                (self.warn, other.warn),
            )
        )


def _equivalent(a: LevelVersion, b: LevelVersion) -> bool:
    return (a.level is Level.PRIVILEGED and b.level is Level.PRIVILEGED) or a == b


PRIVILEGED_LATEST: Final = LevelVersion(Level.PRIVILEGED, LATEST)
# The AdmissionConfiguration defaults (admission/api/v1/defaults.go): privileged:latest.
DEFAULT_POLICY: Final = Policy(PRIVILEGED_LATEST, PRIVILEGED_LATEST, PRIVILEGED_LATEST)


@dataclass(frozen=True)
class LabelError:
    """One invalid label: ``metadata.labels[<key>]: Invalid value: "<value>": <detail>``."""

    key: str
    value: str
    detail: str

    def __str__(self) -> str:
        return f'metadata.labels[{self.key}]: Invalid value: "{self.value}": {self.detail}'


def parse_level(value: str) -> Level | None:
    try:
        return Level(value)
    except ValueError:
        return None


def parse_version(value: str) -> Version | None:
    if value == "latest":
        return LATEST
    match = _VERSION.match(value)
    if match is None:
        return None
    return v1(int(match.group(1)))


def parse_level_version(text: str) -> LevelVersion:
    """``"baseline:v1.22"`` to a LevelVersion (tables and defaults are written this way)."""
    level, _, version = text.partition(":")
    parsed_level = parse_level(level)
    parsed_version = parse_version(version or "latest")
    if parsed_level is None or parsed_version is None:
        raise ValueError(f"not a level:version: {text!r}")
    return LevelVersion(parsed_level, parsed_version)


def policy_to_evaluate(
    labels: Mapping[str, str], defaults: Policy = DEFAULT_POLICY
) -> tuple[Policy, list[LabelError]]:
    """The policy a namespace with these labels gets, and its label errors.

    A bad enforce level fails closed (restricted); a bad warn or audit level
    fails open (privileged); a bad version is ``latest``. When enforce is set
    and warn is not, warn follows enforce if enforce is stricter.
    """
    errors: list[LabelError] = []
    if not labels:
        return defaults, errors
    enforce, audit, warn = defaults.enforce, defaults.audit, defaults.warn

    def level(key: str, fallback: Level) -> Level | None:
        if key not in labels:
            return None
        value = str(labels[key])
        parsed = parse_level(value)
        if parsed is None:
            errors.append(LabelError(key, value, LEVEL_ERROR))
            return fallback
        return parsed

    def version(key: str) -> Version | None:
        if key not in labels:
            return None
        value = str(labels[key])
        parsed = parse_version(value)
        if parsed is None:
            errors.append(LabelError(key, value, VERSION_ERROR))
            return LATEST
        return parsed

    enforce_level = level(ENFORCE_LEVEL_LABEL, Level.RESTRICTED)
    has_enforce_level = enforce_level is not None and not any(
        e.key == ENFORCE_LEVEL_LABEL for e in errors
    )
    if enforce_level is not None:
        enforce = LevelVersion(enforce_level, enforce.version)
    enforce_version = version(ENFORCE_VERSION_LABEL)
    if enforce_version is not None:
        enforce = LevelVersion(enforce.level, enforce_version)
    audit_level = level(AUDIT_LEVEL_LABEL, Level.PRIVILEGED)
    if audit_level is not None:
        audit = LevelVersion(audit_level, audit.version)
    audit_version = version(AUDIT_VERSION_LABEL)
    if audit_version is not None:
        audit = LevelVersion(audit.level, audit_version)
    warn_level = level(WARN_LEVEL_LABEL, Level.PRIVILEGED)
    if warn_level is not None:
        warn = LevelVersion(warn_level, warn.version)
    warn_version = version(WARN_VERSION_LABEL)
    if warn_version is not None:
        warn = LevelVersion(warn.level, warn_version)
    if warn_level is None and has_enforce_level and compare_levels(enforce.level, warn.level) > 0:
        warn = LevelVersion(enforce.level, warn.version if warn_version else enforce.version)
    return Policy(enforce, audit, warn), errors
