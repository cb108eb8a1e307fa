"""``kubectl auth can-i`` against a run's RBAC: kubectl's yes/no, exit codes and warnings.

The ``kubectl_auth_can_i`` column of ``rbac_default_serviceaccount`` is
checked by asking, as the default ServiceAccount (``--as``), what each row's
HTTP request asks.
"""

from __future__ import annotations

from typing import Any

import pytest

from cluster_sim import Simulation, load_bundle
from cluster_sim.kubectl.command_line import kubectl_text
from tests.cluster_sim.rbac.test_reference_tables import cases

SA = "--as=system:serviceaccount:default:default"
POD_READER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  namespace: team
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: team
subjects:
- kind: ServiceAccount
  name: default
roleRef:
  kind: Role
  name: pod-reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: dangling
  namespace: team
subjects:
- kind: User
  name: jane
roleRef:
  kind: Role
  name: missing
"""


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return Simulation(load_bundle([("rbac.yaml", POD_READER)]), seed=1)


def can_i(sim: Simulation, line: str) -> tuple[int, str]:
    return kubectl_text(sim.store, None, 0, f"auth can-i {line}")


def argv_for(request: dict[str, Any]) -> str:
    if not request["resourceRequest"]:
        return f"{request['verb']} {request['path']}"
    resource = request["resource"]
    if request.get("apiGroup"):
        resource += "." + request["apiGroup"]
    if request.get("name"):
        resource += "/" + request["name"]
    flags = f" -n {request['namespace']}" if request.get("namespace") else " -A"
    if request.get("subresource"):
        flags += f" --subresource={request['subresource']}"
    return f"{request['verb']} {resource}{flags}"


@pytest.mark.parametrize(
    "case", cases("rbac_default_serviceaccount"), ids=lambda c: c["input"]["http"]
)
def test_default_serviceaccount_can_i(sim: Simulation, case: dict[str, Any]) -> None:
    status, output = can_i(sim, f"{argv_for(case['input']['request'])} {SA}")
    expected = case["expected"]["kubectl_auth_can_i"]
    assert output.splitlines()[-1] == expected
    assert status == (0 if expected == "yes" else 1)


def test_the_page_user_is_a_cluster_admin(sim: Simulation) -> None:
    assert can_i(sim, "delete nodes -A") == (0, "yes\n")
    assert can_i(sim, "create deployments.apps -n kube-system") == (0, "yes\n")


def test_a_role_binding_grants_in_its_namespace_only(sim: Simulation) -> None:
    assert can_i(sim, f"list pods -n team {SA.replace(':default:', ':team:')}") == (0, "yes\n")
    assert (
        can_i(sim, f"get pods --subresource=log -n team {SA.replace(':default:', ':team:')}")[0]
        == 0
    )
    assert can_i(sim, f"delete pods -n team {SA.replace(':default:', ':team:')}") == (1, "no\n")
    assert can_i(sim, f"list pods -n default {SA.replace(':default:', ':team:')}") == (1, "no\n")


def test_a_binding_to_a_missing_role_says_why(sim: Simulation) -> None:
    assert can_i(sim, "list pods -n team --as=jane") == (
        1,
        'no - RBAC: role.rbac.authorization.k8s.io "missing" not found\n',
    )


def test_warnings_come_first(sim: Simulation) -> None:
    assert can_i(sim, f"get nodes {SA}") == (
        1,
        "Warning: resource 'nodes' is not namespace scoped\nno\n",
    )
    assert can_i(sim, f"list clusterroles {SA}") == (
        1,
        "Warning: resource 'clusterroles' is not namespace scoped in group "
        "'rbac.authorization.k8s.io'\nno\n",
    )
    assert can_i(sim, "frob pods") == (0, "Warning: verb 'frob' is not a known verb\nyes\n")
    assert can_i(sim, "list gizmos") == (
        0,
        "Warning: the server doesn't have a resource type 'gizmos'\nyes\n",
    )


def test_usage_errors(sim: Simulation) -> None:
    assert can_i(sim, "list") == (
        1,
        "error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
        "See 'kubectl auth can-i -h' for help and examples.\n",
    )
    assert can_i(sim, f"-q list pods {SA}") == (1, "")
    assert kubectl_text(sim.store, None, 0, "auth reconcile -f x.yaml")[0] == 1
