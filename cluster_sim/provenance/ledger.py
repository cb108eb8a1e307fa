"""A run's Grafeas server: the notes and occurrences its pipelines and Pods write.

The pipeline controller writes, for each image it builds, a BUILD, a DISCOVERY
(the scan finished), one VULNERABILITY per finding and, once signed, an ATTESTATION
occurrence on the image's digest; the Pods that start that digest add DEPLOYMENT
occurrences. Every note and occurrence is also a record (``note``, ``occurrence``),
so the page holds the whole birth certificate and can export it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from . import grafeas
from .grafeas import NoteKind

DEPLOY_PLATFORM: Final = "CUSTOM"  # Deployment.Platform: not GKE, not App Engine


@dataclass
class Ledger:
    """Notes and occurrences by digest; ``emit(kind, **fields)`` writes their records."""

    emit: Callable[..., None]
    epoch_ms: Callable[[], int]  # the wall-clock instant simulated time 0 stands for
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    occurrences: list[dict[str, Any]] = field(default_factory=list)
    by_digest: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deployed: set[tuple[str, str]] = field(default_factory=set)  # (pod uid, digest)

    def time(self, t_ms: int) -> str:
        return grafeas.rfc3339(self.epoch_ms(), t_ms)

    def add_note(
        self, kind: NoteKind, note_id: str, short: str, details: dict[str, Any], t_ms: int
    ) -> str:
        name = f"{grafeas.PROJECT}/notes/{note_id}"
        if name not in self.notes:
            self.notes[name] = grafeas.note(kind, note_id, short, details, self.time(t_ms))
            self.emit("note", note=self.notes[name])
        return name

    def add(self, digest: str, occurrence: dict[str, Any]) -> dict[str, Any]:
        self.occurrences.append(occurrence)
        self.by_digest.setdefault(digest, []).append(occurrence)
        self.emit("occurrence", digest=digest, occurrence=occurrence)
        return occurrence

    # -- what a pipeline writes ------------------------------------------------

    def build(
        self,
        *,
        pipeline: str,
        run: str,
        repository: str,
        tag: str,
        digest: str,
        commit: tuple[str, str, str],
        base: str,
        start_ms: int,
        end_ms: int,
    ) -> dict[str, Any]:
        sha, message, author = commit
        note = self.add_note(
            NoteKind.BUILD,
            f"build-{pipeline.replace('/', '-')}",
            f"Builds of {repository} by pipeline {pipeline}",
            {"builderVersion": grafeas.BUILDER_VERSION},
            start_ms,
        )
        uri = grafeas.resource_uri(repository, digest)
        provenance = {
            "id": run,
            "projectId": "podlife-playground",
            "commands": [
                {"name": "docker", "args": ["build", "-t", f"{repository}:{tag}", "."]},
                {"name": "docker", "args": ["push", f"{repository}:{tag}"]},
            ],
            "builtArtifacts": [
                {
                    "checksum": digest,
                    "id": f"{repository}@{digest}",
                    "names": [f"{repository}:{tag}"],
                }
            ],
            "createTime": self.time(start_ms),
            "startTime": self.time(start_ms),
            "endTime": self.time(end_ms),
            "creator": author,
            "sourceProvenance": {
                "context": {
                    "git": {"url": f"{grafeas.GIT_HOST}/{pipeline}.git", "revisionId": sha}
                },
            },
            "triggerId": pipeline,
            "builderVersion": grafeas.BUILDER_VERSION,
            "buildOptions": {"from": base, "commitMessage": message},
        }
        details = {"provenance": provenance}
        return self.add(
            digest, grafeas.occurrence(NoteKind.BUILD, note, uri, details, self.time(end_ms), run)
        )

    def scan(
        self,
        *,
        repository: str,
        digest: str,
        findings: tuple[tuple[str, str, str, str], ...],
        t_ms: int,
    ) -> list[dict[str, Any]]:
        """The scanner's DISCOVERY occurrence and one VULNERABILITY occurrence per finding."""
        uri = grafeas.resource_uri(repository, digest)
        discovery = self.add_note(
            NoteKind.DISCOVERY,
            "discovery-container-scanning",
            "Container scanning by the playground's simulated scanner",
            {"analysisKind": "VULNERABILITY"},
            t_ms,
        )
        out = [
            self.add(
                digest,
                grafeas.occurrence(
                    NoteKind.DISCOVERY,
                    discovery,
                    uri,
                    {
                        "analysisStatus": "FINISHED_SUCCESS",
                        "continuousAnalysis": "INACTIVE",
                        "lastScanTime": self.time(t_ms),
                    },
                    self.time(t_ms),
                ),
            )
        ]
        for ident, severity, package, fixed in findings:
            note = self.add_note(
                NoteKind.VULNERABILITY,
                ident,
                ident,
                {"severity": severity},
                t_ms,
            )
            issue: dict[str, Any] = {
                "affectedPackage": package or "unknown",
                "fixAvailable": bool(fixed),
            }
            if fixed:
                issue["fixedVersion"] = {"name": fixed, "kind": "NORMAL"}
            out.append(
                self.add(
                    digest,
                    grafeas.occurrence(
                        NoteKind.VULNERABILITY,
                        note,
                        uri,
                        {
                            "severity": severity,
                            "effectiveSeverity": severity,
                            "shortDescription": ident,
                            "packageIssue": [issue],
                            "fixAvailable": bool(fixed),
                        },
                        self.time(t_ms),
                        ident,
                    ),
                )
            )
        return out

    def attest(self, *, repository: str, digest: str, key: str, t_ms: int) -> dict[str, Any]:
        """An ATTESTATION signed by the pipeline's key (a simulated signature)."""
        note = self.add_note(
            NoteKind.ATTESTATION,
            f"attestor-{key}",
            f"Images built and tested by the pipeline that signs with {key}",
            {"hint": {"humanReadableName": key}},
            t_ms,
        )
        payload = grafeas.simple_signing_payload(repository, digest, key)
        details = {
            "serializedPayload": base64.b64encode(payload).decode(),
            "signatures": [{"signature": grafeas.signature(key, payload), "publicKeyId": key}],
        }
        return self.add(
            digest,
            grafeas.occurrence(
                NoteKind.ATTESTATION,
                note,
                grafeas.resource_uri(repository, digest),
                details,
                self.time(t_ms),
                key,
            ),
        )

    def deploy(
        self, *, repository: str, digest: str, pod: str, uid: str, node: str, t_ms: int
    ) -> dict[str, Any] | None:
        """A DEPLOYMENT occurrence: a Pod started this digest (once per Pod and digest)."""
        if (uid, digest) in self.deployed or digest not in self.by_digest:
            return None
        self.deployed.add((uid, digest))
        uri = grafeas.resource_uri(repository, digest)
        note = self.add_note(
            NoteKind.DEPLOYMENT,
            "deployment-playground-cluster",
            "Pods of the playground's cluster",
            {"resourceUri": [uri]},
            t_ms,
        )
        details = {
            "deployTime": self.time(t_ms),
            "config": f"Pod/{pod}",
            "address": node,
            "resourceUri": [uri],
            "platform": DEPLOY_PLATFORM,
        }
        return self.add(
            digest,
            grafeas.occurrence(NoteKind.DEPLOYMENT, note, uri, details, self.time(t_ms), uid),
        )

    # -- what readers ask --------------------------------------------------------

    def attested(self, digest: str, keys: tuple[str, ...] | None = None) -> bool:
        """Whether ``digest`` has an ATTESTATION that verifies (with one of ``keys``)."""
        for occ in self.by_digest.get(digest, ()):
            if occ.get("kind") != NoteKind.ATTESTATION:
                continue
            signers = keys
            if signers is None:
                signers = tuple(
                    str(s.get("publicKeyId"))
                    for s in (occ.get("attestation") or {}).get("signatures") or ()
                    if isinstance(s, dict)
                )
            if grafeas.signed_digest(occ) == digest and grafeas.verify(occ, signers):
                return True
        return False

    def export(self) -> dict[str, Any]:
        """Every note and occurrence, as ``ListNotes`` and ``ListOccurrences`` answer."""
        return {"notes": list(self.notes.values()), "occurrences": list(self.occurrences)}
