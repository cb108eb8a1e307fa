"""NetworkPolicies in a run: what a client in a container sees, and the records the page reads.

A dropped connection is silence, not a refusal (reference §4.4): busybox wget
gives up after its ``-T`` or the kernel's 127 s SYN give-up, nc after ``-w``,
nslookup after 5 s; blocked DNS makes a name a ``bad address``. Kubelet probes
are the node's own traffic and pass.
"""

from __future__ import annotations

import pytest

from cluster_sim import BundleError, Simulation, load_bundle
from cluster_sim.endpoints_records import expand
from tests.cluster_sim.simrun import Record, last, of, run, scenario

BACKEND = """\
apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]
    readinessProbe:
      httpGet: {path: /, port: 80}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{name: web, port: 8080, targetPort: http}, {name: none, port: 9999}]
"""


def client(script: str, name: str = "client", labels: str = "{app: client}") -> str:
    return f"""\
---
apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {labels}}}
spec:
  containers:
  - name: sh
    image: busybox:1.36
    command: ["sh", "-c", {script + "; sleep 3600"!r}]
"""


def policy(name: str, spec: str) -> str:
    return f"""\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}}}
spec:
{spec}
"""


DENY_INGRESS = policy("default-deny-ingress", "  podSelector: {}\n  policyTypes: [Ingress]")
DENY_EGRESS = policy(
    "deny-egress", "  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]"
)
ALLOW_CLIENT = policy(
    "allow-client",
    "  podSelector: {matchLabels: {app: backend}}\n"
    "  ingress:\n  - from: [{podSelector: {matchLabels: {app: client}}}]\n"
    "    ports: [{port: http}]",
)


def lines(records: list[Record], pod: str = "default/client") -> list[tuple[float, str]]:
    return [(r["t"], r["line"]) for r in of(records, "log", pod=pod)]


def at(records: list[Record], text: str, pod: str = "default/client") -> float:
    return next(t for t, line in lines(records, pod) if line == text)


def test_a_dropped_wget_times_out_after_its_own_timeout() -> None:
    records = run(
        BACKEND + client("sleep 20; wget -T 2 -qO- http://backend:8080; echo rc=$?") + DENY_INGRESS,
        until=60,
    )
    started = of(records, "connection")[0]
    assert started == {
        "t": started["t"],
        "kind": "connection",
        "from": "default/client",
        "to": "default/backend",
        "ip": last(records, "pod", pod="default/backend")["podIP"],
        "port": 80,
        "protocol": "TCP",
        "service": "default/backend",
        "verdict": "dropped",
        "direction": "ingress",
        "policy": "default/default-deny-ingress",
        "policies": ["default/default-deny-ingress"],
    }
    assert at(records, "wget: download timed out") == pytest.approx(started["t"] + 2)
    assert at(records, "rc=1") == pytest.approx(started["t"] + 2)


def test_without_a_timeout_the_kernel_gives_up_after_127_seconds() -> None:
    records = run(BACKEND + client("sleep 20; wget -qO- http://backend:8080") + DENY_INGRESS, 300)
    started = of(records, "connection")[0]["t"]
    ip = last(expand(records), "endpoints", service="default/backend")["ready"]
    assert ip  # the Service had its endpoint: the drop is the policy's, not a refusal
    said = [line for _, line in lines(records) if line.startswith("wget:")]
    assert said == [
        f"wget: can't connect to remote host ({_cluster_ip(records)}): Connection timed out"
    ]
    assert at(records, said[0]) == pytest.approx(started + 127)


def _cluster_ip(records: list[Record]) -> str:
    notice = [r for r in records if r["kind"] == "log" and "Connecting to" in r["line"]]
    if notice:
        return notice[0]["line"].split("(")[1].split(":")[0]
    sim = Simulation(load_bundle([("t.yaml", BACKEND)]), seed=0, horizon=1)
    service = sim.cluster.objects.get("Service", "default", "backend")
    assert service is not None
    return str(service.spec["clusterIP"])


