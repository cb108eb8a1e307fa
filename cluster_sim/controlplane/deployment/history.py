"""Revisions: revisionHistoryLimit clean-up and ``kubectl rollout undo``'s choice.

Upstream: sync.go ``cleanupDeployment`` (controllers.md §3.10) and kubectl
pkg/polymorphichelpers/rollback.go ``DeploymentRollbacker`` (the rollback is
client-side since apps/v1: kubectl patches the Deployment's template back to
an old ReplicaSet's).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...validation.rules import MAX_INT32
from ..store import ApiObject
from .replicasets import SKIPPED_ANNOTATIONS, equal_ignore_hash, revision_of, template_without_hash


def history_to_delete(old_rss: Sequence[ApiObject], limit: int | None) -> list[ApiObject]:
    """``cleanupDeployment``: the old ReplicaSets past ``limit`` that may go.

    Oldest revisions first (ties: creation, then name); one that still has
    replicas (spec or status) or has not observed its spec stays.
    """
    if limit is None or limit == MAX_INT32:
        return []
    alive = [rs for rs in old_rss if rs.deletion_timestamp is None]
    diff = len(alive) - limit
    if diff <= 0:
        return []
    alive.sort(key=lambda rs: (revision_of(rs.annotations), rs.created_ms, rs.name))
    out = []
    for rs in alive[:diff]:
        if (
            int(rs.status.get("replicas") or 0) != 0
            or int(rs.spec.get("replicas") or 0) != 0
            or rs.generation > int(rs.status.get("observedGeneration") or 0)
        ):
            continue
        out.append(rs)
    return out


class RollbackError(Exception):
    """kubectl's error for a rollback it refuses (``str()`` is the message)."""


class RollbackSkipped(RollbackError):
    """Nothing to do: kubectl prints ``<resource>/<name> skipped rollback (...)``, exit 0."""


@dataclass(frozen=True, slots=True)
class Rollback:
    """What ``kubectl rollout undo`` patches into the Deployment."""

    template: dict[str, Any]
    annotations: dict[str, str]
    revision: int


def choose_rollback(
    deployment: ApiObject, rss: Sequence[ApiObject], to_revision: int = 0
) -> Rollback:
    """``DeploymentRollbacker.Rollback``'s decision; raise ``RollbackError``.

    ``to_revision`` 0 is the previous revision (the second highest). The
    revision is looked up before the paused check, as kubectl does; a
    template that already matches raises ``RollbackSkipped``.
    """
    by_revision: dict[int, ApiObject] = {}
    for rs in rss:
        revision = revision_of(rs.annotations)
        if revision > 0:
            by_revision[revision] = rs
    if to_revision == 0:
        if len(by_revision) < 2:
            raise RollbackError(f'no rollout history found for deployment "{deployment.name}"')
        revision = sorted(by_revision)[-2]
    else:
        revision = to_revision
        if revision not in by_revision:
            raise RollbackError(f"unable to find specified revision {revision} in history")
    rs = by_revision[revision]
    if deployment.spec.get("paused"):
        raise RollbackError(
            "you cannot rollback a paused deployment; resume it first with "
            "'kubectl rollout resume' and try again"
        )
    template = rs.spec.get("template") or {}
    if equal_ignore_hash(template, deployment.spec.get("template") or {}):
        # kubectl names the revision asked for: 0 when none was
        raise RollbackSkipped(
            f"skipped rollback (current template already matches revision {to_revision})"
        )
    annotations = {k: v for k, v in deployment.annotations.items() if k in SKIPPED_ANNOTATIONS}
    for key, value in rs.annotations.items():
        if key not in SKIPPED_ANNOTATIONS:
            annotations[key] = value
    return Rollback(copy.deepcopy(template_without_hash(template)), annotations, revision)
