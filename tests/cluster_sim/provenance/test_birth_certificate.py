"""The birth certificate (issue #16): Grafeas notes and occurrences with Grafeas v1's fields."""

from __future__ import annotations

import base64
import json

from pipeline_bundles import SHA, bundle_text, of, run

from cluster_sim.provenance import grafeas
from cluster_sim.provenance.ledger import Ledger

FINDING = "[{id: CVE-2026-1234, severity: LOW, package: zlib, fixedIn: 1.3.1}]"


def certificate() -> tuple[str, list[dict], dict[str, dict]]:
    records = run(bundle_text(findings=FINDING))
    [push] = of(records, "registry", action="push")
    occurrences = [r["occurrence"] for r in of(records, "occurrence", digest=push["digest"])]
    notes = {r["note"]["name"]: r["note"] for r in of(records, "note")}
    return push["digest"], occurrences, notes


def test_every_occurrence_names_its_image_by_digest_and_its_note():
    digest, occurrences, notes = certificate()
    uri = f"https://registry.podlife.dev/shop/web@{digest}"
    assert [o["kind"] for o in occurrences] == [
        "BUILD", "DISCOVERY", "VULNERABILITY", "ATTESTATION",
        "DEPLOYMENT", "DEPLOYMENT", "DEPLOYMENT",  # the canary's Pod, then web's two
    ]  # fmt: skip
    for o in occurrences:
        assert set(o) == {
            "name", "resourceUri", "noteName", "kind", "createTime", "updateTime",
            {"BUILD": "build", "DISCOVERY": "discovery", "VULNERABILITY": "vulnerability",
             "ATTESTATION": "attestation", "DEPLOYMENT": "deployment"}[o["kind"]],
        }  # fmt: skip
        assert o["resourceUri"] == uri
        assert o["name"].startswith("projects/podlife-playground/occurrences/")
        assert notes[o["noteName"]]["kind"] == o["kind"]
    assert len({o["name"] for o in occurrences}) == len(occurrences)


def test_the_build_provenance_names_the_commit_the_builder_and_the_run():
    digest, occurrences, notes = certificate()
    build = occurrences[0]
    provenance = build["build"]["provenance"]
    assert provenance["id"] == "web-3f9c2e1"
    assert provenance["builderVersion"] == grafeas.BUILDER_VERSION
    assert provenance["sourceProvenance"]["context"]["git"] == {
        "url": "https://git.podlife.dev/shop/web.git",
        "revisionId": SHA,
    }
    assert provenance["builtArtifacts"] == [
        {
            "checksum": digest,
            "id": f"registry.podlife.dev/shop/web@{digest}",
            "names": ["registry.podlife.dev/shop/web:3f9c2e1"],
        }
    ]
    assert provenance["creator"] == "Ada <ada@podlife.dev>"
    # The run's clock starts at 2026-01-01T00:00:00Z: built from 30 s to the push at 80 s.
    assert (provenance["startTime"], provenance["endTime"]) == (
        "2026-01-01T00:00:30Z",
        "2026-01-01T00:01:20Z",
    )
    note = notes[build["noteName"]]
    assert note["build"] == {"builderVersion": grafeas.BUILDER_VERSION}


def test_the_scan_and_its_vulnerability():
    _, occurrences, notes = certificate()
    discovery, vulnerability = occurrences[1], occurrences[2]
    assert discovery["discovery"]["analysisStatus"] == "FINISHED_SUCCESS"
    assert vulnerability["vulnerability"]["severity"] == "LOW"
    assert vulnerability["vulnerability"]["packageIssue"] == [
        {"affectedPackage": "zlib", "fixAvailable": True,
         "fixedVersion": {"name": "1.3.1", "kind": "NORMAL"}}
    ]  # fmt: skip
    assert vulnerability["noteName"] == "projects/podlife-playground/notes/CVE-2026-1234"
    assert notes[vulnerability["noteName"]]["vulnerability"] == {"severity": "LOW"}


def test_the_attestation_is_signed_over_the_simple_signing_payload_and_verifies():
    digest, occurrences, notes = certificate()
    attestation = occurrences[3]
    details = attestation["attestation"]
    payload = json.loads(base64.b64decode(details["serializedPayload"]))
    assert payload["critical"] == {
        "identity": {"docker-reference": "registry.podlife.dev/shop/web"},
        "image": {"docker-manifest-digest": digest},
        "type": "atomic container signature",
    }
    [signature] = details["signatures"]
    assert signature["publicKeyId"] == "ci-release"
    assert grafeas.verify(attestation, ("ci-release",))
    assert not grafeas.verify(attestation, ("someone-else",))
    forged = json.loads(json.dumps(attestation))
    forged["attestation"]["serializedPayload"] = base64.b64encode(
        json.dumps({**payload, "critical": {**payload["critical"], "image": {
            "docker-manifest-digest": "sha256:" + "0" * 64}}}).encode()
    ).decode()  # fmt: skip
    assert not grafeas.verify(forged, ("ci-release",))
    assert notes[attestation["noteName"]]["attestation"] == {
        "hint": {"humanReadableName": "ci-release"}
    }


def test_a_deployment_occurrence_each_time_a_pod_starts_the_digest():
    records = run(bundle_text())
    [push] = of(records, "registry", action="push")
    deployments = [
        r for r in of(records, "occurrence", digest=push["digest"])
        if r["occurrence"]["kind"] == "DEPLOYMENT"
    ]  # fmt: skip
    started: dict[str, float] = {}
    for r in of(records, "container", state="running"):
        if r["t"] >= 92:  # after the push: the Pods of the canary and of the promotion
            started.setdefault(r["pod"], r["t"])
    assert [(r["t"], r["occurrence"]["deployment"]["config"]) for r in deployments] == sorted(
        (t, f"Pod/{pod}") for pod, t in started.items()
    )
    for r in deployments:
        details = r["occurrence"]["deployment"]
        assert details["platform"] == "CUSTOM"
        assert details["address"].startswith("node-")
        assert details["resourceUri"] == [r["occurrence"]["resourceUri"]]


def test_the_ledger_exports_notes_and_occurrences_and_knows_what_is_attested():
    written: list[tuple[str, dict]] = []
    ledger = Ledger(lambda kind, **fields: written.append((kind, fields)), lambda: 0)
    digest = "sha256:" + "ab" * 32
    ledger.attest(repository="registry.podlife.dev/a/b", digest=digest, key="k", t_ms=1500)
    assert ledger.attested(digest) and ledger.attested(digest, ("k",))
    assert not ledger.attested(digest, ("other",)) and not ledger.attested("sha256:" + "cd" * 32)
    exported = ledger.export()
    assert [n["kind"] for n in exported["notes"]] == ["ATTESTATION"]
    assert exported["occurrences"][0]["createTime"] == "1970-01-01T00:00:01.500Z"
    assert [kind for kind, _ in written] == ["note", "occurrence"]