def test_nc_waits_for_w_and_says_timed_out_with_v() -> None:
    records = run(
        BACKEND
        + client(
            "sleep 20; nc -zv -w 3 backend 8080; echo rc=$?; nc -z -w 1 backend 8080; echo rc=$?"
        )
        + DENY_INGRESS,
        until=60,
    )
    first = of(records, "connection")[0]["t"]
    out = lines(records)
    assert [line for _, line in out] == [
        f"nc: backend ({_cluster_ip(records)}:8080): Connection timed out",
        "rc=1",
        "rc=1",  # without -v busybox nc prints nothing
    ]
    assert [t - first for t, _ in out] == pytest.approx([3, 3, 4])


def test_an_allow_rule_lets_the_client_through_and_is_named() -> None:
    records = run(
        BACKEND
        + client("sleep 20; wget -T 2 -qO- http://backend:8080 | head -n 4 | tail -n 1")
        + DENY_INGRESS
        + ALLOW_CLIENT,
        until=40,
    )
    (attempt,) = of(records, "connection")
    assert attempt["verdict"] == "allowed"
    assert attempt["policy"] == "default/allow-client"  # the named port http resolved on backend
    assert any("Welcome to nginx!" in line for _, line in lines(records))


def test_the_policy_sees_the_target_port_not_the_service_port() -> None:
    only_8080 = policy(
        "allow-8080",
        "  podSelector: {matchLabels: {app: backend}}\n  ingress:\n  - ports: [{port: 8080}]",
    )
    records = run(BACKEND + client("sleep 20; wget -T 2 -qO- http://backend:8080") + only_8080, 40)
    (attempt,) = of(records, "connection")
    assert (attempt["port"], attempt["verdict"]) == (80, "dropped")


def test_a_live_allow_lets_the_next_attempt_through() -> None:
    loop = (
        "sleep 20; while true; do wget -T 2 -qO- http://backend:8080 >/dev/null "
        "&& echo ok || echo failed; sleep 10; done"
    )
    allow = ALLOW_CLIENT.replace("\n", "\n        ").rstrip()
    text = (
        BACKEND
        + client(loop)
        + DENY_INGRESS
        + scenario(
            f"at: 45\n    apply:\n      manifest: |\n        {allow.lstrip('-').lstrip()}",
            horizon=80,
        )
    )
    records = run(text, until=80)
    verdicts = [(r["t"] < 45, r["verdict"]) for r in of(records, "connection")]
    assert (True, "dropped") in verdicts and verdicts[-1] == (False, "allowed")
    said = [line for _, line in lines(records) if line in ("ok", "failed")]
    assert said[0] == "failed" and said[-1] == "ok"


def test_egress_lockdown_breaks_dns_the_way_busybox_shows_it() -> None:
    script = "sleep 20; nslookup backend; echo rc=$?; wget -qO- http://backend:8080; echo rc=$?"
    records = run(BACKEND + client(script) + DENY_EGRESS, until=120)
    out = lines(records)
    assert [line for _, line in out] == [
        ";; connection timed out; no servers could be reached",
        "",
        "rc=1",
        "wget: bad address 'backend'",
        "rc=1",
    ]
    start = out[0][0] - 5
    assert [t - start for t, _ in out] == pytest.approx([5, 5, 5, 45, 45])
    dns = of(records, "connection", to="kube-system/coredns")
    assert {(r["port"], r["protocol"], r["verdict"], r["policy"]) for r in dns} == {
        (53, "UDP", "dropped", "default/deny-egress")
    }


def test_a_dns_allow_brings_names_back_but_not_the_connection() -> None:
    allow_dns = policy(
        "allow-dns",
        "  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n  egress:\n"
        "  - to:\n"
        "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n"
        "      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
        "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]",
    )
    script = (
        "sleep 20; nslookup backend | tail -n 2 | head -n 1; "
        "wget -T 3 -qO- http://backend:8080; echo rc=$?"
    )
    records = run(BACKEND + client(script) + DENY_EGRESS + allow_dns, until=60)
    said = [line for _, line in lines(records)]
    assert said[0] == f"Address: {_cluster_ip(records)}"
    assert said[1:] == ["wget: download timed out", "rc=1"]
    (web,) = of(records, "connection", to="default/backend")
    assert (web["direction"], web["policies"]) == (
        "egress",
        ["default/deny-egress", "default/allow-dns"],
    )


def test_kubelet_probes_are_not_subject_to_policies() -> None:
    records = run(BACKEND + DENY_INGRESS, until=30)
    assert last(records, "pod", pod="default/backend")["conditions"]["Ready"] == "True"
    assert of(records, "connection") == []


