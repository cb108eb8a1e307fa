"""The attestation admission policy (issue #16): attested digests in, the rest refused."""

from __future__ import annotations

from pipeline_bundles import bundle_text, of, run

from cluster_sim import Simulation, load_bundle

REQUIRE = '{policy.podlife.dev/require-attestation: "true"}'
DENIED = 'admission webhook "attestation.policy.podlife.dev" denied the request: '


def test_off_by_default_a_catalogue_image_runs():
    records = run(bundle_text(result="fail"), until=30)
    assert of(records, "event", reason="FailedCreate") == []
    assert len({r["pod"] for r in of(records, "pod")}) == 2


def test_an_unattested_digest_is_refused_and_the_controller_shows_failed_create():
    records = run(bundle_text(namespace_labels=REQUIRE, result="fail"), until=60)
    refused = of(records, "event", reason="FailedCreate")
    assert refused and of(records, "pod") == []
    first = refused[0]
    assert first["object"].startswith("ReplicaSet/shop/web-") and first["type"] == "Warning"
    pod = first["message"].split('"')[1]
    nginx = "docker.io/library/nginx@sha256:"
    assert first["message"].startswith(
        f'Error creating: pods "{pod}" is forbidden: {DENIED}image "nginx:1.27" ({nginx}'
    )
    assert first["message"].endswith(") has no valid attestation")
    # The ReplicaSet controller retries with its back-off: 0 s, 5 ms, 15 ms, 35 ms ...
    assert [r["t"] for r in refused[:4]] == [0.0, 0.005, 0.015, 0.035]


def test_an_attested_digest_is_admitted_once_the_pipeline_signed_it():
    records = run(bundle_text(namespace_labels=REQUIRE), until=240)
    [signed] = of(records, "pipeline", step="attest", phase="Succeeded")
    refused = of(records, "event", reason="FailedCreate")
    assert refused and max(r["t"] for r in refused) < signed["t"]
    pods = of(records, "pod")
    assert pods and min(r["t"] for r in pods) == 92.0  # the canary, the first Pod admitted
    [push] = of(records, "registry", action="push")
    reference = f"registry.podlife.dev/shop/web@{push['digest']}"
    pulled = {r["message"] for r in of(records, "event", reason="Pulling")}
    assert pulled == {f'Pulling image "{reference}"'}  # only the signed digest ever ran
    web = of(records, "workload", workload="Deployment/shop/web")[-1]
    assert web["ready"] == 2 and web["images"] == [reference]


def test_a_bare_pod_is_refused_with_kubectls_forbidden_notice():
    text = (
        f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: shop, labels: {REQUIRE}}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: shop}\n"
        "spec: {containers: [{name: c, image: busybox:1.36, command: [sleep, '3600']}]}\n"
    )
    sim = Simulation(load_bundle([("bare.yaml", text)]), horizon=10)
    records = sim.advance(10)
    refused = [r["message"] for r in of(records, "notice") if "forbidden" in r["message"]]
    assert len(refused) == 1
    assert refused[0].startswith(
        f'Error from server (Forbidden): pods "bare" is forbidden: {DENIED}image "busybox:1.36" ('
        "docker.io/library/busybox@sha256:"
    )
    assert of(records, "pod") == []


def test_an_image_that_does_not_resolve_is_refused_too():
    text = bundle_text(namespace_labels=REQUIRE, result="fail").replace(
        "image: nginx:1.27", "image: nginx:no-such-tag", 1
    )
    records = run(text, until=5)
    [first, *_] = of(records, "event", reason="FailedCreate")
    assert first["message"].endswith(
        f'{DENIED}image "nginx:no-such-tag" does not resolve to a digest in the registry'
    )
