"""The API server as a container reaches it: wget and curl to https://kubernetes.default.svc.

What a learner sees in the logs: busybox wget's one line for an HTTP error
(exit 1, no body), curl's whole Status body (indented, as the API server
writes it for a curl User-Agent), 401 for a token that is not one, the
anonymous user without a token, and lists once RBAC allows them.
"""

from __future__ import annotations

import json

import pytest

from cluster_sim import Simulation, load_bundle

TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
API = "https://kubernetes.default.svc"
PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: box
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: debug
"""
READER = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
- apiGroups: [""]
  resources: ["pods", "configmaps"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
subjects:
- kind: ServiceAccount
  name: default
  namespace: default
roleRef:
  kind: Role
  name: reader
  apiGroup: rbac.authorization.k8s.io
"""
FORBIDDEN_PODS = """\
{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "pods is forbidden: User \\"system:serviceaccount:default:default\\" cannot list \
resource \\"pods\\" in API group \\"\\" in the namespace \\"default\\"",
  "reason": "Forbidden",
  "details": {
    "kind": "pods"
  },
  "code": 403
}"""


def started(manifest: str) -> Simulation:
    sim = Simulation(load_bundle([("api.yaml", manifest)]), seed=7)
    sim.advance(20)
    return sim


def sh(sim: Simulation, pod: str, container: str, script: str) -> str:
    status, output = sim.exec(pod, container, ["sh", "-c", script])
    assert status == 0
    return output


@pytest.fixture(scope="module")
def denied() -> Simulation:
    return started(PODS)


@pytest.fixture(scope="module")
def allowed() -> Simulation:
    return started(PODS + READER)


def test_busybox_wget_prints_the_status_line_and_exits_1(denied: Simulation) -> None:
    out = sh(
        denied,
        "default/box",
        "c",
        f'wget -q --no-check-certificate -O - --header "Authorization: Bearer $(cat {TOKEN})" '
        f"{API}/api/v1/namespaces/default/pods; echo rc=$?",
    )
    assert out == "wget: server returned error: HTTP/1.1 403 Forbidden\nrc=1\n"


def test_wget_without_no_check_certificate_notes_it(denied: Simulation) -> None:
    out = sh(denied, "default/box", "c", f"wget -q -O - {API}/healthz; echo; echo rc=$?")
    assert out == "wget: note: TLS certificate validation not implemented\nok\nrc=0\n"


def test_curl_shows_the_403_body_as_the_api_server_indents_it(denied: Simulation) -> None:
    out = sh(
        denied,
        "default/web",
        "nginx",
        f'curl -s --cacert {CA} -H "Authorization: Bearer $(cat {TOKEN})" '
        f"{API}/api/v1/namespaces/default/pods; echo; echo rc=$?",
    )
    assert out == FORBIDDEN_PODS + "\nrc=0\n"


def test_curl_refuses_the_server_without_its_ca(denied: Simulation) -> None:
    assert sh(denied, "default/web", "nginx", f"curl -s {API}/version; echo rc=$?") == "rc=60\n"
    out = sh(denied, "default/web", "nginx", f"curl {API}/version; echo rc=$?")
    assert out.startswith("curl: (60) SSL certificate problem: unable to get local issuer")
    assert out.endswith("rc=60\n")


def test_curl_with_a_ca_file_that_is_not_there_is_77(denied: Simulation) -> None:
    command = f"curl --cacert /etc/missing.crt {API}/version; echo rc=$?"
    out = sh(denied, "default/web", "nginx", command)
    assert out.startswith("curl: (77) error setting certificate file: /etc/missing.crt\n")
    assert out.endswith("rc=77\n")


def test_a_token_that_is_not_one_is_401(denied: Simulation) -> None:
    out = sh(
        denied,
        "default/web",
        "nginx",
        f'curl -sk -H "Authorization: Bearer not-a-jwt" {API}/api; echo; echo rc=$?',
    )
    assert json.loads(out.rsplit("\n", 2)[0]) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    }
    forged = sh(
        denied,
        "default/box",
        "c",
        f'T=$(cat {TOKEN}); wget -q --no-check-certificate -O - --header "Authorization: Bearer '
        f'$T.x" {API}/api; echo rc=$?',
    )
    assert forged == "wget: server returned error: HTTP/1.1 401 Unauthorized\nrc=1\n"


def test_without_a_token_the_user_is_anonymous(denied: Simulation) -> None:
    out = sh(denied, "default/web", "nginx", f"curl -sk {API}/api/v1/namespaces/default/pods")
    assert json.loads(out)["message"] == (
        'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" '
        'in the namespace "default"'
    )
    assert sh(denied, "default/web", "nginx", f"curl -sk {API}/livez") == "ok"


def test_a_role_binding_lets_the_service_account_list(allowed: Simulation) -> None:
    out = sh(
        allowed,
        "default/web",
        "nginx",
        f'curl -s --cacert {CA} -H "Authorization: Bearer $(cat {TOKEN})" '
        f"{API}/api/v1/namespaces/default/pods",
    )
    listing = json.loads(out)
    assert listing["kind"] == "PodList" and listing["apiVersion"] == "v1"
    assert [p["metadata"]["name"] for p in listing["items"]] == ["box", "web"]
    assert listing["items"][0]["status"]["phase"] == "Running"
    assert listing["items"][0]["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"
    one = json.loads(
        sh(
            allowed,
            "default/web",
            "nginx",
            f'curl -sk -H "Authorization: Bearer $(cat {TOKEN})" '
            f"{API}/api/v1/namespaces/default/configmaps/settings",
        )
    )
    assert (one["kind"], one["data"]) == ("ConfigMap", {"level": "debug"})


def test_what_the_role_does_not_grant_stays_forbidden(allowed: Simulation) -> None:
    def get(path: str) -> dict[str, object]:
        return json.loads(
            sh(
                allowed,
                "default/web",
                "nginx",
                f'curl -sk -H "Authorization: Bearer $(cat {TOKEN})" {API}{path}',
            )
        )

    assert get("/api/v1/namespaces/default/secrets")["code"] == 403
    assert get("/api/v1/namespaces/kube-system/pods")["code"] == 403
    assert get("/api/v1/namespaces/default/pods/web/log")["message"] == (
        'pods "web" is forbidden: User "system:serviceaccount:default:default" cannot get '
        'resource "pods/log" in API group "" in the namespace "default"'
    )
    missing = get("/api/v1/namespaces/default/pods/nope")
    assert (missing["code"], missing["message"]) == (404, 'pods "nope" not found')


def test_automount_false_leaves_no_token_file() -> None:
    sim = started(
        PODS.replace(
            "spec:\n  containers:", "spec:\n  automountServiceAccountToken: false\n  containers:", 1
        )
    )
    out = sh(sim, "default/box", "c", f"cat {TOKEN}; echo rc=$?")
    assert out == f"cat: can't open '{TOKEN}': No such file or directory\nrc=1\n"
