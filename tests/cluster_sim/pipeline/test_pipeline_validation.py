"""A Pipeline document's problems, pinned to their line and column (issue #16)."""

from __future__ import annotations

import pytest
from pipeline_bundles import bundle_text, pipeline

from cluster_sim import BundleError, load_bundle


def problems(text: str) -> list[str]:
    with pytest.raises(BundleError) as info:
        load_bundle([("p.yaml", text)])
    return [str(e) for e in info.value.errors]


def test_a_valid_pipeline_loads_with_its_manifests():
    bundle = load_bundle([("p.yaml", bundle_text())])
    assert [kind for kind, _ in bundle.workloads] == ["Deployment", "Deployment", "Pipeline"]


def test_a_test_result_that_is_neither_pass_nor_fail():
    text = pipeline(result="maybe")
    assert problems(text) == [
        'p.yaml:8:21: Pipeline spec.steps.tests.result: Unsupported value: "maybe": '
        'supported values: "pass", "fail"'
    ]


def test_a_commit_that_is_not_a_sha_and_an_unknown_step():
    text = pipeline().replace(f"sha: {'3f9c2e1d4b5a69788f0e1d2c3b4a5968778695a4'}", "sha: HEAD")
    text = text.replace("    tests:", "    deploy: {}\n    tests:")
    assert problems(text) == [
        'p.yaml:5:17: Pipeline spec.commit.sha: Invalid value: "HEAD": a commit is 7 to 40 '
        "lowercase hexadecimal digits",
        'p.yaml:8:13: Pipeline spec.steps.deploy: unknown field "spec.steps.deploy"; spec.steps '
        "has tests, build, push, scan, notify, canary, checks, promote",
    ]


def test_a_build_from_an_image_reference_that_does_not_parse():
    text = pipeline(base="nginx:Not A Tag")
    assert problems(text) == [
        "p.yaml:9:71: Pipeline spec.steps.build.from: Failed to apply default image tag "
        '"nginx:Not A Tag": couldn\'t parse image name "nginx:Not A Tag": invalid reference '
        "format"
    ]


def test_checks_that_could_never_pass():
    text = pipeline().replace(
        "readySeconds: 20, timeoutSeconds: 120", "readySeconds: 200, timeoutSeconds: 120"
    )
    [problem] = problems(text)
    assert problem.endswith(
        "Pipeline spec.steps.checks.readySeconds: must be at most timeoutSeconds (120), not 200"
    )


def test_a_pipeline_in_the_wrong_api_group():
    text = pipeline().replace("playground.podlife.dev/v1", "ci.example.com/v1")
    assert problems(text) == ["p.yaml:1:13: a Pipeline is apiVersion: playground.podlife.dev/v1"]


def test_a_promotion_without_a_canary():
    text = pipeline(canary=False) + "    promote: {deployment: web, container: web}\n"
    [problem] = problems(text)
    assert problem.endswith(
        "Pipeline spec.steps.promote: a promotion needs a canary step to promote from"
    )


@pytest.mark.parametrize(
    "spec",
    [
        "spec: 7",
        "spec: {commit: [], steps: {}}",
        "spec: {commit: {sha: abcdef1}, steps: {tests: 1, build: []}}",
        "spec: {commit: {sha: abcdef1}, steps: {tests: {durationSeconds: .inf}, build: {}}}",
        "spec: {commit: {sha: abcdef1}, steps: {tests: {}, build: {image: a, tag: b, "
        "from: busybox, durationSeconds: -1}, scan: {findings: [1, {id: x, severity: BAD}]}}}",
    ],
)
def test_hostile_pipelines_are_refused_with_messages_not_tracebacks(spec: str):
    text = f"apiVersion: playground.podlife.dev/v1\nkind: Pipeline\nmetadata: {{name: p}}\n{spec}\n"
    found = problems(text)
    assert found and all(p.startswith("p.yaml:") and "Pipeline spec" in p for p in found)


def test_a_run_takes_at_most_twenty_pipelines():
    one = pipeline()
    many = "---\n".join(
        one.replace("name: web, namespace: shop", f"name: web-{i}, namespace: shop")
        for i in range(21)
    )
    kind_line = 20 * (one.count("\n") + 1) + 2  # the 21st document's "kind:"
    assert problems(many) == [
        f"p.yaml:{kind_line}:7: the playground runs at most 20 Pipelines in one run; "
        "this is number 21"
    ]
