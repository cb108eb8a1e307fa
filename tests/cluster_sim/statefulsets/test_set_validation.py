"""DaemonSet and StatefulSet manifests refused with the API server's wording."""

from __future__ import annotations

import pytest

from cluster_sim import load_bundle
from cluster_sim.errors import BundleError

TEMPLATE = """\
  template:
    metadata: {labels: {app: a}}
    spec:
      containers: [{name: c, image: busybox%s}]
"""


def doc(kind: str, spec: str, mounts: str = "") -> str:
    head = f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: a}}\nspec:\n"
    return head + spec + TEMPLATE % mounts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (doc("DaemonSet", ""), 'The DaemonSet "a" is invalid: spec.selector: Required value'),
        (
            doc("DaemonSet", "  selector: {matchLabels: {app: b}}\n"),
            'The DaemonSet "a" is invalid: spec.template.metadata.labels: Invalid value: '
            'map[string]string{"app":"a"}: `selector` does not match template `labels`',
        ),
        (
            doc(
                "DaemonSet",
                "  selector: {matchLabels: {app: a}}\n"
                "  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n",
            ),
            'The DaemonSet "a" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: '
            "Invalid value: 0: may not be 0 when `maxSurge` is 0",
        ),
        (
            doc(
                "StatefulSet",
                "  podManagementPolicy: Random\n  selector: {matchLabels: {app: a}}\n",
            ),
            'The StatefulSet "a" is invalid: spec.podManagementPolicy: Invalid value: "Random": '
            "must be 'OrderedReady' or 'Parallel'",
        ),
        (
            doc("StatefulSet", "  replicas: -1\n  selector: {matchLabels: {app: a}}\n"),
            'The StatefulSet "a" is invalid: spec.replicas: Invalid value: -1: '
            "must be greater than or equal to 0",
        ),
        (
            doc(
                "StatefulSet",
                "  selector: {matchLabels: {app: a}}\n",
                ", volumeMounts: [{name: nope, mountPath: /d}]",
            ),
            'The StatefulSet "a" is invalid: '
            'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "nope"',
        ),
    ],
)
def test_bad_sets_are_refused(text: str, message: str) -> None:
    with pytest.raises(BundleError) as caught:
        load_bundle([("a.yaml", text)])
    assert message in str(caught.value)


def test_a_claim_template_is_a_volume_the_template_may_mount() -> None:
    text = doc(
        "StatefulSet",
        "  selector: {matchLabels: {app: a}}\n"
        "  volumeClaimTemplates:\n"
        "  - metadata: {name: data}\n"
        "    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
        ", volumeMounts: [{name: data, mountPath: /d}]",
    )
    assert load_bundle([("a.yaml", text)]).workloads