def test_allowed_but_nothing_listening_is_still_a_refusal() -> None:
    allow_all = policy("allow-all", "  podSelector: {}\n  ingress: [{}]")
    script = "sleep 20; wget -T 2 -qO- http://backend:9999; wget -T 2 -qO- http://backend:8080/x"
    records = run(BACKEND + client(script) + allow_all, until=40)
    assert [line for _, line in lines(records)] == [
        f"wget: can't connect to remote host ({_cluster_ip(records)}): Connection refused",
        "wget: server returned error: HTTP/1.1 404 Not Found",
    ]
    assert [r["verdict"] for r in of(records, "connection")] == ["allowed", "allowed"]


def test_an_invalid_policy_is_refused_with_the_api_servers_message() -> None:
    bad = policy("bad", "  podSelector: {}\n  ingress:\n  - from: [{}]")
    with pytest.raises(BundleError) as caught:
        load_bundle([("t.yaml", BACKEND + bad)])
    assert [e.message for e in caught.value.errors] == [
        'The NetworkPolicy "bad" is invalid: spec.ingress[0].from[0]: Required value: '
        "must specify a peer"
    ]


def test_reachability_records_name_peers_ports_and_policies() -> None:
    records = run(BACKEND + client("sleep 3600") + DENY_INGRESS + ALLOW_CLIENT, until=20)
    view = last(records, "reachability", pod="default/backend")
    assert view["ingressPolicies"] == ["default/default-deny-ingress", "default/allow-client"]
    assert view["egressPolicies"] == []
    assert view["ingress"] == [
        {
            "peer": "default/client",
            "ip": last(records, "pod", pod="default/client")["podIP"],
            "ports": [
                {"port": 80, "protocol": "TCP", "allowed": True, "policy": "default/allow-client"}
            ],
        }
    ]


def test_no_policy_no_records() -> None:
    records = run(BACKEND + client("sleep 20; wget -T 2 -qO- http://backend:8080 >/dev/null"), 40)
    assert of(records, "connection") == [] and of(records, "reachability") == []


def test_the_inspectors_exec_leaves_no_connection_record() -> None:
    sim = Simulation(
        load_bundle([("t.yaml", BACKEND + client("sleep 3600") + DENY_INGRESS)]),
        seed=0,
        horizon=60,
    )
    sim.advance(30)
    before = sim.cluster.recorder.written
    _status, output = sim.exec("client", "sh", ["wget", "-T", "2", "-qO-", "http://backend:8080"])
    assert sim.cluster.recorder.written == before
    assert output == "(the inspector does not wait for sleep)\n"  # it stopped at the wait


def test_api_calls_are_checked_at_the_api_servers_endpoint() -> None:
    """After DNAT, kubernetes.default's 443 is the API server's 6443: only an ipBlock allows it."""
    call = "wget -T 2 -qO- --no-check-certificate https://$KUBERNETES_SERVICE_HOST/version"
    script = f"sleep 5; {call} >/dev/null && echo reached; echo rc=$?"
    lockdown = policy("lockdown", "  podSelector: {}\n  policyTypes: [Egress]")
    records = run(client(script) + lockdown, until=30)
    (attempt,) = of(records, "connection")
    assert (attempt["ip"], attempt["port"], attempt["verdict"]) == ("172.18.0.1", 6443, "dropped")
    assert [line for _, line in lines(records)] == ["wget: download timed out", "rc=1"]
    api = policy(
        "allow-api",
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
        "  - to: [{ipBlock: {cidr: 172.18.0.1/32}}]\n    ports: [{port: 6443}]",
    )
    records = run(client(script) + lockdown + api, until=30)
    assert [r["policy"] for r in of(records, "connection", verdict="allowed")] == [
        "default/allow-api"
    ]
    assert "reached" in [line for _, line in lines(records)]


def test_wget_without_q_says_where_it_connects_before_the_silence() -> None:
    records = run(
        BACKEND + client("sleep 20; wget -T 2 -O- http://backend:8080") + DENY_INGRESS, 40
    )
    ip = _cluster_ip(records)
    out = lines(records)
    assert [line for _, line in out] == [
        f"Connecting to backend:8080 ({ip}:8080)",
        "wget: download timed out",
    ]
    assert out[1][0] - out[0][0] == pytest.approx(2)
