"""``copy_manifest`` is ``copy.deepcopy`` for manifests: equal, unshared, aliases kept."""

from __future__ import annotations

import copy
import datetime

import yaml

from cluster_sim.controlplane.manifest_copy import copy_manifest


def test_a_manifest_copy_is_equal_and_shares_nothing_mutable() -> None:
    manifest = yaml.safe_load(
        """
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: x}}
spec:
  containers:
  - name: a
    image: busybox
    command: [sh, -c, "echo hi"]
    resources: {requests: {cpu: 100m, memory: 1Gi}}
    ports: [{containerPort: 80}]
  terminationGracePeriodSeconds: 30
  hostNetwork: false
  nodeName: null
  weight: 1.5
"""
    )
    copied = copy_manifest(manifest)
    assert copied == manifest == copy.deepcopy(manifest)
    copied["spec"]["containers"][0]["command"].append("more")
    copied["metadata"]["labels"]["app"] = "y"
    assert manifest["spec"]["containers"][0]["command"] == ["sh", "-c", "echo hi"]
    assert manifest["metadata"]["labels"] == {"app": "x"}


def test_yaml_aliases_stay_shared_and_cycles_stay_cycles() -> None:
    manifest = yaml.safe_load("a: &env [{name: X, value: '1'}]\nb: *env\n")
    copied = copy_manifest(manifest)
    assert copied["a"] is copied["b"] and copied["a"] is not manifest["a"]
    loop: dict[str, object] = {"name": "loop"}
    loop["self"] = [loop]
    again = copy_manifest(loop)
    assert again["self"][0] is again and again is not loop  # type: ignore[index]


def test_other_values_are_deep_copied_as_deepcopy_does() -> None:
    when = datetime.date(2026, 12, 7)  # YAML's timestamps
    manifest = {"t": when, "pair": ("a", ["b"]), ("k", 1): {"x": [1]}}
    copied = copy_manifest(manifest)
    assert copied == copy.deepcopy(manifest)
    assert copied["pair"][1] is not manifest["pair"][1]
    assert copied[("k", 1)] is not manifest[("k", 1)]
